// Enforcement (handhaving) records from a department's own files, as CSV: parsing with
// per-line validation, all or nothing (the model is domain/indicators/indicator_csv.h).
//
// The header names the columns, in any order: action_date (YYYY-MM-DD, a civil day in
// `time_zone`, taken at noon) or action_time (RFC 3339), area_code, theme, type, department,
// external_ref, and optionally count and measure. Unknown or repeated columns are refused.
// theme: LIVEABILITY, YOUTH, SUBVERSION, PHYSICAL_BUSINESS or OTHER. type: WARNING, FINE,
// CLOSURE_ORDER, REFERRAL_POLICE, REFERRAL_YOUTH_CARE (with or without the "ENFORCEMENT_"
// prefix), case-insensitive. CSV syntax: RFC 4180 as in domain/indicators/csv_rows.h.
//
// Validation of every data line (1-based physical lines):
//   - as many fields as the header; each field valid UTF-8 without control characters;
//   - area_code accepted by `known_area`; department 1-200 bytes; external_ref 1-100 bytes;
//   - the time not after `now` and not before 2000;
//   - count empty (= 1) or a whole number 1-1000; measure empty or accepted by
//     `known_measure`;
//   - no two rows with the same external_ref for the same department.
//
// Errors: INVALID_ARGUMENT with every problem as a field violation in file order (up to
// max_errors, then one saying the list was cut): "csv" (empty, too large), "csv.line[N]"
// (header, malformed CSV, field count, duplicate reference), "csv.line[N].<column>".
//
// Thread safety: pure function; the callbacks run on the calling thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wijkwacht::plan {

// Kinds of enforcement action; the numbers are those of wijkwacht.v1.EnforcementActionType.
enum class EnforcementType { kWarning = 1, kFine, kClosureOrder, kReferralPolice, kReferralYouthCare };
// The five themes; numbers as wijkwacht.v1.Theme.
enum class Theme { kLiveability = 1, kYouth, kSubversion, kPhysicalBusiness, kOther };

struct EnforcementRow {
  int line = 0;
  absl::Time action_time;
  std::string area_code;
  Theme theme = Theme::kOther;
  EnforcementType type = EnforcementType::kWarning;
  int count = 1;
  std::string department;
  std::string external_ref;
  std::string measure;  // "" = none
};

struct EnforcementCsvOptions {
  size_t max_file_bytes = 4 << 20;
  size_t max_errors = 100;
  absl::TimeZone time_zone = absl::UTCTimeZone();
  absl::Time now = absl::InfiniteFuture();
};

[[nodiscard]] absl::StatusOr<std::vector<EnforcementRow>> ParseEnforcementCsv(
    absl::string_view csv, const std::function<bool(std::string_view)>& known_area,
    const std::function<bool(std::string_view)>& known_measure,
    const EnforcementCsvOptions& options);

}  // namespace wijkwacht::plan
