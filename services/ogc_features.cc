#include "services/ogc_features.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/area_features.h"
#include "services/http_api.h"
#include "wijkwacht/v1/map.pb.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;
using ordered = nlohmann::ordered_json;
using Response = web::ApiHandler::Response;

constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 1000;
constexpr char kCrs84[] = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

struct Collection {
  const char* id;
  const char* title;
  const char* description;
  v1::AreaLevel level;
};

constexpr Collection kCollections[] = {
    {"buurten", "Buurten met meldingen per thema",
     "CBS buurten (2015) with the number of reports and incidents per theme and period. Public "
     "callers never see a count below the map's threshold k (null instead).",
     v1::BUURT},
    {"wijken", "Wijken met meldingen per thema",
     "CBS wijken (2015) with the number of reports and incidents per theme and period. Public "
     "callers never see a count below the map's threshold k (null instead).",
     v1::WIJK},
};

const Collection* FindCollection(absl::string_view id) {
  for (const Collection& c : kCollections) {
    if (id == c.id) return &c;
  }
  return nullptr;
}

Response Json(ordered body, const char* content_type = "application/json") {
  Response response;
  response.content_type = content_type;
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = body.dump();
  return response;
}

// An OGC API exception (OGC 17-069r4, exception.yaml).
Response Exception(int status, absl::string_view code, absl::string_view description) {
  Response response = Json({{"code", code}, {"description", description}});
  response.status = status;
  return response;
}

ordered Link(const std::string& href, absl::string_view rel, absl::string_view type,
             absl::string_view title = "") {
  ordered link = {{"href", href}, {"rel", rel}, {"type", type}};
  if (!title.empty()) link["title"] = title;
  return link;
}

// The base URL the client used (links must be absolute for some clients; relative when the
// server cannot tell).
std::string Base(const web::ApiHandler::Request& request) {
  return absl::StrCat(request.base_url, "/ogc");
}

std::string Param(const web::ApiHandler::Request& request, const std::string& name) {
  auto it = request.params.find(name);
  return it == request.params.end() ? std::string() : it->second;
}

// Percent-encodes all but RFC 3986's unreserved characters.
std::string UrlEncode(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

// Parses one end of `datetime`: "" or ".." is open.
bool ParseInstant(absl::string_view text, std::optional<absl::Time>* out) {
  if (text.empty() || text == "..") return true;
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return false;
  *out = t;
  return true;
}

ordered CollectionJson(const Collection& c, const std::string& base,
                       const std::array<double, 4>& extent) {
  const std::string self = absl::StrCat(base, "/collections/", c.id);
  return {{"id", c.id},
          {"title", c.title},
          {"description", c.description},
          {"itemType", "feature"},
          {"crs", {kCrs84}},
          {"extent", {{"spatial", {{"bbox", {extent}}, {"crs", kCrs84}}}}},
          {"links",
           {Link(self, "self", "application/json", "This collection"),
            Link(self + "/items", "items", "application/geo+json", "Its features")}}};
}

}  // namespace

std::variant<Response, web::ApiHandler::StreamCall> OgcFeaturesApi::Handle(
    const Request& http) {
  if (http.method != "GET") {
    Response r = Exception(405, "MethodNotAllowed", "the OGC API Features service is read only");
    r.headers.emplace_back("Allow", "GET");
    return r;
  }
  absl::string_view path = http.path;
  if (path != "/ogc" && !absl::ConsumePrefix(&path, "/ogc/")) {
    return Exception(404, "NotFound", absl::StrCat("no resource ", http.path));
  }
  if (path == "/ogc") path = "";
  path = absl::StripSuffix(path, "/");
  const std::vector<absl::string_view> parts =
      path.empty() ? std::vector<absl::string_view>{} : absl::StrSplit(path, '/');
  const std::string base = Base(http);
  const CallMetadata metadata = MetadataOf(http);

  // Requirement /req/core/query-param-unknown: unknown parameters are refused.
  const bool items = parts.size() >= 3 && parts[0] == "collections" && parts[2] == "items";
  for (const auto& [name, value] : http.params) {
    const bool known = name == "f" || (items && parts.size() == 3 &&
                                       (name == "limit" || name == "offset" || name == "bbox" ||
                                        name == "datetime" || name == "period")) ||
                       (items && parts.size() == 4 && (name == "datetime" || name == "period"));
    if (!known) {
      return Exception(400, "InvalidParameterValue", absl::StrCat("unknown parameter ", name));
    }
    if (name == "f" && value != "json" && value != "geojson") {
      return Exception(400, "InvalidParameterValue", "f: only json is served");
    }
  }

  if (parts.empty()) {
    return Json({{"title", "wijkwacht: meldingen per buurt en wijk"},
                 {"description",
                  "Reports and incidents per CBS area, theme and period, as an OGC API - Features "
                  "service."},
                 {"links",
                  {Link(base, "self", "application/json", "This document"),
                   Link(base + "/conformance", "conformance", "application/json",
                        "Conformance classes"),
                   Link(base + "/collections", "data", "application/json", "The collections")}}});
  }
  if (parts.size() == 1 && parts[0] == "conformance") {
    return Json({{"conformsTo",
                  {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                   "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"}}});
  }
  if (parts[0] != "collections" || parts.size() > 4 || (parts.size() >= 3 && !items)) {
    return Exception(404, "NotFound", absl::StrCat("no resource ", http.path));
  }
  const absl::Time now = clock_->Now();
  if (parts.size() == 1) {
    ordered list = ordered::array();
    for (const Collection& c : kCollections) {
      absl::StatusOr<std::array<double, 4>> extent = AreaExtent(*methods_, *gate_, metadata, c.level);
      if (!extent.ok()) return ErrorResponse(extent.status());
      list.push_back(CollectionJson(c, base, *extent));
    }
    return Json({{"links",
                  {Link(base + "/collections", "self", "application/json", "The collections")}},
                 {"collections", list}});
  }
  const Collection* collection = FindCollection(parts[1]);
  if (collection == nullptr) {
    return Exception(404, "NotFound", absl::StrCat("no collection ", parts[1]));
  }
  if (parts.size() == 2) {
    absl::StatusOr<std::array<double, 4>> extent =
        AreaExtent(*methods_, *gate_, metadata, collection->level);
    if (!extent.ok()) return ErrorResponse(extent.status());
    return Json(CollectionJson(*collection, base, *extent));
  }

  // Items: the selection from datetime and period.
  v1::GetAggregatesRequest request;
  v1::AggregateSelection& selection = *request.mutable_selection();
  selection.set_level(collection->level);
  if (const std::string period = Param(http, "period"); !period.empty()) {
    v1::AggregationPeriod value;
    if (!v1::AggregationPeriod_Parse(period, &value) ||
        value == v1::AGGREGATION_PERIOD_UNSPECIFIED) {
      return Exception(400, "InvalidParameterValue",
                       "period: one of DAY, WEEK, MONTH, HALF_YEAR");
    }
    selection.set_period(value);
  }
  if (const std::string datetime = Param(http, "datetime"); !datetime.empty()) {
    std::optional<absl::Time> start, end;
    const std::vector<std::string> ends = absl::StrSplit(datetime, '/');
    bool ok = ends.size() == 1 || ends.size() == 2;
    if (ok && ends.size() == 1) {
      ok = ends[0] != ".." && ParseInstant(ends[0], &start);
      end = start;
    } else if (ok) {
      ok = ParseInstant(ends[0], &start) && ParseInstant(ends[1], &end) &&
           (ends[0] != ".." || ends[1] != "..");
    }
    if (!ok) {
      return Exception(400, "InvalidParameterValue",
                       "datetime: an RFC 3339 instant or interval start/end ('..' for open)");
    }
    if (start.has_value()) {
      *selection.mutable_start_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(*start));
    }
    if (end.has_value()) {
      // An instant or an interval's end includes its second.
      *selection.mutable_end_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(*end) + 1);
    }
  }
  ApplyAreaSelectionDefaults(now, &selection);
  absl::StatusOr<AreaFeatures> read = ReadAreaFeatures(*methods_, *gate_, metadata, request);
  if (!read.ok()) return ErrorResponse(read.status());
  const std::string items_url = absl::StrCat(base, "/collections/", collection->id, "/items");

  if (parts.size() == 4) {
    for (AreaFeature& f : read->features) {
      if (f.feature["id"] != std::string(parts[3])) continue;
      f.feature["links"] = {
          Link(absl::StrCat(items_url, "/", parts[3]), "self", "application/geo+json"),
          Link(absl::StrCat(base, "/collections/", collection->id), "collection",
               "application/json")};
      return Json(std::move(f.feature), "application/geo+json");
    }
    return Exception(404, "NotFound",
                     absl::StrCat("no feature ", parts[3], " in ", collection->id,
                                  " for this datetime and period"));
  }

  int limit = kDefaultLimit;
  if (const std::string text = Param(http, "limit"); !text.empty()) {
    if (!absl::SimpleAtoi(text, &limit) || limit < 1) {
      return Exception(400, "InvalidParameterValue", "limit: an integer from 1");
    }
    limit = std::min(limit, kMaxLimit);  // larger values are capped (Permission /per/core/limit-option)
  }
  int64_t offset = 0;
  if (const std::string text = Param(http, "offset"); !text.empty()) {
    if (!absl::SimpleAtoi(text, &offset) || offset < 0) {
      return Exception(400, "InvalidParameterValue", "offset: an integer from 0");
    }
  }
  std::optional<std::array<double, 4>> bbox;
  if (const std::string text = Param(http, "bbox"); !text.empty()) {
    const std::vector<std::string> values = absl::StrSplit(text, ',');
    std::array<double, 4> box;
    bool ok = values.size() == 4;
    for (size_t i = 0; ok && i < 4; ++i) ok = absl::SimpleAtod(values[i], &box[i]);
    if (!ok || box[1] > box[3] || box[1] < -90 || box[3] > 90) {
      return Exception(400, "InvalidParameterValue",
                       "bbox: west,south,east,north in CRS84 degrees");
    }
    bbox = box;
  }
  std::vector<AreaFeature*> matched;
  for (AreaFeature& f : read->features) {
    if (bbox.has_value()) {
      const auto& b = *bbox;
      const bool crosses = b[0] > b[2];  // an antimeridian-crossing box
      const bool lng = crosses ? (f.bbox[2] >= b[0] || f.bbox[0] <= b[2])
                               : (f.bbox[2] >= b[0] && f.bbox[0] <= b[2]);
      if (!lng || f.bbox[3] < b[1] || f.bbox[1] > b[3]) continue;
    }
    matched.push_back(&f);
  }
  ordered features = ordered::array();
  const int64_t end = std::min<int64_t>(matched.size(), offset + limit);
  for (int64_t i = offset; i < end; ++i) features.push_back(std::move(matched[i]->feature));

  // Links keep the request's own parameters, with the page's offset.
  auto page_url = [&](int64_t page_offset) {
    std::string url = items_url;
    char sep = '?';
    for (const auto& [name, value] : http.params) {
      if (name == "offset") continue;
      absl::StrAppend(&url, std::string(1, sep), name, "=", UrlEncode(value));
      sep = '&';
    }
    if (page_offset > 0) absl::StrAppend(&url, std::string(1, sep), "offset=", page_offset);
    return url;
  };
  ordered links = {Link(page_url(offset), "self", "application/geo+json", "This page"),
                   Link(absl::StrCat(base, "/collections/", collection->id), "collection",
                        "application/json")};
  if (end < static_cast<int64_t>(matched.size())) {
    links.push_back(Link(page_url(end), "next", "application/geo+json", "Next page"));
  }
  return Json({{"type", "FeatureCollection"},
               {"numberMatched", matched.size()},
               {"numberReturned", features.size()},
               {"timeStamp", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone())},
               {"features", std::move(features)},
               {"links", std::move(links)}},
              "application/geo+json");
}

}  // namespace wijkwacht::services
