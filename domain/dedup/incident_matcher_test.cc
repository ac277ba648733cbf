#include "domain/dedup/incident_matcher.h"

#include <cmath>

#include "gtest/gtest.h"
#include "s2/s2cell_id.h"
#include "s2/s2latlng.h"

namespace wijkwacht::dedup {
namespace {

using catalog::Theme;

const absl::Time kT0 = absl::FromUnixSeconds(1773500000);  // 2026-03-14

// Breestraat, Beverwijk.
constexpr double kLat = 52.4870;
constexpr double kLng = 4.6570;
// Metres per degree of latitude / of longitude at kLat.
constexpr double kMetresPerDegreeLat = 111195;
const double kMetresPerDegreeLng = 111195 * std::cos(kLat * M_PI / 180);

std::vector<float> Unit(std::vector<float> v) {
  double n = 0;
  for (float x : v) n += x * x;
  for (float& x : v) x = static_cast<float>(x / std::sqrt(n));
  return v;
}

ReportFeatures Report(double north_m, absl::Duration after, Theme theme, std::string category,
                      std::vector<float> text) {
  ReportFeatures r;
  r.latitude = kLat + north_m / kMetresPerDegreeLat;
  r.longitude = kLng;
  r.observed = kT0 + after;
  r.theme = theme;
  r.category = std::move(category);
  r.text_vector = Unit(std::move(text));
  return r;
}

IncidentFeatures Incident(std::string id, Theme theme, std::string category,
                          std::vector<float> text) {
  IncidentFeatures i;
  i.id = std::move(id);
  i.latitude = kLat;
  i.longitude = kLng;
  i.first_observed = kT0;
  i.last_observed = kT0;
  i.theme = theme;
  i.category = std::move(category);
  i.text_vector = Unit(std::move(text));
  i.report_count = 1;
  return i;
}

const IncidentMatcher kMatcher(DedupOptions{}, nullptr);

TEST(IncidentMatcherTest, SameEventCloseInSpaceAndTimeScoresAboveThreshold) {
  MatchScore s = kMatcher.Score(
      Report(40, absl::Minutes(10), Theme::kLiveability, "inbraak-woning", {1, 0.1f, 0}),
      Incident("a", Theme::kLiveability, "inbraak-woning", {1, 0, 0}));
  EXPECT_TRUE(s.eligible);
  EXPECT_GT(s.score, kMatcher.options().threshold);
  EXPECT_NEAR(s.distance_meters, 40, 0.5);
  EXPECT_GT(s.text_similarity, 0.99);
}

TEST(IncidentMatcherTest, OutsideRadiusIsNotEligible) {
  MatchScore s = kMatcher.Score(
      Report(400, absl::Minutes(1), Theme::kLiveability, "inbraak-woning", {1, 0, 0}),
      Incident("a", Theme::kLiveability, "inbraak-woning", {1, 0, 0}));
  EXPECT_FALSE(s.eligible);
  EXPECT_EQ(s.score, 0);
}

TEST(IncidentMatcherTest, GpsAccuracyWidensTheRadiusUpToTheSlackCap) {
  ReportFeatures r =
      Report(220, absl::Minutes(1), Theme::kLiveability, "inbraak-woning", {1, 0, 0});
  const IncidentFeatures i = Incident("a", Theme::kLiveability, "inbraak-woning", {1, 0, 0});
  EXPECT_FALSE(kMatcher.Score(r, i).eligible);
  r.accuracy_meters = 80;
  EXPECT_TRUE(kMatcher.Score(r, i).eligible);
  r.latitude = kLat + 300 / kMetresPerDegreeLat;
  r.accuracy_meters = 4000;  // counted as at most 100 m
  EXPECT_FALSE(kMatcher.Score(r, i).eligible);
}

TEST(IncidentMatcherTest, TimeWindowDependsOnTheme) {
  const IncidentFeatures shop = Incident("a", Theme::kPhysicalBusiness, "winkeldiefstal", {1, 0});
  EXPECT_TRUE(kMatcher
                  .Score(Report(0, absl::Hours(5), Theme::kPhysicalBusiness, "winkeldiefstal",
                                {1, 0}),
                         shop)
                  .eligible);
  EXPECT_FALSE(kMatcher
                   .Score(Report(0, absl::Hours(30), Theme::kPhysicalBusiness, "winkeldiefstal",
                                 {1, 0}),
                          shop)
                   .eligible);
  // A grow house is a lasting situation: reports days apart are one incident when both
  // texts say so (the event kind's span, not the theme's).
  IncidentFeatures grow = Incident("b", Theme::kSubversion, "hennepteelt-signalen", {1, 0});
  grow.event = lexicon::ReadSignature("wietlucht en gezoem uit de woning");
  ReportFeatures later = Report(0, absl::Hours(24 * 6), Theme::kSubversion,
                                "hennepteelt-signalen", {1, 0});
  EXPECT_FALSE(kMatcher.Score(later, grow).eligible);  // texts that name no kind
  later.event = lexicon::ReadSignature("ramen afgeplakt en het ruikt naar hennep");
  EXPECT_TRUE(kMatcher.Score(later, grow).eligible);
}

ReportFeatures WithText(ReportFeatures r, absl::string_view text) {
  r.event = lexicon::ReadSignature(text);
  return r;
}
IncidentFeatures WithText(IncidentFeatures i, absl::string_view text) {
  i.event = lexicon::ReadSignature(text);
  return i;
}

TEST(IncidentMatcherTest, DifferentKindsOfEventAtOneSpotAreNotEligible) {
  // A pickpocket and a bike theft at the station, minutes apart.
  const IncidentFeatures bike =
      WithText(Incident("a", Theme::kLiveability, "", {1, 0}), "mijn fiets is gestolen");
  MatchScore s = kMatcher.Score(
      WithText(Report(20, absl::Minutes(5), Theme::kPhysicalBusiness, "", {1, 0}),
               "zakkenroller heeft mijn portemonnee gepakt"),
      bike);
  EXPECT_FALSE(s.eligible);
  EXPECT_EQ(s.veto, "event kind");
  // A witness's words (someone running off) do not conflict with the theft.
  s = kMatcher.Score(WithText(Report(20, absl::Minutes(5), Theme::kLiveability, "", {1, 0}),
                              "zag iemand verdacht wegrennen met een kniptang"),
                     bike);
  EXPECT_TRUE(s.eligible);
  EXPECT_GE(s.score, kMatcher.options().threshold);
}

TEST(IncidentMatcherTest, SameKindAtTheSamePlaceOnAnotherDayIsANewIncident) {
  const IncidentFeatures bike =
      WithText(Incident("a", Theme::kLiveability, "fietsdiefstal", {1, 0}), "fiets gestolen");
  EXPECT_TRUE(kMatcher
                  .Score(WithText(Report(0, absl::Hours(1), Theme::kLiveability,
                                         "fietsdiefstal", {1, 0}),
                                  "fiets gejat"),
                         bike)
                  .eligible);
  EXPECT_FALSE(kMatcher
                   .Score(WithText(Report(0, absl::Hours(24 * 3), Theme::kLiveability,
                                          "fietsdiefstal", {1, 0}),
                                   "fiets gejat"),
                          bike)
                   .eligible);
  // Fireworks at one flat: one evening, not the next one.
  const IncidentFeatures fireworks =
      WithText(Incident("b", Theme::kLiveability, "", {1, 0}), "vuurwerk bij de flat");
  EXPECT_TRUE(kMatcher
                  .Score(WithText(Report(0, absl::Hours(3), Theme::kLiveability, "", {1, 0}),
                                  "weer vuurwerk"),
                         fireworks)
                  .eligible);
  EXPECT_FALSE(kMatcher
                   .Score(WithText(Report(0, absl::Hours(24), Theme::kLiveability, "", {1, 0}),
                                   "weer vuurwerk"),
                          fireworks)
                   .eligible);
}

TEST(IncidentMatcherTest, ObjectsAndPersonsTellEventsApart) {
  const IncidentFeatures batavus = WithText(
      Incident("a", Theme::kLiveability, "", {1, 0}), "zwarte batavus gestolen");
  MatchScore s = kMatcher.Score(
      WithText(Report(10, absl::Minutes(20), Theme::kLiveability, "", {1, 0}),
               "blauwe gazelle gestolen"),
      batavus);
  EXPECT_FALSE(s.eligible);
  EXPECT_EQ(s.veto, "brand");
  // Colours or genders that differ lower the score.
  const IncidentFeatures woman = WithText(Incident("b", Theme::kLiveability, "", {1, 0}),
                                          "verwarde vrouw bij de bushalte");
  const double same = kMatcher.Score(WithText(Report(10, absl::Minutes(5), Theme::kLiveability,
                                                      "", {1, 0}),
                                               "vrouw in de war bij de bushalte"),
                                      woman)
                          .score;
  const double other = kMatcher.Score(WithText(Report(10, absl::Minutes(5), Theme::kLiveability,
                                                       "", {1, 0}),
                                                "man in de war bij de bushalte"),
                                       woman)
                           .score;
  EXPECT_NEAR(same - other, kMatcher.options().gender_penalty, 1e-9);
}

TEST(IncidentMatcherTest, ColouredObjectsAndAgeBandsTellPersonsApart) {
  const IncidentFeatures red_jacket =
      WithText(Incident("a", Theme::kYouth, "", {1, 0}),
               "jongen van een jaar of 15 in een rode jas schreeuwt bij de bushalte");
  // Smaller penalties and bonus than the defaults, so that no score is clamped to 0 or 1.
  DedupOptions options;
  options.detail_bonus = 0.1;
  options.detail_penalty = 0.15;
  options.age_penalty = 0.15;
  const IncidentMatcher matcher(options, nullptr);
  auto score = [&](const char* text) {
    return matcher.Score(WithText(Report(60, absl::Minutes(30), Theme::kYouth, "", {1, 1}),
                                   text),
                          red_jacket)
        .score;
  };
  const double same = score("jongen van een jaar of 15 met rode jas schreeuwt bij de bushalte");
  ASSERT_LT(same, 1);
  ASSERT_GT(same, 0.5);
  // Another colour of the jacket loses the bonus and gets the penalty (and a shared word).
  const double blue_jacket = score("jongen van een jaar of 15 met blauwe jas schreeuwt bij de bushalte");
  EXPECT_GE(same - blue_jacket,
            matcher.options().detail_bonus + matcher.options().detail_penalty - 1e-9);
  // Red on another object is no conflict and no bonus: only the colour is in common.
  const double red_cap = score("jongen van een jaar of 15 met rode pet schreeuwt bij de bushalte");
  EXPECT_LT(red_cap, same);
  EXPECT_GT(red_cap, blue_jacket);
  // A teenager is not an elderly man.
  const double elderly = score("oude man met rode jas schreeuwt bij de bushalte");
  EXPECT_LT(elderly, same - matcher.options().age_penalty + 1e-9);
}

TEST(IncidentMatcherTest, ACommonColouredObjectJoinsFarReports) {
  // A shop's till emptied; 250 m on, a passer-by saw someone in a grey tracksuit running.
  const IncidentFeatures till =
      WithText(Incident("a", Theme::kPhysicalBusiness, "", {1, 0}),
               "fooienpot van de balie gegrist door een jongen in een grijs trainingspak");
  const ReportFeatures far = Report(250, absl::Minutes(10), Theme::kLiveability, "", {0, 1});
  MatchScore s = kMatcher.Score(WithText(far, "iemand in een grijs trainingspak sprintte het park door"),
                                till);
  EXPECT_TRUE(s.eligible) << s.veto;
  s = kMatcher.Score(WithText(far, "iemand in een blauw trainingspak sprintte het park door"), till);
  EXPECT_FALSE(s.eligible);
}

TEST(IncidentMatcherTest, ALastingSituationToldInUnknownWordsKeepsItsWindow) {
  // A dark street light, and three days later the same light told in words the lexicon does
  // not know: within the situation window.
  const IncidentFeatures light = WithText(Incident("a", Theme::kOther, "", {1, 0}),
                                          "de lantaarnpaal brandt al dagen niet");
  ASSERT_NE(light.event.kinds(), 0u);
  ReportFeatures later = WithText(Report(20, absl::Hours(72), Theme::kOther, "", {1, 0}),
                                  "still nothing done about it on the path, please come");
  ASSERT_EQ(later.event.kinds(), 0u);
  EXPECT_TRUE(kMatcher.Score(later, light).eligible);
  // Not beyond it.
  later.observed = kT0 + kMatcher.options().situation_window + absl::Hours(1);
  EXPECT_FALSE(kMatcher.Score(later, light).eligible);
}

TEST(IncidentMatcherTest, FarReportsJoinOnlyOnACommonEventKind) {
  const IncidentFeatures robbery =
      WithText(Incident("a", Theme::kPhysicalBusiness, "", {1, 0}), "overval op de snackbar");
  ReportFeatures far = Report(250, absl::Minutes(10), Theme::kPhysicalBusiness, "", {1, 0});
  MatchScore s = kMatcher.Score(far, robbery);
  EXPECT_FALSE(s.eligible);
  EXPECT_EQ(s.veto, "distance without a common event kind");
  s = kMatcher.Score(WithText(far, "net een overval gezien, dader op scooter"), robbery);
  EXPECT_TRUE(s.eligible);
}

TEST(IncidentMatcherTest, CatchAllCategoriesAddNothing) {
  constexpr char kOverig[] = "signalen.overig.overig";
  const IncidentFeatures i = Incident("a", Theme::kLiveability, kOverig, {1, 0});
  const IncidentFeatures j = Incident("a", Theme::kLiveability, "", {1, 0});
  // Agreeing on "Overig" scores like having no category at all.
  EXPECT_EQ(kMatcher.Score(Report(10, absl::Minutes(5), Theme::kLiveability, kOverig, {1, 0}), i)
                .score,
            kMatcher.Score(Report(10, absl::Minutes(5), Theme::kLiveability, "", {1, 0}), j)
                .score);
}

TEST(IncidentMatcherTest, SearchWindowCoversLastingEventKinds) {
  ReportFeatures r = WithText(Report(0, absl::ZeroDuration(), Theme::kYouth, "", {}),
                              "hennepkwekerij");
  EXPECT_GE(kMatcher.SearchWindow(r, Theme::kYouth), absl::Hours(24 * 21));
  EXPECT_GE(kMatcher.MaxWindow(), absl::Hours(24 * 21));
}

TEST(IncidentMatcherTest, WeeklyNuisanceDoesNotReachLastWeeksIncident) {
  const IncidentFeatures noise = Incident("a", Theme::kLiveability, "geluidsoverlast", {1, 0});
  MatchScore s = kMatcher.Score(
      Report(0, absl::Hours(24 * 7), Theme::kLiveability, "geluidsoverlast", {1, 0}), noise);
  EXPECT_FALSE(s.eligible);
  EXPECT_EQ(s.time_gap, absl::Hours(24 * 7));
}

TEST(IncidentMatcherTest, ReportBeforeTheSpanCountsTheGapToFirstObserved) {
  IncidentFeatures i = Incident("a", Theme::kLiveability, "vandalisme", {1, 0});
  i.last_observed = kT0 + absl::Hours(3);
  MatchScore inside = kMatcher.Score(
      Report(0, absl::Hours(1), Theme::kLiveability, "vandalisme", {1, 0}), i);
  EXPECT_EQ(inside.time_gap, absl::ZeroDuration());
  MatchScore before = kMatcher.Score(
      Report(0, -absl::Hours(2), Theme::kLiveability, "vandalisme", {1, 0}), i);
  EXPECT_EQ(before.time_gap, absl::Hours(2));
  EXPECT_LT(before.score, inside.score);
}

TEST(IncidentMatcherTest, DifferentEventSamePlaceAndMinuteStaysBelowThreshold) {
  // Same spot, same minute, but another theme, category and an unrelated text.
  MatchScore s = kMatcher.Score(
      Report(10, absl::Minutes(1), Theme::kOther, "loslopende-hond", {0, 1, 0}),
      Incident("a", Theme::kLiveability, "auto-inbraak", {1, 0, 0}));
  EXPECT_TRUE(s.eligible);
  EXPECT_LT(s.score, kMatcher.options().threshold);
}

TEST(IncidentMatcherTest, ScoreDecreasesWithDistanceAndTime) {
  const IncidentFeatures i = Incident("a", Theme::kLiveability, "vandalisme", {1, 0});
  double previous = 2;
  for (double m : {0.0, 30.0, 60.0, 120.0}) {
    double s = kMatcher.Score(Report(m, absl::Minutes(5), Theme::kLiveability, "vandalisme",
                                     {1, 0}),
                              i)
                   .score;
    EXPECT_LT(s, previous) << m;
    previous = s;
  }
  previous = 2;
  for (int h : {0, 4, 12, 30}) {
    double s = kMatcher.Score(Report(0, absl::Hours(h), Theme::kLiveability, "vandalisme",
                                     {1, 0}),
                              i)
                   .score;
    EXPECT_LT(s, previous) << h;
    previous = s;
  }
}

TEST(IncidentMatcherTest, ChooseTakesTheBestAboveThresholdAndBreaksTiesById) {
  std::vector<IncidentFeatures> incidents = {Incident("c", Theme::kYouth, "", {}),
                                             Incident("b", Theme::kYouth, "", {}),
                                             Incident("a", Theme::kYouth, "", {})};
  std::vector<MatchScore> scores(3);
  scores[0] = {true, 0.8};
  scores[1] = {true, 0.9};
  scores[2] = {true, 0.9};
  EXPECT_EQ(kMatcher.Choose(incidents, scores), 2u);  // "a" beats "b" at the same score
  scores[1].eligible = scores[2].eligible = false;
  EXPECT_EQ(kMatcher.Choose(incidents, scores), 0u);
  scores[0].score = 0.1;
  EXPECT_EQ(kMatcher.Choose(incidents, scores), std::nullopt);
}

TEST(IncidentMatcherTest, UnsureDecisionsNearTheThresholdGoToReview) {
  const double t = kMatcher.options().threshold, m = kMatcher.options().review_margin;
  std::vector<MatchScore> scores(2);
  scores[0] = {true, t + m + 0.01};
  scores[1] = {true, t - m - 0.01};
  EXPECT_FALSE(kMatcher.Unsure(scores, 0));  // a clear join
  scores[0].score = t + m / 2;
  EXPECT_TRUE(kMatcher.Unsure(scores, 0));  // a join just above the threshold
  scores[0].score = t - m - 0.01;
  EXPECT_FALSE(kMatcher.Unsure(scores, std::nullopt));  // a clear new incident
  scores[1].score = t - m / 2;
  EXPECT_TRUE(kMatcher.Unsure(scores, std::nullopt));  // a near miss
  scores[1].eligible = false;
  EXPECT_FALSE(kMatcher.Unsure(scores, std::nullopt));  // not eligible is no near miss
  DedupOptions bad;
  bad.review_margin = 0.6;
  EXPECT_EQ(ValidateDedupOptions(bad).code(), absl::StatusCode::kInvalidArgument);
}

// How far apart two reports of one event may be follows the kind of event: one that moves
// or is seen from afar joins over a few hundred metres, one at a spot does not.
TEST(IncidentMatcherTest, ReachFollowsTheKindOfEvent) {
  struct Row {
    const char* first;
    const char* second;
    double north_m;
    bool eligible;
    absl::string_view veto;
  };
  const Row rows[] = {
      {"vechtpartij met jongeren op het plein", "groep jongens rent hier en ze vechten nog", 260,
       true, ""},
      {"container staat in de fik", "zie zwarte rook boven de flats", 280, true, ""},
      {"overval op de avondwinkel, man met pistool", "scooter scheurde net weg met hoge snelheid",
       270, true, ""},
      {"harde muziek, feest bij de buren", "iemand draait house op volume 100", 220, true, ""},
      // The same kind at one spot, told 250 m apart: two shops, two cars.
      {"winkeldief bij de drogist, zonder te betalen weg", "winkeldief in de supermarkt", 250,
       false, "distance: an event at one spot"},
      {"ruit ingeslagen van mijn auto", "autoruit ingeslagen, navigatie weg", 250, false,
       "distance: an event at one spot"},
      // Near, the same pairs join.
      {"winkeldief bij de drogist, zonder te betalen weg", "winkeldief in de supermarkt", 60,
       true, ""},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.first) + " / " + r.second);
    const IncidentFeatures first = WithText(Incident("a", Theme::kYouth, "", {}), r.first);
    const MatchScore s = kMatcher.Score(
        WithText(Report(r.north_m, absl::Minutes(10), Theme::kYouth, "", {}), r.second), first);
    EXPECT_EQ(s.eligible, r.eligible);
    EXPECT_EQ(s.veto, r.veto);
  }
}

TEST(IncidentMatcherTest, OneEventToldFromTwoSidesScoresLikeOneEvent) {
  // The occupant finds the forced door; a neighbour saw someone climb the fence with a torch.
  const IncidentFeatures burglary =
      WithText(Incident("a", Theme::kLiveability, "signalen.overig.overig", {1, 0}),
               "achterdeur opengebroken, laptop weg");
  const MatchScore s = kMatcher.Score(
      WithText(Report(60, absl::Minutes(20), Theme::kLiveability, "signalen.overig.overig", {0, 1}),
               "iemand met een zaklamp klom over de schutting en rende weg"),
      burglary);
  EXPECT_TRUE(s.eligible);
  EXPECT_GE(s.score, kMatcher.options().threshold);
  // An overcrowded house and its rubbish a week later: one lasting situation.
  const IncidentFeatures house =
      WithText(Incident("b", Theme::kSubversion, "", {}), "huisbaas heeft 9 mensen in een huis gepropt");
  EXPECT_TRUE(kMatcher
                  .Score(WithText(Report(20, absl::Hours(24 * 7), Theme::kLiveability, "", {}),
                                  "vuilnis ligt al weken in de voortuin"),
                         house)
                  .eligible);
}

TEST(IncidentMatcherTest, SearchCellsCoverTheRadiusAndContainTheIndexCell) {
  ReportFeatures r = Report(0, absl::ZeroDuration(), Theme::kYouth, "hangjongeren", {});
  std::vector<uint64_t> cells = kMatcher.SearchCells(r);
  ASSERT_FALSE(cells.empty());
  EXPECT_LE(cells.size(), 16u);
  EXPECT_TRUE(std::is_sorted(cells.begin(), cells.end()));
  // Every point on a ring at the radius (plus no accuracy) lies in one of the cells.
  for (int deg = 0; deg < 360; deg += 15) {
    const double a = deg * M_PI / 180;
    const double lat = kLat + 149 * std::cos(a) / kMetresPerDegreeLat;
    const double lng = kLng + 149 * std::sin(a) / kMetresPerDegreeLng;
    const uint64_t cell = IncidentMatcher::IndexCell(lat, lng);
    EXPECT_TRUE(std::binary_search(cells.begin(), cells.end(), cell)) << deg;
  }
  EXPECT_EQ(S2CellId(IncidentMatcher::IndexCell(kLat, kLng)).level(), kIncidentCellLevel);
}

TEST(IncidentMatcherTest, WithoutTextVectorsTheOtherSignalsAreRenormalised) {
  MatchScore s = kMatcher.Score(
      Report(0, absl::ZeroDuration(), Theme::kYouth, "hangjongeren", {}),
      Incident("a", Theme::kYouth, "hangjongeren", {}));
  EXPECT_NEAR(s.score, 1.0, 1e-9);
}

TEST(IncidentMatcherTest, CombineVectorsIsTheNormalisedWeightedSum) {
  std::vector<float> v = CombineVectors(Unit({1, 0}), 3, Unit({0, 1}));
  EXPECT_NEAR(v[0], 3 / std::sqrt(10.0), 1e-6);
  EXPECT_NEAR(v[1], 1 / std::sqrt(10.0), 1e-6);
  EXPECT_EQ(CombineVectors({}, 0, Unit({0, 1})), Unit({0, 1}));
}

TEST(IncidentMatcherTest, ValidateRejectsBadOptions) {
  EXPECT_TRUE(ValidateDedupOptions(DedupOptions{}).ok());
  DedupOptions o;
  o.radius_meters = 0;
  EXPECT_FALSE(ValidateDedupOptions(o).ok());
  o = DedupOptions{};
  o.time_window[3] = absl::ZeroDuration();
  EXPECT_NE(ValidateDedupOptions(o).message().find("time_window.SUBVERSION"), std::string::npos);
  o = DedupOptions{};
  o.threshold = 1.5;
  EXPECT_FALSE(ValidateDedupOptions(o).ok());
  o = DedupOptions{};
  o.near_meters = o.radius_meters + 1;
  EXPECT_FALSE(ValidateDedupOptions(o).ok());
  o = DedupOptions{};
  o.gender_penalty = -0.1;
  EXPECT_FALSE(ValidateDedupOptions(o).ok());
}

TEST(IncidentMatcherTest, ParseTimeWindowsSetsNamedThemesOnly) {
  DedupOptions o;
  ASSERT_TRUE(ParseTimeWindows("YOUTH=2h, SUBVERSION=720h", &o).ok());
  EXPECT_EQ(o.time_window[2], absl::Hours(2));
  EXPECT_EQ(o.time_window[3], absl::Hours(720));
  EXPECT_EQ(o.time_window[1], DedupOptions{}.time_window[1]);
  EXPECT_FALSE(ParseTimeWindows("YOUTH", &o).ok());
  EXPECT_FALSE(ParseTimeWindows("PIRATES=2h", &o).ok());
  EXPECT_FALSE(ParseTimeWindows("YOUTH=soon", &o).ok());
}

}  // namespace
}  // namespace wijkwacht::dedup
