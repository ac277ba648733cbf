// Internal to wijkwacht_progress: everything the report shows, computed once from validated
// ProgressReportData, so that the HTML and the Markdown rendering say the same. Counts are
// already ShownCounts (privacy applied); texts are raw (each renderer escapes them).
//
// Thread safety: BuildReportModel is pure; a ReportModel is a plain value.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/catalog/theme.h"
#include "domain/progress/figures.h"
#include "domain/progress/half_year.h"
#include "domain/progress/progress_report.h"

namespace wijkwacht::progress::internal {

// One row of a comparison table: a wijk, theme, focus area or total in the three half-years.
struct ComparisonRow {
  std::string label;
  ShownCount current;
  ShownCount previous;
  ShownCount same_half_last_year;
  std::string change_vs_previous;   // ChangeText(current, previous)
  std::string change_vs_last_year;  // ChangeText(current, same_half_last_year)
};

struct ThemeSection {
  catalog::Theme theme = catalog::Theme::kUnspecified;
  std::string title;                     // ThemeTitle(theme)
  std::vector<ComparisonRow> wijk_rows;  // in data order
  ComparisonRow total;                   // "Alle wijken"
};

struct FocusAreaSection {
  std::string code;
  std::string name;
  std::vector<ComparisonRow> theme_rows;  // kFrameworkThemes order
  ComparisonRow total;                    // "Alle thema's"
};

struct MonthlySeries {
  catalog::Theme theme = catalog::Theme::kUnspecified;
  std::string title;
  std::vector<ShownCount> values;  // months_with_data values
};

struct MonthlyModel {
  std::vector<absl::CivilMonth> months;  // always 12: previous half-year, then current
  size_t months_with_data = 0;           // 0 if there are no series
  std::vector<MonthlySeries> series;     // kFrameworkThemes order, themes with data only
};

struct ReportModel {
  std::string title;
  HalfYearPeriod period;
  Disclosure disclosure{0};
  std::string generated_at;  // TimeLabel(data.generated_at, ReportTimeZone())

  std::vector<std::string> highlights;      // summary sentences, plain text
  std::vector<ComparisonRow> theme_totals;  // all wijken, per theme
  ComparisonRow grand_total;                // all wijken and themes
  std::vector<ComparisonRow> wijk_totals;   // per wijk, all themes (also the map's values)
  std::vector<ThemeSection> themes;         // kFrameworkThemes order
  std::vector<FocusAreaSection> focus_areas;
  MonthlyModel monthly;
};

// Validates `data` (ValidateProgressReportData) and computes the model.
[[nodiscard]] absl::StatusOr<ReportModel> BuildReportModel(const ProgressReportData& data);

// The three column headings for a ReportModel's periods: "2026-H1", "2025-H2", "2025-H1".
[[nodiscard]] std::vector<std::string> PeriodHeadings(const ReportModel& model);

}  // namespace wijkwacht::progress::internal
