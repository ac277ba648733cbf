// Internal to wijkwacht_progress: the report's Actieplan and flitspeiling sections (see
// progress_report.h), as HTML and as Markdown, with the statistical caveats in words. Counts
// go through the report's Disclosure like every other count.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "domain/progress/figures.h"
#include "domain/progress/progress_report.h"

namespace wijkwacht::progress::internal {

// The caveat printed under every before/after table.
[[nodiscard]] const char* BeforeAfterCaveat();

[[nodiscard]] std::string ActionPlanHtml(const ProgressReportData& data, const Disclosure& d);
[[nodiscard]] std::string PollTrendHtml(const ProgressReportData& data);
[[nodiscard]] std::string ActionPlanMarkdown(const ProgressReportData& data, const Disclosure& d);
[[nodiscard]] std::string PollTrendMarkdown(const ProgressReportData& data);

}  // namespace wijkwacht::progress::internal
