// wijkwacht_dedup_eval: pairwise precision and recall of the "same incident?" decision on the
// labelled pair set (data/dedup/pairs.jsonl).
//
// Each pair's two reports go through the server's own ingest path (validation, area,
// fastText theme and sentence vector); the earlier one becomes a one-report incident and the
// later one is scored against it by the IncidentMatcher with the server's default options.
// "same" is predicted when the later report would join. Prints precision, recall and F1 per
// split and per pair kind, and a threshold sweep on the tuning split (the test split is never
// used to choose anything). Exits 1 when --min_test_f1 is given and the test split's F1 is
// below it (the test suite uses this as a regression guard).
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/catalog/category_catalog.h"
#include "domain/classify/theme_classifier.h"
#include "domain/dedup/incident_matcher.h"
#include "domain/geo/area_index.h"
#include "domain/report/ingest.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, pairs, WIJKWACHT_DATA_DIR "/dedup/pairs.jsonl", "labelled pair set");
ABSL_FLAG(std::string, data, WIJKWACHT_DATA_DIR, "shipped data folder (areas, categories)");
ABSL_FLAG(std::string, model, "", "fastText theme model (required)");
ABSL_FLAG(double, threshold, -1, "match threshold (default: the server's)");
ABSL_FLAG(bool, show_tune_errors, false, "list the tuning split's wrong decisions");
ABSL_FLAG(double, min_test_f1, 0, "exit 1 if the test split's F1 is below this");

namespace {

using wijkwacht::dedup::IncidentMatcher;
using wijkwacht::dedup::MatchScore;
using wijkwacht::dedup::ReportFeatures;

struct Evaluated {
  std::string id, split, kind;
  std::string detail;
  bool same = false;
  MatchScore score;
};

struct Counts {
  int tp = 0, fp = 0, fn = 0, tn = 0;
  void Add(bool truth, bool predicted) {
    (truth ? (predicted ? tp : fn) : (predicted ? fp : tn))++;
  }
  double Precision() const { return tp + fp == 0 ? 1 : double(tp) / (tp + fp); }
  double Recall() const { return tp + fn == 0 ? 1 : double(tp) / (tp + fn); }
  double F1() const {
    const double p = Precision(), r = Recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
  double Accuracy() const { return double(tp + tn) / std::max(1, tp + tn + fp + fn); }
};

bool Predict(const MatchScore& s, double threshold) { return s.eligible && s.score >= threshold; }

int Role(const std::string& role) {
  if (role == "RESIDENT") return 1;
  if (role == "ENTREPRENEUR") return 2;
  if (role == "STAFF") return 3;
  return 0;
}

absl::StatusOr<wijkwacht::report::IngestDecision> Decide(
    const wijkwacht::report::ReportIngest& ingest, const nlohmann::json& r, int n) {
  wijkwacht::report::ReportDraft d;
  d.id = absl::StrFormat("00000000-0000-4000-8000-%012d", n);
  d.reporter_role = Role(r.at("role").get<std::string>());
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, r.at("time").get<std::string>(), &t, &err)) {
    return absl::InvalidArgumentError("time: " + err);
  }
  d.observed_time = t;
  d.has_location = true;
  d.latitude = r.at("lat").get<double>();
  d.longitude = r.at("lng").get<double>();
  d.accuracy_meters = r.value("accuracy_m", 0.0);
  d.category = r.at("category").get<std::string>();
  d.description = r.at("text").get<std::string>();
  return ingest.Decide(d);
}

void PrintCounts(const char* label, const Counts& c) {
  std::printf("%-22s pairs %4d  precision %.3f  recall %.3f  F1 %.3f  (tp %d fp %d fn %d tn %d)\n",
              label, c.tp + c.fp + c.fn + c.tn, c.Precision(), c.Recall(), c.F1(), c.tp, c.fp,
              c.fn, c.tn);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("pairwise evaluation of incident deduplication");
  absl::ParseCommandLine(argc, argv);
  const std::string data = absl::GetFlag(FLAGS_data);

  auto catalog = wijkwacht::catalog::CategoryCatalog::Load(data + "/categories");
  wijkwacht::geo::AreaIndexOptions area_options;
  area_options.area_paths = {data + "/areas"};
  area_options.focus_areas_path = data + "/areas/focus_areas.geojson";
  auto areas = wijkwacht::geo::AreaIndex::Load(area_options);
  auto classifier = wijkwacht::classify::ThemeClassifier::Load(absl::GetFlag(FLAGS_model));
  for (const absl::Status& s : {catalog.status(), areas.status(), classifier.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "dedup_eval: %s\n", s.ToString().c_str());
      return 2;
    }
  }
  // The pairs lie in 2026; judge them from a clock after all of them.
  wijkwacht::FakeClock clock(absl::FromCivil(absl::CivilDay(2027, 1, 1), absl::UTCTimeZone()));
  wijkwacht::report::IngestOptions ingest_options{catalog->get(), areas->get(),
                                                  classifier->get(), &clock, {}};
  ingest_options.limits.max_age = absl::Hours(24 * 365 * 2);
  const wijkwacht::report::ReportIngest ingest(ingest_options);

  wijkwacht::dedup::DedupOptions options;
  if (absl::GetFlag(FLAGS_threshold) >= 0) options.threshold = absl::GetFlag(FLAGS_threshold);
  const IncidentMatcher matcher(options, catalog->get());

  std::ifstream in(absl::GetFlag(FLAGS_pairs));
  if (!in) {
    std::fprintf(stderr, "dedup_eval: cannot read %s\n", absl::GetFlag(FLAGS_pairs).c_str());
    return 2;
  }
  std::vector<Evaluated> evaluated;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const nlohmann::json pair = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (pair.is_discarded()) {
      std::fprintf(stderr, "dedup_eval: line %d is not JSON\n", n + 1);
      return 2;
    }
    auto a = Decide(ingest, pair.at("a"), ++n);
    auto b = Decide(ingest, pair.at("b"), ++n);
    if (!a.ok() || !b.ok()) {
      std::fprintf(stderr, "dedup_eval: pair %s: %s\n", pair.at("id").get<std::string>().c_str(),
                   (!a.ok() ? a.status() : b.status()).ToString().c_str());
      return 2;
    }
    ReportFeatures first = wijkwacht::report::DedupFeatures(*a);
    ReportFeatures second = wijkwacht::report::DedupFeatures(*b);
    if (second.observed < first.observed) std::swap(first, second);
    const MatchScore score = matcher.Score(second, wijkwacht::dedup::OneReportIncident(first, "first"));
    const std::string detail = absl::StrFormat(
        "%s/%s -> %s/%s, %.0f m, gap %s, text %.2f",
        wijkwacht::catalog::ThemeName(first.theme), first.category,
        wijkwacht::catalog::ThemeName(second.theme), second.category, score.distance_meters,
        absl::FormatDuration(score.time_gap), score.text_similarity);
    evaluated.push_back({pair.at("id").get<std::string>(), pair.at("split").get<std::string>(),
                         pair.at("kind").get<std::string>(), detail,
                         pair.at("label").get<std::string>() == "same", score});
  }

  const double threshold = options.threshold;
  std::printf("threshold %.2f, radius %.0f m, %zu pairs\n", threshold, options.radius_meters,
              evaluated.size());
  std::map<std::string, Counts> by_split;
  std::map<std::string, Counts> test_by_kind;
  for (const Evaluated& e : evaluated) {
    const bool predicted = Predict(e.score, threshold);
    by_split[e.split].Add(e.same, predicted);
    if (e.split == "test") test_by_kind[e.kind].Add(e.same, predicted);
  }
  for (const auto& [split, counts] : by_split) PrintCounts(split.c_str(), counts);
  std::printf("\ntest split by kind (accuracy):\n");
  for (const auto& [kind, c] : test_by_kind) {
    std::printf("  %-18s %3d pairs  accuracy %.3f\n", kind.c_str(), c.tp + c.fp + c.fn + c.tn,
                c.Accuracy());
  }
  std::printf("\nthreshold sweep on the tuning split:\n");
  for (double t = 0.40; t <= 0.851; t += 0.025) {
    Counts c;
    for (const Evaluated& e : evaluated) {
      if (e.split == "tune") c.Add(e.same, Predict(e.score, t));
    }
    std::printf("  %.3f  precision %.3f  recall %.3f  F1 %.3f\n", t, c.Precision(), c.Recall(),
                c.F1());
  }
  if (absl::GetFlag(FLAGS_show_tune_errors)) {
    std::printf("\nwrong decisions on the tuning split:\n");
    for (const Evaluated& e : evaluated) {
      if (e.split != "tune" || Predict(e.score, threshold) == e.same) continue;
      std::printf("  %s %-14s %s score %.3f%s: %s\n", e.id.c_str(), e.kind.c_str(),
                  e.same ? "missed" : "merged", e.score.score,
                  e.score.eligible ? "" : " (not eligible)", e.detail.c_str());
    }
  }
  const double min_f1 = absl::GetFlag(FLAGS_min_test_f1);
  if (min_f1 > 0 && by_split["test"].F1() < min_f1) {
    std::fprintf(stderr, "dedup_eval: test F1 %.3f is below %.3f\n", by_split["test"].F1(), min_f1);
    return 1;
  }
  return 0;
}
