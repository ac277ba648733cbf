// Realistic synthetic Beverwijk reports and latency statistics for wijkwacht_loadgen.
//
// ReportCorpus is built once from the server's ListCategories answer (codes are never
// hard-coded) and shared read-only; every in-flight slot owns a ReportGenerator (not
// thread-safe) that draws reports from it.
//
// Example:
//   auto corpus = std::make_shared<const ReportCorpus>(categories);
//   ReportGenerator gen(corpus, /*content_seed=*/42, /*id_seed=*/nonce);
//   v1::Report r;
//   gen.Fill(absl::Now(), &r);
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::loadgen {

// RFC 4122 version 4 UUID in lower-case text form ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
std::string UuidV4(std::mt19937_64& rng);

// A place in Beverwijk around which reports are scattered (CBS 2015 buurt centroids, checked
// against the gemeente polygon in data/areas so that the jitter stays inside GM0375).
struct Anchor {
  const char* name;
  double latitude;
  double longitude;
  double weight;        // relative share of reports
  double jitter_scale;  // 1 = ~100 m standard deviation
};
const std::vector<Anchor>& BeverwijkAnchors();
// The Dutch report texts the generator draws from.
const std::vector<std::string>& DutchReportTexts();

// Immutable, shared by all generators.
class ReportCorpus {
 public:
  // `categories` must not be empty (the caller checks).
  explicit ReportCorpus(const std::vector<v1::Category>& categories);

  const std::vector<std::string>& codes() const { return codes_; }
  // Indices into codes() whose display name or search terms occur in text `i`; all
  // categories when none match.
  const std::vector<size_t>& CandidatesForText(size_t i) const { return candidates_[i]; }

 private:
  std::vector<std::string> codes_;
  std::vector<std::vector<size_t>> candidates_;
};

class ReportGenerator {
 public:
  // `content_seed` drives places, texts, categories and times; `id_seed` drives the ids
  // (kept apart so that a fixed --seed does not replay ids into an existing data dir).
  ReportGenerator(std::shared_ptr<const ReportCorpus> corpus, uint64_t content_seed,
                  uint64_t id_seed);

  // Overwrites `report` with a new input report (output-only fields left unset):
  // observed within the last 29 days and not after `now`, inside Beverwijk.
  void Fill(absl::Time now, v1::Report* report);
  // One event, many reporters (a "hot incident"): every report lies within 50 m of one spot
  // in the Breestraat, is observed within 10 minutes after `event_start`, and describes the
  // same shoplifting in one of a few wordings with the same category (winkeldiefstal when
  // the server offers it). Ids stay unique.
  void FillHotIncident(absl::Time event_start, v1::Report* report);
  // A store's worth of history (--scenario=spread): events spread over the buurten (as
  // Fill), the texts and their themes, and observed times uniform over the `span` before
  // `now`. With probability `new_event_share` a report describes a new event (a new place,
  // time and text); otherwise it is one more report of this generator's current event:
  // within ~20 m and 30 minutes of it, the same text and category, as neighbours report
  // what they all saw. Events of the same kind that happen to lie close in place and time
  // join one incident as well, so the share of reports opening an incident is at most
  // `new_event_share`.
  void FillSpread(absl::Time now, absl::Duration span, double new_event_share,
                  v1::Report* report);

 private:
  // FillSpread's current event.
  struct Event {
    bool started = false;
    double latitude = 0;
    double longitude = 0;
    absl::Time observed;
    size_t text = 0;
    std::string category;
  };
  Event event_;
  std::shared_ptr<const ReportCorpus> corpus_;
  std::mt19937_64 rng_;
  std::mt19937_64 id_rng_;
  std::string hot_category_;
  std::discrete_distribution<size_t> anchor_dist_;
};

// Exact latency summary (nearest-rank percentiles) of a set of samples, in nanoseconds.
struct LatencySummary {
  size_t count = 0;
  int64_t p50 = 0;
  int64_t p90 = 0;
  int64_t p99 = 0;
  int64_t max = 0;
  double mean = 0;
};
// Nearest-rank percentile of a sorted, non-empty vector: the smallest sample such that at
// least p percent of the samples are <= it. p in (0, 100].
int64_t PercentileNearestRank(const std::vector<int64_t>& sorted, double p);
// Sorts `samples` in place.
LatencySummary Summarize(std::vector<int64_t>& samples);

// True if `target` (a gRPC target string) names a loopback address or a unix socket:
// localhost, 127.0.0.0/8, ::1, optionally with "dns:///", "ipv4:", "ipv6:" prefixes.
bool IsLoopbackTarget(const std::string& target);

}  // namespace wijkwacht::loadgen
