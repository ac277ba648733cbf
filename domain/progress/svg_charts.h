// Internal to wijkwacht_progress: the report's inline SVG charts.
//
// Both charts are complete <svg> elements with a viewBox (they scale to the page width), a
// <title> for screen readers, and no scripts, fonts or external references. Labels are
// escaped here; callers pass raw text. Values are ShownCounts, so privacy is already applied:
// a suppressed value is drawn hatched at the height of k with the label "<k" (the same for
// every suppressed value, so the bar reveals nothing), a lower-bound total at its bound with
// "≥N".
//
// Thread safety: all functions are pure.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "domain/progress/figures.h"

namespace wijkwacht::progress::internal {

// Colours of the three compared half-years (current, previous, same half last year).
inline constexpr std::array<const char*, 3> kPeriodColors = {"#1f4e79", "#6f9fd0", "#b5b5b5"};
// Colours of the five framework themes in kFrameworkThemes order.
inline constexpr std::array<const char*, 5> kThemeColors = {"#1b9e77", "#d95f02", "#7570b3",
                                                            "#e7298a", "#5a5a5a"};

struct BarGroup {
  std::string label;                 // e.g. the wijk name
  std::array<ShownCount, 3> values;  // current, previous, same half last year
};

// Horizontal grouped bar chart: one group of three bars per label.
struct GroupedBarChart {
  std::string id;                            // unique in the page, [a-z0-9-]
  std::string title;                         // accessible name
  std::array<std::string, 3> series_labels;  // "2026-H1", ...
  std::vector<BarGroup> groups;
};

[[nodiscard]] std::string GroupedBarChartSvg(const GroupedBarChart& chart,
                                             const Disclosure& disclosure);

struct LineSeries {
  std::string label;
  size_t style = 0;                // index into kThemeColors and the marker shapes
  std::vector<ShownCount> values;  // one per x label, or fewer (the line stops early)
};

// Line chart over months. Segments join consecutive exact values only; a suppressed value is
// an open marker inside a hatched band from 0 to k labelled "<k".
struct LineChart {
  std::string id;
  std::string title;
  std::vector<std::string> x_labels;  // e.g. 12 month labels
  // The x index where the second period starts (a dashed divider is drawn before it, with
  // period_labels on either side); 0 for none.
  size_t divider_index = 0;
  std::array<std::string, 2> period_labels;
  std::vector<LineSeries> series;
};

[[nodiscard]] std::string LineChartSvg(const LineChart& chart, const Disclosure& disclosure);

}  // namespace wijkwacht::progress::internal
