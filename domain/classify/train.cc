// Train: fastText supervised training, optional quantisation, temperature fit.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <fasttext/fasttext.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "domain/classify/calibration_file.h"
#include "domain/classify/theme_classifier.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::classify {
namespace {

// Deterministic on every platform (std::shuffle's distribution is implementation-defined).
uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

template <typename T>
void Shuffle(std::vector<T>& v, uint64_t seed) {
  uint64_t state = seed;
  for (size_t i = v.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(SplitMix64(state) % i);
    std::swap(v[i - 1], v[j]);
  }
}

// A file that is removed when this goes out of scope (unless released).
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  // Creates "<prefix>XXXXXX" next to the output.
  absl::Status Create(const std::string& prefix) {
    std::string pattern = prefix + "XXXXXX";
    int fd = mkstemp(pattern.data());
    if (fd < 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat(pattern, ": cannot create a temporary file"));
    }
    fchmod(fd, 0644);  // a model is not a secret; mkstemp creates 0600
    close(fd);
    path_ = pattern;
    return absl::OkStatus();
  }
  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

absl::Status WriteFile(const std::string& path, absl::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out.is_open()) return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot write"));
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return absl::ErrnoToStatus(errno, absl::StrCat(path, ": write failed"));
  return absl::OkStatus();
}

absl::Status Rename(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot rename ", from, " to ", to));
  }
  return absl::OkStatus();
}

absl::Status CheckOptions(const TrainOptions& o) {
  auto bad = [](absl::string_view what) { return absl::InvalidArgumentError(what); };
  if (o.train_path.empty()) return bad("train_path is required");
  if (o.output_path.empty()) return bad("output_path is required");
  if (o.epochs < 1 || o.epochs > 1000) return bad("epochs must be in [1, 1000]");
  if (!(o.learning_rate > 0 && o.learning_rate <= 10)) {
    return bad("learning_rate must be in (0, 10]");
  }
  if (o.dimension < 2 || o.dimension > 1024) return bad("dimension must be in [2, 1024]");
  if (o.word_ngrams < 1 || o.word_ngrams > 5) return bad("word_ngrams must be in [1, 5]");
  if (o.min_char_ngram < 0 || o.max_char_ngram < 0 || o.max_char_ngram > 20 ||
      (o.max_char_ngram > 0 && o.min_char_ngram > o.max_char_ngram)) {
    return bad("char n-gram lengths must satisfy 0 <= min <= max <= 20 (max 0: none)");
  }
  if (o.buckets < 1 || o.buckets > (1 << 24)) return bad("buckets must be in [1, 2^24]");
  if (o.writer_repeat < 1 || o.writer_repeat > 100) return bad("writer_repeat must be in [1, 100]");
  return absl::OkStatus();
}

double MeanNll(const std::vector<std::array<double, kNumThemes>>& logits,
               const std::vector<int>& truth, double temperature) {
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) {
    auto p = CalibratedProbabilities(logits[i], temperature);
    sum -= std::log(std::max(p[truth[i]], 1e-300));
  }
  return sum / static_cast<double>(logits.size());
}

// Golden-section search of the NLL over log(temperature) in [log 0.05, log 20]. The NLL is
// convex in 1/temperature, so it is unimodal in log(temperature).
double FitTemperature(const std::vector<std::array<double, kNumThemes>>& logits,
                      const std::vector<int>& truth) {
  double lo = std::log(0.05), hi = std::log(20.0);
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
  double fa = MeanNll(logits, truth, std::exp(a)), fb = MeanNll(logits, truth, std::exp(b));
  for (int i = 0; i < 80; ++i) {
    if (fa <= fb) {
      hi = b, b = a, fb = fa;
      a = hi - ratio * (hi - lo);
      fa = MeanNll(logits, truth, std::exp(a));
    } else {
      lo = a, a = b, fa = fb;
      b = lo + ratio * (hi - lo);
      fb = MeanNll(logits, truth, std::exp(b));
    }
  }
  return std::exp((lo + hi) / 2);
}

}  // namespace

absl::StatusOr<TrainSummary> Train(const TrainOptions& options) {
  WW_RETURN_IF_ERROR(CheckOptions(options));
  const auto start = std::chrono::steady_clock::now();
  TrainSummary summary;

  WW_ASSIGN_OR_RETURN(std::vector<LabelledExample> train, ReadLabelledFile(options.train_path));
  std::vector<LabelledExample> calibration;
  if (!options.calibration_path.empty()) {
    WW_ASSIGN_OR_RETURN(calibration, ReadLabelledFile(options.calibration_path));
  } else {
    std::vector<LabelledExample> kept;
    for (size_t i = 0; i < train.size(); ++i) {
      (i % 8 == 7 ? calibration : kept).push_back(std::move(train[i]));
    }
    train = std::move(kept);
    if (calibration.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          options.train_path, ": too few examples to hold out a calibration slice (need 8)"));
    }
  }
  for (const std::string& path : options.extra_train_paths) {
    WW_ASSIGN_OR_RETURN(std::vector<LabelledExample> extra, ReadLabelledFile(path));
    const int repeat = absl::EndsWith(path, ".jsonl") ? options.writer_repeat : 1;
    for (int r = 0; r < repeat; ++r) {
      for (const auto& e : extra) train.push_back(e);
    }
  }
  if (!options.corrections_path.empty()) {
    WW_ASSIGN_OR_RETURN(std::vector<LabelledExample> corrections,
                        ReadLabelledFile(options.corrections_path));
    summary.correction_examples = static_cast<int>(corrections.size());
    for (auto& e : corrections) train.push_back(std::move(e));
  }
  std::array<int, kNumThemes> per_theme{};
  for (const auto& e : train) ++per_theme[ThemeIndex(e.theme)];
  for (size_t i = 0; i < kNumThemes; ++i) {
    if (per_theme[i] == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the training data has no example of theme ",
                       catalog::ThemeName(catalog::kFrameworkThemes[i])));
    }
  }
  summary.train_examples = static_cast<int>(train.size());
  summary.calibration_examples = static_cast<int>(calibration.size());

  // fastText reads its training data from a file: one normalised line per example.
  Shuffle(train, options.seed);
  std::string lines;
  for (const auto& e : train) {
    absl::StrAppend(&lines, "__label__", catalog::ThemeName(e.theme), " ",
                    ModelInput(e.text, e.category, e.reporter_role), "\n");
  }
  TempFile train_file, model_file;
  WW_RETURN_IF_ERROR(train_file.Create(options.output_path + ".train-"));
  WW_RETURN_IF_ERROR(WriteFile(train_file.path(), lines));
  WW_RETURN_IF_ERROR(model_file.Create(options.output_path + ".model-"));

  fasttext::Args args;
  args.input = train_file.path();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.lr = options.learning_rate;
  args.lrUpdateRate = 100;
  args.dim = options.dimension;
  args.ws = 5;
  args.epoch = options.epochs;
  args.minCount = 1;
  args.minCountLabel = 1;
  args.neg = 5;
  args.wordNgrams = options.word_ngrams;
  args.bucket = options.buckets;
  args.minn = options.min_char_ngram;
  args.maxn = options.max_char_ngram;
  args.thread = 1;  // determinism: one thread reads the file in order
  args.t = 1e-4;
  args.verbose = 0;
  args.seed = static_cast<int>(options.seed & 0x7FFFFFFF);
  args.saveOutput = false;
  try {
    fasttext::FastText fasttext;
    fasttext.train(args);
    if (options.quantize) {
      fasttext::Args qargs = args;
      qargs.qnorm = true;
      qargs.qout = false;
      qargs.dsub = 2;
      qargs.cutoff = options.quantize_cutoff;
      qargs.retrain = options.quantize_cutoff > 0;
      fasttext.quantize(qargs);
    }
    fasttext.saveModel(model_file.path());
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory while training");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("fastText training failed: ", e.what()));
  } catch (...) {
    return absl::InternalError("fastText training failed");
  }

  // Temperature: fitted on the calibration examples with the model exactly as saved.
  WW_ASSIGN_OR_RETURN(std::string model_bytes, internal::ReadWholeFile(model_file.path()));
  ClassifierOptions raw;
  raw.temperature = 1.0;
  WW_ASSIGN_OR_RETURN(auto classifier, ThemeClassifier::Load(model_file.path(), raw));
  std::vector<std::array<double, kNumThemes>> logits;
  std::vector<int> truth;
  for (const auto& e : calibration) {
    WW_ASSIGN_OR_RETURN(auto l, classifier->Logits(ModelInput(e.text, e.category,
                                                              e.reporter_role)));
    logits.push_back(l);
    truth.push_back(ThemeIndex(e.theme));
  }
  summary.temperature = FitTemperature(logits, truth);
  summary.calibration_nll_before = MeanNll(logits, truth, 1.0);
  summary.calibration_nll_after = MeanNll(logits, truth, summary.temperature);

  nlohmann::json record = {
      {"format", std::string(internal::kCalibrationFormat)},
      {"temperature", summary.temperature},
      {"model_sha256", internal::Sha256Hex(model_bytes)},
      {"calibration_examples", summary.calibration_examples},
      {"calibration_nll_before", summary.calibration_nll_before},
      {"calibration_nll_after", summary.calibration_nll_after},
      {"training",
       {{"train_examples", summary.train_examples},
        {"correction_examples", summary.correction_examples},
        {"seed", options.seed},
        {"epochs", options.epochs},
        {"learning_rate", options.learning_rate},
        {"dimension", options.dimension},
        {"word_ngrams", options.word_ngrams},
        {"char_ngrams", {options.min_char_ngram, options.max_char_ngram}},
        {"buckets", options.buckets},
        {"extra_train", options.extra_train_paths.size()},
        {"writer_repeat", options.writer_repeat},
        {"quantized", options.quantize}}},
  };
  TempFile calibration_file;
  WW_RETURN_IF_ERROR(calibration_file.Create(CalibrationPath(options.output_path) + ".tmp-"));
  WW_RETURN_IF_ERROR(WriteFile(calibration_file.path(), record.dump(2) + "\n"));
  // Model first: a crash in between leaves a calibration file that Load refuses (SHA-256).
  WW_RETURN_IF_ERROR(Rename(model_file.path(), options.output_path));
  model_file.Release();
  WW_RETURN_IF_ERROR(Rename(calibration_file.path(), CalibrationPath(options.output_path)));
  calibration_file.Release();

  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace wijkwacht::classify
