// wijkwacht_train: trains the theme classifier reproducibly and prints its evaluation.
//
//   wijkwacht_train --train data/corpus/train.txt --calibration data/corpus/calibration.txt
//       --out model.bin [--corrections FILE] [--heldout data/corpus/heldout.txt]
//
// Writes the model and "<out>.calibration.json". The same inputs and flags give the same
// model bytes. Exit codes: 0 ok, 1 error, 64 bad command line.
#include <algorithm>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "domain/classify/theme_classifier.h"

namespace {
const wijkwacht::classify::TrainOptions kDefaults;
}

ABSL_FLAG(std::string, train, "", "labelled training examples (fastText format, see README)");
ABSL_FLAG(std::vector<std::string>, extra_train, {},
          "comma-separated further training files (labelled files or writers' .jsonl)");
ABSL_FLAG(std::string, corrections, "", "optional extra labelled examples (dispatch corrections)");
ABSL_FLAG(std::string, calibration, "",
          "labelled examples for the temperature fit only; default: every 8th --train line");
ABSL_FLAG(std::string, out, "", "model file to write (.bin, or .ftz with --quantize); also <out>.calibration.json");
ABSL_FLAG(std::string, heldout, "", "optional labelled test set to evaluate the new model on");
ABSL_FLAG(uint32_t, seed, kDefaults.seed, "random seed");
ABSL_FLAG(int, writer_repeat, kDefaults.writer_repeat, "times each .jsonl extra example is trained on");
ABSL_FLAG(int, epochs, kDefaults.epochs, "training epochs");
ABSL_FLAG(double, lr, kDefaults.learning_rate, "learning rate");
ABSL_FLAG(int, dim, kDefaults.dimension, "embedding dimension");
ABSL_FLAG(int, buckets, kDefaults.buckets, "hash buckets for n-grams");
ABSL_FLAG(int, word_ngrams, kDefaults.word_ngrams, "longest word n-gram");
ABSL_FLAG(int, minn, kDefaults.min_char_ngram, "shortest character n-gram");
ABSL_FLAG(int, maxn, kDefaults.max_char_ngram, "longest character n-gram (0: none)");
ABSL_FLAG(bool, quantize, kDefaults.quantize, "product-quantise the model (.ftz)");
ABSL_FLAG(int, cutoff, static_cast<int>(kDefaults.quantize_cutoff),
          "with --quantize: keep only this many input rows (0: all)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "wijkwacht_train --train FILE --out MODEL.bin [--calibration FILE] [--corrections FILE] "
      "[--heldout FILE]");
  absl::ParseCommandLine(argc, argv);
  wijkwacht::classify::TrainOptions options;
  options.train_path = absl::GetFlag(FLAGS_train);
  options.extra_train_paths = absl::GetFlag(FLAGS_extra_train);
  options.corrections_path = absl::GetFlag(FLAGS_corrections);
  options.calibration_path = absl::GetFlag(FLAGS_calibration);
  options.output_path = absl::GetFlag(FLAGS_out);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.epochs = absl::GetFlag(FLAGS_epochs);
  options.writer_repeat = absl::GetFlag(FLAGS_writer_repeat);
  options.learning_rate = absl::GetFlag(FLAGS_lr);
  options.dimension = absl::GetFlag(FLAGS_dim);
  options.buckets = absl::GetFlag(FLAGS_buckets);
  options.word_ngrams = absl::GetFlag(FLAGS_word_ngrams);
  options.min_char_ngram = absl::GetFlag(FLAGS_minn);
  options.max_char_ngram = absl::GetFlag(FLAGS_maxn);
  options.quantize = absl::GetFlag(FLAGS_quantize);
  options.quantize_cutoff = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_cutoff)));
  if (options.train_path.empty() || options.output_path.empty()) {
    std::cerr << "wijkwacht_train: --train and --out are required\n"
              << absl::ProgramUsageMessage() << "\n";
    return 64;
  }
  absl::Status status =
      wijkwacht::classify::TrainAndReport(options, absl::GetFlag(FLAGS_heldout), std::cout);
  if (!status.ok()) {
    std::cerr << "wijkwacht_train: " << status << "\n";
    return 1;
  }
  return 0;
}
