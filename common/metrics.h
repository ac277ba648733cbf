// A small metrics registry rendered in the Prometheus text exposition format (version 0.0.4).
//
//   metrics::Registry registry;
//   metrics::Counter* stored = registry.GetCounter("wijkwacht_reports_ingested_total",
//                                                  "Reports stored (replays not counted)");
//   stored->Increment();                                   // hot path: one relaxed atomic add
//   metrics::Histogram* latency = registry.GetHistogram(
//       "wijkwacht_grpc_server_handling_seconds", "Unary call latency",
//       {{"grpc_method", "/wijkwacht.v1.ReportService/SubmitReport"}},
//       metrics::Histogram::LatencyBounds());
//   latency->Observe(0.0042);
//   registry.AddCollector([&](metrics::Sink& sink) {       // values read at scrape time
//     sink.Gauge("wijkwacht_change_log_sequence", "Newest change-log sequence", {}, seq());
//   });
//   std::string text = registry.Render();                  // GET /metrics
//
// A series is one (name, label set). Get*() creates it on first use and always returns the
// same object for the same name and labels; the object lives as long as the registry, so hot
// paths look a series up once and keep the pointer. Updating a series is lock-free (atomics);
// creating one and rendering take the registry's mutex. A name belongs to one metric type:
// asking for an existing name as another type returns a detached series that is never
// rendered (a programming error, kept harmless). Names and label names must match the
// Prometheus grammar ([a-zA-Z_:][a-zA-Z0-9_:]*); label values and help text are escaped.
//
// Thread safety: every method may be called concurrently. Collectors run inside Render(), one
// at a time, and must not call back into the registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace wijkwacht::metrics {

// Label (name, value) pairs, rendered in the given order.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  [[nodiscard]] int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Cumulative histogram over fixed upper bounds (plus +Inf).
class Histogram {
 public:
  // `bounds`: strictly increasing, finite upper bounds.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  // 0.5 ms .. 10 s, roughly x2.5 apart: gRPC call latencies in seconds.
  [[nodiscard]] static std::vector<double> LatencyBounds();

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (= count)
    double sum = 0;
  };
  [[nodiscard]] Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

// What a collector writes at scrape time.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Gauge(absl::string_view name, absl::string_view help, const Labels& labels,
                     double value) = 0;
  virtual void Counter(absl::string_view name, absl::string_view help, const Labels& labels,
                       double value) = 0;
};

class Registry {
 public:
  using Collector = std::function<void(Sink& sink)>;

  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  [[nodiscard]] Counter* GetCounter(absl::string_view name, absl::string_view help,
                                    const Labels& labels = {});
  [[nodiscard]] Gauge* GetGauge(absl::string_view name, absl::string_view help,
                                const Labels& labels = {});
  // `bounds` are used when the series is created; later calls get the existing series.
  [[nodiscard]] Histogram* GetHistogram(absl::string_view name, absl::string_view help,
                                        const Labels& labels, std::vector<double> bounds);
  void AddCollector(Collector collector);

  // Every family sorted by name, series in creation order; collectors' samples included.
  [[nodiscard]] std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    std::string labels;  // rendered "{a=\"b\"}" or ""
    Labels label_pairs;
    std::unique_ptr<metrics::Counter> counter;
    std::unique_ptr<metrics::Gauge> gauge;
    std::unique_ptr<metrics::Histogram> histogram;
    std::vector<std::string> bucket_labels;  // histograms: labels with each "le", rendered
  };
  struct Family {
    std::string help;
    Type type = Type::kCounter;
    std::vector<std::unique_ptr<Series>> series;
    std::map<std::string, Series*> by_labels;
  };
  Series* FindOrAdd(absl::string_view name, absl::string_view help, Type type,
                    const Labels& labels, const std::vector<double>* bounds);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::unique_ptr<Series>> detached_;
  std::vector<Collector> collectors_;
};

// `{name="value",...}` with values escaped (backslash, double quote, newline); "" for none.
[[nodiscard]] std::string RenderLabels(const Labels& labels);
// A sample value: integers without a fraction, +Inf/-Inf/NaN spelled out.
[[nodiscard]] std::string FormatValue(double value);

}  // namespace wijkwacht::metrics
