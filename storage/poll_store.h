// PollStore: the flitspeiling's polls, answers and once-per-device markers (the polls,
// poll_answers and poll_markers column families; this class alone writes them).
//
// Unlinkability: an answer (poll_answers) holds the buurt, wijk, score, themes and open text
// only: no device id, pseudonym, time or marker, under a random key (so key order says nothing
// about arrival order). Once per device is kept in poll_markers: HMAC-SHA256(k, device id)
// with k a random key of the poll (stored with the poll, never sent), whose value is
// HMAC-SHA256(k, "answer" + the answer) so that a replay can be told from a different second
// answer without storing the answer next to the marker in readable form. What this protects
// against and what not: see services/poll_service.h.
//
// Create stores a poll (number, marker key, create_time) with a `poll_published` change event
// (the poll without its key; SyncService shows it in every device's feed) and an audit entry,
// in ONE synced batch. Answer checks the window at commit time and writes the marker and the
// answer in one batch.
//
// Thread safety: all methods may be called concurrently. Errors: NOT_FOUND (poll),
// FAILED_PRECONDITION (outside the poll's window), ALREADY_EXISTS (the device answered this
// poll differently), INTERNAL (no randomness), UNAVAILABLE / RESOURCE_EXHAUSTED (engine),
// DATA_LOSS (a stored value does not parse).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/random.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/poll.pb.h"

namespace wijkwacht::storage {

class PollStore {
 public:
  // Neither is owned; `random` nullptr = auth::SystemRandom().
  PollStore(Engine* engine, auth::RandomSource* random)
      : engine_(engine), random_(random != nullptr ? random : auth::SystemRandom()) {}

  // Stores `poll` (validated by the caller, min_respondents set) as "polls/{number}".
  [[nodiscard]] absl::StatusOr<v1::Poll> Create(v1::Poll poll, const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<v1::Poll> Get(uint64_t number) const;
  // Newest first.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Poll>> List() const;

  // Stores `answer` of the device `device_id` to poll `number` unless the device answered it
  // already: true = a replay of the same answer (nothing written).
  [[nodiscard]] absl::StatusOr<bool> Answer(uint64_t number, absl::string_view device_id,
                                            const internal::PollAnswer& answer);
  // Every answer of poll `number`, in key (random) order.
  [[nodiscard]] absl::StatusOr<std::vector<internal::PollAnswer>> Answers(uint64_t number) const;

 private:
  Engine* const engine_;
  auth::RandomSource* const random_;
};

}  // namespace wijkwacht::storage
