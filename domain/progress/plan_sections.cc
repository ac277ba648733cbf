#include "domain/progress/plan_sections.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/progress/text_escape.h"

namespace wijkwacht::progress::internal {
namespace {

// One before/after table as rows of cells (label, before, during, change).
std::vector<std::vector<std::string>> BeforeAfterRows(const BeforeAfter& b, const Disclosure& d) {
  auto row = [&d](std::string label, int64_t before, int64_t during) {
    const ShownCount shown_before = d.Count(before), shown_during = d.Count(during);
    return std::vector<std::string>{std::move(label), d.Text(shown_before), d.Text(shown_during),
                                    ChangeText(shown_during, shown_before)};
  };
  return {row("Incidenten in het gebied van de maatregel", b.area_incidents_before,
              b.area_incidents_during),
          row("Meldingen in het gebied van de maatregel", b.area_reports_before,
              b.area_reports_during),
          row("Incidenten in de rest van de gemeente (vergelijking)", b.rest_incidents_before,
              b.rest_incidents_during)};
}

std::string PeriodText(absl::CivilDay first, absl::CivilDay end) {
  return absl::StrCat(DayLabel(first), " t/m ", DayLabel(end - 1));
}

std::string OutputText(const OutputProgress& o, const Disclosure& d) {
  std::string text = o.description;
  if (o.target > 0 && o.recorded >= 0) {
    absl::StrAppend(&text, ": ", d.Text(d.Count(o.recorded)), " van ", FormatInteger(o.target),
                    " geregistreerd");
  } else if (o.target > 0) {
    absl::StrAppend(&text, " (doel ", FormatInteger(o.target), ")");
  }
  return text;
}

std::string EnforcementText(const MeasureProgress& m, const Disclosure& d) {
  if (m.enforcement.empty()) return "geen handhaving geregistreerd in dit halfjaar";
  std::vector<std::string> parts;
  for (const auto& [label, count] : m.enforcement) {
    parts.push_back(absl::StrCat(d.Text(d.Count(count)), " ", label));
  }
  return absl::StrJoin(parts, ", ");
}

std::string PriorityHeading(const PriorityProgress& p) {
  if (p.rank == 0) return "Overige maatregelen";
  return absl::StrCat("Prioriteit ", p.rank, ": ", ThemeTitle(p.theme),
                      p.areas.empty() ? "" : absl::StrCat(" — ", p.areas));
}

}  // namespace

const char* BeforeAfterCaveat() {
  return "Let op: voor en tijdens zijn twee perioden van gelijke lengte. Een verschil kan ook "
         "komen door het seizoen, ander meldgedrag, toeval of andere maatregelen; de rest van de "
         "gemeente is een vergelijking, geen controlegroep. Uit deze getallen volgt dus niet dat "
         "de maatregel het verschil veroorzaakte.";
}

std::string ActionPlanHtml(const ProgressReportData& data, const Disclosure& d) {
  std::string html = "<section id=\"actieplan\"><h2>Actieplan: maatregelen en resultaten</h2>";
  if (data.action_plan_title.empty()) {
    return absl::StrCat(html, "<p class=\"note\">Er is geen Actieplan voor dit jaar vastgelegd."
                              "</p></section>");
  }
  absl::StrAppend(&html, "<p>", HtmlEscape(data.action_plan_title), "</p>");
  for (const PriorityProgress& p : data.priorities) {
    absl::StrAppend(&html, "<h3>", HtmlEscape(PriorityHeading(p)), "</h3>");
    if (p.measures.empty()) {
      absl::StrAppend(&html, "<p class=\"note\">Geen maatregelen vastgelegd.</p>");
      continue;
    }
    for (const MeasureProgress& m : p.measures) {
      absl::StrAppend(&html, "<div class=\"measure\"><h4>", HtmlEscape(m.title), "</h4><p>",
                      HtmlEscape(ThemeTitle(m.theme)), " · ", HtmlEscape(m.areas), " · ",
                      HtmlEscape(m.owner), " · ", HtmlEscape(PeriodText(m.start, m.end)),
                      " · <strong>", HtmlEscape(m.status), "</strong></p>");
      if (!m.outputs.empty()) {
        absl::StrAppend(&html, "<p>Beoogde resultaten:</p><ul>");
        for (const OutputProgress& o : m.outputs) {
          absl::StrAppend(&html, "<li>", HtmlEscape(OutputText(o, d)), "</li>");
        }
        absl::StrAppend(&html, "</ul>");
      }
      absl::StrAppend(&html, "<p>Handhaving: ", HtmlEscape(EnforcementText(m, d)), "</p>");
      if (!m.latest_note.empty()) {
        absl::StrAppend(&html, "<p>Laatste voortgang: ", HtmlEscape(m.latest_note), "</p>");
      }
      if (m.has_before_after) {
        const BeforeAfter& b = m.before_after;
        absl::StrAppend(&html, "<table class=\"before-after\"><thead><tr><th>",
                        HtmlEscape(ThemeTitle(m.theme)), "</th><th class=\"num\">Voor<br/>(",
                        HtmlEscape(PeriodText(b.before_start, b.during_start)),
                        ")</th><th class=\"num\">Tijdens<br/>(",
                        HtmlEscape(PeriodText(b.during_start, b.during_end)),
                        ")</th><th class=\"num\">Verschil</th></tr></thead><tbody>");
        for (const std::vector<std::string>& row : BeforeAfterRows(b, d)) {
          absl::StrAppend(&html, "<tr><td>", HtmlEscape(row[0]), "</td><td class=\"num\">",
                          HtmlEscape(row[1]), "</td><td class=\"num\">", HtmlEscape(row[2]),
                          "</td><td class=\"num\">", HtmlEscape(row[3]), "</td></tr>");
        }
        absl::StrAppend(&html, "</tbody></table><p class=\"note\">", HtmlEscape(BeforeAfterCaveat()),
                        "</p>");
      } else {
        absl::StrAppend(&html, "<p class=\"note\">Nog geen voor/tijdens-vergelijking: de "
                               "maatregel is in dit halfjaar nog niet begonnen.</p>");
      }
      absl::StrAppend(&html, "</div>");
    }
  }
  return absl::StrCat(html, "</section>");
}

std::string PollTrendHtml(const ProgressReportData& data) {
  std::string html = "<section id=\"flitspeiling\"><h2>Flitspeiling: veiligheidsgevoel</h2>";
  if (data.poll_trend.empty()) {
    return absl::StrCat(html, "<p class=\"note\">Er is nog geen flitspeiling gesloten.</p>"
                              "</section>");
  }
  absl::StrAppend(&html,
                  "<table><thead><tr><th>Peiling</th><th>Gesloten</th><th class=\"num\">"
                  "Deelnemers</th><th class=\"num\">Gemiddeld cijfer</th><th class=\"num\">"
                  "95%-marge</th></tr></thead><tbody>");
  for (const PollPoint& p : data.poll_trend) {
    absl::StrAppend(&html, "<tr><td>", HtmlEscape(p.title), "</td><td>", DayLabel(p.closed),
                    "</td>");
    if (p.withheld) {
      absl::StrAppend(&html, "<td class=\"num\" colspan=\"3\">te weinig deelnemers</td></tr>");
    } else {
      absl::StrAppend(&html, "<td class=\"num\">", FormatInteger(p.respondents),
                      "</td><td class=\"num\">", FormatDecimal(p.mean, 1),
                      "</td><td class=\"num\">", FormatDecimal(p.low, 1), " – ",
                      FormatDecimal(p.high, 1), "</td></tr>");
    }
  }
  absl::StrAppend(&html, "</tbody></table>");
  if (!data.poll_caveat.empty()) {
    absl::StrAppend(&html, "<p class=\"note\">", HtmlEscape(data.poll_caveat), "</p>");
  }
  return absl::StrCat(html, "</section>");
}

std::string ActionPlanMarkdown(const ProgressReportData& data, const Disclosure& d) {
  std::string md = "## Actieplan: maatregelen en resultaten\n\n";
  if (data.action_plan_title.empty()) {
    return absl::StrCat(md, "Er is geen Actieplan voor dit jaar vastgelegd.\n\n");
  }
  absl::StrAppend(&md, MarkdownEscape(data.action_plan_title), "\n\n");
  for (const PriorityProgress& p : data.priorities) {
    absl::StrAppend(&md, "### ", MarkdownEscape(PriorityHeading(p)), "\n\n");
    if (p.measures.empty()) absl::StrAppend(&md, "Geen maatregelen vastgelegd.\n\n");
    for (const MeasureProgress& m : p.measures) {
      absl::StrAppend(&md, "#### ", MarkdownEscape(m.title), "\n\n",
                      MarkdownEscape(ThemeTitle(m.theme)), " · ", MarkdownEscape(m.areas), " · ",
                      MarkdownEscape(m.owner), " · ", PeriodText(m.start, m.end), " · **",
                      MarkdownEscape(m.status), "**\n\n");
      for (const OutputProgress& o : m.outputs) {
        absl::StrAppend(&md, "- ", MarkdownEscape(OutputText(o, d)), "\n");
      }
      absl::StrAppend(&md, m.outputs.empty() ? "" : "\n", "Handhaving: ",
                      MarkdownEscape(EnforcementText(m, d)), "\n\n");
      if (!m.latest_note.empty()) {
        absl::StrAppend(&md, "Laatste voortgang: ", MarkdownEscape(m.latest_note), "\n\n");
      }
      if (m.has_before_after) {
        const BeforeAfter& b = m.before_after;
        absl::StrAppend(&md, "| ", MarkdownEscape(ThemeTitle(m.theme)), " | Voor (",
                        PeriodText(b.before_start, b.during_start), ") | Tijdens (",
                        PeriodText(b.during_start, b.during_end),
                        ") | Verschil |\n|---|---:|---:|---:|\n");
        for (const std::vector<std::string>& row : BeforeAfterRows(b, d)) {
          absl::StrAppend(&md, "| ", absl::StrJoin(row, " | "), " |\n");
        }
        absl::StrAppend(&md, "\n", BeforeAfterCaveat(), "\n\n");
      } else {
        absl::StrAppend(&md, "Nog geen voor/tijdens-vergelijking: de maatregel is in dit "
                             "halfjaar nog niet begonnen.\n\n");
      }
    }
  }
  return md;
}

std::string PollTrendMarkdown(const ProgressReportData& data) {
  std::string md = "## Flitspeiling: veiligheidsgevoel\n\n";
  if (data.poll_trend.empty()) {
    return absl::StrCat(md, "Er is nog geen flitspeiling gesloten.\n\n");
  }
  absl::StrAppend(&md, "| Peiling | Gesloten | Deelnemers | Gemiddeld cijfer | 95%-marge |\n"
                       "|---|---|---:|---:|---:|\n");
  for (const PollPoint& p : data.poll_trend) {
    if (p.withheld) {
      absl::StrAppend(&md, "| ", MarkdownEscape(p.title), " | ", DayLabel(p.closed),
                      " | te weinig deelnemers | | |\n");
    } else {
      absl::StrAppend(&md, "| ", MarkdownEscape(p.title), " | ", DayLabel(p.closed), " | ",
                      FormatInteger(p.respondents), " | ", FormatDecimal(p.mean, 1), " | ",
                      FormatDecimal(p.low, 1), " – ", FormatDecimal(p.high, 1), " |\n");
    }
  }
  absl::StrAppend(&md, "\n", MarkdownEscape(data.poll_caveat), "\n\n");
  return md;
}

}  // namespace wijkwacht::progress::internal
