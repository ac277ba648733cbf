#include "common/metrics.h"

#include <cmath>
#include <charconv>

#include "absl/strings/str_cat.h"

namespace wijkwacht::metrics {
namespace {

std::string EscapeHelp(absl::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Output of one family at render time.
struct FamilyText {
  std::string help;
  const char* type = "gauge";
  std::string samples;
};

class RenderSink final : public Sink {
 public:
  explicit RenderSink(std::map<std::string, FamilyText>* out) : out_(out) {}
  void Gauge(absl::string_view name, absl::string_view help, const Labels& labels,
             double value) override {
    Add(name, help, "gauge", labels, value);
  }
  void Counter(absl::string_view name, absl::string_view help, const Labels& labels,
               double value) override {
    Add(name, help, "counter", labels, value);
  }

 private:
  void Add(absl::string_view name, absl::string_view help, const char* type,
           const Labels& labels, double value) {
    FamilyText& family = (*out_)[std::string(name)];
    if (family.help.empty()) {
      family.help = std::string(help);
      family.type = type;
    }
    absl::StrAppend(&family.samples, name, RenderLabels(labels), " ", FormatValue(value), "\n");
  }
  std::map<std::string, FamilyText>* out_;
};

}  // namespace

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    absl::StrAppend(&out, labels[i].first, "=\"");
    const std::string& value = labels[i].second;
    if (value.find_first_of("\\\"\n") == std::string::npos) {
      absl::StrAppend(&out, value, "\"");
      continue;
    }
    for (char c : value) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round trip
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<double> Histogram::LatencyBounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

Registry::Series* Registry::FindOrAdd(absl::string_view name, absl::string_view help, Type type,
                                      const Labels& labels, const std::vector<double>* bounds) {
  std::string rendered = RenderLabels(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.help = std::string(help);
    it->second.type = type;
  }
  Family& family = it->second;
  auto make = [&]() {
    auto series = std::make_unique<Series>();
    series->labels = rendered;
    series->label_pairs = labels;
    switch (type) {
      case Type::kCounter: series->counter = std::make_unique<metrics::Counter>(); break;
      case Type::kGauge: series->gauge = std::make_unique<metrics::Gauge>(); break;
      case Type::kHistogram:
        series->histogram = std::make_unique<metrics::Histogram>(*bounds);
        for (size_t i = 0; i <= bounds->size(); ++i) {
          Labels with_le = labels;
          with_le.emplace_back("le", i < bounds->size() ? FormatValue((*bounds)[i]) : "+Inf");
          series->bucket_labels.push_back(RenderLabels(with_le));
        }
        break;
    }
    return series;
  };
  if (family.type != type) {
    detached_.push_back(make());
    return detached_.back().get();
  }
  auto found = family.by_labels.find(rendered);
  if (found != family.by_labels.end()) return found->second;
  family.series.push_back(make());
  Series* series = family.series.back().get();
  family.by_labels.emplace(std::move(rendered), series);
  return series;
}

Counter* Registry::GetCounter(absl::string_view name, absl::string_view help,
                              const Labels& labels) {
  return FindOrAdd(name, help, Type::kCounter, labels, nullptr)->counter.get();
}

Gauge* Registry::GetGauge(absl::string_view name, absl::string_view help, const Labels& labels) {
  return FindOrAdd(name, help, Type::kGauge, labels, nullptr)->gauge.get();
}

Histogram* Registry::GetHistogram(absl::string_view name, absl::string_view help,
                                  const Labels& labels, std::vector<double> bounds) {
  return FindOrAdd(name, help, Type::kHistogram, labels, &bounds)->histogram.get();
}

void Registry::AddCollector(Collector collector) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
  std::map<std::string, FamilyText> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, family] : families_) {
    FamilyText& text = out[name];
    text.help = family.help;
    for (const std::unique_ptr<Series>& series : family.series) {
      switch (family.type) {
        case Type::kCounter:
          text.type = "counter";
          absl::StrAppend(&text.samples, name, series->labels, " ",
                          series->counter->value(), "\n");
          break;
        case Type::kGauge:
          text.type = "gauge";
          absl::StrAppend(&text.samples, name, series->labels, " ", series->gauge->value(),
                          "\n");
          break;
        case Type::kHistogram: {
          text.type = "histogram";
          Histogram::Snapshot s = series->histogram->Read();
          for (size_t i = 0; i < s.cumulative.size(); ++i) {
            absl::StrAppend(&text.samples, name, "_bucket", series->bucket_labels[i], " ",
                            s.cumulative[i], "\n");
          }
          absl::StrAppend(&text.samples, name, "_sum", series->labels, " ", FormatValue(s.sum),
                          "\n");
          absl::StrAppend(&text.samples, name, "_count", series->labels, " ",
                          s.cumulative.back(), "\n");
          break;
        }
      }
    }
  }
  RenderSink sink(&out);
  for (const Collector& collector : collectors_) collector(sink);
  std::string result;
  for (const auto& [name, text] : out) {
    if (text.samples.empty()) continue;
    absl::StrAppend(&result, "# HELP ", name, " ", EscapeHelp(text.help), "\n# TYPE ", name, " ",
                    text.type, "\n", text.samples);
  }
  return result;
}

}  // namespace wijkwacht::metrics
