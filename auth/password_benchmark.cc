// Cost of one scrypt password hash at various N (r=8, p=1); ln=15 is the default.
#include <string>

#include "auth/password.h"
#include "benchmark/benchmark.h"

namespace wijkwacht::auth {
namespace {

void BM_PasswordHash(benchmark::State& state) {
  PasswordHasher::Options options;
  options.params.log2_n = static_cast<int>(state.range(0));
  PasswordHasher hasher(options);
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Hash("correct horse battery staple"));
}
BENCHMARK(BM_PasswordHash)->DenseRange(14, 16)->Unit(benchmark::kMillisecond);

void BM_PasswordVerify(benchmark::State& state) {
  PasswordHasher hasher;
  const std::string encoded = hasher.Hash("correct horse battery staple").value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(hasher.Verify("correct horse battery staple", encoded));
  }
}
BENCHMARK(BM_PasswordVerify)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace wijkwacht::auth

BENCHMARK_MAIN();
