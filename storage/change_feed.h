// ChangeFeed: the change log as a resumable feed, the one mechanism behind every server
// stream (map aggregates, residents' sync feeds, shopkeepers' alerts, the dispatch queue).
//
// A stream is "the log after sequence N, filtered for me": a reader asks for the events after
// its cursor (Read), and when it has caught up it registers a wake-up (Watch) that runs once
// the log has advanced. Nothing is buffered per subscriber: a slow reader simply lags behind
// in the durable log, so it can neither hold memory nor slow down writers. Cursors are opaque
// strings that carry the sequence (EncodeCursor/DecodeCursor).
//
// Retention: events older than the retained window may be deleted (issue: retention); a
// cursor before FirstRetainedSequence() gets FAILED_PRECONDITION telling the client to
// resync from a fresh snapshot.
//
// Thread safety: all methods may be called from any thread. Watch callbacks run on the
// storage writer thread after a group is durable: they must only schedule work (never read
// the log or block).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

class ChangeFeed {
 public:
  // `engine` is not owned and must outlive the feed.
  explicit ChangeFeed(Engine* engine);
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Up to `max_events` durable events with sequence > `after`, in order (empty when caught
  // up). Errors: FAILED_PRECONDITION when `after` is older than the retained log,
  // INVALID_ARGUMENT when it lies beyond the newest event, DATA_LOSS / UNAVAILABLE.
  [[nodiscard]] absl::StatusOr<std::vector<internal::ChangeEvent>> Read(uint64_t after,
                                                                       size_t max_events) const;

  // Sequence of the newest durable event (0 when the log is empty).
  [[nodiscard]] uint64_t LastSequence() const { return engine_->LastSequence(); }
  // Sequence of the oldest retained event minus one: the oldest valid cursor.
  [[nodiscard]] uint64_t FirstRetainedSequence() const;
  // Called by retention when it deletes the log up to and including `sequence`.
  void SetRetainedAfter(uint64_t sequence);

  using WatchId = uint64_t;
  // Runs `wake` once, as soon as the log holds an event with sequence > `after` (immediately
  // on the calling thread if it already does). Returns an id for Cancel.
  WatchId Watch(uint64_t after, std::function<void()> wake);
  // Removes a watch that has not fired yet (no-op otherwise).
  void Cancel(WatchId id);

 private:
  void OnCommit(uint64_t last_sequence);

  Engine* const engine_;
  mutable std::mutex mu_;
  uint64_t retained_after_ = 0;
  WatchId next_id_ = 1;
  struct Waiter {
    uint64_t after;
    std::function<void()> wake;
  };
  absl::flat_hash_map<WatchId, Waiter> waiters_;
};

// Opaque stream cursor for `sequence` ("c1." + base64url of the sequence, versioned).
[[nodiscard]] std::string EncodeCursor(uint64_t sequence);
// The sequence of a cursor; "" is 0 (the start of the log). Errors: INVALID_ARGUMENT naming
// `field` for anything EncodeCursor did not produce.
[[nodiscard]] absl::StatusOr<uint64_t> DecodeCursor(absl::string_view cursor,
                                                    absl::string_view field);

}  // namespace wijkwacht::storage
