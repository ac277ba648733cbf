// Candidate-search latency of incident deduplication with a large store.
//
//   WIJKWACHT_BENCH_REPORTS=1000000 build/storage/incident_store_benchmark
//
// Loads N synthetic reports (default 1,000,000) through the real write path (ReportStore ->
// IncidentStore::Assign, unsynced to load faster) into a temporary RocksDB, then measures
//   - BM_ReportPointGet:        one report read by id (the baseline of this run),
//   - BM_FindMatches:           the candidate search + scoring of a new report,
//   - BM_FindMatchesPercentiles: 20,000 searches, reporting p50/p99/max in µs as counters.
// Reports arrive roughly in observed order over a year (each up to 6 h late), 70 % around
// 40 hotspots (σ 150 m), 30 % spread over Beverwijk; text vectors near a per-category
// direction. Probes are new reports at the end of that year ("now"), up to 6 h late.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/blocking_counter.h"
#include "benchmark/benchmark.h"
#include "storage/incident_store.h"
#include "storage/report_store.h"

namespace wijkwacht::storage {
namespace {

constexpr int kDimension = 50;
const absl::Time kYearStart = absl::FromUnixSeconds(1767225600);  // 2026-01-01
constexpr double kLatMin = 52.465, kLatMax = 52.505, kLngMin = 4.620, kLngMax = 4.700;

struct Category {
  const char* code;
  catalog::Theme theme;
};
constexpr Category kCategories[] = {
    {"inbraak-woning", catalog::Theme::kLiveability},
    {"fietsdiefstal", catalog::Theme::kLiveability},
    {"vandalisme", catalog::Theme::kLiveability},
    {"hangjongeren", catalog::Theme::kYouth},
    {"intimiderende-jongeren-scooter", catalog::Theme::kYouth},
    {"drugshandel", catalog::Theme::kSubversion},
    {"hennepteelt-signalen", catalog::Theme::kSubversion},
    {"winkeldiefstal", catalog::Theme::kPhysicalBusiness},
    {"zakkenroller", catalog::Theme::kPhysicalBusiness},
    {"signalen.wegen-verkeer-straatmeubilair.lantaarnpaal-straatverlichting",
     catalog::Theme::kOther},
};

class Workload {
 public:
  // Report i of `total` is observed at about i/total of the year.
  Workload(uint64_t seed, int64_t total) : rng_(seed), total_(total) {
    std::normal_distribution<double> n(0, 1);
    for (auto& direction : directions_) {
      direction.resize(kDimension);
      for (float& x : direction) x = static_cast<float>(n(rng_));
    }
    std::uniform_real_distribution<double> lat(kLatMin, kLatMax), lng(kLngMin, kLngMax);
    for (auto& h : hotspots_) h = {lat(rng_), lng(rng_)};
  }

  dedup::ReportFeatures Next(int64_t i) {
    std::uniform_real_distribution<double> unit(0, 1);
    std::normal_distribution<double> n(0, 1);
    dedup::ReportFeatures f;
    if (unit(rng_) < 0.7) {
      const auto& h = hotspots_[rng_() % hotspots_.size()];
      f.latitude = h.first + n(rng_) * 150 / 111195;
      f.longitude = h.second + n(rng_) * 150 / 67700;
    } else {
      f.latitude = kLatMin + unit(rng_) * (kLatMax - kLatMin);
      f.longitude = kLngMin + unit(rng_) * (kLngMax - kLngMin);
    }
    f.accuracy_meters = 10;
    f.observed = kYearStart + absl::Seconds(static_cast<int64_t>(
                                  static_cast<double>(i) / total_ * 365 * 86400 -
                                  unit(rng_) * 6 * 3600));
    const size_t c = rng_() % std::size(kCategories);
    f.category = kCategories[c].code;
    f.theme = kCategories[c].theme;
    f.text_vector.resize(kDimension);
    double norm = 0;
    for (int i = 0; i < kDimension; ++i) {
      f.text_vector[i] = directions_[c][i] + static_cast<float>(0.8 * n(rng_));
      norm += f.text_vector[i] * f.text_vector[i];
    }
    for (float& x : f.text_vector) x = static_cast<float>(x / std::sqrt(norm));
    return f;
  }

 private:
  std::mt19937_64 rng_;
  int64_t total_;
  std::array<std::vector<float>, std::size(kCategories)> directions_;
  std::array<std::pair<double, double>, 40> hotspots_;
};

NewReport ToNewReport(int64_t n, const dedup::ReportFeatures& f) {
  NewReport r;
  const std::string id = absl::StrFormat("00000000-0000-4000-8000-%012d", n);
  r.report.set_id(id);
  r.report.set_name("reports/" + id);
  r.report.set_category(f.category);
  r.report.set_description("melding");
  r.report.set_theme(static_cast<v1::Theme>(f.theme));
  r.report.mutable_observed_time()->set_seconds(absl::ToUnixSeconds(f.observed));
  r.fingerprint = id;
  r.area_codes = {"GM0375"};
  r.dedup = f;
  return r;
}

struct Store {
  std::string dir;
  std::unique_ptr<Engine> engine;
  dedup::IncidentMatcher matcher{dedup::DedupOptions{}, nullptr};
  std::unique_ptr<IncidentStore> incidents;
  std::unique_ptr<ReportStore> reports;
  int64_t size = 0;
  int64_t incident_count = 0;

  ~Store() {
    reports.reset();
    engine.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

Store& TheStore() {
  static Store* store = [] {
    auto* s = new Store;
    s->dir = (std::filesystem::temp_directory_path() /
              absl::StrFormat("wijkwacht-bench-%d", getpid()))
                 .string();
    EngineOptions options;
    options.data_dir = s->dir;
    options.sync_writes = false;
    options.max_pending_writes = 100000;
    options.max_queue_delay = absl::InfiniteDuration();  // loading waves, not overload
    s->engine = *Engine::Open(options);
    s->incidents = std::make_unique<IncidentStore>(s->engine.get(), &s->matcher);
    s->reports = NewReportStore(s->engine.get(), s->incidents.get());
    const char* env = std::getenv("WIJKWACHT_BENCH_REPORTS");
    s->size = env != nullptr ? std::atoll(env) : 1'000'000;
    Workload workload(1, s->size);
    const auto start = std::chrono::steady_clock::now();
    constexpr int64_t kWave = 20000;
    std::atomic<int64_t> opened{0};
    for (int64_t first = 0; first < s->size; first += kWave) {
      const int64_t count = std::min(kWave, s->size - first);
      absl::BlockingCounter done(static_cast<int>(count));
      for (int64_t n = first; n < first + count; ++n) {
        s->reports->SubmitAsync(ToNewReport(n, workload.Next(n)),
                                [&](absl::StatusOr<SubmitOutcome> outcome) {
                                  if (!outcome.ok()) std::abort();
                                  if (outcome->report.incident_id() ==
                                      "incidents/" + outcome->report.id()) {
                                    ++opened;
                                  }
                                  done.DecrementCount();
                                });
      }
      done.Wait();
    }
    s->incident_count = opened.load();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "loaded %lld reports into %lld incidents in %.1f s (%.0f reports/s)\n",
                 static_cast<long long>(s->size), static_cast<long long>(s->incident_count),
                 seconds, s->size / seconds);
    return s;
  }();
  return *store;
}

void BM_ReportPointGet(benchmark::State& state) {
  Store& s = TheStore();
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    const int64_t n = static_cast<int64_t>(rng() % s.size);
    auto report = s.reports->GetStored(absl::StrFormat("00000000-0000-4000-8000-%012d", n));
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_ReportPointGet);

void BM_FindMatches(benchmark::State& state) {
  Store& s = TheStore();
  Workload probes(3, s.size);
  size_t candidates = 0;
  for (auto _ : state) {
    auto matches = s.incidents->FindMatches(probes.Next(s.size), 1000, 0);
    if (!matches.ok()) state.SkipWithError("FindMatches failed");
    candidates += matches->size();
  }
  state.counters["eligible_per_search"] =
      benchmark::Counter(static_cast<double>(candidates) / state.iterations());
}
BENCHMARK(BM_FindMatches);

void BM_FindMatchesPercentiles(benchmark::State& state) {
  Store& s = TheStore();
  Workload probes(4, s.size);
  std::vector<double> micros;
  for (auto _ : state) {
    micros.clear();
    for (int i = 0; i < 20000; ++i) {
      const dedup::ReportFeatures probe = probes.Next(s.size);
      const auto t0 = std::chrono::steady_clock::now();
      auto matches = s.incidents->FindMatches(probe, 5, 0.4);
      const auto t1 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(matches);
      micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["max_us"] = micros.back();
  state.counters["reports"] = static_cast<double>(s.size);
  state.counters["incidents"] = static_cast<double>(s.incident_count);
}
BENCHMARK(BM_FindMatchesPercentiles)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace wijkwacht::storage
