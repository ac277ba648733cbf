#include "domain/trend/poisson_tail.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace wijkwacht::trend {
namespace {

// Reference P(X >= k): the masses k, k+1, ... summed in long double, each from std::lgammal
// (independent of the code under test; the test is single-threaded, so lgammal is fine).
double ReferenceUpperTail(int64_t k, double lambda) {
  const long double l = lambda;
  const int64_t last = std::max<int64_t>(k, static_cast<int64_t>(lambda)) +
                       static_cast<int64_t>(60 * std::sqrt(lambda + 1)) + 200;
  long double sum = 0;
  for (int64_t j = k; j <= last; ++j) {
    const long double jl = static_cast<long double>(j);
    sum += std::exp(-l + jl * std::log(l) - std::lgamma(jl + 1));
  }
  return static_cast<double>(sum);
}

TEST(PoissonTailTest, ClosedForms) {
  for (double lambda : {0.001, 0.2, 1.0, 2.0, 7.5, 40.0}) {
    EXPECT_NEAR(PoissonUpperTail(1, lambda), -std::expm1(-lambda), 1e-15) << lambda;
  }
  // P(X >= 3 | 2) = 1 - e^-2 (1 + 2 + 2).
  EXPECT_NEAR(PoissonUpperTail(3, 2.0), 1 - 5 * std::exp(-2.0), 1e-15);
  // P(X >= 2 | 0.2) = 1 - e^-0.2 (1 + 0.2).
  EXPECT_NEAR(PoissonUpperTail(2, 0.2), 1 - 1.2 * std::exp(-0.2), 1e-15);
}

TEST(PoissonTailTest, EdgeCases) {
  EXPECT_EQ(PoissonUpperTail(0, 3.0), 1.0);
  EXPECT_EQ(PoissonUpperTail(-5, 3.0), 1.0);
  EXPECT_EQ(PoissonUpperTail(1, 0.0), 0.0);
  EXPECT_EQ(PoissonUpperTail(0, 0.0), 1.0);
  EXPECT_EQ(PoissonUpperTail(5, std::numeric_limits<double>::infinity()), 1.0);
  EXPECT_TRUE(std::isnan(PoissonUpperTail(5, -1.0)));
  EXPECT_TRUE(std::isnan(PoissonUpperTail(5, std::numeric_limits<double>::quiet_NaN())));
  // Far beyond double range: underflows to exactly 0, not NaN.
  EXPECT_EQ(PoissonUpperTail(1000, 1.0), 0.0);
  EXPECT_EQ(PoissonUpperTail(1'000'000'000, 10.0), 0.0);
  // Far below the mean: 1.
  EXPECT_EQ(PoissonUpperTail(10, 1e6), 1.0);
}

TEST(PoissonTailTest, MatchesReferenceOnAGrid) {
  for (int64_t k : {1, 2, 3, 5, 9, 12, 30, 31, 32, 33, 50, 100, 1000, 10000}) {
    for (double lambda : {0.01, 0.2, 0.5, 1.0, 2.0, 9.5, 10.0, 10.5, 30.0, 31.5, 32.0, 99.0, 100.0,
                          101.0, 999.0, 1000.0, 1050.0, 10000.0}) {
      const double expected = ReferenceUpperTail(k, lambda);
      if (expected < 1e-300) continue;  // reference underflows too
      const double actual = PoissonUpperTail(k, lambda);
      EXPECT_NEAR(actual / expected, 1.0, 1e-11)
          << "k=" << k << " lambda=" << lambda << " expected=" << expected;
    }
  }
}

TEST(PoissonTailTest, LargeCountsAndRates) {
  // Near the mean and five standard deviations above it, at lambda = 1e6.
  for (int64_t k : {1'000'000, 1'000'001, 1'002'000, 1'005'000}) {
    const double expected = ReferenceUpperTail(k, 1e6);
    EXPECT_NEAR(PoissonUpperTail(k, 1e6) / expected, 1.0, 1e-9) << k;
  }
  // Normal approximation sanity check: about 2.9e-7 at z = 5.
  EXPECT_GT(PoissonUpperTail(1'005'000, 1e6), 2e-7);
  EXPECT_LT(PoissonUpperTail(1'005'000, 1e6), 4e-7);
}

TEST(PoissonTailTest, MonotoneAcrossBranchesAndTheStirlingSwitch) {
  for (double lambda : {5.0, 30.0, 31.0, 31.5, 33.0, 60.0}) {
    double previous = 1.0;
    for (int64_t k = 0; k <= 80; ++k) {
      const double p = PoissonUpperTail(k, lambda);
      EXPECT_LE(p, previous) << "k=" << k << " lambda=" << lambda;
      previous = p;
    }
  }
  for (int64_t k : {5, 31, 32, 33}) {
    double previous = 0.0;
    for (double lambda = 0.5; lambda < 80; lambda += 0.5) {
      const double p = PoissonUpperTail(k, lambda);
      EXPECT_GE(p, previous) << "k=" << k << " lambda=" << lambda;
      previous = p;
    }
  }
}

TEST(PoissonTailTest, LogFactorialMatchesLgamma) {
  for (int64_t n = 0; n <= 300; ++n) {
    const double expected = std::lgamma(static_cast<double>(n) + 1);
    EXPECT_NEAR(LogFactorial(n), expected, 1e-13 * std::max(1.0, expected)) << n;
  }
  for (int64_t n : {1'000, 123'456, 1'000'000, 1'000'000'000}) {
    const double expected = std::lgamma(static_cast<double>(n) + 1);
    EXPECT_NEAR(LogFactorial(n) / expected, 1.0, 1e-14) << n;
  }
  EXPECT_TRUE(std::isnan(LogFactorial(-1)));
}

}  // namespace
}  // namespace wijkwacht::trend
