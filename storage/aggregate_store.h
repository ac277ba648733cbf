// AggregateStore: incident and report counts per area x theme x civil day (Europe/Amsterdam),
// the numbers behind the safety map.
//
// The counts are maintained incrementally: the report write stages them (StageReportCounts)
// in the same synced batch as the report, as RocksDB merge operands that add, so a crash can
// never leave report and counts disagreeing, and no query ever scans reports. A report adds
// one report to every area it lies in; a report that opened an incident also adds one
// incident there (an incident is counted where and when its first report was observed).
// Coarser periods (week, month, half year) are sums of days at query time. Besides the per-area
// totals each area keeps counts per heatmap cell (kHeatmapCellLevel) for heatmaps.
//
// The counts of recent days are also kept in memory (OpenWithMemory), so the map's reads cost
// no RocksDB seek and no merge-operand resolution.
//
// Thread safety: all methods may be called concurrently; StageReportCounts runs inside a
// WriteFn. Errors: UNAVAILABLE / DATA_LOSS from the engine.
#pragma once

#include <cstdint>
#include <atomic>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "privacy/small_counts.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/map.pb.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::storage {

// Europe/Amsterdam (UTC if the system has no time zone data).
[[nodiscard]] const absl::TimeZone& MapTimeZone();
// The civil day of `t` in MapTimeZone().
[[nodiscard]] absl::CivilDay MapDay(absl::Time t);

// The period kinds of the public map (wijkwacht.v1.AggregationPeriod): the civil day (and
// Monday-started week, month, half year) a day lies in.
[[nodiscard]] absl::CivilDay PeriodStart(absl::CivilDay day, v1::AggregationPeriod period);
// Days since 1970-01-01 (0 before it): how keys name a day.
[[nodiscard]] uint32_t DaysSinceEpoch(absl::CivilDay day);

// Distinct reporters towards k. A report counts towards k in a period kind when its reporter
// was established when it sent it (a device older than the minimum age, or staff) AND it is
// the first such report of that reporter in its theme and in that period (day, week, month,
// half year; ReportStore decides with the reporter_periods markers). Summed over any published
// cell of that period kind — any area, any heatmap cell — each reporter therefore counts at
// most once: the sum is a count of distinct established reporters (it undercounts a reporter
// whose counted report of the period lies in another area). `counted_periods` is a bit set of
// PeriodBit; a report stored before this rule counts in the half year only.
[[nodiscard]] constexpr uint32_t PeriodBit(v1::AggregationPeriod period) {
  return 1u << static_cast<int>(period);
}
inline constexpr uint32_t kAllPeriodBits =
    PeriodBit(v1::DAY) | PeriodBit(v1::WEEK) | PeriodBit(v1::MONTH) | PeriodBit(v1::HALF_YEAR);
// A report's contribution to field 4: four 16-bit lanes, half year in bits 0-15, month 16-31,
// week 32-47, day 48-63. A lane read for a cell of its own period kind holds at most the
// reporters of that cell (< 2^16 per area, theme and period in a gemeente), and the lanes
// below it hold no more than it, so no carry ever reaches it.
[[nodiscard]] int64_t PackPeriodLanes(uint32_t counted_periods);
// The reporters key of a reporter (field 5 adds it for reports counted in the half-year lane):
// a record key (privacy::RecordKey) of the reporter, so field 5 of a cell identifies the set
// of distinct reporters counted there; extra reports of the same reporters do not change it.
[[nodiscard]] uint64_t ReporterKey(absl::string_view reporter);

// The counters of one area x theme x day (or heatmap cell), as the fields of the aggregates
// family's Counters (engine.h): 0 incidents, 1 reports, 2 and 3 the sums (mod 2^64) of the
// counted incidents' and reports' record keys (privacy::RecordKey, the public map's cell
// key), 4 distinct established reporters per period kind (PackPeriodLanes), 5 the sum of the
// half-year-counted reporters' ReporterKey. Sums of days and cells add field by field.
struct DayCounts {
  int64_t incidents = 0;
  int64_t reports = 0;
  uint64_t incident_keys = 0;
  uint64_t report_keys = 0;
  int64_t reporter_lanes = 0;
  uint64_t reporter_keys = 0;

  // The distinct established reporters of a sum of days (or cells) that lies within one
  // period of kind `period`.
  [[nodiscard]] int64_t DistinctReporters(v1::AggregationPeriod period) const;
  DayCounts& operator+=(const DayCounts& other);
  [[nodiscard]] static DayCounts From(const Counters& c);
  [[nodiscard]] Counters ToCounters() const;
};

// What a new report adds to the map's counters besides its place and time.
struct NewReportCount {
  std::string report_id;  // its record key is privacy::RecordKey(report_id)
  // The periods in which it counts towards k (PeriodBit; 0 when its reporter was not
  // established: ServerOptions::map_established_device_age). Stored with the report
  // (StoredReport.counted_periods).
  uint32_t counted_periods = 0;
  uint64_t reporter_key = 0;  // ReporterKey of its reporter
  bool incident_opened = false;  // the incident's record key is RecordKey(report_id) too
};

// What the public map's rule (privacy::Publish) reads of `sum`, a sum of counters over days
// within one period of kind `period` (any areas or heatmap cells): every map figure and every
// figure published elsewhere (the tussenstand) passes through this, so one set of records gets
// one published figure wherever it is shown.
[[nodiscard]] privacy::CellCounts CellCountsOf(const DayCounts& sum, v1::AggregationPeriod period);

// Where a stored report counts towards k (its NewReportCount's periods and reporter key).
[[nodiscard]] NewReportCount StoredReportCount(const internal::StoredReport& stored);

// Heatmap counters are kept per S2 cell of this level (about 150 m across); coarser levels
// are sums of their descendants at query time.
inline constexpr int kHeatmapCellLevel = 16;

// Where a stored report is counted: its area codes (gemeente, wijk, buurt, focus areas, as
// the report write passes them) and the S2 leaf cell of its location.
[[nodiscard]] std::vector<std::string> ReportAreaCodes(const v1::AreaRef& area);
[[nodiscard]] uint64_t ReportLeafCell(const v1::Report& report);

// Inside a report's WriteFn: one report (and one incident when it opened one) in every area
// it lies in, per area and per heatmap cell of `leaf_cell` (the report location's S2 cell).
void StageReportCounts(WriteContext& ctx, const std::vector<std::string>& area_codes, int theme,
                       absl::Time observed, uint64_t leaf_cell, const NewReportCount& report);

// Where an incident is counted: the areas, day and heatmap cell of the report that opened it,
// under the incident's current theme. Dispatch actions keep the incident counters right:
// inside their WriteFn, before the incident record is written,
//   CountIncident    counts a new incident (SplitReport) and records where in `stored`;
//   UncountIncident  removes an incident that stops existing (absorbed by MergeIncidents);
//   RecountIncident  moves the count to the incident's current theme when that changed
//                    (ReclassifyIncident, or a join/merge/split that changed the majority).
// Incidents written before counters were recorded (no counted_at) are left alone.
void CountIncident(WriteContext& ctx, internal::StoredIncident& stored, absl::Time observed,
                   uint64_t leaf_cell);
void UncountIncident(WriteContext& ctx, internal::StoredIncident& stored);
// Returns true when it moved the count.
bool RecountIncident(WriteContext& ctx, internal::StoredIncident& stored);
// Inside a purge's WriteFn: takes a stored report out of the counters StageReportCounts put
// it in (its report, record key and established-reporter count; the incident it may have
// opened is UncountIncident's).
void UncountReport(WriteContext& ctx, const internal::StoredReport& stored);
// Where `stored` is counted (empty when it is not): for the change-log event, so live map
// streams re-read those counts.
[[nodiscard]] internal::MapCountMoved CountLocation(const internal::StoredIncident& stored);
// Its day as a civil day.
[[nodiscard]] absl::CivilDay CountDay(const internal::MapCountMoved& where);
// Records where a just-opened incident was counted by StageReportCounts (no counter change).
void MarkIncidentCounted(internal::StoredIncident& stored, absl::Time observed,
                         uint64_t leaf_cell);

class AggregateStore {
 public:
  // Reads every count from RocksDB.
  explicit AggregateStore(const Engine* engine) : engine_(engine) {}
  // Keeps every counter of days on or after `memory_from` in memory as well: loaded now (on
  // the engine's writer thread, so no commit slips between the load and the first update)
  // and then updated with each group's committed increments (Engine::AddCounterListener)
  // before the group is acknowledged. Reads whose first day is on or after `memory_from`
  // never touch RocksDB; older ones read RocksDB, which stays the durable truth.
  // Errors: UNAVAILABLE / DATA_LOSS from the engine.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AggregateStore>> OpenWithMemory(
      Engine* engine, absl::CivilDay memory_from);
  AggregateStore(const AggregateStore&) = delete;
  AggregateStore& operator=(const AggregateStore&) = delete;

  using DayVisitor = std::function<void(absl::CivilDay day, const DayCounts& counts)>;
  // Every day in [first, end) with stored counts for `area_code` and `theme` (a
  // wijkwacht.v1.Theme value), in order.
  [[nodiscard]] absl::Status ForEachDay(absl::string_view area_code, int theme,
                                        absl::CivilDay first, absl::CivilDay end,
                                        const DayVisitor& visit) const;

  using CellDayVisitor =
      std::function<void(absl::CivilDay day, uint64_t heatmap_cell, const DayCounts& counts)>;
  // The same per kHeatmapCellLevel S2 cell: every (day, cell) in [first, end) with counts,
  // days in order.
  [[nodiscard]] absl::Status ForEachCellDay(absl::string_view area_code, int theme,
                                            absl::CivilDay first, absl::CivilDay end,
                                            const CellDayVisitor& visit) const;

  // Counters held in memory (0 without memory).
  [[nodiscard]] size_t CountersInMemory() const;
  // Compares the in-memory counters with RocksDB's for the days held in memory; returns one
  // line per difference, empty = the same. For tests and `verify` on a quiescent store.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> VerifyMemory() const;

 private:
  // The counters of days >= `from`, per series: the key's prefix (area code \0 theme byte;
  // the theme byte's high bit marks heatmap cells) -> the rest of the key (day BE32, then the
  // cell BE64 for heatmap counters) -> counts. A query reads one series, so it costs one hash
  // lookup and an ordered walk over short keys, not a descent through every counter of the
  // half year (a single ordered map of whole keys made string comparisons a fifth of a map
  // query's time).
  struct Memory {
    absl::CivilDay from;
    std::atomic<bool> loaded{false};  // set on the writer thread once the load is complete
    mutable std::shared_mutex mu;
    absl::flat_hash_map<std::string, absl::btree_map<std::string, Counters>> series;
    size_t size = 0;  // counters in all series
  };
  void Apply(const std::vector<CounterDelta>& deltas);
  // Adds `delta` under `key` (a whole aggregates key) in memory; mu held exclusively.
  void AddInMemory(absl::string_view key, const Counters& delta);
  // Visits the memory counters of series `prefix` whose rest of the key is >= `start_rest`, in
  // order, with that rest; stops when `visit` returns false.
  void ScanMemory(absl::string_view prefix, absl::string_view start_rest,
                  const std::function<bool(absl::string_view rest, const Counters&)>& visit)
      const;
  [[nodiscard]] bool InMemory(absl::CivilDay first) const {
    return memory_ != nullptr && memory_->loaded.load(std::memory_order_acquire) &&
           first >= memory_->from;
  }

  const Engine* const engine_;
  std::unique_ptr<Memory> memory_;
};

// Recomputes every counter from the stored data — reports from the report records (where,
// when, which theme and cell; the change log may be shorter than the reports' life), incidents from the incident records
// (where they are counted, under their current theme) — and compares them with the
// aggregates column family. Returns one line per difference ("area theme day:
// stored i/r, recomputed i/r"), at most `max_differences`; empty = consistent. Reads a
// quiescent store (stop the server, or accept differences from writes in flight).
[[nodiscard]] absl::StatusOr<std::vector<std::string>> VerifyAggregates(
    const Engine& engine, size_t max_differences = 100);

}  // namespace wijkwacht::storage
