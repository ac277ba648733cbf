// Theme classifier: a fastText model that puts a report into one of the five themes of
// Beverwijk's safety framework (catalog::kFrameworkThemes), with a calibrated confidence.
//
//   auto c = ThemeClassifier::Load(WIJKWACHT_THEME_MODEL);   // + <model>.calibration.json
//   absl::StatusOr<ThemePrediction> p = (*c)->Predict(description, category_code, role);
//
// Model input: the reporter's category as a token (none for a catch-all code), the event
// lexicon's cue tokens (domain/lexicon), then the normalised description, e.g.
// "__cat__winkeldiefstal __cue__shoplifting winkeldief in de breestraat". Training,
// evaluation and prediction all build it with ModelInput(), so they cannot drift apart.
//
// Labelled files (training data, corrections, calibration and held-out sets) hold one
// example per line, in fastText form:
//   __label__<THEME> [__cat__<category code>|__cat__none] [__role__<role>] <raw text>
// THEME is a catalog::ThemeName other than THEME_UNSPECIFIED; role is resident,
// entrepreneur, staff or unspecified (default unspecified; no __cat__ means none). The text
// is normalised when read. Blank lines and lines starting with '#' are skipped.
//
// Calibration: Train fits one softmax temperature on calibration examples that were not used
// to fit the weights, and stores it in "<model>.calibration.json" next to the model, with the
// model's SHA-256. Load applies it, so confidences are calibrated probabilities.
//
// Errors: everything is reported as absl::Status; no exception leaves this library (fastText
// throws; it is caught at this boundary).
// Thread safety: a loaded ThemeClassifier is immutable; Predict and SentenceVector may be
// called concurrently (each call uses its own scratch state). Train and Evaluate are
// reentrant (no shared state).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/catalog/theme.h"
#include "domain/lexicon/event_lexicon.h"

namespace wijkwacht::classify {

namespace internal {
class FastTextModel;  // fasttext_model.h
}

inline constexpr std::size_t kNumThemes = catalog::kFrameworkThemes.size();
// Index of `theme` in catalog::kFrameworkThemes (the order of every per-theme array here);
// -1 for kUnspecified or a value outside the enum.
[[nodiscard]] int ThemeIndex(catalog::Theme theme);

// Lower-cases ASCII and Latin letters and folds their accents and ligatures ("É" -> "e",
// "ĳ" -> "ij", "ß" -> "ss"); keeps digits and letters of other scripts (Greek, Cyrillic,
// Arabic, CJK, ...) unchanged; turns everything else into a space (punctuation including
// '_', symbols, emoji, invalid UTF-8 bytes); collapses whitespace and trims. Never fails.
[[nodiscard]] std::string NormaliseForModel(absl::string_view text);

// Role token name for a wijkwacht.v1.ReporterRole value: 1 "resident", 2 "entrepreneur",
// 3 "staff", anything else "unspecified".
[[nodiscard]] absl::string_view RoleName(int reporter_role);

// "__cat__<slug> [<cue tokens> <cue tokens>] <NormaliseForModel(description)>", where <slug> is the
// category code's last slug ("signalen.afval.grofvuil" -> "grofvuil"; slugs are unique
// across the catalog) or "none" for "" and for catch-all codes (catalog::IsCatchAllCategory:
// "Overig", "Overige overlast door personen" say nothing, so they add no evidence). Full codes
// run to 70 characters, and every character n-gram of a token weighs as much as a word in
// fastText's mean. The cue tokens are lexicon::CueTokens of the normalised description (the
// curated stems of the themes' event kinds, matched inside compounds), written twice so a
// long text does not drown them. The reporter's role is
// not part of the input: a theme follows the act and its setting, not who reports it
// (data/corpus/README.md, rules), and `reporter_role` is accepted for the API only.
[[nodiscard]] std::string ModelInput(absl::string_view description, absl::string_view category,
                                     int reporter_role);

// A description read once: NormaliseForModel of it and lexicon::ReadSignature of that. The
// theme model's input, the sentence vector and the incident matcher's features all start
// from these, so the report path reads each description once (ReadDescription), not once per
// user.
struct ReadText {
  std::string normalised;
  lexicon::EventSignature signature;
};
[[nodiscard]] ReadText ReadDescription(absl::string_view description);
// ModelInput(description, ...) for a description already read: the same string.
[[nodiscard]] std::string ModelInput(const ReadText& text, absl::string_view category,
                                     int reporter_role);

// One line of a labelled file.
struct LabelledExample {
  catalog::Theme theme = catalog::Theme::kOther;
  std::string category;    // "" for __cat__none or no __cat__ token
  int reporter_role = 0;   // wijkwacht.v1.ReporterRole value
  std::string text;        // raw, as in the file
  int line = 0;            // 1-based line number in its file
};

// Reads a labelled file (format above), or, when `path` ends in ".jsonl", the writers' JSON
// Lines ({"theme", "category", "text", ...}; a category that is not a code counts as none).
// Errors: NOT_FOUND (or the errno status) if unreadable; INVALID_ARGUMENT "<path>:<line>:
// <problem>" for the first broken line (missing or unknown __label__, several labels, bad
// category code, unknown role, no text, invalid UTF-8 or control characters); INVALID_ARGUMENT
// if the file holds no example.
[[nodiscard]] absl::StatusOr<std::vector<LabelledExample>> ReadLabelledFile(
    const std::string& path);

struct ThemePrediction {
  catalog::Theme theme = catalog::Theme::kOther;  // the most probable theme
  double confidence = 0;     // calibrated probability of `theme`, in [0, 1]
  bool needs_review = true;  // confidence < ClassifierOptions::review_threshold
  // Calibrated probability of each theme, in catalog::kFrameworkThemes order; sums to 1.
  std::array<double, kNumThemes> probabilities{};
};

struct ClassifierOptions {
  // Predictions less confident than this get needs_review = true.
  double review_threshold = 0.6;
  // Softmax temperature. nullopt: read it from "<model>.calibration.json" (required then).
  // Set it to 1 for raw fastText probabilities.
  std::optional<double> temperature;
};

class ThemeClassifier {
 public:
  // Loads a fastText model written by Train (.bin or quantised .ftz) and its calibration.
  // Errors: NOT_FOUND if the model (or, without options.temperature, its calibration file)
  // does not exist; INVALID_ARGUMENT if the model is not a complete fastText supervised
  // model (the file's structure is checked before fastText reads it, so a truncated or
  // garbage file is refused, not crashed on), if its labels are not exactly the five theme
  // labels, if the calibration file is malformed or belongs to another model (SHA-256
  // mismatch), or if an option is out of range (review_threshold outside [0, 1],
  // temperature <= 0).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ThemeClassifier>> Load(
      const std::string& model_path, const ClassifierOptions& options = {});

  ThemeClassifier(const ThemeClassifier&) = delete;
  ThemeClassifier& operator=(const ThemeClassifier&) = delete;
  ~ThemeClassifier();

  // Classifies one report. `category` is the reporter-chosen category code ("" if none);
  // `reporter_role` a wijkwacht.v1.ReporterRole value (0..3). An empty description is
  // allowed (the category and role still count).
  // Errors: INVALID_ARGUMENT if `category` is neither "" nor a well-formed category code
  // (catalog::IsValidCategoryCode), or `reporter_role` is outside 0..3.
  [[nodiscard]] absl::StatusOr<ThemePrediction> Predict(absl::string_view description,
                                                        absl::string_view category,
                                                        int reporter_role) const;
  // The same for a description already read with ReadDescription.
  [[nodiscard]] absl::StatusOr<ThemePrediction> Predict(const ReadText& text,
                                                        absl::string_view category,
                                                        int reporter_role) const;

  // The model's sentence embedding of `text` alone (no category or role): the mean of the
  // input vectors of its words, word bigrams and character n-grams, L2-normalised so the
  // dot product of two vectors is their cosine similarity. dimension() floats; all zero if
  // the normalised text is empty. For near-duplicate detection.
  [[nodiscard]] std::vector<float> SentenceVector(absl::string_view text) const;
  // The same for a text already read with ReadDescription (uses text.normalised).
  [[nodiscard]] std::vector<float> SentenceVector(const ReadText& text) const;

  [[nodiscard]] double temperature() const { return temperature_; }
  [[nodiscard]] double review_threshold() const { return review_threshold_; }
  [[nodiscard]] int dimension() const { return dimension_; }

  // Raw (uncalibrated) scores for `input` as built by ModelInput, in kFrameworkThemes order.
  // For Train and Evaluate; Predict is the API for everyone else.
  // Errors: INTERNAL if fastText fails (not expected for a validated model).
  [[nodiscard]] absl::StatusOr<std::array<double, kNumThemes>> Logits(
      const std::string& input) const;

 private:
  ThemeClassifier() = default;

  std::unique_ptr<internal::FastTextModel> model_;
  std::array<int, kNumThemes> output_row_{};  // fastText output row of each theme
  double temperature_ = 1;
  double review_threshold_ = 0.6;
  int dimension_ = 0;
};

// Softmax of logits / temperature (numerically stable).
[[nodiscard]] std::array<double, kNumThemes> CalibratedProbabilities(
    const std::array<double, kNumThemes>& logits, double temperature);

// "<model_path>.calibration.json".
[[nodiscard]] std::string CalibrationPath(const std::string& model_path);

struct TrainOptions {
  std::string train_path;        // required: labelled examples to fit the weights
  // Optional: more training files (labelled files, or the writers' JSON Lines when the name
  // ends in ".jsonl": {"theme", "category", "text", ...} per line). They never calibrate.
  std::vector<std::string> extra_train_paths;
  // Each example of a ".jsonl" extra file is trained on this many times: the writers' texts
  // are few (1,000) but varied, against 2,100 templated ones (chosen holding out by writer,
  // data/corpus/README.md).
  int writer_repeat = 3;
  std::string corrections_path;  // optional: more labelled examples (dispatch corrections)
  // Optional: labelled examples used only to fit the temperature. Empty: every 8th line of
  // train_path (by position) is held out of fitting for it instead.
  std::string calibration_path;
  std::string output_path;  // required: the model; "<output_path>.calibration.json" too
  // Defaults: chosen on the calibration split (data/corpus/README.md), never on held-out.
  uint32_t seed = 20240611;
  int epochs = 20;
  double learning_rate = 0.5;
  int dimension = 50;
  int word_ngrams = 2;
  int min_char_ngram = 3;  // 2-grams added noise (macro-F1 -0.03 on the calibration split)
  int max_char_ngram = 5;
  int buckets = 100000;  // hash buckets for word bigrams and character n-grams
  // Product-quantise the input matrix (.ftz). With a cutoff, only the `quantize_cutoff`
  // input rows of largest norm are kept and the model is retrained on them: 22 MB -> 0.4 MB
  // at about the same accuracy, but training takes ~3x longer and predictions ~4x (a pruned
  // dictionary rules out the word cache). Quantising all rows (cutoff 0) takes minutes.
  // Off by default: the server can afford 22 MB more easily than the latency.
  bool quantize = false;
  std::size_t quantize_cutoff = 10000;
};

struct TrainSummary {
  int train_examples = 0;       // fitted on (corrections included)
  int correction_examples = 0;
  int calibration_examples = 0;
  double temperature = 1;
  double calibration_nll_before = 0;  // mean negative log-likelihood at temperature 1
  double calibration_nll_after = 0;   // ... at the fitted temperature
  double seconds = 0;
};

// Trains a model deterministically (one thread, fixed seed: the same inputs and options give
// the same model bytes) and writes output_path and its calibration file (each via a
// temporary file and rename, model first).
// Errors: those of ReadLabelledFile for each input (naming the file and line);
// INVALID_ARGUMENT for out-of-range options or training data that lacks a theme;
// INTERNAL for a fastText failure; the errno status if an output cannot be written.
[[nodiscard]] absl::StatusOr<TrainSummary> Train(const TrainOptions& options);

struct ClassMetrics {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  int support = 0;  // examples whose true theme this is
};

struct Evaluation {
  int examples = 0;
  double accuracy = 0;
  double macro_f1 = 0;
  std::array<ClassMetrics, kNumThemes> per_class{};
  // confusion[true][predicted], kFrameworkThemes order.
  std::array<std::array<int, kNumThemes>, kNumThemes> confusion{};
  // Expected calibration error (10 equal-width confidence bins) with the classifier's
  // temperature, and with temperature 1 (raw fastText probabilities).
  double ece = 0;
  double ece_uncalibrated = 0;
  double temperature = 1;        // the classifier's
  double review_threshold = 0;   // the classifier's
  double review_share = 0;       // share of predictions with needs_review
  double accepted_accuracy = 0;  // accuracy on the others (1 if there are none)
};

// Evaluates `classifier` on a labelled file (Predict on each line).
// Errors: those of ReadLabelledFile; INTERNAL if a prediction fails.
[[nodiscard]] absl::StatusOr<Evaluation> Evaluate(const ThemeClassifier& classifier,
                                                  const std::string& labelled_path);

// A human-readable report: macro-F1, per-class table, confusion matrix, ECE.
[[nodiscard]] std::string FormatEvaluation(const Evaluation& evaluation);

// What `wijkwacht_train` (and a CLI "train" subcommand) does: Train, print the summary to
// `out`, then, if heldout_path is not empty, load the new model and print Evaluate's report.
[[nodiscard]] absl::Status TrainAndReport(const TrainOptions& options,
                                          const std::string& heldout_path, std::ostream& out);

}  // namespace wijkwacht::classify
