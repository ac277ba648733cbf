#include "domain/trend/rise_detector.h"

#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <random>
#include <vector>

#include "common/status.h"
#include "gtest/gtest.h"

namespace wijkwacht::trend {
namespace {

// Poisson sampler that gives the same numbers with every standard library: Knuth's product
// of uniforms, on pieces of at most 30 (a sum of Poisson variables is Poisson).
int64_t SamplePoisson(std::mt19937& rng, double lambda) {
  int64_t total = 0;
  while (lambda > 0) {
    const double piece = std::min(lambda, 30.0);
    lambda -= piece;
    const double limit = std::exp(-piece);
    double product = 1;
    int64_t k = -1;
    do {
      ++k;
      product *= (static_cast<double>(rng()) + 0.5) / 4294967296.0;
    } while (product > limit);
    total += k;
  }
  return total;
}

std::vector<int64_t> NoiseSeries(uint32_t seed, double rate, size_t days) {
  std::mt19937 rng(seed);
  std::vector<int64_t> counts(days);
  for (int64_t& c : counts) c = SamplePoisson(rng, rate);
  return counts;
}

TEST(SamplerTest, MeanAndVarianceMatchTheRate) {
  for (double rate : {0.5, 2.0, 45.0}) {
    const std::vector<int64_t> s = NoiseSeries(7, rate, 100'000);
    double sum = 0, sum2 = 0;
    for (int64_t c : s) {
      sum += c;
      sum2 += static_cast<double>(c) * c;
    }
    const double mean = sum / s.size();
    EXPECT_NEAR(mean, rate, 0.02 * rate) << rate;
    EXPECT_NEAR(sum2 / s.size() - mean * mean, rate, 0.05 * rate) << rate;
  }
}

TEST(RiseDetectorTest, FlagsASpikeOfTwelveOnABaselineOfTwoPerDay) {
  std::vector<int64_t> counts = NoiseSeries(42, 2.0, 60);
  absl::StatusOr<RiseResult> quiet = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  EXPECT_FALSE(quiet->triggered) << quiet->explanation;

  counts.back() = 12;
  absl::StatusOr<RiseResult> r = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->triggered) << r->explanation;
  EXPECT_EQ(r->verdict, RiseVerdict::kRise);
  EXPECT_EQ(r->observed, 12);
  EXPECT_EQ(r->baseline_days_used, 28);
  EXPECT_NEAR(r->expected, 2.0, 0.6);
  EXPECT_NEAR(r->ratio, 12 / r->expected, 1e-12);
  EXPECT_LT(r->p_value, 1e-4);
  EXPECT_DOUBLE_EQ(r->significance, 0.001);
  EXPECT_NE(r->explanation.find("Significante stijging: 12 incidenten in 1 dag"), std::string::npos)
      << r->explanation;
  std::cout << "spike: " << r->explanation << "\n";
}

// 1000 tested days of pure Poisson noise per rate. With alpha = 0.001 the ideal rate is at
// most 0.001 per day; estimating the baseline from 28 days inflates it somewhat at moderate
// rates. Bound: at most 4 false alarms in 1000 days per rate and at most 0.0015 per day over
// all rates together.
TEST(RiseDetectorTest, FalseAlarmRateOnNoiseIsBounded) {
  const RiseDetectorOptions options;
  const size_t warm_up = 31;  // baseline + guard + window
  const size_t tested_days = 1000;
  int total_alarms = 0;
  int total_days = 0;
  uint32_t seed = 1000;
  for (double rate : {0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0}) {
    const std::vector<int64_t> counts = NoiseSeries(++seed, rate, warm_up + tested_days);
    int alarms = 0;
    for (size_t day = warm_up; day < counts.size(); ++day) {
      absl::StatusOr<RiseResult> r = EvaluateDay(counts, day, options);
      ASSERT_TRUE(r.ok()) << r.status();
      ASSERT_NE(r->verdict, RiseVerdict::kNotEnoughHistory);
      if (r->triggered) ++alarms;
    }
    std::cout << "rate " << rate << "/day: " << alarms << " false alarms in " << tested_days
              << " days\n";
    EXPECT_LE(alarms, 4) << "rate " << rate;
    total_alarms += alarms;
    total_days += static_cast<int>(tested_days);
  }
  const double overall = static_cast<double>(total_alarms) / total_days;
  std::cout << "overall false-alarm rate: " << overall << " per day\n";
  EXPECT_LE(overall, 0.0015);
}

TEST(RiseDetectorTest, SingleEventOnAZeroBaselineIsBelowMinCount) {
  std::vector<int64_t> counts(60, 0);
  counts.back() = 1;
  absl::StatusOr<RiseResult> r = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->triggered);
  EXPECT_EQ(r->verdict, RiseVerdict::kBelowMinCount);
  EXPECT_EQ(r->baseline_rate, 0.0);
  EXPECT_DOUBLE_EQ(r->expected, 0.2);  // the min_baseline_rate floor
  EXPECT_NE(r->explanation.find("minder dan het minimum van 3"), std::string::npos)
      << r->explanation;
}

TEST(RiseDetectorTest, RateFloorDecidesOnAZeroBaseline) {
  std::vector<int64_t> counts(60, 0);
  counts.back() = 3;  // P(X >= 3 | 0.2) = 0.00115 > 0.001
  absl::StatusOr<RiseResult> three = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(three->verdict, RiseVerdict::kNoRise) << three->explanation;
  EXPECT_NEAR(three->p_value, 0.001148, 1e-6);

  counts.back() = 5;  // P(X >= 5 | 0.2) = 2.6e-6
  absl::StatusOr<RiseResult> five = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(five.ok()) << five.status();
  EXPECT_EQ(five->verdict, RiseVerdict::kRise) << five->explanation;
}

TEST(RiseDetectorTest, EmptyAndShortHistoriesAreNotEnoughHistory) {
  absl::StatusOr<RiseResult> empty = EvaluateLatestDay({}, {});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->verdict, RiseVerdict::kNotEnoughHistory);
  EXPECT_FALSE(empty->triggered);
  EXPECT_NE(empty->explanation.find("Te weinig historie"), std::string::npos);

  // min_baseline_days (14) + guard (2) + window (1) = 17 days are needed.
  std::vector<int64_t> counts(16, 1);
  counts.back() = 50;
  absl::StatusOr<RiseResult> short_history = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(short_history.ok()) << short_history.status();
  EXPECT_EQ(short_history->verdict, RiseVerdict::kNotEnoughHistory);
  EXPECT_FALSE(short_history->triggered);
  EXPECT_EQ(short_history->baseline_days_used, 0);
  EXPECT_NE(short_history->explanation.find("13 dagen basislijn, minimaal 14"), std::string::npos)
      << short_history->explanation;

  counts.insert(counts.begin(), 1);  // 17 days: tested on a 14-day baseline
  absl::StatusOr<RiseResult> just_enough = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(just_enough.ok()) << just_enough.status();
  EXPECT_EQ(just_enough->verdict, RiseVerdict::kRise);
  EXPECT_EQ(just_enough->baseline_days_used, 14);
  EXPECT_DOUBLE_EQ(just_enough->baseline_rate, 1.0);

  RiseDetectorOptions week;
  week.window_days = 7;
  week.min_baseline_days = 1;
  absl::StatusOr<RiseResult> window_too_long = EvaluateDay(counts, 5, week);
  ASSERT_TRUE(window_too_long.ok()) << window_too_long.status();
  EXPECT_EQ(window_too_long->verdict, RiseVerdict::kNotEnoughHistory);
  EXPECT_NE(window_too_long->explanation.find("venster van 7 dagen past niet in 6 dagen"),
            std::string::npos)
      << window_too_long->explanation;
}

TEST(RiseDetectorTest, GuardDaysStayOutOfTheBaseline) {
  // 28 baseline days of 2, then two guard days with a rise already under way.
  std::vector<int64_t> counts(28, 2);
  counts.push_back(40);
  counts.push_back(40);
  counts.push_back(10);
  absl::StatusOr<RiseResult> r = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->baseline_rate, 2.0);
  EXPECT_EQ(r->baseline_days_used, 28);
  EXPECT_TRUE(r->triggered) << r->explanation;

  // Older days than the baseline are not read either.
  counts.insert(counts.begin(), 1000);
  absl::StatusOr<RiseResult> longer = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(longer.ok()) << longer.status();
  EXPECT_DOUBLE_EQ(longer->baseline_rate, 2.0);
}

TEST(RiseDetectorTest, WeekWindowCatchesASustainedModerateRise) {
  // Baseline 2/day, then seven days of 5: no single day is significant (P(X >= 5 | 2) =
  // 0.053), but the week is (35 against 14).
  std::vector<int64_t> counts(40, 2);
  counts.insert(counts.end(), 7, 5);
  absl::StatusOr<RiseResult> day = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_FALSE(day->triggered);

  RiseDetectorOptions week;
  week.window_days = 7;
  absl::StatusOr<RiseResult> r = EvaluateLatestDay(counts, week);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->triggered) << r->explanation;
  EXPECT_EQ(r->observed, 35);
  EXPECT_DOUBLE_EQ(r->expected, 14.0);
  EXPECT_NE(r->explanation.find("in 7 dagen"), std::string::npos) << r->explanation;
}

TEST(RiseDetectorTest, BonferroniDivisorRaisesTheBar) {
  std::vector<int64_t> counts(40, 2);
  counts.back() = 9;  // P(X >= 9 | 2) = 2.4e-4
  absl::StatusOr<RiseResult> single = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_TRUE(single->triggered) << single->explanation;

  RiseDetectorOptions many;
  many.comparisons = 250;  // e.g. 50 areas x 5 themes
  absl::StatusOr<RiseResult> family = EvaluateLatestDay(counts, many);
  ASSERT_TRUE(family.ok()) << family.status();
  EXPECT_FALSE(family->triggered) << family->explanation;
  EXPECT_DOUBLE_EQ(family->significance, 0.001 / 250);
  EXPECT_DOUBLE_EQ(family->p_value, single->p_value);
}

TEST(RiseDetectorTest, MinRatioKeepsSmallRelativeRisesInBigSeriesQuiet) {
  std::vector<int64_t> counts(40, 100);
  counts.back() = 145;  // p ~ 1e-5, but only 1.45x
  absl::StatusOr<RiseResult> r = EvaluateLatestDay(counts, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_LT(r->p_value, 1e-4);
  EXPECT_EQ(r->verdict, RiseVerdict::kNoRise);

  RiseDetectorOptions no_ratio;
  no_ratio.min_ratio = 0;
  absl::StatusOr<RiseResult> significant = EvaluateLatestDay(counts, no_ratio);
  ASSERT_TRUE(significant.ok()) << significant.status();
  EXPECT_EQ(significant->verdict, RiseVerdict::kRise);
}

TEST(RiseDetectorTest, RejectsBadOptionsCountsAndDays) {
  const std::vector<int64_t> counts(40, 1);
  RiseDetectorOptions bad;
  bad.window_days = 0;
  bad.alpha = 1.5;
  absl::StatusOr<RiseResult> r = EvaluateLatestDay(counts, bad);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = GetFieldViolations(r.status());
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "options.window_days");
  EXPECT_EQ(violations[1].field, "options.alpha");

  RiseDetectorOptions no_floor;
  no_floor.min_baseline_rate = 0;
  EXPECT_EQ(EvaluateLatestDay(counts, no_floor).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Bad options are reported even when there is nothing to test.
  EXPECT_EQ(EvaluateLatestDay({}, bad).status().code(), absl::StatusCode::kInvalidArgument);

  std::vector<int64_t> negative = counts;
  negative[30] = -1;
  absl::StatusOr<RiseResult> n = EvaluateLatestDay(negative, {});
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(n.status()).at(0).field, "counts[30]");

  std::vector<int64_t> huge = counts;
  huge.back() = kMaxDailyCount + 1;
  EXPECT_EQ(EvaluateLatestDay(huge, {}).status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(EvaluateDay(counts, 40, {}).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(EvaluateDay({}, 0, {}).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(RiseDetectorTest, StreamingMatchesTheDenseSeries) {
  const int64_t start = 20'000;  // e.g. days since 1970-01-01
  std::vector<int64_t> dense = NoiseSeries(5, 1.0, 45);
  dense.back() = 9;
  absl::btree_map<int64_t, int64_t> by_day;
  for (size_t i = 0; i < dense.size(); ++i) {
    if (dense[i] != 0) by_day[start + static_cast<int64_t>(i)] = dense[i];  // sparse
  }
  absl::StatusOr<RiseResult> streamed = EvaluateNewestDay(by_day, start, {});
  absl::StatusOr<RiseResult> direct = EvaluateLatestDay(dense, {});
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_TRUE(streamed->triggered) << streamed->explanation;
  EXPECT_EQ(streamed->observed, direct->observed);
  EXPECT_DOUBLE_EQ(streamed->expected, direct->expected);
  EXPECT_DOUBLE_EQ(streamed->p_value, direct->p_value);
  EXPECT_EQ(streamed->explanation, direct->explanation);

  // Entries older than baseline + guard + window are not read.
  by_day[start] = 1000;
  absl::StatusOr<RiseResult> with_old = EvaluateNewestDay(by_day, start, {});
  ASSERT_TRUE(with_old.ok()) << with_old.status();
  EXPECT_DOUBLE_EQ(with_old->expected, direct->expected);

  // A quiet series: days without entries count as zero from history_start_day on.
  absl::btree_map<int64_t, int64_t> quiet = {{start + 59, 1}};
  absl::StatusOr<RiseResult> q = EvaluateNewestDay(quiet, start, {});
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->verdict, RiseVerdict::kBelowMinCount);
  EXPECT_EQ(q->baseline_days_used, 28);
  // ...but are unknown before it.
  absl::StatusOr<RiseResult> young = EvaluateNewestDay(quiet, start + 50, {});
  ASSERT_TRUE(young.ok()) << young.status();
  EXPECT_EQ(young->verdict, RiseVerdict::kNotEnoughHistory);
}

TEST(RiseDetectorTest, StreamingEdgeCases) {
  absl::StatusOr<RiseResult> empty = EvaluateNewestDay({}, 0, {});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->verdict, RiseVerdict::kNotEnoughHistory);

  absl::StatusOr<RiseResult> early = EvaluateNewestDay({{9, 1}, {30, 2}}, 10, {});
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(early.status()).at(0).field, "counts_by_day[9]");

  absl::StatusOr<RiseResult> negative = EvaluateNewestDay({{10, 1}, {30, -2}}, 0, {});
  EXPECT_EQ(GetFieldViolations(negative.status()).at(0).field, "counts_by_day[30]");

  // Extreme day indices do not overflow.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  absl::StatusOr<RiseResult> extreme = EvaluateNewestDay({{kMin, 1}, {kMax, 9}}, kMin, {});
  ASSERT_TRUE(extreme.ok()) << extreme.status();
  EXPECT_EQ(extreme->observed, 9);
  EXPECT_EQ(extreme->baseline_days_used, 28);
  absl::StatusOr<RiseResult> at_min = EvaluateNewestDay({{kMin, 9}}, kMin, {});
  ASSERT_TRUE(at_min.ok()) << at_min.status();
  EXPECT_EQ(at_min->verdict, RiseVerdict::kNotEnoughHistory);
}

TEST(RiseDetectorTest, VerdictNames) {
  EXPECT_STREQ(RiseVerdictName(RiseVerdict::kNotEnoughHistory), "not_enough_history");
  EXPECT_STREQ(RiseVerdictName(RiseVerdict::kBelowMinCount), "below_min_count");
  EXPECT_STREQ(RiseVerdictName(RiseVerdict::kNoRise), "no_rise");
  EXPECT_STREQ(RiseVerdictName(RiseVerdict::kRise), "rise");
}

}  // namespace
}  // namespace wijkwacht::trend
