// Fuzz target: the CBS GeoJSON area loader and the focus-area loader (domain/geo/area_index.h),
// which take files supplied by a municipality (--areas, --focus_areas). Mode byte even: the
// rest is an area document; odd: the rest is a focus document over a small fixed Beverwijk
// gemeente / wijk / buurt set. A document either loads, and then every area can be looked
// up and its centroid located without crashing, or is refused with INVALID_ARGUMENT.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "domain/geo/area_index.h"
#include "fuzz/fuzz_support.h"

namespace {

// One gemeente square around the centre of Beverwijk with one wijk and one buurt inside.
constexpr char kAreas[] = R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"GM_CODE":"GM0375","GM_NAAM":"Beverwijk"},"geometry":
 {"type":"Polygon","coordinates":[[[4.60,52.46],[4.70,52.46],[4.70,52.51],[4.60,52.51],[4.60,52.46]]]}},
{"type":"Feature","properties":{"WK_CODE":"WK037500","WK_NAAM":"Centrum"},"geometry":
 {"type":"Polygon","coordinates":[[[4.64,52.47],[4.68,52.47],[4.68,52.50],[4.64,52.50],[4.64,52.47]]]}},
{"type":"Feature","properties":{"BU_CODE":"BU03750000","BU_NAAM":"Centrum"},"geometry":
 {"type":"Polygon","coordinates":[[[4.65,52.48],[4.67,52.48],[4.67,52.49],[4.65,52.49],[4.65,52.48]]]}}
]})";

void Exercise(const wijkwacht::geo::AreaIndex& index) {
  for (const wijkwacht::geo::Area& area : index.areas()) {
    if (index.Find(area.code) != &area) abort();
    absl::StatusOr<wijkwacht::geo::AreaMatch> match =
        index.Locate(area.centroid_lat, area.centroid_lon);
    if (!match.ok() && match.status().code() != absl::StatusCode::kNotFound &&
        match.status().code() != absl::StatusCode::kInvalidArgument) {
      abort();
    }
  }
  for (const auto& [lat, lon] : {std::pair{52.4870, 4.6578}, std::pair{52.0, 4.0},
                                 std::pair{90.0, 180.0}, std::pair{-90.0, -180.0}}) {
    (void)index.Locate(lat, lon);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wijkwacht::fuzz::InputReader in(data, size);
  const uint8_t mode = in.Byte();
  const std::string doc(in.Rest());
  absl::StatusOr<std::unique_ptr<wijkwacht::geo::AreaIndex>> index =
      (mode & 1) ? wijkwacht::geo::AreaIndex::FromGeoJson({kAreas}, doc, (mode >> 1) % 4 * 50)
                 : wijkwacht::geo::AreaIndex::FromGeoJson({doc}, "", (mode >> 1) % 4 * 50);
  if (!index.ok()) {
    if (index.status().code() != absl::StatusCode::kInvalidArgument) abort();
    return 0;
  }
  Exercise(**index);
  return 0;
}
