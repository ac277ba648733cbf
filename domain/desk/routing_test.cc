#include "domain/desk/routing.h"

#include "gtest/gtest.h"

namespace wijkwacht::desk {
namespace {

absl::TimeZone Amsterdam() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &zone));
  return zone;
}

absl::Time Local(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), Amsterdam());
}

constexpr uint32_t kWorkdays =
    WeekdayBit(absl::Weekday::monday) | WeekdayBit(absl::Weekday::tuesday) |
    WeekdayBit(absl::Weekday::wednesday) | WeekdayBit(absl::Weekday::thursday) |
    WeekdayBit(absl::Weekday::friday);
constexpr uint32_t kWeekend = WeekdayBit(absl::Weekday::saturday) | WeekdayBit(absl::Weekday::sunday);

// Beverwijk's desk: shop theft in the centre to the police liaison; evenings and weekends to
// Handhaving; youth nuisance in De Drie Straatjes to jeugd; everything else to openbare ruimte.
std::vector<RoutingRule> Table() {
  return {
      {.category = "winkeldiefstal", .area_code = "WK037501", .department = "politie-liaison",
       .label = "winkeldiefstal centrum"},
      {.theme = 2, .area_code = "FA-DRIE-STRAATJES", .department = "jeugd"},
      {.windows = {{kWorkdays, 18 * 60, 7 * 60}, {kWeekend, 0, 0}}, .department = "handhaving",
       .label = "avond, nacht en weekend"},
      {.department = "openbare-ruimte", .label = "al het overige"},
  };
}

RoutingInput Input(std::string category, int theme, std::vector<std::string> areas,
                   absl::Time time) {
  return {.category = std::move(category), .category_group = 0, .theme = theme,
          .area_codes = std::move(areas), .time = time};
}

TEST(RouteTest, FirstMatchingRuleDecides) {
  const RoutingDecision d = Route(
      Table(), Input("winkeldiefstal", 4, {"GM0375", "WK037501"}, Local(2026, 3, 14, 22)), Amsterdam());
  ASSERT_TRUE(d.rule.has_value());
  EXPECT_EQ(*d.rule, 0);
  EXPECT_EQ(d.department, "politie-liaison");
  ASSERT_EQ(d.outcomes.size(), 1u);
  EXPECT_TRUE(d.outcomes[0].matched);
}

TEST(RouteTest, EarlierRulesSayWhyTheyDidNotMatch) {
  const RoutingDecision d =
      Route(Table(), Input("afval", 1, {"GM0375", "WK037502"}, Local(2026, 3, 11, 20)), Amsterdam());
  ASSERT_EQ(d.rule, 2);
  EXPECT_EQ(d.department, "handhaving");
  ASSERT_EQ(d.outcomes.size(), 3u);
  EXPECT_EQ(d.outcomes[0].reason, "category is afval, the rule wants winkeldiefstal");
  EXPECT_EQ(d.outcomes[1].reason, "theme is 1, the rule wants 2");
  EXPECT_TRUE(d.outcomes[2].matched);
}

struct WindowCase {
  const char* what;
  absl::Time time;
  std::string department;
};

TEST(RouteTest, WeeklyWindowsInLocalTime) {
  const WindowCase cases[] = {
      {"Wednesday 10:00 (working hours)", Local(2026, 3, 11, 10), "openbare-ruimte"},
      {"Wednesday 18:00 (the evening starts)", Local(2026, 3, 11, 18), "handhaving"},
      {"Thursday 06:59 (Wednesday's night)", Local(2026, 3, 12, 6, 59), "handhaving"},
      {"Thursday 07:00 (the night is over)", Local(2026, 3, 12, 7), "openbare-ruimte"},
      {"Saturday 12:00 (weekend)", Local(2026, 3, 14, 12), "handhaving"},
      {"Monday 03:00 (Sunday's whole day is over, no Sunday night window)",
       Local(2026, 3, 16, 3), "openbare-ruimte"},
      {"Saturday 03:00 (Friday's night)", Local(2026, 3, 14, 3), "handhaving"},
      // 29 March 2026 02:00 CET is 03:00 CEST: a Sunday either way.
      {"Sunday of the summer-time change", Local(2026, 3, 29, 3, 30), "handhaving"},
  };
  for (const WindowCase& c : cases) {
    EXPECT_EQ(Route(Table(), Input("afval", 1, {"GM0375"}, c.time), Amsterdam()).department,
              c.department)
        << c.what;
  }
}

TEST(RouteTest, AreaAndNoMatch) {
  std::vector<RoutingRule> rules = Table();
  RoutingDecision youth = Route(
      rules, Input("jongeren", 2, {"GM0375", "FA-DRIE-STRAATJES"}, Local(2026, 3, 11, 10)),
      Amsterdam());
  EXPECT_EQ(youth.department, "jeugd");
  rules.pop_back();
  RoutingDecision none =
      Route(rules, Input("afval", 1, {"GM0375"}, Local(2026, 3, 11, 10)), Amsterdam());
  EXPECT_FALSE(none.rule.has_value());
  EXPECT_EQ(none.department, "");
  ASSERT_EQ(none.outcomes.size(), 3u);
  EXPECT_EQ(none.outcomes[1].reason,
            "theme is 1, the rule wants 2");
  EXPECT_EQ(none.outcomes[2].reason,
            "local time Wed 10:00 is outside Mon,Tue,Wed,Thu,Fri 18:00-07:00; Sat,Sun all day");
  EXPECT_FALSE(Route({}, Input("afval", 1, {}, Local(2026, 3, 11, 10)), Amsterdam()).rule);
}

TEST(RouteTest, CategoryGroupCondition) {
  const std::vector<RoutingRule> rules = {{.category_group = 3, .department = "verkeer"}};
  EXPECT_EQ(Route(rules, {.category = "x", .category_group = 3, .time = Local(2026, 1, 5, 9)},
                  Amsterdam()).department,
            "verkeer");
  EXPECT_EQ(Route(rules, {.category = "x", .category_group = 1, .time = Local(2026, 1, 5, 9)},
                  Amsterdam()).outcomes.at(0).reason,
            "category group is 1, the rule wants 3");
}

TEST(ValidateRoutingRulesTest, NamesEveryField) {
  std::vector<RoutingRule> rules = {
      {.windows = {{0, 10, 20}, {kWeekend, -1, kMinutesPerDay}}, .department = ""},
      {.department = "handhaving", .label = std::string(201, 'x')}};
  std::vector<std::string> fields;
  for (const FieldViolation& v : ValidateRoutingRules(rules)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "rules[0].department", "rules[0].windows[0].days",
                        "rules[0].windows[1].start_time", "rules[0].windows[1].end_time",
                        "rules[1].label"}));
  EXPECT_TRUE(ValidateRoutingRules(Table()).empty());
}

TEST(ClockTest, ParseAndFormat) {
  EXPECT_EQ(ParseClock("18:30"), 18 * 60 + 30);
  EXPECT_EQ(ParseClock("00:00"), 0);
  for (const char* bad : {"24:00", "7:00", "07:60", "-1:00", "ab:cd", ""}) {
    EXPECT_FALSE(ParseClock(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatClock(7 * 60 + 5), "07:05");
}

}  // namespace
}  // namespace wijkwacht::desk
