// RenderMarkdown (declared in progress_report.h).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "domain/progress/handling_section.h"
#include "domain/progress/plan_sections.h"
#include "domain/progress/progress_report.h"
#include "domain/progress/report_model.h"
#include "domain/progress/text_escape.h"

namespace wijkwacht::progress {
namespace {

using internal::ComparisonRow;
using internal::MarkdownEscape;
using internal::ReportModel;

// "| a | b |\n".
std::string TableRow(const std::vector<std::string>& cells) {
  return absl::StrCat("| ", absl::StrJoin(cells, " | "), " |\n");
}

// Header row plus separator; `numeric` columns are right-aligned.
std::string TableHead(const std::vector<std::string>& headings, const std::vector<bool>& numeric) {
  std::vector<std::string> rule;
  for (bool n : numeric) rule.push_back(n ? "---:" : "---");
  return absl::StrCat(TableRow(headings), TableRow(rule));
}

std::string ComparisonTable(absl::string_view first_heading, const std::vector<ComparisonRow>& rows,
                            const ComparisonRow* total, const ReportModel& m) {
  std::vector<std::string> h = internal::PeriodHeadings(m);
  std::string md = TableHead({MarkdownEscape(first_heading), h[0], h[1],
                              absl::StrCat("t.o.v. ", h[1]), h[2], absl::StrCat("t.o.v. ", h[2])},
                             {false, true, true, true, true, true});
  auto append_row = [&](const ComparisonRow& row, bool is_total) {
    auto bold = [&](std::string s) { return is_total ? absl::StrCat("**", s, "**") : s; };
    const internal::Disclosure& d = m.disclosure;
    absl::StrAppend(&md,
                    TableRow({bold(MarkdownEscape(row.label)), bold(d.Text(row.current)),
                              bold(d.Text(row.previous)), row.change_vs_previous,
                              bold(d.Text(row.same_half_last_year)), row.change_vs_last_year}));
  };
  for (const ComparisonRow& row : rows) append_row(row, false);
  if (total != nullptr) append_row(*total, true);
  return absl::StrCat(md, "\n");
}

std::string Header(const ReportModel& m) {
  const HalfYearPeriod& p = m.period;
  std::string md = absl::StrCat("# ", MarkdownEscape(m.title), "\n\nHalfjaarrapportage ",
                                p.half_year.DutchLabel(), " (", p.half_year.Label(),
                                "), vergeleken met het ", p.previous.DutchLabel(), " (",
                                p.previous.Label(), ") en het ", p.same_half_last_year.DutchLabel(),
                                " (", p.same_half_last_year.Label(), ").\n\n");
  if (m.disclosure.is_public()) {
    absl::StrAppend(&md, "> **Openbare versie:** aantallen onder ", m.disclosure.k(),
                    " zijn afgeschermd.\n\n");
  } else {
    absl::StrAppend(&md, "> **Interne versie met exacte aantallen: niet voor publicatie.**\n\n");
  }
  return md;
}

std::string Summary(const ReportModel& m) {
  std::string md = "## Samenvatting\n\n";
  for (const std::string& line : m.highlights)
    absl::StrAppend(&md, "- ", MarkdownEscape(line), "\n");
  absl::StrAppend(&md, "\n", ComparisonTable("Thema", m.theme_totals, &m.grand_total, m));
  return md;
}

std::string FocusAreas(const ReportModel& m) {
  std::string md = "## Focusgebieden\n\n";
  if (m.focus_areas.empty()) absl::StrAppend(&md, "Geen focusgebieden in deze rapportage.\n\n");
  for (const internal::FocusAreaSection& focus : m.focus_areas) {
    absl::StrAppend(&md, "### ", MarkdownEscape(focus.name), " (", MarkdownEscape(focus.code),
                    ")\n\n", ComparisonTable("Thema", focus.theme_rows, &focus.total, m));
  }
  return md;
}

std::string WijkTotals(const ProgressReportData& data, const ReportModel& m) {
  std::string md = absl::StrCat("## Incidenten per wijk in ", m.period.half_year.Label(),
                                "\n\n_De kaart staat in de HTML-versie van dit rapport._\n\n");
  std::vector<std::string> without_outline;
  for (const AreaCounts& wijk : data.wijken) {
    if (wijk.outline.empty()) without_outline.push_back(MarkdownEscape(wijk.name));
  }
  if (!without_outline.empty() && without_outline.size() < data.wijken.size()) {
    absl::StrAppend(
        &md, "Niet op de kaart (geen kaartvorm): ", absl::StrJoin(without_outline, ", "), ".\n\n");
  }
  absl::StrAppend(&md, ComparisonTable("Wijk", m.wijk_totals, &m.grand_total, m));
  return md;
}

std::string Monthly(const ReportModel& m) {
  std::string md = "## Verloop per maand\n\n";
  const internal::MonthlyModel& monthly = m.monthly;
  if (monthly.series.empty()) return absl::StrCat(md, "Geen maandcijfers beschikbaar.\n\n");
  absl::StrAppend(&md, "_De lijngrafiek staat in de HTML-versie._\n\n");
  std::vector<std::string> headings = {"Thema"};
  std::vector<bool> numeric = {false};
  for (absl::CivilMonth month : monthly.months) {
    headings.push_back(internal::MonthLabel(month));
    numeric.push_back(true);
  }
  absl::StrAppend(&md, TableHead(headings, numeric));
  for (const internal::MonthlySeries& series : monthly.series) {
    std::vector<std::string> cells = {MarkdownEscape(series.title)};
    for (size_t i = 0; i < monthly.months.size(); ++i) {
      cells.push_back(i < series.values.size() ? m.disclosure.Text(series.values[i]) : "");
    }
    absl::StrAppend(&md, TableRow(cells));
  }
  return absl::StrCat(md, "\n");
}

std::string Themes(const ReportModel& m) {
  std::string md = "## Per thema\n\n";
  for (const internal::ThemeSection& theme : m.themes) {
    absl::StrAppend(&md, "### ", MarkdownEscape(theme.title), "\n\n",
                    ComparisonTable("Wijk", theme.wijk_rows, &theme.total, m));
  }
  return md;
}

std::string EarlyWarnings(const ProgressReportData& data, const ReportModel& m) {
  std::string md = "## Vroegsignalering\n\n";
  if (data.early_warnings.empty())
    return absl::StrCat(md, "Er zijn geen vroegsignalen afgegeven.\n\n");
  absl::StrAppend(&md,
                  TableHead({"Datum", "Gebied", "Thema", "Waargenomen", "Verwacht", "Toelichting",
                             "Opvolging"},
                            {false, false, false, true, true, false, false}));
  for (const EarlyWarning& w : data.early_warnings) {
    std::string area = MarkdownEscape(w.area_name);
    if (!w.area_code.empty()) absl::StrAppend(&area, " (", MarkdownEscape(w.area_code), ")");
    absl::StrAppend(
        &md,
        TableRow({internal::DayLabel(w.day), area, MarkdownEscape(internal::ThemeTitle(w.theme)),
                  m.disclosure.Text(m.disclosure.Count(w.observed)),
                  w.expected_withheld ? "—" : internal::FormatDecimal(w.expected, 1),
                  MarkdownEscape(w.explanation),
                  MarkdownEscape(w.follow_up)}));
  }
  return absl::StrCat(md, "\n");
}

std::string Indicators(const ProgressReportData& data) {
  std::string md = "## Indicatoren\n\n";
  if (data.indicators.empty()) return absl::StrCat(md, "Geen indicatoren ingelezen.\n\n");
  absl::StrAppend(&md, TableHead({"Gebied", "Indicator", "Periode", "Waarde", "Eenheid", "Bron"},
                                 {false, false, false, true, false, false}));
  for (const Indicator& ind : data.indicators) {
    std::string area = MarkdownEscape(ind.area_name);
    if (!ind.area_code.empty()) absl::StrAppend(&area, " (", MarkdownEscape(ind.area_code), ")");
    absl::StrAppend(&md, TableRow({area, MarkdownEscape(ind.indicator), MarkdownEscape(ind.period),
                                   internal::FormatValue(ind.value), MarkdownEscape(ind.unit),
                                   MarkdownEscape(ind.source)}));
  }
  return absl::StrCat(md, "\n");
}

std::string Accountability(const ProgressReportData& data, const ReportModel& m) {
  std::string md = "## Verantwoording\n\n";
  if (!data.data_source_note.empty()) {
    absl::StrAppend(&md, MarkdownEscape(data.data_source_note), "\n\n");
  }
  absl::StrAppend(&md,
                  "Verschillen: procentuele verandering ten opzichte van de vergeleken "
                  "periode, afgerond op hele procenten. \"nieuw\": de vergeleken periode "
                  "had 0 incidenten; \"—\": geen vergelijking mogelijk (beide 0, of een "
                  "afgeschermd aantal).\n\n");
  if (m.disclosure.is_public()) {
    absl::StrAppend(&md, "Privacy: aantallen van 1 tot en met ", m.disclosure.k() - 1,
                    " staan er als \"<", m.disclosure.k(),
                    "\". Totalen waarin zulke aantallen zitten, staan er als ondergrens (\"≥\"), "
                    "zodat afgeschermde aantallen niet terug te rekenen zijn.\n\n");
  }
  absl::StrAppend(&md, "Gegenereerd op ", MarkdownEscape(m.generated_at), ".\n");
  return md;
}

}  // namespace

absl::StatusOr<std::string> RenderMarkdown(const ProgressReportData& data) {
  WW_ASSIGN_OR_RETURN(ReportModel m, internal::BuildReportModel(data));
  return absl::StrCat(Header(m), Summary(m), FocusAreas(m), WijkTotals(data, m), Monthly(m),
                      Themes(m), internal::ActionPlanMarkdown(data, m.disclosure),
                      internal::PollTrendMarkdown(data),
                      internal::HandlingMarkdown(data, m.disclosure), EarlyWarnings(data, m),
                      Indicators(data), Accountability(data, m));
}

}  // namespace wijkwacht::progress
