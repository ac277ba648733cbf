// ChangeFeed: the change log as a resumable feed, the one mechanism behind every server
// stream (map aggregates, residents' sync feeds, shopkeepers' alerts, the dispatch queue).
//
// A stream is "the log after sequence N, filtered for me": a reader asks for the events after
// its cursor (Read), and when it has caught up it registers a wake-up (Watch) that runs once
// the log has advanced. Nothing is buffered per subscriber: a slow reader simply lags behind
// in the durable log, so it can neither hold memory nor slow down writers. Cursors are opaque
// strings that carry the sequence (EncodeCursor/DecodeCursor).
//
// The newest events (up to Options::tail_events) are also kept in one shared in-memory tail:
// when a commit wakes thousands of caught-up subscribers, the first one to read loads the new
// events from RocksDB into the tail and the others copy them from memory. A reader further
// behind than the tail reads RocksDB as before.
//
// Retention: events older than the retained window may be deleted (issue: retention); a
// cursor before FirstRetainedSequence() gets FAILED_PRECONDITION telling the client to
// resync from a fresh snapshot.
//
// Closing: Close() (server shutdown) wakes every watch at once and makes later watches fire
// immediately; readers check closed() when woken and end their streams with a resume cursor
// instead of waiting for the log. Read() keeps working after Close().
//
// Thread safety: all methods may be called from any thread. Watch callbacks run on the
// storage writer thread after a group is durable (or on the thread calling Close()): they
// must only schedule work (never read the log or block).
#pragma once

#include <cstdint>
#include <deque>
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
  struct Options {
    // Newest events kept in memory for caught-up readers (0: none, every Read hits RocksDB).
    size_t tail_events = 4096;
  };
  // `engine` is not owned and must outlive the feed.
  explicit ChangeFeed(Engine* engine) : ChangeFeed(engine, Options()) {}
  ChangeFeed(Engine* engine, Options options);
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

  // Wakes every watch and marks the feed closed (idempotent); see the class comment.
  void Close();
  [[nodiscard]] bool closed() const;

 private:
  void OnCommit(uint64_t last_sequence);
  // The durable events after `after` up to `last` from RocksDB, at most `max_events`.
  absl::StatusOr<std::vector<internal::ChangeEvent>> ReadLog(uint64_t after, uint64_t last,
                                                             size_t max_events) const;
  // Serves Read from the tail when it covers `after`, first loading the events up to `last`
  // into it. False when `after` lies before the tail (the caller reads RocksDB).
  absl::StatusOr<bool> ReadTail(uint64_t after, uint64_t last, size_t max_events,
                                std::vector<internal::ChangeEvent>* out) const;

  Engine* const engine_;
  const Options options_;
  // The tail holds every durable event with sequence in (tail_after_, tail_upto_], in order.
  mutable std::mutex tail_mu_;
  mutable std::mutex fill_mu_;  // one reader loads new events at a time
  mutable std::deque<internal::ChangeEvent> tail_;
  mutable uint64_t tail_after_ = 0;
  mutable uint64_t tail_upto_ = 0;
  mutable std::mutex mu_;
  uint64_t retained_after_ = 0;
  bool closed_ = false;
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

// Where a stream that renders one event as several messages stands: every event up to and
// including `after` delivered, then the first `delivered` messages of the next event.
struct StreamPosition {
  uint64_t after = 0;
  uint32_t delivered = 0;
};
// Cursor for "the first `delivered` (>= 1) messages of event `sequence` (>= 1) were sent"
// ("c2." + base64url of both), so a client cut off between the messages of one event resumes
// with the rest of it. The last message of an event carries EncodeCursor(sequence).
[[nodiscard]] std::string EncodeCursorWithin(uint64_t sequence, uint32_t delivered);
// The position of an EncodeCursor or EncodeCursorWithin cursor ("" is the start of the log).
// Errors: INVALID_ARGUMENT naming `field` for anything else.
[[nodiscard]] absl::StatusOr<StreamPosition> DecodeStreamCursor(absl::string_view cursor,
                                                                absl::string_view field);

}  // namespace wijkwacht::storage
