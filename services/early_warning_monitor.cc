#include "services/early_warning_monitor.h"

#include <set>
#include <tuple>

#include "absl/container/btree_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "domain/catalog/theme.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kCursorKey[] = "early_warning_cursor";
const absl::CivilDay kEpochDay(1970, 1, 1);
// Days of counts read per test: baseline + guard + window, with room.
constexpr int kLookbackDays = 40;

std::string WarningPrefix(absl::string_view area, int theme) {
  std::string key(area);
  key.push_back('\0');
  if (theme != 0) key.push_back(static_cast<char>(theme));
  return key;
}

std::string WarningKey(absl::string_view area, int theme, int64_t day) {
  std::string key = WarningPrefix(area, theme);
  for (int shift = 24; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>(static_cast<uint32_t>(day) >> shift));
  }
  return key;
}

absl::Time EventTime(const internal::ChangeEvent& e) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(e.time()));
}

}  // namespace

absl::Status EarlyWarningMonitor::Start() {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> cursor,
                      parts_.engine->Get(storage::ColumnFamily::kMeta, kCursorKey));
  uint64_t after = 0;
  if (cursor && !absl::SimpleAtoi(*cursor, &after)) {
    return absl::DataLossError("meta early_warning_cursor is not a number");
  }
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
    // Caught up (or the log is unreadable for now): wait for the next change.
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    watch_ = parts_.feed->Watch(after, [this] { Schedule(); });
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
  absl::Status committed = parts_.engine->CommitAndWait([&](storage::WriteContext& ctx) {
    for (const v1::EarlyWarning& w : raised) {
      const int64_t day =
          storage::MapDay(absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(w.raise_time()))) -
          kEpochDay;
      const std::string key = WarningKey(w.area_code(), w.theme(), day);
      WW_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                          ctx.Get(storage::ColumnFamily::kEarlyWarnings, key));
      if (existing) continue;  // raised once per area x theme x day
      ctx.Put(storage::ColumnFamily::kEarlyWarnings, key, w.SerializeAsString());
      internal::ChangeEvent event;
      internal::EarlyWarningRaised& e = *event.mutable_early_warning_raised();
      e.set_name(w.name());
      e.set_area_code(w.area_code());
      e.set_theme(w.theme());
      e.set_day(static_cast<int32_t>(day));
      e.set_observed(w.observed_count());
      e.set_expected(w.expected_count());
      e.set_p_value(w.p_value());
      ctx.AppendChange(event);
    }
    ctx.Put(storage::ColumnFamily::kMeta, kCursorKey, absl::StrCat(last));
    return absl::OkStatus();
  });
  if (committed.ok()) examined_ = last;
  Schedule();
}

absl::StatusOr<EarlyWarningMonitor::Page> EarlyWarningMonitor::List(
    const storage::Engine& engine, absl::string_view area_code, int theme, int page_size,
    absl::string_view page_token) {
  Page page;
  std::string after;
  if (!page_token.empty() && !absl::WebSafeBase64Unescape(page_token, &after)) {
    return InvalidFieldError("page_token", "is not a token returned by ListEarlyWarnings");
  }
  const std::string prefix = area_code.empty() ? "" : WarningPrefix(area_code, theme);
  std::string last;
  bool more = false;
  WW_RETURN_IF_ERROR(engine.Scan(
      storage::ColumnFamily::kEarlyWarnings, after.empty() ? prefix : after, prefix,
      [&](absl::string_view key, absl::string_view value) {
        if (!after.empty() && key == after) return true;
        v1::EarlyWarning w;
        if (!w.ParseFromArray(value.data(), static_cast<int>(value.size()))) return true;
        if (theme != 0 && w.theme() != theme) return true;
        if (static_cast<int>(page.warnings.size()) == page_size) {
          more = true;
          return false;
        }
        page.warnings.push_back(std::move(w));
        last = std::string(key);
        return true;
      }));
  if (more) page.next_page_token = absl::WebSafeBase64Escape(last);
  return page;
}

}  // namespace wijkwacht::services
