#include "services/early_warning_monitor.h"

#include <set>
#include <tuple>

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "domain/catalog/theme.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

const absl::CivilDay kEpochDay(1970, 1, 1);
// Days of counts read per test: baseline + guard + window, with room.
constexpr int kLookbackDays = 40;
constexpr size_t kEventsPerRead = 512;

absl::Time EventTime(const internal::ChangeEvent& e) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(e.time()));
}

}  // namespace

EarlyWarningMonitor::EarlyWarningMonitor(Parts parts)
    : parts_(std::move(parts)),
      follower_(parts_.feed, parts_.workers, kEventsPerRead,
                [this](const std::vector<internal::ChangeEvent>& events) {
                  return Examine(events);
                }) {}

absl::Status EarlyWarningMonitor::Start() {
  WW_ASSIGN_OR_RETURN(const uint64_t after, parts_.warnings->Cursor());
  // Counting began with the oldest retained change (or the observed day of the report it
  // stored, if earlier): days before it are unknown, not zero.
  WW_ASSIGN_OR_RETURN(std::vector<internal::ChangeEvent> first,
                      parts_.feed->Read(parts_.feed->FirstRetainedSequence(), 1));
  if (first.empty()) {
    history_start_day_ = -1;  // set by the first event examined
  } else {
    absl::Time start = EventTime(first[0]);
    if (first[0].has_report_created()) {
      start = std::min(start, absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(
                                  first[0].report_created().observed_time())));
    }
    history_start_day_ = storage::MapDay(start) - kEpochDay;
  }
  follower_.Start(after);
  return absl::OkStatus();
}

void EarlyWarningMonitor::Stop() { follower_.Stop(); }

absl::Status EarlyWarningMonitor::Examine(const std::vector<internal::ChangeEvent>& events) {
  if (history_start_day_ < 0) {
    const internal::ChangeEvent& e = events.front();
    absl::Time start = EventTime(e);
    if (e.has_report_created()) {
      start = std::min(start, absl::FromUnixNanos(
                                  TimeUtil::TimestampToNanoseconds(e.report_created().observed_time())));
    }
    history_start_day_ = storage::MapDay(start) - kEpochDay;
  }
  // Series touched by newly opened incidents: (area, theme, day).
  std::set<std::tuple<std::string, int, int64_t>> touched;
  for (const internal::ChangeEvent& e : events) {
    if (!e.has_report_created() || !e.report_created().incident_opened()) continue;
    const internal::ReportCreated& r = e.report_created();
    const int64_t day =
        storage::MapDay(absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(r.observed_time()))) -
        kEpochDay;
    for (const std::string& area : r.area_codes()) touched.insert({area, r.theme(), day});
  }
  std::vector<v1::EarlyWarning> raised;
  for (const auto& [area, theme, day] : touched) {
    absl::btree_map<int64_t, int64_t> counts;
    counts[day] = 0;
    absl::Status read = parts_.aggregates->ForEachDay(
        area, theme, kEpochDay + (day - kLookbackDays), kEpochDay + (day + 1),
        [&](absl::CivilDay d, const storage::DayCounts& c) { counts[d - kEpochDay] = c.incidents; });
    if (!read.ok()) break;
    absl::StatusOr<trend::RiseResult> result =
        trend::EvaluateNewestDay(counts, history_start_day_, parts_.detector);
    if (!result.ok() || !result->triggered) continue;
    v1::EarlyWarning& w = raised.emplace_back();
    const absl::CivilDay civil = kEpochDay + day;
    w.set_name(absl::StrFormat("earlyWarnings/%s-%d-%04d%02d%02d", area, theme, civil.year(),
                               civil.month(), civil.day()));
    w.set_area_code(area);
    w.set_theme(static_cast<v1::Theme>(theme));
    *w.mutable_raise_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(
        absl::FromCivil(civil, storage::MapTimeZone())));
    w.set_observed_count(result->observed);
    w.set_expected_count(result->expected);
    w.set_p_value(result->p_value);
  }
  return parts_.warnings->Record(raised, events.back().sequence());
}

}  // namespace wijkwacht::services
