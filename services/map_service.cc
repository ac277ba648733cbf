#include "services/map_service.h"

#include "privacy/small_counts.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "s2/s2cell_id.h"
#include "domain/indicators/indicator_csv.h"
#include "services/early_warning_monitor.h"
#include "services/log_stream.h"
#include "services/map_layers.h"
#include "services/progress_data.h"
#include "services/report_mapping.h"
#include "storage/keys.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
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

// The time of an optional Timestamp field; records a violation when it is missing or invalid.
std::optional<absl::Time> OptionalTime(bool present, const google::protobuf::Timestamp& ts,
                                       absl::string_view field, std::vector<FieldViolation>* v) {
  if (!present) {
    v->push_back({std::string(field), "is required"});
    return std::nullopt;
  }
  absl::StatusOr<absl::Time> t = TimeFromProto(ts, field);
  if (!t.ok()) {
    v->push_back({std::string(field), "is not a valid timestamp"});
    return std::nullopt;
  }
  return *t;
}

absl::CivilDay PeriodEnd(absl::CivilDay start, v1::AggregationPeriod period) {
  switch (period) {
    case v1::WEEK:
      return start + 7;
    case v1::MONTH:
      return absl::CivilDay(absl::CivilMonth(start) + 1);
    case v1::HALF_YEAR:
      return absl::CivilDay(absl::CivilMonth(start) + 6);
    default:
      return start + 1;
  }
}

using storage::PeriodStart;

}  // namespace

absl::CivilDay AggregatePeriodStart(absl::CivilDay day, v1::AggregationPeriod period) {
  return PeriodStart(day, period);
}

absl::CivilDay AggregatePeriodEnd(absl::CivilDay start, v1::AggregationPeriod period) {
  return PeriodEnd(start, period);
}

std::vector<absl::CivilDay> SelectedPeriods(const AggregateQuery& q) {
  std::vector<absl::CivilDay> periods;
  for (absl::CivilDay p = PeriodStart(q.first_day, q.period); p < q.end_day;
       p = PeriodEnd(p, q.period)) {
    periods.push_back(p);
  }
  return periods;
}

absl::Status TooManyCellsError() {
  return InvalidFieldError("selection",
                           "selects too many cells; narrow the areas, themes or time range, or "
                           "use a coarser period or cell level");
}

void MapServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.MapService/ListAreas", this, &MapServiceImpl::Areas);
  table->Unary("/wijkwacht.v1.MapService/GetAggregates", this, &MapServiceImpl::Aggregates);
  table->Unary("/wijkwacht.v1.MapService/ImportIndicators", this, &MapServiceImpl::Import);
  table->Unary("/wijkwacht.v1.MapService/GetProgressReport", this, &MapServiceImpl::Progress);
  table->Unary("/wijkwacht.v1.MapService/ListEarlyWarnings", this, &MapServiceImpl::Warnings);
  table->Stream<v1::StreamAggregatesRequest, v1::AggregateUpdate>(
      "/wijkwacht.v1.MapService/StreamAggregates",
      [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
        return StreamAggregates(context, request);
      });
}

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

absl::StatusOr<AggregateQuery> MapServiceImpl::ParseSelection(
    const Caller& caller, const v1::AggregateSelection& sel) const {
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
  if (sel.s2_cell_level() < 0 || sel.s2_cell_level() > storage::kHeatmapCellLevel) {
    v.push_back({"selection.s2_cell_level",
                 absl::StrCat("must be 0 (area totals) or an S2 level from 1 to ",
                              storage::kHeatmapCellLevel)});
  }
  std::optional<absl::Time> start = OptionalTime(sel.has_start_time(), sel.start_time(),
                                                 "selection.start_time", &v);
  std::optional<absl::Time> end =
      OptionalTime(sel.has_end_time(), sel.end_time(), "selection.end_time", &v);
  AggregateQuery q;
  if (start && end) {
    if (*end <= *start) {
      v.push_back({"selection.end_time", "must be after start_time"});
    } else {
      q.first_day = storage::MapDay(*start);
      q.end_day = storage::MapDay(*end - absl::Nanoseconds(1)) + 1;
      const int64_t days = q.end_day - q.first_day;
      if (days > (sel.period() == v1::DAY ? kMaxDays : 10 * kMaxDays / 3)) {
        v.push_back({"selection.end_time", "the range is too long for this period"});
      }
    }
  }
  if (sel.area_codes_size() > 0) {
    for (int i = 0; i < sel.area_codes_size(); ++i) {
      const geo::Area* a = parts_.areas->Find(sel.area_codes(i));
      if (a == nullptr) {
        v.push_back({absl::StrCat("selection.area_codes[", i, "]"), "is not a known area code"});
      } else if (ToProto(a->level) != sel.level()) {
        v.push_back({absl::StrCat("selection.area_codes[", i, "]"),
                     "is not an area of the selected level"});
      } else {
        q.areas.push_back(a->code);
      }
    }
  } else {
    for (const geo::Area& a : parts_.areas->areas()) {
      if (ToProto(a.level) == sel.level()) q.areas.push_back(a.code);
    }
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  q.themes.assign(sel.themes().begin(), sel.themes().end());
  if (q.themes.empty()) {
    for (int t = v1::LIVEABILITY; t <= v1::OTHER; ++t) q.themes.push_back(t);
  }
  if (!caller.IsStaff()) {
    // Themes left off the public map answer as if they had no reports.
    q.themes.erase(std::remove_if(q.themes.begin(), q.themes.end(),
                                  [&](int t) {
                                    auto it = parts_.theme_k.find(t);
                                    return it != parts_.theme_k.end() && it->second == kHiddenTheme;
                                  }),
                   q.themes.end());
    q.theme_k = parts_.theme_k;
  }
  q.period = sel.period();
  if (!caller.IsStaff() && start && end) {
    // Public callers get whole periods only: a start or end inside a period is widened to
    // its boundaries, so two overlapping ranges (a week from Tuesday minus a week from
    // Wednesday) cannot be subtracted to reveal one withheld day.
    q.first_day = PeriodStart(q.first_day, q.period);
    q.end_day = PeriodEnd(PeriodStart(q.end_day - 1, q.period), q.period);
  }
  q.k = caller.IsStaff() ? 0 : parts_.suppression_k;
  q.cell_level = caller.IsStaff() ? sel.s2_cell_level()
                                  : std::min(sel.s2_cell_level(), parts_.public_max_cell_level);
  return q;
}

absl::Status MapServiceImpl::ReadCells(const AggregateQuery& q, const CellSet* only,
                                       google::protobuf::RepeatedPtrField<v1::AggregateCell>* out)
    const {
  // (area, theme, period start, cell) -> counts, ordered for a stable response.
  std::map<CellKey, storage::DayCounts> sums;
  auto add = [&](const std::string& area, int theme, absl::CivilDay day, uint64_t cell,
                 const storage::DayCounts& c) {
    const CellKey key{area, theme, PeriodStart(day, q.period), cell};
    if (only != nullptr && !only->contains(key)) return;
    sums[key] += c;
  };
  // Days arrive in order: each period is summed here and reaches the map once (a half
  // year of days per area and theme would otherwise be that many map insertions).
  auto add_range = [&](const std::string& area, int theme, absl::CivilDay first,
                       absl::CivilDay end) {
    absl::CivilDay period, period_end;
    bool open = false;
    storage::DayCounts total;                                // cell_level 0
    absl::flat_hash_map<uint64_t, storage::DayCounts> cells;  // per cell at cell_level
    auto flush = [&] {
      if (!open) return;
      if (q.cell_level == 0) {
        add(area, theme, period, 0, total);
      } else {
        for (const auto& [cell, counts] : cells) add(area, theme, period, cell, counts);
      }
      total = {};
      cells.clear();
    };
    auto enter = [&](absl::CivilDay day) {
      if (open && day < period_end) return;
      flush();
      period = PeriodStart(day, q.period);
      period_end = PeriodEnd(period, q.period);
      open = true;
    };
    absl::Status s;
    if (q.cell_level == 0) {
      s = parts_.aggregates->ForEachDay(area, theme, first, end,
                                        [&](absl::CivilDay day, const storage::DayCounts& c) {
                                          enter(day);
                                          total += c;
                                        });
    } else {
      s = parts_.aggregates->ForEachCellDay(
          area, theme, first, end,
          [&](absl::CivilDay day, uint64_t heatmap_cell, const storage::DayCounts& c) {
            enter(day);
            cells[storage::S2CellParent(heatmap_cell, q.cell_level)] += c;
          });
    }
    flush();
    return s;
  };
  if (only != nullptr) {
    // Each changed (area, theme, period) once, however many of its cells changed.
    absl::btree_set<std::tuple<std::string, int, absl::CivilDay>> periods;
    for (const CellKey& cell : *only) {
      periods.insert({std::get<0>(cell), std::get<1>(cell), std::get<2>(cell)});
    }
    for (const auto& [area, theme, start] : periods) {
      const absl::CivilDay first = std::max(start, q.first_day);
      const absl::CivilDay end = std::min(PeriodEnd(start, q.period), q.end_day);
      WW_RETURN_IF_ERROR(add_range(area, theme, first, end));
    }
  } else {
    const bool list_every_area = q.k > 0 && q.cell_level == 0;
    const std::vector<absl::CivilDay> periods =
        list_every_area ? SelectedPeriods(q) : std::vector<absl::CivilDay>();
    for (const std::string& area : q.areas) {
      for (int theme : q.themes) {
        WW_RETURN_IF_ERROR(add_range(area, theme, q.first_day, q.end_day));
        if (list_every_area) {
          // Public area totals list every area, theme and period of the selection, the
          // empty ones withheld like the ones below k: a withheld entry must not tell that
          // someone reported there (an area with no entry, or a "0", would).
          for (absl::CivilDay p : periods) sums.try_emplace(CellKey{area, theme, p, 0});
        }
        if (sums.size() > kMaxAggregateCells) return TooManyCellsError();
      }
    }
  }
  // A time zone conversion per distinct period start, not per cell.
  absl::flat_hash_map<absl::CivilDay, google::protobuf::Timestamp> period_starts;
  for (const auto& [key, counts] : sums) {
    const int k = q.KFor(std::get<1>(key));
    const bool empty = counts.reports <= 0 && counts.incidents <= 0;
    privacy::PublishedCounts shown;
    if (empty) {
      // Staff and heatmap cells leave empty cells out; public area totals (padded above)
      // show them withheld, as they show a count below k.
      if (k <= 0 || std::get<3>(key) != 0) continue;
      shown.withheld = true;
    } else {
      shown = privacy::Publish(storage::CellCountsOf(counts, q.period), k);
    }
    // A public heatmap lists published cells only: a withheld cell among absent ones would
    // mark where someone reported. An absent cell reads "fewer than k, possibly none".
    if (shown.withheld && k > 0 && std::get<3>(key) != 0) continue;
    v1::AggregateCell& cell = *out->Add();
    cell.set_area_code(std::get<0>(key));
    cell.set_theme(static_cast<v1::Theme>(std::get<1>(key)));
    auto [start, inserted] = period_starts.try_emplace(std::get<2>(key));
    if (inserted) {
      start->second = TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(absl::FromCivil(std::get<2>(key), storage::MapTimeZone())));
    }
    *cell.mutable_period_start() = start->second;
    if (std::get<3>(key) != 0) cell.set_s2_cell(S2CellId(std::get<3>(key)).ToToken());
    if (shown.withheld) {
      cell.set_suppressed(true);
    } else {
      cell.set_incident_count(shown.incidents);
      cell.set_report_count(shown.reports);
    }
  }
  return absl::OkStatus();
}

void MapServiceImpl::Aggregates(const Caller& caller, const v1::GetAggregatesRequest& request,
                                v1::GetAggregatesResponse* response, UnaryDone done) {
  if (!request.has_selection()) return done(InvalidFieldError("selection", "is required"));
  absl::StatusOr<AggregateQuery> query = ParseSelection(caller, request.selection());
  if (!query.ok()) return done(query.status());
  const bool with_indicators = request.selection().include_indicators();
  // Without a token on the anonymous workers: a public selection can read up to
  // kMaxAggregateCells cells, and many of them at once must not hold the workers that the
  // apps' and the desk's calls need.
  WorkersFor(caller)->Schedule([this, request, response, done = std::move(done),
                            q = *std::move(query), with_indicators] {
    response->set_suppression_threshold(q.k);
    if (absl::Status s = ReadCells(q, nullptr, response->mutable_cells()); !s.ok()) {
      return done(s);
    }
    if (with_indicators) {
      for (const std::string& area : q.areas) {
        absl::StatusOr<std::vector<v1::IndicatorValue>> values =
            parts_.indicators->ForArea(area);
        if (!values.ok()) return done(values.status());
        for (v1::IndicatorValue& v : *values) *response->add_indicators() = std::move(v);
      }
    }
    if (parts_.layers != nullptr) {
      if (absl::Status s = AddMapLayers(*parts_.layers, q, request.selection(), response);
          !s.ok()) {
        return done(s);
      }
    }
    done(absl::OkStatus());
  });
}

WorkerPool* MapServiceImpl::WorkersFor(const Caller& caller) const {
  return caller.WithoutToken() && parts_.anonymous_workers != nullptr ? parts_.anonymous_workers
                                                                       : parts_.workers;
}

void MapServiceImpl::Import(const Caller& caller, const v1::ImportIndicatorsRequest& request,
                            v1::ImportIndicatorsResponse* response, UnaryDone done) {
  if (request.csv().empty()) return done(InvalidFieldError("csv", "is required"));
  const geo::AreaIndex* areas = parts_.areas;
  absl::StatusOr<std::vector<indicators::Indicator>> parsed = indicators::ParseIndicatorsCsv(
      request.csv(), [areas](std::string_view code) {
        return areas->Find(absl::string_view(code.data(), code.size())) != nullptr;
      });
  if (!parsed.ok()) return done(parsed.status());
  std::vector<v1::IndicatorValue> values;
  values.reserve(parsed->size());
  for (const indicators::Indicator& in : *parsed) {
    v1::IndicatorValue& v = values.emplace_back();
    v.set_area_code(in.area_code);
    v.set_indicator(in.indicator);
    v.set_period(in.period.text);
    v.set_value(in.value);
    v.set_unit(in.unit);
    v.set_source(in.source);
  }
  response->set_imported_rows(static_cast<int>(values.size()));
  if (request.validate_only()) return done(absl::OkStatus());
  parts_.workers->Schedule([this, done = std::move(done), values = std::move(values)] {
    done(parts_.indicators->ImportAll(values));
  });
}

void MapServiceImpl::Warnings(const Caller& caller, const v1::ListEarlyWarningsRequest& request,
                              v1::ListEarlyWarningsResponse* response, UnaryDone done) {
  if (request.page_size() < 0) return done(InvalidFieldError("page_size", "must not be negative"));
  if (!v1::Theme_IsValid(request.theme())) {
    return done(InvalidFieldError("theme", absl::StrCat("has unknown value ", request.theme())));
  }
  if (!request.area_code().empty() && parts_.areas->Find(request.area_code()) == nullptr) {
    return done(InvalidFieldError("area_code", "is not a known area code"));
  }
  const int page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  parts_.workers->Schedule([this, request, response, page_size, done = std::move(done)] {
    absl::StatusOr<storage::EarlyWarningStore::Page> page = parts_.warnings->List(
        request.area_code(), request.theme(), page_size, request.page_token());
    if (!page.ok()) return done(page.status());
    for (v1::EarlyWarning& w : page->warnings) *response->add_early_warnings() = std::move(w);
    response->set_next_page_token(page->next_page_token);
    done(absl::OkStatus());
  });
}

void MapServiceImpl::Progress(const Caller& caller, const v1::GetProgressReportRequest& request,
                              v1::ProgressReport* response, UnaryDone done) {
  if (request.period().empty()) return done(InvalidFieldError("period", "is required"));
  parts_.workers->Schedule([this, response, done = std::move(done), period = request.period(),
                            publication = request.publication()] {
    ProgressSources sources{parts_.areas, parts_.aggregates, parts_.indicators,
                            parts_.report_gemeente_code};
    sources.warnings = parts_.warnings;
    if (parts_.layers != nullptr) {  // the Actieplan cycle's sections
      sources.plans = parts_.layers->plans;
      sources.enforcement = parts_.layers->enforcement;
      sources.polls = parts_.layers->polls;
      sources.incidents = parts_.layers->incidents;
    }
    if (publication) {  // the public map's figures, not a second exact source
      sources.publish_k = parts_.suppression_k;
      sources.theme_k = parts_.theme_k;
      sources.warning_detector = parts_.early_warning;
    }
    const absl::Time now = parts_.clock != nullptr ? parts_.clock->Now() : absl::Now();
    absl::StatusOr<progress::ProgressReportData> data =
        BuildProgressReportData(sources, period, now);
    if (!data.ok()) return done(data.status());
    // The publication version hides what the public map hides (its k, at least 2).
    if (publication) data->suppress_below_k = std::max(2, parts_.suppression_k);
    absl::StatusOr<std::string> html = progress::RenderHtml(*data);
    if (!html.ok()) return done(html.status());
    absl::StatusOr<std::string> markdown = progress::RenderMarkdown(*data);
    if (!markdown.ok()) return done(markdown.status());
    response->set_period(data->period);
    response->set_html(*std::move(html));
    response->set_markdown(*std::move(markdown));
    done(absl::OkStatus());
  });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* MapServiceImpl::StreamAggregates(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  const auto refuse = RefuseStream;
  v1::StreamAggregatesRequest request_message;
  const v1::StreamAggregatesRequest* request = &request_message;
  std::shared_ptr<StreamLease> lease;
  absl::StatusOr<Caller> caller = AdmitStream(*parts_.gate, "/wijkwacht.v1.MapService/StreamAggregates",
                                              *context, *raw_request, &request_message, &lease);
  if (!caller.ok()) return refuse(caller.status());
  if (!request->has_selection()) return refuse(InvalidFieldError("selection", "is required"));
  absl::StatusOr<AggregateQuery> parsed = ParseSelection(*caller, request->selection());
  if (!parsed.ok()) return refuse(parsed.status());
  const bool staff = caller->IsStaff();
  // Callers without a staff role get sealed cursors (public_cursor.h), never the log position.
  const PublicCursors* sealed = staff ? nullptr : parts_.public_cursors;
  absl::StatusOr<uint64_t> resume =
      storage::DecodeCursor(request->resume_cursor(), "resume_cursor");
  if (sealed != nullptr) {
    absl::StatusOr<storage::StreamPosition> opened =
        sealed->Open(request->resume_cursor(), "resume_cursor");
    resume = opened.ok() ? absl::StatusOr<uint64_t>(opened->after) : opened.status();
  }
  if (!resume.ok()) return refuse(resume.status());
  auto cursor_of = [sealed](uint64_t sequence) -> absl::StatusOr<std::string> {
    if (sealed == nullptr) return storage::EncodeCursor(sequence);
    return sealed->Seal(sequence);
  };
  if (*resume > parts_.feed->LastSequence()) {
    return refuse(InvalidFieldError("resume_cursor", "lies beyond the newest change"));
  }
  // Without a token, a resume is a convenience, not a replay service: a cursor far behind
  // the log's head would make this stream read (and re-read cells for) every change since.
  // Such a caller starts afresh with a snapshot (messages carry absolute values).
  if (!caller->authenticated && !caller->trusted && !caller->in_process &&
      parts_.anonymous_max_replay > 0 &&
      !request->resume_cursor().empty() &&
      parts_.feed->LastSequence() - *resume > parts_.anonymous_max_replay) {
    return refuse(absl::FailedPreconditionError(absl::StrCat(
        "resume_cursor: more than ", parts_.anonymous_max_replay,
        " changes behind; start without a resume_cursor (a fresh snapshot)")));
  }

  auto q = std::make_shared<const AggregateQuery>(*std::move(parsed));
  auto dirty = std::make_shared<CellSet>();
  auto warnings = std::make_shared<std::vector<v1::EarlyWarning>>();
  std::vector<v1::AggregateUpdate> initial;
  uint64_t after = *resume;
  if (request->resume_cursor().empty()) {
    // The snapshot reads counts at or after sequence `after`; every later change re-reads
    // the cells it touches (messages carry absolute values), so nothing is missed.
    after = parts_.feed->LastSequence();
    v1::AggregateUpdate& snapshot = initial.emplace_back();
    snapshot.set_snapshot(true);
    absl::StatusOr<std::string> cursor = cursor_of(after);
    if (!cursor.ok()) return refuse(cursor.status());
    snapshot.set_cursor(*std::move(cursor));
    if (absl::Status s = ReadCells(*q, nullptr, snapshot.mutable_cells()); !s.ok()) {
      return refuse(s);
    }
  }
  auto area_set = std::make_shared<absl::flat_hash_set<std::string>>(q->areas.begin(),
                                                                      q->areas.end());
  using Stream = LogStream<v1::AggregateUpdate>;
  Stream::Options options;
  options.lease = std::move(lease);
  options.observer = parts_.gate->observer();
  options.method = "/wijkwacht.v1.MapService/StreamAggregates";
  // Public updates come in batches (at most one per public_stream_interval), so that an
  // update does not time-stamp a single report.
  options.min_interval = staff ? parts_.stream_min_interval
                               : std::max(parts_.stream_min_interval, parts_.public_stream_interval);
  options.cursor = [cursor_of](uint64_t sequence) {
    return cursor_of(sequence).value_or(std::string());
  };
  options.flush = [this, q, dirty, warnings, staff, cursor_of](
                      uint64_t last, std::vector<v1::AggregateUpdate>* out) {
    if (dirty->empty() && warnings->empty()) return absl::OkStatus();
    v1::AggregateUpdate update;
    WW_ASSIGN_OR_RETURN(std::string cursor, cursor_of(last));
    update.set_cursor(std::move(cursor));
    for (v1::EarlyWarning& w : *warnings) *update.add_early_warnings() = std::move(w);
    warnings->clear();
    absl::Status s = ReadCells(*q, dirty.get(), update.mutable_cells());
    dirty->clear();
    if (!s.ok()) return s;
    if (!staff) {
      // A change inside a cell that stays withheld is not announced at all: the update would
      // say when a report came into a cell whose count is below k.
      auto* cells = update.mutable_cells();
      cells->erase(std::remove_if(cells->begin(), cells->end(),
                                  [](const v1::AggregateCell& c) { return c.suppressed(); }),
                   cells->end());
      if (cells->empty() && update.early_warnings().empty()) return absl::OkStatus();
    }
    out->push_back(std::move(update));
    return absl::OkStatus();
  };
  // Streams without a token read and render on their own workers: however many there are,
  // they cannot take the threads unary calls and the apps' streams need.
  WorkerPool* workers = WorkersFor(*caller);
  return Stream::Start(
      parts_.feed, workers, after,
      [q, dirty, warnings, area_set, staff](const internal::ChangeEvent& event,
                                            std::vector<v1::AggregateUpdate>*) {
        if (event.has_early_warning_raised()) {
          // Early warnings are staff-only (ListEarlyWarnings): a handful of reports from free
          // devices can raise one, so the public never sees them.
          if (!staff) return absl::OkStatus();
          const internal::EarlyWarningRaised& raised = event.early_warning_raised();
          if (area_set->contains(raised.area_code()) &&
              std::find(q->themes.begin(), q->themes.end(), raised.theme()) != q->themes.end()) {
            v1::EarlyWarning& w = warnings->emplace_back();
            w.set_name(raised.name());
            w.set_area_code(raised.area_code());
            w.set_theme(static_cast<v1::Theme>(raised.theme()));
            *w.mutable_raise_time() = event.time();
            w.set_observed_count(raised.observed());
            w.set_expected_count(raised.expected());
            w.set_p_value(raised.p_value());
          }
          return absl::OkStatus();
        }
        // An incident count moved between themes, or went: re-read every selected theme there.
        auto count_moved = [&](const internal::MapCountMoved& where) {
          const absl::CivilDay day = storage::CountDay(where);
          if (where.area_codes().empty() || day < q->first_day || day >= q->end_day) return;
          const uint64_t cell =
              q->cell_level == 0 ? 0 : storage::S2CellParent(where.heatmap_cell(), q->cell_level);
          for (const std::string& code : where.area_codes()) {
            if (!area_set->contains(code)) continue;
            for (int theme : q->themes) {
              dirty->insert({code, theme, PeriodStart(day, q->period), cell});
            }
          }
        };
        if (event.has_incident_changed()) {
          count_moved(event.incident_changed().count_moved());
          return absl::OkStatus();
        }
        if (!event.has_report_created()) return absl::OkStatus();
        const internal::ReportCreated& created = event.report_created();
        if (created.has_incident_count_moved()) count_moved(created.incident_count_moved());
        if (std::find(q->themes.begin(), q->themes.end(), created.theme()) == q->themes.end()) {
          return absl::OkStatus();
        }
        const absl::CivilDay day = storage::MapDay(absl::FromUnixSeconds(
            created.observed_time().seconds()) + absl::Nanoseconds(created.observed_time().nanos()));
        if (day < q->first_day || day >= q->end_day) return absl::OkStatus();
        const uint64_t cell =
            q->cell_level == 0 ? 0 : storage::S2CellParent(created.s2_cell_id(), q->cell_level);
        for (const std::string& code : created.area_codes()) {
          if (area_set->contains(code)) {
            dirty->insert({code, created.theme(), PeriodStart(day, q->period), cell});
          }
        }
        return absl::OkStatus();
      },
      std::move(initial), std::move(options));
}

}  // namespace wijkwacht::services
