// Internal to wijkwacht_progress: the report's "handled within target" section (see
// progress_report.h): per theme (all wijken) and per wijk (all themes), how many settled
// incidents were handled by their deadline, as HTML and as Markdown. Counts go through the
// report's Disclosure; a share is shown only when both of its counts are exact.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "domain/progress/figures.h"
#include "domain/progress/progress_report.h"

namespace wijkwacht::progress::internal {

[[nodiscard]] std::string HandlingHtml(const ProgressReportData& data, const Disclosure& d);
[[nodiscard]] std::string HandlingMarkdown(const ProgressReportData& data, const Disclosure& d);

}  // namespace wijkwacht::progress::internal
