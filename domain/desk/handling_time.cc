#include "domain/desk/handling_time.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wijkwacht::desk {

std::optional<LiberationDay> ParseLiberationDay(absl::string_view text) {
  if (text == "lustrum") return LiberationDay::kLustrumYears;
  if (text == "every_year") return LiberationDay::kEveryYear;
  if (text == "never") return LiberationDay::kNever;
  return std::nullopt;
}

absl::StatusOr<std::vector<absl::CivilDay>> ParseClosingDays(absl::string_view text,
                                                            absl::string_view field) {
  std::vector<absl::CivilDay> days;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    part = absl::StripAsciiWhitespace(part);
    absl::CivilDay day;
    if (part.size() != 10 || !absl::ParseCivilTime(part, &day) ||
        absl::FormatCivilTime(day) != part) {
      return InvalidFieldError(field, absl::StrCat("\"", part,
                                                   "\" is not a date YYYY-MM-DD (list them "
                                                   "comma-separated)"));
    }
    days.push_back(day);
  }
  return days;
}

absl::CivilDay EasterSunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return absl::CivilDay(year, month, day);
}

HolidayCalendar::HolidayCalendar(LiberationDay liberation, std::vector<absl::CivilDay> closing)
    : liberation_(liberation), closing_days_(closing.begin(), closing.end()) {}

std::string HolidayCalendar::HolidayName(absl::CivilDay day) const {
  const int year = static_cast<int>(day.year());
  if (day.month() == 1 && day.day() == 1) return "Nieuwjaarsdag";
  if (day.month() == 12 && day.day() == 25) return "1e Kerstdag";
  if (day.month() == 12 && day.day() == 26) return "2e Kerstdag";
  const absl::CivilDay kings(year, 4, 27);
  const absl::CivilDay koningsdag =
      absl::GetWeekday(kings) == absl::Weekday::sunday ? kings - 1 : kings;
  if (day == koningsdag) return "Koningsdag";
  if (day.month() == 5 && day.day() == 5) {
    if (liberation_ == LiberationDay::kEveryYear ||
        (liberation_ == LiberationDay::kLustrumYears && year % 5 == 0)) {
      return "Bevrijdingsdag";
    }
  }
  const absl::CivilDay easter = EasterSunday(year);
  const int offset = static_cast<int>(day - easter);
  switch (offset) {
    case -2:
      return "Goede Vrijdag";
    case 0:
      return "1e Paasdag";
    case 1:
      return "2e Paasdag";
    case 39:
      return "Hemelvaartsdag";
    case 49:
      return "1e Pinksterdag";
    case 50:
      return "2e Pinksterdag";
    default:
      break;
  }
  if (closing_days_.count(day) != 0) return "sluitingsdag";
  return "";
}

bool HolidayCalendar::IsWorkingDay(absl::CivilDay day) const {
  const absl::Weekday w = absl::GetWeekday(day);
  if (w == absl::Weekday::saturday || w == absl::Weekday::sunday) return false;
  return HolidayName(day).empty();
}

absl::Time DueTime(absl::Time received, int days, DayCount unit, const HolidayCalendar& calendar,
                   absl::TimeZone zone) {
  absl::CivilDay day = absl::ToCivilDay(received, zone);
  if (unit == DayCount::kCalendarDays) {
    day += days;
  } else {
    for (int counted = 0; counted < days;) {
      ++day;
      if (calendar.IsWorkingDay(day)) ++counted;
    }
  }
  return absl::FromCivil(day + 1, zone);  // the end of that day
}

const HandlingTarget* FindTarget(const std::vector<HandlingTarget>& targets,
                                 absl::string_view category) {
  const HandlingTarget* fallback = nullptr;
  for (const HandlingTarget& t : targets) {
    if (!category.empty() && t.category == category) return &t;
    if (t.category.empty()) fallback = &t;
  }
  return fallback;
}

std::vector<FieldViolation> ValidateHandlingTargets(const std::vector<HandlingTarget>& targets) {
  std::vector<FieldViolation> v;
  if (targets.size() > static_cast<size_t>(kMaxHandlingTargets)) {
    v.push_back({"targets", absl::StrCat("may hold at most ", kMaxHandlingTargets, " targets")});
    return v;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < targets.size(); ++i) {
    const HandlingTarget& t = targets[i];
    const std::string at = absl::StrCat("targets[", i, "]");
    if (!seen.insert(t.category).second) {
      v.push_back({absl::StrCat(at, ".category"),
                   t.category.empty() ? "the default (no category) is given twice"
                                      : absl::StrCat(t.category, " is given twice")});
    }
    if (t.days < 1 || t.days > kMaxHandlingDays) {
      v.push_back({absl::StrCat(at, ".days"), absl::StrCat("must be in [1, ", kMaxHandlingDays, "]")});
    }
    if (t.unit != DayCount::kWorkingDays && t.unit != DayCount::kCalendarDays) {
      v.push_back({absl::StrCat(at, ".unit"), "must be WORKING_DAYS or CALENDAR_DAYS"});
    }
    if (t.message.size() > kMaxHandlingMessageBytes) {
      v.push_back({absl::StrCat(at, ".handling_message"),
                   absl::StrCat("must be at most ", kMaxHandlingMessageBytes, " bytes")});
    }
  }
  return v;
}

}  // namespace wijkwacht::desk
