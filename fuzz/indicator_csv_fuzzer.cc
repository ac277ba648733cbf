// Fuzz target: indicator CSV files as MapService.ImportIndicators receives them
// (domain/indicators/indicator_csv.h). A file either parses, and then writing it in the
// generic format and parsing that gives the same indicators back, or is refused with
// INVALID_ARGUMENT. The first input byte picks the period parser alone (odd) or the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "absl/status/status.h"
#include "domain/indicators/indicator_csv.h"
#include "domain/indicators/period.h"
#include "fuzz/fuzz_support.h"

namespace {

bool KnownArea(std::string_view code) {
  return code.size() <= 10 &&
         (code.starts_with("GM") || code.starts_with("WK") || code.starts_with("BU"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wijkwacht::fuzz::InputReader in(data, size);
  const uint8_t mode = in.Byte();
  const absl::string_view text = in.Rest();
  if (mode & 1) {
    absl::StatusOr<wijkwacht::indicators::Period> period =
        wijkwacht::indicators::ParsePeriod(text);
    if (!period.ok() && period.status().code() != absl::StatusCode::kInvalidArgument) abort();
    return 0;
  }
  wijkwacht::indicators::IndicatorCsvOptions options;
  options.max_errors = 1 + mode % 16;
  absl::StatusOr<std::vector<wijkwacht::indicators::Indicator>> rows =
      wijkwacht::indicators::ParseIndicatorsCsv(text, KnownArea, options);
  if (!rows.ok()) {
    if (rows.status().code() != absl::StatusCode::kInvalidArgument) abort();
    return 0;
  }
  const std::string generic = wijkwacht::indicators::FormatGenericIndicatorsCsv(*rows);
  absl::StatusOr<std::vector<wijkwacht::indicators::Indicator>> again =
      wijkwacht::indicators::ParseIndicatorsCsv(generic, KnownArea);
  if (!again.ok() || *again != *rows) abort();
  return 0;
}
