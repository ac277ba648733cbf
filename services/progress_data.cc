#include "services/progress_data.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "domain/catalog/theme.h"
#include "domain/progress/half_year.h"
#include "absl/strings/str_join.h"
#include "domain/plan/poll_figures.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/action_plan_service.h"
#include "services/map_layers.h"
#include "privacy/small_counts.h"
#include "services/poll_service.h"

namespace wijkwacht::services {
namespace {

struct DayRange {
  absl::CivilDay first;
  absl::CivilDay end;  // exclusive
};

DayRange RangeOf(absl::Time start, absl::Time end) {
  return {storage::MapDay(start), storage::MapDay(end)};
}

using google::protobuf::util::TimeUtil;

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(t));
}

absl::StatusOr<storage::DayCounts> Counts(const storage::AggregateStore& store,
                                         absl::string_view area, catalog::Theme theme,
                                         DayRange range) {
  storage::DayCounts sum;
  WW_RETURN_IF_ERROR(store.ForEachDay(area, static_cast<int>(theme), range.first, range.end,
                                      [&](absl::CivilDay, const storage::DayCounts& c) {
                                        sum += c;
                                      }));
  return sum;
}

// The half-years `range` touches (at least 1).
int HalfYearsTouched(DayRange range) {
  if (range.end <= range.first) return 1;
  const absl::CivilDay last = range.end - 1;
  return static_cast<int>((last.year() * 2 + (last.month() > 6 ? 1 : 0)) -
                          (range.first.year() * 2 + (range.first.month() > 6 ? 1 : 0))) +
         1;
}

// The threshold of `theme` in the publication version (publish_k, or its theme's higher k);
// nullopt when the theme is off the public map.
std::optional<int> PublishK(const ProgressSources& sources, catalog::Theme theme) {
  int k = sources.publish_k;
  if (auto it = sources.theme_k.find(static_cast<int>(theme)); it != sources.theme_k.end()) {
    if (it->second < 0) return std::nullopt;
    k = std::max(k, it->second);
  }
  return k;
}

// The public map's figure of `sum` (over `range`, of `theme`) in the publication version;
// nullopt when the map withholds it (see ProgressSources::publish_k). `period`: the map
// period `range` is one of, or AGGREGATION_PERIOD_UNSPECIFIED for another range.
std::optional<int64_t> Published(const ProgressSources& sources, catalog::Theme theme,
                                 const storage::DayCounts& sum, DayRange range,
                                 v1::AggregationPeriod period, bool reports = false) {
  // An empty cell is withheld like one below k, as on the map (MapServiceImpl::ReadCells): a
  // "0" beside "<k" would tell where someone reported.
  if (sum.reports <= 0 && sum.incidents <= 0) return std::nullopt;
  const std::optional<int> k = PublishK(sources, theme);
  if (!k) return std::nullopt;
  privacy::CellCounts counts = storage::CellCountsOf(
      sum, period == v1::AGGREGATION_PERIOD_UNSPECIFIED ? v1::HALF_YEAR : period);
  if (period == v1::AGGREGATION_PERIOD_UNSPECIFIED) {
    counts.distinct_reporters /= HalfYearsTouched(range);
  }
  const privacy::PublishedCounts shown = privacy::Publish(counts, *k);
  if (shown.withheld) return std::nullopt;
  return reports ? shown.reports : shown.incidents;
}

// A figure of `sum` as the report shows it: exact for staff; in the publication version the
// public map's figure (Published), a withheld one entered as 1, which the renderer shows as
// "<k" (also when the exact figure is 0).
int64_t Shown(const ProgressSources& sources, catalog::Theme theme, const storage::DayCounts& sum,
              DayRange range, v1::AggregationPeriod period, bool reports = false) {
  if (sources.publish_k <= 0) return reports ? sum.reports : sum.incidents;
  return Published(sources, theme, sum, range, period, reports).value_or(1);
}

// An enforcement figure (the records summed into `counts`, AddEnforcementCount) as the
// report shows it: exact for staff; in the publication version the map's enforcement layer's
// figure (PublishEnforcement with the theme's k: an empty one and one below k withheld), a
// withheld one entered as 1, which the renderer shows as "<k".
int64_t ShownEnforcement(const ProgressSources& sources, catalog::Theme theme,
                         const privacy::CellCounts& counts) {
  if (sources.publish_k <= 0) return counts.reports;
  const std::optional<int> k = PublishK(sources, theme);
  if (!k) return 1;
  const privacy::PublishedCounts shown = PublishEnforcement(counts, *k);
  return shown.withheld ? 1 : shown.reports;
}

const char* StatusLabel(v1::MeasureStatus status) {
  switch (status) {
    case v1::MEASURE_RUNNING: return "loopt";
    case v1::MEASURE_COMPLETED: return "afgerond";
    case v1::MEASURE_STOPPED: return "gestopt";
    default: return "gepland";
  }
}

const char* ActionLabel(int type) {
  switch (type) {
    case v1::ENFORCEMENT_WARNING: return "waarschuwing(en)";
    case v1::ENFORCEMENT_FINE: return "boete(s) / bestuurlijke strafbeschikking(en)";
    case v1::ENFORCEMENT_CLOSURE_ORDER: return "sluiting(en)";
    case v1::ENFORCEMENT_REFERRAL_POLICE: return "doorverwijzing(en) naar de politie";
    case v1::ENFORCEMENT_REFERRAL_YOUTH_CARE: return "doorverwijzing(en) naar jeugdzorg";
    default: return "overig";
  }
}

std::string AreaNames(const geo::AreaIndex& areas,
                      const google::protobuf::RepeatedPtrField<std::string>& codes) {
  std::vector<std::string> names;
  for (const std::string& code : codes) {
    const geo::Area* a = areas.Find(code);
    names.push_back(a != nullptr ? a->name : code);
  }
  return absl::StrJoin(names, ", ");
}

// The Actieplan section of `data` (see progress_data.h).
absl::Status AddActionPlan(const ProgressSources& sources, const progress::HalfYearPeriod& half,
                           absl::Time now, progress::ProgressReportData& data) {
  const int year = half.half_year.year;
  absl::StatusOr<v1::ActionPlan> plan = sources.plans->GetPlan(year);
  if (absl::IsNotFound(plan.status())) return absl::OkStatus();
  if (!plan.ok()) return plan.status();
  data.action_plan_title = plan->title();
  WW_ASSIGN_OR_RETURN(std::vector<v1::Measure> measures, sources.plans->ListMeasures(year));
  // All enforcement from the earliest measure start to the end of the half-year, once.
  const absl::CivilDay half_first = storage::MapDay(half.start);
  const absl::CivilDay half_end = storage::MapDay(half.end);
  absl::CivilDay first = half_first;
  for (const v1::Measure& m : measures) first = std::min(first, storage::MapDay(TimeOf(m.start_time())));
  std::vector<v1::EnforcementRecord> records;
  if (sources.enforcement != nullptr) {
    WW_RETURN_IF_ERROR(sources.enforcement->ForEachInDays(
        first, half_end, [&](const v1::EnforcementRecord& r) {
          if (!r.measure().empty()) records.push_back(r);
          return true;
        }));
  }
  const absl::CivilDay today_end = storage::MapDay(now) + 1;
  for (int i = 0; i < plan->priorities_size(); ++i) {
    progress::PriorityProgress& p = data.priorities.emplace_back();
    p.rank = plan->priorities(i).rank();
    p.theme = static_cast<catalog::Theme>(plan->priorities(i).theme());
    p.areas = AreaNames(*sources.areas, plan->priorities(i).area_codes());
  }
  progress::PriorityProgress other;
  for (const v1::Measure& m : measures) {
    progress::MeasureProgress out;
    out.title = m.title();
    out.theme = static_cast<catalog::Theme>(m.theme());
    out.areas = AreaNames(*sources.areas, m.area_codes());
    out.owner = m.owner_department();
    out.status = StatusLabel(m.status());
    out.start = storage::MapDay(TimeOf(m.start_time()));
    out.end = storage::MapDay(TimeOf(m.end_time()));
    if (!m.progress_notes().empty()) out.latest_note = m.progress_notes().rbegin()->text();
    for (const v1::PlannedOutput& o : m.planned_outputs()) {
      progress::OutputProgress& op = out.outputs.emplace_back();
      op.description = o.description();
      op.target = o.target_count();
      if (o.enforcement_type() != v1::ENFORCEMENT_ACTION_TYPE_UNSPECIFIED) {
        privacy::CellCounts recorded;
        for (const v1::EnforcementRecord& r : records) {
          const absl::CivilDay day = storage::MapDay(TimeOf(r.action_time()));
          if (r.measure() == m.name() && r.type() == o.enforcement_type() && day >= out.start) {
            AddEnforcementCount(r, &recorded);
          }
        }
        op.recorded = ShownEnforcement(sources, out.theme, recorded);
      }
    }
    // Per action type; the publication lists every type, an empty one withheld like one below
    // k, as the map's enforcement layer does ("none" beside "<k" would tell "1 to k-1").
    std::map<int, privacy::CellCounts> by_type;
    for (const v1::EnforcementRecord& r : records) {
      const absl::CivilDay day = storage::MapDay(TimeOf(r.action_time()));
      if (r.measure() == m.name() && day >= half_first) AddEnforcementCount(r, &by_type[r.type()]);
    }
    if (sources.publish_k > 0) {
      for (int type = 1; type <= v1::EnforcementActionType_MAX; ++type) {
        if (v1::EnforcementActionType_IsValid(type)) by_type.try_emplace(type);
      }
    }
    for (const auto& [type, counts] : by_type) {
      out.enforcement[ActionLabel(type)] += ShownEnforcement(sources, out.theme, counts);
    }
    // Before/after, up to the end of the half-year and today.
    const absl::CivilDay during_end = std::min({out.end, half_end, today_end});
    if (during_end > out.start) {
      progress::BeforeAfter& b = out.before_after;
      out.has_before_after = true;
      b.during_start = out.start;
      b.during_end = during_end;
      b.before_start = out.start - (during_end - out.start);
      const DayRange before{b.before_start, b.during_start};
      const DayRange during{b.during_start, b.during_end};
      storage::DayCounts a0, a1;
      for (const std::string& code : m.area_codes()) {
        WW_ASSIGN_OR_RETURN(storage::DayCounts c0,
                            Counts(*sources.aggregates, code, out.theme, before));
        WW_ASSIGN_OR_RETURN(storage::DayCounts c1,
                            Counts(*sources.aggregates, code, out.theme, during));
        a0 += c0;
        a1 += c1;
      }
      WW_ASSIGN_OR_RETURN(storage::DayCounts g0,
                          Counts(*sources.aggregates, sources.gemeente_code, out.theme, before));
      WW_ASSIGN_OR_RETURN(storage::DayCounts g1,
                          Counts(*sources.aggregates, sources.gemeente_code, out.theme, during));
      // The rest of the gemeente: its records are the gemeente's minus the areas' (counts, key
      // sums and reporter lanes subtract field by field).
      storage::DayCounts r0 = storage::DayCounts::From(g0.ToCounters() -= a0.ToCounters());
      storage::DayCounts r1 = storage::DayCounts::From(g1.ToCounters() -= a1.ToCounters());
      const auto none = v1::AGGREGATION_PERIOD_UNSPECIFIED;
      b.area_incidents_before = Shown(sources, out.theme, a0, before, none);
      b.area_reports_before = Shown(sources, out.theme, a0, before, none, true);
      b.area_incidents_during = Shown(sources, out.theme, a1, during, none);
      b.area_reports_during = Shown(sources, out.theme, a1, during, none, true);
      b.rest_incidents_before = std::max<int64_t>(0, Shown(sources, out.theme, r0, before, none));
      b.rest_incidents_during = std::max<int64_t>(0, Shown(sources, out.theme, r1, during, none));
    }
    auto it = std::find_if(data.priorities.begin(), data.priorities.end(),
                           [&](const progress::PriorityProgress& p) { return p.theme == out.theme; });
    (it != data.priorities.end() ? *it : other).measures.push_back(std::move(out));
  }
  if (!other.measures.empty()) data.priorities.push_back(std::move(other));
  return absl::OkStatus();
}

// The flitspeiling trend: gemeente-wide figures of every poll closed by the half-year's end.
absl::Status AddPollTrend(const ProgressSources& sources, const progress::HalfYearPeriod& half,
                          progress::ProgressReportData& data) {
  WW_ASSIGN_OR_RETURN(std::vector<v1::Poll> polls, sources.polls->List());
  std::reverse(polls.begin(), polls.end());  // oldest first
  data.poll_caveat = plan::PollCaveat();
  for (const v1::Poll& poll : polls) {
    if (TimeOf(poll.close_time()) > half.end) continue;
    absl::StatusOr<uint64_t> number = ParsePollName(poll.name(), "poll");
    if (!number.ok()) return number.status();
    WW_ASSIGN_OR_RETURN(std::vector<internal::PollAnswer> answers,
                        sources.polls->Answers(*number));
    std::vector<int> scores;
    for (const internal::PollAnswer& a : answers) {
      const geo::Area* wijk = sources.areas->Find(a.wijk_code());
      if (wijk != nullptr && (wijk->parent_code == sources.gemeente_code ||
                              wijk->gemeente_code == sources.gemeente_code)) {
        scores.push_back(a.safety_score());
      }
    }
    progress::PollPoint& point = data.poll_trend.emplace_back();
    point.title = poll.title();
    point.closed = storage::MapDay(TimeOf(poll.close_time()) - absl::Nanoseconds(1));
    if (static_cast<int64_t>(scores.size()) < std::max(1, poll.min_respondents())) {
      point.withheld = true;
      continue;
    }
    const plan::Interval interval = plan::MeanInterval(scores);
    point.respondents = static_cast<int64_t>(scores.size());
    point.mean = interval.mean;
    point.low = interval.low;
    point.high = interval.high;
  }
  return absl::OkStatus();
}

// The early warnings raised in the half-year in the gemeente, with what was done about them.
absl::Status AddEarlyWarnings(const ProgressSources& sources, const progress::HalfYearPeriod& half,
                              progress::ProgressReportData& data) {
  std::vector<v1::Measure> measures;
  if (sources.plans != nullptr) {
    absl::StatusOr<std::vector<v1::Measure>> listed =
        sources.plans->ListMeasures(half.half_year.year);
    if (!listed.ok()) return listed.status();
    measures = *std::move(listed);
  }
  std::string token;
  do {
    WW_ASSIGN_OR_RETURN(storage::EarlyWarningStore::Page page,
                        sources.warnings->List("", 0, 1000, token));
    for (const v1::EarlyWarning& w : page.warnings) {
      const absl::Time raised = TimeOf(w.raise_time());
      if (raised < half.start || raised >= half.end) continue;
      const geo::Area* area = sources.areas->Find(w.area_code());
      if (area == nullptr) continue;
      const geo::Area* parent = sources.areas->Find(area->parent_code);
      const bool in_gemeente = area->code == sources.gemeente_code ||
                               area->gemeente_code == sources.gemeente_code ||
                               area->parent_code == sources.gemeente_code ||
                               (parent != nullptr && parent->parent_code == sources.gemeente_code);
      if (!in_gemeente) continue;
      const auto theme = static_cast<catalog::Theme>(w.theme());
      const absl::CivilDay day = storage::MapDay(raised);
      int64_t observed = w.observed_count();
      double expected = w.expected_count();
      bool expected_withheld = false;
      if (sources.publish_k > 0) {
        // The map's figures: the warning's window (the map's DAY cell for a one-day window)
        // and its baseline. A warning in a cell the map withholds is not listed: that it was
        // raised would say more about the cell than "<k".
        const trend::RiseDetectorOptions& detector = sources.warning_detector;
        const int window = std::max(1, detector.window_days);
        const DayRange seen{day - (window - 1), day + 1};
        WW_ASSIGN_OR_RETURN(storage::DayCounts in_window,
                            Counts(*sources.aggregates, w.area_code(), theme, seen));
        const std::optional<int64_t> shown = Published(
            sources, theme, in_window, seen,
            window == 1 ? v1::DAY : v1::AGGREGATION_PERIOD_UNSPECIFIED);
        if (!shown || *shown == 0) continue;
        observed = *shown;
        const int baseline_days = std::max(1, detector.baseline_days);
        const DayRange baseline{seen.first - detector.guard_days - baseline_days,
                                seen.first - detector.guard_days};
        WW_ASSIGN_OR_RETURN(storage::DayCounts before,
                            Counts(*sources.aggregates, w.area_code(), theme, baseline));
        const std::optional<int64_t> base = Published(sources, theme, before, baseline,
                                                      v1::AGGREGATION_PERIOD_UNSPECIFIED);
        if (base) {
          expected = std::max(static_cast<double>(*base) / baseline_days,
                              detector.min_baseline_rate) *
                     window;
        } else {
          expected = 0;
          expected_withheld = true;
        }
      }
      progress::EarlyWarning& out = data.early_warnings.emplace_back();
      out.area_code = w.area_code();
      out.area_name = area->name;
      out.theme = theme;
      out.day = day;
      out.observed = observed;
      out.expected = expected;
      out.expected_withheld = expected_withheld;
      std::vector<std::string> done;
      for (const v1::Measure& m : measures) {
        if (m.theme() != w.theme() || TimeOf(m.end_time()) <= raised) continue;
        const bool covers = std::find(m.area_codes().begin(), m.area_codes().end(),
                                      w.area_code()) != m.area_codes().end() ||
                            std::find(m.area_codes().begin(), m.area_codes().end(),
                                      area->parent_code) != m.area_codes().end();
        if (covers) done.push_back(absl::StrCat("maatregel \"", m.title(), "\" (", StatusLabel(m.status()), ")"));
      }
      privacy::CellCounts actions;
      if (sources.enforcement != nullptr) {
        WW_RETURN_IF_ERROR(sources.enforcement->ForEachInDays(
            out.day, storage::MapDay(half.end), [&](const v1::EnforcementRecord& r) {
              if (r.theme() == w.theme() && AreaRefContains(r.area(), w.area_code()) &&
                  TimeOf(r.action_time()) >= raised) {
                AddEnforcementCount(r, &actions);
              }
              return true;
            }));
      }
      // Free text, which the renderer prints as it is: in the publication the figure passes
      // the enforcement rule here and is always given ("<k" when withheld, an empty one too:
      // "none" beside "<k" would tell "1 to k-1").
      if (sources.publish_k > 0) {
        const int64_t shown = ShownEnforcement(sources, theme, actions);
        done.push_back(absl::StrCat(shown < sources.publish_k ? "<" : "",
                                    shown < sources.publish_k ? sources.publish_k : shown,
                                    " handhavingsacties daarna"));
      } else if (actions.reports > 0) {
        done.push_back(absl::StrCat(actions.reports, " handhavingsacties daarna"));
      }
      out.follow_up = done.empty() ? "geen maatregel of handhaving geregistreerd"
                                   : absl::StrJoin(done, "; ");
    }
    token = page.next_page_token;
  } while (!token.empty());
  std::sort(data.early_warnings.begin(), data.early_warnings.end(),
            [](const progress::EarlyWarning& a, const progress::EarlyWarning& b) {
              return a.day < b.day;
            });
  return absl::OkStatus();
}

// The incidents of `area` and `theme` in `range`, one map period of kind `period`, as the
// report shows them (Shown).
absl::StatusOr<int64_t> Incidents(const ProgressSources& sources, absl::string_view area,
                                  catalog::Theme theme, DayRange range,
                                  v1::AggregationPeriod period) {
  WW_ASSIGN_OR_RETURN(storage::DayCounts sum, Counts(*sources.aggregates, area, theme, range));
  return Shown(sources, theme, sum, range, period);
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

// "Handled within target" per wijk and theme (see progress_data.h).
absl::Status AddHandling(const ProgressSources& sources, const DayRange& range, absl::Time now,
                         progress::ProgressReportData& data) {
  std::map<std::string, std::string> wijk_names;
  for (const progress::AreaCounts& w : data.wijken) wijk_names[w.code] = w.name;
  std::map<std::pair<std::string, catalog::Theme>, progress::HandlingCounts> counts;
  // Per (wijk, theme): the record keys (privacy::RecordKey of the incident ids) summed over
  // the settled incidents and over those on time, for the publication's figures.
  std::map<std::pair<std::string, catalog::Theme>, std::pair<uint64_t, uint64_t>> keys;
  const absl::TimeZone& zone = storage::MapTimeZone();
  WW_RETURN_IF_ERROR(sources.incidents->ForEachCreated(
      absl::FromCivil(range.first, zone), absl::FromCivil(range.end, zone),
      [&](const internal::StoredIncident& stored) {
        const v1::Incident& incident = stored.incident();
        const auto theme = static_cast<catalog::Theme>(incident.theme());
        auto name = wijk_names.find(incident.area().wijk_code());
        if (!incident.has_due_time() || name == wijk_names.end() ||
            std::find(catalog::kFrameworkThemes.begin(), catalog::kFrameworkThemes.end(), theme) ==
                catalog::kFrameworkThemes.end()) {
          return true;
        }
        const absl::Time due = TimeOf(incident.due_time());
        const bool handled = stored.has_handled_time();
        if (!handled && due > now) return true;  // not settled yet
        progress::HandlingCounts& c = counts[{name->first, theme}];
        c.area_code = name->first;
        c.area_name = name->second;
        c.theme = theme;
        ++c.settled;
        const uint64_t key =
            privacy::RecordKey(absl::StripPrefix(incident.name(), "incidents/"));
        auto& [settled_keys, within_keys] = keys[{name->first, theme}];
        settled_keys += key;
        if (handled && TimeOf(stored.handled_time()) <= due) {
          ++c.within_target;
          within_keys += key;
        }
        return true;
      }));
  for (auto& [key, c] : counts) {
    if (sources.publish_k > 0) {
      // Withheld where the map withholds the wijk's half-year cell of the theme; else each
      // figure is its own incidents' published figure (the map's offset rule and k).
      WW_ASSIGN_OR_RETURN(storage::DayCounts cell,
                          Counts(*sources.aggregates, c.area_code, c.theme, range));
      const std::optional<int64_t> on_map =
          Published(sources, c.theme, cell, range, v1::HALF_YEAR);
      const std::optional<int> k = PublishK(sources, c.theme);
      auto figure = [&](int64_t n, uint64_t incident_keys) -> int64_t {
        if (n == 0) return 0;
        privacy::CellCounts one;
        one.incidents = n;
        one.incident_keys = incident_keys;
        const privacy::PublishedCounts shown = privacy::Publish(one, *k);
        return shown.withheld ? 1 : shown.incidents;
      };
      if (!on_map || !k || *on_map == 0) {
        c.settled = 1;
        c.within_target = 1;
      } else {
        const auto& [settled_keys, within_keys] = keys[key];
        c.settled = figure(c.settled, settled_keys);
        c.within_target = std::min(figure(c.within_target, within_keys), c.settled);
      }
    }
    data.handling.push_back(std::move(c));
  }
  return absl::OkStatus();
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
      WW_ASSIGN_OR_RETURN(c.current,
                          Incidents(sources, area.code, theme, now_range, v1::HALF_YEAR));
      WW_ASSIGN_OR_RETURN(c.previous,
                          Incidents(sources, area.code, theme, prev_range, v1::HALF_YEAR));
      WW_ASSIGN_OR_RETURN(c.same_half_last_year,
                          Incidents(sources, area.code, theme, year_range, v1::HALF_YEAR));
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
                          Incidents(sources, sources.gemeente_code, theme,
                                    DayRange{absl::CivilDay(m), absl::CivilDay(m + 1)},
                                    v1::MONTH));
      series.push_back(n);
    }
  }

  if (sources.plans != nullptr) WW_RETURN_IF_ERROR(AddActionPlan(sources, *current, now, data));
  if (sources.polls != nullptr) WW_RETURN_IF_ERROR(AddPollTrend(sources, *current, data));
  if (sources.warnings != nullptr) WW_RETURN_IF_ERROR(AddEarlyWarnings(sources, *current, data));
  if (sources.incidents != nullptr) WW_RETURN_IF_ERROR(AddHandling(sources, now_range, now, data));

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
