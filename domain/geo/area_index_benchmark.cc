// Locate() over random points in Beverwijk's bounding box, with the shipped data.
#include <cstdlib>
#include <iostream>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "domain/geo/area_index.h"

namespace wijkwacht::geo {
namespace {

const AreaIndex& ShippedIndex() {
  static const AreaIndex* const index = [] {
    AreaIndexOptions options;
    options.area_paths = {WIJKWACHT_DATA_DIR "/areas"};
    options.focus_areas_path = WIJKWACHT_DATA_DIR "/areas/focus_areas.geojson";
    absl::StatusOr<std::unique_ptr<AreaIndex>> loaded = AreaIndex::Load(options);
    if (!loaded.ok()) {
      std::cerr << loaded.status() << "\n";
      std::abort();
    }
    return loaded->release();
  }();
  return *index;
}

struct LatLon {
  double lat, lon;
};

// GM0375 Beverwijk spans lon 4.5824..4.7080, lat 52.4555..52.5017 in the shipped polygons.
std::vector<LatLon> RandomPointsInBeverwijkBox(int count) {
  std::mt19937_64 random(375);
  std::uniform_real_distribution<double> lat(52.4555, 52.5017), lon(4.5824, 4.7080);
  std::vector<LatLon> points(count);
  for (LatLon& point : points) point = {lat(random), lon(random)};
  return points;
}

void BM_Locate(benchmark::State& state) {
  const AreaIndex& index = ShippedIndex();
  const std::vector<LatLon> points = RandomPointsInBeverwijkBox(4096);
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    const LatLon& point = points[i++ & 4095];
    absl::StatusOr<AreaMatch> match = index.Locate(point.lat, point.lon);
    found += match.ok();
    benchmark::DoNotOptimize(match);
  }
  state.counters["found_ratio"] = benchmark::Counter(
      static_cast<double>(found) / state.iterations(), benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_Locate)->ThreadRange(1, 2);

// The common case: a report in the town centre.
void BM_LocateBreestraat(benchmark::State& state) {
  const AreaIndex& index = ShippedIndex();
  for (auto _ : state) benchmark::DoNotOptimize(index.Locate(52.4870, 4.6578));
}
BENCHMARK(BM_LocateBreestraat);

}  // namespace
}  // namespace wijkwacht::geo
