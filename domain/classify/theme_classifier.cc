#include "domain/classify/theme_classifier.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "domain/catalog/category_catalog.h"
#include "domain/classify/calibration_file.h"
#include "domain/classify/fasttext_model.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::classify {

namespace internal {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    const int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::ErrnoToStatus(err, absl::StrCat(path, ": cannot open"));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return absl::DataLossError(absl::StrCat(path, ": cannot determine the size"));
  if (size > (int64_t{1} << 31)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 2 GiB"));
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return bytes;
}

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::StatusOr<CalibrationRecord> ReadCalibrationFile(const std::string& path) {
  WW_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  auto bad = [&](absl::string_view problem) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
  };
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return bad("not a JSON object");
  if (json.value("format", "") != kCalibrationFormat) {
    return bad(absl::StrCat("\"format\" must be \"", kCalibrationFormat, "\""));
  }
  CalibrationRecord record;
  auto t = json.find("temperature");
  if (t == json.end() || !t->is_number()) return bad("\"temperature\" must be a number");
  record.temperature = t->get<double>();
  if (!std::isfinite(record.temperature) || record.temperature <= 0) {
    return bad("\"temperature\" must be positive");
  }
  auto sha = json.find("model_sha256");
  if (sha == json.end() || !sha->is_string()) return bad("\"model_sha256\" must be a string");
  record.model_sha256 = sha->get<std::string>();
  return record;
}

}  // namespace internal

std::string CalibrationPath(const std::string& model_path) {
  return model_path + ".calibration.json";
}

std::array<double, kNumThemes> CalibratedProbabilities(
    const std::array<double, kNumThemes>& logits, double temperature) {
  std::array<double, kNumThemes> p{};
  const double max = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (size_t i = 0; i < kNumThemes; ++i) {
    p[i] = std::exp((logits[i] - max) / temperature);
    sum += p[i];
  }
  for (double& v : p) v /= sum;
  return p;
}

ThemeClassifier::~ThemeClassifier() = default;

absl::StatusOr<std::unique_ptr<ThemeClassifier>> ThemeClassifier::Load(
    const std::string& model_path, const ClassifierOptions& options) {
  if (!(options.review_threshold >= 0 && options.review_threshold <= 1)) {
    return absl::InvalidArgumentError("review_threshold must be in [0, 1]");
  }
  if (options.temperature &&
      !(std::isfinite(*options.temperature) && *options.temperature > 0)) {
    return absl::InvalidArgumentError("temperature must be positive");
  }
  WW_ASSIGN_OR_RETURN(std::string bytes, internal::ReadWholeFile(model_path));
  if (absl::Status s = internal::ValidateModelBytes(bytes); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(model_path, ": ", s.message()));
  }
  double temperature = 1;
  if (options.temperature) {
    temperature = *options.temperature;
  } else {
    WW_ASSIGN_OR_RETURN(internal::CalibrationRecord record,
                        internal::ReadCalibrationFile(CalibrationPath(model_path)));
    if (record.model_sha256 != internal::Sha256Hex(bytes)) {
      return absl::InvalidArgumentError(
          absl::StrCat(CalibrationPath(model_path), ": written for another model (SHA-256 ",
                       "mismatch); retrain or copy the model and its calibration together"));
    }
    temperature = record.temperature;
  }
  WW_ASSIGN_OR_RETURN(std::unique_ptr<internal::FastTextModel> model,
                      internal::FastTextModel::FromBytes(std::move(bytes)));

  auto classifier = std::unique_ptr<ThemeClassifier>(new ThemeClassifier());
  try {
    if (model->NumLabels() != static_cast<int32_t>(kNumThemes)) {
      return absl::InvalidArgumentError(absl::StrCat(
          model_path, ": has ", model->NumLabels(), " labels, expected the ", kNumThemes,
          " themes"));
    }
    classifier->output_row_.fill(-1);
    for (int32_t row = 0; row < model->NumLabels(); ++row) {
      const std::string name = model->Label(row);
      absl::string_view theme_name = name;
      std::optional<catalog::Theme> theme;
      if (absl::ConsumePrefix(&theme_name, "__label__")) theme = catalog::ParseTheme(theme_name);
      const int index = theme ? ThemeIndex(*theme) : -1;
      if (index < 0 || classifier->output_row_[index] >= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(model_path, ": unexpected label \"", name, "\""));
      }
      classifier->output_row_[index] = row;
    }
    classifier->dimension_ = model->Dimension();
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(model_path, ": ", e.what()));
  }
  classifier->model_ = std::move(model);
  classifier->temperature_ = temperature;
  classifier->review_threshold_ = options.review_threshold;
  return classifier;
}

absl::StatusOr<std::array<double, kNumThemes>> ThemeClassifier::Logits(
    const std::string& input) const {
  try {
    fasttext::Vector hidden(dimension_);
    model_->HiddenForLine(input, hidden);
    std::array<double, kNumThemes> logits{};
    for (size_t i = 0; i < kNumThemes; ++i) logits[i] = model_->Score(hidden, output_row_[i]);
    return logits;
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("fastText prediction failed: ", e.what()));
  } catch (...) {
    return absl::InternalError("fastText prediction failed");
  }
}

absl::StatusOr<ThemePrediction> ThemeClassifier::Predict(absl::string_view description,
                                                         absl::string_view category,
                                                         int reporter_role) const {
  return Predict(ReadDescription(description), category, reporter_role);
}

absl::StatusOr<ThemePrediction> ThemeClassifier::Predict(const ReadText& text,
                                                         absl::string_view category,
                                                         int reporter_role) const {
  if (!category.empty() && !catalog::IsValidCategoryCode(category)) {
    return absl::InvalidArgumentError(
        absl::StrCat("category: \"", absl::CHexEscape(category), "\" is not a category code"));
  }
  if (reporter_role < 0 || reporter_role > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("reporter_role: ", reporter_role, " is not a ReporterRole value (0..3)"));
  }
  WW_ASSIGN_OR_RETURN(auto logits, Logits(ModelInput(text, category, reporter_role)));
  ThemePrediction prediction;
  prediction.probabilities = CalibratedProbabilities(logits, temperature_);
  size_t best = 0;
  for (size_t i = 1; i < kNumThemes; ++i) {
    if (prediction.probabilities[i] > prediction.probabilities[best]) best = i;
  }
  prediction.theme = catalog::kFrameworkThemes[best];
  prediction.confidence = prediction.probabilities[best];
  prediction.needs_review = prediction.confidence < review_threshold_;
  return prediction;
}

std::vector<float> ThemeClassifier::SentenceVector(absl::string_view text) const {
  ReadText read;
  read.normalised = NormaliseForModel(text);
  return SentenceVector(read);
}

std::vector<float> ThemeClassifier::SentenceVector(const ReadText& text) const {
  std::vector<float> out(static_cast<size_t>(dimension_), 0.0f);
  const std::string& normalised = text.normalised;
  if (normalised.empty()) return out;
  try {
    fasttext::Vector hidden(dimension_);
    model_->HiddenForLine(normalised, hidden);
    double norm = 0;
    for (int i = 0; i < dimension_; ++i) norm += double{hidden[i]} * hidden[i];
    norm = std::sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < dimension_; ++i) out[i] = static_cast<float>(hidden[i] / norm);
    }
  } catch (...) {
    std::fill(out.begin(), out.end(), 0.0f);
  }
  return out;
}

}  // namespace wijkwacht::classify
