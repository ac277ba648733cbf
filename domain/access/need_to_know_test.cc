#include "domain/access/need_to_know.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace wijkwacht::access {
namespace {

constexpr int kLiveability = 1;

TEST(AccessDecisionTest, DefaultHidesSubversionFromOtherDepartments) {
  const std::vector<AccessRule> rules = DefaultAccessRules();
  const Subject subversion{kSubversion, "ondermijning"};
  const Subject liveability{kLiveability, "afval"};
  EXPECT_FALSE(MaySee(Viewer{false, {}}, rules, subversion));
  EXPECT_FALSE(MaySee(Viewer{false, {"handhaving", "jeugd"}}, rules, subversion));
  EXPECT_TRUE(MaySee(Viewer{false, {"handhaving", "ondermijning"}}, rules, subversion));
  EXPECT_TRUE(MaySee(Viewer{true, {}}, rules, subversion));
  EXPECT_TRUE(MaySee(Viewer{false, {}}, rules, liveability));
}

TEST(AccessDecisionTest, CategoryRuleTakesPrecedenceOverThemeRule) {
  const std::vector<AccessRule> rules = {
      {kSubversion, "", {"ondermijning"}},
      {0, "wonen-ondermijning", {"handhaving"}},
      {0, "jongerenoverlast", {"jeugd"}},
  };
  EXPECT_TRUE(MaySee(Viewer{false, {"handhaving"}}, rules, {kSubversion, "wonen-ondermijning"}));
  EXPECT_FALSE(MaySee(Viewer{false, {"ondermijning"}}, rules, {kSubversion, "wonen-ondermijning"}));
  EXPECT_FALSE(MaySee(Viewer{false, {"handhaving"}}, rules, {kSubversion, "drugs"}));
  // A category rule restricts within an otherwise open theme.
  EXPECT_FALSE(MaySee(Viewer{false, {"handhaving"}}, rules, {2, "jongerenoverlast"}));
  EXPECT_TRUE(MaySee(Viewer{false, {"jeugd"}}, rules, {2, "jongerenoverlast"}));
  EXPECT_TRUE(MaySee(Viewer{false, {}}, rules, {2, "vuurwerk"}));
}

TEST(AccessDecisionTest, EmptyTableRestrictsNothing) {
  EXPECT_TRUE(MaySee(Viewer{false, {}}, {}, {kSubversion, "ondermijning"}));
}

TEST(AccessDecisionTest, ReportFollowsItsIncidentToo) {
  const std::vector<AccessRule> rules = DefaultAccessRules();
  const Subject report{kLiveability, "afval"};
  const Subject incident{kSubversion, "ondermijning"};
  EXPECT_TRUE(MaySeeReport(Viewer{false, {"handhaving"}}, rules, report, nullptr));
  EXPECT_FALSE(MaySeeReport(Viewer{false, {"handhaving"}}, rules, report, &incident));
  EXPECT_FALSE(MaySeeReport(Viewer{false, {"handhaving"}}, rules, incident, &report));
  EXPECT_TRUE(MaySeeReport(Viewer{false, {"ondermijning"}}, rules, report, &incident));
}

TEST(AccessDecisionTest, DepartmentNames) {
  EXPECT_EQ(ParseDepartmentName("departments/ondermijning", "f").value(), "ondermijning");
  EXPECT_EQ(DepartmentName("jeugd"), "departments/jeugd");
  for (const char* bad : {"", "ondermijning", "departments/", "departments/A", "departments/1a",
                          "departments/a", "departments/a_b", "departments/x/y"}) {
    absl::StatusOr<std::string> id = ParseDepartmentName(bad, "account.departments[0]");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(GetFieldViolations(id.status()).front().field, "account.departments[0]") << bad;
  }
  for (const DefaultDepartment& d : kDefaultDepartments) {
    EXPECT_TRUE(ValidateDepartmentId(d.id, "id").ok()) << d.id;
  }
}

TEST(AccessDecisionTest, ValidationNamesEachBadField) {
  auto is_category = [](absl::string_view c) { return c == "afval" || c == "ondermijning"; };
  auto is_department = [](absl::string_view d) { return d == "ondermijning" || d == "jeugd"; };
  absl::StatusOr<std::vector<AccessRule>> ok = ValidateAccessRules(
      {{kSubversion, "", {"departments/ondermijning"}}, {0, "afval", {"departments/jeugd"}}},
      is_category, is_department);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->at(0).departments, std::vector<std::string>{"ondermijning"});

  absl::StatusOr<std::vector<AccessRule>> bad = ValidateAccessRules(
      {{kSubversion, "afval", {"departments/ondermijning"}},
       {0, "nope", {"departments/ondermijning"}},
       {kSubversion, "", {}},
       {kSubversion, "", {"departments/handhaving", "ondermijning"}},
       {9, "", {"departments/jeugd"}}},
      is_category, is_department);
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> fields;
  for (const FieldViolation& v : GetFieldViolations(bad.status())) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "rules[0].theme", "rules[1].category", "rules[2].departments",
                        "rules[3].theme", "rules[3].departments[0]", "rules[3].departments[1]",
                        "rules[4].theme"}));
}

}  // namespace
}  // namespace wijkwacht::access
