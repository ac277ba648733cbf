// Internal to wijkwacht_geo: conversion between GeoJSON polygon geometry and S2Polygon.
//
// Thread safety: all functions are pure.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "s2/s2polygon.h"

namespace wijkwacht::geo::internal {

// Builds an S2Polygon from a GeoJSON Polygon or MultiPolygon geometry object (WGS84 lon/lat).
// Rings may have either orientation; closing and repeated vertices are dropped; rings with
// fewer than 3 distinct vertices or no area are skipped; rings that touch or cross themselves
// are repaired with S2Builder.
// Errors: INVALID_ARGUMENT (message without location prefix) if the geometry is not a
// Polygon/MultiPolygon, has malformed or out-of-range positions, or has no usable ring.
[[nodiscard]] absl::StatusOr<std::unique_ptr<S2Polygon>> PolygonFromGeoJson(
    const nlohmann::json& geometry);

// `polygon` as a compact RFC 7946 geometry (shells counter-clockwise, holes clockwise,
// coordinates rounded to 1e-7 degrees): a Polygon if it has one shell, else a MultiPolygon.
[[nodiscard]] std::string PolygonToGeoJson(const S2Polygon& polygon);

}  // namespace wijkwacht::geo::internal
