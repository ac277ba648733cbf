#include "domain/progress/handling_section.h"

#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/progress/text_escape.h"

namespace wijkwacht::progress::internal {
namespace {

struct Row {
  std::string label;
  ShownCount within;
  ShownCount settled;
  std::string share;  // "87%" or "—"
};

std::string Share(const ShownCount& within, const ShownCount& settled) {
  if (!within.exact() || !settled.exact() || settled.value == 0) return "—";
  return absl::StrCat(std::llround(100.0 * static_cast<double>(within.value) /
                                   static_cast<double>(settled.value)),
                      "%");
}

Row MakeRow(std::string label, const std::vector<int64_t>& within,
            const std::vector<int64_t>& settled, const Disclosure& d) {
  Row row{std::move(label), d.Sum(within), d.Sum(settled), ""};
  row.share = Share(row.within, row.settled);
  return row;
}

// Per theme (framework order) and per wijk (data order), each summed over the other.
void BuildRows(const ProgressReportData& data, const Disclosure& d, std::vector<Row>* themes,
               std::vector<Row>* wijken) {
  for (catalog::Theme theme : catalog::kFrameworkThemes) {
    std::vector<int64_t> within, settled;
    for (const HandlingCounts& h : data.handling) {
      if (h.theme != theme) continue;
      within.push_back(h.within_target);
      settled.push_back(h.settled);
    }
    if (!settled.empty()) themes->push_back(MakeRow(std::string(ThemeTitle(theme)), within, settled, d));
  }
  std::vector<std::string> order;
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<int64_t>>> by_wijk;
  std::map<std::string, std::string> names;
  for (const HandlingCounts& h : data.handling) {
    if (!by_wijk.count(h.area_code)) order.push_back(h.area_code);
    by_wijk[h.area_code].first.push_back(h.within_target);
    by_wijk[h.area_code].second.push_back(h.settled);
    names[h.area_code] = h.area_name;
  }
  for (const std::string& code : order) {
    wijken->push_back(MakeRow(names[code], by_wijk[code].first, by_wijk[code].second, d));
  }
}

constexpr char kTitle[] = "Afhandeling binnen de termijn (doorlooptijd)";
constexpr char kExplanation[] =
    "Meldingen van dit halfjaar met een afhandeltermijn die zijn afgehandeld of waarvan de "
    "termijn is verstreken; afgehandeld binnen de termijn telt als op tijd.";
constexpr char kNone[] = "Er zijn nog geen meldingen met een verstreken of gehaalde termijn.";

std::string HtmlTable(const char* heading, const std::vector<Row>& rows, const Disclosure& d) {
  std::string html = absl::StrCat(
      "<table><thead><tr><th>", heading,
      "</th><th class=\"num\">Op tijd afgehandeld</th><th class=\"num\">Met verstreken of "
      "gehaalde termijn</th><th class=\"num\">Aandeel op tijd</th></tr></thead><tbody>");
  for (const Row& r : rows) {
    absl::StrAppend(&html, "<tr><td>", HtmlEscape(r.label), "</td><td class=\"num\">",
                    HtmlEscape(d.Text(r.within)), "</td><td class=\"num\">",
                    HtmlEscape(d.Text(r.settled)), "</td><td class=\"num\">", r.share,
                    "</td></tr>");
  }
  return absl::StrCat(html, "</tbody></table>");
}

std::string MarkdownTable(const char* heading, const std::vector<Row>& rows, const Disclosure& d) {
  std::string md = absl::StrCat("| ", heading,
                                " | Op tijd afgehandeld | Met verstreken of gehaalde termijn | "
                                "Aandeel op tijd |\n|---|---:|---:|---:|\n");
  for (const Row& r : rows) {
    absl::StrAppend(&md, "| ", MarkdownEscape(r.label), " | ", MarkdownEscape(d.Text(r.within)),
                    " | ", MarkdownEscape(d.Text(r.settled)), " | ", r.share, " |\n");
  }
  return absl::StrCat(md, "\n");
}

}  // namespace

std::string HandlingHtml(const ProgressReportData& data, const Disclosure& d) {
  std::string html = absl::StrCat("<section id=\"doorlooptijd\"><h2>", kTitle, "</h2>");
  std::vector<Row> themes, wijken;
  BuildRows(data, d, &themes, &wijken);
  if (themes.empty()) return absl::StrCat(html, "<p class=\"note\">", kNone, "</p></section>");
  absl::StrAppend(&html, "<p>", kExplanation, "</p>", HtmlTable("Thema", themes, d),
                  HtmlTable("Wijk", wijken, d));
  return absl::StrCat(html, "</section>");
}

std::string HandlingMarkdown(const ProgressReportData& data, const Disclosure& d) {
  std::string md = absl::StrCat("## ", kTitle, "\n\n");
  std::vector<Row> themes, wijken;
  BuildRows(data, d, &themes, &wijken);
  if (themes.empty()) return absl::StrCat(md, kNone, "\n\n");
  absl::StrAppend(&md, kExplanation, "\n\n", MarkdownTable("Thema", themes, d),
                  MarkdownTable("Wijk", wijken, d));
  return md;
}

}  // namespace wijkwacht::progress::internal
