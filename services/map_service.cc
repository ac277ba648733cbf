#include "services/map_service.h"

#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/report_mapping.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
// A query may produce at most this many cells; larger selections must be narrowed.
constexpr size_t kMaxCells = 100000;
// DAY periods over at most this many days (coarser periods: any range up to 10 years).
constexpr int64_t kMaxDays = 3660;

v1::AreaLevel ToProto(geo::AreaLevel level) {
  return static_cast<v1::AreaLevel>(static_cast<int>(level) + 1);
}

std::string OffsetToken(size_t offset) { return absl::WebSafeBase64Escape(absl::StrCat(offset)); }

absl::StatusOr<size_t> OffsetFromToken(const std::string& token) {
  if (token.empty()) return 0;
  std::string raw;
  size_t offset = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) || !absl::SimpleAtoi(raw, &offset)) {
    return InvalidFieldError("page_token", "is not a token returned by ListAreas");
  }
  return offset;
}

absl::CivilDay PeriodStart(absl::CivilDay day, v1::AggregationPeriod period) {
  switch (period) {
    case v1::WEEK:
      return absl::PrevWeekday(day + 1, absl::Weekday::monday);
    case v1::MONTH:
      return absl::CivilDay(absl::CivilMonth(day));
    case v1::HALF_YEAR:
      return absl::CivilDay(day.year(), day.month() <= 6 ? 1 : 7, 1);
    default:
      return day;
  }
}

}  // namespace

#define WW_SERVE_UNARY(Method, Request, Response, Handler) \
  WW_SERVE_UNARY_METHOD(MapServiceImpl, MapService, Method, Request, Response, Handler)
WW_SERVE_UNARY(ListAreas, v1::ListAreasRequest, v1::ListAreasResponse, Areas)
WW_SERVE_UNARY(GetAggregates, v1::GetAggregatesRequest, v1::GetAggregatesResponse, Aggregates)
#undef WW_SERVE_UNARY

void MapServiceImpl::Areas(const Caller& caller, const v1::ListAreasRequest& request,
                           v1::ListAreasResponse* response, UnaryDone done) {
  if (request.page_size() < 0) return done(InvalidFieldError("page_size", "must not be negative"));
  const int page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  if (!v1::AreaLevel_IsValid(request.level())) {
    return done(InvalidFieldError("level", absl::StrCat("has unknown value ", request.level())));
  }
  absl::StatusOr<size_t> offset = OffsetFromToken(request.page_token());
  if (!offset.ok()) return done(offset.status());
  size_t seen = 0;
  for (const geo::Area& a : parts_.areas->areas()) {
    if (request.level() != 0 && ToProto(a.level) != request.level()) continue;
    if (!request.parent_code().empty() && a.parent_code != request.parent_code()) continue;
    if (seen++ < *offset) continue;
    if (response->areas_size() == page_size) {
      response->set_next_page_token(OffsetToken(seen - 1));
      break;
    }
    v1::Area& out = *response->add_areas();
    out.set_name(absl::StrCat("areas/", a.code));
    out.set_code(a.code);
    out.set_display_name(a.name);
    out.set_level(ToProto(a.level));
    out.set_parent_code(a.parent_code);
    out.mutable_centroid()->set_latitude(a.centroid_lat);
    out.mutable_centroid()->set_longitude(a.centroid_lon);
    if (request.include_geometry()) out.set_geometry_geojson(a.geometry_geojson);
  }
  done(absl::OkStatus());
}

void MapServiceImpl::Aggregates(const Caller& caller, const v1::GetAggregatesRequest& request,
                                v1::GetAggregatesResponse* response, UnaryDone done) {
  if (!request.has_selection()) return done(InvalidFieldError("selection", "is required"));
  const v1::AggregateSelection& sel = request.selection();
  std::vector<FieldViolation> v;
  if (sel.level() == v1::AREA_LEVEL_UNSPECIFIED || !v1::AreaLevel_IsValid(sel.level())) {
    v.push_back({"selection.level", "is required: GEMEENTE, WIJK, BUURT or FOCUS_AREA"});
  }
  if (sel.period() == v1::AGGREGATION_PERIOD_UNSPECIFIED ||
      !v1::AggregationPeriod_IsValid(sel.period())) {
    v.push_back({"selection.period", "is required: DAY, WEEK, MONTH or HALF_YEAR"});
  }
  for (int i = 0; i < sel.themes_size(); ++i) {
    if (sel.themes(i) == v1::THEME_UNSPECIFIED || !v1::Theme_IsValid(sel.themes(i))) {
      v.push_back({absl::StrCat("selection.themes[", i, "]"), "is not a theme"});
    }
  }
  if (sel.s2_cell_level() != 0) {
    v.push_back({"selection.s2_cell_level",
                 "heatmap cells are not served by this version; use 0 (area counts only)"});
  }
  std::optional<absl::Time> start, end;
  if (!sel.has_start_time()) {
    v.push_back({"selection.start_time", "is required"});
  } else if (absl::StatusOr<absl::Time> t = TimeFromProto(sel.start_time(), "selection.start_time");
             t.ok()) {
    start = *t;
  } else {
    v.push_back({"selection.start_time", "is not a valid timestamp"});
  }
  if (!sel.has_end_time()) {
    v.push_back({"selection.end_time", "is required"});
  } else if (absl::StatusOr<absl::Time> t = TimeFromProto(sel.end_time(), "selection.end_time");
             t.ok()) {
    end = *t;
  } else {
    v.push_back({"selection.end_time", "is not a valid timestamp"});
  }
  absl::CivilDay first_day, end_day;
  if (start && end) {
    if (*end <= *start) {
      v.push_back({"selection.end_time", "must be after start_time"});
    } else {
      first_day = storage::MapDay(*start);
      end_day = storage::MapDay(*end - absl::Nanoseconds(1)) + 1;
      const int64_t days = end_day - first_day;
      if (days > (sel.period() == v1::DAY ? kMaxDays : 10 * kMaxDays / 3)) {
        v.push_back({"selection.end_time", "the range is too long for this period"});
      }
    }
  }
  std::vector<const geo::Area*> areas;
  if (sel.area_codes_size() > 0) {
    for (int i = 0; i < sel.area_codes_size(); ++i) {
      const geo::Area* a = parts_.areas->Find(sel.area_codes(i));
      if (a == nullptr) {
        v.push_back({absl::StrCat("selection.area_codes[", i, "]"), "is not a known area code"});
      } else if (ToProto(a->level) != sel.level()) {
        v.push_back({absl::StrCat("selection.area_codes[", i, "]"),
                     "is not an area of the selected level"});
      } else {
        areas.push_back(a);
      }
    }
  } else {
    for (const geo::Area& a : parts_.areas->areas()) {
      if (ToProto(a.level) == sel.level()) areas.push_back(&a);
    }
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));

  std::vector<int> themes(sel.themes().begin(), sel.themes().end());
  if (themes.empty()) {
    for (int t = v1::LIVEABILITY; t <= v1::OTHER; ++t) themes.push_back(t);
  }
  const int k = caller.IsStaff() ? 0 : parts_.suppression_k;
  const v1::AggregationPeriod period = sel.period();
  parts_.workers->Schedule([this, response, done = std::move(done), areas = std::move(areas),
                            themes = std::move(themes), first_day, end_day, period, k] {
    // (area, theme, period start) -> counts, ordered for a stable response.
    std::map<std::tuple<std::string, int, absl::CivilDay>, storage::DayCounts> sums;
    for (const geo::Area* area : areas) {
      for (int theme : themes) {
        absl::Status s = parts_.aggregates->ForEachDay(
            area->code, theme, first_day, end_day,
            [&](absl::CivilDay day, const storage::DayCounts& c) {
              storage::DayCounts& sum = sums[{area->code, theme, PeriodStart(day, period)}];
              sum.incidents += c.incidents;
              sum.reports += c.reports;
            });
        if (!s.ok()) return done(s);
        if (sums.size() > kMaxCells) {
          return done(InvalidFieldError("selection",
                                        "selects too many cells; narrow the areas, themes or "
                                        "time range, or use a coarser period"));
        }
      }
    }
    response->set_suppression_threshold(k);
    for (const auto& [key, counts] : sums) {
      if (counts.reports <= 0) continue;
      v1::AggregateCell& cell = *response->add_cells();
      cell.set_area_code(std::get<0>(key));
      cell.set_theme(static_cast<v1::Theme>(std::get<1>(key)));
      *cell.mutable_period_start() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(
          absl::FromCivil(std::get<2>(key), storage::MapTimeZone())));
      if (counts.reports < k) {
        cell.set_suppressed(true);
      } else {
        cell.set_incident_count(counts.incidents);
        cell.set_report_count(counts.reports);
      }
    }
    done(absl::OkStatus());
  });
}

}  // namespace wijkwacht::services
