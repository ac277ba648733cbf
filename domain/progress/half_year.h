// Half-year periods ("2026-H1") as used by the council's progress report.
//
// A half-year is H1 = January..June or H2 = July..December of a calendar year. ParseHalfYear()
// gives its bounds as absl::Time in Europe/Amsterdam civil time (so 2026-H1 starts at
// 2026-01-01 00:00 CET = 2025-12-31 23:00 UTC). If the Europe/Amsterdam zone cannot be loaded
// (no tzdata on the machine) the bounds are in UTC instead; `time_zone` says which was used.
//
// Thread safety: all functions are pure (absl::LoadTimeZone is thread-safe).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace wijkwacht::progress {

struct HalfYear {
  int year = 0;
  int half = 1;  // 1 (January..June) or 2 (July..December)

  // "2026-H1".
  [[nodiscard]] std::string Label() const;
  // "1e halfjaar 2026".
  [[nodiscard]] std::string DutchLabel() const;
  // 2026-H1 -> 2025-H2; 2026-H2 -> 2026-H1.
  [[nodiscard]] HalfYear Previous() const;
  // 2026-H1 -> 2025-H1.
  [[nodiscard]] HalfYear SameHalfLastYear() const;
  // First month: 2026-01 for H1, 2026-07 for H2.
  [[nodiscard]] absl::CivilMonth FirstMonth() const;

  bool operator==(const HalfYear&) const = default;
};

struct HalfYearPeriod {
  HalfYear half_year;
  absl::Time start;  // first instant of the half-year (inclusive)
  absl::Time end;    // first instant of the next half-year (exclusive)
  HalfYear previous;
  HalfYear same_half_last_year;
  std::string time_zone;  // "Europe/Amsterdam", or "UTC" if that zone could not be loaded
};

// Parses "YYYY-H1" or "YYYY-H2" (year 1000..9999, upper-case H, nothing else).
// Errors: INVALID_ARGUMENT (field "period") for anything else.
[[nodiscard]] absl::StatusOr<HalfYearPeriod> ParseHalfYear(absl::string_view text);

// The zone used for period bounds and for showing times in the report: Europe/Amsterdam, or
// UTC if it cannot be loaded.
[[nodiscard]] absl::TimeZone ReportTimeZone();

}  // namespace wijkwacht::progress
