// The Actieplan cycle's layers of the safety map, added to MapService.GetAggregates on
// request: enforcement counts per area x theme x period x action type
// (selection.include_enforcement), summed from storage::EnforcementStore, and the
// flitspeiling results of the selected areas for every poll that closed in the selected range
// (selection.include_poll_results; oldest poll first, so the list is the trend over polls).
//
// Privacy: the query's k (0 for staff) applies to every count: a count in [1, k) is withheld
// (count 0, suppressed = true), as for report and incident counts. Staff get the counts there
// are; a caller with a k gets every selected area x theme x period x action type, an empty one
// withheld like one below k (as the map's area totals), so that "withheld" does not say that
// there was some enforcement; more than kMaxAggregateCells of them is INVALID_ARGUMENT on
// "selection". Poll results follow the poll's own minimum of respondents for every caller
// (services/poll_service.h); a caller with a k gets every selected area, one without
// respondents withheld. Periods are the query's (whole periods for non-staff callers, see
// MapServiceImpl::ParseSelection).
//
// Thread safety: const reads of thread-safe stores; call from any thread.
#pragma once

#include "absl/status/status.h"
#include "privacy/small_counts.h"
#include "services/map_service.h"
#include "storage/action_plan_store.h"
#include "storage/dispatch_store.h"
#include "storage/enforcement_store.h"
#include "storage/poll_store.h"
#include "wijkwacht/v1/map.pb.h"

namespace wijkwacht::services {

struct MapLayers {
  const storage::EnforcementStore* enforcement = nullptr;
  const storage::PollStore* polls = nullptr;
  const geo::AreaIndex* areas = nullptr;
  // Not layers: the progress report's Actieplan and handling sections read them
  // (map_service.h).
  const storage::ActionPlanStore* plans = nullptr;
  const storage::DispatchStore* incidents = nullptr;
};

// The enforcement layer's one small-count rule, which the tussenstand's publication applies
// to its enforcement figures too (services/progress_data.h). AddEnforcementCount adds one
// record to a figure's counts (its count as reports, its record key); PublishEnforcement
// gives the figure for threshold `k` (0: exact): an empty figure is withheld like one below k,
// every other passes privacy::Publish (records are staff-entered, so no reporter gate).
void AddEnforcementCount(const v1::EnforcementRecord& record, privacy::CellCounts* counts);
[[nodiscard]] privacy::PublishedCounts PublishEnforcement(const privacy::CellCounts& counts,
                                                          int k);

// Adds the layers `selection` asks for to `response`.
[[nodiscard]] absl::Status AddMapLayers(const MapLayers& layers, const AggregateQuery& query,
                                        const v1::AggregateSelection& selection,
                                        v1::GetAggregatesResponse* response);

}  // namespace wijkwacht::services
