// Early warning of a significant rise of incidents in one area x theme.
//
// Input is a daily count series (oldest first) and the day to test. The detector is a
// one-sided Poisson test against a trailing baseline, in the style of the CDC EARS and
// SaTScan-type prospective surveillance tests:
//
//   days:      ... [ baseline: baseline_days ] [ guard: guard_days ] [ window: window_days ]
//                                                                     ^ ends on the tested day
//   observed = sum of the counts in the window
//   rate     = mean count per day over the baseline (at least min_baseline_days of history)
//   expected = max(rate, min_baseline_rate) * window_days
//   p_value  = P(X >= observed) for X ~ Poisson(expected)
//   rise     <=> observed >= min_count  and  observed / expected >= min_ratio
//                and  p_value <= alpha / comparisons
//
// The guard gap keeps the first days of a rise out of its own baseline. The rate floor stops
// a near-silent history from making every small count significant; min_count does the same
// for single events (one incident after months of none is not a warning). `comparisons` is a
// Bonferroni divisor for callers who test many series per day and want a family-wise alpha.
//
// Assumptions and limits: counts are independent Poisson around a locally constant rate. No
// weekday or seasonal adjustment (a 28-day baseline weighs every weekday equally, but a busy
// weekday is tested against the all-week mean, so over-dispersed series alarm more often than
// alpha). At most kMaxDailyCount incidents per day.
//
// Measured false-alarm rate with the defaults on simulated Poisson noise (400k days per rate):
// window_days = 1: 0.0009 per day or less at rates 0.05-100/day (0 below 0.2/day, where
// min_count and the rate floor dominate). window_days = 7: up to 0.003 per day at 0.5-5/day,
// because the 28-day mean is itself noisy relative to a week's sum; lower alpha for weeks.
//
// Errors: INVALID_ARGUMENT with field paths "options.<name>" for bad options and
// "counts[<i>]" / "counts_by_day[<day>]" for a negative or too large count or a day before
// history_start_day; OUT_OF_RANGE when the tested day is not in the series. Too little
// history is not an error: it is a result with verdict kNotEnoughHistory.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"

namespace wijkwacht::trend {

inline constexpr int64_t kMaxDailyCount = 1'000'000'000;

struct RiseDetectorOptions {
  // Days of trailing history whose mean is the baseline rate (28 = four whole weeks).
  int baseline_days = 28;
  // Fewer baseline days than this (a young series) gives kNotEnoughHistory.
  int min_baseline_days = 14;
  // Days between the baseline and the window that belong to neither.
  int guard_days = 2;
  // Days summed into `observed`, ending with the tested day (1 = the tested day alone).
  int window_days = 1;
  // Significance level of one test, before the Bonferroni division.
  double alpha = 0.001;
  // Number of tests the caller runs together (e.g. areas x themes); alpha is divided by it.
  int comparisons = 1;
  // A window with fewer incidents than this never raises a warning.
  int64_t min_count = 3;
  // Lower bound on the baseline rate per day used for `expected`.
  double min_baseline_rate = 0.2;
  // observed / expected must reach this (keeps tiny relative rises in big series quiet).
  double min_ratio = 1.5;
};

enum class RiseVerdict {
  kNotEnoughHistory,  // fewer than min_baseline_days of baseline, or the window does not fit
  kBelowMinCount,     // observed < min_count
  kNoRise,            // tested, not significant (or below min_ratio)
  kRise,              // significant rise: raise an early warning
};

struct RiseResult {
  RiseVerdict verdict = RiseVerdict::kNotEnoughHistory;
  bool triggered = false;      // verdict == kRise
  int64_t observed = 0;        // incidents in the window (0 with kNotEnoughHistory)
  double expected = 0;         // incidents expected in the window (0 with kNotEnoughHistory)
  double baseline_rate = 0;    // measured mean per day, before the min_baseline_rate floor
  int baseline_days_used = 0;  // history days the mean is over
  double p_value = 1;          // P(X >= observed | expected); 1 when not tested
  double ratio = 0;            // observed / expected; 0 when not tested
  double significance = 0;     // alpha / comparisons, the bound p_value is compared with
  std::string explanation;     // one Dutch sentence for the analyst
};

// Tests day `day` (0-based index into `counts`, counts oldest first). Reads only the window
// and baseline days. OUT_OF_RANGE when day >= counts.size().
[[nodiscard]] absl::StatusOr<RiseResult> EvaluateDay(std::span<const int64_t> counts, size_t day,
                                                     const RiseDetectorOptions& options);

// Tests the last day of `counts`; an empty series gives kNotEnoughHistory.
[[nodiscard]] absl::StatusOr<RiseResult> EvaluateLatestDay(std::span<const int64_t> counts,
                                                           const RiseDetectorOptions& options);

// Streaming form: counts keyed by day index (e.g. days since 1970-01-01), where a day without
// an entry had zero incidents if it is on or after `history_start_day` (when counting began)
// and is unknown before. Tests the newest day (the largest key); callers who want today's
// verdict on a quiet day insert today with count 0. Only the last baseline + guard + window
// days are read, so callers may drop older entries. An empty map gives kNotEnoughHistory.
[[nodiscard]] absl::StatusOr<RiseResult> EvaluateNewestDay(
    const absl::btree_map<int64_t, int64_t>& counts_by_day, int64_t history_start_day,
    const RiseDetectorOptions& options);

// "not_enough_history", "below_min_count", "no_rise", "rise".
[[nodiscard]] const char* RiseVerdictName(RiseVerdict verdict);

}  // namespace wijkwacht::trend
