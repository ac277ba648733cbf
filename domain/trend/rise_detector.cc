#include "domain/trend/rise_detector.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "domain/trend/poisson_tail.h"

namespace wijkwacht::trend {
namespace {

// Upper bounds that keep every index and sum far from overflow.
constexpr int kMaxBaselineDays = 3660;
constexpr int kMaxGuardDays = 366;
constexpr int kMaxWindowDays = 366;

absl::Status ValidateOptions(const RiseDetectorOptions& o) {
  std::vector<FieldViolation> v;
  if (o.baseline_days < 1 || o.baseline_days > kMaxBaselineDays) {
    v.push_back({"options.baseline_days", absl::StrCat("must be in [1, ", kMaxBaselineDays, "]")});
  }
  if (o.min_baseline_days < 1 || o.min_baseline_days > o.baseline_days) {
    v.push_back({"options.min_baseline_days", "must be in [1, baseline_days]"});
  }
  if (o.guard_days < 0 || o.guard_days > kMaxGuardDays) {
    v.push_back({"options.guard_days", absl::StrCat("must be in [0, ", kMaxGuardDays, "]")});
  }
  if (o.window_days < 1 || o.window_days > kMaxWindowDays) {
    v.push_back({"options.window_days", absl::StrCat("must be in [1, ", kMaxWindowDays, "]")});
  }
  if (!(o.alpha > 0 && o.alpha < 1)) v.push_back({"options.alpha", "must be in (0, 1)"});
  if (o.comparisons < 1) v.push_back({"options.comparisons", "must be at least 1"});
  if (o.min_count < 0) v.push_back({"options.min_count", "must not be negative"});
  if (!(o.min_baseline_rate > 0 && std::isfinite(o.min_baseline_rate))) {
    v.push_back({"options.min_baseline_rate", "must be a positive finite number"});
  }
  if (!(o.min_ratio >= 0 && std::isfinite(o.min_ratio))) {
    v.push_back({"options.min_ratio", "must be a non-negative finite number"});
  }
  if (v.empty()) return absl::OkStatus();
  return InvalidFieldsError(std::move(v));
}

absl::Status CheckCount(int64_t count, absl::string_view field) {
  if (count < 0) return InvalidFieldError(field, absl::StrCat("is negative (", count, ")"));
  if (count > kMaxDailyCount) {
    return InvalidFieldError(field, absl::StrCat("is ", count, ", above the limit of ",
                                                 kMaxDailyCount, " incidents per day"));
  }
  return absl::OkStatus();
}

// Sum of counts[begin, end), each checked.
absl::StatusOr<int64_t> CheckedSum(std::span<const int64_t> counts, size_t begin, size_t end) {
  int64_t sum = 0;
  for (size_t i = begin; i < end; ++i) {
    WW_RETURN_IF_ERROR(CheckCount(counts[i], absl::StrCat("counts[", i, "]")));
    sum += counts[i];
  }
  return sum;
}

std::string Incidents(int64_t n) { return absl::StrCat(n, n == 1 ? " incident" : " incidenten"); }

std::string Days(int n) { return absl::StrCat(n, n == 1 ? " dag" : " dagen"); }

RiseResult NotEnoughHistory(std::string explanation, double significance) {
  RiseResult result;
  result.verdict = RiseVerdict::kNotEnoughHistory;
  result.significance = significance;
  result.explanation = std::move(explanation);
  return result;
}

}  // namespace

const char* RiseVerdictName(RiseVerdict verdict) {
  switch (verdict) {
    case RiseVerdict::kNotEnoughHistory:
      return "not_enough_history";
    case RiseVerdict::kBelowMinCount:
      return "below_min_count";
    case RiseVerdict::kNoRise:
      return "no_rise";
    case RiseVerdict::kRise:
      return "rise";
  }
  return "unknown";
}

absl::StatusOr<RiseResult> EvaluateDay(std::span<const int64_t> counts, size_t day,
                                       const RiseDetectorOptions& options) {
  WW_RETURN_IF_ERROR(ValidateOptions(options));
  if (day >= counts.size()) {
    return absl::OutOfRangeError(
        absl::StrCat("day ", day, " is not in a series of ", counts.size(), " days"));
  }
  const double significance = options.alpha / options.comparisons;
  const size_t window = static_cast<size_t>(options.window_days);
  if (day + 1 < window) {
    return NotEnoughHistory(
        absl::StrCat("Te weinig historie: het venster van ", Days(options.window_days),
                     " past niet in ", Days(static_cast<int>(day + 1)), " gegevens."),
        significance);
  }
  const size_t window_begin = day + 1 - window;
  // The baseline ends (exclusive) guard_days before the window and may be cut off by the
  // start of the series.
  const size_t guard = static_cast<size_t>(options.guard_days);
  const size_t baseline_end = window_begin >= guard ? window_begin - guard : 0;
  const size_t baseline_begin =
      baseline_end - std::min(baseline_end, static_cast<size_t>(options.baseline_days));
  const int baseline_days = static_cast<int>(baseline_end - baseline_begin);
  if (baseline_days < options.min_baseline_days) {
    return NotEnoughHistory(
        absl::StrCat("Te weinig historie: ", Days(baseline_days), " basislijn, minimaal ",
                     options.min_baseline_days, " nodig."),
        significance);
  }

  WW_ASSIGN_OR_RETURN(const int64_t observed, CheckedSum(counts, window_begin, day + 1));
  WW_ASSIGN_OR_RETURN(const int64_t baseline_total,
                      CheckedSum(counts, baseline_begin, baseline_end));

  RiseResult result;
  result.observed = observed;
  result.baseline_days_used = baseline_days;
  result.baseline_rate = static_cast<double>(baseline_total) / baseline_days;
  result.expected = std::max(result.baseline_rate, options.min_baseline_rate) * options.window_days;
  result.p_value = PoissonUpperTail(observed, result.expected);
  result.ratio = static_cast<double>(observed) / result.expected;
  result.significance = significance;

  const std::string figures =
      absl::StrFormat("%s in %s, verwacht %.1f (%.1fx, p = %.2g", Incidents(observed),
                      Days(options.window_days), result.expected, result.ratio, result.p_value);
  if (observed < options.min_count) {
    result.verdict = RiseVerdict::kBelowMinCount;
    result.explanation = absl::StrCat("Geen signaal: ", figures, "); minder dan het minimum van ",
                                      options.min_count, ".");
  } else if (result.p_value <= significance && result.ratio >= options.min_ratio) {
    result.verdict = RiseVerdict::kRise;
    result.triggered = true;
    result.explanation =
        absl::StrFormat("Significante stijging: %s <= %.2g).", figures, significance);
  } else {
    result.verdict = RiseVerdict::kNoRise;
    result.explanation = absl::StrCat("Geen significante stijging: ", figures, ").");
  }
  return result;
}

absl::StatusOr<RiseResult> EvaluateLatestDay(std::span<const int64_t> counts,
                                             const RiseDetectorOptions& options) {
  if (counts.empty()) {
    WW_RETURN_IF_ERROR(ValidateOptions(options));
    return NotEnoughHistory("Te weinig historie: nog geen dagen met gegevens.",
                            options.alpha / options.comparisons);
  }
  return EvaluateDay(counts, counts.size() - 1, options);
}

absl::StatusOr<RiseResult> EvaluateNewestDay(const absl::btree_map<int64_t, int64_t>& counts_by_day,
                                             int64_t history_start_day,
                                             const RiseDetectorOptions& options) {
  WW_RETURN_IF_ERROR(ValidateOptions(options));
  if (counts_by_day.empty()) return EvaluateLatestDay({}, options);
  if (const int64_t first = counts_by_day.begin()->first; first < history_start_day) {
    return InvalidFieldError(absl::StrCat("counts_by_day[", first, "]"),
                             absl::StrCat("is before history_start_day ", history_start_day));
  }
  // Dense copy of the days the test reads: at most baseline + guard + window days.
  const int64_t newest = counts_by_day.rbegin()->first;
  const int64_t span = int64_t{options.baseline_days} + options.guard_days + options.window_days;
  // newest >= history_start_day, so their distance fits in uint64_t for any keys.
  const uint64_t distance =
      static_cast<uint64_t>(newest) - static_cast<uint64_t>(history_start_day);
  const int64_t first_day =
      distance < static_cast<uint64_t>(span) ? history_start_day : newest - (span - 1);
  std::vector<int64_t> dense(static_cast<size_t>(newest - first_day + 1), 0);
  for (auto it = counts_by_day.lower_bound(first_day); it != counts_by_day.end(); ++it) {
    WW_RETURN_IF_ERROR(CheckCount(it->second, absl::StrCat("counts_by_day[", it->first, "]")));
    dense[static_cast<size_t>(it->first - first_day)] = it->second;
  }
  return EvaluateDay(dense, dense.size() - 1, options);
}

}  // namespace wijkwacht::trend
