#include "services/log_follower.h"

namespace wijkwacht::services {

void LogFollower::Start(uint64_t after) {
  examined_ = after;
  Schedule();
}

void LogFollower::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  if (watch_ != 0) feed_->Cancel(watch_);
  watch_ = 0;
}

void LogFollower::Schedule() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  workers_->Schedule([this] { Pump(); });
}

void LogFollower::Pump() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
  }
  const uint64_t after = examined_.load();
  absl::StatusOr<std::vector<internal::ChangeEvent>> events = feed_->Read(after, batch_);
  if (!events.ok() || events->empty()) {
    // Caught up (or the log is unreadable for now): wait for the next change. Watch calls
    // back at once when the log moved on since the read, so it must not run under mu_ (the
    // callback takes it: a self-deadlock that stopped shutdown).
    const storage::ChangeFeed::WatchId id = feed_->Watch(after, [this] { Schedule(); });
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) {
      feed_->Cancel(id);
      return;
    }
    watch_ = id;
    return;
  }
  if (handle_(*events).ok()) examined_ = events->back().sequence();
  Schedule();
}

}  // namespace wijkwacht::services
