// Test-only: a realistic ProgressReportData for the Beverwijk wijken.
//
// Thread safety: SampleReport() reads files and is safe to call concurrently.
#pragma once

#include "absl/status/statusor.h"
#include "domain/progress/progress_report.h"

namespace wijkwacht::progress::testing {

// Period 2026-H1; the ten Beverwijk wijken with their outlines from data/areas; the focus
// areas De Drie Straatjes (own polygon) and Oosterwijk (outline of buurt BU03750600); twelve
// months per theme; two early warnings and three indicators. The counts are a fixed pattern
// that includes zeros, zero baselines and values from 1 to 4.
// Errors: NOT_FOUND / INVALID_ARGUMENT if the area files cannot be read or parsed.
[[nodiscard]] absl::StatusOr<ProgressReportData> SampleReport(int suppress_below_k);

}  // namespace wijkwacht::progress::testing
