// Poisson tail probabilities for the rise detector.
//
// PoissonUpperTail(k, lambda) = P(X >= k) for X ~ Poisson(lambda). It starts from the
// probability mass at k (in Loader's saddle-point form for k >= 32, which avoids cancelling
// large logarithms) and, when lambda < k + 1, sums the masses k, k+1, ... upward, so the small
// p-values that matter are computed directly and never as 1 - something; otherwise it returns
// 1 - P(X <= k-1), summed downward. Tested against a long-double reference: relative error
// below 1e-11 for k, lambda up to 1e4 and below 1e-9 around 1e6; results below ~1e-308
// underflow to 0. The work grows like sqrt(k).
//
// Edge cases: k <= 0 gives 1; lambda == 0 gives 0 for k >= 1; lambda == +inf gives 1; a
// negative or NaN lambda gives NaN.
//
// Thread safety: pure functions. (They do not call std::lgamma, which writes the global
// `signgam` in glibc.)
#pragma once

#include <cstdint>

namespace wijkwacht::trend {

// P(X >= k) for X ~ Poisson(lambda).
[[nodiscard]] double PoissonUpperTail(int64_t k, double lambda);

// ln(n!) for n >= 0 (exact sum below 32, Stirling series with four correction terms above;
// relative error below 1e-15). Negative n gives NaN.
[[nodiscard]] double LogFactorial(int64_t n);

}  // namespace wijkwacht::trend
