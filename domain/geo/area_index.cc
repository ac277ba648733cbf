#include "domain/geo/area_index.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "domain/geo/geojson_geometry.h"
#include "nlohmann/json.hpp"
#include "s2/mutable_s2shape_index.h"
#include "s2/s1chord_angle.h"
#include "s2/s2closest_edge_query.h"
#include "s2/s2contains_point_query.h"
#include "s2/s2earth.h"
#include "s2/s2latlng.h"
#include "s2/s2polygon.h"

namespace wijkwacht::geo {
namespace internal {

struct AreaIndexData {
  std::vector<Area> areas;  // gemeenten, wijken, buurten, focus areas; each sorted by code
  absl::flat_hash_map<std::string, int> area_by_code;
  MutableS2ShapeIndex shapes;      // one S2Polygon::OwningShape per area feature with a polygon
  std::vector<int> area_of_shape;  // shape id -> index into `areas`
  // CBS area code -> focus areas (indices into `areas`) that list it in `covers`.
  absl::flat_hash_map<std::string, std::vector<int>> focus_areas_covering;
  std::optional<S1ChordAngle> snap_distance;  // unset: snapping disabled
};

}  // namespace internal

namespace {

using internal::AreaIndexData;
using nlohmann::json;

struct NamedDocument {
  std::string name;  // file path or "area document #i", for error messages
  std::string text;
};

// An area while loading, before it is frozen into AreaIndexData.
struct PendingArea {
  Area area;
  // The feature's own polygon (indexed), or for derived areas and `covers` focus areas the
  // union of their parts (only used for geometry_geojson and the centroid).
  std::unique_ptr<S2Polygon> polygon;
  bool indexed = false;
  std::string origin;  // "<document> feature #i"
  // Parent names as given in the feature's properties, for parents without a feature.
  std::string wijk_name;
  std::string gemeente_name;
  std::vector<std::string> covers;  // focus areas only
};

// A feature's properties, looked up by lower-case key.
class Properties {
 public:
  explicit Properties(const json& properties) {
    if (!properties.is_object()) return;
    for (const auto& [key, value] : properties.items()) {
      by_lower_key_.emplace(absl::AsciiStrToLower(key), &value);
    }
  }

  // The first non-empty string value among `keys` (lower case), whitespace-trimmed; "" if none.
  std::string GetString(std::initializer_list<absl::string_view> keys) const {
    for (absl::string_view key : keys) {
      const auto it = by_lower_key_.find(key);
      if (it == by_lower_key_.end() || !it->second->is_string()) continue;
      std::string value(absl::StripAsciiWhitespace(it->second->get_ref<const std::string&>()));
      if (!value.empty()) return value;
    }
    return "";
  }

  const json* Get(absl::string_view key) const {
    const auto it = by_lower_key_.find(key);
    return it == by_lower_key_.end() ? nullptr : it->second;
  }

 private:
  absl::flat_hash_map<std::string, const json*> by_lower_key_;
};

constexpr std::initializer_list<absl::string_view> kBuurtCodeKeys = {"bu_code", "buurtcode"};
constexpr std::initializer_list<absl::string_view> kBuurtNameKeys = {"bu_naam", "buurtnaam"};
constexpr std::initializer_list<absl::string_view> kWijkCodeKeys = {"wk_code", "wijkcode"};
constexpr std::initializer_list<absl::string_view> kWijkNameKeys = {"wk_naam", "wijknaam"};
constexpr std::initializer_list<absl::string_view> kGemeenteCodeKeys = {"gm_code", "gemeentecode"};
constexpr std::initializer_list<absl::string_view> kGemeenteNameKeys = {"gm_naam", "gemeentenaam"};

// The CBS code of the wijk or gemeente containing a CBS buurt/wijk code (BUggggwwbb,
// WKggggww, GMgggg), or "" if `code` does not have that form.
std::string DeriveCbsParentCode(absl::string_view code, AreaLevel parent_level) {
  const bool is_buurt = absl::StartsWithIgnoreCase(code, "BU") && code.size() == 10;
  const bool is_wijk = absl::StartsWithIgnoreCase(code, "WK") && code.size() == 8;
  if (!is_buurt && !(is_wijk && parent_level == AreaLevel::kGemeente)) return "";
  const absl::string_view digits = code.substr(2);
  if (!std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit)) return "";
  return parent_level == AreaLevel::kGemeente ? absl::StrCat("GM", digits.substr(0, 4))
                                              : absl::StrCat("WK", digits.substr(0, 6));
}

bool IsWater(const Properties& properties) {
  for (absl::string_view key : {"water", "h2o"}) {
    const json* value = properties.Get(key);
    if (value != nullptr && value->is_string() &&
        absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(value->get_ref<const std::string&>()),
                               "JA")) {
      return true;
    }
  }
  return false;
}

// RFC 7946 has no crs member; older exports name one. Only WGS84 lon/lat is accepted.
absl::Status CheckCrs(const json& document, absl::string_view document_name) {
  const auto crs = document.find("crs");
  if (crs == document.end() || crs->is_null()) return absl::OkStatus();
  std::string crs_name = crs->dump();
  if (crs->is_object() && crs->contains("properties") && (*crs)["properties"].is_object() &&
      (*crs)["properties"].contains("name") && (*crs)["properties"]["name"].is_string()) {
    crs_name = (*crs)["properties"]["name"].get<std::string>();
  }
  if (absl::StrContains(crs_name, "28992")) {
    return absl::InvalidArgumentError(absl::StrCat(
        document_name, ": crs ", crs_name,
        " is RD New (EPSG:28992), which is not supported; supply WGS84 lon/lat (RFC 7946), "
        "e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson"));
  }
  const std::string lower = absl::AsciiStrToLower(crs_name);
  if (!absl::StrContains(lower, "crs84") && !absl::StrContains(lower, "4326")) {
    return absl::InvalidArgumentError(absl::StrCat(
        document_name, ": crs ", crs_name, " is not supported; supply WGS84 lon/lat (RFC 7946)"));
  }
  return absl::OkStatus();
}

// The features array of a GeoJSON FeatureCollection document.
absl::StatusOr<json> ParseFeatureCollection(const NamedDocument& document) {
  json root = json::parse(document.text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(document.name, ": not valid JSON"));
  }
  if (!root.is_object() || !root.contains("type") || root["type"] != "FeatureCollection") {
    return absl::InvalidArgumentError(
        absl::StrCat(document.name,
                     ": not a GeoJSON FeatureCollection (\"type\" must be \"FeatureCollection\")"));
  }
  WW_RETURN_IF_ERROR(CheckCrs(root, document.name));
  if (!root.contains("features") || !root["features"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(document.name, ": FeatureCollection has no \"features\" array"));
  }
  return std::move(root["features"]);
}

absl::Status FeatureError(absl::string_view origin, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(origin, ": ", problem));
}

// The feature's "properties" member, or null (a reference: Properties keeps pointers into it).
const json& PropertiesOf(const json& feature) {
  static const json* const kNull = new json();
  const auto properties = feature.find("properties");
  return properties == feature.end() ? *kNull : *properties;
}

absl::Status CheckIsFeature(const json& feature, absl::string_view origin) {
  if (!feature.is_object() || !feature.contains("type") || feature["type"] != "Feature") {
    return FeatureError(origin, "not a GeoJSON Feature object");
  }
  return absl::OkStatus();
}

absl::Status ParseGeometry(const json& feature, absl::string_view origin, PendingArea& pending) {
  const auto geometry = feature.find("geometry");
  if (geometry == feature.end() || geometry->is_null()) {
    return FeatureError(origin, absl::StrCat(pending.area.code, " has no geometry"));
  }
  absl::StatusOr<std::unique_ptr<S2Polygon>> polygon = internal::PolygonFromGeoJson(*geometry);
  if (!polygon.ok()) {
    return FeatureError(origin, absl::StrCat(pending.area.code, ": ", polygon.status().message()));
  }
  pending.polygon = *std::move(polygon);
  pending.indexed = true;
  pending.area.geometry_geojson = geometry->dump();
  return absl::OkStatus();
}

// Parses one CBS area feature; returns nullopt for water features.
absl::StatusOr<std::optional<PendingArea>> ParseAreaFeature(const json& feature,
                                                            const std::string& origin) {
  WW_RETURN_IF_ERROR(CheckIsFeature(feature, origin));
  const Properties properties(PropertiesOf(feature));
  if (IsWater(properties)) return std::nullopt;

  PendingArea pending;
  pending.origin = origin;
  Area& area = pending.area;
  const std::string buurt_code = properties.GetString(kBuurtCodeKeys);
  const std::string wijk_code = properties.GetString(kWijkCodeKeys);
  const std::string gemeente_code = properties.GetString(kGemeenteCodeKeys);
  if (!buurt_code.empty()) {
    area.level = AreaLevel::kBuurt;
    area.code = buurt_code;
    area.name = properties.GetString(kBuurtNameKeys);
  } else if (!wijk_code.empty()) {
    area.level = AreaLevel::kWijk;
    area.code = wijk_code;
    area.name = properties.GetString(kWijkNameKeys);
  } else if (!gemeente_code.empty()) {
    area.level = AreaLevel::kGemeente;
    area.code = gemeente_code;
    area.name = properties.GetString(kGemeenteNameKeys);
  } else if (std::string statcode = properties.GetString({"statcode"}); !statcode.empty()) {
    if (absl::StartsWithIgnoreCase(statcode, "BU")) {
      area.level = AreaLevel::kBuurt;
    } else if (absl::StartsWithIgnoreCase(statcode, "WK")) {
      area.level = AreaLevel::kWijk;
    } else if (absl::StartsWithIgnoreCase(statcode, "GM")) {
      area.level = AreaLevel::kGemeente;
    } else {
      return FeatureError(origin,
                          absl::StrCat("statcode ", statcode, " does not start with GM, WK or BU"));
    }
    area.code = std::move(statcode);
    area.name = properties.GetString({"statnaam"});
  } else {
    return FeatureError(origin,
                        "no area code (expected BU_CODE/buurtcode, WK_CODE/wijkcode, "
                        "GM_CODE/gemeentecode or statcode)");
  }
  if (area.name.empty()) area.name = area.code;

  if (area.level == AreaLevel::kBuurt) {
    area.parent_code =
        wijk_code.empty() ? DeriveCbsParentCode(area.code, AreaLevel::kWijk) : wijk_code;
    pending.wijk_name = properties.GetString(kWijkNameKeys);
  }
  if (area.level == AreaLevel::kGemeente) {
    area.gemeente_code = area.code;
  } else {
    area.gemeente_code = gemeente_code.empty()
                             ? DeriveCbsParentCode(area.code, AreaLevel::kGemeente)
                             : gemeente_code;
    if (area.gemeente_code.empty()) {
      return FeatureError(origin, absl::StrCat(area.code,
                                               " has no gemeente code (GM_CODE/gemeentecode) and "
                                               "none can be derived from its code"));
    }
    pending.gemeente_name = properties.GetString(kGemeenteNameKeys);
    if (area.level == AreaLevel::kWijk) area.parent_code = area.gemeente_code;
  }
  WW_RETURN_IF_ERROR(ParseGeometry(feature, origin, pending));
  return pending;
}

absl::StatusOr<PendingArea> ParseFocusFeature(const json& feature, const std::string& origin) {
  WW_RETURN_IF_ERROR(CheckIsFeature(feature, origin));
  const Properties properties(PropertiesOf(feature));
  PendingArea pending;
  pending.origin = origin;
  Area& area = pending.area;
  area.level = AreaLevel::kFocusArea;
  area.code = properties.GetString({"code"});
  if (area.code.empty()) return FeatureError(origin, "focus area has no \"code\" property");
  area.name = properties.GetString({"name"});
  if (area.name.empty()) area.name = area.code;
  area.description = properties.GetString({"description"});
  area.gemeente_code = properties.GetString({"gemeente_code"});
  area.parent_code = area.gemeente_code;

  const json* covers = properties.Get("covers");
  const bool has_geometry = feature.contains("geometry") && !feature["geometry"].is_null();
  if (covers != nullptr && !covers->is_null()) {
    if (has_geometry) {
      return FeatureError(origin,
                          absl::StrCat(area.code, " has both a geometry and \"covers\"; use one"));
    }
    if (!covers->is_array() || covers->empty()) {
      return FeatureError(
          origin, absl::StrCat(area.code, ": \"covers\" must be a non-empty list of area codes"));
    }
    for (const json& code : *covers) {
      if (!code.is_string() || code.get_ref<const std::string&>().empty()) {
        return FeatureError(origin,
                            absl::StrCat(area.code, ": \"covers\" must contain area code strings"));
      }
      pending.covers.push_back(code.get<std::string>());
    }
    return pending;
  }
  if (!has_geometry) {
    return FeatureError(
        origin, absl::StrCat(area.code, " needs a Polygon/MultiPolygon geometry or \"covers\""));
  }
  WW_RETURN_IF_ERROR(ParseGeometry(feature, origin, pending));
  return pending;
}

std::unique_ptr<S2Polygon> UnionOf(const std::vector<const S2Polygon*>& parts) {
  std::vector<std::unique_ptr<S2Polygon>> copies;
  copies.reserve(parts.size());
  for (const S2Polygon* part : parts) {
    auto copy = std::make_unique<S2Polygon>();
    copy->Copy(*part);
    copies.push_back(std::move(copy));
  }
  return S2Polygon::DestructiveUnion(std::move(copies));
}

int LevelRank(AreaLevel level) { return static_cast<int>(level); }

// Collects areas by code, derives missing parents and builds the frozen index.
class IndexBuilder {
 public:
  absl::Status AddAreaDocument(const NamedDocument& document) {
    WW_ASSIGN_OR_RETURN(const json features, ParseFeatureCollection(document));
    if (features.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(document.name, ": FeatureCollection has no features"));
    }
    for (size_t i = 0; i < features.size(); ++i) {
      const std::string origin = absl::StrCat(document.name, " feature #", i);
      WW_ASSIGN_OR_RETURN(std::optional<PendingArea> area, ParseAreaFeature(features[i], origin));
      if (area.has_value()) WW_RETURN_IF_ERROR(Add(*std::move(area)));
    }
    return absl::OkStatus();
  }

  // An empty focus FeatureCollection is allowed (no focus areas).
  absl::Status AddFocusDocument(const NamedDocument& document) {
    WW_ASSIGN_OR_RETURN(const json features, ParseFeatureCollection(document));
    for (size_t i = 0; i < features.size(); ++i) {
      const std::string origin = absl::StrCat(document.name, " feature #", i);
      WW_ASSIGN_OR_RETURN(PendingArea area, ParseFocusFeature(features[i], origin));
      focus_codes_.push_back(area.area.code);
      WW_RETURN_IF_ERROR(Add(std::move(area)));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<AreaIndexData>> Build(double snap_tolerance_meters) && {
    if (areas_.empty())
      return absl::InvalidArgumentError("no areas loaded (every feature is water?)");
    DeriveMissingParents();
    WW_RETURN_IF_ERROR(ResolveFocusAreas());

    std::vector<PendingArea*> ordered;
    for (auto& [code, pending] : areas_) ordered.push_back(&pending);
    std::sort(ordered.begin(), ordered.end(), [](const PendingArea* a, const PendingArea* b) {
      return std::make_pair(LevelRank(a->area.level), a->area.code) <
             std::make_pair(LevelRank(b->area.level), b->area.code);
    });

    auto data = std::make_unique<AreaIndexData>();
    MutableS2ShapeIndex::Options index_options;
    // Fewer edges per cell than the default 10: ~25% faster Locate, the index stays small.
    index_options.set_max_edges_per_cell(4);
    data->shapes.Init(index_options);
    data->areas.reserve(ordered.size());
    for (PendingArea* pending : ordered) {
      const int index = static_cast<int>(data->areas.size());
      Area& area = pending->area;
      const S2LatLng centroid(pending->polygon->GetCentroid());
      area.centroid_lat = centroid.lat().degrees();
      area.centroid_lon = centroid.lng().degrees();
      const S2Point centre = centroid.Normalized().ToPoint();
      S1ChordAngle farthest = S1ChordAngle::Zero();
      for (int l = 0; l < pending->polygon->num_loops(); ++l) {
        const S2Loop& loop = *pending->polygon->loop(l);
        for (int v = 0; v < loop.num_vertices(); ++v) {
          farthest = std::max(farthest, S1ChordAngle(centre, loop.vertex(v)));
        }
      }
      area.radius_meters = S2Earth::ToMeters(farthest);
      if (area.geometry_geojson.empty())
        area.geometry_geojson = internal::PolygonToGeoJson(*pending->polygon);
      data->area_by_code.emplace(area.code, index);
      for (const std::string& covered : pending->covers)
        data->focus_areas_covering[covered].push_back(index);
      if (pending->indexed) {
        const int shape_id =
            data->shapes.Add(std::make_unique<S2Polygon::OwningShape>(std::move(pending->polygon)));
        if (shape_id >= static_cast<int>(data->area_of_shape.size()))
          data->area_of_shape.resize(shape_id + 1);
        data->area_of_shape[shape_id] = index;
      }
      data->areas.push_back(std::move(area));
    }
    data->shapes.ForceBuild();  // afterwards const queries are thread-safe
    if (snap_tolerance_meters > 0)
      data->snap_distance = S2Earth::MetersToChordAngle(snap_tolerance_meters);
    return data;
  }

 private:
  absl::Status Add(PendingArea pending) {
    const auto existing = areas_.find(pending.area.code);
    if (existing != areas_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(pending.origin, ": area code ",
                                                     pending.area.code, " is already defined by ",
                                                     existing->second.origin));
    }
    const std::string code = pending.area.code;
    areas_.emplace(code, std::move(pending));
    return absl::OkStatus();
  }

  // Wijken and gemeenten that are referenced but have no feature of their own get one whose
  // geometry is the union of their children.
  void DeriveMissingParents() {
    DeriveMissing(AreaLevel::kBuurt, AreaLevel::kWijk);
    DeriveMissing(AreaLevel::kBuurt, AreaLevel::kGemeente);
    DeriveMissing(AreaLevel::kWijk, AreaLevel::kGemeente);
  }

  void DeriveMissing(AreaLevel child_level, AreaLevel parent_level) {
    std::map<std::string, std::vector<const PendingArea*>> children_of_missing;
    for (const auto& [code, pending] : areas_) {
      if (pending.area.level != child_level) continue;
      const std::string& parent = parent_level == AreaLevel::kGemeente ? pending.area.gemeente_code
                                                                       : pending.area.parent_code;
      if (!parent.empty() && !areas_.contains(parent)) {
        children_of_missing[parent].push_back(&pending);
      }
    }
    for (const auto& [parent_code, children] : children_of_missing) {
      PendingArea derived;
      derived.origin = absl::StrCat("derived from the ", AreaLevelName(child_level), " features");
      Area& area = derived.area;
      area.code = parent_code;
      area.level = parent_level;
      area.gemeente_code = children.front()->area.gemeente_code;
      area.parent_code = parent_level == AreaLevel::kWijk ? area.gemeente_code : "";
      std::vector<const S2Polygon*> parts;
      for (const PendingArea* child : children) {
        parts.push_back(child->polygon.get());
        if (area.name.empty()) {
          area.name = parent_level == AreaLevel::kWijk ? child->wijk_name : child->gemeente_name;
        }
        if (derived.gemeente_name.empty()) derived.gemeente_name = child->gemeente_name;
      }
      if (area.name.empty()) area.name = area.code;
      derived.polygon = UnionOf(parts);
      areas_.emplace(parent_code, std::move(derived));
    }
  }

  absl::Status ResolveFocusAreas() {
    for (const std::string& code : focus_codes_) {
      PendingArea& focus = areas_.at(code);
      if (!focus.area.gemeente_code.empty()) {
        const auto gemeente = areas_.find(focus.area.gemeente_code);
        if (gemeente == areas_.end() || gemeente->second.area.level != AreaLevel::kGemeente) {
          return FeatureError(focus.origin,
                              absl::StrCat(code, ": gemeente_code ", focus.area.gemeente_code,
                                           " is not a loaded gemeente"));
        }
      }
      if (focus.covers.empty()) continue;
      std::vector<const S2Polygon*> parts;
      std::string common_gemeente;
      for (size_t i = 0; i < focus.covers.size(); ++i) {
        const auto covered = areas_.find(focus.covers[i]);
        if (covered == areas_.end() || covered->second.area.level == AreaLevel::kFocusArea) {
          return FeatureError(focus.origin,
                              absl::StrCat(code, ": covers ", focus.covers[i],
                                           ", which is not a loaded gemeente, wijk or buurt"));
        }
        parts.push_back(covered->second.polygon.get());
        const std::string& gemeente = covered->second.area.gemeente_code;
        common_gemeente = (i == 0 || common_gemeente == gemeente) ? gemeente : "";
      }
      focus.polygon = UnionOf(parts);
      if (focus.area.gemeente_code.empty()) {
        focus.area.gemeente_code = common_gemeente;
        focus.area.parent_code = common_gemeente;
      }
    }
    return absl::OkStatus();
  }

  std::map<std::string, PendingArea> areas_;  // pointer-stable: DeriveMissing keeps pointers
  std::vector<std::string> focus_codes_;
};

absl::StatusOr<std::unique_ptr<AreaIndexData>> BuildIndexData(
    const std::vector<NamedDocument>& area_documents,
    const std::optional<NamedDocument>& focus_document, double snap_tolerance_meters) {
  if (!std::isfinite(snap_tolerance_meters) || snap_tolerance_meters < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snap_tolerance_meters must be a finite number >= 0, got ", snap_tolerance_meters));
  }
  if (area_documents.empty()) return absl::InvalidArgumentError("no area documents given");
  IndexBuilder builder;
  for (const NamedDocument& document : area_documents) {
    WW_RETURN_IF_ERROR(builder.AddAreaDocument(document));
  }
  if (focus_document.has_value()) WW_RETURN_IF_ERROR(builder.AddFocusDocument(*focus_document));
  return std::move(builder).Build(snap_tolerance_meters);
}

absl::StatusOr<NamedDocument> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat("cannot read file ", path.string()));
  }
  return NamedDocument{path.string(), std::move(text).str()};
}

bool IsAreaFileName(const std::filesystem::path& path) {
  const std::string extension = absl::AsciiStrToLower(path.extension().string());
  return extension == ".geojson" || extension == ".json";
}

// The area files named by `path`: the file itself, or the *.geojson / *.json files of a
// directory sorted by name, except `focus_path`.
absl::StatusOr<std::vector<std::filesystem::path>> ExpandAreaPath(const std::string& path,
                                                                  const std::string& focus_path) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  if (!fs::exists(path, ignored))
    return absl::NotFoundError(absl::StrCat("area path ", path, " does not exist"));
  if (!fs::is_directory(path, ignored)) return std::vector<fs::path>{path};
  std::vector<fs::path> files;
  std::error_code list_error;
  for (fs::directory_iterator it(path, list_error), end; !list_error && it != end;
       it.increment(list_error)) {
    if (!it->is_regular_file(ignored) || !IsAreaFileName(it->path())) continue;
    if (!focus_path.empty() && fs::equivalent(it->path(), focus_path, ignored)) continue;
    files.push_back(it->path());
  }
  if (list_error) {
    return absl::NotFoundError(
        absl::StrCat("cannot list area directory ", path, ": ", list_error.message()));
  }
  if (files.empty()) {
    return absl::NotFoundError(
        absl::StrCat("area directory ", path, " holds no *.geojson or *.json files"));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

absl::string_view AreaLevelName(AreaLevel level) {
  switch (level) {
    case AreaLevel::kGemeente:
      return "gemeente";
    case AreaLevel::kWijk:
      return "wijk";
    case AreaLevel::kBuurt:
      return "buurt";
    case AreaLevel::kFocusArea:
      return "focus_area";
  }
  return "unknown";
}

AreaIndex::AreaIndex(std::unique_ptr<const AreaIndexData> data) : data_(std::move(data)) {}
AreaIndex::~AreaIndex() = default;

absl::StatusOr<std::unique_ptr<AreaIndex>> AreaIndex::Load(const AreaIndexOptions& options) {
  if (options.area_paths.empty()) return absl::InvalidArgumentError("no area paths given");
  std::vector<NamedDocument> area_documents;
  for (const std::string& path : options.area_paths) {
    WW_ASSIGN_OR_RETURN(const std::vector<std::filesystem::path> files,
                        ExpandAreaPath(path, options.focus_areas_path));
    for (const std::filesystem::path& file : files) {
      WW_ASSIGN_OR_RETURN(NamedDocument document, ReadFile(file));
      area_documents.push_back(std::move(document));
    }
  }
  std::optional<NamedDocument> focus_document;
  if (!options.focus_areas_path.empty()) {
    WW_ASSIGN_OR_RETURN(focus_document, ReadFile(options.focus_areas_path));
  }
  WW_ASSIGN_OR_RETURN(
      std::unique_ptr<AreaIndexData> data,
      BuildIndexData(area_documents, focus_document, options.snap_tolerance_meters));
  return absl::WrapUnique(new AreaIndex(std::move(data)));
}

absl::StatusOr<std::unique_ptr<AreaIndex>> AreaIndex::FromGeoJson(
    const std::vector<std::string>& area_docs, const std::string& focus_doc,
    double snap_tolerance_meters) {
  std::vector<NamedDocument> area_documents;
  for (size_t i = 0; i < area_docs.size(); ++i) {
    area_documents.push_back({absl::StrCat("area document #", i), area_docs[i]});
  }
  std::optional<NamedDocument> focus_document;
  if (!focus_doc.empty()) focus_document = NamedDocument{"focus document", focus_doc};
  WW_ASSIGN_OR_RETURN(std::unique_ptr<AreaIndexData> data,
                      BuildIndexData(area_documents, focus_document, snap_tolerance_meters));
  return absl::WrapUnique(new AreaIndex(std::move(data)));
}

const std::vector<Area>& AreaIndex::areas() const { return data_->areas; }

const Area* AreaIndex::Find(absl::string_view code) const {
  const auto it = data_->area_by_code.find(code);
  return it == data_->area_by_code.end() ? nullptr : &data_->areas[it->second];
}

namespace {

// The areas whose polygons contain a point, by level (indices into AreaIndexData::areas).
struct ContainingAreas {
  int buurt = -1;     // lowest index if polygons overlap
  int gemeente = -1;  // lowest index if polygons overlap
  absl::InlinedVector<int, 4> wijken;
  absl::InlinedVector<int, 4> focus_areas;
};

ContainingAreas FindContainingAreas(const AreaIndexData& data, const S2Point& point) {
  ContainingAreas found;
  auto query = MakeS2ContainsPointQuery(&data.shapes);
  // Capturing one reference keeps the std::function free of heap allocations.
  query.VisitContainingShapes(point, [&found, &data](S2Shape* shape) {
    const int index = data.area_of_shape[shape->id()];
    switch (data.areas[index].level) {
      case AreaLevel::kBuurt:
        if (found.buurt < 0 || index < found.buurt) found.buurt = index;
        break;
      case AreaLevel::kGemeente:
        if (found.gemeente < 0 || index < found.gemeente) found.gemeente = index;
        break;
      case AreaLevel::kWijk:
        found.wijken.push_back(index);
        break;
      case AreaLevel::kFocusArea:
        found.focus_areas.push_back(index);
        break;
    }
    return true;
  });
  return found;
}

// The buurt of `gemeente_code` nearest to `point` within the snap distance, or -1.
int FindNearestBuurt(const AreaIndexData& data, const S2Point& point,
                     absl::string_view gemeente_code) {
  if (!data.snap_distance.has_value()) return -1;
  S2ClosestEdgeQuery query(&data.shapes);
  query.mutable_options()->set_max_distance(*data.snap_distance);
  query.mutable_options()->set_include_interiors(false);
  S2ClosestEdgeQuery::PointTarget target(point);
  for (const S2ClosestEdgeQuery::Result& result :
       query.FindClosestEdges(&target)) {  // nearest first
    const int index = data.area_of_shape[result.shape_id()];
    const Area& area = data.areas[index];
    if (area.level == AreaLevel::kBuurt && area.gemeente_code == gemeente_code) return index;
  }
  return -1;
}

}  // namespace

absl::StatusOr<AreaMatch> AreaIndex::Locate(double lat, double lon) const {
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return InvalidFieldError("latitude", "must be a finite number of degrees in [-90, 90]");
  }
  if (!std::isfinite(lon) || lon < -180 || lon > 180) {
    return InvalidFieldError("longitude", "must be a finite number of degrees in [-180, 180]");
  }
  const AreaIndexData& data = *data_;
  const S2Point point = S2LatLng::FromDegrees(lat, lon).ToPoint();
  ContainingAreas found = FindContainingAreas(data, point);

  AreaMatch match;
  const auto assign_buurt = [&](int buurt) {
    const Area& area = data.areas[buurt];
    match.buurt_code = area.code;
    match.wijk_code = area.parent_code;
    match.gemeente_code = area.gemeente_code;
  };
  std::sort(found.wijken.begin(), found.wijken.end());
  if (found.buurt >= 0) {
    assign_buurt(found.buurt);
  } else {
    // The polygons are simplified: inside a gemeente (or wijk) but in no buurt, snap.
    if (found.gemeente >= 0) {
      match.gemeente_code = data.areas[found.gemeente].code;
    } else if (!found.wijken.empty()) {
      match.gemeente_code = data.areas[found.wijken.front()].gemeente_code;
    } else {
      return absl::NotFoundError(
          absl::StrFormat("point (%.6f, %.6f) lies outside every loaded gemeente", lat, lon));
    }
    if (const int buurt = FindNearestBuurt(data, point, match.gemeente_code); buurt >= 0) {
      assign_buurt(buurt);
    } else {
      for (int wijk : found.wijken) {
        if (data.areas[wijk].gemeente_code == match.gemeente_code) {
          match.wijk_code = data.areas[wijk].code;
          break;
        }
      }
    }
  }

  absl::InlinedVector<int, 4>& focus = found.focus_areas;
  for (const std::string* code : {&match.buurt_code, &match.wijk_code, &match.gemeente_code}) {
    if (code->empty()) continue;
    const auto covering = data.focus_areas_covering.find(*code);
    if (covering != data.focus_areas_covering.end()) {
      focus.insert(focus.end(), covering->second.begin(), covering->second.end());
    }
  }
  std::sort(focus.begin(), focus.end());
  focus.erase(std::unique(focus.begin(), focus.end()), focus.end());
  match.focus_areas.reserve(focus.size());
  for (int index : focus) match.focus_areas.push_back(data.areas[index].code);
  return match;
}

}  // namespace wijkwacht::geo
