// Maps a WGS84 point to the CBS areas (gemeente, wijk, buurt) and focus areas containing it.
//
// AreaIndex loads CBS "Wijk- en buurtkaart" GeoJSON (RFC 7946, lon/lat) and answers Locate()
// from an S2 shape index. The level of each feature follows from its properties, matched
// case-insensitively:
//   buurt    BU_CODE / buurtcode    (name BU_NAAM / buurtnaam)
//   wijk     WK_CODE / wijkcode     (name WK_NAAM / wijknaam)
//   gemeente GM_CODE / gemeentecode (name GM_NAAM / gemeentenaam)
//   statcode / statnaam (CBS gebiedsindelingen): level from the code prefix GM / WK / BU.
// A feature is a buurt if it has a buurt code, else a wijk if it has a wijk code, else a
// gemeente. Parent codes missing from the properties are derived from the CBS code
// (BU03750003 -> WK037500 -> GM0375). Features with `water` or `H2O` == "JA" are ignored.
// Wijken and gemeenten that only appear as parents (e.g. only a buurt file was loaded) are
// added as areas whose geometry is the union of their children; they are located through
// their buurten (a point inside a buurt is inside its wijk and gemeente).
//
// Focus areas come from a separate FeatureCollection with properties `code`, `name`,
// `gemeente_code`, `description`, and either a Polygon/MultiPolygon geometry or a null
// geometry plus `covers`: a list of loaded CBS area codes. A point is in a `covers` focus
// area when its located buurt, wijk or gemeente is one of those codes (so focus areas agree
// with the buurt assignment).
//
// Thread safety: an AreaIndex is immutable after Load()/FromGeoJson(); all const methods may be
// called concurrently from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::geo {
namespace internal {
struct AreaIndexData;
}  // namespace internal

enum class AreaLevel { kGemeente, kWijk, kBuurt, kFocusArea };

// "gemeente", "wijk", "buurt" or "focus_area".
[[nodiscard]] absl::string_view AreaLevelName(AreaLevel level);

struct Area {
  std::string code;  // CBS code (GM0375, WK037500, BU03750003) or focus area code (FA037501)
  std::string name;  // falls back to the code when the data has no name
  AreaLevel level = AreaLevel::kGemeente;
  std::string parent_code;    // buurt->wijk, wijk->gemeente, focus->gemeente; "" if none/unknown
  std::string gemeente_code;  // own code for a gemeente; "" for a focus area without gemeente
  double centroid_lat = 0;    // area-weighted centroid; may lie outside a concave area
  double centroid_lon = 0;
  // The greatest distance from the centroid to a vertex of the area's outline, in metres: a
  // point known only to lie in the area is within this of the centroid.
  double radius_meters = 0;
  std::string geometry_geojson;  // Polygon/MultiPolygon geometry object as compact JSON
  std::string description;       // focus areas only
};

struct AreaMatch {
  std::string gemeente_code;
  std::string wijk_code;   // "" if the point is in a gemeente but no wijk could be assigned
  std::string buurt_code;  // "" if the point is in a gemeente but no buurt could be assigned
  std::vector<std::string> focus_areas;  // every focus area containing the point, sorted
};

struct AreaIndexOptions {
  // Files, or directories whose *.geojson / *.json files are all loaded (sorted by name; the
  // focus areas file is skipped if it lies in one of them).
  std::vector<std::string> area_paths;
  std::string focus_areas_path;  // optional GeoJSON FeatureCollection of focus areas
  // A point inside a gemeente polygon but in no buurt polygon is assigned to the nearest buurt
  // of that gemeente within this distance (the shipped polygons are simplified). 0 disables.
  double snap_tolerance_meters = 75;
};

class AreaIndex {
 public:
  // Loads the files named in `options`.
  // Errors: NOT_FOUND if a path does not exist, cannot be read or a directory holds no area
  // files; INVALID_ARGUMENT if a document is unusable (not JSON, not a FeatureCollection, no
  // features, a feature without a code or with unusable geometry, duplicate codes, unknown
  // codes in `covers`, a crs other than WGS84 such as RD New EPSG:28992, out-of-range
  // coordinates) or the snap tolerance is negative. Messages name the file and the 0-based
  // feature index.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AreaIndex>> Load(
      const AreaIndexOptions& options);

  // Like Load(), from in-memory documents (named "area document #i" / "focus document" in
  // errors). `focus_doc` may be empty for no focus areas.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AreaIndex>> FromGeoJson(
      const std::vector<std::string>& area_docs, const std::string& focus_doc,
      double snap_tolerance_meters = 75);

  ~AreaIndex();
  AreaIndex(const AreaIndex&) = delete;
  AreaIndex& operator=(const AreaIndex&) = delete;

  // The areas containing the point (WGS84 degrees). The buurt polygon containing the point
  // decides buurt, wijk and gemeente. Otherwise, inside a gemeente (or wijk) polygon, the
  // nearest buurt of that gemeente within the snap tolerance is used; failing that the match
  // has the gemeente (and the wijk whose polygon contains the point, if any) and empty buurt.
  // Errors: INVALID_ARGUMENT (field "latitude" / "longitude") for non-finite or out-of-range
  // coordinates; NOT_FOUND if the point lies outside every loaded gemeente.
  [[nodiscard]] absl::StatusOr<AreaMatch> Locate(double lat, double lon) const;

  // Gemeenten, wijken, buurten, focus areas; each group sorted by code.
  [[nodiscard]] const std::vector<Area>& areas() const;

  // The area with this code, or nullptr if unknown.
  [[nodiscard]] const Area* Find(absl::string_view code) const;

 private:
  explicit AreaIndex(std::unique_ptr<const internal::AreaIndexData> data);
  std::unique_ptr<const internal::AreaIndexData> data_;
};

}  // namespace wijkwacht::geo
