// RenderHtml (declared in progress_report.h).
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"
#include "domain/progress/choropleth.h"
#include "domain/progress/handling_section.h"
#include "domain/progress/plan_sections.h"
#include "domain/progress/progress_report.h"
#include "domain/progress/report_model.h"
#include "domain/progress/svg_charts.h"
#include "domain/progress/text_escape.h"

namespace wijkwacht::progress {
namespace {

using internal::ComparisonRow;
using internal::Disclosure;
using internal::HtmlEscape;
using internal::ReportModel;
using internal::ShownCount;

constexpr char kStyle[] = R"css(
@page { size: A4; margin: 16mm 14mm; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans",
  sans-serif; font-size: 10.5pt; line-height: 1.4; color: #1a1a1a; max-width: 190mm;
  margin: 0 auto; padding: 12px; }
header { border-bottom: 3px solid #1f4e79; padding-bottom: 8px; margin-bottom: 8px; }
h1 { font-size: 20pt; margin: 0 0 4px; color: #1f4e79; }
h2 { font-size: 14pt; color: #1f4e79; border-bottom: 1.5px solid #1f4e79; padding-bottom: 2px;
  margin: 22px 0 8px; }
h3 { font-size: 11.5pt; margin: 14px 0 6px; }
.subtitle { margin: 0 0 6px; font-size: 11pt; }
.version { display: inline-block; padding: 2px 8px; border-radius: 4px; font-weight: 600;
  margin: 0; }
.version.public { background: #e3f1e3; color: #1d5e1d; }
.version.staff { background: #fde2e2; color: #8a1010; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 9.5pt; }
.measure { break-inside: avoid; border-left: 3px solid #1f5f8b; padding-left: 8px; margin: 8px 0 12px; }
h4 { margin: 6px 0 2px; font-size: 10.5pt; }
th, td { border-bottom: 1px solid #d9d9d9; padding: 3px 6px; text-align: left;
  vertical-align: top; }
th { background: #eef3f8; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 1.5px solid #777777; }
td.suppressed { color: #6b6b6b; font-style: italic; }
td.up { color: #a50f15; }
td.down { color: #1a7f37; }
table.monthly { font-size: 8pt; }
table.monthly th, table.monthly td { padding: 2px 3px; }
.focus { background: #fff6e5; border: 2px solid #e8a25a; border-radius: 6px;
  padding: 2px 14px 8px; margin-top: 18px; }
.focus h2 { margin-top: 10px; }
.code { color: #666666; font-weight: 400; font-size: 9pt; }
.note { color: #555555; font-size: 9pt; }
svg { display: block; width: 100%; height: auto; margin: 6px 0; }
svg text { font-size: 11px; fill: #222222; }
svg .small { font-size: 10px; }
svg .value { font-size: 9px; fill: #333333; }
svg .legendtitle { font-size: 11px; font-weight: 600; }
svg .maplabel text { font-size: 9px; font-weight: 700; }
@media print {
  body { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, svg, .theme, .focus-area { break-inside: avoid; }
}
)css";

// The CSS classes of a count cell.
std::string CountClass(const ShownCount& count) { return count.exact() ? "num" : "num suppressed"; }

std::string ChangeClass(absl::string_view change) {
  if (!change.empty() && change.front() == '+') return "num up";
  if (!change.empty() && change.front() == '-') return "num down";
  return "num";
}

// A table of comparison rows; `total` (may be null) is the bold last row.
std::string ComparisonTable(absl::string_view first_heading, const std::vector<ComparisonRow>& rows,
                            const ComparisonRow* total, const ReportModel& m) {
  std::vector<std::string> headings = internal::PeriodHeadings(m);
  std::string html = absl::StrCat(
      "<table class=\"counts\"><thead><tr><th>", HtmlEscape(first_heading),
      "</th><th class=\"num\">", headings[0], "</th><th class=\"num\">", headings[1],
      "</th><th class=\"num\">t.o.v. ", headings[1], "</th><th class=\"num\">", headings[2],
      "</th><th class=\"num\">t.o.v. ", headings[2], "</th></tr></thead><tbody>");
  auto append_row = [&](const ComparisonRow& row, bool is_total) {
    const Disclosure& d = m.disclosure;
    absl::StrAppend(
        &html, is_total ? "<tr class=\"total\">" : "<tr>", "<td>", HtmlEscape(row.label),
        "</td><td class=\"", CountClass(row.current), "\">", HtmlEscape(d.Text(row.current)),
        "</td><td class=\"", CountClass(row.previous), "\">", HtmlEscape(d.Text(row.previous)),
        "</td><td class=\"", ChangeClass(row.change_vs_previous), "\">", row.change_vs_previous,
        "</td><td class=\"", CountClass(row.same_half_last_year), "\">",
        HtmlEscape(d.Text(row.same_half_last_year)), "</td><td class=\"",
        ChangeClass(row.change_vs_last_year), "\">", row.change_vs_last_year, "</td></tr>");
  };
  for (const ComparisonRow& row : rows) append_row(row, false);
  if (total != nullptr) append_row(*total, true);
  absl::StrAppend(&html, "</tbody></table>");
  return html;
}

std::string BarChart(std::string id, std::string title, const std::vector<ComparisonRow>& rows,
                     const ReportModel& m) {
  std::vector<std::string> headings = internal::PeriodHeadings(m);
  internal::GroupedBarChart chart{
      std::move(id), std::move(title), {headings[0], headings[1], headings[2]}, {}};
  for (const ComparisonRow& row : rows) {
    chart.groups.push_back({row.label, {row.current, row.previous, row.same_half_last_year}});
  }
  return internal::GroupedBarChartSvg(chart, m.disclosure);
}

std::string Header(const ReportModel& m) {
  const HalfYearPeriod& p = m.period;
  std::string version =
      m.disclosure.is_public()
          ? absl::StrCat("<p class=\"version public\">Openbare versie: aantallen onder ",
                         m.disclosure.k(), " zijn afgeschermd</p>")
          : "<p class=\"version staff\">Interne versie met exacte aantallen: niet voor "
            "publicatie</p>";
  return absl::StrCat("<header><h1>", HtmlEscape(m.title), "</h1><p class=\"subtitle\">",
                      "Halfjaarrapportage ", p.half_year.DutchLabel(), " (", p.half_year.Label(),
                      "), vergeleken met het ", p.previous.DutchLabel(), " (", p.previous.Label(),
                      ") en het ", p.same_half_last_year.DutchLabel(), " (",
                      p.same_half_last_year.Label(), ")</p>", version, "</header>");
}

std::string Summary(const ReportModel& m) {
  std::string html = "<section id=\"samenvatting\"><h2>Samenvatting</h2><ul>";
  for (const std::string& line : m.highlights) {
    absl::StrAppend(&html, "<li>", HtmlEscape(line), "</li>");
  }
  absl::StrAppend(&html, "</ul>", ComparisonTable("Thema", m.theme_totals, &m.grand_total, m),
                  "</section>");
  return html;
}

std::string FocusAreas(const ReportModel& m) {
  std::string html = "<section id=\"focusgebieden\" class=\"focus\"><h2>Focusgebieden</h2>";
  if (m.focus_areas.empty()) {
    absl::StrAppend(&html, "<p class=\"note\">Geen focusgebieden in deze rapportage.</p>");
  }
  for (size_t i = 0; i < m.focus_areas.size(); ++i) {
    const internal::FocusAreaSection& focus = m.focus_areas[i];
    absl::StrAppend(
        &html, "<div class=\"focus-area\"><h3>", HtmlEscape(focus.name), " <span class=\"code\">",
        HtmlEscape(focus.code), "</span></h3>",
        ComparisonTable("Thema", focus.theme_rows, &focus.total, m),
        BarChart(absl::StrCat("bars-focus-", i),
                 absl::StrCat("Incidenten per thema in ", focus.name), focus.theme_rows, m),
        "</div>");
  }
  absl::StrAppend(&html, "</section>");
  return html;
}

std::string MapSection(const ProgressReportData& data, const ReportModel& m) {
  std::string current = m.period.half_year.Label();
  internal::ChoroplethMap map;
  map.id = "map-wijken";
  map.title = absl::StrCat("Kaart van de wijken naar aantal incidenten in ", current);
  map.value_caption = absl::StrCat("Incidenten ", current);
  std::vector<std::string> without_outline;
  for (size_t i = 0; i < data.wijken.size(); ++i) {
    map.areas.push_back({data.wijken[i].name, &data.wijken[i].outline, m.wijk_totals[i].current});
    if (data.wijken[i].outline.empty()) without_outline.push_back(HtmlEscape(data.wijken[i].name));
  }
  for (const AreaCounts& focus : data.focus_areas) {
    if (!focus.outline.empty()) map.overlays.push_back({focus.name, &focus.outline});
  }
  std::string svg = internal::ChoroplethSvg(map, m.disclosure);

  std::string html =
      absl::StrCat("<section id=\"kaart\"><h2>Incidenten per wijk in ", current, "</h2>");
  if (svg.empty()) {
    absl::StrAppend(&html, "<p class=\"note\">Geen kaartgegevens beschikbaar.</p>");
  } else {
    absl::StrAppend(&html, "<figure>", svg, "</figure>");
    if (!without_outline.empty()) {
      absl::StrAppend(&html, "<p class=\"note\">Niet op de kaart (geen kaartvorm): ",
                      absl::StrJoin(without_outline, ", "), ".</p>");
    }
  }
  absl::StrAppend(&html, ComparisonTable("Wijk", m.wijk_totals, &m.grand_total, m), "</section>");
  return html;
}

std::string MonthlySection(const ReportModel& m) {
  const internal::MonthlyModel& monthly = m.monthly;
  std::string html = "<section id=\"maandverloop\"><h2>Verloop per maand</h2>";
  if (monthly.series.empty()) {
    absl::StrAppend(&html, "<p class=\"note\">Geen maandcijfers beschikbaar.</p></section>");
    return html;
  }
  internal::LineChart chart;
  chart.id = "line-monthly";
  chart.title = "Incidenten per maand en thema";
  for (absl::CivilMonth month : monthly.months)
    chart.x_labels.push_back(internal::MonthLabel(month));
  chart.divider_index = 6;
  chart.period_labels = {m.period.previous.Label(), m.period.half_year.Label()};
  for (const internal::MonthlySeries& series : monthly.series) {
    chart.series.push_back({series.title, static_cast<size_t>(series.theme) - 1, series.values});
  }
  absl::StrAppend(&html, "<figure>", internal::LineChartSvg(chart, m.disclosure), "</figure>",
                  "<table class=\"monthly\"><thead><tr><th>Thema</th>");
  for (absl::CivilMonth month : monthly.months) {
    absl::StrAppend(&html, "<th class=\"num\">", internal::MonthLabel(month), "</th>");
  }
  absl::StrAppend(&html, "</tr></thead><tbody>");
  for (const internal::MonthlySeries& series : monthly.series) {
    absl::StrAppend(&html, "<tr><td>", HtmlEscape(series.title), "</td>");
    for (size_t i = 0; i < monthly.months.size(); ++i) {
      if (i >= series.values.size()) {
        absl::StrAppend(&html, "<td class=\"num\"></td>");
        continue;
      }
      absl::StrAppend(&html, "<td class=\"", CountClass(series.values[i]), "\">",
                      HtmlEscape(m.disclosure.Text(series.values[i])), "</td>");
    }
    absl::StrAppend(&html, "</tr>");
  }
  absl::StrAppend(&html, "</tbody></table></section>");
  return html;
}

std::string ThemeSections(const ReportModel& m) {
  std::string html = "<section id=\"themas\"><h2>Per thema</h2>";
  for (const internal::ThemeSection& theme : m.themes) {
    std::string id = absl::AsciiStrToLower(catalog::ThemeName(theme.theme));
    absl::StrReplaceAll({{"_", "-"}}, &id);
    absl::StrAppend(
        &html, "<section class=\"theme\" id=\"thema-", id, "\"><h3>", HtmlEscape(theme.title),
        "</h3>", ComparisonTable("Wijk", theme.wijk_rows, &theme.total, m),
        BarChart(absl::StrCat("bars-", id), absl::StrCat(theme.title, ": incidenten per wijk"),
                 theme.wijk_rows, m),
        "</section>");
  }
  absl::StrAppend(&html, "</section>");
  return html;
}

std::string EarlyWarnings(const ProgressReportData& data, const ReportModel& m) {
  std::string html = "<section id=\"vroegsignalering\"><h2>Vroegsignalering</h2>";
  if (data.early_warnings.empty()) {
    absl::StrAppend(&html, "<p class=\"note\">Er zijn geen vroegsignalen afgegeven.</p></section>");
    return html;
  }
  absl::StrAppend(&html,
                  "<table><thead><tr><th>Datum</th><th>Gebied</th><th>Thema</th>"
                  "<th class=\"num\">Waargenomen</th><th class=\"num\">Verwacht</th>"
                  "<th>Toelichting</th><th>Opvolging</th></tr></thead><tbody>");
  for (const EarlyWarning& w : data.early_warnings) {
    ShownCount observed = m.disclosure.Count(w.observed);
    absl::StrAppend(
        &html, "<tr><td>", internal::DayLabel(w.day), "</td><td>", HtmlEscape(w.area_name),
        w.area_code.empty()
            ? ""
            : absl::StrCat(" <span class=\"code\">", HtmlEscape(w.area_code), "</span>"),
        "</td><td>", HtmlEscape(internal::ThemeTitle(w.theme)), "</td><td class=\"",
        CountClass(observed), "\">", HtmlEscape(m.disclosure.Text(observed)),
        "</td><td class=\"num\">", (w.expected_withheld ? "—" : internal::FormatDecimal(w.expected, 1)), "</td><td>",
        HtmlEscape(w.explanation), "</td><td>", HtmlEscape(w.follow_up), "</td></tr>");
  }
  absl::StrAppend(&html, "</tbody></table></section>");
  return html;
}

std::string Indicators(const ProgressReportData& data) {
  std::string html = "<section id=\"indicatoren\"><h2>Indicatoren</h2>";
  if (data.indicators.empty()) {
    absl::StrAppend(&html, "<p class=\"note\">Geen indicatoren ingelezen.</p></section>");
    return html;
  }
  absl::StrAppend(&html,
                  "<table><thead><tr><th>Gebied</th><th>Indicator</th><th>Periode</th>"
                  "<th class=\"num\">Waarde</th><th>Eenheid</th><th>Bron</th></tr>"
                  "</thead><tbody>");
  for (const Indicator& ind : data.indicators) {
    absl::StrAppend(&html, "<tr><td>", HtmlEscape(ind.area_name),
                    ind.area_code.empty() ? ""
                                          : absl::StrCat(" <span class=\"code\">",
                                                         HtmlEscape(ind.area_code), "</span>"),
                    "</td><td>", HtmlEscape(ind.indicator), "</td><td>", HtmlEscape(ind.period),
                    "</td><td class=\"num\">", internal::FormatValue(ind.value), "</td><td>",
                    HtmlEscape(ind.unit), "</td><td>", HtmlEscape(ind.source), "</td></tr>");
  }
  absl::StrAppend(&html, "</tbody></table></section>");
  return html;
}

std::string Accountability(const ProgressReportData& data, const ReportModel& m) {
  std::string html = "<section id=\"verantwoording\"><h2>Verantwoording</h2>";
  if (!data.data_source_note.empty()) {
    absl::StrAppend(&html, "<p>", HtmlEscape(data.data_source_note), "</p>");
  }
  absl::StrAppend(&html,
                  "<p>Verschillen: procentuele verandering ten opzichte van de vergeleken periode, "
                  "afgerond op hele procenten. \"nieuw\": de vergeleken periode had 0 incidenten; "
                  "\"—\": geen vergelijking mogelijk (beide 0, of een afgeschermd aantal).</p>");
  if (m.disclosure.is_public()) {
    absl::StrAppend(&html, "<p>Privacy: aantallen van 1 tot en met ", m.disclosure.k() - 1,
                    " staan er als \"&lt;", m.disclosure.k(),
                    "\" (gearceerd in grafieken en "
                    "kaart). Totalen waarin zulke aantallen zitten, staan er als ondergrens "
                    "(\"≥\"), zodat afgeschermde aantallen niet terug te rekenen zijn.</p>");
  }
  absl::StrAppend(&html, "<p class=\"note\">Gegenereerd op ", HtmlEscape(m.generated_at),
                  ".</p></section>");
  return html;
}

}  // namespace

absl::StatusOr<std::string> RenderHtml(const ProgressReportData& data) {
  WW_ASSIGN_OR_RETURN(ReportModel m, internal::BuildReportModel(data));
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>",
      HtmlEscape(m.title), " — ", m.period.half_year.Label(), "</title><style>", kStyle,
      "</style></head><body>", Header(m), "<main>", Summary(m), FocusAreas(m), MapSection(data, m),
      MonthlySection(m), ThemeSections(m), internal::ActionPlanHtml(data, m.disclosure),
      internal::PollTrendHtml(data), internal::HandlingHtml(data, m.disclosure),
      EarlyWarnings(data, m), Indicators(data), Accountability(data, m),
      "</main></body></html>\n");
}

}  // namespace wijkwacht::progress
