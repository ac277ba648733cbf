#include "domain/progress/progress_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "domain/progress/choropleth.h"
#include "domain/progress/figures.h"
#include "domain/progress/progress_test_data.h"
#include "domain/progress/svg_charts.h"
#include "domain/progress/text_escape.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wijkwacht::progress {
namespace {

using catalog::Theme;
using internal::ShownCount;
using ::testing::HasSubstr;
using ::testing::Not;

// ---------------------------------------------------------------------------------------------
// Helpers

// "" if every non-void element is closed in order (a small XML-ish check: <style> content is
// skipped, void HTML elements and "/>" need no closing tag); else the first problem.
std::string TagProblem(const std::string& html) {
  static const std::vector<std::string> kVoid = {"meta", "link", "br", "hr", "img", "input"};
  std::vector<std::string> open;
  size_t at = 0;
  while ((at = html.find('<', at)) != std::string::npos) {
    if (html.compare(at, 2, "<!") == 0) {
      at = html.find('>', at);
      continue;
    }
    size_t end = html.find('>', at);
    if (end == std::string::npos) return absl::StrCat("unterminated tag at ", at);
    std::string tag = html.substr(at + 1, end - at - 1);
    bool closing = !tag.empty() && tag[0] == '/';
    bool self_closing = !tag.empty() && tag.back() == '/';
    std::string name =
        tag.substr(closing ? 1 : 0, tag.find_first_of(" /", closing ? 1 : 0) - (closing ? 1 : 0));
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) {
      return absl::StrCat("stray '<' at ", at, ": ", html.substr(at, 20));
    }
    if (closing) {
      if (open.empty() || open.back() != name) {
        return absl::StrCat("</", name, "> at ", at, " closes <", open.empty() ? "" : open.back(),
                            ">");
      }
      open.pop_back();
    } else if (!self_closing && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      open.push_back(name);
      if (name == "style") {  // CSS is not markup
        end = html.find("</style>", end) - 1;
      }
    }
    at = end + 1;
  }
  if (!open.empty()) return absl::StrCat("<", open.back(), "> never closed");
  return "";
}

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The text between `start` and the next `end` after it ("" if absent).
std::string Between(const std::string& text, const std::string& start, const std::string& end) {
  size_t from = text.find(start);
  if (from == std::string::npos) return "";
  size_t to = text.find(end, from + start.size());
  return text.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

Ring Square(double lat, double lng, double size) {
  return {{lat, lng}, {lat, lng + size}, {lat + size, lng + size}, {lat + size, lng}};
}

// Two wijken with hand-picked counts (see the expectations in the tests below).
ProgressReportData TinyReport(int k) {
  ProgressReportData d;
  d.period = "2026-H1";
  d.suppress_below_k = k;
  d.generated_at = absl::FromCivil(absl::CivilSecond(2026, 7, 3, 9, 30, 0), ReportTimeZone());
  d.wijken = {
      {"WK000001",
       "Noord",
       {{Theme::kLiveability, {12, 10, 0}},
        {Theme::kYouth, {0, 0, 0}},
        {Theme::kSubversion, {3, 0, 8}}},
       {Square(52.50, 4.65, 0.01)}},
      {"WK000002",
       "Zuid",
       {{Theme::kLiveability, {40, 50, 40}},
        {Theme::kYouth, {20, 10, 20}},
        {Theme::kSubversion, {30, 30, 30}},
        {Theme::kPhysicalBusiness, {60, 60, 60}},
        {Theme::kOther, {70, 70, 70}}},
       {Square(52.49, 4.65, 0.01)}},
  };
  d.focus_areas = {{"FA000001", "Drie Straatjes", {{Theme::kPhysicalBusiness, {25, 20, 10}}}, {}},
                   {"FA000002", "Oosterwijk", {{Theme::kYouth, {11, 0, 0}}}, {}}};
  return d;
}

// One table row of `section` whose first cell is `label`.
std::string HtmlRow(const std::string& section, const std::string& label) {
  return Between(section, absl::StrCat("<td>", label, "</td>"), "</tr>");
}

std::vector<std::string> FieldsOf(const absl::Status& status) {
  std::vector<std::string> fields;
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  for (const FieldViolation& v : GetFieldViolations(status)) fields.push_back(v.field);
  return fields;
}

// ---------------------------------------------------------------------------------------------
// ParseHalfYear

TEST(HalfYearTest, ParsesFirstHalfWithComparedPeriods) {
  absl::StatusOr<HalfYearPeriod> p = ParseHalfYear("2026-H1");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->half_year, (HalfYear{2026, 1}));
  EXPECT_EQ(p->previous.Label(), "2025-H2");
  EXPECT_EQ(p->same_half_last_year.Label(), "2025-H1");
  EXPECT_EQ(p->half_year.DutchLabel(), "1e halfjaar 2026");
  absl::TimeZone zone = ReportTimeZone();
  EXPECT_EQ(p->time_zone, zone.name());
  EXPECT_EQ(p->start, absl::FromCivil(absl::CivilDay(2026, 1, 1), zone));
  EXPECT_EQ(p->end, absl::FromCivil(absl::CivilDay(2026, 7, 1), zone));
  if (p->time_zone == "Europe/Amsterdam") {
    EXPECT_EQ(p->start, absl::FromCivil(absl::CivilHour(2025, 12, 31, 23), absl::UTCTimeZone()));
    EXPECT_EQ(p->end, absl::FromCivil(absl::CivilHour(2026, 6, 30, 22), absl::UTCTimeZone()));
  }
}

TEST(HalfYearTest, ParsesSecondHalf) {
  absl::StatusOr<HalfYearPeriod> p = ParseHalfYear("2025-H2");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->previous.Label(), "2025-H1");
  EXPECT_EQ(p->same_half_last_year.Label(), "2024-H2");
  EXPECT_EQ(p->end, absl::FromCivil(absl::CivilDay(2026, 1, 1), ReportTimeZone()));
}

TEST(HalfYearTest, RejectsMalformedPeriods) {
  for (const char* text : {"2026-H3", "2026-H0", "2026H1", "26-H1", "2026-h1", "", "2026-H1 ",
                           " 2026-H1", "0999-H1", "2026-Q1", "２０２６-H1"}) {
    absl::StatusOr<HalfYearPeriod> p = ParseHalfYear(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(FieldsOf(p.status()), std::vector<std::string>{"period"}) << text;
  }
}

// ---------------------------------------------------------------------------------------------
// Figures and escaping

TEST(FiguresTest, ChangeTextHandlesZeroBaselines) {
  auto exact = [](int64_t v) { return ShownCount{ShownCount::Kind::kExact, v}; };
  EXPECT_EQ(internal::ChangeText(exact(12), exact(10)), "+20%");
  EXPECT_EQ(internal::ChangeText(exact(8), exact(10)), "-20%");
  EXPECT_EQ(internal::ChangeText(exact(10), exact(10)), "0%");
  EXPECT_EQ(internal::ChangeText(exact(4), exact(3)), "+33%");
  EXPECT_EQ(internal::ChangeText(exact(0), exact(4)), "-100%");
  EXPECT_EQ(internal::ChangeText(exact(2500), exact(10)), "+24.900%");
  EXPECT_EQ(internal::ChangeText(exact(5), exact(0)), "nieuw");
  EXPECT_EQ(internal::ChangeText(exact(0), exact(0)), "—");
  EXPECT_EQ(internal::ChangeText({ShownCount::Kind::kSuppressed, 0}, exact(10)), "—");
  EXPECT_EQ(internal::ChangeText(exact(10), {ShownCount::Kind::kAtLeast, 7}), "—");
}

TEST(FiguresTest, DisclosureSuppressesSmallCountsAndBoundsTheirSums) {
  internal::Disclosure d(5);
  EXPECT_EQ(d.Count(0), (ShownCount{ShownCount::Kind::kExact, 0}));
  EXPECT_EQ(d.Count(1), (ShownCount{ShownCount::Kind::kSuppressed, 0}));
  EXPECT_EQ(d.Count(4), (ShownCount{ShownCount::Kind::kSuppressed, 0}));
  EXPECT_EQ(d.Count(5), (ShownCount{ShownCount::Kind::kExact, 5}));
  EXPECT_EQ(d.Text(d.Count(3)), "<5");
  // 3 is hidden, so the total is "at least 10 + 1".
  EXPECT_EQ(d.Sum({3, 10}), (ShownCount{ShownCount::Kind::kAtLeast, 11}));
  EXPECT_EQ(d.Text(d.Sum({3, 10})), "≥11");
  EXPECT_EQ(d.Sum({4, 10}), d.Sum({3, 10}));
  EXPECT_EQ(d.Sum({1, 2}), (ShownCount{ShownCount::Kind::kSuppressed, 0}));
  EXPECT_EQ(d.Sum({3, 3}), (ShownCount{ShownCount::Kind::kAtLeast, 5}));
  EXPECT_EQ(d.Sum({0, 0}), (ShownCount{ShownCount::Kind::kExact, 0}));
  EXPECT_EQ(d.Sum({5, 10}), (ShownCount{ShownCount::Kind::kExact, 15}));

  internal::Disclosure staff(0);
  EXPECT_EQ(staff.Text(staff.Count(3)), "3");
  EXPECT_EQ(staff.Sum({3, 10}), (ShownCount{ShownCount::Kind::kExact, 13}));
}

TEST(FiguresTest, DutchNumbers) {
  EXPECT_EQ(internal::FormatInteger(0), "0");
  EXPECT_EQ(internal::FormatInteger(999), "999");
  EXPECT_EQ(internal::FormatInteger(1234567), "1.234.567");
  EXPECT_EQ(internal::FormatInteger(-1000), "-1.000");
  EXPECT_EQ(internal::FormatDecimal(1234.56, 1), "1.234,6");
  EXPECT_EQ(internal::FormatDecimal(-0.04, 1), "0,0");
  EXPECT_EQ(internal::FormatValue(3.25), "3,25");
  EXPECT_EQ(internal::FormatValue(42310), "42.310");
  EXPECT_EQ(internal::FormatValue(31.5), "31,5");
}

TEST(EscapeTest, HtmlEscapesMarkupCharacters) {
  EXPECT_EQ(internal::HtmlEscape("A&B <x> \"q\" 'a' ë"),
            "A&amp;B &lt;x&gt; &quot;q&quot; &#39;a&#39; ë");
}

TEST(EscapeTest, MarkdownEscapesTableAndInlineSyntax) {
  EXPECT_EQ(internal::MarkdownEscape("A&B <x> | *y* _z_ [l](u) `c`\nnext"),
            "A\\&B \\<x\\> \\| \\*y\\* \\_z\\_ \\[l\\](u) \\`c\\` next");
}

// ---------------------------------------------------------------------------------------------
// Validation

TEST(ValidateTest, SampleAndTinyReportsAreValid) {
  absl::StatusOr<ProgressReportData> sample = testing::SampleReport(5);
  ASSERT_TRUE(sample.ok()) << sample.status();
  EXPECT_TRUE(ValidateProgressReportData(*sample).ok());
  EXPECT_TRUE(ValidateProgressReportData(TinyReport(0)).ok());
}

TEST(ValidateTest, NamesEachInvalidField) {
  struct Case {
    std::string expected_field;
    std::function<void(ProgressReportData&)> mutate;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<Case> cases = {
      {"period", [](auto& d) { d.period = "2026-H3"; }},
      {"title", [](auto& d) { d.title = ""; }},
      {"wijken", [](auto& d) { d.wijken.clear(); }},
      {"wijken[1].code", [](auto& d) { d.wijken[1].code = d.wijken[0].code; }},
      {"wijken[0].name", [](auto& d) { d.wijken[0].name = "bad \xff byte"; }},
      {"wijken[0].name", [](auto& d) { d.wijken[0].name = "bell\a"; }},
      {"wijken[0].by_theme[YOUTH].previous",
       [](auto& d) { d.wijken[0].by_theme[Theme::kYouth].previous = -1; }},
      {"wijken[0].by_theme[THEME_UNSPECIFIED]",
       [](auto& d) { d.wijken[0].by_theme[Theme::kUnspecified] = {}; }},
      {"focus_areas[1].by_theme[YOUTH].current",
       [](auto& d) { d.focus_areas[1].by_theme[Theme::kYouth].current = -5; }},
      {"wijken[0].outline[0]", [](auto& d) { d.wijken[0].outline[0].resize(2); }},
      {"wijken[0].outline[0][1]", [](auto& d) { d.wijken[0].outline[0][1].lat = 95; }},
      {"wijken[0].outline[0][2]", [nan](auto& d) { d.wijken[0].outline[0][2].lng = nan; }},
      {"monthly_counts[YOUTH]",
       [](auto& d) {
         d.monthly_counts[Theme::kLiveability] = std::vector<int64_t>(12, 1);
         d.monthly_counts[Theme::kYouth] = std::vector<int64_t>(11, 1);
       }},
      {"monthly_counts[LIVEABILITY]",
       [](auto& d) { d.monthly_counts[Theme::kLiveability] = std::vector<int64_t>(5, 1); }},
      {"monthly_counts[OTHER][3]",
       [](auto& d) {
         d.monthly_counts[Theme::kOther] = std::vector<int64_t>(12, 1);
         d.monthly_counts[Theme::kOther][3] = -2;
       }},
      {"early_warnings[0].theme",
       [](auto& d) {
         d.early_warnings.push_back({"WK1", "Noord", Theme::kUnspecified, {}, 1, 1, ""});
       }},
      {"early_warnings[0].expected",
       [nan](auto& d) {
         d.early_warnings.push_back({"WK1", "Noord", Theme::kYouth, {}, 1, nan, ""});
       }},
      {"early_warnings[0].observed",
       [](auto& d) {
         d.early_warnings.push_back({"WK1", "Noord", Theme::kYouth, {}, -1, 1, ""});
       }},
      {"indicators[0].value",
       [](auto& d) {
         d.indicators.push_back(
             {"GM0375", "Beverwijk", "x", "2025", std::numeric_limits<double>::infinity(), "", ""});
       }},
      {"indicators[0].indicator",
       [](auto& d) {
         d.indicators.push_back({"GM0375", "Beverwijk", "", "2025", 1, "", ""});
       }},
      {"suppress_below_k", [](auto& d) { d.suppress_below_k = 1; }},
      {"suppress_below_k", [](auto& d) { d.suppress_below_k = -3; }},
      {"generated_at", [](auto& d) { d.generated_at = absl::InfiniteFuture(); }},
  };
  for (const Case& c : cases) {
    ProgressReportData data = TinyReport(5);
    c.mutate(data);
    absl::Status status = ValidateProgressReportData(data);
    EXPECT_EQ(FieldsOf(status), std::vector<std::string>{c.expected_field}) << status;
    EXPECT_TRUE(absl::StartsWith(status.message(), c.expected_field)) << status;
    // Both renderers refuse the same data with the same error.
    EXPECT_EQ(RenderHtml(data).status(), status);
    EXPECT_EQ(RenderMarkdown(data).status(), status);
  }
}

TEST(ValidateTest, ReportsEveryProblemAtOnce) {
  ProgressReportData data = TinyReport(5);
  data.period = "2026";
  data.wijken[0].by_theme[Theme::kOther].current = -1;
  data.suppress_below_k = 5000;
  EXPECT_EQ(FieldsOf(ValidateProgressReportData(data)),
            (std::vector<std::string>{"period", "wijken[0].by_theme[OTHER].current",
                                      "suppress_below_k"}));
}

// ---------------------------------------------------------------------------------------------
// HTML

class SampleHtmlTest : public ::testing::TestWithParam<int> {};

TEST_P(SampleHtmlTest, IsWellFormedAndSelfContained) {
  absl::StatusOr<ProgressReportData> data = testing::SampleReport(GetParam());
  ASSERT_TRUE(data.ok()) << data.status();
  absl::StatusOr<std::string> html = RenderHtml(*data);
  ASSERT_TRUE(html.ok()) << html.status();

  EXPECT_TRUE(absl::StartsWith(*html, "<!DOCTYPE html>\n<html lang=\"nl\">"));
  EXPECT_EQ(TagProblem(*html), "");
  // 5 theme bar charts + 2 focus area bar charts + the line chart + the map.
  EXPECT_EQ(Count(*html, "<svg "), 9);
  EXPECT_EQ(Count(*html, "</svg>"), 9);
  EXPECT_THAT(*html, HasSubstr("@page { size: A4"));
  // Nothing to load and nothing to run.
  for (const char* forbidden : {"<script", "<link", "<img", "<iframe", "href=", "src=", "@import",
                                "url(http", "onload", "javascript:"}) {
    EXPECT_THAT(*html, Not(HasSubstr(forbidden))) << forbidden;
  }
  // The only absolute URL is the SVG namespace name, which is never fetched.
  EXPECT_EQ(Count(*html, "http"), Count(*html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST_P(SampleHtmlTest, ShowsEveryWijkThemeAndFocusArea) {
  absl::StatusOr<ProgressReportData> data = testing::SampleReport(GetParam());
  ASSERT_TRUE(data.ok()) << data.status();
  absl::StatusOr<std::string> html = RenderHtml(*data);
  ASSERT_TRUE(html.ok()) << html.status();

  EXPECT_THAT(*html, HasSubstr("Tussenstand veiligheidsbeleid Beverwijk 2020–2024"));
  EXPECT_THAT(*html, HasSubstr("1e halfjaar 2026 (2026-H1)"));
  for (const AreaCounts& wijk : data->wijken) {
    // In the map (path title and label), the wijk totals table and each theme table.
    EXPECT_GE(Count(*html, absl::StrCat("<td>", wijk.name, "</td>")), 6) << wijk.name;
    EXPECT_THAT(*html, HasSubstr(absl::StrCat("<title>", wijk.name, ": "))) << wijk.name;
  }
  for (Theme theme : catalog::kFrameworkThemes) {
    std::string title(internal::ThemeTitle(theme));
    EXPECT_THAT(*html, HasSubstr(absl::StrCat("<h3>", title, "</h3>"))) << title;
  }
  std::string focus =
      Between(*html, "<section id=\"focusgebieden\" class=\"focus\">", "</section>");
  EXPECT_THAT(focus, HasSubstr("<h3>De Drie Straatjes <span class=\"code\">FA037501</span></h3>"));
  EXPECT_THAT(focus, HasSubstr("<h3>Oosterwijk <span class=\"code\">FA037502</span></h3>"));
  for (const char* id : {"samenvatting", "kaart", "maandverloop", "themas", "vroegsignalering",
                         "indicatoren", "verantwoording"}) {
    EXPECT_THAT(*html, HasSubstr(absl::StrCat("<section id=\"", id, "\""))) << id;
  }
  EXPECT_THAT(*html, HasSubstr("Meer meldingen van intimiderende jongeren"));
  EXPECT_THAT(*html, HasSubstr("Voelt zich weleens onveilig in de buurt"));
  EXPECT_THAT(*html, HasSubstr("<td class=\"num\">31,5</td>"));
  EXPECT_THAT(*html, HasSubstr("Bron: CBS/Kadaster, Wijk- en buurtkaart 2015"));
  EXPECT_THAT(*html, HasSubstr(absl::StrCat("Gegenereerd op 3 juli 2026, 09:30 (",
                                            ReportTimeZone().name(), ")")));
  // One filled path per wijk; both focus areas drawn dashed on top.
  std::string map =
      Between(*html, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\"", "</svg>");
  EXPECT_EQ(Count(map, "<path fill-rule=\"evenodd\""), 10);
  EXPECT_EQ(Count(map, "stroke-dasharray=\"5 3\" fill-rule"), 2);
}

INSTANTIATE_TEST_SUITE_P(StaffAndPublic, SampleHtmlTest, ::testing::Values(0, 5),
                         [](const auto& info) { return info.param == 0 ? "Staff" : "Public"; });

TEST(HtmlTest, EscapesTextFromData) {
  ProgressReportData data = TinyReport(0);
  data.wijken[0].name = "A&B <x>";
  data.focus_areas[0].name = "Straat \"quoted\" 'x'";
  data.title = "Titel <b>vet</b>";
  data.early_warnings = {{"WK000001", "A&B <x>", Theme::kYouth, absl::CivilDay(2026, 2, 1), 9, 2.5,
                          "<script>alert(1)</script>"}};
  data.indicators = {{"WK000001", "A&B <x>", "Ind & co", "2025", 1.5, "<%>", "Bron <a>"}};
  data.data_source_note = "Bron: <i>niet</i> & meer";
  absl::StatusOr<std::string> html = RenderHtml(data);
  ASSERT_TRUE(html.ok()) << html.status();

  EXPECT_EQ(TagProblem(*html), "");
  EXPECT_THAT(*html, Not(HasSubstr("<x>")));
  EXPECT_THAT(*html, Not(HasSubstr("A&B")));
  EXPECT_THAT(*html, Not(HasSubstr("<script")));
  EXPECT_THAT(*html, Not(HasSubstr("<b>vet")));
  EXPECT_THAT(*html, Not(HasSubstr("<i>niet")));
  EXPECT_THAT(*html, Not(HasSubstr("<a>")));
  // In tables, the bar chart labels and the map.
  EXPECT_GE(Count(*html, "A&amp;B &lt;x&gt;"), 8);
  EXPECT_THAT(*html, HasSubstr("<title>A&amp;B &lt;x&gt;</title>A&amp;B &lt;x&gt;</text>"));
  EXPECT_THAT(*html, HasSubstr(">A&amp;B &lt;x&gt;: 15</text>"));  // map key
  EXPECT_THAT(*html, HasSubstr("<title>A&amp;B &lt;x&gt;: "));
  EXPECT_THAT(*html, HasSubstr("Straat &quot;quoted&quot; &#39;x&#39;"));
  EXPECT_THAT(*html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(*html, HasSubstr("<title>Titel &lt;b&gt;vet&lt;/b&gt; — 2026-H1</title>"));
  EXPECT_THAT(*html, HasSubstr("Bron: &lt;i&gt;niet&lt;/i&gt; &amp; meer"));
}

TEST(HtmlTest, ShowsChangePercentages) {
  absl::StatusOr<std::string> html = RenderHtml(TinyReport(0));
  ASSERT_TRUE(html.ok()) << html.status();
  std::string liveability = Between(*html, "id=\"thema-liveability\"", "</section>");
  // Noord: 12 now, 10 before (+20%), 0 a year ago (nieuw).
  EXPECT_EQ(HtmlRow(liveability, "Noord"),
            "<td>Noord</td><td class=\"num\">12</td><td class=\"num\">10</td>"
            "<td class=\"num up\">+20%</td><td class=\"num\">0</td><td class=\"num\">nieuw</td>");
  // Zuid: 40 / 50 / 40.
  EXPECT_THAT(HtmlRow(liveability, "Zuid"),
              HasSubstr("<td class=\"num down\">-20%</td><td class=\"num\">40</td>"
                        "<td class=\"num\">0%</td>"));
  // Total: 52 / 60 / 40.
  EXPECT_THAT(HtmlRow(liveability, "Alle wijken"),
              HasSubstr("<td class=\"num\">52</td><td class=\"num\">60</td>"
                        "<td class=\"num down\">-13%</td><td class=\"num\">40</td>"
                        "<td class=\"num up\">+30%</td>"));
  // Noord youth is 0 in every period.
  std::string youth = Between(*html, "id=\"thema-youth\"", "</section>");
  EXPECT_THAT(HtmlRow(youth, "Noord"), HasSubstr("<td class=\"num\">—</td><td class=\"num\">0</td>"
                                                 "<td class=\"num\">—</td>"));
  // Staff version: the small count is exact.
  std::string subversion = Between(*html, "id=\"thema-subversion\"", "</section>");
  EXPECT_THAT(
      HtmlRow(subversion, "Noord"),
      HasSubstr("<td class=\"num\">3</td><td class=\"num\">0</td><td class=\"num\">nieuw</td>"
                "<td class=\"num\">8</td><td class=\"num down\">-63%</td>"));
  EXPECT_THAT(*html, HasSubstr("Interne versie met exacte aantallen"));
  EXPECT_THAT(*html, HasSubstr("Sterkste stijging ten opzichte van het vorige halfjaar: "
                               "Jeugd en veiligheid (+100%)."));
}

TEST(HtmlTest, PublicVersionNeverShowsSmallCounts) {
  ProgressReportData three = TinyReport(5);
  ProgressReportData four = TinyReport(5);
  four.wijken[0].by_theme[Theme::kSubversion].current = 4;
  three.early_warnings = four.early_warnings = {
      {"WK000001", "Noord", Theme::kSubversion, absl::CivilDay(2026, 3, 1), 3, 0.5, "Drugsafval"}};
  four.early_warnings[0].observed = 2;
  absl::StatusOr<std::string> html = RenderHtml(three);
  ASSERT_TRUE(html.ok()) << html.status();

  std::string subversion = Between(*html, "id=\"thema-subversion\"", "</section>");
  EXPECT_THAT(
      HtmlRow(subversion, "Noord"),
      HasSubstr("<td class=\"num suppressed\">&lt;5</td><td class=\"num\">0</td>"
                "<td class=\"num\">—</td><td class=\"num\">8</td><td class=\"num\">—</td>"));
  // 3 + 30 is shown as a lower bound: 30 + 1.
  EXPECT_THAT(HtmlRow(subversion, "Alle wijken"),
              HasSubstr("<td class=\"num suppressed\">≥31</td>"));
  // The bar is hatched and labelled "<5".
  std::string bars = Between(subversion, "<svg", "</svg>");
  EXPECT_THAT(bars, HasSubstr("fill=\"url(#bars-subversion-hatch-0)\""));
  EXPECT_THAT(bars, HasSubstr(">&lt;5</text>"));
  EXPECT_THAT(*html, HasSubstr("Openbare versie"));

  // Whatever the suppressed values are, the page is the same byte for byte.
  absl::StatusOr<std::string> html_four = RenderHtml(four);
  ASSERT_TRUE(html_four.ok()) << html_four.status();
  EXPECT_EQ(*html, *html_four);
  absl::StatusOr<std::string> md_three = RenderMarkdown(three);
  absl::StatusOr<std::string> md_four = RenderMarkdown(four);
  ASSERT_TRUE(md_three.ok() && md_four.ok());
  EXPECT_EQ(*md_three, *md_four);
  // While the staff version does show them.
  three.suppress_below_k = four.suppress_below_k = 0;
  EXPECT_NE(*RenderHtml(three), *RenderHtml(four));
}

TEST(HtmlTest, MonthlyChartAndTableWithPartialHalfYear) {
  ProgressReportData data = TinyReport(5);
  data.monthly_counts[Theme::kLiveability] = {10, 12, 2, 14, 15, 11, 9, 8, 20};
  data.monthly_counts[Theme::kYouth] = {5, 5, 5, 5, 5, 5, 5, 5, 5};
  absl::StatusOr<std::string> html = RenderHtml(data);
  ASSERT_TRUE(html.ok()) << html.status();
  std::string section = Between(*html, "<section id=\"maandverloop\">", "</section>");
  std::string chart = Between(section, "<svg", "</svg>");
  // Liveability breaks at the suppressed March value: two runs; youth is one line.
  EXPECT_EQ(Count(chart, "<polyline"), 3);
  EXPECT_THAT(chart, HasSubstr("fill=\"url(#line-monthly-band)\""));
  EXPECT_THAT(chart, HasSubstr(">jul 2025</text>"));
  EXPECT_THAT(chart, HasSubstr(">jun 2026</text>"));
  EXPECT_THAT(chart, HasSubstr(">2025-H2</text>"));
  std::string row = HtmlRow(section, "Leefbaarheid en veiligheid in de buurten");
  EXPECT_THAT(row, HasSubstr("<td class=\"num\">12</td><td class=\"num suppressed\">&lt;5</td>"));
  // Apr..jun 2026 have no data yet.
  EXPECT_THAT(row, HasSubstr("<td class=\"num\">20</td><td class=\"num\"></td><td class=\"num\">"
                             "</td><td class=\"num\"></td>"));
  EXPECT_THAT(*html, HasSubstr("lopen tot en met mrt 2026."));
}

TEST(HtmlTest, WithoutOutlinesOrOptionalSections) {
  ProgressReportData data = TinyReport(0);
  data.wijken[1].outline.clear();
  absl::StatusOr<std::string> html = RenderHtml(data);
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_THAT(*html, HasSubstr("Niet op de kaart (geen kaartvorm): Zuid."));
  EXPECT_THAT(*html, HasSubstr("Geen maandcijfers beschikbaar."));
  EXPECT_THAT(*html, HasSubstr("Er zijn geen vroegsignalen afgegeven."));
  EXPECT_THAT(*html, HasSubstr("Geen indicatoren ingelezen."));
  data.wijken[0].outline.clear();
  html = RenderHtml(data);
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_THAT(*html, HasSubstr("Geen kaartgegevens beschikbaar."));
  EXPECT_EQ(TagProblem(*html), "");
}

// ---------------------------------------------------------------------------------------------
// Map

TEST(ChoroplethTest, ProjectsEquirectangularScaledByCosLatitude) {
  std::vector<Ring> square = {Square(52.0, 4.0, 1.0)};
  internal::ChoroplethMap map{"m", "t", "c", {{"Vak", &square, {ShownCount::Kind::kExact, 7}}}, {}};
  std::string svg = internal::ChoroplethSvg(map, internal::Disclosure(0));
  // 1 degree of latitude is 500 px, so 1 degree of longitude is 500 * cos(52.5°) = 304.38 px.
  EXPECT_THAT(svg, HasSubstr("d=\"M10 510L314.38 510L314.38 10L10 10Z\""));
  // Numbered label at the centroid, keyed in the legend.
  EXPECT_THAT(svg, HasSubstr("<circle cx=\"162.19\" cy=\"260\""));
  EXPECT_THAT(svg, HasSubstr("x=\"162.19\" y=\"263.2\">1</text>"));
  EXPECT_THAT(svg, HasSubstr(">1</text><text x=\"548\" y=\"176\" class=\"small\">Vak: 7</text>"));
}

TEST(ChoroplethTest, ClassesStartAtKInThePublicVersion) {
  auto labels = [](const std::vector<internal::MapClass>& classes) {
    std::vector<std::string> out;
    for (const internal::MapClass& c : classes) out.push_back(c.label);
    return out;
  };
  EXPECT_EQ(labels(internal::MapClasses(37, internal::Disclosure(5))),
            (std::vector<std::string>{"0", "<5", "5–14", "15–24", "25–34", "35–44"}));
  EXPECT_EQ(labels(internal::MapClasses(37, internal::Disclosure(0))),
            (std::vector<std::string>{"0", "1–10", "11–20", "21–30", "31–40"}));
  EXPECT_EQ(labels(internal::MapClasses(0, internal::Disclosure(0))),
            (std::vector<std::string>{"0", "1"}));
}

TEST(ChoroplethTest, ColoursAreasByClass) {
  std::vector<Ring> a = {Square(52.0, 4.0, 0.1)};
  std::vector<Ring> b = {Square(52.1, 4.0, 0.1)};
  std::vector<Ring> c = {Square(52.2, 4.0, 0.1)};
  internal::ChoroplethMap map{"m",
                              "t",
                              "c",
                              {{"Nul", &a, {ShownCount::Kind::kExact, 0}},
                               {"Klein", &b, {ShownCount::Kind::kSuppressed, 0}},
                               {"Groot", &c, {ShownCount::Kind::kExact, 37}}},
                              {}};
  std::string svg = internal::ChoroplethSvg(map, internal::Disclosure(5));
  EXPECT_THAT(svg, HasSubstr("fill=\"#f2f2f2\" stroke=\"#555555\" stroke-width=\"0.8\" d=\"M10 "));
  EXPECT_THAT(svg, HasSubstr("fill=\"url(#m-hatch)\" stroke"));
  EXPECT_THAT(svg, HasSubstr("fill=\"#a50f15\" stroke"));  // 35–44, the darkest class
  EXPECT_THAT(svg, HasSubstr("<title>Klein: &lt;5</title>"));
  EXPECT_THAT(svg, HasSubstr(">Klein: &lt;5</text>"));
  EXPECT_THAT(svg, HasSubstr(">Groot: 37</text>"));
  EXPECT_THAT(svg, HasSubstr("&lt;5 (onderdrukt)"));
}

// ---------------------------------------------------------------------------------------------
// Markdown

TEST(MarkdownTest, HasTheTablesOfTheHtml) {
  absl::StatusOr<ProgressReportData> data = testing::SampleReport(5);
  ASSERT_TRUE(data.ok()) << data.status();
  data->wijken[2].name = "A&B <x>";
  absl::StatusOr<std::string> md = RenderMarkdown(*data);
  ASSERT_TRUE(md.ok()) << md.status();

  EXPECT_TRUE(absl::StartsWith(*md, "# Tussenstand veiligheidsbeleid Beverwijk 2020–2024\n"));
  for (const char* heading :
       {"## Samenvatting", "## Focusgebieden", "### De Drie Straatjes (FA037501)",
        "### Oosterwijk (FA037502)", "## Incidenten per wijk in 2026-H1", "## Verloop per maand",
        "## Per thema", "## Vroegsignalering", "## Indicatoren", "## Verantwoording"}) {
    EXPECT_THAT(*md, HasSubstr(absl::StrCat("\n", heading, "\n"))) << heading;
  }
  // 1 summary + 2 focus + 1 wijk totals + 5 themes comparison tables.
  EXPECT_EQ(Count(*md,
                  "| Wijk | 2026-H1 | 2025-H2 | t.o.v. 2025-H2 | 2025-H1 | t.o.v. 2025-H1 |\n"
                  "| --- | ---: | ---: | ---: | ---: | ---: |\n"),
            6);
  EXPECT_EQ(
      Count(*md, "| Thema | 2026-H1 | 2025-H2 | t.o.v. 2025-H2 | 2025-H1 | t.o.v. 2025-H1 |\n"), 3);
  for (Theme theme : catalog::kFrameworkThemes) {
    EXPECT_THAT(*md, HasSubstr(absl::StrCat("### ", internal::ThemeTitle(theme), "\n")));
  }
  for (const AreaCounts& wijk : data->wijken) {
    EXPECT_GE(Count(*md, absl::StrCat("| ", internal::MarkdownEscape(wijk.name), " |")), 6);
  }
  EXPECT_THAT(*md, HasSubstr("| A\\&B \\<x\\> |"));
  EXPECT_THAT(*md, Not(HasSubstr("<x>")));
  EXPECT_THAT(*md, HasSubstr("| Thema | jul 2025 |"));
  EXPECT_THAT(*md, HasSubstr("| Datum | Gebied | Thema | Waargenomen | Verwacht | Toelichting |"));
  EXPECT_THAT(*md, HasSubstr("| 2 mei 2026 | De Drie Straatjes (FA037501) | Fysieke veiligheid en "
                             "veilig ondernemen | <5 | 0,8 |"));
  EXPECT_THAT(*md, HasSubstr("| Beverwijk (GM0375) | Inwoners | 2025 | 42.310 |  | CBS"));

  // Every table row has as many cells as its header.
  size_t expected_cells = 0;
  for (absl::string_view line : absl::StrSplit(*md, '\n')) {
    if (!absl::StartsWith(line, "|")) {
      expected_cells = 0;
      continue;
    }
    size_t cells = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++cells;
    }
    if (expected_cells == 0) expected_cells = cells;
    EXPECT_EQ(cells, expected_cells) << line;
  }
}

TEST(MarkdownTest, ShowsChangesAndSuppression) {
  absl::StatusOr<std::string> staff = RenderMarkdown(TinyReport(0));
  absl::StatusOr<std::string> published = RenderMarkdown(TinyReport(5));
  ASSERT_TRUE(staff.ok() && published.ok());
  EXPECT_THAT(*staff, HasSubstr("| Noord | 12 | 10 | +20% | 0 | nieuw |"));
  EXPECT_THAT(*staff, HasSubstr("| Noord | 3 | 0 | nieuw | 8 | -63% |"));
  EXPECT_THAT(*staff, HasSubstr("| Noord | 0 | 0 | — | 0 | — |"));
  EXPECT_THAT(*published, HasSubstr("| Noord | <5 | 0 | — | 8 | — |"));
  EXPECT_THAT(*published, HasSubstr("| **Alle wijken** | **≥31** | **30** | — | **38** | — |"));
  EXPECT_THAT(*published, Not(HasSubstr("| Noord | 3 |")));
  EXPECT_THAT(*published, HasSubstr("**Openbare versie:**"));
}

}  // namespace
}  // namespace wijkwacht::progress

namespace wijkwacht::progress {
namespace {

TEST(HandlingTest, HandledWithinTargetPerThemeAndWijk) {
  ProgressReportData data = TinyReport(0);
  data.handling = {{"WK000001", "Noord", catalog::Theme::kLiveability, 20, 17},
                   {"WK000002", "Zuid", catalog::Theme::kLiveability, 10, 5},
                   {"WK000001", "Noord", catalog::Theme::kYouth, 4, 4}};
  absl::StatusOr<std::string> html = RenderHtml(data);
  ASSERT_TRUE(html.ok()) << html.status();
  const std::string section = Between(*html, "id=\"doorlooptijd\"", "</section>");
  // Leefbaarheid: 22 of 30 on time; Noord: 21 of 24.
  EXPECT_THAT(section, HasSubstr("<td class=\"num\">22</td><td class=\"num\">30</td><td "
                                 "class=\"num\">73%</td>"));
  EXPECT_THAT(HtmlRow(section, "Noord"),
              HasSubstr("<td class=\"num\">21</td><td class=\"num\">24</td><td "
                        "class=\"num\">88%</td>"));
  absl::StatusOr<std::string> md = RenderMarkdown(data);
  ASSERT_TRUE(md.ok());
  EXPECT_THAT(*md, HasSubstr("| Zuid | 5 | 10 | 50% |"));

  // The public version: small counts suppressed, shares of them not shown.
  data.suppress_below_k = 5;
  html = RenderHtml(data);
  ASSERT_TRUE(html.ok());
  EXPECT_THAT(Between(*html, "id=\"doorlooptijd\"", "</section>"),
              HasSubstr("&lt;5</td><td class=\"num\">&lt;5</td><td class=\"num\">—</td>"));

  // Bad figures are named.
  data.handling.push_back({"WK000001", "Noord", catalog::Theme::kYouth, 2, 3});
  std::vector<std::string> fields;
  for (const FieldViolation& v : GetFieldViolations(ValidateProgressReportData(data))) {
    fields.push_back(v.field);
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"handling[3].within_target",
                                              "handling[3].area_code"}));
}

TEST(HandlingTest, WithoutSettledIncidentsTheSectionSaysSo) {
  absl::StatusOr<std::string> md = RenderMarkdown(TinyReport(0));
  ASSERT_TRUE(md.ok());
  EXPECT_THAT(*md, HasSubstr("Er zijn nog geen meldingen met een verstreken of gehaalde termijn."));
}

}  // namespace
}  // namespace wijkwacht::progress
