// Throughput of the theme classifier on one core, over the held-out corpus texts.
//   build/domain/classify/theme_classifier_benchmark
// items_per_second of BM_Predict is texts per second per core (goal: >= 20k).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "domain/classify/theme_classifier.h"
#include "domain/lexicon/event_lexicon.h"

namespace wijkwacht::classify {
namespace {

struct Fixture {
  std::unique_ptr<ThemeClassifier> classifier;
  std::vector<LabelledExample> examples;
  std::vector<LabelledExample> writers;  // the writers' texts: longer, more varied
};

const Fixture& Get() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    auto c = ThemeClassifier::Load(WIJKWACHT_THEME_MODEL);
    auto e = ReadLabelledFile(std::string(WIJKWACHT_CORPUS_DIR) + "/heldout.txt");
    auto w = ReadLabelledFile(std::string(WIJKWACHT_CORPUS_DIR) + "/writers/tb.jsonl");
    if (!c.ok() || !e.ok() || !w.ok()) {
      std::fprintf(stderr, "cannot load: %s %s\n", c.status().ToString().c_str(),
                   e.status().ToString().c_str());
      std::abort();
    }
    f->classifier = std::move(*c);
    f->examples = std::move(*e);
    f->writers = std::move(*w);
    return f;
  }();
  return *fixture;
}

void BM_Predict(benchmark::State& state) {
  const Fixture& f = Get();
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const LabelledExample& e = f.examples[i++ % f.examples.size()];
    auto p = f.classifier->Predict(e.text, e.category, e.reporter_role);
    benchmark::DoNotOptimize(p);
    bytes += e.text.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Predict);

void BM_PredictWritersTexts(benchmark::State& state) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : state) {
    const LabelledExample& e = f.writers[i++ % f.writers.size()];
    auto p = f.classifier->Predict(e.text, e.category, e.reporter_role);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PredictWritersTexts);

// The event lexicon's part of a prediction (also what ingest adds for the matcher).
void BM_ReadSignature(benchmark::State& state) {
  const Fixture& f = Get();
  std::vector<std::string> normalised;
  for (const auto& e : f.writers) normalised.push_back(NormaliseForModel(e.text));
  size_t i = 0;
  for (auto _ : state) {
    auto s = lexicon::ReadSignature(normalised[i++ % normalised.size()]);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadSignature);

void BM_SentenceVector(benchmark::State& state) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : state) {
    auto v = f.classifier->SentenceVector(f.examples[i++ % f.examples.size()].text);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SentenceVector);

void BM_NormaliseForModel(benchmark::State& state) {
  const Fixture& f = Get();
  size_t i = 0;
  for (auto _ : state) {
    auto s = NormaliseForModel(f.examples[i++ % f.examples.size()].text);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormaliseForModel);

}  // namespace
}  // namespace wijkwacht::classify

// Our own main: Debian's libfasttext.so exports the fastText CLI's main() (see the test).
BENCHMARK_MAIN();
