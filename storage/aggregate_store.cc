#include "storage/aggregate_store.h"

#include <mutex>
#include <optional>

#include "absl/container/btree_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "s2/s2cell_id.h"
#include "s2/s2latlng.h"
#include "common/status.h"
#include "privacy/small_counts.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

const absl::CivilDay kEpochDay(1970, 1, 1);

std::string AggregatePrefix(absl::string_view area_code, int theme) {
  std::string key(area_code);
  key.push_back('\0');
  key.push_back(static_cast<char>(theme));
  return key;
}

std::string AggregateKey(absl::string_view area_code, int theme, absl::CivilDay day) {
  std::string key = AggregatePrefix(area_code, theme);
  AppendBigEndian32(&key, DaysSinceEpoch(day));
  return key;
}

// Heatmap counters sit under their own prefix (the theme byte with the high bit set), so the
// per-area totals stay one contiguous range per area and theme.
constexpr int kCellThemeFlag = 0x80;

std::string CellPrefix(absl::string_view area_code, int theme) {
  return AggregatePrefix(area_code, theme | kCellThemeFlag);
}

std::string CellKey(absl::string_view area_code, int theme, absl::CivilDay day,
                    uint64_t heatmap_cell) {
  std::string key = CellPrefix(area_code, theme);
  AppendBigEndian32(&key, DaysSinceEpoch(day));
  AppendBigEndian64(&key, heatmap_cell);
  return key;
}

uint32_t ReadBigEndian(absl::string_view bytes) { return ReadBigEndian32(bytes).value_or(0); }

// The day of an aggregates key (either layout: area \0 theme day [cell]); nullopt if the
// key is malformed.
std::optional<absl::CivilDay> CounterKeyDay(absl::string_view key) {
  const size_t nul = key.find('\0');
  if (nul == absl::string_view::npos || key.size() < nul + 2 + 4) return std::nullopt;
  return kEpochDay + ReadBigEndian(key.substr(nul + 2, 4));
}

// The length of an aggregates key's series prefix (area code \0 theme byte), for a key whose
// day CounterKeyDay could read.
size_t SeriesPrefixLength(absl::string_view key) { return key.find('\0') + 2; }

template <typename Codes>
void AddCounts(WriteContext& ctx, const Codes& codes, int theme, absl::CivilDay day,
               uint64_t heatmap_cell, const DayCounts& delta) {
  const Counters counters = delta.ToCounters();
  for (const std::string& code : codes) {
    ctx.AddToCounters(ColumnFamily::kAggregates, AggregateKey(code, theme, day), counters);
    ctx.AddToCounters(ColumnFamily::kAggregates, CellKey(code, theme, day, heatmap_cell),
                      counters);
  }
}

// One incident (+1) or its removal (-1), with its record key.
DayCounts IncidentDelta(absl::string_view incident_id, int64_t delta) {
  DayCounts d;
  d.incidents = delta;
  d.incident_keys = static_cast<uint64_t>(delta) * privacy::RecordKey(incident_id);
  return d;
}

void StageIncidentDelta(WriteContext& ctx, const internal::StoredIncident& stored, int theme,
                        int64_t delta) {
  const internal::IncidentCounted& at = stored.counted_at();
  AddCounts(ctx, stored.area_codes(), theme, kEpochDay + at.day(), at.heatmap_cell(),
            IncidentDelta(absl::StripPrefix(stored.incident().name(), "incidents/"), delta));
}

}  // namespace

uint32_t DaysSinceEpoch(absl::CivilDay day) {
  const int64_t n = day - kEpochDay;
  return n < 0 ? 0 : static_cast<uint32_t>(n);
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

namespace {
// Bit offset of a period kind's lane in field 4.
int LaneShift(v1::AggregationPeriod period) {
  switch (period) {
    case v1::HALF_YEAR:
      return 0;
    case v1::MONTH:
      return 16;
    case v1::WEEK:
      return 32;
    default:
      return 48;
  }
}
}  // namespace

int64_t PackPeriodLanes(uint32_t counted_periods) {
  uint64_t packed = 0;
  for (v1::AggregationPeriod p : {v1::DAY, v1::WEEK, v1::MONTH, v1::HALF_YEAR}) {
    if ((counted_periods & PeriodBit(p)) != 0) packed += uint64_t{1} << LaneShift(p);
  }
  return static_cast<int64_t>(packed);
}

uint64_t ReporterKey(absl::string_view reporter) {
  return privacy::RecordKey(absl::StrCat("reporter ", reporter));
}

int64_t DayCounts::DistinctReporters(v1::AggregationPeriod period) const {
  return static_cast<int64_t>((static_cast<uint64_t>(reporter_lanes) >> LaneShift(period)) &
                              0xffff);
}

privacy::CellCounts CellCountsOf(const DayCounts& sum, v1::AggregationPeriod period) {
  return privacy::CellCounts{sum.incidents,         sum.reports,
                             sum.incident_keys,     sum.report_keys,
                             sum.DistinctReporters(period), sum.reporter_keys};
}

NewReportCount StoredReportCount(const internal::StoredReport& stored) {
  NewReportCount count;
  count.report_id = stored.report().id();
  if (stored.has_counted_periods()) {
    count.counted_periods = stored.counted_periods();
    if ((count.counted_periods & PeriodBit(v1::HALF_YEAR)) != 0) {
      count.reporter_key = ReporterKey(stored.reporter());
    }
  } else if (stored.established_reporter()) {
    count.counted_periods = PeriodBit(v1::HALF_YEAR);  // stored before the rule (see header)
  }
  return count;
}

const absl::TimeZone& MapTimeZone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Amsterdam", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

absl::CivilDay MapDay(absl::Time t) { return absl::ToCivilDay(t, MapTimeZone()); }

std::vector<std::string> ReportAreaCodes(const v1::AreaRef& area) {
  std::vector<std::string> codes;
  for (const std::string& c : {area.gemeente_code(), area.wijk_code(), area.buurt_code()}) {
    if (!c.empty()) codes.push_back(c);
  }
  for (const std::string& c : area.focus_areas()) codes.push_back(c);
  return codes;
}

uint64_t ReportLeafCell(const v1::Report& report) {
  return S2CellId(S2LatLng::FromDegrees(report.location().latitude(),
                                        report.location().longitude()))
      .id();
}

DayCounts& DayCounts::operator+=(const DayCounts& other) {
  Counters sum = ToCounters();
  sum += other.ToCounters();
  return *this = From(sum);
}

DayCounts DayCounts::From(const Counters& c) {
  return DayCounts{c.field[0], c.field[1], static_cast<uint64_t>(c.field[2]),
                   static_cast<uint64_t>(c.field[3]), c.field[4],
                   static_cast<uint64_t>(c.field[5])};
}

Counters DayCounts::ToCounters() const {
  Counters c;
  c.field = {incidents, reports, static_cast<int64_t>(incident_keys),
             static_cast<int64_t>(report_keys), reporter_lanes,
             static_cast<int64_t>(reporter_keys)};
  return c;
}

void StageReportCounts(WriteContext& ctx, const std::vector<std::string>& area_codes, int theme,
                       absl::Time observed, uint64_t leaf_cell, const NewReportCount& report) {
  const uint64_t key = privacy::RecordKey(report.report_id);
  DayCounts delta;
  delta.reports = 1;
  delta.report_keys = key;
  delta.reporter_lanes = PackPeriodLanes(report.counted_periods);
  delta.reporter_keys = report.reporter_key;
  if (report.incident_opened) {  // the incident's id is its first report's id
    delta.incidents = 1;
    delta.incident_keys = key;
  }
  AddCounts(ctx, area_codes, theme, MapDay(observed), S2CellParent(leaf_cell, kHeatmapCellLevel),
            delta);
}

void UncountReport(WriteContext& ctx, const internal::StoredReport& stored) {
  const v1::Report& report = stored.report();
  DayCounts delta;
  delta.reports = -1;
  delta.report_keys = uint64_t{0} - privacy::RecordKey(report.id());
  const NewReportCount counted = StoredReportCount(stored);
  delta.reporter_lanes = -PackPeriodLanes(counted.counted_periods);
  delta.reporter_keys = uint64_t{0} - counted.reporter_key;
  const absl::Time observed = absl::FromUnixSeconds(report.observed_time().seconds()) +
                              absl::Nanoseconds(report.observed_time().nanos());
  AddCounts(ctx, ReportAreaCodes(report.area()), report.theme(), MapDay(observed),
            S2CellParent(ReportLeafCell(report), kHeatmapCellLevel), delta);
}

void MarkIncidentCounted(internal::StoredIncident& stored, absl::Time observed,
                         uint64_t leaf_cell) {
  internal::IncidentCounted& at = *stored.mutable_counted_at();
  at.set_theme(stored.incident().theme());
  at.set_day(static_cast<int32_t>(DaysSinceEpoch(MapDay(observed))));
  at.set_heatmap_cell(S2CellParent(leaf_cell, kHeatmapCellLevel));
}

void CountIncident(WriteContext& ctx, internal::StoredIncident& stored, absl::Time observed,
                   uint64_t leaf_cell) {
  MarkIncidentCounted(stored, observed, leaf_cell);
  StageIncidentDelta(ctx, stored, stored.counted_at().theme(), 1);
}

void UncountIncident(WriteContext& ctx, internal::StoredIncident& stored) {
  if (!stored.has_counted_at()) return;
  StageIncidentDelta(ctx, stored, stored.counted_at().theme(), -1);
  stored.clear_counted_at();
}

bool RecountIncident(WriteContext& ctx, internal::StoredIncident& stored) {
  if (!stored.has_counted_at()) return false;
  const int theme = stored.incident().theme();
  if (stored.counted_at().theme() == theme) return false;
  StageIncidentDelta(ctx, stored, stored.counted_at().theme(), -1);
  StageIncidentDelta(ctx, stored, theme, 1);
  stored.mutable_counted_at()->set_theme(theme);
  return true;
}

internal::MapCountMoved CountLocation(const internal::StoredIncident& stored) {
  internal::MapCountMoved where;
  if (!stored.has_counted_at()) return where;
  *where.mutable_area_codes() = stored.area_codes();
  where.set_day(stored.counted_at().day());
  where.set_heatmap_cell(stored.counted_at().heatmap_cell());
  return where;
}

absl::CivilDay CountDay(const internal::MapCountMoved& where) { return kEpochDay + where.day(); }

absl::StatusOr<std::unique_ptr<AggregateStore>> AggregateStore::OpenWithMemory(
    Engine* engine, absl::CivilDay memory_from) {
  auto store = std::make_unique<AggregateStore>(engine);
  store->memory_ = std::make_unique<Memory>();
  AggregateStore* self = store.get();
  Memory* mem = store->memory_.get();
  mem->from = memory_from;
  // On the writer thread: nothing commits between the scan and the listener's registration,
  // and increments staged earlier in this group reach the listener, not the scan.
  WW_RETURN_IF_ERROR(engine->CommitAndWait([&](WriteContext&) -> absl::Status {
    absl::Status inner;
    WW_RETURN_IF_ERROR(engine->Scan(
        ColumnFamily::kAggregates, "", "", [&](absl::string_view key, absl::string_view value) {
          const std::optional<absl::CivilDay> day = CounterKeyDay(key);
          if (!day) {
            inner = absl::DataLossError("malformed aggregates key");
            return false;
          }
          if (*day >= mem->from) self->AddInMemory(key, DecodeCounters(value));
          return true;
        }));
    WW_RETURN_IF_ERROR(inner);
    engine->AddCounterListener(
        [self](const std::vector<CounterDelta>& deltas) { self->Apply(deltas); });
    mem->loaded.store(true, std::memory_order_release);
    return absl::OkStatus();
  }));
  return store;
}

void AggregateStore::Apply(const std::vector<CounterDelta>& deltas) {
  Memory* mem = memory_.get();
  std::unique_lock lock(mem->mu);
  for (const CounterDelta& d : deltas) {
    if (d.cf != ColumnFamily::kAggregates) continue;
    const std::optional<absl::CivilDay> day = CounterKeyDay(d.key);
    if (!day || *day < mem->from) continue;
    AddInMemory(d.key, d.delta);
  }
}

void AggregateStore::AddInMemory(absl::string_view key, const Counters& delta) {
  const size_t prefix = SeriesPrefixLength(key);
  absl::btree_map<std::string, Counters>& series = memory_->series[key.substr(0, prefix)];
  auto [it, inserted] = series.try_emplace(std::string(key.substr(prefix)));
  if (inserted) ++memory_->size;
  it->second += delta;
}

void AggregateStore::ScanMemory(
    absl::string_view prefix, absl::string_view start_rest,
    const std::function<bool(absl::string_view rest, const Counters&)>& visit) const {
  std::shared_lock lock(memory_->mu);
  auto series = memory_->series.find(prefix);
  if (series == memory_->series.end()) return;
  for (auto it = series->second.lower_bound(start_rest); it != series->second.end(); ++it) {
    if (!visit(it->first, it->second)) break;
  }
}

size_t AggregateStore::CountersInMemory() const {
  if (memory_ == nullptr) return 0;
  std::shared_lock lock(memory_->mu);
  return memory_->size;
}

absl::StatusOr<std::vector<std::string>> AggregateStore::VerifyMemory() const {
  std::vector<std::string> out;
  if (memory_ == nullptr) return out;
  absl::btree_map<std::string, Counters> disk;
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kAggregates, "", "", [&](absl::string_view key, absl::string_view value) {
        const std::optional<absl::CivilDay> day = CounterKeyDay(key);
        if (day && *day >= memory_->from) disk.emplace(std::string(key), DecodeCounters(value));
        return true;
      }));
  std::shared_lock lock(memory_->mu);
  auto describe = [](absl::string_view key, const Counters& c) {
    return absl::StrCat(absl::CEscape(key), " ", absl::StrJoin(c.field, "/"));
  };
  absl::btree_map<std::string, Counters> memory;
  for (const auto& [prefix, series] : memory_->series) {
    for (const auto& [rest, c] : series) memory.emplace(absl::StrCat(prefix, rest), c);
  }
  for (const auto& [key, c] : memory) {
    auto it = disk.find(key);
    const Counters d = it == disk.end() ? Counters{} : it->second;
    if (d != c) {
      out.push_back(absl::StrCat("memory ", describe(key, c), ", disk ", describe(key, d)));
    }
  }
  for (const auto& [key, d] : disk) {
    if (!memory.contains(key) && !d.zero()) {
      out.push_back(absl::StrCat("missing from memory: ", describe(key, d)));
    }
  }
  return out;
}

namespace {

// Day numbers (days since 1970-01-01) to civil days for keys visited in order: a step from
// the previous day instead of 20,000 days from the epoch each time (the civil-time
// arithmetic of a long step was an eighth of a map query's time).
class DayNumbers {
 public:
  absl::CivilDay Day(uint32_t n) {
    if (n != n_) day_ = n > n_ && n - n_ < 28 ? day_ + (n - n_) : kEpochDay + n;
    n_ = n;
    return day_;
  }

 private:
  uint32_t n_ = 0;
  absl::CivilDay day_ = kEpochDay;
};

}  // namespace

absl::Status AggregateStore::ForEachDay(absl::string_view area_code, int theme,
                                        absl::CivilDay first, absl::CivilDay end,
                                        const DayVisitor& visit) const {
  const std::string prefix = AggregatePrefix(area_code, theme);
  const uint32_t end_number = DaysSinceEpoch(end);
  DayNumbers days;
  // `rest`: the key after the prefix.
  auto visit_rest = [&](absl::string_view rest, const Counters& c) {
    if (rest.size() != 4) return true;
    const uint32_t n = ReadBigEndian(rest);
    if (n >= end_number) return false;
    visit(days.Day(n), DayCounts::From(c));
    return true;
  };
  std::string start_rest;
  AppendBigEndian32(&start_rest, DaysSinceEpoch(first));
  if (InMemory(first)) {
    ScanMemory(prefix, start_rest, visit_rest);
    return absl::OkStatus();
  }
  return engine_->Scan(ColumnFamily::kAggregates, absl::StrCat(prefix, start_rest), prefix,
                       [&](absl::string_view key, absl::string_view value) {
                         return visit_rest(key.substr(prefix.size()), DecodeCounters(value));
                       });
}

absl::Status AggregateStore::ForEachCellDay(absl::string_view area_code, int theme,
                                            absl::CivilDay first, absl::CivilDay end,
                                            const CellDayVisitor& visit) const {
  const std::string prefix = CellPrefix(area_code, theme);
  std::string start_rest;
  AppendBigEndian32(&start_rest, DaysSinceEpoch(first));
  const uint32_t end_number = DaysSinceEpoch(end);
  DayNumbers days;
  // `rest`: the key after the prefix.
  auto visit_rest = [&](absl::string_view rest, const Counters& c) {
    if (rest.size() != 12) return true;
    const uint32_t n = ReadBigEndian(rest.substr(0, 4));
    if (n >= end_number) return false;
    visit(days.Day(n), ReadBigEndian64(rest.substr(4)).value_or(0), DayCounts::From(c));
    return true;
  };
  if (InMemory(first)) {
    ScanMemory(prefix, start_rest, visit_rest);
    return absl::OkStatus();
  }
  return engine_->Scan(ColumnFamily::kAggregates, absl::StrCat(prefix, start_rest), prefix,
                       [&](absl::string_view key, absl::string_view value) {
                         return visit_rest(key.substr(prefix.size()), DecodeCounters(value));
                       });
}

absl::StatusOr<std::vector<std::string>> VerifyAggregates(const Engine& engine,
                                                          size_t max_differences) {
  // Recompute: key -> counters (DayCounts' fields).
  absl::btree_map<std::string, DayCounts> expected;
  absl::Status inner = absl::OkStatus();
  absl::Status scanned = engine.Scan(
      ColumnFamily::kReports, "", "", [&](absl::string_view, absl::string_view value) {
        internal::StoredReport stored;
        if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("stored report does not parse");
          return false;
        }
        const v1::Report& report = stored.report();
        const absl::Time observed =
            absl::FromUnixSeconds(report.observed_time().seconds()) +
            absl::Nanoseconds(report.observed_time().nanos());
        const absl::CivilDay day = MapDay(observed);
        const uint64_t cell = S2CellParent(ReportLeafCell(report), kHeatmapCellLevel);
        DayCounts one;
        one.reports = 1;
        one.report_keys = privacy::RecordKey(report.id());
        const NewReportCount counted = StoredReportCount(stored);
        one.reporter_lanes = PackPeriodLanes(counted.counted_periods);
        one.reporter_keys = counted.reporter_key;
        for (const std::string& code : ReportAreaCodes(report.area())) {
          expected[AggregateKey(code, report.theme(), day)] += one;
          expected[CellKey(code, report.theme(), day, cell)] += one;
        }
        return true;
      });
  WW_RETURN_IF_ERROR(scanned);
  WW_RETURN_IF_ERROR(inner);

  std::vector<std::string> differences;
  // Incidents: each one that still counts, where its record says, under its current theme.
  scanned = engine.Scan(
      ColumnFamily::kIncidents, "", "", [&](absl::string_view id, absl::string_view value) {
        internal::StoredIncident stored;
        if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError(absl::StrCat("stored incident ", id, " does not parse"));
          return false;
        }
        if (!stored.has_counted_at()) {
          if (stored.merged_into().empty()) {
            differences.push_back(absl::StrCat("incident ", id, " records no counter"));
          }
          return differences.size() < max_differences;
        }
        const internal::IncidentCounted& at = stored.counted_at();
        if (at.theme() != stored.incident().theme()) {
          differences.push_back(absl::StrCat("incident ", id, " is counted under theme ",
                                             at.theme(), " but has theme ",
                                             stored.incident().theme()));
        }
        const absl::CivilDay day = kEpochDay + at.day();
        const DayCounts one = IncidentDelta(id, 1);
        for (const std::string& code : stored.area_codes()) {
          expected[AggregateKey(code, at.theme(), day)] += one;
          expected[CellKey(code, at.theme(), day, at.heatmap_cell())] += one;
        }
        return differences.size() < max_differences;
      });
  WW_RETURN_IF_ERROR(scanned);
  WW_RETURN_IF_ERROR(inner);

  auto describe = [](absl::string_view key, const Counters& stored, const Counters& recomputed) {
    const size_t nul = key.find('\0');
    const std::string area(key.substr(0, nul));
    const int theme_byte = nul + 1 < key.size() ? static_cast<uint8_t>(key[nul + 1]) : 0;
    const absl::string_view rest = nul + 2 <= key.size() ? key.substr(nul + 2) : "";
    const absl::CivilDay day = kEpochDay + ReadBigEndian(rest.substr(0, 4));
    std::string where = absl::StrCat(area, " theme ", theme_byte & ~kCellThemeFlag, " ",
                                     absl::FormatCivilTime(day));
    if (rest.size() > 4) absl::StrAppend(&where, " cell ", ReadBigEndian64(rest.substr(4)).value_or(0));
    return absl::StrCat(where, ": stored ", absl::StrJoin(stored.field, "/"), ", recomputed ",
                        absl::StrJoin(recomputed.field, "/"),
                        " (incidents/reports/incident keys/report keys/reporter lanes/reporter keys)");
  };
  auto it = expected.begin();
  absl::Status compared = engine.Scan(
      ColumnFamily::kAggregates, "", "", [&](absl::string_view key, absl::string_view value) {
        const Counters stored = DecodeCounters(value);
        while (it != expected.end() && it->first < key) {
          differences.push_back(describe(it->first, {}, it->second.ToCounters()));
          ++it;
        }
        Counters recomputed;
        if (it != expected.end() && it->first == key) recomputed = (it++)->second.ToCounters();
        if (stored != recomputed) {
          differences.push_back(describe(key, stored, recomputed));
        }
        return differences.size() < max_differences;
      });
  WW_RETURN_IF_ERROR(compared);
  for (; it != expected.end() && differences.size() < max_differences; ++it) {
    differences.push_back(describe(it->first, {}, it->second.ToCounters()));
  }
  return differences;
}

}  // namespace wijkwacht::storage
