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

absl::Time EventTime(const internal::ChangeEvent& e) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(e.time()));
}

}  // namespace

absl::Status EarlyWarningMonitor::Start() {
  WW_ASSIGN_OR_RETURN(const uint64_t after, parts_.warnings->Cursor());
  examined_ = after;
  // Counting began with the oldest retained change (or the observed day of the report it
  // stored, if earlier): days before it are unknown, not zero.
  WW_ASSIGN_OR_RETURN(std::vector<internal::ChangeEvent> first,
                      parts_.feed->Read(parts_.feed->FirstRetainedSequence(), 1));
  if (first.empty()) {
    history_start_day_ = -1;  // set by the first event Pump sees
  } else {
    absl::Time start = EventTime(first[0]);
    if (first[0].has_report_created()) {
      start = std::min(start, absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(
                                  first[0].report_created().observed_time())));
    }
    history_start_day_ = storage::MapDay(start) - kEpochDay;
  }
  Schedule();
  return absl::OkStatus();
}

void EarlyWarningMonitor::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  if (watch_ != 0) parts_.feed->Cancel(watch_);
  watch_ = 0;
}

void EarlyWarningMonitor::Schedule() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  parts_.workers->Schedule([this] { Pump(); });
}

void EarlyWarningMonitor::Pump() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
  }
  const uint64_t after = examined_.load();
  absl::StatusOr<std::vector<internal::ChangeEvent>> events = parts_.feed->Read(after, 512);
  if (!events.ok() || events->empty()) {
    // Caught up (or the log is unreadable for now): wait for the next change. Watch calls
    // back at once when the log moved on since the read, so it must not run under mu_ (the
    // callback takes it: a self-deadlock that stopped shutdown).
    const storage::ChangeFeed::WatchId id = parts_.feed->Watch(after, [this] { Schedule(); });
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) {
      parts_.feed->Cancel(id);
      return;
    }
    watch_ = id;
    return;
  }
  if (history_start_day_ < 0) {
    const internal::ChangeEvent& e = events->front();
    absl::Time start = EventTime(e);
    if (e.has_report_created()) {
      start = std::min(start, absl::FromUnixNanos(
                                  TimeUtil::TimestampToNanoseconds(e.report_created().observed_time())));
    }
    history_start_day_ = storage::MapDay(start) - kEpochDay;
  }
  // Series touched by newly opened incidents: (area, theme, day).
  std::set<std::tuple<std::string, int, int64_t>> touched;
  for (const internal::ChangeEvent& e : *events) {
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
  const uint64_t last = events->back().sequence();
  absl::Status committed = parts_.warnings->Record(raised, last);
  if (committed.ok()) examined_ = last;
  Schedule();
}

}  // namespace wijkwacht::services
