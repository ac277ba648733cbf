// Internal: the fastText boundary. Nothing here is part of the library's API.
//
// FastTextModel subclasses fasttext::FastText to reach its (protected) dictionary and
// matrices through const methods, so a prediction needs no fastText call that is non-const
// or keeps state: each call computes into its own vectors, and concurrent calls are safe.
//
// ValidateModelBytes walks the fastText 0.9.2 binary format (version 12) and checks every
// length, count and cross-reference before fastText reads the bytes: fastText itself trusts
// its input, and a truncated or corrupted file would make it loop forever, allocate
// gigabytes or index out of bounds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fasttext/fasttext.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::classify::internal {

// OK if `bytes` is a complete, self-consistent fastText version-12 supervised model (dense
// or product-quantised, pruned or not). INVALID_ARGUMENT naming the first problem otherwise.
[[nodiscard]] absl::Status ValidateModelBytes(absl::string_view bytes);

class FastTextModel : public fasttext::FastText {
 public:
  // Parses bytes that passed ValidateModelBytes and prepares the word cache (below).
  // Catches fastText's exceptions (INTERNAL).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<FastTextModel>> FromBytes(
      std::string bytes);

  // hidden = the model's hidden vector for one line of model input (tokens separated by
  // spaces, no newline): the mean of the input rows of its words, their character
  // n-grams, its word n-grams and the end-of-sentence token, exactly as fastText's getLine
  // and computeHidden would take them. Fast path: the rows of each in-vocabulary word and
  // its n-grams are summed once at load (word cache), so a prediction adds about two rows
  // per token instead of ~20. Models with a pruned dictionary (quantised with a cutoff) use
  // fastText's getLine instead.
  void HiddenForLine(const std::string& line, fasttext::Vector& hidden) const;

  // The slow reference path (fastText's getLine): input ids of `line` + "\n".
  void InputIds(const std::string& line, std::vector<int32_t>& ids) const;
  // hidden = mean of the input rows of `ids` (zero if `ids` is empty).
  void Hidden(const std::vector<int32_t>& ids, fasttext::Vector& hidden) const;
  [[nodiscard]] bool HasWordCache() const { return !word_counts_.empty(); }
  // Raw score of output row `row` (a label) for `hidden`.
  [[nodiscard]] float Score(const fasttext::Vector& hidden, int32_t row) const;

  [[nodiscard]] int32_t NumLabels() const;
  [[nodiscard]] std::string Label(int32_t row) const;  // "__label__LIVEABILITY"
  [[nodiscard]] int Dimension() const;

 private:
  void BuildWordCache();

  std::vector<float> word_sums_;     // nwords x dim: sum of each word's input rows
  std::vector<int32_t> word_counts_;  // how many rows each sum holds
};

}  // namespace wijkwacht::classify::internal
