// Indicator files for the safety map (police figures, Veiligheidsmonitor, municipal sources):
// parsing with per-line validation, all or nothing, and writing the generic format.
//
// Two formats, told apart by the header, which must match one of these exactly:
//   generic:    area_code,indicator,period,value,unit,source
//   Beverwijk:  gebied_code,gebied_naam,indicator,categorie,jaar,rang,waarde,eenheid,bron_url,
//               opmerking   (the veiligheidsindex export, e.g. beverwijk_veiligheid_wijken.csv)
// Beverwijk columns map as gebied_code -> area_code, jaar -> period (must be a year),
// waarde -> value, eenheid -> unit, and source = bron_url, followed by " (opmerking)" when
// there is a remark. A non-empty categorie makes the indicator "<indicator>/<categorie>" (so
// "/" is refused in the Beverwijk indicator column). gebied_naam and rang are validated and
// dropped (rang, if present, must be a whole number 1-999).
//
// CSV syntax is RFC 4180 (see csv_rows.h): quoted fields may hold commas, quotes and line
// breaks; a UTF-8 BOM, CRLF and empty lines are accepted. Fields are not trimmed.
//
// Validation of every data line (lines are 1-based physical lines; a record spanning several
// lines counts from its first line):
//   - the line has as many fields as the header;
//   - each field is valid UTF-8 without control characters (free-text columns source,
//     gebied_naam and opmerking may hold tab and line breaks) and at most its byte limit:
//     area_code/gebied_code 32, indicator 256 (Beverwijk: 127 plus categorie 128, so every
//     Beverwijk row also fits the generic format), period/jaar 16, value/waarde 64,
//     unit/eenheid 64, source 2048 (Beverwijk: bron_url 1000, opmerking 1000),
//     gebied_naam 200, rang 8;
//   - area code non-empty and accepted by the caller's `known_area`;
//   - indicator non-empty; period as in period.h;
//   - value a finite decimal number with a decimal point ("-12", "6.6", "1.5e3"; not "6,6",
//     "NaN", "inf", ".5", "1e999");
//   - no two rows with the same (area_code, indicator, period).
//
// Errors:
//   INVALID_ARGUMENT built with InvalidFieldsError (common/status.h): every problem is a field
//     violation, in file order, up to options.max_errors, then one more saying the list was
//     cut. Field paths: "csv" (whole file: too large, too many errors), "csv.line[N]" (the
//     line: unknown header, malformed CSV, field count, duplicate key), "csv.line[N].<column>"
//     with the column name as in the file's header ("csv.line[7].waarde"). The message names
//     the first: csv.line[7].value: "abc" is not a number (and 2 more invalid fields).
//     Callers nest the paths with PrefixFieldPaths. Any error means no indicators at all.
//   INTERNAL if `known_area` is empty (a caller bug).
//
// Thread safety: pure functions; `known_area` is called on the calling thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/indicators/period.h"

namespace wijkwacht::indicators {

struct Indicator {
  std::string area_code;  // CBS code, e.g. "WK037500", "GM0375"
  std::string indicator;  // e.g. "voelt_zich_wel_eens_onveilig", "politieregistraties/overval"
  Period period;
  double value = 0;    // finite
  std::string unit;    // may be empty, e.g. "%", "aantal", "cijfer 1-10"
  std::string source;  // may be empty; URL and/or remark
  bool operator==(const Indicator&) const = default;
};

struct IndicatorCsvOptions {
  // Larger input is refused before parsing (4 MiB, the default gRPC message limit).
  size_t max_file_bytes = 4 << 20;
  // Violations listed before giving up on the rest of the file.
  size_t max_errors = 100;
};

// Parses a whole file in either format; rows keep their file order.
[[nodiscard]] absl::StatusOr<std::vector<Indicator>> ParseIndicatorsCsv(
    absl::string_view csv, const std::function<bool(std::string_view)>& known_area,
    const IndicatorCsvOptions& options = {});

// The generic format, header first, LF line ends, fields quoted only where RFC 4180 needs it,
// values in the shortest text that reads back to the same double. Parsing the output gives
// `indicators` back if they were valid.
[[nodiscard]] std::string FormatGenericIndicatorsCsv(std::span<const Indicator> indicators);

}  // namespace wijkwacht::indicators
