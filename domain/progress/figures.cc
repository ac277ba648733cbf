#include "domain/progress/figures.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wijkwacht::progress::internal {
namespace {

constexpr const char* kMonthNames[] = {"januari",   "februari", "maart",    "april",
                                       "mei",       "juni",     "juli",     "augustus",
                                       "september", "oktober",  "november", "december"};
constexpr const char* kMonthAbbreviations[] = {"jan", "feb", "mrt", "apr", "mei", "jun",
                                               "jul", "aug", "sep", "okt", "nov", "dec"};

// Inserts "." every three digits of a run of ASCII digits.
std::string GroupThousands(absl::string_view digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back('.');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

ShownCount Disclosure::Count(int64_t count) const {
  if (is_public() && count >= 1 && count < k_) return {ShownCount::Kind::kSuppressed, 0};
  return {ShownCount::Kind::kExact, count};
}

ShownCount Disclosure::Sum(const std::vector<int64_t>& parts) const {
  int64_t total = 0;
  int64_t exact_parts = 0;
  int64_t suppressed_parts = 0;
  for (int64_t part : parts) {
    total += part;
    if (Count(part).exact()) {
      exact_parts += part;
    } else {
      ++suppressed_parts;
    }
  }
  ShownCount shown = Count(total);
  if (!shown.exact() || suppressed_parts == 0) return shown;
  return {ShownCount::Kind::kAtLeast, std::max<int64_t>(k_, exact_parts + suppressed_parts)};
}

std::string Disclosure::Text(const ShownCount& count) const {
  switch (count.kind) {
    case ShownCount::Kind::kExact:
      return FormatInteger(count.value);
    case ShownCount::Kind::kSuppressed:
      return absl::StrCat("<", k_);
    case ShownCount::Kind::kAtLeast:
      return absl::StrCat("≥", FormatInteger(count.value));
  }
  return "";
}

std::string ChangeText(const ShownCount& current, const ShownCount& baseline) {
  if (!current.exact() || !baseline.exact()) return "—";
  if (baseline.value == 0) return current.value == 0 ? "—" : "nieuw";
  double percent = 100.0 * static_cast<double>(current.value - baseline.value) /
                   static_cast<double>(baseline.value);
  auto rounded = static_cast<int64_t>(std::llround(percent));
  if (rounded == 0) return "0%";
  return absl::StrCat(rounded > 0 ? "+" : "-", FormatInteger(std::llabs(rounded)), "%");
}

std::string FormatInteger(int64_t value) {
  // Built from the unsigned magnitude so INT64_MIN works too.
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : value;
  return absl::StrCat(value < 0 ? "-" : "", GroupThousands(absl::StrCat(magnitude)));
}

std::string FormatDecimal(double value, int decimals) {
  if (!std::isfinite(value)) return "—";
  std::string plain = absl::StrFormat("%.*f", decimals, std::fabs(value));
  size_t point = plain.find('.');
  std::string whole = plain.substr(0, point);
  std::string out = GroupThousands(whole);
  if (point != std::string::npos) absl::StrAppend(&out, ",", plain.substr(point + 1));
  bool negative = value < 0 && out.find_first_not_of("0.,") != std::string::npos;
  return negative ? absl::StrCat("-", out) : out;
}

std::string FormatValue(double value) {
  std::string text = FormatDecimal(value, 3);
  if (text.find(',') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == ',') text.pop_back();
  return text;
}

absl::string_view ThemeTitle(catalog::Theme theme) {
  switch (theme) {
    case catalog::Theme::kLiveability:
      return "Leefbaarheid en veiligheid in de buurten";
    case catalog::Theme::kYouth:
      return "Jeugd en veiligheid";
    case catalog::Theme::kSubversion:
      return "Ondermijning";
    case catalog::Theme::kPhysicalBusiness:
      return "Fysieke veiligheid en veilig ondernemen";
    case catalog::Theme::kOther:
      return "Overig";
    case catalog::Theme::kUnspecified:
      break;
  }
  return "Onbekend thema";
}

std::string MonthLabel(absl::CivilMonth month) {
  return absl::StrCat(kMonthAbbreviations[month.month() - 1], " ", month.year());
}

std::string DayLabel(absl::CivilDay day) {
  return absl::StrCat(day.day(), " ", kMonthNames[day.month() - 1], " ", day.year());
}

std::string TimeLabel(absl::Time time, absl::TimeZone zone) {
  absl::CivilSecond civil = absl::ToCivilSecond(time, zone);
  return absl::StrCat(DayLabel(absl::CivilDay(civil)), ", ",
                      absl::StrFormat("%02d:%02d", civil.hour(), civil.minute()), " (", zone.name(),
                      ")");
}

}  // namespace wijkwacht::progress::internal
