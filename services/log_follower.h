// LogFollower: follows the change log (storage::ChangeFeed) from a cursor for a background
// duty (the early-warning monitor, the desk monitor): reads batches of events after the
// cursor on a worker pool, hands each batch to `handle`, and moves the cursor past it when
// `handle` succeeds (a failed batch is read again). When caught up it waits for the next
// change (ChangeFeed::Watch) instead of polling.
//
// Thread safety: internal; Start once, then Stop from any thread: no new batch starts after
// Stop returns (one already being handled finishes).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/worker_pool.h"
#include "storage/change_feed.h"

namespace wijkwacht::services {

class LogFollower {
 public:
  using Handle = std::function<absl::Status(const std::vector<internal::ChangeEvent>& events)>;
  LogFollower(storage::ChangeFeed* feed, WorkerPool* workers, size_t batch, Handle handle)
      : feed_(feed), workers_(workers), batch_(batch), handle_(std::move(handle)) {}

  // Follows the log from after sequence `after`.
  void Start(uint64_t after);
  void Stop();
  // Sequence up to which events have been handled.
  [[nodiscard]] uint64_t examined() const { return examined_.load(); }

 private:
  void Schedule();
  void Pump();

  storage::ChangeFeed* const feed_;
  WorkerPool* const workers_;
  const size_t batch_;
  const Handle handle_;
  std::mutex mu_;
  bool stopped_ = false;
  storage::ChangeFeed::WatchId watch_ = 0;
  std::atomic<uint64_t> examined_{0};
};

}  // namespace wijkwacht::services
