#include "domain/geo/geojson_geometry.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "s2/s2builder.h"
#include "s2/s2builderutil_s2polygon_layer.h"
#include "s2/s2earth.h"
#include "s2/s2error.h"
#include "s2/s2latlng.h"
#include "s2/s2loop.h"

namespace wijkwacht::geo::internal {
namespace {

using nlohmann::json;

// Rings enclosing less than this are degenerate (collinear or repeated vertices).
constexpr double kMinRingAreaSteradians = S2Earth::SquareMetersToSteradians(0.01);

struct Ring {
  std::unique_ptr<S2Loop> loop;  // normalised: counter-clockwise, at most a hemisphere
  bool is_hole;                  // from the GeoJSON structure (ring index > 0)
};

absl::StatusOr<S2Point> ParsePosition(const json& position, absl::string_view where) {
  if (!position.is_array() || position.size() < 2 || !position[0].is_number() ||
      !position[1].is_number()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": a position must be an array [lon, lat] of numbers"));
  }
  const double lon = position[0].get<double>();
  const double lat = position[1].get<double>();
  if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lon) > 180 || std::abs(lat) > 90) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": position [", lon, ", ", lat,
                     "] is not WGS84 [lon, lat] in degrees; projected coordinates such as RD New "
                     "(EPSG:28992) must be converted to WGS84 first"));
  }
  return S2LatLng::FromDegrees(lat, lon).ToPoint();
}

// Appends the ring to `rings` unless it is degenerate.
absl::Status ParseRing(const json& coordinates, bool is_hole, absl::string_view where,
                       std::vector<Ring>& rings) {
  if (!coordinates.is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": a ring must be an array"));
  }
  std::vector<S2Point> vertices;
  vertices.reserve(coordinates.size());
  for (const json& position : coordinates) {
    absl::StatusOr<S2Point> point = ParsePosition(position, where);
    if (!point.ok()) return point.status();
    if (vertices.empty() || vertices.back() != *point) vertices.push_back(*point);
  }
  while (vertices.size() > 1 && vertices.back() == vertices.front()) vertices.pop_back();
  if (vertices.size() < 3) return absl::OkStatus();

  auto loop = std::make_unique<S2Loop>(vertices, S2Debug::DISABLE);
  loop->Normalize();
  const double area = loop->GetArea();
  if (area < kMinRingAreaSteradians || area > 4 * M_PI - kMinRingAreaSteradians) {
    return absl::OkStatus();
  }
  rings.push_back({std::move(loop), is_hole});
  return absl::OkStatus();
}

absl::Status ParsePolygonRings(const json& polygon, absl::string_view where,
                               std::vector<Ring>& rings) {
  if (!polygon.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": polygon coordinates must be an array of rings"));
  }
  for (size_t i = 0; i < polygon.size(); ++i) {
    const size_t rings_before = rings.size();
    absl::Status status =
        ParseRing(polygon[i], /*is_hole=*/i > 0, absl::StrCat(where, " ring ", i), rings);
    if (!status.ok()) return status;
    // Without its outer ring the holes are meaningless.
    if (i == 0 && rings.size() == rings_before) return absl::OkStatus();
  }
  return absl::OkStatus();
}

// Rebuilds the polygon from its edges, splitting self-touching and crossing rings.
absl::StatusOr<std::unique_ptr<S2Polygon>> Repair(std::vector<Ring> rings,
                                                  const S2Error& original_error) {
  S2Builder::Options builder_options;
  builder_options.set_split_crossing_edges(true);
  S2Builder builder(builder_options);
  auto polygon = std::make_unique<S2Polygon>();
  polygon->set_s2debug_override(S2Debug::DISABLE);
  builder.StartLayer(std::make_unique<s2builderutil::S2PolygonLayer>(polygon.get()));
  for (Ring& ring : rings) {
    if (ring.is_hole) ring.loop->Invert();  // interior on the left of every edge
    builder.AddLoop(*ring.loop);
  }
  S2Error error;
  if (!builder.Build(&error) || polygon->FindValidationError(&error) ||
      polygon->GetArea() > 2 * M_PI) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid polygon (", original_error.text(), ") that could not be repaired",
                     error.ok() ? "" : absl::StrCat(": ", error.text())));
  }
  return polygon;
}

double RoundCoordinate(double degrees) { return std::round(degrees * 1e7) / 1e7; }

json RingToJson(const S2Loop& loop) {
  json ring = json::array();
  for (int i = 0; i <= loop.num_vertices(); ++i) {  // repeats the first vertex to close
    const S2LatLng vertex(loop.oriented_vertex(i % loop.num_vertices()));
    ring.push_back(
        {RoundCoordinate(vertex.lng().degrees()), RoundCoordinate(vertex.lat().degrees())});
  }
  return ring;
}

}  // namespace

absl::StatusOr<std::unique_ptr<S2Polygon>> PolygonFromGeoJson(const json& geometry) {
  if (!geometry.is_object()) {
    return absl::InvalidArgumentError("geometry must be a Polygon or MultiPolygon object");
  }
  const auto type = geometry.find("type");
  const auto coordinates = geometry.find("coordinates");
  if (type == geometry.end() || !type->is_string() || coordinates == geometry.end()) {
    return absl::InvalidArgumentError("geometry needs a \"type\" and \"coordinates\"");
  }
  std::vector<Ring> rings;
  if (*type == "Polygon") {
    absl::Status status = ParsePolygonRings(*coordinates, "Polygon", rings);
    if (!status.ok()) return status;
  } else if (*type == "MultiPolygon") {
    if (!coordinates->is_array()) {
      return absl::InvalidArgumentError("MultiPolygon coordinates must be an array of polygons");
    }
    for (size_t i = 0; i < coordinates->size(); ++i) {
      absl::Status status =
          ParsePolygonRings((*coordinates)[i], absl::StrCat("MultiPolygon polygon ", i), rings);
      if (!status.ok()) return status;
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("geometry type ", type->get<std::string>(),
                     " is not supported (need Polygon or MultiPolygon)"));
  }
  if (rings.empty()) {
    return absl::InvalidArgumentError(
        "geometry has no usable ring (every outer ring has fewer than 3 distinct vertices or no "
        "area)");
  }

  std::vector<std::unique_ptr<S2Loop>> loops;
  loops.reserve(rings.size());
  for (const Ring& ring : rings) loops.emplace_back(ring.loop->Clone());
  auto polygon = std::make_unique<S2Polygon>();
  polygon->set_s2debug_override(S2Debug::DISABLE);
  polygon->InitNested(std::move(loops));  // nesting decides shells and holes
  S2Error error;
  if (!polygon->FindValidationError(&error)) return polygon;
  return Repair(std::move(rings), error);
}

std::string PolygonToGeoJson(const S2Polygon& polygon) {
  json polygons = json::array();
  for (int i = 0; i < polygon.num_loops(); ++i) {
    const S2Loop& shell = *polygon.loop(i);
    if (shell.is_hole()) continue;
    json rings = json::array({RingToJson(shell)});
    for (int j = i + 1; j <= polygon.GetLastDescendant(i); ++j) {
      if (polygon.loop(j)->depth() == shell.depth() + 1)
        rings.push_back(RingToJson(*polygon.loop(j)));
    }
    polygons.push_back(std::move(rings));
  }
  json geometry;
  if (polygons.size() == 1) {
    geometry = {{"type", "Polygon"}, {"coordinates", std::move(polygons[0])}};
  } else {
    geometry = {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}};
  }
  return geometry.dump();
}

}  // namespace wijkwacht::geo::internal
