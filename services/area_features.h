// AreaFeatures: areas with their per-theme map counts as GeoJSON Features, read through the
// v1 method table and gate (MapService.ListAreas with geometry x MapService.GetAggregates),
// so the caller's authorization decides what they get. Shared by the GeoJSON export
// (services/exports.h) and the OGC API Features collections (services/ogc_features.h).
//
// One Feature per area and period that has counts, and one without `period_start` for an area
// with none. Feature id "<area code>@<period start, Unix seconds>" (just the code for an area
// without counts). Properties (flat, for QGIS): code, name, level, parent_code, period_start
// (RFC 3339 or ""), suppression_k, and per theme <THEME>_reports, <THEME>_incidents. For a
// caller without exact counts (k > 0: the public), every count below k — withheld ones and
// zeros alike — is null, so no feature carries a count below k.
//
// Errors: those of the calls (INVALID_ARGUMENT naming the selection's field, PERMISSION_DENIED,
// ...). Thread safety: a free function; everything referenced must outlive the call.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "nlohmann/json.hpp"
#include "services/method_table.h"
#include "wijkwacht/v1/map.pb.h"

namespace wijkwacht::services {

struct AreaFeature {
  nlohmann::ordered_json feature;
  // [west, south, east, north] of the geometry (all 0 when it has none).
  std::array<double, 4> bbox = {0, 0, 0, 0};
};

struct AreaFeatures {
  std::vector<AreaFeature> features;
  int64_t suppression_k = 0;
};

// Fills what `selection` leaves open: level BUURT, period MONTH, end `now`, start 30 days
// before the end.
void ApplyAreaSelectionDefaults(absl::Time now, v1::AggregateSelection* selection);

// The features of `selection` (defaults applied by the caller), in area order (ListAreas')
// then period order.
[[nodiscard]] absl::StatusOr<AreaFeatures> ReadAreaFeatures(const MethodTable& methods,
                                                            const CallGate& gate,
                                                            const CallMetadata& metadata,
                                                            const v1::GetAggregatesRequest& request);

// [west, south, east, north] of every area of `level` (ListAreas with geometry only; no
// counts are read); the whole world when none has a geometry. Errors: those of ListAreas.
[[nodiscard]] absl::StatusOr<std::array<double, 4>> AreaExtent(const MethodTable& methods,
                                                               const CallGate& gate,
                                                               const CallMetadata& metadata,
                                                               v1::AreaLevel level);

}  // namespace wijkwacht::services
