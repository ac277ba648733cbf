// NotifyOutbox: the durable outbox of webhook notifications (column family notify_outbox),
// and its only writer.
//
// Attach() registers a change stager with the engine (Engine::AddChangeStager): every change
// a reporter or shopkeeper must not miss while the app is closed stages its notifications in
// the SAME batch as the change itself, so a crash can neither lose one nor invent one:
//   status_changed  TransitionIncident moved the reporter-visible status (ReportStatus) of an
//                   incident's reports: one per report whose reporter is a device (a
//                   pseudonym), with the status it shows now; MergeIncidents moved an absorbed
//                   incident's reports into the survivor (incident = the survivor, status =
//                   the survivor's); SplitReport moved a report into a new incident (incident =
//                   the new one, RECEIVED);
//   feedback        SendFeedback: one per distinct device among the incident's reporters,
//                   with the message;
//   alert           AlertService published, resolved or retracted an alert: one, for the
//                   subscribers of the areas the alert lies in (no recipient device);
//   question        built by QuestionNotification (the desk's AskReporter): one per device.
// Staff reporters ("users/{name}") get none; purges notify nobody.
// Entries are keyed by (change sequence, index): the outbox is read oldest change first. Each
// gets a random idempotency key when staged (randomness injected), the same on every retry.
//
// The delivery worker (services/webhook_notifier.h) reads Oldest(), and Remove()s an entry once
// the webhook took it, or GiveUp()s one it no longer tries: the entry moves, in one write, to
// the dead letters (column family notify_dead_letters, with the time and the number of failed
// attempts), where it is never sent again. Pending() is the number of outbox entries and
// DeadLetters() that of dead letters, both counted at Attach() and kept as entries are staged,
// removed and given up.
//
// Dead letters can be read (DeadLetters(), a page at a time) and resent (Resend(): moved
// back into the outbox under the same key and with the same idempotency key, so a receiver
// that did take an earlier attempt de-duplicates it; `resend_time` restarts the delivery age),
// each resend with one audit entry in the same write.
//
// Lifecycle: entries hold a device pseudonym, incident and report names and a dispatcher's
// text. StageForget() removes, in the caller's write, the outbox entries and dead letters that
// concern a device (its erasure: SealedIdentityStore::Erase), an incident or its reports
// (IncidentPurger: PurgeIncident and retention by final status), or that were caused by a
// change older than a cutoff (the retention sweep: as long as the change log keeps the change).
//
// Thread safety: all methods may be called concurrently; the stager runs on the engine's writer
// thread. Errors: DATA_LOSS (a stored report or entry that does not parse), UNAVAILABLE /
// RESOURCE_EXHAUSTED (engine), INTERNAL (random source).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/random.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

// The question kind, for the desk's AskReporter: what the outbox stages for a question put to
// the reporters (device pseudonyms; others are skipped) of `incident`.
[[nodiscard]] std::vector<internal::OutboxNotification> QuestionNotifications(
    absl::string_view incident, absl::string_view question, absl::string_view text,
    const std::vector<std::string>& reporters);

// What StageForget removes: every entry whose recipient, incident or report is listed, or
// whose change is older than `before`.
struct NotifyForget {
  std::vector<std::string> recipients;  // reporter pseudonyms
  std::vector<std::string> incidents;   // "incidents/{id}"
  std::vector<std::string> reports;     // "reports/{id}"
  // (recipient, "reports/{id}" or "incidents/{id}") pairs: the names a report stored under an
  // alias goes by in its own reporter's notifications (the id it sent, which may be another
  // report's real id: matched only together with that recipient).
  std::vector<std::pair<std::string, std::string>> sent_names;
  absl::Time before = absl::InfinitePast();
};

class NotifyOutbox {
 public:
  // Neither is owned; both must outlive the outbox.
  NotifyOutbox(Engine* engine, auth::RandomSource* random) : engine_(engine), random_(random) {}

  // Counts the pending entries and dead letters (without staging anything: a server without a
  // webhook still reads, resends and forgets what an earlier configuration left).
  [[nodiscard]] absl::Status Load();
  // Load(), then registers the change stager. Call once, before the first write that should
  // notify.
  [[nodiscard]] absl::Status Attach();

  // The notifications `event` causes (without id and time: Stage sets them). Reads reports
  // through `ctx` (the state as of the change).
  [[nodiscard]] static absl::StatusOr<std::vector<internal::OutboxNotification>> NotificationsFor(
      WriteContext& ctx, const internal::ChangeEvent& event);

  // Stages `notifications`, caused by the change-log entry `event`, into the caller's batch:
  // each gets its idempotency key and the change's time.
  [[nodiscard]] absl::Status Stage(WriteContext& ctx, const internal::ChangeEvent& event,
                                   std::vector<internal::OutboxNotification> notifications);

  struct Entry {
    std::string key;
    internal::OutboxNotification notification;
  };
  // Up to `limit` committed entries, oldest change first, beginning after `after` ("" = the
  // first).
  [[nodiscard]] absl::StatusOr<std::vector<Entry>> Oldest(int limit,
                                                          absl::string_view after = "") const;
  // Deletes a delivered entry (durable when it returns).
  [[nodiscard]] absl::Status Remove(absl::string_view key);

  // Moves an entry to the dead letters (durable when it returns); a key no longer in the
  // outbox (delivered meanwhile) is left alone.
  [[nodiscard]] absl::Status GiveUp(absl::string_view key, absl::Time when, int failed_attempts);

  // Up to `limit` dead letters in key order (oldest change first), after `after` ("" = the
  // first); `next` is the key to continue after ("" = no more).
  struct DeadLetterPage {
    std::vector<Entry> entries;
    std::string next;
  };
  [[nodiscard]] absl::StatusOr<DeadLetterPage> ListDeadLetters(int limit,
                                                               absl::string_view after) const;
  // The same page for a member of staff, shown only after one audit entry by `actor` (action
  // "ListDeadLetters", target "deadLetters", detail: how many and which were shown, with what
  // they concern) is committed; when that write fails, its error and nothing shown.
  [[nodiscard]] absl::StatusOr<DeadLetterPage> ListDeadLettersAudited(int limit,
                                                                      absl::string_view after,
                                                                      absl::string_view actor);

  // Moves dead letters back into the outbox, in one write with one audit entry by `actor`
  // (action "ResendDeadLetters"): the given keys (each must be a dead letter: NOT_FOUND naming
  // `names[i]` otherwise, nothing moved), or with `all` the first `limit` of them. Returns the
  // keys moved.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> Resend(
      const std::vector<std::string>& keys, bool all, int limit, absl::string_view actor);

  // Stages the removal of what `what` names from the outbox and the dead letters into the
  // caller's write; returns how many entries go.
  [[nodiscard]] absl::StatusOr<int64_t> StageForget(WriteContext& ctx, const NotifyForget& what);
  // The same in a write of its own (durable when it returns).
  [[nodiscard]] absl::StatusOr<int64_t> Forget(const NotifyForget& what);

  [[nodiscard]] int64_t Pending() const { return pending_.load(std::memory_order_relaxed); }
  [[nodiscard]] int64_t DeadLetters() const { return dead_.load(std::memory_order_relaxed); }
  // Bumped whenever entries were staged (possibly in a batch that later failed): lets the
  // worker sleep until there may be something new.
  [[nodiscard]] uint64_t staged_generation() const { return generation_.load(); }

 private:
  Engine* const engine_;
  auth::RandomSource* const random_;
  std::atomic<int64_t> pending_{0};
  std::atomic<int64_t> dead_{0};
  std::atomic<uint64_t> generation_{0};
};

}  // namespace wijkwacht::storage
