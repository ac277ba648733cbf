// Evaluate, FormatEvaluation, TrainAndReport.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "domain/classify/theme_classifier.h"

namespace wijkwacht::classify {
namespace {

constexpr int kBins = 10;

struct Bins {
  std::array<double, kBins> confidence{};
  std::array<double, kBins> correct{};
  std::array<int, kBins> count{};

  void Add(double conf, bool ok) {
    int b = std::min(kBins - 1, static_cast<int>(conf * kBins));
    confidence[b] += conf;
    correct[b] += ok ? 1 : 0;
    ++count[b];
  }
  double Ece(int n) const {
    double ece = 0;
    for (int b = 0; b < kBins; ++b) {
      if (count[b] > 0) ece += std::abs(correct[b] - confidence[b]) / n;
    }
    return ece;
  }
};

constexpr absl::string_view kShort[kNumThemes] = {"LIV", "YTH", "SUB", "PB", "OTH"};

}  // namespace

absl::StatusOr<Evaluation> Evaluate(const ThemeClassifier& classifier,
                                    const std::string& labelled_path) {
  WW_ASSIGN_OR_RETURN(std::vector<LabelledExample> examples, ReadLabelledFile(labelled_path));
  Evaluation ev;
  ev.temperature = classifier.temperature();
  ev.review_threshold = classifier.review_threshold();
  Bins calibrated, raw;
  int correct = 0, accepted = 0, accepted_correct = 0;
  for (const LabelledExample& e : examples) {
    WW_ASSIGN_OR_RETURN(ThemePrediction p,
                        classifier.Predict(e.text, e.category, e.reporter_role));
    WW_ASSIGN_OR_RETURN(auto logits,
                        classifier.Logits(ModelInput(e.text, e.category, e.reporter_role)));
    const auto raw_p = CalibratedProbabilities(logits, 1.0);
    const int truth = ThemeIndex(e.theme), predicted = ThemeIndex(p.theme);
    const bool ok = truth == predicted;
    ++ev.confusion[truth][predicted];
    correct += ok;
    calibrated.Add(p.confidence, ok);
    raw.Add(raw_p[predicted], ok);
    if (!p.needs_review) {
      ++accepted;
      accepted_correct += ok;
    }
  }
  const int n = static_cast<int>(examples.size());
  ev.examples = n;
  ev.accuracy = static_cast<double>(correct) / n;
  for (size_t c = 0; c < kNumThemes; ++c) {
    int tp = ev.confusion[c][c], predicted = 0, actual = 0;
    for (size_t k = 0; k < kNumThemes; ++k) {
      predicted += ev.confusion[k][c];
      actual += ev.confusion[c][k];
    }
    ClassMetrics& m = ev.per_class[c];
    m.support = actual;
    m.precision = predicted ? static_cast<double>(tp) / predicted : 0;
    m.recall = actual ? static_cast<double>(tp) / actual : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    ev.macro_f1 += m.f1 / kNumThemes;
  }
  ev.ece = calibrated.Ece(n);
  ev.ece_uncalibrated = raw.Ece(n);
  ev.review_share = static_cast<double>(n - accepted) / n;
  ev.accepted_accuracy = accepted ? static_cast<double>(accepted_correct) / accepted : 1;
  return ev;
}

std::string FormatEvaluation(const Evaluation& ev) {
  std::string out = absl::StrFormat("examples %d   accuracy %.3f   macro-F1 %.3f\n\n",
                                    ev.examples, ev.accuracy, ev.macro_f1);
  absl::StrAppendFormat(&out, "%-18s %9s %7s %7s %8s\n", "theme", "precision", "recall", "F1",
                        "support");
  for (size_t c = 0; c < kNumThemes; ++c) {
    const ClassMetrics& m = ev.per_class[c];
    absl::StrAppendFormat(&out, "%-18s %9.3f %7.3f %7.3f %8d\n",
                          catalog::ThemeName(catalog::kFrameworkThemes[c]), m.precision,
                          m.recall, m.f1, m.support);
  }
  absl::StrAppend(&out, "\nconfusion matrix (rows: true theme, columns: predicted)\n");
  absl::StrAppendFormat(&out, "%-18s", "");
  for (absl::string_view s : kShort) absl::StrAppendFormat(&out, " %5s", s);
  absl::StrAppend(&out, "\n");
  for (size_t r = 0; r < kNumThemes; ++r) {
    absl::StrAppendFormat(&out, "%-18s", catalog::ThemeName(catalog::kFrameworkThemes[r]));
    for (size_t c = 0; c < kNumThemes; ++c) absl::StrAppendFormat(&out, " %5d", ev.confusion[r][c]);
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppendFormat(&out,
                        "\nexpected calibration error (10 bins): %.3f calibrated (temperature "
                        "%.3f), %.3f uncalibrated (temperature 1)\n",
                        ev.ece, ev.temperature, ev.ece_uncalibrated);
  absl::StrAppendFormat(&out,
                        "needs review (confidence < %.2f): %.1f %% of predictions; accuracy of "
                        "the others %.3f\n",
                        ev.review_threshold, 100 * ev.review_share, ev.accepted_accuracy);
  return out;
}

absl::Status TrainAndReport(const TrainOptions& options, const std::string& heldout_path,
                            std::ostream& out) {
  WW_ASSIGN_OR_RETURN(TrainSummary s, Train(options));
  out << absl::StrFormat(
      "trained %s in %.1f s: %d examples (%d corrections), seed %u\n"
      "calibration: %d examples, temperature %.3f, mean NLL %.3f -> %.3f\n",
      options.output_path, s.seconds, s.train_examples, s.correction_examples, options.seed,
      s.calibration_examples, s.temperature, s.calibration_nll_before, s.calibration_nll_after);
  if (heldout_path.empty()) return absl::OkStatus();
  WW_ASSIGN_OR_RETURN(auto classifier, ThemeClassifier::Load(options.output_path));
  WW_ASSIGN_OR_RETURN(Evaluation ev, Evaluate(*classifier, heldout_path));
  out << "\nheld-out evaluation (" << heldout_path << ")\n" << FormatEvaluation(ev);
  return absl::OkStatus();
}

}  // namespace wijkwacht::classify
