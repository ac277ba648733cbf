#include "domain/indicators/period.h"

#include "absl/strings/str_cat.h"

namespace wijkwacht::indicators {
namespace {

constexpr absl::string_view kFormats =
    "expected YYYY, YYYY-H1, YYYY-H2, YYYY-MM, YYYY-Www or YYYY-MM-DD";

// True when `s` is non-empty and all ASCII digits; its value in `out`.
bool ParseDigits(absl::string_view s, int& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// Monday of ISO week 1: the week that holds January 4th.
absl::CivilDay FirstIsoWeekMonday(int year) {
  const absl::CivilDay jan4(year, 1, 4);
  return jan4 - static_cast<int>(absl::GetWeekday(jan4));  // Weekday::monday == 0
}

int IsoWeeksInYear(int year) {
  return static_cast<int>((FirstIsoWeekMonday(year + 1) - FirstIsoWeekMonday(year)) / 7);
}

}  // namespace

const char* PeriodKindName(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kYear:
      return "year";
    case PeriodKind::kHalfYear:
      return "half_year";
    case PeriodKind::kMonth:
      return "month";
    case PeriodKind::kWeek:
      return "week";
    case PeriodKind::kDay:
      return "day";
  }
  return "unknown";
}

absl::StatusOr<Period> ParsePeriod(absl::string_view text) {
  auto invalid = [text](absl::string_view why) {
    constexpr size_t kShown = 32;
    const absl::string_view shown = text.substr(0, kShown);
    return absl::InvalidArgumentError(absl::StrCat("\"", shown, text.size() > kShown ? "..." : "",
                                                   "\" is not a valid period: ", why));
  };
  int year = 0;
  if (text.size() < 4 || !ParseDigits(text.substr(0, 4), year)) return invalid(kFormats);
  if (year < kMinPeriodYear || year > kMaxPeriodYear) {
    return invalid(absl::StrCat("year must be in [", kMinPeriodYear, ", ", kMaxPeriodYear, "]"));
  }
  const absl::string_view rest = text.substr(4);
  Period period;
  period.text = std::string(text);
  int number = 0;

  if (rest.empty()) {
    period.kind = PeriodKind::kYear;
    period.start = absl::CivilDay(year, 1, 1);
    period.end = absl::CivilDay(year + 1, 1, 1);
  } else if (rest.size() == 3 && rest.substr(0, 2) == "-H") {
    if (rest[2] != '1' && rest[2] != '2') return invalid("half year must be H1 or H2");
    const int first_month = rest[2] == '1' ? 1 : 7;
    period.kind = PeriodKind::kHalfYear;
    period.start = absl::CivilDay(year, first_month, 1);
    period.end = absl::CivilDay(absl::CivilMonth(year, first_month) + 6);
  } else if (rest.size() == 4 && rest.substr(0, 2) == "-W" && ParseDigits(rest.substr(2), number)) {
    const int weeks = IsoWeeksInYear(year);
    if (number < 1 || number > weeks) {
      return invalid(absl::StrCat("week must be 01-", weeks, " in ", year));
    }
    period.kind = PeriodKind::kWeek;
    period.start = FirstIsoWeekMonday(year) + 7 * (number - 1);
    period.end = period.start + 7;
  } else if (rest.size() == 3 && rest[0] == '-' && ParseDigits(rest.substr(1), number)) {
    if (number < 1 || number > 12) return invalid("month must be 01-12");
    period.kind = PeriodKind::kMonth;
    period.start = absl::CivilDay(year, number, 1);
    period.end = absl::CivilDay(absl::CivilMonth(year, number) + 1);
  } else if (int day = 0; rest.size() == 6 && rest[0] == '-' && rest[3] == '-' &&
                          ParseDigits(rest.substr(1, 2), number) &&
                          ParseDigits(rest.substr(4, 2), day)) {
    if (number < 1 || number > 12) return invalid("month must be 01-12");
    const absl::CivilDay civil(year, number, day);
    if (day < 1 || civil.month() != number || civil.day() != day) {
      return invalid("that day does not exist");
    }
    period.kind = PeriodKind::kDay;
    period.start = civil;
    period.end = civil + 1;
  } else {
    return invalid(kFormats);
  }
  return period;
}

}  // namespace wijkwacht::indicators
