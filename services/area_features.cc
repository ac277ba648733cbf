#include "services/area_features.h"

#include <algorithm>
#include <climits>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;
using ordered = nlohmann::ordered_json;

constexpr int kPageSize = 1000;

std::string Rfc3339(int64_t seconds) {
  return TimeUtil::ToString(TimeUtil::SecondsToTimestamp(seconds));
}

// Widens `box` by every position under `coordinates` (nested arrays ending in [lng, lat]).
void Extend(const ordered& coordinates, std::array<double, 4>* box, bool* any) {
  if (!coordinates.is_array() || coordinates.empty()) return;
  if (coordinates[0].is_number()) {
    if (coordinates.size() < 2 || !coordinates[1].is_number()) return;
    const double lng = coordinates[0].get<double>(), lat = coordinates[1].get<double>();
    if (!*any) *box = {lng, lat, lng, lat};
    *any = true;
    (*box)[0] = std::min((*box)[0], lng);
    (*box)[1] = std::min((*box)[1], lat);
    (*box)[2] = std::max((*box)[2], lng);
    (*box)[3] = std::max((*box)[3], lat);
    return;
  }
  for (const ordered& part : coordinates) Extend(part, box, any);
}

// Calls `visit(area, geometry, bbox)` for every area of `level` (ListAreas with geometry, page
// by page, through the method table and gate).
template <typename Visit>
absl::Status ForEachArea(const MethodTable& methods, const CallGate& gate,
                         const CallMetadata& metadata, v1::AreaLevel level, Visit visit) {
  v1::ListAreasRequest list;
  list.set_level(level);
  list.set_include_geometry(true);
  list.set_page_size(kPageSize);
  do {
    v1::ListAreasResponse page;
    if (absl::Status s =
            CallUnary(methods, gate, metadata, "/wijkwacht.v1.MapService/ListAreas", list, &page);
        !s.ok()) {
      return s;
    }
    for (const v1::Area& area : page.areas()) {
      ordered geometry = ordered::parse(area.geometry_geojson(), nullptr, false);
      if (geometry.is_discarded()) geometry = nullptr;
      std::array<double, 4> box = {0, 0, 0, 0};
      bool any = false;
      if (geometry.is_object() && geometry.contains("coordinates")) {
        Extend(geometry["coordinates"], &box, &any);
      }
      visit(area, std::move(geometry), box);
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  return absl::OkStatus();
}

}  // namespace

void ApplyAreaSelectionDefaults(absl::Time now, v1::AggregateSelection* selection) {
  if (selection->level() == v1::AREA_LEVEL_UNSPECIFIED) selection->set_level(v1::BUURT);
  if (selection->period() == v1::AGGREGATION_PERIOD_UNSPECIFIED) selection->set_period(v1::MONTH);
  if (!selection->has_end_time()) {
    *selection->mutable_end_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(now));
  }
  if (!selection->has_start_time()) {
    *selection->mutable_start_time() = TimeUtil::SecondsToTimestamp(
        TimeUtil::TimestampToSeconds(selection->end_time()) - 30 * 24 * 3600);
  }
}

absl::StatusOr<AreaFeatures> ReadAreaFeatures(const MethodTable& methods, const CallGate& gate,
                                              const CallMetadata& metadata,
                                              const v1::GetAggregatesRequest& request) {
  const v1::AggregateSelection& selection = request.selection();
  v1::GetAggregatesResponse counts;
  if (absl::Status s = CallUnary(methods, gate, metadata, "/wijkwacht.v1.MapService/GetAggregates",
                                 request, &counts);
      !s.ok()) {
    return s;
  }
  // Per area and period: per theme (reports, incidents, withheld).
  struct Counts {
    int64_t reports = 0, incidents = 0;
    bool suppressed = false;
  };
  std::map<std::pair<std::string, int64_t>, std::map<int, Counts>> by_area;
  for (const v1::AggregateCell& cell : counts.cells()) {
    if (!cell.s2_cell().empty()) continue;
    Counts& c = by_area[{cell.area_code(), cell.period_start().seconds()}][cell.theme()];
    c.reports += cell.report_count();
    c.incidents += cell.incident_count();
    c.suppressed = c.suppressed || cell.suppressed();
  }
  AreaFeatures out;
  const int64_t k = out.suppression_k = counts.suppression_threshold();
  auto count = [k](int64_t value, bool suppressed) -> ordered {
    if (suppressed || (k > 0 && value < k)) return nullptr;
    return value;
  };
  absl::Status listed = ForEachArea(
      methods, gate, metadata, selection.level(),
      [&](const v1::Area& area, ordered geometry, const std::array<double, 4>& box) {
        if (selection.area_codes_size() > 0 &&
            std::find(selection.area_codes().begin(), selection.area_codes().end(),
                      area.code()) == selection.area_codes().end()) {
          return;
        }
        std::vector<int64_t> periods;
        for (auto it = by_area.lower_bound({area.code(), INT64_MIN});
             it != by_area.end() && it->first.first == area.code(); ++it) {
          periods.push_back(it->first.second);
        }
        if (periods.empty()) periods.push_back(INT64_MIN);
        for (int64_t period : periods) {
          ordered properties = {{"code", area.code()},
                                {"name", area.display_name()},
                                {"level", v1::AreaLevel_Name(area.level())},
                                {"parent_code", area.parent_code()},
                                {"period_start", period == INT64_MIN ? "" : Rfc3339(period)},
                                {"suppression_k", k}};
          const auto found = by_area.find({area.code(), period});
          for (int t = v1::Theme_MIN; t <= v1::Theme_MAX; ++t) {
            if (!v1::Theme_IsValid(t) || t == v1::THEME_UNSPECIFIED) continue;
            Counts c;
            if (found != by_area.end()) {
              auto theme = found->second.find(t);
              if (theme != found->second.end()) c = theme->second;
            }
            const std::string name = v1::Theme_Name(static_cast<v1::Theme>(t));
            properties[name + "_reports"] = count(c.reports, c.suppressed);
            properties[name + "_incidents"] = count(c.incidents, c.suppressed);
          }
          AreaFeature feature;
          feature.bbox = box;
          feature.feature = {
              {"type", "Feature"},
              {"id", absl::StrCat(area.code(),
                                  period == INT64_MIN ? "" : absl::StrCat("@", period))},
              {"geometry", geometry},
              {"properties", std::move(properties)}};
          out.features.push_back(std::move(feature));
        }
      });
  if (!listed.ok()) return listed;
  return out;
}

absl::StatusOr<std::array<double, 4>> AreaExtent(const MethodTable& methods, const CallGate& gate,
                                                 const CallMetadata& metadata, v1::AreaLevel level) {
  std::array<double, 4> extent = {180, 90, -180, -90};
  absl::Status listed = ForEachArea(
      methods, gate, metadata, level,
      [&](const v1::Area&, const ordered&, const std::array<double, 4>& box) {
        if (box == std::array<double, 4>{0, 0, 0, 0}) return;
        extent[0] = std::min(extent[0], box[0]);
        extent[1] = std::min(extent[1], box[1]);
        extent[2] = std::max(extent[2], box[2]);
        extent[3] = std::max(extent[3], box[3]);
      });
  if (!listed.ok()) return listed;
  if (extent[0] > extent[2]) extent = {-180, -90, 180, 90};
  return extent;
}

}  // namespace wijkwacht::services
