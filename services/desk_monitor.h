// DeskMonitor: the dispatch desk's background duties.
//   1. Routing audit: follows the change log for reports that opened an incident which a
//      routing rule assigned (ReportCreated.routing) and writes one "RouteIncident" audit
//      entry naming the rule (storage::DispatchStore::RecordRouting), together with its
//      durable cursor (meta "desk_monitor_cursor"): after a crash it resumes there, so each
//      automatic assignment is audited exactly once. (The report writer only copies the
//      decision into the incident; the audit chain is not touched on that path.)
//   2. Deadlines: every `check_interval`, and once in Start() before the server serves,
//      raises OVERDUE for open incidents whose due_time has passed by the injected clock
//      (storage::DispatchStore::MarkOverdue: exactly once per incident and deadline, durable).
//
// Thread safety: internal; log work runs on the given worker pool, deadline checks on a thread
// of their own. Stop() before the engine shuts down.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "services/log_follower.h"
#include "storage/change_feed.h"
#include "storage/dispatch_store.h"

namespace wijkwacht::services {

class DeskMonitor {
 public:
  struct Parts {
    storage::DispatchStore* store = nullptr;
    storage::ChangeFeed* feed = nullptr;
    WorkerPool* workers = nullptr;
    const Clock* clock = nullptr;
    absl::Duration check_interval = absl::Minutes(1);
  };
  explicit DeskMonitor(Parts parts);
  ~DeskMonitor() { Stop(); }

  // Raises what is overdue now, then starts following the log and the deadline thread.
  [[nodiscard]] absl::Status Start();
  // No more work is scheduled after this returns.
  void Stop();

  // Raises OVERDUE for everything due by now (all of it, in batches); returns how many.
  [[nodiscard]] absl::StatusOr<int> CheckDeadlines();

 private:
  // Audits the routing of the incidents opened in `events` (see 1. above).
  [[nodiscard]] absl::Status AuditRouting(const std::vector<internal::ChangeEvent>& events);

  Parts parts_;
  LogFollower follower_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::thread deadlines_;
};

}  // namespace wijkwacht::services
