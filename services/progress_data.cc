#include "services/progress_data.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "domain/catalog/theme.h"
#include "domain/progress/half_year.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::services {
namespace {

struct DayRange {
  absl::CivilDay first;
  absl::CivilDay end;  // exclusive
};

DayRange RangeOf(absl::Time start, absl::Time end) {
  return {storage::MapDay(start), storage::MapDay(end)};
}

absl::StatusOr<int64_t> Incidents(const storage::AggregateStore& store, absl::string_view area,
                                  catalog::Theme theme, DayRange range) {
  int64_t sum = 0;
  WW_RETURN_IF_ERROR(store.ForEachDay(area, static_cast<int>(theme), range.first, range.end,
                                      [&](absl::CivilDay, const storage::DayCounts& c) {
                                        sum += c.incidents;
                                      }));
  return sum;
}

// Outer rings and holes of a GeoJSON Polygon / MultiPolygon geometry object.
std::vector<progress::Ring> Outline(const std::string& geometry_json) {
  std::vector<progress::Ring> rings;
  const nlohmann::json g = nlohmann::json::parse(geometry_json, nullptr, false);
  if (g.is_discarded() || !g.is_object() || !g.contains("coordinates")) return rings;
  auto add_polygon = [&](const nlohmann::json& polygon) {
    if (!polygon.is_array()) return;
    for (const nlohmann::json& ring : polygon) {
      progress::Ring out;
      if (!ring.is_array()) continue;
      for (const nlohmann::json& p : ring) {
        if (p.is_array() && p.size() >= 2 && p[0].is_number() && p[1].is_number()) {
          out.push_back({p[1].get<double>(), p[0].get<double>()});
        }
      }
      if (out.size() >= 3) rings.push_back(std::move(out));
    }
  };
  const std::string type = g.value("type", "");
  if (type == "Polygon") {
    add_polygon(g["coordinates"]);
  } else if (type == "MultiPolygon" && g["coordinates"].is_array()) {
    for (const nlohmann::json& polygon : g["coordinates"]) add_polygon(polygon);
  }
  return rings;
}

}  // namespace

absl::StatusOr<progress::ProgressReportData> BuildProgressReportData(
    const ProgressSources& sources, absl::string_view period, absl::Time now) {
  absl::StatusOr<progress::HalfYearPeriod> current = progress::ParseHalfYear(period);
  if (!current.ok()) return current.status();
  WW_ASSIGN_OR_RETURN(progress::HalfYearPeriod previous,
                      progress::ParseHalfYear(current->previous.Label()));
  WW_ASSIGN_OR_RETURN(progress::HalfYearPeriod last_year,
                      progress::ParseHalfYear(current->same_half_last_year.Label()));
  const DayRange now_range = RangeOf(current->start, current->end);
  const DayRange prev_range = RangeOf(previous.start, previous.end);
  const DayRange year_range = RangeOf(last_year.start, last_year.end);

  progress::ProgressReportData data;
  data.period = current->half_year.Label();
  data.generated_at = now;
  data.data_source_note =
      "Meldingen van bewoners en ondernemers via wijkwacht. Een incident is één gebeurtenis: "
      "meldingen van dezelfde gebeurtenis zijn gebundeld, en een incident telt in het gebied en "
      "de periode van de eerste melding. Gebieden: CBS wijk- en buurtkaart. Indicatoren zoals "
      "geïmporteerd uit de genoemde bronnen.";

  auto counts_for = [&](const geo::Area& area) -> absl::StatusOr<progress::AreaCounts> {
    progress::AreaCounts out;
    out.code = area.code;
    out.name = area.name;
    for (catalog::Theme theme : catalog::kFrameworkThemes) {
      progress::PeriodCounts& c = out.by_theme[theme];
      WW_ASSIGN_OR_RETURN(c.current, Incidents(*sources.aggregates, area.code, theme, now_range));
      WW_ASSIGN_OR_RETURN(c.previous,
                          Incidents(*sources.aggregates, area.code, theme, prev_range));
      WW_ASSIGN_OR_RETURN(c.same_half_last_year,
                          Incidents(*sources.aggregates, area.code, theme, year_range));
    }
    out.outline = Outline(area.geometry_geojson);
    return out;
  };

  std::vector<const geo::Area*> covered;
  for (const geo::Area& area : sources.areas->areas()) {
    const bool in_gemeente =
        area.gemeente_code == sources.gemeente_code || area.parent_code == sources.gemeente_code;
    if (!in_gemeente) continue;
    if (area.level == geo::AreaLevel::kWijk) {
      WW_ASSIGN_OR_RETURN(progress::AreaCounts c, counts_for(area));
      data.wijken.push_back(std::move(c));
      covered.push_back(&area);
    } else if (area.level == geo::AreaLevel::kFocusArea) {
      WW_ASSIGN_OR_RETURN(progress::AreaCounts c, counts_for(area));
      data.focus_areas.push_back(std::move(c));
    } else if (area.level == geo::AreaLevel::kGemeente && area.code == sources.gemeente_code) {
      covered.insert(covered.begin(), &area);
    }
  }
  if (data.wijken.empty()) {
    return absl::NotFoundError(
        absl::StrCat("gemeente ", sources.gemeente_code, " has no wijken in the area data"));
  }

  // Monthly series over the whole gemeente: the previous half-year's 6 months, then the
  // current half-year's months that have begun.
  const absl::CivilMonth first_month(prev_range.first);
  const absl::CivilMonth now_month(storage::MapDay(now));
  for (catalog::Theme theme : catalog::kFrameworkThemes) {
    std::vector<int64_t>& series = data.monthly_counts[theme];
    for (absl::CivilMonth m = first_month; m < first_month + 12; ++m) {
      if (m >= first_month + 6 && m > now_month) break;
      WW_ASSIGN_OR_RETURN(int64_t n,
                          Incidents(*sources.aggregates, sources.gemeente_code, theme,
                                    DayRange{absl::CivilDay(m), absl::CivilDay(m + 1)}));
      series.push_back(n);
    }
  }

  for (const geo::Area* area : covered) {
    WW_ASSIGN_OR_RETURN(std::vector<v1::IndicatorValue> values,
                        sources.indicators->ForArea(area->code));
    for (const v1::IndicatorValue& v : values) {
      progress::Indicator& out = data.indicators.emplace_back();
      out.area_code = v.area_code();
      out.area_name = area->name;
      out.indicator = v.indicator();
      out.period = v.period();
      out.value = v.value();
      out.unit = v.unit();
      out.source = v.source();
    }
  }
  return data;
}

}  // namespace wijkwacht::services
