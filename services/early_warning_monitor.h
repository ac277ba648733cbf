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
#include "storage/aggregate_store.h"
#include "storage/change_feed.h"
#include "storage/engine.h"
#include "wijkwacht/v1/map.pb.h"

namespace wijkwacht::services {

class EarlyWarningMonitor {
 public:
  struct Parts {
    storage::Engine* engine = nullptr;
    storage::ChangeFeed* feed = nullptr;
    const storage::AggregateStore* aggregates = nullptr;
    WorkerPool* workers = nullptr;
    trend::RiseDetectorOptions detector;
  };
  explicit EarlyWarningMonitor(Parts parts) : parts_(std::move(parts)) {}

  // Starts following the log from the durable cursor.
  [[nodiscard]] absl::Status Start();
  // No more work is scheduled after this returns.
  void Stop();

  // Stored warnings in (area, theme, day) order, optionally for one area and/or theme (0 =
  // any); at most `page_size` after `page_token`. Errors: INVALID_ARGUMENT on page_token.
  struct Page {
    std::vector<v1::EarlyWarning> warnings;
    std::string next_page_token;
  };
  [[nodiscard]] static absl::StatusOr<Page> List(const storage::Engine& engine,
                                                 absl::string_view area_code, int theme,
                                                 int page_size, absl::string_view page_token);

  // Sequence up to which the log has been examined (for tests).
  [[nodiscard]] uint64_t examined() const { return examined_.load(); }

 private:
  void Schedule();
  void Pump();

  Parts parts_;
  std::mutex mu_;
  bool stopped_ = false;
  storage::ChangeFeed::WatchId watch_ = 0;
  std::atomic<uint64_t> examined_{0};
  int64_t history_start_day_ = 0;
};

}  // namespace wijkwacht::services
