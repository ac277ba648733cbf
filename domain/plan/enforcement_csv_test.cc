#include "domain/plan/enforcement_csv.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace wijkwacht::plan {
namespace {

bool KnownArea(std::string_view code) { return code == "BU03750003" || code == "FA037501"; }
bool KnownMeasure(std::string_view name) { return name == "actionPlans/2026/measures/1"; }

EnforcementCsvOptions Options() {
  EnforcementCsvOptions options;
  options.time_zone = absl::FixedTimeZone(3600);
  options.now = absl::FromCivil(absl::CivilDay(2026, 6, 1), absl::UTCTimeZone());
  return options;
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : GetFieldViolations(status)) out.push_back(v.field);
  return out;
}

TEST(EnforcementCsvTest, ParsesColumnsInAnyOrder) {
  auto rows = ParseEnforcementCsv(
      "type,area_code,action_date,theme,department,external_ref,count,measure\r\n"
      "warning,BU03750003,2026-03-06,LIVEABILITY,Team Handhaving,HH-1,3,"
      "actionPlans/2026/measures/1\r\n"
      "ENFORCEMENT_FINE,FA037501,2026-03-07,youth,\"Team Handhaving, BOA\",HH-2,,\n",
      KnownArea, KnownMeasure, Options());
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].type, EnforcementType::kWarning);
  EXPECT_EQ((*rows)[0].count, 3);
  EXPECT_EQ((*rows)[0].measure, "actionPlans/2026/measures/1");
  EXPECT_EQ((*rows)[0].action_time,
            absl::FromCivil(absl::CivilSecond(2026, 3, 6, 11, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ((*rows)[1].type, EnforcementType::kFine);
  EXPECT_EQ((*rows)[1].theme, Theme::kYouth);
  EXPECT_EQ((*rows)[1].count, 1);
  EXPECT_EQ((*rows)[1].department, "Team Handhaving, BOA");
}

TEST(EnforcementCsvTest, EveryBadRowIsReportedWithLineAndColumn) {
  auto rows = ParseEnforcementCsv(
      "action_date,area_code,theme,type,department,external_ref,count\n"
      "2026-03-06,BU03750003,LIVEABILITY,WARNING,Team Handhaving,HH-1,1\n"
      "2026-13-01,BU99,LIVEABILITY,SLAP,Team Handhaving,HH-2,0\n"
      "2026-03-06,BU03750003,LIVEABILITY,WARNING,Team Handhaving,HH-1,1\n"
      "2027-01-01,BU03750003,NOPE,WARNING,,HH-4,1\n"
      "2026-03-06,BU03750003\n",
      KnownArea, KnownMeasure, Options());
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(Fields(rows.status()),
            (std::vector<std::string>{"csv.line[3].action_date", "csv.line[3].area_code",
                                      "csv.line[3].type", "csv.line[3].count", "csv.line[4]",
                                      "csv.line[5].action_date", "csv.line[5].theme",
                                      "csv.line[5].department", "csv.line[6]"}));
}

TEST(EnforcementCsvTest, HeaderProblems) {
  auto rows = ParseEnforcementCsv("action_date,action_time,area_code,colour\n", KnownArea,
                                  KnownMeasure, Options());
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(Fields(rows.status()).front(), "csv.line[1]");
  EXPECT_EQ(Fields(ParseEnforcementCsv("", KnownArea, KnownMeasure, Options()).status()),
            (std::vector<std::string>{"csv"}));
}

}  // namespace
}  // namespace wijkwacht::plan
