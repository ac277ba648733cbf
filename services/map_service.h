// wijkwacht.v1.MapService over the gRPC callback API: the areas of the safety map and the
// incident and report counts per area x theme x period.
//
// GetAggregates reads the day counters kept by storage/AggregateStore (never reports) and
// sums them into the requested periods (civil days, ISO weeks starting Monday, months, half
// years, all in Europe/Amsterdam). Privacy: callers without a staff role (ANALYST,
// DISPATCHER, ADMIN), including anonymous ones, get every cell with a count (reports or
// incidents) in [1, k) withheld (counts 0, suppressed = true); staff see exact counts. Only
// cells with at least one report or incident are returned. For non-staff callers a start or
// end time inside a period is widened to the period's boundaries (whole periods only), so
// overlapping ranges cannot be differenced.
//
// Heatmap: with selection.s2_cell_level in [1, storage::kHeatmapCellLevel] every cell is
// also split per S2 cell of that level (AggregateCell.s2_cell holds its token), summed from
// the per-area heatmap counters. Non-staff callers get at most `public_max_cell_level`
// (finer requests are answered at that level); suppression applies per cell.
//
// StreamAggregates: first a snapshot (unless resuming), then coalesced updates (at most one
// per `stream_min_interval`) holding the changed cells with their new absolute values; every
// message carries a cursor to resume after it. It reads the change log at its own pace
// (services/log_stream.h), so a slow subscriber lags without holding memory or slowing
// ingestion; it catches up in coalesced batches.
//
// ImportIndicators takes the documented CSV (area_code,indicator,period,value,unit,source) or
// Beverwijk's veiligheidsindex export (domain/indicators); every bad row is reported with its
// line and column (field paths "csv.line[7].value") and a file with any bad row stores
// nothing. GetAggregates returns the selected areas' figures when include_indicators is set.
//
// GetProgressReport renders the council's half-year report (services/progress_data.h,
// domain/progress) as self-contained HTML with SVG charts, and as Markdown.
//
// Layers of the Actieplan cycle (services/map_layers.h): enforcement counts with
// selection.include_enforcement, under the same suppression.
//
// Early warnings (services/early_warning_monitor.h) are listed by ListEarlyWarnings and sent
// on the aggregate stream, to staff callers only, when they concern the selected areas and
// themes.
//
// Small counts (callers without a staff role): privacy/small_counts.h is the one rule —
// withheld below k (also when fewer than k reports come from established reporters),
// perturbed by the cell key otherwise, so overlapping public tables cannot be differenced.
// A theme may have a higher k or be left off the public map (Parts::theme_k).
//
// Public streams (callers without a staff role): updates at most once per
// `public_stream_interval` (batched), and cells that are withheld (count below k) are left
// out of updates, so no update announces a change inside a withheld cell; a stream without a
// token runs on `anonymous_workers` (as do GetAggregates and PollService.GetPollResults
// without a token: a public selection may read up to kMaxAggregateCells cells, and many such
// calls at once must not hold the workers the apps' and the desk's calls need) and may not
// resume from a cursor more than `anonymous_max_replay` changes behind (FAILED_PRECONDITION:
// start with a snapshot). Their
// cursors are sealed (Parts::public_cursors): they do not reveal the change log's position,
// so they cannot time-stamp single writes, and a cursor not issued to a public stream is
// refused (INVALID_ARGUMENT) whatever its position.
//
// Thread safety: one instance serves all calls concurrently.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/btree_set.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "domain/geo/area_index.h"
#include "domain/trend/rise_detector.h"
#include "services/method_table.h"
#include "services/public_cursor.h"
#include "services/stream_call.h"
#include "services/unary_call.h"
#include "storage/aggregate_store.h"
#include "storage/early_warning_store.h"
#include "storage/change_feed.h"
#include "storage/indicator_store.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::services {

// MapServiceImpl::Parts::theme_k: the theme is not on the public map at all.
inline constexpr int kHiddenTheme = -1;

// A validated aggregate selection.
struct AggregateQuery {
  std::vector<std::string> areas;
  std::vector<int> themes;
  absl::CivilDay first_day;
  absl::CivilDay end_day;  // exclusive
  v1::AggregationPeriod period = v1::DAY;
  int k = 0;  // counts below this are withheld (0 = exact); see privacy/small_counts.h
  // Themes with a higher threshold than `k` for this caller (non-staff only).
  std::map<int, int> theme_k;
  // The threshold of `theme` for this caller.
  [[nodiscard]] int KFor(int theme) const {
    auto it = theme_k.find(theme);
    return k > 0 && it != theme_k.end() ? std::max(k, it->second) : k;
  }
  int cell_level = 0;  // S2 level of heatmap cells; 0 = area totals
};
// The start of the period of `period` containing `day` (ISO weeks start Monday; half years
// on 1 January and 1 July).
[[nodiscard]] absl::CivilDay AggregatePeriodStart(absl::CivilDay day, v1::AggregationPeriod period);
// The first day after the period of `period` that starts on `start`.
[[nodiscard]] absl::CivilDay AggregatePeriodEnd(absl::CivilDay start, v1::AggregationPeriod period);
// The start of every period `query` selects, in order.
[[nodiscard]] std::vector<absl::CivilDay> SelectedPeriods(const AggregateQuery& query);

// A query may produce at most this many cells (area totals, heatmap cells, or enforcement
// counts); larger selections are refused with TooManyCellsError().
inline constexpr size_t kMaxAggregateCells = 100000;
[[nodiscard]] absl::Status TooManyCellsError();

struct MapLayers;  // services/map_layers.h

// (area code, theme, period start, S2 cell id at the query's cell level or 0).
using CellKey = std::tuple<std::string, int, absl::CivilDay, uint64_t>;
using CellSet = absl::btree_set<CellKey>;

class MapServiceImpl final {
 public:
  struct Parts {
    const geo::AreaIndex* areas = nullptr;
    const storage::AggregateStore* aggregates = nullptr;
    storage::IndicatorStore* indicators = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
    // Counts below this are withheld from non-staff callers (privacy/small_counts.h).
    // This and the other settings below: set by the server from ServerOptions, whose
    // defaults are the flags'.
    int suppression_k = 0;
    storage::ChangeFeed* feed = nullptr;
    // StreamAggregates sends at most one update per this interval to a subscriber.
    std::chrono::milliseconds stream_min_interval{0};
    Clock* clock = nullptr;  // nullptr = SystemClock()
    const storage::EarlyWarningStore* warnings = nullptr;  // ListEarlyWarnings reads it
    // The gemeente whose wijken the progress report covers.
    std::string report_gemeente_code;
    // Finest heatmap cell level served to non-staff callers (finer requests are coarsened).
    int public_max_cell_level = 0;
    // StreamAggregates for non-staff callers: at most one update per this interval.
    std::chrono::milliseconds public_stream_interval{0};
    // StreamAggregates and GetAggregates without a token run here (null: on `workers`).
    WorkerPool* anonymous_workers = nullptr;
    // A caller without a token may resume at most this many changes behind the newest
    // (0 = any cursor).
    uint64_t anonymous_max_replay = 0;
    // Per theme (wijkwacht.v1.Theme value): a higher threshold for non-staff callers, or
    // kHiddenTheme to leave the theme off the public map entirely.
    std::map<int, int> theme_k;
    // The Actieplan layers (enforcement counts); null: none.
    const MapLayers* layers = nullptr;
    // The early-warning monitor's detector: the publication's warnings use its windows.
    trend::RiseDetectorOptions early_warning;
    // Seals the cursors of streams of callers without a staff role (services/public_cursor.h);
    // null: those get plain cursors too.
    const PublicCursors* public_cursors = nullptr;
  };
  explicit MapServiceImpl(Parts parts) : parts_(parts) {}

  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);

  grpc::ServerWriteReactor<grpc::ByteBuffer>* StreamAggregates(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request);

  void Areas(const Caller& caller, const v1::ListAreasRequest& request,
             v1::ListAreasResponse* response, UnaryDone done);
  void Aggregates(const Caller& caller, const v1::GetAggregatesRequest& request,
                  v1::GetAggregatesResponse* response, UnaryDone done);
  void Import(const Caller& caller, const v1::ImportIndicatorsRequest& request,
              v1::ImportIndicatorsResponse* response, UnaryDone done);
  void Warnings(const Caller& caller, const v1::ListEarlyWarningsRequest& request,
                v1::ListEarlyWarningsResponse* response, UnaryDone done);
  void Progress(const Caller& caller, const v1::GetProgressReportRequest& request,
                v1::ProgressReport* response, UnaryDone done);

 private:
  [[nodiscard]] absl::StatusOr<AggregateQuery> ParseSelection(
      const Caller& caller, const v1::AggregateSelection& selection) const;
  // The cells of `query` (only those in `only`, when given) with their current counts.
  [[nodiscard]] absl::Status ReadCells(
      const AggregateQuery& query, const CellSet* only,
      google::protobuf::RepeatedPtrField<v1::AggregateCell>* out) const;

  // `anonymous_workers` for a caller without a token, else `workers`.
  [[nodiscard]] WorkerPool* WorkersFor(const Caller& caller) const;

  Parts parts_;
};

}  // namespace wijkwacht::services
