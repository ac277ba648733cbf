#include "domain/indicators/period.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wijkwacht::indicators {
namespace {

using ::testing::HasSubstr;

void ExpectPeriod(const std::string& text, PeriodKind kind, absl::CivilDay start,
                  absl::CivilDay end) {
  absl::StatusOr<Period> p = ParsePeriod(text);
  ASSERT_TRUE(p.ok()) << text << ": " << p.status();
  EXPECT_EQ(p->kind, kind) << text;
  EXPECT_EQ(p->start, start) << text;
  EXPECT_EQ(p->end, end) << text;
  EXPECT_EQ(p->text, text);
}

// The error message for `text` ("" if it parses).
std::string ErrorOf(const std::string& text) {
  return std::string(ParsePeriod(text).status().message());
}

TEST(PeriodTest, ParsesEachKind) {
  using D = absl::CivilDay;
  ExpectPeriod("2021", PeriodKind::kYear, D(2021, 1, 1), D(2022, 1, 1));
  ExpectPeriod("2026-H1", PeriodKind::kHalfYear, D(2026, 1, 1), D(2026, 7, 1));
  ExpectPeriod("2026-H2", PeriodKind::kHalfYear, D(2026, 7, 1), D(2027, 1, 1));
  ExpectPeriod("2026-03", PeriodKind::kMonth, D(2026, 3, 1), D(2026, 4, 1));
  ExpectPeriod("2026-12", PeriodKind::kMonth, D(2026, 12, 1), D(2027, 1, 1));
  ExpectPeriod("2026-03-14", PeriodKind::kDay, D(2026, 3, 14), D(2026, 3, 15));
  ExpectPeriod("2024-02-29", PeriodKind::kDay, D(2024, 2, 29), D(2024, 3, 1));
  ExpectPeriod("1900", PeriodKind::kYear, D(1900, 1, 1), D(1901, 1, 1));
  ExpectPeriod("2100-12-31", PeriodKind::kDay, D(2100, 12, 31), D(2101, 1, 1));
}

TEST(PeriodTest, IsoWeeks) {
  using D = absl::CivilDay;
  // 2026-01-01 is a Thursday, so week 1 starts on Monday 2025-12-29.
  ExpectPeriod("2026-W01", PeriodKind::kWeek, D(2025, 12, 29), D(2026, 1, 5));
  ExpectPeriod("2026-W07", PeriodKind::kWeek, D(2026, 2, 9), D(2026, 2, 16));
  ExpectPeriod("2026-W53", PeriodKind::kWeek, D(2026, 12, 28), D(2027, 1, 4));
  // 2021-01-01 is a Friday: it belongs to 2020-W53, and 2021-W01 starts on 2021-01-04.
  ExpectPeriod("2020-W53", PeriodKind::kWeek, D(2020, 12, 28), D(2021, 1, 4));
  ExpectPeriod("2021-W01", PeriodKind::kWeek, D(2021, 1, 4), D(2021, 1, 11));
  ExpectPeriod("2021-W52", PeriodKind::kWeek, D(2021, 12, 27), D(2022, 1, 3));
  EXPECT_THAT(ErrorOf("2021-W53"), HasSubstr("week must be 01-52 in 2021"));
  EXPECT_THAT(ErrorOf("2026-W00"), HasSubstr("week must be 01-53 in 2026"));
}

TEST(PeriodTest, RejectsMalformedText) {
  for (const char* text :
       {"", "26", "2026-", "2026-3", "2026-W7", "2026-W007", " 2026", "2026 ", "Q1-2026",
        "2026-03-14T00:00", "2026/03", "2026-3-14", "20260314", "２０２６"}) {
    absl::StatusOr<Period> p = ParsePeriod(text);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(p.status().message()), HasSubstr("expected YYYY, YYYY-H1")) << text;
  }
  EXPECT_EQ(ErrorOf("2026-13"), "\"2026-13\" is not a valid period: month must be 01-12");
  EXPECT_THAT(ErrorOf("2026-00"), HasSubstr("month must be 01-12"));
  EXPECT_THAT(ErrorOf("2026-H3"), HasSubstr("half year must be H1 or H2"));
  EXPECT_THAT(ErrorOf("2026-02-29"), HasSubstr("day does not exist"));
  EXPECT_THAT(ErrorOf("2026-04-31"), HasSubstr("day does not exist"));
  EXPECT_THAT(ErrorOf("2026-04-00"), HasSubstr("day does not exist"));
  EXPECT_THAT(ErrorOf("2026-14-01"), HasSubstr("month must be 01-12"));
  EXPECT_THAT(ErrorOf("1899"), HasSubstr("year must be in [1900, 2100]"));
  EXPECT_THAT(ErrorOf("2101-H1"), HasSubstr("year must be in"));
  // Long input is cut in the message.
  EXPECT_THAT(ErrorOf(std::string(100, '9')), HasSubstr("\"99999999999999999999999999999999...\""));
}

TEST(PeriodTest, KindNames) {
  EXPECT_STREQ(PeriodKindName(PeriodKind::kYear), "year");
  EXPECT_STREQ(PeriodKindName(PeriodKind::kHalfYear), "half_year");
  EXPECT_STREQ(PeriodKindName(PeriodKind::kMonth), "month");
  EXPECT_STREQ(PeriodKindName(PeriodKind::kWeek), "week");
  EXPECT_STREQ(PeriodKindName(PeriodKind::kDay), "day");
}

}  // namespace
}  // namespace wijkwacht::indicators
