#include "domain/classify/fasttext_model.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace wijkwacht::classify::internal {
namespace {

constexpr int32_t kMagic = 793712314;  // FASTTEXT_FILEFORMAT_MAGIC_INT32
constexpr int32_t kVersion = 12;       // FASTTEXT_VERSION of 0.9.x
constexpr int32_t kModelSupervised = 3;
constexpr int64_t kPqCentroids = 256;  // ProductQuantizer::ksub_

// Bounds-checked little reader over the model bytes.
class Reader {
 public:
  explicit Reader(absl::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  bool Read(T& value) {
    if (bytes_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool Skip(uint64_t n) {
    if (bytes_.size() - pos_ < n) return false;
    pos_ += n;
    return true;
  }
  // A NUL-terminated string; false if no NUL before the end.
  bool ReadCString(absl::string_view& out) {
    size_t end = bytes_.find('\0', pos_);
    if (end == absl::string_view::npos) return false;
    out = bytes_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }
  uint64_t remaining() const { return bytes_.size() - pos_; }
  size_t pos() const { return pos_; }

 private:
  absl::string_view bytes_;
  size_t pos_ = 0;
};

absl::Status Bad(const Reader& r, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a valid fastText model: ", what, " (at byte ", r.pos(), ")"));
}

// ProductQuantizer::load.
absl::Status ValidatePq(Reader& r, int32_t expect_dim, int32_t* nsubq_out) {
  int32_t dim, nsubq, dsub, lastdsub;
  if (!r.Read(dim) || !r.Read(nsubq) || !r.Read(dsub) || !r.Read(lastdsub)) {
    return Bad(r, "truncated product quantizer");
  }
  if (dim != expect_dim || dsub <= 0 || dsub > dim) return Bad(r, "bad quantizer dimensions");
  int32_t want_nsubq = dim / dsub;
  int32_t want_last = dim % dsub;
  if (want_last == 0) {
    want_last = dsub;
  } else {
    ++want_nsubq;
  }
  if (nsubq != want_nsubq || lastdsub != want_last) return Bad(r, "bad quantizer layout");
  if (!r.Skip(static_cast<uint64_t>(dim) * kPqCentroids * sizeof(float))) {
    return Bad(r, "truncated quantizer centroids");
  }
  *nsubq_out = nsubq;
  return absl::OkStatus();
}

// DenseMatrix::load or QuantMatrix::load, expecting rows x cols.
absl::Status ValidateMatrix(Reader& r, bool quantized, int64_t rows, int64_t cols,
                            absl::string_view name) {
  if (!quantized) {
    int64_t m, n;
    if (!r.Read(m) || !r.Read(n)) return Bad(r, absl::StrCat("truncated ", name, " matrix"));
    if (m != rows || n != cols) {
      return Bad(r, absl::StrCat(name, " matrix is ", m, "x", n, ", expected ", rows, "x", cols));
    }
    if (r.remaining() / sizeof(float) / static_cast<uint64_t>(cols) <
        static_cast<uint64_t>(rows)) {
      return Bad(r, absl::StrCat("truncated ", name, " matrix"));
    }
    r.Skip(static_cast<uint64_t>(rows) * cols * sizeof(float));
    return absl::OkStatus();
  }
  uint8_t qnorm;
  int64_t m, n;
  int32_t codesize;
  if (!r.Read(qnorm) || !r.Read(m) || !r.Read(n) || !r.Read(codesize)) {
    return Bad(r, absl::StrCat("truncated quantized ", name, " matrix"));
  }
  if (qnorm > 1) return Bad(r, "bad quantizer flag");
  if (m != rows || n != cols) {
    return Bad(r, absl::StrCat(name, " matrix is ", m, "x", n, ", expected ", rows, "x", cols));
  }
  if (codesize < 0 || !r.Skip(static_cast<uint64_t>(codesize))) {
    return Bad(r, absl::StrCat("truncated ", name, " codes"));
  }
  int32_t nsubq = 0;
  if (absl::Status s = ValidatePq(r, static_cast<int32_t>(n), &nsubq); !s.ok()) return s;
  if (static_cast<int64_t>(codesize) != m * nsubq) return Bad(r, "code size does not match");
  if (qnorm) {
    if (!r.Skip(static_cast<uint64_t>(m))) return Bad(r, "truncated norm codes");
    int32_t norm_nsubq = 0;
    if (absl::Status s = ValidatePq(r, 1, &norm_nsubq); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateModelBytes(absl::string_view bytes) {
  Reader r(bytes);
  int32_t magic = 0, version = 0;
  if (!r.Read(magic) || magic != kMagic) return Bad(r, "wrong magic number");
  if (!r.Read(version) || version != kVersion) {
    return Bad(r, absl::StrCat("unsupported format version ", version, " (want ", kVersion, ")"));
  }
  // Args::load: 12 ints and a double.
  int32_t dim, ws, epoch, min_count, neg, word_ngrams, loss, model, bucket, minn, maxn, lr_rate;
  double t;
  if (!r.Read(dim) || !r.Read(ws) || !r.Read(epoch) || !r.Read(min_count) || !r.Read(neg) ||
      !r.Read(word_ngrams) || !r.Read(loss) || !r.Read(model) || !r.Read(bucket) ||
      !r.Read(minn) || !r.Read(maxn) || !r.Read(lr_rate) || !r.Read(t)) {
    return Bad(r, "truncated header");
  }
  if (model != kModelSupervised) return Bad(r, "not a supervised (classification) model");
  if (dim <= 0 || dim > 4096 || loss < 1 || loss > 4 || bucket < 0 || word_ngrams < 1 ||
      word_ngrams > 64 || minn < 0 || maxn < 0 || maxn > 64 ||
      (bucket == 0 && (maxn > 0 || word_ngrams > 1))) {  // fastText would divide by zero
    return Bad(r, "implausible hyperparameters");
  }
  // Dictionary::load.
  int32_t size, nwords, nlabels;
  int64_t ntokens, pruneidx_size;
  if (!r.Read(size) || !r.Read(nwords) || !r.Read(nlabels) || !r.Read(ntokens) ||
      !r.Read(pruneidx_size)) {
    return Bad(r, "truncated dictionary header");
  }
  if (size < 0 || nwords < 0 || nlabels <= 0 || int64_t{nwords} + nlabels != size ||
      ntokens < 0 || pruneidx_size < -1 || static_cast<uint64_t>(size) > r.remaining() / 10) {
    return Bad(r, "inconsistent dictionary sizes");
  }
  for (int32_t i = 0; i < size; ++i) {
    absl::string_view word;
    int64_t count;
    int8_t type;
    if (!r.ReadCString(word) || !r.Read(count) || !r.Read(type)) {
      return Bad(r, "truncated dictionary");
    }
    if (word.empty() || type != (i < nwords ? 0 : 1)) return Bad(r, "bad dictionary entry");
  }
  if (pruneidx_size > 0) {
    if (static_cast<uint64_t>(pruneidx_size) > r.remaining() / 8) {
      return Bad(r, "truncated pruning index");
    }
    for (int64_t i = 0; i < pruneidx_size; ++i) {
      int32_t hash_id = -1, row = -1;
      r.Read(hash_id);
      r.Read(row);
      if (hash_id < 0 || hash_id >= bucket || row < 0 || row >= pruneidx_size) {
        return Bad(r, "bad pruning index entry");
      }
    }
  }
  uint8_t quant_input;
  if (!r.Read(quant_input) || quant_input > 1) return Bad(r, "bad quantization flag");
  const bool pruned = pruneidx_size >= 0;
  if (pruned && !quant_input) return Bad(r, "pruned dictionary with a dense matrix");
  const int64_t input_rows =
      int64_t{nwords} + (pruned ? std::max<int64_t>(pruneidx_size, 0) : int64_t{bucket});
  if (absl::Status s = ValidateMatrix(r, quant_input, input_rows, dim, "input"); !s.ok()) {
    return s;
  }
  uint8_t qout;
  if (!r.Read(qout) || qout > 1) return Bad(r, "bad output quantization flag");
  if (absl::Status s = ValidateMatrix(r, quant_input && qout, nlabels, dim, "output"); !s.ok()) {
    return s;
  }
  if (r.remaining() != 0) return Bad(r, "trailing bytes");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<FastTextModel>> FastTextModel::FromBytes(std::string bytes) {
  try {
    auto model = std::make_unique<FastTextModel>();
    std::istringstream in(std::move(bytes));
    if (!model->checkModel(in)) return absl::InvalidArgumentError("not a fastText model");
    model->loadModel(in);
    model->BuildWordCache();
    return model;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory loading the fastText model");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("fastText could not load the model: ", e.what()));
  } catch (...) {
    return absl::InternalError("fastText could not load the model");
  }
}

void FastTextModel::BuildWordCache() {
  if (dict_->isPruned() || args_->maxn <= 0) return;  // HiddenForLine uses getLine then
  const int32_t nwords = dict_->nwords();
  const int dim = args_->dim;
  word_sums_.assign(static_cast<size_t>(nwords) * dim, 0.0f);
  word_counts_.assign(nwords, 0);
  fasttext::Vector sum(dim);
  for (int32_t w = 0; w < nwords; ++w) {
    sum.zero();
    const std::vector<int32_t>& rows = dict_->getSubwords(w);
    for (int32_t row : rows) input_->addRowToVector(sum, row);
    std::copy(sum.data(), sum.data() + dim, word_sums_.begin() + static_cast<size_t>(w) * dim);
    word_counts_[w] = static_cast<int32_t>(rows.size());
  }
}

void FastTextModel::HiddenForLine(const std::string& line, fasttext::Vector& hidden) const {
  if (!HasWordCache()) {
    std::vector<int32_t> ids;
    InputIds(line, ids);
    Hidden(ids, hidden);
    return;
  }
  // Mirrors Dictionary::getLine (supervised) + addWordNgrams + pushHash for an unpruned
  // dictionary: tokens split on spaces, then the end-of-sentence token.
  const int dim = args_->dim;
  const int32_t nwords = dict_->nwords();
  const int64_t buckets = args_->bucket;
  hidden.zero();
  float* h = hidden.data();
  int64_t count = 0;
  std::vector<int32_t> hashes;  // int32_t, as fastText stores them (sign matters below)
  std::vector<int32_t> ngrams;
  std::string token;
  auto add_token = [&](const std::string& t) {
    const uint32_t hash = dict_->hash(t);
    const int32_t wid = dict_->getId(t, hash);
    // Labels are not input (getLine skips them); ModelInput never produces one.
    if (wid >= nwords || (wid < 0 && t.rfind(args_->label, 0) == 0)) return;
    if (wid >= 0) {
      const float* sum = word_sums_.data() + static_cast<size_t>(wid) * dim;
      for (int j = 0; j < dim; ++j) h[j] += sum[j];
      count += word_counts_[wid];
    } else if (t != fasttext::Dictionary::EOS) {
      ngrams.clear();
      dict_->computeSubwords(fasttext::Dictionary::BOW + t + fasttext::Dictionary::EOW, ngrams);
      for (int32_t row : ngrams) input_->addRowToVector(hidden, row);
      count += static_cast<int64_t>(ngrams.size());
    }
    hashes.push_back(static_cast<int32_t>(hash));
  };
  // Dictionary::readWord's separators (a newline would end the line there; callers have none).
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\0' || c == '\n';
  };
  size_t start = 0;
  while (start < line.size()) {
    size_t end = start;
    while (end < line.size() && !is_space(line[end])) ++end;
    if (end > start) {
      token.assign(line, start, end - start);
      add_token(token);
    }
    start = end + 1;
  }
  add_token(fasttext::Dictionary::EOS);
  // Word n-grams (Dictionary::addWordNgrams); unpruned pushHash: row nwords + id.
  const int32_t n = args_->wordNgrams;
  for (size_t i = 0; i < hashes.size(); ++i) {
    uint64_t hh = static_cast<uint64_t>(static_cast<int64_t>(hashes[i]));
    for (size_t j = i + 1; j < hashes.size() && j < i + n; ++j) {
      hh = hh * 116049371 + static_cast<uint64_t>(static_cast<int64_t>(hashes[j]));
      const auto id = static_cast<int32_t>(hh % static_cast<uint64_t>(buckets));
      input_->addRowToVector(hidden, nwords + id);
      ++count;
    }
  }
  if (count > 0) hidden.mul(1.0f / static_cast<float>(count));
}

void FastTextModel::InputIds(const std::string& line, std::vector<int32_t>& ids) const {
  std::istringstream in(line + "\n");  // the newline is fastText's end-of-sentence token
  std::vector<int32_t> labels;
  dict_->getLine(in, ids, labels);
}

void FastTextModel::Hidden(const std::vector<int32_t>& ids, fasttext::Vector& hidden) const {
  hidden.zero();
  if (ids.empty()) return;
  for (int32_t id : ids) input_->addRowToVector(hidden, id);
  hidden.mul(1.0f / static_cast<float>(ids.size()));
}

float FastTextModel::Score(const fasttext::Vector& hidden, int32_t row) const {
  return output_->dotRow(hidden, row);
}

int32_t FastTextModel::NumLabels() const { return dict_->nlabels(); }

std::string FastTextModel::Label(int32_t row) const { return dict_->getLabel(row); }

int FastTextModel::Dimension() const { return args_->dim; }

}  // namespace wijkwacht::classify::internal
