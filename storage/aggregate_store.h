// AggregateStore: incident and report counts per area x theme x civil day (Europe/Amsterdam),
// the numbers behind the safety map.
//
// The counts are maintained incrementally: the report write stages them (StageReportCounts)
// in the same synced batch as the report, as RocksDB merge operands that add, so a crash can
// never leave report and counts disagreeing, and no query ever scans reports. A report adds
// one report to every area it lies in; a report that opened an incident also adds one
// incident there (an incident is counted where and when its first report was observed).
// Coarser periods (week, month, half year) are sums of days at query time.
//
// Thread safety: all methods may be called concurrently; StageReportCounts runs inside a
// WriteFn. Errors: UNAVAILABLE / DATA_LOSS from the engine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

// Europe/Amsterdam (UTC if the system has no time zone data).
[[nodiscard]] const absl::TimeZone& MapTimeZone();
// The civil day of `t` in MapTimeZone().
[[nodiscard]] absl::CivilDay MapDay(absl::Time t);

struct DayCounts {
  int64_t incidents = 0;
  int64_t reports = 0;
};

// Inside a report's WriteFn.
void StageReportCounts(WriteContext& ctx, const std::vector<std::string>& area_codes, int theme,
                       absl::Time observed, bool incident_opened);

class AggregateStore {
 public:
  explicit AggregateStore(const Engine* engine) : engine_(engine) {}

  using DayVisitor = std::function<void(absl::CivilDay day, const DayCounts& counts)>;
  // Every day in [first, end) with stored counts for `area_code` and `theme` (a
  // wijkwacht.v1.Theme value), in order.
  [[nodiscard]] absl::Status ForEachDay(absl::string_view area_code, int theme,
                                        absl::CivilDay first, absl::CivilDay end,
                                        const DayVisitor& visit) const;

 private:
  const Engine* const engine_;
};

// Recomputes every counter from the stored reports (each report's ReportCreated change-log
// entry says where, when, in which theme, and whether it opened an incident) and compares
// them with the aggregates column family. Returns one line per difference ("area theme day:
// stored i/r, recomputed i/r"), at most `max_differences`; empty = consistent. Reads a
// quiescent store (stop the server, or accept differences from writes in flight).
[[nodiscard]] absl::StatusOr<std::vector<std::string>> VerifyAggregates(
    const Engine& engine, size_t max_differences = 100);

}  // namespace wijkwacht::storage
