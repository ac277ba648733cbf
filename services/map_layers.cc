#include "services/map_layers.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/status.h"
#include "privacy/small_counts.h"
#include "google/protobuf/util/time_util.h"
#include "services/action_plan_service.h"
#include "services/poll_service.h"
#include "storage/aggregate_store.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

absl::Status AddEnforcement(const storage::EnforcementStore& store, const AggregateQuery& q,
                            v1::GetAggregatesResponse* response) {
  // (area, theme, period start, type) -> counts, published by the map's one small-count rule
  // (privacy/small_counts.h): records are staff-entered, so every action is established.
  std::map<std::tuple<std::string, int, absl::CivilDay, int>, privacy::CellCounts> sums;
  WW_RETURN_IF_ERROR(store.ForEachInDays(
      q.first_day, q.end_day, [&](const v1::EnforcementRecord& r) {
        if (std::find(q.themes.begin(), q.themes.end(), r.theme()) == q.themes.end()) return true;
        const absl::CivilDay day = storage::MapDay(
            absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(r.action_time())));
        for (const std::string& area : q.areas) {
          if (!AreaRefContains(r.area(), area)) continue;
          AddEnforcementCount(
              r, &sums[{area, r.theme(), AggregatePeriodStart(day, q.period), r.type()}]);
        }
        return true;
      }));
  if (q.k > 0) {
    // A public caller gets every area, theme, period and action type of the selection, the
    // empty ones withheld like the ones below k: a withheld count listed only where there
    // was some enforcement would tell "1 to k-1", and a missing one "none".
    const std::vector<absl::CivilDay> periods = SelectedPeriods(q);
    const size_t types = v1::EnforcementActionType_MAX;  // 1.. are the action types
    if (q.areas.size() * q.themes.size() * periods.size() * types > kMaxAggregateCells) {
      return TooManyCellsError();
    }
    for (const std::string& area : q.areas) {
      for (int theme : q.themes) {
        for (absl::CivilDay p : periods) {
          for (int type = 1; type <= v1::EnforcementActionType_MAX; ++type) {
            if (v1::EnforcementActionType_IsValid(type)) sums.try_emplace({area, theme, p, type});
          }
        }
      }
    }
  }
  for (const auto& [key, counts] : sums) {
    if (counts.reports <= 0 && q.k <= 0) continue;  // staff: the actions there were
    v1::EnforcementCount& out = *response->add_enforcement();
    out.set_area_code(std::get<0>(key));
    out.set_theme(static_cast<v1::Theme>(std::get<1>(key)));
    *out.mutable_period_start() = TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(absl::FromCivil(std::get<2>(key), storage::MapTimeZone())));
    out.set_type(static_cast<v1::EnforcementActionType>(std::get<3>(key)));
    const privacy::PublishedCounts shown = PublishEnforcement(counts, q.KFor(std::get<1>(key)));
    if (shown.withheld) {
      out.set_suppressed(true);
    } else {
      out.set_count(shown.reports);
    }
  }
  return absl::OkStatus();
}

absl::Status AddPollResults(const MapLayers& layers, const AggregateQuery& q,
                            v1::GetAggregatesResponse* response) {
  WW_ASSIGN_OR_RETURN(std::vector<v1::Poll> polls, layers.polls->List());
  std::reverse(polls.begin(), polls.end());  // oldest first
  for (const v1::Poll& poll : polls) {
    const absl::CivilDay closed = storage::MapDay(
        absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(poll.close_time())));
    if (closed < q.first_day || closed >= q.end_day) continue;
    // A public caller gets every selected area, as GetPollResults does (poll_service.h).
    WW_ASSIGN_OR_RETURN(std::vector<v1::PollAreaResult> results,
                        PollAreaResults(*layers.polls, *layers.areas, poll, q.areas, nullptr,
                                        /*every_area=*/q.k > 0));
    for (v1::PollAreaResult& r : results) *response->add_poll_results() = std::move(r);
  }
  return absl::OkStatus();
}

}  // namespace

void AddEnforcementCount(const v1::EnforcementRecord& record, privacy::CellCounts* counts) {
  counts->reports += record.count();
  counts->report_keys += privacy::RecordKey(record.name());
}

privacy::PublishedCounts PublishEnforcement(const privacy::CellCounts& counts, int k) {
  if (k > 0 && counts.reports <= 0) return {.withheld = true};
  return privacy::Publish(counts, k);
}

absl::Status AddMapLayers(const MapLayers& layers, const AggregateQuery& query,
                          const v1::AggregateSelection& selection,
                          v1::GetAggregatesResponse* response) {
  if (selection.include_enforcement()) {
    if (layers.enforcement == nullptr) {
      return absl::FailedPreconditionError("this server keeps no enforcement records");
    }
    WW_RETURN_IF_ERROR(AddEnforcement(*layers.enforcement, query, response));
  }
  if (selection.include_poll_results()) {
    if (layers.polls == nullptr || layers.areas == nullptr) {
      return absl::FailedPreconditionError("this server keeps no polls");
    }
    WW_RETURN_IF_ERROR(AddPollResults(layers, query, response));
  }
  return absl::OkStatus();
}

}  // namespace wijkwacht::services
