// Tests of the theme classifier against the model the build trains from data/corpus
// (WIJKWACHT_THEME_MODEL), plus small models trained here.
#include "domain/classify/theme_classifier.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "domain/classify/calibration_file.h"
#include "domain/classify/fasttext_model.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wijkwacht::classify {
namespace {

using catalog::Theme;
using ::testing::HasSubstr;

const std::string kModel = WIJKWACHT_THEME_MODEL;
const std::string kCorpus = WIJKWACHT_CORPUS_DIR;

// The goal of the issue. The shipped model reaches 0.883 on the held-out split
// (data/corpus/README.md).
constexpr double kMacroF1Floor = 0.85;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "theme_classifier_test_XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::system(absl::StrCat("rm -rf '", path_, "'").c_str()); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A cheap configuration for training in tests (seconds, not tens of seconds).
TrainOptions CheapOptions(const std::string& output) {
  TrainOptions o;
  o.train_path = kCorpus + "/train.txt";
  o.calibration_path = kCorpus + "/calibration.txt";
  o.output_path = output;
  o.epochs = 5;
  o.dimension = 16;
  o.buckets = 20000;
  o.quantize = false;
  return o;
}

class ShippedModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ThemeClassifier::Load(kModel);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    classifier_ = loaded->release();
  }
  static void TearDownTestSuite() {
    delete classifier_;
    classifier_ = nullptr;
  }
  static Theme Classify(const std::string& text, const std::string& category = "",
                        int role = 1) {
    auto p = classifier_->Predict(text, category, role);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? p->theme : Theme::kUnspecified;
  }
  static const ThemeClassifier* classifier_;
};
const ThemeClassifier* ShippedModelTest::classifier_ = nullptr;

TEST_F(ShippedModelTest, HeldOutMacroF1MeetsTheGoal) {
  auto ev = Evaluate(*classifier_, kCorpus + "/heldout.txt");
  ASSERT_TRUE(ev.ok()) << ev.status();
  std::cout << FormatEvaluation(*ev);
  EXPECT_EQ(ev->examples, 600);
  EXPECT_GE(ev->macro_f1, kMacroF1Floor);
  for (const ClassMetrics& m : ev->per_class) {
    EXPECT_EQ(m.support, 120);
    EXPECT_GE(m.f1, 0.75);
  }
  // Calibration: the fitted temperature (never fitted on held-out) keeps the error small. It
  // minimises the calibration split's log-likelihood, not ECE; on this split the raw model
  // is about as well calibrated (ECE 0.021 raw, 0.024 at temperature 1.53).
  EXPECT_LE(ev->ece, 0.05);
  EXPECT_LE(ev->ece, ev->ece_uncalibrated + 0.01);
}

// Hand-written for this test (not from the corpus or its templates), each with the category
// a reporter would pick for it.
struct HandWritten {
  Theme theme;
  std::string category;
  std::string text;
};
const std::vector<HandWritten>& HandWrittenSentences() {
  static const auto* cases = new std::vector<HandWritten>{
      {Theme::kLiveability, "inbraak-woning",
       "Vannacht is er bij ons ingebroken via het keukenraam, mijn portemonnee en telefoon zijn "
       "weg."},
      {Theme::kLiveability,
       "signalen.overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen",
       "De buren draaien elke nacht keiharde muziek, we kunnen niet meer slapen."},
      {Theme::kLiveability, "signalen.afval.grofvuil",
       "Iemand heeft een oude koelkast en drie vuilniszakken in het plantsoen gedumpt."},
      {Theme::kLiveability, "hardrijden-woonwijk",
       "Er rijdt elke avond een auto met 80 km per uur door onze 30-kilometerstraat."},
      {Theme::kYouth, "hangjongeren",
       "Een groepje pubers zit elke avond bij het klimrek te blowen en scheldt ouders uit."},
      {Theme::kYouth, "vuurwerk-naar-mensen",
       "Jongens van een jaar of vijftien gooiden strijkers naar mijn hond."},
      {Theme::kYouth, "vechtpartij-jongeren",
       "Na schooltijd sloegen een paar tieners een jongen in elkaar terwijl anderen filmden."},
      {Theme::kYouth, "lachgas-drugs-jongeren",
       "Overal lege lachgaspatronen bij het voetbalveldje, de jeugd zit hier tot laat."},
      {Theme::kSubversion, "hennepteelt-signalen",
       "Het huis op de hoek heeft altijd dichtgeplakte ramen en het ruikt er naar wiet."},
      {Theme::kSubversion, "signalen.ondermijning.vermoeden",
       "Bij de flat stoppen de hele avond auto's die na twee minuten weer wegrijden, er wordt "
       "iets doorgegeven."},
      {Theme::kSubversion, "afpersing-ondernemer",
       "Twee mannen eisten geld van de eigenaar van de kapsalon, anders zou zijn zaak kapot "
       "gaan."},
      {Theme::kSubversion, "overbewoning",
       "In een klein rijtjeshuis wonen minstens veertien arbeidsmigranten op matrassen."},
      {Theme::kPhysicalBusiness, "winkeldiefstal",
       "Een vrouw stopte parfum in haar tas en liep zonder te betalen de drogisterij uit."},
      {Theme::kPhysicalBusiness, "nooduitgang-geblokkeerd",
       "De nooduitgang van het café is dichtgezet met bierkratten."},
      {Theme::kPhysicalBusiness, "gasgeur", "Ik ruik een sterke gaslucht bij de bakkerij op de hoek."},
      {Theme::kPhysicalBusiness, "inbraak-bedrijf",
       "Bij de juwelier is vannacht een auto door de etalage gereden."},
      {Theme::kOther, "signalen.wegen-verkeer-straatmeubilair.lantaarnpaal-straatverlichting",
       "De lantaarnpaal voor ons huis doet het al een week niet."},
      {Theme::kOther, "signalen.overig.overig", "Wanneer wordt het oud papier opgehaald?"},
      {Theme::kOther, "signalen.overlast-van-dieren.overig-dieren",
       "Onze poes is sinds zaterdag zoek, ze is grijs met een wit befje."},
      {Theme::kOther, "signalen.wegen-verkeer-straatmeubilair.onderhoud-fietspad",
       "Er zit een groot gat in het fietspad, graag repareren."},
  };
  return *cases;
}

TEST_F(ShippedModelTest, UnseenHandWrittenSentencesWithTheirCategory) {
  for (const HandWritten& c : HandWrittenSentences()) {
    EXPECT_EQ(Classify(c.text, c.category), c.theme) << c.text;
  }
}

// The same sentences from the text alone (no category). Weaker: 18 of 20 with the shipped
// model (floor 16); misses are printed.
TEST_F(ShippedModelTest, UnseenHandWrittenSentencesFromTextAlone) {
  int correct = 0;
  for (const HandWritten& c : HandWrittenSentences()) {
    const Theme got = Classify(c.text);
    if (got == c.theme) {
      ++correct;
    } else {
      std::cout << "text alone: " << catalog::ThemeName(got) << " instead of "
                << catalog::ThemeName(c.theme) << ": " << c.text << "\n";
    }
  }
  EXPECT_GE(correct, 16);
}

TEST_F(ShippedModelTest, MisspellingsKeepTheTheme) {
  const std::vector<std::tuple<Theme, std::string, std::string>> cases = {
      {Theme::kLiveability, "Mijn fiets is gestolen bij het station",
       "Mijn fiets is gestoolen bij het staion"},
      {Theme::kYouth, "Hangjongeren bij de speeltuin maken veel lawaai",
       "Hanjongeren bij de speeltuun maken veel lawaaj"},
      {Theme::kSubversion, "Sterke wietlucht uit de woning naast ons",
       "Sterke wietlugt uit de wonign naats ons"},
      {Theme::kPhysicalBusiness, "Winkeldief rende weg met een tas vol kleding",
       "Winkeldeif rende weg met een tas vol kleeding"},
      {Theme::kOther, "Lantaarnpaal kapot in onze straat", "Lantarenpaal kapt in onze straadt"},
  };
  for (const auto& [theme, correct, misspelled] : cases) {
    EXPECT_EQ(Classify(correct), theme) << correct;
    EXPECT_EQ(Classify(misspelled), theme) << misspelled;
  }
}

TEST_F(ShippedModelTest, ProbabilitiesAreADistributionAndConfidenceItsMaximum) {
  auto examples = ReadLabelledFile(kCorpus + "/heldout.txt");
  ASSERT_TRUE(examples.ok()) << examples.status();
  for (const LabelledExample& e : *examples) {
    auto p = classifier_->Predict(e.text, e.category, e.reporter_role);
    ASSERT_TRUE(p.ok()) << p.status();
    double sum = 0, max = 0;
    for (double v : p->probabilities) {
      ASSERT_GE(v, 0.0);
      ASSERT_LE(v, 1.0);
      sum += v;
      max = std::max(max, v);
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
    EXPECT_GE(p->confidence, 0.0);
    EXPECT_LE(p->confidence, 1.0);
    EXPECT_EQ(p->confidence, max);
    EXPECT_EQ(p->confidence, p->probabilities[ThemeIndex(p->theme)]);
    EXPECT_EQ(p->needs_review, p->confidence < classifier_->review_threshold());
  }
}

TEST_F(ShippedModelTest, NeedsReviewBelowTheThreshold) {
  // On held-out data, some predictions are flagged, and the unflagged ones are more accurate.
  auto ev = Evaluate(*classifier_, kCorpus + "/heldout.txt");
  ASSERT_TRUE(ev.ok()) << ev.status();
  EXPECT_GT(ev->review_share, 0.0);
  EXPECT_LT(ev->review_share, 0.3);
  EXPECT_GT(ev->accepted_accuracy, ev->accuracy);
  // A clear report does not need review.
  auto p = classifier_->Predict("Winkeldiefstal bij de drogist, dader rende weg met cosmetica",
                           "winkeldiefstal", 2);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->theme, Theme::kPhysicalBusiness);
  EXPECT_FALSE(p->needs_review);
  // The threshold is the option's.
  ClassifierOptions strict;
  strict.review_threshold = 1.0;
  auto all_review = ThemeClassifier::Load(kModel, strict);
  ASSERT_TRUE(all_review.ok()) << all_review.status();
  p = (*all_review)->Predict("Winkeldiefstal bij de drogist", "winkeldiefstal", 2);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->needs_review);
  ClassifierOptions lax;
  lax.review_threshold = 0.0;
  auto none_review = ThemeClassifier::Load(kModel, lax);
  ASSERT_TRUE(none_review.ok());
  p = (*none_review)->Predict("", "", 0);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->needs_review);
}

TEST_F(ShippedModelTest, CalibrationTemperatureIsApplied) {
  ClassifierOptions raw;
  raw.temperature = 1.0;
  auto uncalibrated = ThemeClassifier::Load(kModel, raw);
  ASSERT_TRUE(uncalibrated.ok()) << uncalibrated.status();
  EXPECT_EQ((*uncalibrated)->temperature(), 1.0);
  EXPECT_NE(classifier_->temperature(), 1.0);
  const std::string text = "Er wordt gedeald bij de bushalte, steeds korte overdrachten";
  auto a = classifier_->Predict(text, "drugshandel", 1);
  auto b = (*uncalibrated)->Predict(text, "drugshandel", 1);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->theme, b->theme);  // temperature never changes the ranking
  auto logits = classifier_->Logits(ModelInput(text, "drugshandel", 1));
  ASSERT_TRUE(logits.ok());
  auto expected = CalibratedProbabilities(*logits, classifier_->temperature());
  for (size_t i = 0; i < kNumThemes; ++i) EXPECT_NEAR(a->probabilities[i], expected[i], 1e-12);
}

TEST_F(ShippedModelTest, PredictRejectsInvalidArguments) {
  EXPECT_EQ(classifier_->Predict("x", "Not A Code!", 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(classifier_->Predict("x", "winkeldiefstal", 4).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(classifier_->Predict("x", "", -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Unknown but well-formed categories and empty descriptions are fine.
  EXPECT_TRUE(classifier_->Predict("", "signalen.nieuw.iets", 0).ok());
  EXPECT_TRUE(classifier_->Predict("\xff\xfe invalid utf-8 \x80", "", 3).ok());
}

TEST_F(ShippedModelTest, SentenceVectorsAreUnitLengthAndSimilarForSimilarTexts) {
  auto a = classifier_->SentenceVector("Mijn fiets is gestolen bij het station");
  auto b = classifier_->SentenceVector("fiets gestolen bij station, slot doorgeknipt");
  auto c = classifier_->SentenceVector("De lantaarnpaal in de Zeestraat is kapot");
  ASSERT_EQ(a.size(), static_cast<size_t>(classifier_->dimension()));
  auto dot = [](const std::vector<float>& x, const std::vector<float>& y) {
    double s = 0;
    for (size_t i = 0; i < x.size(); ++i) s += double{x[i]} * y[i];
    return s;
  };
  EXPECT_NEAR(dot(a, a), 1.0, 1e-5);
  EXPECT_GT(dot(a, b), dot(a, c));
  for (float v : classifier_->SentenceVector("  ?!  ")) EXPECT_EQ(v, 0.0f);
}

TEST_F(ShippedModelTest, ConcurrentPredictionsMatchSequentialOnes) {
  auto examples = ReadLabelledFile(kCorpus + "/heldout.txt");
  ASSERT_TRUE(examples.ok());
  std::vector<ThemePrediction> expected;
  for (const auto& e : *examples) {
    expected.push_back(*classifier_->Predict(e.text, e.category, e.reporter_role));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < examples->size(); ++i) {
          const auto& e = (*examples)[i];
          auto p = classifier_->Predict(e.text, e.category, e.reporter_role);
          if (!p.ok() || p->probabilities != expected[i].probabilities) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(ThemeClassifierLoadTest, MissingModelIsNotFound) {
  auto c = ThemeClassifier::Load("/nonexistent/theme.bin");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound) << c.status();
}

TEST(ThemeClassifierLoadTest, GarbageAndTruncatedModelsAreInvalidArgument) {
  TempDir dir;
  const std::string path = dir / "bad.bin";
  ClassifierOptions raw;
  raw.temperature = 1.0;
  for (const std::string& content :
       {std::string(), std::string("this is not a model\n"), std::string(100000, '\x42')}) {
    WriteFile(path, content);
    auto c = ThemeClassifier::Load(path, raw);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << c.status();
  }
  // Truncations of the real model (densely in the header and dictionary, then across the
  // matrices) are refused before fastText sees them.
  const std::string model = ReadFile(kModel);
  ASSERT_GT(model.size(), 100000u);
  std::vector<size_t> cuts;
  for (size_t cut = 0; cut < 20000; cut += 97) cuts.push_back(cut);
  for (size_t cut = 20000; cut < model.size(); cut += model.size() / 40) cuts.push_back(cut);
  cuts.push_back(model.size() - 1);
  for (size_t cut : cuts) {
    WriteFile(path, model.substr(0, cut));
    auto c = ThemeClassifier::Load(path, raw);
    ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << cut << " " << c.status();
  }
  WriteFile(path, model + "x");  // trailing bytes
  EXPECT_EQ(ThemeClassifier::Load(path, raw).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Corrupt header fields: magic, version, dictionary size.
  for (size_t offset : {size_t{0}, size_t{4}, size_t{64}}) {
    std::string corrupt = model;
    corrupt[offset + 3] ^= 0x40;
    WriteFile(path, corrupt);
    EXPECT_EQ(ThemeClassifier::Load(path, raw).status().code(),
              absl::StatusCode::kInvalidArgument)
        << offset;
  }
}

TEST(ThemeClassifierLoadTest, CalibrationFileIsRequiredAndMustMatchTheModel) {
  TempDir dir;
  const std::string path = dir / "theme.bin";
  const std::string model = ReadFile(kModel);
  WriteFile(path, model);
  EXPECT_EQ(ThemeClassifier::Load(path).status().code(), absl::StatusCode::kNotFound);

  WriteFile(CalibrationPath(path), "{not json");
  EXPECT_EQ(ThemeClassifier::Load(path).status().code(), absl::StatusCode::kInvalidArgument);

  // The shipped calibration belongs to the shipped model; change one float of the model.
  WriteFile(CalibrationPath(path), ReadFile(CalibrationPath(kModel)));
  ASSERT_TRUE(ThemeClassifier::Load(path).ok());
  std::string changed = model;
  changed[changed.size() - 7] ^= 0x01;
  WriteFile(path, changed);
  auto c = ThemeClassifier::Load(path);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("another model"));
}

TEST(ThemeClassifierLoadTest, OptionsAreChecked) {
  ClassifierOptions o;
  o.review_threshold = 1.5;
  EXPECT_EQ(ThemeClassifier::Load(kModel, o).status().code(), absl::StatusCode::kInvalidArgument);
  o.review_threshold = 0.6;
  o.temperature = 0.0;
  EXPECT_EQ(ThemeClassifier::Load(kModel, o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ThemeClassifierTrainTest, SameSeedGivesTheSameModelAndPredictions) {
  TempDir dir;
  ASSERT_TRUE(Train(CheapOptions(dir / "a.bin")).ok());
  ASSERT_TRUE(Train(CheapOptions(dir / "b.bin")).ok());
  EXPECT_EQ(ReadFile(dir / "a.bin"), ReadFile(dir / "b.bin"));
  auto a = ThemeClassifier::Load(dir / "a.bin");
  auto b = ThemeClassifier::Load(dir / "b.bin");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->temperature(), (*b)->temperature());
  auto examples = ReadLabelledFile(kCorpus + "/heldout.txt");
  ASSERT_TRUE(examples.ok());
  for (const auto& e : *examples) {
    auto pa = (*a)->Predict(e.text, e.category, e.reporter_role);
    auto pb = (*b)->Predict(e.text, e.category, e.reporter_role);
    ASSERT_TRUE(pa.ok() && pb.ok());
    EXPECT_EQ(pa->probabilities, pb->probabilities);
  }
}

// The shipped model is reproducible: retraining with the default options (those of the
// build's wijkwacht_train call) on the committed corpus gives the same bytes.
TEST(ThemeClassifierTrainTest, ShippedModelIsReproducible) {
  TempDir dir;
  TrainOptions o;
  o.train_path = kCorpus + "/train.txt";
  o.extra_train_paths = absl::StrSplit(WIJKWACHT_EXTRA_TRAIN, ',');
  o.calibration_path = kCorpus + "/calibration.txt";
  o.output_path = dir / "theme.bin";
  auto summary = Train(o);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(ReadFile(o.output_path), ReadFile(kModel));
  EXPECT_EQ(ReadFile(CalibrationPath(o.output_path)), ReadFile(CalibrationPath(kModel)));
}

// Quantised models (.ftz, pruned dictionary) load, predict through fastText's own input path,
// and are validated like dense ones.
TEST(ThemeClassifierTrainTest, QuantizedModel) {
  TempDir dir;
  TrainOptions o = CheapOptions(dir / "q.ftz");
  o.quantize = true;
  o.quantize_cutoff = 2000;
  ASSERT_TRUE(Train(o).ok());
  auto c = ThemeClassifier::Load(o.output_path);
  ASSERT_TRUE(c.ok()) << c.status();
  auto ev = Evaluate(**c, kCorpus + "/heldout.txt");
  ASSERT_TRUE(ev.ok()) << ev.status();
  EXPECT_GT(ev->macro_f1, 0.5);
  const std::string model = ReadFile(o.output_path);
  EXPECT_LT(model.size(), 200000u);
  ClassifierOptions raw;
  raw.temperature = 1.0;
  for (size_t cut = 0; cut < model.size(); cut += 1 + model.size() / 200) {
    WriteFile(dir / "cut.ftz", model.substr(0, cut));
    ASSERT_EQ(ThemeClassifier::Load(dir / "cut.ftz", raw).status().code(),
              absl::StatusCode::kInvalidArgument)
        << cut;
  }
}

TEST(ThemeClassifierTrainTest, BrokenLineIsReportedWithItsNumber) {
  TempDir dir;
  const std::string good =
      "__label__YOUTH __cat__hangjongeren __role__resident jongeren bij de skatebaan\n"
      "# a comment\n"
      "\n";
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"jongeren zonder label\n", "expected __label__"},
      {"__label__YOUTHS tekst\n", "unknown theme"},
      {"__label__THEME_UNSPECIFIED tekst\n", "unknown theme"},
      {"__label__OTHER __role__mayor tekst\n", "unknown role"},
      {"__label__OTHER __cat__Bad_Code tekst\n", "invalid category code"},
      {"__label__OTHER __cat__none __role__staff  ?!\n", "no text"},
      {"__label__OTHER tekst __label__YOUTH\n", "more than one __label__"},
      {"__label__OTHER tekst met \x01 controle\n", "line"},
      {"__label__OTHER ongeldige utf-8 \xc3\x28\n", "line"},
  };
  for (const auto& [line, problem] : broken) {
    const std::string path = dir / "broken.txt";
    WriteFile(path, good + line);
    TrainOptions o = CheapOptions(dir / "m.bin");
    o.train_path = path;
    auto s = Train(o);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << line;
    EXPECT_THAT(s.status().message(), HasSubstr(path + ":4: ")) << s.status();
    EXPECT_THAT(s.status().message(), HasSubstr(problem)) << s.status();
  }
  // The corrections file is checked the same way.
  const std::string corrections = dir / "corrections.txt";
  WriteFile(corrections, "__label__OTHER goed\nslecht\n");
  TrainOptions o = CheapOptions(dir / "m.bin");
  o.corrections_path = corrections;
  EXPECT_THAT(Train(o).status().message(), HasSubstr(corrections + ":2: "));
}

TEST(ThemeClassifierTrainTest, TrainingErrors) {
  TempDir dir;
  TrainOptions o = CheapOptions(dir / "m.bin");
  o.train_path = dir / "missing.txt";
  EXPECT_EQ(Train(o).status().code(), absl::StatusCode::kNotFound);

  // Every theme must be present.
  WriteFile(dir / "one.txt", "__label__OTHER test\n__label__OTHER nog een test\n");
  o.train_path = dir / "one.txt";
  auto s = Train(o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("no example of theme LIVEABILITY"));

  o = CheapOptions(dir / "m.bin");
  o.epochs = 0;
  EXPECT_EQ(Train(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = CheapOptions(dir / "sub/dir/missing/m.bin");
  EXPECT_FALSE(Train(o).ok());
}

TEST(ThemeClassifierTrainTest, WithoutCalibrationFileEveryEighthLineCalibrates) {
  TempDir dir;
  TrainOptions o = CheapOptions(dir / "m.bin");
  o.calibration_path.clear();
  o.corrections_path = kCorpus + "/calibration.txt";  // as if they were corrections
  auto s = Train(o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->calibration_examples, 2100 / 8);
  EXPECT_EQ(s->correction_examples, 450);
  EXPECT_EQ(s->train_examples, 2100 - 2100 / 8 + 450);
  EXPECT_GT(s->temperature, 0);
  EXPECT_LE(s->calibration_nll_after, s->calibration_nll_before + 1e-12);
  EXPECT_TRUE(ThemeClassifier::Load(o.output_path).ok());
}

// The word cache (FastTextModel::HiddenForLine) computes what fastText's own input path does.
TEST(FastTextModelTest, WordCacheMatchesFastTextsInputPath) {
  auto bytes = internal::ReadWholeFile(kModel);
  ASSERT_TRUE(bytes.ok());
  auto model = internal::FastTextModel::FromBytes(*bytes);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE((*model)->HasWordCache());
  auto examples = ReadLabelledFile(kCorpus + "/heldout.txt");
  ASSERT_TRUE(examples.ok());
  std::vector<std::string> lines = {"", "__cat__none __cue__noise", "qqqq xxyyzz 1234",
                                    "a __label__OTHER b __label__NEW c"};
  for (const auto& e : *examples) lines.push_back(ModelInput(e.text, e.category, e.reporter_role));
  const int dim = (*model)->Dimension();
  fasttext::Vector fast(dim), reference(dim);
  std::vector<int32_t> ids;
  for (const std::string& line : lines) {
    (*model)->HiddenForLine(line, fast);
    (*model)->InputIds(line, ids);
    (*model)->Hidden(ids, reference);
    for (int i = 0; i < dim; ++i) ASSERT_NEAR(fast[i], reference[i], 1e-5) << line;
  }
}

TEST(ModelInputTest, Normalisation) {
  EXPECT_EQ(NormaliseForModel("  Héél  GOED!!  "), "heel goed");
  EXPECT_EQ(NormaliseForModel("Café's, 's nachts; e-bike_2x"), "cafe s s nachts e bike 2x");
  EXPECT_EQ(NormaliseForModel("ĲS en Œuvre, Straße"), "ijs en oeuvre strasse");
  EXPECT_EQ(NormaliseForModel("wtf 😡😡 idd"), "wtf idd");
  EXPECT_EQ(NormaliseForModel("Москва 123"), "Москва 123");
  EXPECT_EQ(NormaliseForModel("a\xff\xfe" "b"), "a b");
  EXPECT_EQ(NormaliseForModel("__label__YOUTH"), "label youth");
  EXPECT_EQ(NormaliseForModel(""), "");
}

TEST(ModelInputTest, Format) {
  EXPECT_EQ(ModelInput("Winkeldief!", "winkeldiefstal", 2),
            "__cat__winkeldiefstal __cue__shoplifting __cue__shop_setting __cue__shoplifting "
            "__cue__shop_setting winkeldief");
  EXPECT_EQ(ModelInput("x", "signalen.overlast-van-en-door-personen-of-groepen.jongerenoverlast", 1),
            "__cat__jongerenoverlast x");
  EXPECT_EQ(ModelInput("", "", 0), "__cat__none");
  // Catch-all codes carry no evidence: the same input as no category.
  EXPECT_EQ(ModelInput("x", "signalen.overig.overig", 1), "__cat__none x");
  EXPECT_EQ(ModelInput("x",
                       "signalen.overlast-van-en-door-personen-of-groepen."
                       "overige-overlast-door-personen",
                       1),
            "__cat__none x");
  // The reporter's role is not evidence of a theme.
  EXPECT_EQ(ModelInput("fiets gejat", "", 1), ModelInput("fiets gejat", "", 2));
  EXPECT_EQ(RoleName(3), "staff");
  EXPECT_EQ(RoleName(17), "unspecified");
}

TEST(ModelInputTest, ReadLabelledFile) {
  TempDir dir;
  WriteFile(dir / "l.txt",
            "# comment\n"
            "__label__SUBVERSION __cat__drugshandel __role__staff  dealer bij de bushalte\r\n"
            "__label__OTHER test\n");
  auto examples = ReadLabelledFile(dir / "l.txt");
  ASSERT_TRUE(examples.ok()) << examples.status();
  ASSERT_EQ(examples->size(), 2u);
  EXPECT_EQ((*examples)[0].theme, Theme::kSubversion);
  EXPECT_EQ((*examples)[0].category, "drugshandel");
  EXPECT_EQ((*examples)[0].reporter_role, 3);
  EXPECT_EQ((*examples)[0].text, "dealer bij de bushalte");
  EXPECT_EQ((*examples)[0].line, 2);
  EXPECT_EQ((*examples)[1].category, "");
  EXPECT_EQ((*examples)[1].reporter_role, 0);
  WriteFile(dir / "empty.txt", "# nothing\n\n");
  EXPECT_EQ(ReadLabelledFile(dir / "empty.txt").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadLabelledFile(dir / "missing.txt").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace wijkwacht::classify

// Our own main: Debian's libfasttext.so exports the fastText CLI's main(), which the linker
// may pick over gtest_main's (from a static archive) depending on link order.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
