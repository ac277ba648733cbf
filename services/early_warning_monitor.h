// EarlyWarningMonitor: watches the change log for newly opened incidents and tests, per area
// x theme, whether the day's incident count is a significant rise over its trailing baseline
// (domain/trend: one-sided Poisson test; parameters in RiseDetectorOptions, Bonferroni-
// corrected for every area x theme series the server covers). A rise is stored once per area
// x theme x day (early_warnings column family) together with an EarlyWarningRaised change
// event, in one batch that also advances the monitor's durable cursor (meta
// "early_warning_cursor"), so after a crash it resumes where it stopped and never raises a
// warning twice. The aggregate stream and the dispatch queue show those events.
//
// The test for a day reads the counts as stored when the monitor gets to it; it normally runs
// within a moment of the write.
//
// Thread safety: internal; work runs on the given worker pool. Stop() before the engine shuts
// down.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "absl/status/statusor.h"
#include "common/worker_pool.h"
#include "domain/geo/area_index.h"
#include "domain/trend/rise_detector.h"
#include "services/log_follower.h"
#include "storage/aggregate_store.h"
#include "storage/change_feed.h"
#include "storage/early_warning_store.h"
#include "wijkwacht/v1/map.pb.h"

namespace wijkwacht::services {

class EarlyWarningMonitor {
 public:
  struct Parts {
    storage::EarlyWarningStore* warnings = nullptr;  // where warnings and the cursor go
    storage::ChangeFeed* feed = nullptr;
    const storage::AggregateStore* aggregates = nullptr;
    WorkerPool* workers = nullptr;
    trend::RiseDetectorOptions detector;
  };
  explicit EarlyWarningMonitor(Parts parts);

  // Starts following the log from the durable cursor.
  [[nodiscard]] absl::Status Start();
  // No more work is scheduled after this returns.
  void Stop();

  // Sequence up to which the log has been examined (for tests).
  [[nodiscard]] uint64_t examined() const { return follower_.examined(); }

 private:
  // Tests the series touched by `events` and records what rose (with the cursor).
  [[nodiscard]] absl::Status Examine(const std::vector<internal::ChangeEvent>& events);

  Parts parts_;
  LogFollower follower_;
  int64_t history_start_day_ = 0;
};

}  // namespace wijkwacht::services
