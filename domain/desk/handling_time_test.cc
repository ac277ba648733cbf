#include "domain/desk/handling_time.h"

#include "gtest/gtest.h"

namespace wijkwacht::desk {
namespace {

absl::TimeZone Amsterdam() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &zone));
  return zone;
}

absl::Time Local(int y, int m, int d, int hh = 10, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), Amsterdam());
}

TEST(EasterTest, KnownDates) {
  EXPECT_EQ(EasterSunday(2000), absl::CivilDay(2000, 4, 23));
  EXPECT_EQ(EasterSunday(2024), absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), absl::CivilDay(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2026), absl::CivilDay(2026, 4, 5));
  EXPECT_EQ(EasterSunday(2027), absl::CivilDay(2027, 3, 28));
  EXPECT_EQ(EasterSunday(2038), absl::CivilDay(2038, 4, 25));
}

TEST(HolidayCalendarTest, DutchHolidays2026) {
  const HolidayCalendar calendar;
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 1, 1)), "Nieuwjaarsdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 4, 3)), "Goede Vrijdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 4, 5)), "1e Paasdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 4, 6)), "2e Paasdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 4, 27)), "Koningsdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 5, 14)), "Hemelvaartsdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 5, 24)), "1e Pinksterdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 5, 25)), "2e Pinksterdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 12, 25)), "1e Kerstdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 12, 26)), "2e Kerstdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 4, 28)), "");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2026, 12, 24)), "");
}

TEST(HolidayCalendarTest, KoningsdagMovesToSaturdayWhenThe27thIsASunday) {
  const HolidayCalendar calendar;
  ASSERT_EQ(absl::GetWeekday(absl::CivilDay(2025, 4, 27)), absl::Weekday::sunday);
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2025, 4, 26)), "Koningsdag");
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2025, 4, 27)), "");
  ASSERT_EQ(absl::GetWeekday(absl::CivilDay(2031, 4, 27)), absl::Weekday::sunday);
  EXPECT_EQ(calendar.HolidayName(absl::CivilDay(2031, 4, 26)), "Koningsdag");
}

TEST(HolidayCalendarTest, BevrijdingsdagInLustrumYearsByDefault) {
  const HolidayCalendar lustrum;
  EXPECT_EQ(lustrum.HolidayName(absl::CivilDay(2025, 5, 5)), "Bevrijdingsdag");
  EXPECT_FALSE(lustrum.IsWorkingDay(absl::CivilDay(2025, 5, 5)));  // a Monday
  EXPECT_EQ(lustrum.HolidayName(absl::CivilDay(2026, 5, 5)), "");
  EXPECT_TRUE(lustrum.IsWorkingDay(absl::CivilDay(2026, 5, 5)));  // a Tuesday
  EXPECT_EQ(HolidayCalendar(LiberationDay::kEveryYear).HolidayName(absl::CivilDay(2026, 5, 5)),
            "Bevrijdingsdag");
  EXPECT_EQ(HolidayCalendar(LiberationDay::kNever).HolidayName(absl::CivilDay(2025, 5, 5)), "");
}

struct DueCase {
  const char* what;
  absl::Time received;
  int days;
  DayCount unit;
  absl::CivilDay last_day;  // due at the end of this local day
};

TEST(DueTimeTest, Table) {
  const HolidayCalendar calendar(LiberationDay::kLustrumYears, {absl::CivilDay(2026, 12, 24)});
  const DueCase cases[] = {
      {"Wednesday + 1 working day", Local(2026, 3, 11), 1, DayCount::kWorkingDays, absl::CivilDay(2026, 3, 12)},
      {"Friday + 1 working day skips the weekend", Local(2026, 3, 13, 16), 1,
       DayCount::kWorkingDays, absl::CivilDay(2026, 3, 16)},
      {"Saturday + 1 working day", Local(2026, 3, 14), 1, DayCount::kWorkingDays, absl::CivilDay(2026, 3, 16)},
      {"Friday + 3 calendar days", Local(2026, 3, 13), 3, DayCount::kCalendarDays, absl::CivilDay(2026, 3, 16)},
      {"Friday before Koningsdag (Monday 27 April 2026)", Local(2026, 4, 24), 1,
       DayCount::kWorkingDays, absl::CivilDay(2026, 4, 28)},
      {"Koningsdag on Saturday 26 April 2025 (the 27th is a Sunday)", Local(2025, 4, 25), 1,
       DayCount::kWorkingDays, absl::CivilDay(2025, 4, 28)},
      {"Thursday before Easter: Goede Vrijdag and 2e Paasdag", Local(2026, 4, 2), 1,
       DayCount::kWorkingDays, absl::CivilDay(2026, 4, 7)},
      {"Christmas 2025: 25 and 26 December, then the weekend", Local(2025, 12, 24), 2,
       DayCount::kWorkingDays, absl::CivilDay(2025, 12, 30)},
      {"Local closing day 24 December 2026 and Christmas", Local(2026, 12, 23), 1,
       DayCount::kWorkingDays, absl::CivilDay(2026, 12, 28)},
      {"Christmas counts as a calendar day", Local(2026, 12, 24), 2, DayCount::kCalendarDays,
       absl::CivilDay(2026, 12, 26)},
      {"Bevrijdingsdag 2025 (lustrum)", Local(2025, 5, 2), 1, DayCount::kWorkingDays,
       absl::CivilDay(2025, 5, 6)},
      {"Ten working days over Hemelvaart and Pinksteren", Local(2026, 5, 13), 10,
       DayCount::kWorkingDays, absl::CivilDay(2026, 5, 29)},
  };
  for (const DueCase& c : cases) {
    EXPECT_EQ(DueTime(c.received, c.days, c.unit, calendar, Amsterdam()),
              absl::FromCivil(c.last_day + 1, Amsterdam()))
        << c.what;
  }
}

TEST(DueTimeTest, EndOfDayIsLocalAcrossSummerTime) {
  // Summer time starts on 29 March 2026: the end of that Sunday is 22:00 UTC.
  const absl::Time due =
      DueTime(Local(2026, 3, 28, 12), 1, DayCount::kCalendarDays, HolidayCalendar(), Amsterdam());
  EXPECT_EQ(due, absl::FromCivil(absl::CivilSecond(2026, 3, 29, 22, 0, 0), absl::UTCTimeZone()));
}

TEST(ClosingDaysTest, ParsesAndNamesTheField) {
  absl::StatusOr<std::vector<absl::CivilDay>> days =
      ParseClosingDays("2026-12-24, 2026-12-31", "local_closing_days");
  ASSERT_TRUE(days.ok()) << days.status();
  EXPECT_EQ(days->size(), 2u);
  EXPECT_TRUE(ParseClosingDays("", "local_closing_days")->empty());
  for (const char* bad : {"2026-13-01", "24-12-2026", "2026-02-30", "morgen"}) {
    absl::Status status = ParseClosingDays(bad, "local_closing_days").status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(GetFieldViolations(status).at(0).field, "local_closing_days");
  }
}

TEST(HandlingTargetsTest, FindTargetFallsBackToTheDefault) {
  const std::vector<HandlingTarget> targets = {
      {"", 10, DayCount::kWorkingDays, "default"},
      {"winkeldiefstal", 2, DayCount::kCalendarDays, "snel"}};
  EXPECT_EQ(FindTarget(targets, "winkeldiefstal")->days, 2);
  EXPECT_EQ(FindTarget(targets, "afval")->days, 10);
  EXPECT_EQ(FindTarget({}, "afval"), nullptr);
}

TEST(HandlingTargetsTest, ValidationNamesEveryField) {
  const std::vector<HandlingTarget> targets = {
      {"afval", 0, DayCount::kWorkingDays, ""},
      {"afval", 5, static_cast<DayCount>(0), std::string(kMaxHandlingMessageBytes + 1, 'x')}};
  std::vector<std::string> fields;
  for (const FieldViolation& v : ValidateHandlingTargets(targets)) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"targets[0].days", "targets[1].category",
                                              "targets[1].unit",
                                              "targets[1].handling_message"}));
}

}  // namespace
}  // namespace wijkwacht::desk
