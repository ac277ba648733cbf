// The council's half-year progress report (tussenstand): gathers its figures from the stores
// (incident counts per wijk, focus area, theme and period; monthly series; imported
// indicators; wijk outlines) into domain/progress's ProgressReportData, which renders it.
//
// Counts are incidents (events, not reporters), from the aggregate counters: an incident is
// counted in the half-year and areas of its first report. Compared periods: the previous
// half-year and the same half-year a year earlier. Exact counts (the report is for staff).
//
// Thread safety: pure reads; may be called concurrently. Errors: INVALID_ARGUMENT on
// "period" (not "YYYY-H1"/"YYYY-H2"), NOT_FOUND when the gemeente has no wijken, storage
// errors as they come.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/geo/area_index.h"
#include "domain/progress/progress_report.h"
#include "storage/aggregate_store.h"
#include "storage/indicator_store.h"

namespace wijkwacht::services {

struct ProgressSources {
  const geo::AreaIndex* areas = nullptr;
  const storage::AggregateStore* aggregates = nullptr;
  const storage::IndicatorStore* indicators = nullptr;
  std::string gemeente_code = "GM0375";  // whose wijken the report covers
};

[[nodiscard]] absl::StatusOr<progress::ProgressReportData> BuildProgressReportData(
    const ProgressSources& sources, absl::string_view period, absl::Time now);

}  // namespace wijkwacht::services
