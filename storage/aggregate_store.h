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
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::storage {

// Europe/Amsterdam (UTC if the system has no time zone data).
[[nodiscard]] const absl::TimeZone& MapTimeZone();
// The civil day of `t` in MapTimeZone().
[[nodiscard]] absl::CivilDay MapDay(absl::Time t);

// The counters of one area x theme x day (or heatmap cell), as the fields of the aggregates
// family's Counters (engine.h): 0 incidents, 1 reports, 2 and 3 the sums (mod 2^64) of the
// counted incidents' and reports' record keys (privacy::RecordKey, the public map's cell
// key), 4 reports from established reporters (see NewReportCount). Sums of days and cells add
// field by field.
struct DayCounts {
  int64_t incidents = 0;
  int64_t reports = 0;
  uint64_t incident_keys = 0;
  uint64_t report_keys = 0;
  int64_t established_reports = 0;

  DayCounts& operator+=(const DayCounts& other);
  [[nodiscard]] static DayCounts From(const Counters& c);
  [[nodiscard]] Counters ToCounters() const;
};

// What a new report adds to the map's counters besides its place and time.
struct NewReportCount {
  std::string report_id;  // its record key is privacy::RecordKey(report_id)
  // Whether it counts towards k on the public map: sent by a device that was at least the
  // minimum age (ServerOptions::map_min_device_age) when it sent it, by staff, or with
  // authentication off. Stored with the report (StoredReport.established_reporter).
  bool established_reporter = true;
  bool incident_opened = false;  // the incident's record key is RecordKey(report_id) too
};

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
  // Counter key -> counts, for days >= memory_from_.
  struct Memory {
    absl::CivilDay from;
    std::atomic<bool> loaded{false};  // set on the writer thread once the load is complete
    mutable std::shared_mutex mu;
    absl::btree_map<std::string, Counters> counters;
  };
  void Apply(const std::vector<CounterDelta>& deltas);
  // Visits memory counters in [start, ...) while `key` starts with `prefix`.
  void ScanMemory(absl::string_view start, absl::string_view prefix,
                  const std::function<bool(absl::string_view key, const Counters&)>& visit)
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
