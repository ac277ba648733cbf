// Reporting periods of indicator figures: a year, half year, month, ISO week or day.
//
// Accepted text (strict, no spaces, zero-padded; year in [kMinPeriodYear, kMaxPeriodYear]):
//   "2021"        year
//   "2026-H1"     half year (H1 = January-June, H2 = July-December)
//   "2026-03"     month
//   "2026-W07"    ISO 8601 week (Monday-Sunday; week 1 holds the year's first Thursday, so
//                 2026-W01 starts on 2025-12-29; W53 only in years that have one)
//   "2026-03-14"  day (must exist: no 2026-02-30)
// Because parsing is strict, Period::text is the canonical spelling and equal periods have
// equal text.
//
// Errors: INVALID_ARGUMENT whose message quotes the text and says what is wrong, phrased to
// follow a field name ("\"2026-13\" is not a valid period: month must be 01-12").
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace wijkwacht::indicators {

inline constexpr int kMinPeriodYear = 1900;
inline constexpr int kMaxPeriodYear = 2100;

enum class PeriodKind { kYear, kHalfYear, kMonth, kWeek, kDay };

struct Period {
  PeriodKind kind = PeriodKind::kYear;
  absl::CivilDay start;  // first day of the period
  absl::CivilDay end;    // first day after the period: the period is [start, end)
  std::string text;      // canonical text, e.g. "2026-W07"
  bool operator==(const Period&) const = default;
};

[[nodiscard]] absl::StatusOr<Period> ParsePeriod(absl::string_view text);

// "year", "half_year", "month", "week", "day".
[[nodiscard]] const char* PeriodKindName(PeriodKind kind);

}  // namespace wijkwacht::indicators
