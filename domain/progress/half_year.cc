#include "domain/progress/half_year.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wijkwacht::progress {

std::string HalfYear::Label() const { return absl::StrCat(year, "-H", half); }

std::string HalfYear::DutchLabel() const { return absl::StrCat(half, "e halfjaar ", year); }

HalfYear HalfYear::Previous() const {
  return half == 2 ? HalfYear{year, 1} : HalfYear{year - 1, 2};
}

HalfYear HalfYear::SameHalfLastYear() const { return HalfYear{year - 1, half}; }

absl::CivilMonth HalfYear::FirstMonth() const { return absl::CivilMonth(year, half == 1 ? 1 : 7); }

absl::TimeZone ReportTimeZone() {
  absl::TimeZone zone;
  if (absl::LoadTimeZone("Europe/Amsterdam", &zone)) return zone;
  return absl::UTCTimeZone();
}

absl::StatusOr<HalfYearPeriod> ParseHalfYear(absl::string_view text) {
  auto invalid = [&] {
    return InvalidFieldError("period", absl::StrCat("must look like 2026-H1 or 2026-H2, got \"",
                                                    absl::CHexEscape(text.substr(0, 40)), "\""));
  };
  if (text.size() != 7 || text[4] != '-' || text[5] != 'H') return invalid();
  for (int i = 0; i < 4; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return invalid();
  }
  int year = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &year) || year < 1000) return invalid();
  if (text[6] != '1' && text[6] != '2') return invalid();

  HalfYearPeriod period;
  period.half_year = HalfYear{year, text[6] - '0'};
  period.previous = period.half_year.Previous();
  period.same_half_last_year = period.half_year.SameHalfLastYear();
  absl::TimeZone zone = ReportTimeZone();
  period.time_zone = zone.name();
  absl::CivilMonth first = period.half_year.FirstMonth();
  period.start = absl::FromCivil(first, zone);
  period.end = absl::FromCivil(first + 6, zone);
  return period;
}

}  // namespace wijkwacht::progress
