#include "domain/trend/poisson_tail.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace wijkwacht::trend {
namespace {

constexpr int64_t kStirlingFrom = 32;
constexpr double kRelativeTolerance = 1e-17;

// ln(n!) - (n ln n - n + 0.5 ln(2 pi n)) for n >= kStirlingFrom.
double StirlingCorrection(double n) {
  const double n2 = n * n;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * n2)) / n2) / n2) / n;
}

// k ln(k / lambda) + lambda - k, without cancellation when k is close to lambda (Loader,
// "Fast and accurate computation of binomial probabilities", 2000).
double DevianceTerm(double k, double lambda) {
  if (std::fabs(k - lambda) < 0.1 * (k + lambda)) {
    double v = (k - lambda) / (k + lambda);
    double sum = (k - lambda) * v;
    double power = 2 * k * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      power *= v;
      const double next = sum + power / (2 * j + 1);
      if (next == sum) break;
      sum = next;
    }
    return sum;
  }
  return k * std::log(k / lambda) + lambda - k;
}

// ln P(X = k) for X ~ Poisson(lambda), k >= 0, lambda > 0 finite.
double LogPoissonMass(int64_t k, double lambda) {
  if (k < kStirlingFrom) {
    return -lambda + static_cast<double>(k) * std::log(lambda) - LogFactorial(k);
  }
  const double kd = static_cast<double>(k);
  return -StirlingCorrection(kd) - 0.5 * std::log(2 * std::numbers::pi * kd) -
         DevianceTerm(kd, lambda);
}

}  // namespace

double LogFactorial(int64_t n) {
  if (n < 0) return std::numeric_limits<double>::quiet_NaN();
  if (n < kStirlingFrom) {
    double product = 1;
    for (int64_t i = 2; i <= n; ++i) product *= static_cast<double>(i);
    return std::log(product);
  }
  const double nd = static_cast<double>(n);
  return nd * std::log(nd) - nd + 0.5 * std::log(2 * std::numbers::pi * nd) +
         StirlingCorrection(nd);
}

double PoissonUpperTail(int64_t k, double lambda) {
  if (std::isnan(lambda) || lambda < 0) return std::numeric_limits<double>::quiet_NaN();
  if (k <= 0) return 1.0;
  if (lambda == 0) return 0.0;
  if (std::isinf(lambda)) return 1.0;

  const double kd = static_cast<double>(k);
  if (lambda < kd + 1) {
    // Upper tail: mass(k) * (1 + lambda/(k+1) + lambda^2/((k+1)(k+2)) + ...). The ratio of
    // successive terms falls below 1 from the start, so the sum converges.
    const double mass = std::exp(LogPoissonMass(k, lambda));
    if (mass == 0) return 0.0;
    double term = 1;
    double sum = 1;
    for (double n = kd + 1;; n += 1) {
      term *= lambda / n;
      sum += term;
      if (term <= sum * kRelativeTolerance) break;
    }
    return std::min(1.0, mass * sum);
  }
  // Lower tail P(X <= k-1) = mass(k-1) * (1 + (k-1)/lambda + (k-1)(k-2)/lambda^2 + ...), a
  // finite sum whose terms shrink because lambda >= k + 1.
  const double mass = std::exp(LogPoissonMass(k - 1, lambda));
  double term = 1;
  double sum = 1;
  for (int64_t j = k - 1; j > 0; --j) {
    term *= static_cast<double>(j) / lambda;
    sum += term;
    if (term <= sum * kRelativeTolerance) break;
  }
  return std::max(0.0, 1.0 - mass * sum);
}

}  // namespace wijkwacht::trend
