#include "domain/plan/poll_figures.h"

#include <cmath>

#include "gtest/gtest.h"

namespace wijkwacht::plan {
namespace {

TEST(PollFiguresTest, MeanIntervalMatchesStudentsT) {
  // n = 5, mean 6, sd = sqrt(2.5); t(0.975, 4) = 2.776445.
  const Interval i = MeanInterval({4, 5, 6, 7, 8});
  EXPECT_DOUBLE_EQ(i.mean, 6);
  EXPECT_NEAR(i.high - i.mean, 2.776445 * std::sqrt(2.5) / std::sqrt(5.0), 1e-5);
  EXPECT_NEAR(i.mean - i.low, i.high - i.mean, 1e-12);
  const Interval one = MeanInterval({7});
  EXPECT_EQ(one.low, 1);
  EXPECT_EQ(one.high, 10);
}

TEST(PollFiguresTest, WilsonInterval) {
  // 3 of 10: the textbook Wilson interval is [0.1078, 0.6032].
  const Interval i = WilsonInterval(3, 10);
  EXPECT_DOUBLE_EQ(i.mean, 0.3);
  EXPECT_NEAR(i.low, 0.1078, 1e-4);
  EXPECT_NEAR(i.high, 0.6032, 1e-4);
  EXPECT_GE(WilsonInterval(0, 5).low, 0);
  EXPECT_LE(WilsonInterval(5, 5).high, 1);
}

TEST(PollFiguresTest, SmallAreasAreWithheldAndWijkenSumTheirBuurten) {
  std::vector<PollResponse> responses;
  for (int i = 0; i < 6; ++i) responses.push_back({"BU1", "WK1", 8, {1}});
  for (int i = 0; i < 5; ++i) responses.push_back({"BU2", "WK1", 6, {}});
  for (int i = 0; i < 3; ++i) responses.push_back({"BU3", "WK1", 4, {1, 2}});
  for (int i = 0; i < 2; ++i) responses.push_back({"BU4", "WK1", 4, {2}});
  const std::vector<AreaFigures> f =
      PollFigures(responses, {"WK1", "BU1", "BU2", "BU3", "BU4", "BU9"}, 5);
  ASSERT_EQ(f.size(), 5u);  // BU9 has no respondents
  EXPECT_EQ(f[0].respondents, 16);
  EXPECT_DOUBLE_EQ(f[0].mean_score, (6 * 8 + 5 * 6 + 3 * 4 + 2 * 4) / 16.0);
  ASSERT_EQ(f[0].themes.size(), 2u);
  EXPECT_DOUBLE_EQ(f[0].themes[0].share, 9 / 16.0);
  EXPECT_DOUBLE_EQ(f[0].themes[1].share, 5 / 16.0);
  EXPECT_FALSE(f[1].withheld);  // BU1: 6
  // BU3 (3) and BU4 (2) are withheld; together 5, so BU2 may be shown.
  EXPECT_FALSE(f[2].withheld);
  EXPECT_TRUE(f[3].withheld);
  EXPECT_EQ(f[3].respondents, 0);
  EXPECT_EQ(f[3].mean_score, 0);
  EXPECT_TRUE(f[3].themes.empty());
  EXPECT_TRUE(f[4].withheld);
}

TEST(PollFiguresTest, ComplementaryWithholdingSoThatNothingCanBeSubtracted) {
  // BU2 (2) alone would follow from WK1 - BU1: the smaller shown buurt goes too.
  std::vector<PollResponse> responses;
  for (int i = 0; i < 6; ++i) responses.push_back({"BU1", "WK1", 8, {}});
  for (int i = 0; i < 7; ++i) responses.push_back({"BU5", "WK1", 8, {}});
  for (int i = 0; i < 2; ++i) responses.push_back({"BU2", "WK1", 4, {}});
  EXPECT_EQ(WithheldAreas(responses, 5), (std::set<std::string>{"BU1", "BU2"}));
  // Across wijken: WK2 (3) would follow from the gemeente minus WK1; WK3 (6, smallest shown)
  // is withheld with its buurt.
  for (int i = 0; i < 3; ++i) responses.push_back({"BU6", "WK2", 5, {}});
  for (int i = 0; i < 6; ++i) responses.push_back({"BU7", "WK3", 5, {}});
  EXPECT_EQ(WithheldAreas(responses, 5),
            (std::set<std::string>{"BU1", "BU2", "BU6", "WK2", "BU7", "WK3"}));
  // A requested subset gets the same answer.
  const std::vector<AreaFigures> only = PollFigures(responses, {"BU1"}, 5);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_TRUE(only[0].withheld);
}

// For a public listing every asked area comes back: one without respondents is withheld
// exactly like one below the minimum, so "withheld" does not tell that someone answered.
TEST(PollFiguresTest, EveryAreaListsTheEmptyOnesWithheldLikeTheSmallOnes) {
  std::vector<PollResponse> responses;
  for (int i = 0; i < 6; ++i) responses.push_back({"BU1", "WK1", 8, {1}});
  for (int i = 0; i < 6; ++i) responses.push_back({"BU2", "WK1", 7, {}});
  responses.push_back({"BU3", "WK1", 3, {2}});
  const std::vector<AreaFigures> f =
      PollFigures(responses, {"BU3", "BU9"}, 5, /*every_area=*/true);
  ASSERT_EQ(f.size(), 2u);
  for (const AreaFigures& area : f) {
    EXPECT_TRUE(area.withheld) << area.area_code;
    EXPECT_EQ(area.respondents, 0);
    EXPECT_EQ(area.mean_score, 0);
    EXPECT_TRUE(area.themes.empty());
  }
  EXPECT_EQ(f[1].area_code, "BU9");
  EXPECT_EQ(PollFigures(responses, {"BU3", "BU9"}, 5).size(), 1u) << "without: left out";
}

}  // namespace
}  // namespace wijkwacht::plan
