#include "common/metrics.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace wijkwacht::metrics {
namespace {

TEST(MetricsTest, RendersCountersGaugesAndHistogramsInTheTextFormat) {
  Registry registry;
  registry.GetCounter("app_requests_total", "Requests handled", {{"method", "Get"}, {"code", "OK"}})
      ->Increment(3);
  registry.GetCounter("app_requests_total", "Requests handled",
                      {{"method", "Get"}, {"code", "NOT_FOUND"}})
      ->Increment();
  registry.GetGauge("app_streams", "Open streams", {{"kind", "map"}})->Add(2);
  Histogram* latency =
      registry.GetHistogram("app_latency_seconds", "Latency", {{"method", "Get"}}, {0.1, 1});
  latency->Observe(0.05);
  latency->Observe(0.5);
  latency->Observe(7);

  EXPECT_EQ(registry.Render(),
            "# HELP app_latency_seconds Latency\n"
            "# TYPE app_latency_seconds histogram\n"
            "app_latency_seconds_bucket{method=\"Get\",le=\"0.1\"} 1\n"
            "app_latency_seconds_bucket{method=\"Get\",le=\"1\"} 2\n"
            "app_latency_seconds_bucket{method=\"Get\",le=\"+Inf\"} 3\n"
            "app_latency_seconds_sum{method=\"Get\"} 7.55\n"
            "app_latency_seconds_count{method=\"Get\"} 3\n"
            "# HELP app_requests_total Requests handled\n"
            "# TYPE app_requests_total counter\n"
            "app_requests_total{method=\"Get\",code=\"OK\"} 3\n"
            "app_requests_total{method=\"Get\",code=\"NOT_FOUND\"} 1\n"
            "# HELP app_streams Open streams\n"
            "# TYPE app_streams gauge\n"
            "app_streams{kind=\"map\"} 2\n");
}

TEST(MetricsTest, SameNameAndLabelsGiveTheSameSeries) {
  Registry registry;
  Counter* a = registry.GetCounter("c_total", "help", {{"k", "v"}});
  Counter* b = registry.GetCounter("c_total", "help", {{"k", "v"}});
  Counter* other = registry.GetCounter("c_total", "help", {{"k", "w"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  // Another type under a taken name is detached: usable, never rendered.
  Gauge* clash = registry.GetGauge("c_total", "help");
  ASSERT_NE(clash, nullptr);
  clash->Set(99);
  EXPECT_EQ(registry.Render().find("99"), std::string::npos);
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.GetCounter("e_total", "line one\nback\\slash", {{"path", "a\"b\\c\nd"}})->Increment();
  EXPECT_EQ(registry.Render(),
            "# HELP e_total line one\\nback\\\\slash\n"
            "# TYPE e_total counter\n"
            "e_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsTest, CollectorsAddSamplesAtScrapeTime) {
  Registry registry;
  int64_t sequence = 5;
  registry.AddCollector([&](Sink& sink) {
    sink.Gauge("log_sequence", "Newest sequence", {}, static_cast<double>(sequence));
    sink.Gauge("db_keys", "Keys", {{"cf", "reports"}}, 12);
    sink.Gauge("db_keys", "Keys", {{"cf", "aggregates"}}, 1.5);
  });
  sequence = 42;
  EXPECT_EQ(registry.Render(),
            "# HELP db_keys Keys\n"
            "# TYPE db_keys gauge\n"
            "db_keys{cf=\"reports\"} 12\n"
            "db_keys{cf=\"aggregates\"} 1.5\n"
            "# HELP log_sequence Newest sequence\n"
            "# TYPE log_sequence gauge\n"
            "log_sequence 42\n");
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  constexpr int kThreads = 4, kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Lookups race with creation of other series and with rendering.
        registry.GetCounter("n_total", "n", {{"t", t % 2 == 0 ? "even" : "odd"}})->Increment();
        registry.GetHistogram("h_seconds", "h", {}, Histogram::LatencyBounds())->Observe(0.001);
        if (i % 5000 == 0) (void)registry.Render();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(registry.GetCounter("n_total", "n", {{"t", "even"}})->value(),
            uint64_t{kThreads / 2 * kPerThread});
  Histogram::Snapshot h = registry.GetHistogram("h_seconds", "h", {}, {})->Read();
  EXPECT_EQ(h.cumulative.back(), uint64_t{kThreads * kPerThread});
  EXPECT_EQ(h.cumulative[1], uint64_t{kThreads * kPerThread});  // 0.001 <= le 0.001
  EXPECT_EQ(h.cumulative[0], 0u);
}

TEST(MetricsTest, FormatsSpecialValues) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(-2), "-2");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
}

}  // namespace
}  // namespace wijkwacht::metrics
