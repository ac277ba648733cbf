// The council's half-year progress report (tussenstand): gathers its figures from the stores
// (incident counts per wijk, focus area, theme and period; monthly series; imported
// indicators; wijk outlines) into domain/progress's ProgressReportData, which renders it.
//
// Counts are incidents (events, not reporters), from the aggregate counters: an incident is
// counted in the half-year and areas of its first report. Compared periods: the previous
// half-year and the same half-year a year earlier. Exact counts for staff; with
// ProgressSources::publish_k every incident figure is instead the public map's figure for the
// same cell (privacy/small_counts.h via storage::CellCountsOf: the same withholding, the same
// offset from the same records), so the publication and the map cannot be differenced.
//
// The Actieplan of the half-year's year (ActionPlanStore): per priority (rank order; a measure
// belongs to the first priority of its theme, else to "other measures") each measure with its
// status, newest progress note, planned outputs with the enforcement recorded against them
// (actions of the output's kind linked to the measure, from its start to the end of the
// half-year), its enforcement in the half-year by kind, and before/after: incidents and
// reports of its theme in its areas (summed over them) and incidents in the rest of the
// gemeente, in the part of the measure up to the end of the half-year (and not after `now`)
// vs. as many days just before it. The flitspeiling trend: every poll closed by the end of the
// half-year, gemeente-wide mean score with its 95% interval (withheld below the poll's
// minimum). Early warnings raised in the half-year in the gemeente, each with what was done:
// measures of its theme covering its area that ran after it, and the enforcement of its area
// and theme recorded after it in the half-year. Handled within target: the incidents opened
// in the half-year that have a due_time, per wijk (of their area) and theme, counted once
// settled — handled (resolved or rejected; StoredIncident.handled_time) or past their
// deadline by `now` — and on time when handled by the deadline.
//
// Thread safety: pure reads; may be called concurrently. Errors: INVALID_ARGUMENT on
// "period" (not "YYYY-H1"/"YYYY-H2"), NOT_FOUND when the gemeente has no wijken, storage
// errors as they come.
#pragma once

#include <map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/geo/area_index.h"
#include "domain/progress/progress_report.h"
#include "domain/trend/rise_detector.h"
#include "storage/action_plan_store.h"
#include "storage/aggregate_store.h"
#include "storage/dispatch_store.h"
#include "storage/early_warning_store.h"
#include "storage/enforcement_store.h"
#include "storage/indicator_store.h"
#include "storage/poll_store.h"

namespace wijkwacht::services {

struct ProgressSources {
  const geo::AreaIndex* areas = nullptr;
  const storage::AggregateStore* aggregates = nullptr;
  const storage::IndicatorStore* indicators = nullptr;
  std::string gemeente_code = "GM0375";  // whose wijken the report covers
  // The Actieplan cycle (each may be null: its section then says there is nothing).
  const storage::ActionPlanStore* plans = nullptr;
  const storage::EnforcementStore* enforcement = nullptr;
  const storage::PollStore* polls = nullptr;
  const storage::EarlyWarningStore* warnings = nullptr;
  // Incidents with their deadlines, for "handled within target"; null: the section says
  // there is nothing.
  const storage::DispatchStore* incidents = nullptr;
  // The publication version: the public map's k (0: the staff version, exact) and its themes
  // with a higher k (a negative value: the theme is off the public map). Wijk and focus-area
  // figures are the map's half-year cells, the monthly series its gemeente month cells; a
  // measure's before/after figures (ranges that are no map period) pass the same rule with
  // the distinct reporters of each half-year they touch counted as if they could all be one
  // (divided by the half-years touched). A withheld figure enters the data as 1, which the
  // renderer shows as "<k" (suppress_below_k) and never prints.
  //
  // In the publication version the early warnings and the handling figures pass the same
  // rule: a warning is listed only when the map publishes its area's cell of its theme and
  // window (`warning_detector.window_days` ending on its day; a day is the map's DAY cell),
  // its observed count being the map's figure, its expected count computed from the
  // published figure of its baseline (withheld with it); "handled within target" rows of a
  // wijk and theme whose half-year cell the map withholds are withheld, the others are the
  // settled and on-time incidents' published figures (the cell-key offset of their own
  // incidents, withheld below k). Enforcement figures (a measure's planned outputs and its
  // half-year enforcement, listed for every action type; a warning's actions after it) pass
  // the map's enforcement layer's rule (PublishEnforcement in services/map_layers.h).
  int publish_k = 0;
  std::map<int, int> theme_k;
  // The early-warning monitor's detector (its windows), for the publication's warnings.
  trend::RiseDetectorOptions warning_detector;
};

[[nodiscard]] absl::StatusOr<progress::ProgressReportData> BuildProgressReportData(
    const ProgressSources& sources, absl::string_view period, absl::Time now);

}  // namespace wijkwacht::services
