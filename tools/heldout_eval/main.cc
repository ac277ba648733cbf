// wijkwacht_heldout_eval: theme and incident decisions on material written by people who never
// saw the training data (held out by writer), the benchmark the test suite runs.
//
//   wijkwacht_heldout_eval --model=theme.bin --writers=data/eval/writers
//       --pairs=data/eval/pairs [--own_labelled=data/corpus/heldout.txt]
//       [--own_pairs=data/dedup/pairs.jsonl] [--min_...=floors] [--leave_one_writer_out]
//
// Themes (writers' JSON Lines {"id","writer","register","theme","category","text"}): every
// text is classified (a) from its words alone, with the catch-all category
// signalen.overig.overig, and (b) with the reporter's given category. Printed: macro-F1
// overall and per writer, precision/recall/F1 per theme, the confusion matrix, and the share
// of predictions below the review threshold (needs_review) with the accuracy of the rest.
//
// Pairs (JSON Lines {"id","writer","label","kind","note","a","b"}; a and b have category,
// role, lat, lng, accuracy_m, time, text): both reports go through the server's ingest path
// (validation, area, theme, text vector, event signature); the earlier one becomes a
// one-report incident and the later one is scored against it with the server's default
// matcher options. (a) with signalen.overig.overig on both reports, (b) with the given
// categories. Printed: precision, recall, F1, and the errors by pair kind. A report the
// ingest refuses counts as a "different" decision (never skipped).
//
// --own_labelled and --own_pairs run the same on the project's own held-out split for
// comparison (for own pairs only the "test" split when the file has splits).
// Exit codes: 0 ok; 1 a floor (--min_*) is not met; 2 unreadable input.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <memory>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/catalog/category_catalog.h"
#include "domain/classify/theme_classifier.h"
#include "domain/dedup/incident_matcher.h"
#include "domain/geo/area_index.h"
#include "domain/report/ingest.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, model, "", "fastText theme model (required)");
ABSL_FLAG(std::string, match_model, WIJKWACHT_MATCH_MODEL,
          "the matcher's text model, as wijkwachtd's --match_model (default: the built "
          "models/match_vectors.bin); empty = the theme model's vectors");
ABSL_FLAG(std::string, data, WIJKWACHT_DATA_DIR, "shipped data folder (areas, categories)");
ABSL_FLAG(std::vector<std::string>, writers, {},
          "writers' theme files or folders of *.jsonl (comma-separated)");
ABSL_FLAG(std::vector<std::string>, pairs, {}, "pair files or folders of *.jsonl");
ABSL_FLAG(std::string, own_labelled, "", "the project's own labelled held-out file, for comparison");
ABSL_FLAG(std::string, own_pairs, "", "the project's own pair set (its test split), for comparison");
ABSL_FLAG(double, threshold, -1, "match threshold (default: the server's)");
ABSL_FLAG(double, colour_penalty, -1, "matcher colour penalty (default: the server's)");
ABSL_FLAG(double, gender_penalty, -1, "matcher gender penalty (default: the server's)");
ABSL_FLAG(double, near_meters, -1, "matcher near distance (default: the server's)");
ABSL_FLAG(double, detail_penalty, -1, "matcher coloured-object penalty (default: the server's)");
ABSL_FLAG(double, age_penalty, -1, "matcher age band penalty (default: the server's)");
ABSL_FLAG(double, detail_bonus, -1, "matcher coloured-object bonus (default: the server's)");
ABSL_FLAG(std::vector<std::string>, weights, {},
          "matcher weights distance,time,theme,category,text,event,stems (default: the server's)");
ABSL_FLAG(std::string, scores_out, "",
          "write every scored pair (mode, writer, id, kind, label, eligible, score) to this TSV");
ABSL_FLAG(bool, leave_one_writer_out, false,
          "also decide each writer's pairs with the threshold that is best on the others");
ABSL_FLAG(int, show_errors, 0, "print up to this many wrong decisions of each section");
ABSL_FLAG(double, min_macro_f1_catchall, 0, "floor: writers' theme macro-F1, catch-all category");
ABSL_FLAG(double, min_macro_f1_category, 0, "floor: writers' theme macro-F1, given category");
ABSL_FLAG(double, min_class_f1_catchall, 0, "floor: every theme's F1, catch-all category");
ABSL_FLAG(double, min_pair_f1_catchall, 0, "floor: pair F1, catch-all categories");
ABSL_FLAG(double, min_pair_f1_category, 0, "floor: pair F1, given categories");
ABSL_FLAG(double, min_pair_precision, 0, "floor: pair precision, both category modes");

namespace {

namespace catalog = wijkwacht::catalog;
namespace classify = wijkwacht::classify;
namespace dedup = wijkwacht::dedup;
namespace report = wijkwacht::report;

constexpr char kCatchAll[] = "signalen.overig.overig";
constexpr size_t kThemes = classify::kNumThemes;

// Files named directly, and the *.jsonl of named folders (sorted).
std::vector<std::string> Expand(const std::vector<std::string>& names) {
  std::vector<std::string> files;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    std::error_code ec;
    if (std::filesystem::is_directory(name, ec)) {
      std::vector<std::string> in_dir;
      for (const auto& entry : std::filesystem::directory_iterator(name, ec)) {
        if (entry.path().extension() == ".jsonl") in_dir.push_back(entry.path().string());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(name);
    }
  }
  return files;
}

// Every JSON object of the files; false (with a message) if one cannot be read.
bool ReadJsonLines(const std::vector<std::string>& files, std::vector<nlohmann::json>* out) {
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::fprintf(stderr, "heldout_eval: cannot read %s\n", file.c_str());
      return false;
    }
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        std::fprintf(stderr, "heldout_eval: %s:%d is not a JSON object\n", file.c_str(), n);
        return false;
      }
      out->push_back(std::move(j));
    }
  }
  return true;
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The catalog code a file's category names: the code itself, or a code whose last slug it
// is; "" when none (or a catch-all word such as "none").
class CategoryResolver {
 public:
  explicit CategoryResolver(const catalog::CategoryCatalog& c) : catalog_(c) {
    for (const catalog::Category& category : c.categories()) {
      if (!category.active) continue;
      absl::string_view slug = category.code;
      if (size_t dot = slug.rfind('.'); dot != absl::string_view::npos) slug.remove_prefix(dot + 1);
      by_slug_.emplace(std::string(slug), category.code);
    }
  }
  std::string Resolve(const std::string& given) const {
    if (given.empty() || given == "none") return "";
    const catalog::Category* c = catalog_.Find(given);
    if (c != nullptr && c->active) return given;
    absl::string_view slug = given;
    if (size_t dot = slug.rfind('.'); dot != absl::string_view::npos) slug.remove_prefix(dot + 1);
    auto it = by_slug_.find(std::string(slug));
    return it == by_slug_.end() ? "" : it->second;
  }

 private:
  const catalog::CategoryCatalog& catalog_;
  std::map<std::string, std::string> by_slug_;
};

// --- themes ---

struct ThemeCounts {
  std::array<std::array<int, kThemes>, kThemes> confusion{};
  int examples = 0, review = 0, accepted_correct = 0;
  // Expected calibration error: per confidence bin (10 equal widths), count, sum of
  // confidences and number correct.
  std::array<double, 10> bin_confidence{};
  std::array<int, 10> bin_count{}, bin_correct{};
  void Add(int truth, int predicted, bool needs_review, double confidence) {
    const int bin = std::clamp(static_cast<int>(confidence * 10), 0, 9);
    bin_confidence[bin] += confidence;
    ++bin_count[bin];
    if (truth == predicted) ++bin_correct[bin];
    ++confusion[truth][predicted];
    ++examples;
    if (needs_review) {
      ++review;
    } else if (truth == predicted) {
      ++accepted_correct;
    }
  }
  double F1(size_t k) const {
    int tp = confusion[k][k], fp = 0, fn = 0;
    for (size_t j = 0; j < kThemes; ++j) {
      if (j == k) continue;
      fp += confusion[j][k];
      fn += confusion[k][j];
    }
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }
  double Precision(size_t k) const {
    int col = 0;
    for (size_t j = 0; j < kThemes; ++j) col += confusion[j][k];
    return col == 0 ? 0 : double(confusion[k][k]) / col;
  }
  double Recall(size_t k) const {
    int row = 0;
    for (size_t j = 0; j < kThemes; ++j) row += confusion[k][j];
    return row == 0 ? 0 : double(confusion[k][k]) / row;
  }
  int Support(size_t k) const {
    int row = 0;
    for (size_t j = 0; j < kThemes; ++j) row += confusion[k][j];
    return row;
  }
  // Mean F1 over the themes that occur (as truth).
  double MacroF1() const {
    double sum = 0;
    int n = 0;
    for (size_t k = 0; k < kThemes; ++k) {
      if (Support(k) == 0) continue;
      sum += F1(k);
      ++n;
    }
    return n == 0 ? 0 : sum / n;
  }
  double Ece() const {
    double ece = 0;
    for (size_t b = 0; b < bin_count.size(); ++b) {
      if (bin_count[b] == 0) continue;
      ece += std::abs(bin_confidence[b] - bin_correct[b]) / std::max(1, examples);
    }
    return ece;
  }
  double Accuracy() const {
    int correct = 0;
    for (size_t k = 0; k < kThemes; ++k) correct += confusion[k][k];
    return examples == 0 ? 0 : double(correct) / examples;
  }
};

const char* ShortTheme(size_t k) {
  static const char* kShort[] = {"LIV", "YTH", "SUB", "PB", "OTH"};
  return kShort[k];
}

void PrintThemeTables(const char* title, const ThemeCounts& c) {
  std::printf("\n%s: examples %d  accuracy %.3f  macro-F1 %.3f\n", title, c.examples,
              c.Accuracy(), c.MacroF1());
  std::printf("  needs review (below the review threshold): %.1f %%; accuracy of the others %.3f;"
              " expected calibration error %.3f\n",
              c.examples ? 100.0 * c.review / c.examples : 0.0,
              c.examples - c.review ? double(c.accepted_correct) / (c.examples - c.review) : 1.0,
              c.Ece());
  std::printf("  %-18s %9s %7s %7s %7s\n", "theme", "precision", "recall", "F1", "support");
  for (size_t k = 0; k < kThemes; ++k) {
    std::printf("  %-18s %9.3f %7.3f %7.3f %7d\n",
                std::string(catalog::ThemeName(catalog::kFrameworkThemes[k])).c_str(),
                c.Precision(k), c.Recall(k), c.F1(k), c.Support(k));
  }
  std::printf("  confusion (rows true, columns predicted)\n  %-18s", "");
  for (size_t k = 0; k < kThemes; ++k) std::printf(" %5s", ShortTheme(k));
  std::printf("\n");
  for (size_t t = 0; t < kThemes; ++t) {
    std::printf("  %-18s", std::string(catalog::ThemeName(catalog::kFrameworkThemes[t])).c_str());
    for (size_t p = 0; p < kThemes; ++p) std::printf(" %5d", c.confusion[t][p]);
    std::printf("\n");
  }
}

struct ThemeExample {
  std::string writer, id, text, category;
  int truth = 0;
};

struct ThemeResult {
  ThemeCounts catch_all, given;
  std::map<std::string, std::pair<ThemeCounts, ThemeCounts>> by_writer;
};

bool RunThemes(const classify::ThemeClassifier& classifier, const std::vector<ThemeExample>& examples,
               int show_errors, ThemeResult* result) {
  int shown = 0;
  for (const ThemeExample& e : examples) {
    auto a = classifier.Predict(e.text, kCatchAll, 0);
    auto b = classifier.Predict(e.text, e.category, 0);
    if (!a.ok() || !b.ok()) {
      std::fprintf(stderr, "heldout_eval: %s: %s\n", e.id.c_str(),
                   (!a.ok() ? a.status() : b.status()).ToString().c_str());
      return false;
    }
    const int pa = classify::ThemeIndex(a->theme), pb = classify::ThemeIndex(b->theme);
    result->catch_all.Add(e.truth, pa, a->needs_review, a->confidence);
    result->given.Add(e.truth, pb, b->needs_review, b->confidence);
    auto& w = result->by_writer[e.writer];
    w.first.Add(e.truth, pa, a->needs_review, a->confidence);
    w.second.Add(e.truth, pb, b->needs_review, b->confidence);
    if (pa != e.truth && shown < show_errors) {
      ++shown;
      std::printf("  wrong (catch-all) %s [%s] true %s, predicted %s (%.2f): %s\n", e.id.c_str(),
                  e.writer.c_str(), ShortTheme(e.truth), ShortTheme(pa), a->confidence,
                  e.text.c_str());
    }
  }
  return true;
}

// --- pairs ---

struct PairCounts {
  int tp = 0, fp = 0, fn = 0, tn = 0;
  void Add(bool truth, bool predicted) { (truth ? (predicted ? tp : fn) : (predicted ? fp : tn))++; }
  int N() const { return tp + fp + fn + tn; }
  double Precision() const { return tp + fp == 0 ? 1 : double(tp) / (tp + fp); }
  double Recall() const { return tp + fn == 0 ? 1 : double(tp) / (tp + fn); }
  double F1() const {
    const double p = Precision(), r = Recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

// One scored pair, kept for the leave-one-writer-out threshold choice.
struct ScoredPair {
  std::string writer, id, kind;
  bool same = false;
  bool eligible = false;
  double score = 0;
};

struct PairResult {
  std::vector<ScoredPair> scored_pairs;
  PairCounts all;
  PairCounts sure;  // the decisions the matcher is sure of (IncidentMatcher::Unsure false)
  int unsure = 0;
  std::map<std::string, PairCounts> by_kind;
  std::map<std::string, PairCounts> by_writer;
  int refused = 0;
  int outside = 0;  // reports outside the served area (scored without their area)
  double score_seconds = 0;
  int scored = 0;
};

int RoleOf(std::string role) {
  role = absl::AsciiStrToUpper(role);
  if (absl::StrContains(role, "ENTREPRENEUR")) return 2;
  if (absl::StrContains(role, "STAFF")) return 3;
  return 1;  // resident, or not given (the app requires a role)
}

// RFC 3339 ("2026-03-14T14:20:00Z", offsets too), or without seconds.
bool ParseObserved(const std::string& text, absl::Time* t) {
  std::string err;
  for (const char* format : {absl::RFC3339_full, "%Y-%m-%dT%H:%M%Ez", "%Y-%m-%dT%H:%MZ",
                             "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"}) {
    if (absl::ParseTime(format, text, t, &err)) return true;
  }
  return false;
}

// The matcher's view of one report of a pair, through the server's ingest path. A report
// placed outside every served gemeente (the ingest refuses it) is described without its area,
// which the matcher does not use; `outside` counts those.
absl::StatusOr<dedup::ReportFeatures> ReportOfPair(const report::ReportIngest& ingest,
                                                   const classify::ThemeClassifier& classifier,
                                                   const classify::ThemeClassifier& vectors,
                                                   const CategoryResolver& resolver,
                                                   const nlohmann::json& r, bool catch_all, int n,
                                                   int* outside) {
  report::ReportDraft d;
  d.id = absl::StrFormat("00000000-0000-4000-8000-%012d", n);
  d.reporter_role = RoleOf(Str(r, "role"));
  absl::Time t;
  if (!ParseObserved(Str(r, "time"), &t)) {
    return absl::InvalidArgumentError("time: \"" + Str(r, "time") + "\" is not a time");
  }
  d.observed_time = t;
  d.has_location = true;
  d.latitude = r.value("lat", 0.0);
  d.longitude = r.value("lng", 0.0);
  d.accuracy_meters = r.value("accuracy_m", 0.0);
  const std::string given = resolver.Resolve(Str(r, "category"));
  d.category = catch_all || given.empty() ? kCatchAll : given;
  d.description = Str(r, "text");
  absl::StatusOr<report::IngestDecision> decision = ingest.Decide(d);
  if (decision.ok()) return report::DedupFeatures(*decision);
  // Outside the served area only: the same decision without the area.
  if (!ingest.Validate(d).ok() || !absl::StrContains(decision.status().message(), "gemeente")) {
    return decision.status();
  }
  ++*outside;
  auto prediction = classifier.Predict(d.description, d.category, d.reporter_role);
  if (!prediction.ok()) return prediction.status();
  report::IngestDecision fallback;
  fallback.observed_time = *d.observed_time;
  fallback.latitude = d.latitude;
  fallback.longitude = d.longitude;
  fallback.accuracy_meters = d.accuracy_meters;
  fallback.category = d.category;
  fallback.theme = prediction->theme;
  fallback.text_vector = vectors.SentenceVector(d.description);
  const std::string normalised = classify::NormaliseForModel(d.description);
  fallback.event = wijkwacht::lexicon::ReadSignature(normalised);
  fallback.stems = wijkwacht::lexicon::ContentStems(normalised);
  return report::DedupFeatures(fallback);
}

void RunPairs(const report::ReportIngest& ingest, const classify::ThemeClassifier& classifier,
              const classify::ThemeClassifier& vectors,
              const CategoryResolver& resolver,
              const dedup::IncidentMatcher& matcher, const std::vector<nlohmann::json>& pairs,
              bool catch_all, int show_errors, PairResult* result) {
  int n = 0, shown = 0;
  for (const nlohmann::json& pair : pairs) {
    const bool same = Str(pair, "label") == "same";
    const std::string kind = Str(pair, "kind").empty() ? "-" : Str(pair, "kind");
    auto a = ReportOfPair(ingest, classifier, vectors, resolver, pair.value("a", nlohmann::json::object()),
                          catch_all, ++n, &result->outside);
    auto b = ReportOfPair(ingest, classifier, vectors, resolver, pair.value("b", nlohmann::json::object()),
                          catch_all, ++n, &result->outside);
    bool predicted = false;
    std::string detail;
    if (!a.ok() || !b.ok()) {
      ++result->refused;
      detail = "refused: " + (!a.ok() ? a.status() : b.status()).ToString();
    } else {
      dedup::ReportFeatures first = *a;
      dedup::ReportFeatures second = *b;
      if (second.observed < first.observed) std::swap(first, second);
      const dedup::IncidentFeatures incident = dedup::OneReportIncident(first, "first");
      const auto start = std::chrono::steady_clock::now();
      const dedup::MatchScore s = matcher.Score(second, incident);
      result->score_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ++result->scored;
      predicted = s.eligible && s.score >= matcher.options().threshold;
      if (matcher.Unsure({s}, predicted ? std::optional<size_t>(0) : std::nullopt)) {
        ++result->unsure;
      } else {
        result->sure.Add(same, predicted);
      }
      result->scored_pairs.push_back({Str(pair, "writer").empty() ? "-" : Str(pair, "writer"),
                                      Str(pair, "id"), kind, same, s.eligible, s.score});
      auto cues = [](const wijkwacht::lexicon::EventSignature& e) {
        std::string out;
        for (int c = 0; c <= wijkwacht::lexicon::kLastEventKind; ++c) {
          if ((e.cues >> c) & 1) absl::StrAppend(&out, out.empty() ? "" : "+",
                                                 wijkwacht::lexicon::CueInfo(c).name);
        }
        return out.empty() ? std::string("-") : out;
      };
      detail = absl::StrFormat(
          "%.0f m, gap %s, score %.2f%s%s, text %.2f, stems %.2f, themes %s/%s, kinds %s/%s",
          s.distance_meters, absl::FormatDuration(s.time_gap), s.score,
          s.eligible ? "" : " not eligible",
          s.veto.empty() ? "" : absl::StrCat(" (", s.veto, ")"), s.text_similarity,
          s.stem_overlap, catalog::ThemeName(first.theme), catalog::ThemeName(second.theme),
          cues(first.event), cues(second.event));
    }
    result->all.Add(same, predicted);
    result->by_kind[kind].Add(same, predicted);
    result->by_writer[Str(pair, "writer").empty() ? "-" : Str(pair, "writer")].Add(same, predicted);
    if (predicted != same && shown < show_errors) {
      ++shown;
      std::printf("  %s %s %-16s %s\n      a: %s\n      b: %s\n", Str(pair, "id").c_str(),
                  same ? "MISSED" : "MERGED", kind.c_str(), detail.c_str(),
                  Str(pair.value("a", nlohmann::json::object()), "text").c_str(),
                  Str(pair.value("b", nlohmann::json::object()), "text").c_str());
    }
  }
}

void PrintPairCounts(const char* label, const PairCounts& c) {
  std::printf("  %-24s pairs %4d  precision %.3f  recall %.3f  F1 %.3f  (tp %d fp %d fn %d tn %d)\n",
              label, c.N(), c.Precision(), c.Recall(), c.F1(), c.tp, c.fp, c.fn, c.tn);
}

void PrintPairTables(const char* title, const PairResult& r) {
  std::printf("\n%s\n", title);
  PrintPairCounts("all", r.all);
  if (r.refused > 0) {
    std::printf("  (%d pairs with a report the ingest refused: counted as different)\n", r.refused);
  }
  if (r.outside > 0) {
    std::printf("  (%d reports outside the served area, scored without their area)\n", r.outside);
  }
  std::printf("  unsure (flagged for the desk's review): %d of %d pairs (%.1f %%)\n", r.unsure,
              r.all.N(), r.all.N() ? 100.0 * r.unsure / r.all.N() : 0.0);
  PrintPairCounts("sure decisions", r.sure);
  std::printf("  errors by kind (false merges for different pairs, misses for same pairs):\n");
  for (const auto& [kind, c] : r.by_kind) {
    std::printf("    %-22s pairs %3d  errors %3d  (merged %d, missed %d)\n", kind.c_str(), c.N(),
                c.fp + c.fn, c.fp, c.fn);
  }
  if (r.by_writer.size() > 1) {
    std::printf("  by writer:\n");
    for (const auto& [writer, c] : r.by_writer) PrintPairCounts(writer.c_str(), c);
  }
  if (r.scored > 0) {
    std::printf("  matcher cost: %.2f us per Score call (%d calls)\n", 1e6 * r.score_seconds / r.scored,
                r.scored);
  }
}

// Leave one writer out: for each writer, the threshold (0.30..0.80 in steps of 0.02) with the
// best F1 on the other writers' pairs (ties to the one nearest the server's), then that
// writer's pairs decided with it. The only fitted number of the matcher is its threshold;
// the lexicon and the rules are curated, so this shows whether the threshold carries over
// from some writers to another.
void PrintLeaveOneWriterOut(const char* title, const PairResult& r, double server_threshold) {
  std::set<std::string> writers;
  for (const ScoredPair& p : r.scored_pairs) writers.insert(p.writer);
  if (writers.size() < 2) return;
  std::printf("\n%s, leave one writer out (threshold chosen on the other writers):\n", title);
  auto count = [&](const std::string& writer, bool held_out, double threshold) {
    PairCounts c;
    for (const ScoredPair& p : r.scored_pairs) {
      if ((p.writer == writer) != held_out) continue;
      c.Add(p.same, p.eligible && p.score >= threshold);
    }
    return c;
  };
  PairCounts pooled;
  std::map<std::string, PairCounts> by_kind;
  for (const std::string& writer : writers) {
    double best = server_threshold, best_f1 = -1;
    for (int i = 0; i <= 25; ++i) {
      const double t = 0.30 + 0.02 * i;
      const double f1 = count(writer, false, t).F1();
      if (f1 > best_f1 + 1e-12 ||
          (std::abs(f1 - best_f1) <= 1e-12 &&
           std::abs(t - server_threshold) < std::abs(best - server_threshold))) {
        best = t, best_f1 = f1;
      }
    }
    const PairCounts held = count(writer, true, best);
    pooled.tp += held.tp, pooled.fp += held.fp, pooled.fn += held.fn, pooled.tn += held.tn;
    PrintPairCounts(absl::StrFormat("%s (t=%.2f)", writer, best).c_str(), held);
    for (const ScoredPair& p : r.scored_pairs) {
      if (p.writer == writer) by_kind[p.kind].Add(p.same, p.eligible && p.score >= best);
    }
  }
  PrintPairCounts("pooled", pooled);
  std::printf("  errors by kind, pooled:\n");
  for (const auto& [kind, c] : by_kind) {
    std::printf("    %-22s pairs %3d  errors %3d  (merged %d, missed %d)\n", kind.c_str(), c.N(),
                c.fp + c.fn, c.fp, c.fn);
  }
}

bool Floor(const char* what, double value, double floor, bool* ok) {
  if (floor > 0 && value < floor) {
    std::fprintf(stderr, "heldout_eval: %s %.3f is below the floor %.3f\n", what, value, floor);
    *ok = false;
  }
  return *ok;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("theme and pair decisions on writer-held-out material");
  absl::ParseCommandLine(argc, argv);
  const std::string data = absl::GetFlag(FLAGS_data);
  auto catalog_or = catalog::CategoryCatalog::Load(data + "/categories");
  wijkwacht::geo::AreaIndexOptions area_options;
  area_options.area_paths = {data + "/areas"};
  area_options.focus_areas_path = data + "/areas/focus_areas.geojson";
  auto areas = wijkwacht::geo::AreaIndex::Load(area_options);
  auto classifier = classify::ThemeClassifier::Load(absl::GetFlag(FLAGS_model));
  for (const absl::Status& s : {catalog_or.status(), areas.status(), classifier.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "heldout_eval: %s\n", s.ToString().c_str());
      return 2;
    }
  }
  std::unique_ptr<classify::ThemeClassifier> match_vectors;
  if (!absl::GetFlag(FLAGS_match_model).empty()) {
    auto loaded = classify::ThemeClassifier::Load(absl::GetFlag(FLAGS_match_model));
    if (!loaded.ok()) {
      std::fprintf(stderr, "heldout_eval: %s\n", loaded.status().ToString().c_str());
      return 2;
    }
    match_vectors = *std::move(loaded);
  }
  const classify::ThemeClassifier& vectors = match_vectors ? *match_vectors : **classifier;
  const CategoryResolver resolver(**catalog_or);
  // Texts may carry any date: judge them from a clock far after all of them.
  wijkwacht::FakeClock clock(absl::FromCivil(absl::CivilDay(2100, 1, 1), absl::UTCTimeZone()));
  report::IngestOptions ingest_options{catalog_or->get(), areas->get(), classifier->get(), &clock,
                                       {}, &vectors};
  ingest_options.limits.max_age = absl::Hours(24 * 365 * 150);
  const report::ReportIngest ingest(ingest_options);
  dedup::DedupOptions dedup_options;
  if (absl::GetFlag(FLAGS_threshold) >= 0) dedup_options.threshold = absl::GetFlag(FLAGS_threshold);
  if (absl::GetFlag(FLAGS_colour_penalty) >= 0) {
    dedup_options.colour_penalty = absl::GetFlag(FLAGS_colour_penalty);
  }
  if (absl::GetFlag(FLAGS_gender_penalty) >= 0) {
    dedup_options.gender_penalty = absl::GetFlag(FLAGS_gender_penalty);
  }
  if (absl::GetFlag(FLAGS_near_meters) >= 0) dedup_options.near_meters = absl::GetFlag(FLAGS_near_meters);
  if (absl::GetFlag(FLAGS_detail_penalty) >= 0) {
    dedup_options.detail_penalty = absl::GetFlag(FLAGS_detail_penalty);
  }
  if (absl::GetFlag(FLAGS_age_penalty) >= 0) dedup_options.age_penalty = absl::GetFlag(FLAGS_age_penalty);
  if (absl::GetFlag(FLAGS_detail_bonus) >= 0) dedup_options.detail_bonus = absl::GetFlag(FLAGS_detail_bonus);
  if (const auto w = absl::GetFlag(FLAGS_weights); w.size() == 7) {
    dedup::ScoreWeights& sw = dedup_options.weights;
    double* fields[] = {&sw.distance, &sw.time, &sw.theme, &sw.category, &sw.text, &sw.event,
                        &sw.stems};
    for (size_t i = 0; i < 7; ++i) *fields[i] = std::stod(w[i]);
  }
  const dedup::IncidentMatcher matcher(dedup_options, catalog_or->get());
  const int show = absl::GetFlag(FLAGS_show_errors);
  bool ok = true;

  // Themes.
  std::vector<nlohmann::json> rows;
  if (!ReadJsonLines(Expand(absl::GetFlag(FLAGS_writers)), &rows)) return 2;
  if (!rows.empty()) {
    std::vector<ThemeExample> examples;
    for (const nlohmann::json& r : rows) {
      auto theme = catalog::ParseTheme(absl::AsciiStrToUpper(Str(r, "theme")));
      if (!theme || *theme == catalog::Theme::kUnspecified) {
        std::fprintf(stderr, "heldout_eval: %s: unknown theme \"%s\"\n", Str(r, "id").c_str(),
                     Str(r, "theme").c_str());
        return 2;
      }
      examples.push_back({Str(r, "writer"), Str(r, "id"), Str(r, "text"),
                          resolver.Resolve(Str(r, "category")), classify::ThemeIndex(*theme)});
    }
    ThemeResult result;
    std::printf("== themes, held-out writers (%zu texts) ==\n", examples.size());
    if (!RunThemes(**classifier, examples, show, &result)) return 2;
    std::printf("\nmacro-F1 per writer (catch-all category | given category):\n");
    for (const auto& [writer, c] : result.by_writer) {
      std::printf("  %-20s %4d texts  %.3f | %.3f\n", writer.c_str(), c.first.examples,
                  c.first.MacroF1(), c.second.MacroF1());
    }
    PrintThemeTables("(a) text only, catch-all category signalen.overig.overig", result.catch_all);
    PrintThemeTables("(b) with the reporter's given category", result.given);
    Floor("theme macro-F1 (catch-all)", result.catch_all.MacroF1(),
          absl::GetFlag(FLAGS_min_macro_f1_catchall), &ok);
    Floor("theme macro-F1 (given category)", result.given.MacroF1(),
          absl::GetFlag(FLAGS_min_macro_f1_category), &ok);
    for (size_t k = 0; k < kThemes; ++k) {
      Floor(absl::StrCat("F1 of ", catalog::ThemeName(catalog::kFrameworkThemes[k]),
                         " (catch-all)").c_str(),
            result.catch_all.F1(k), absl::GetFlag(FLAGS_min_class_f1_catchall), &ok);
    }
  }

  // Pairs.
  std::vector<nlohmann::json> pairs;
  if (!ReadJsonLines(Expand(absl::GetFlag(FLAGS_pairs)), &pairs)) return 2;
  if (!pairs.empty()) {
    std::printf("\n== incident pairs, held-out writers (%zu pairs; threshold %.2f) ==\n",
                pairs.size(), matcher.options().threshold);
    PairResult catch_all, given;
    RunPairs(ingest, **classifier, vectors, resolver, matcher, pairs, /*catch_all=*/true, show,
             &catch_all);
    RunPairs(ingest, **classifier, vectors, resolver, matcher, pairs, /*catch_all=*/false, show,
             &given);
    PrintPairTables("(a) catch-all category on both reports", catch_all);
    PrintPairTables("(b) with the given categories", given);
    if (const std::string out = absl::GetFlag(FLAGS_scores_out); !out.empty()) {
      std::ofstream f(out);
      for (const auto* r : {&catch_all, &given}) {
        for (const ScoredPair& p : r->scored_pairs) {
          f << (r == &catch_all ? "catch_all" : "given") << '\t' << p.writer << '\t' << p.id
            << '\t' << p.kind << '\t' << (p.same ? "same" : "different") << '\t' << p.eligible
            << '\t' << p.score << '\n';
        }
      }
    }
    if (absl::GetFlag(FLAGS_leave_one_writer_out)) {
      PrintLeaveOneWriterOut("(a) catch-all category", catch_all, matcher.options().threshold);
      PrintLeaveOneWriterOut("(b) given categories", given, matcher.options().threshold);
    }
    Floor("pair F1 (catch-all)", catch_all.all.F1(), absl::GetFlag(FLAGS_min_pair_f1_catchall), &ok);
    Floor("pair F1 (given categories)", given.all.F1(), absl::GetFlag(FLAGS_min_pair_f1_category),
          &ok);
    Floor("pair precision (catch-all)", catch_all.all.Precision(),
          absl::GetFlag(FLAGS_min_pair_precision), &ok);
    Floor("pair precision (given categories)", given.all.Precision(),
          absl::GetFlag(FLAGS_min_pair_precision), &ok);
  }

  // The project's own split, for comparison (no floors).
  if (!absl::GetFlag(FLAGS_own_labelled).empty()) {
    auto own = classify::ReadLabelledFile(absl::GetFlag(FLAGS_own_labelled));
    if (!own.ok()) {
      std::fprintf(stderr, "heldout_eval: %s\n", own.status().ToString().c_str());
      return 2;
    }
    std::vector<ThemeExample> examples;
    for (const auto& e : *own) {
      examples.push_back({"own", absl::StrCat("line ", e.line), e.text, e.category,
                          classify::ThemeIndex(e.theme)});
    }
    ThemeResult result;
    std::printf("\n== themes, own held-out split %s (%zu texts) ==\n",
                absl::GetFlag(FLAGS_own_labelled).c_str(), examples.size());
    if (!RunThemes(**classifier, examples, 0, &result)) return 2;
    PrintThemeTables("(a) own split, catch-all category", result.catch_all);
    PrintThemeTables("(b) own split, given category", result.given);
  }
  if (!absl::GetFlag(FLAGS_own_pairs).empty()) {
    std::vector<nlohmann::json> own;
    if (!ReadJsonLines({absl::GetFlag(FLAGS_own_pairs)}, &own)) return 2;
    std::vector<nlohmann::json> test;
    for (nlohmann::json& p : own) {
      if (!p.contains("split") || Str(p, "split") == "test") test.push_back(std::move(p));
    }
    std::printf("\n== incident pairs, own test split (%zu pairs) ==\n", test.size());
    PairResult catch_all, given;
    RunPairs(ingest, **classifier, vectors, resolver, matcher, test, true, 0, &catch_all);
    RunPairs(ingest, **classifier, vectors, resolver, matcher, test, false, 0, &given);
    PrintPairTables("(a) own pairs, catch-all category on both reports", catch_all);
    PrintPairTables("(b) own pairs, given categories", given);
  }
  return ok ? 0 : 1;
}
