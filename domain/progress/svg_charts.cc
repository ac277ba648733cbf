#include "domain/progress/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "domain/progress/svg_util.h"
#include "domain/progress/text_escape.h"

namespace wijkwacht::progress::internal {
namespace {

constexpr double kWidth = 720;

// The length a shown value is drawn with: its value, its lower bound, or k if suppressed.
double DrawnValue(const ShownCount& value, const Disclosure& disclosure) {
  return value.kind == ShownCount::Kind::kSuppressed ? disclosure.k()
                                                     : static_cast<double>(value.value);
}

struct Axis {
  int64_t step = 1;
  int64_t max = 1;  // a multiple of step, >= 1
};

Axis MakeAxis(double largest) {
  Axis axis;
  axis.step = AxisStep(static_cast<int64_t>(std::ceil(largest)), 5);
  axis.max =
      std::max<int64_t>(axis.step, (static_cast<int64_t>(std::ceil(largest)) + axis.step - 1) /
                                       axis.step * axis.step);
  return axis;
}

std::string SvgOpen(absl::string_view id, absl::string_view title, double height) {
  return absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"", id,
                      "\" viewBox=\"0 0 ", Num(kWidth), " ", Num(height),
                      "\" role=\"img\" aria-labelledby=\"", id, "-title\"><title id=\"", id,
                      "-title\">", HtmlEscape(title), "</title>");
}

std::string Text(double x, double y, absl::string_view escaped, absl::string_view extra = "") {
  return absl::StrCat("<text x=\"", Num(x), "\" y=\"", Num(y), "\"", extra.empty() ? "" : " ",
                      extra, ">", escaped, "</text>");
}

// A marker shape per series style; `filled` false draws it open (white inside).
std::string Marker(size_t style, double x, double y, absl::string_view color, bool filled) {
  std::string paint = absl::StrCat(" fill=\"", filled ? color : "#ffffff", "\" stroke=\"", color,
                                   "\" stroke-width=\"1.5\"/>");
  switch (style % 5) {
    case 0:
      return absl::StrCat("<circle cx=\"", Num(x), "\" cy=\"", Num(y), "\" r=\"3.5\"", paint);
    case 1:
      return absl::StrCat("<rect x=\"", Num(x - 3.2), "\" y=\"", Num(y - 3.2),
                          "\" width=\"6.4\" height=\"6.4\"", paint);
    case 2:
      return absl::StrCat("<path d=\"M", Num(x), " ", Num(y - 4.2), "L", Num(x + 4), " ",
                          Num(y + 3), "L", Num(x - 4), " ", Num(y + 3), "Z\"", paint);
    case 3:
      return absl::StrCat("<path d=\"M", Num(x), " ", Num(y - 4.5), "L", Num(x + 4.5), " ", Num(y),
                          "L", Num(x), " ", Num(y + 4.5), "L", Num(x - 4.5), " ", Num(y), "Z\"",
                          paint);
    default:
      return absl::StrCat("<path d=\"M", Num(x), " ", Num(y + 4.2), "L", Num(x + 4), " ",
                          Num(y - 3), "L", Num(x - 4), " ", Num(y - 3), "Z\"", paint);
  }
}

bool AnySuppressed(const std::vector<ShownCount>& values) {
  return std::any_of(values.begin(), values.end(),
                     [](const ShownCount& v) { return v.kind == ShownCount::Kind::kSuppressed; });
}

}  // namespace

std::string GroupedBarChartSvg(const GroupedBarChart& chart, const Disclosure& disclosure) {
  constexpr double kLabelRight = 222, kPlotLeft = 230, kPlotRight = 650;
  constexpr double kTop = 34, kBarHeight = 9, kBarStep = 10, kGroupHeight = 42;

  double largest = 0;
  bool any_suppressed = false;
  for (const BarGroup& group : chart.groups) {
    for (const ShownCount& v : group.values) {
      largest = std::max(largest, DrawnValue(v, disclosure));
      any_suppressed |= v.kind == ShownCount::Kind::kSuppressed;
    }
  }
  Axis axis = MakeAxis(largest);
  auto x_of = [&](double value) {
    return kPlotLeft + (kPlotRight - kPlotLeft) * value / static_cast<double>(axis.max);
  };
  double plot_bottom = kTop + kGroupHeight * static_cast<double>(chart.groups.size());
  double height = plot_bottom + 24;

  std::string svg = SvgOpen(chart.id, chart.title, height);
  absl::StrAppend(&svg, "<defs>");
  for (size_t s = 0; s < 3; ++s) {
    absl::StrAppend(&svg, HatchPattern(absl::StrCat(chart.id, "-hatch-", s), kPeriodColors[s]));
  }
  absl::StrAppend(&svg, "</defs>");

  // Legend.
  double legend_x = 0;
  for (size_t s = 0; s < 3; ++s) {
    absl::StrAppend(&svg, "<rect x=\"", Num(legend_x),
                    "\" y=\"6\" width=\"12\" height=\"12\" fill=\"", kPeriodColors[s], "\"/>",
                    Text(legend_x + 16, 16, HtmlEscape(chart.series_labels[s]), "class=\"small\""));
    legend_x += 120;
  }
  if (any_suppressed) {
    absl::StrAppend(
        &svg, "<rect x=\"", Num(legend_x), "\" y=\"6\" width=\"12\" height=\"12\" fill=\"url(#",
        chart.id, "-hatch-0)\" stroke=\"", kPeriodColors[0], "\"/>",
        Text(legend_x + 16, 16, HtmlEscape(absl::StrCat("<", disclosure.k(), ": onderdrukt")),
             "class=\"small\""));
  }

  // Grid and axis.
  for (int64_t tick = 0; tick <= axis.max; tick += axis.step) {
    double x = x_of(static_cast<double>(tick));
    absl::StrAppend(
        &svg, "<line x1=\"", Num(x), "\" y1=\"", Num(kTop - 4), "\" x2=\"", Num(x), "\" y2=\"",
        Num(plot_bottom), "\" stroke=\"#e1e1e1\"/>",
        Text(x, plot_bottom + 14, FormatInteger(tick), "class=\"small\" text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, "<line x1=\"", Num(kPlotLeft), "\" y1=\"", Num(kTop - 4), "\" x2=\"",
                  Num(kPlotLeft), "\" y2=\"", Num(plot_bottom), "\" stroke=\"#777777\"/>");

  // Bars.
  for (size_t g = 0; g < chart.groups.size(); ++g) {
    const BarGroup& group = chart.groups[g];
    double group_top = kTop + kGroupHeight * static_cast<double>(g);
    absl::StrAppend(&svg, "<text x=\"", Num(kLabelRight), "\" y=\"", Num(group_top + 19),
                    "\" text-anchor=\"end\" class=\"small\"><title>", HtmlEscape(group.label),
                    "</title>", HtmlEscape(TruncateUtf8(group.label, 40)), "</text>");
    for (size_t s = 0; s < 3; ++s) {
      const ShownCount& value = group.values[s];
      double y = group_top + kBarStep * static_cast<double>(s);
      double bar_end = x_of(DrawnValue(value, disclosure));
      std::string fill =
          value.kind == ShownCount::Kind::kSuppressed
              ? absl::StrCat("url(#", chart.id, "-hatch-", s, ")\" stroke=\"", kPeriodColors[s])
              : kPeriodColors[s];
      if (bar_end > kPlotLeft) {
        absl::StrAppend(&svg, "<rect x=\"", Num(kPlotLeft), "\" y=\"", Num(y), "\" width=\"",
                        Num(bar_end - kPlotLeft), "\" height=\"", Num(kBarHeight), "\" fill=\"",
                        fill, "\"/>");
      }
      absl::StrAppend(
          &svg, Text(bar_end + 4, y + 8, HtmlEscape(disclosure.Text(value)), "class=\"value\""));
    }
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

std::string LineChartSvg(const LineChart& chart, const Disclosure& disclosure) {
  constexpr double kPlotLeft = 48, kPlotRight = 704, kPlotTop = 30, kPlotBottom = 250;
  constexpr double kLegendTop = 292, kLegendRow = 18;

  double largest = 0;
  bool any_suppressed = false;
  for (const LineSeries& series : chart.series) {
    for (const ShownCount& v : series.values)
      largest = std::max(largest, DrawnValue(v, disclosure));
    any_suppressed |= AnySuppressed(series.values);
  }
  Axis axis = MakeAxis(largest);
  double slot =
      (kPlotRight - kPlotLeft) / static_cast<double>(std::max<size_t>(1, chart.x_labels.size()));
  auto x_of = [&](size_t i) { return kPlotLeft + slot * (static_cast<double>(i) + 0.5); };
  auto y_of = [&](double value) {
    return kPlotBottom - (kPlotBottom - kPlotTop) * value / static_cast<double>(axis.max);
  };
  size_t legend_rows = (chart.series.size() + 1) / 2 + (any_suppressed ? 1 : 0);
  double height = kLegendTop + kLegendRow * static_cast<double>(legend_rows) + 4;

  std::string svg = SvgOpen(chart.id, chart.title, height);
  std::string band_id = absl::StrCat(chart.id, "-band");
  absl::StrAppend(&svg, "<defs>", HatchPattern(band_id, "#d6d6d6"), "</defs>");

  // Y grid and labels.
  for (int64_t tick = 0; tick <= axis.max; tick += axis.step) {
    double y = y_of(static_cast<double>(tick));
    absl::StrAppend(
        &svg, "<line x1=\"", Num(kPlotLeft), "\" y1=\"", Num(y), "\" x2=\"", Num(kPlotRight),
        "\" y2=\"", Num(y), "\" stroke=\"#e1e1e1\"/>",
        Text(kPlotLeft - 6, y + 3, FormatInteger(tick), "class=\"small\" text-anchor=\"end\""));
  }
  if (any_suppressed) {
    double band_top = y_of(disclosure.k());
    absl::StrAppend(&svg, "<rect x=\"", Num(kPlotLeft), "\" y=\"", Num(band_top), "\" width=\"",
                    Num(kPlotRight - kPlotLeft), "\" height=\"", Num(kPlotBottom - band_top),
                    "\" fill=\"url(#", band_id, ")\" opacity=\"0.7\"/>");
  }
  // X labels and the period divider.
  for (size_t i = 0; i < chart.x_labels.size(); ++i) {
    absl::StrAppend(&svg, Text(x_of(i), kPlotBottom + 16, HtmlEscape(chart.x_labels[i]),
                               "class=\"small\" text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, "<line x1=\"", Num(kPlotLeft), "\" y1=\"", Num(kPlotBottom), "\" x2=\"",
                  Num(kPlotRight), "\" y2=\"", Num(kPlotBottom), "\" stroke=\"#777777\"/>");
  if (chart.divider_index > 0 && chart.divider_index < chart.x_labels.size()) {
    double x = kPlotLeft + slot * static_cast<double>(chart.divider_index);
    absl::StrAppend(&svg, "<line x1=\"", Num(x), "\" y1=\"", Num(kPlotTop - 14), "\" x2=\"", Num(x),
                    "\" y2=\"", Num(kPlotBottom),
                    "\" stroke=\"#555555\" "
                    "stroke-dasharray=\"4 3\"/>",
                    Text((kPlotLeft + x) / 2, kPlotTop - 12, HtmlEscape(chart.period_labels[0]),
                         "class=\"small\" text-anchor=\"middle\""),
                    Text((x + kPlotRight) / 2, kPlotTop - 12, HtmlEscape(chart.period_labels[1]),
                         "class=\"small\" text-anchor=\"middle\""));
  }

  // Lines: one polyline per run of consecutive exact values, then the markers.
  for (const LineSeries& series : chart.series) {
    const char* color = kThemeColors[series.style % kThemeColors.size()];
    std::string points;
    size_t run = 0;
    auto flush = [&] {
      if (run >= 2) {
        absl::StrAppend(&svg, "<polyline fill=\"none\" stroke=\"", color,
                        "\" stroke-width=\"2\" points=\"", points, "\"/>");
      }
      points.clear();
      run = 0;
    };
    for (size_t i = 0; i < series.values.size() && i < chart.x_labels.size(); ++i) {
      if (!series.values[i].exact()) {
        flush();
        continue;
      }
      absl::StrAppend(&points, run == 0 ? "" : " ", Num(x_of(i)), ",",
                      Num(y_of(static_cast<double>(series.values[i].value))));
      ++run;
    }
    flush();
    for (size_t i = 0; i < series.values.size() && i < chart.x_labels.size(); ++i) {
      const ShownCount& v = series.values[i];
      double y =
          v.exact() ? y_of(static_cast<double>(v.value)) : y_of(DrawnValue(v, disclosure) / 2);
      absl::StrAppend(&svg, Marker(series.style, x_of(i), y, color, v.exact()));
    }
  }

  // Legend: two entries per row.
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const LineSeries& series = chart.series[i];
    const char* color = kThemeColors[series.style % kThemeColors.size()];
    double x = i % 2 == 0 ? 0 : 360;
    double y = kLegendTop + kLegendRow * static_cast<double>(i / 2);
    absl::StrAppend(&svg, "<line x1=\"", Num(x), "\" y1=\"", Num(y - 4), "\" x2=\"", Num(x + 24),
                    "\" y2=\"", Num(y - 4), "\" stroke=\"", color, "\" stroke-width=\"2\"/>",
                    Marker(series.style, x + 12, y - 4, color, true),
                    Text(x + 30, y, HtmlEscape(series.label), "class=\"small\""));
  }
  if (any_suppressed) {
    double y = kLegendTop + kLegendRow * static_cast<double>(legend_rows - 1);
    absl::StrAppend(&svg, "<rect x=\"0\" y=\"", Num(y - 10),
                    "\" width=\"24\" height=\"10\" fill=\"url(#", band_id, ")\"/>",
                    Marker(0, 12, y - 5, "#555555", false),
                    Text(30, y,
                         HtmlEscape(absl::StrCat("open teken in de gearceerde band: <",
                                                 disclosure.k(), " (onderdrukt)")),
                         "class=\"small\""));
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

}  // namespace wijkwacht::progress::internal
