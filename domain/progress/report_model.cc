#include "domain/progress/report_model.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wijkwacht::progress::internal {
namespace {

PeriodCounts CountsOf(const AreaCounts& area, catalog::Theme theme) {
  auto it = area.by_theme.find(theme);
  return it == area.by_theme.end() ? PeriodCounts{} : it->second;
}

// Parts of a total in the three half-years.
struct PeriodParts {
  std::vector<int64_t> current;
  std::vector<int64_t> previous;
  std::vector<int64_t> same_half_last_year;

  void Add(const PeriodCounts& counts) {
    current.push_back(counts.current);
    previous.push_back(counts.previous);
    same_half_last_year.push_back(counts.same_half_last_year);
  }
};

ComparisonRow MakeRow(std::string label, ShownCount current, ShownCount previous,
                      ShownCount same_half_last_year) {
  ComparisonRow row;
  row.label = std::move(label);
  row.current = current;
  row.previous = previous;
  row.same_half_last_year = same_half_last_year;
  row.change_vs_previous = ChangeText(current, previous);
  row.change_vs_last_year = ChangeText(current, same_half_last_year);
  return row;
}

ComparisonRow CellRow(std::string label, const PeriodCounts& counts, const Disclosure& d) {
  return MakeRow(std::move(label), d.Count(counts.current), d.Count(counts.previous),
                 d.Count(counts.same_half_last_year));
}

ComparisonRow SumRow(std::string label, const PeriodParts& parts, const Disclosure& d) {
  return MakeRow(std::move(label), d.Sum(parts.current), d.Sum(parts.previous),
                 d.Sum(parts.same_half_last_year));
}

// "een stijging van 12%" etc., for use in a sentence.
std::string ChangePhrase(absl::string_view change) {
  if (change == "—") return "niet te vergelijken";
  if (change == "nieuw") return "nieuw (was 0)";
  if (change == "0%") return "gelijk gebleven";
  if (change.front() == '+') return absl::StrCat("een stijging van ", change.substr(1));
  return absl::StrCat("een daling van ", change.substr(1));
}

// Percentage change when both counts are exact and the baseline is not 0.
std::optional<double> Percent(const ShownCount& current, const ShownCount& baseline) {
  if (!current.exact() || !baseline.exact() || baseline.value == 0) return std::nullopt;
  return 100.0 * static_cast<double>(current.value - baseline.value) /
         static_cast<double>(baseline.value);
}

std::vector<std::string> Highlights(const ProgressReportData& data, const ReportModel& m) {
  const Disclosure& d = m.disclosure;
  std::vector<std::string> out;
  out.push_back(absl::StrCat(
      "In het ", m.period.half_year.DutchLabel(), " zijn in ", data.wijken.size(),
      data.wijken.size() == 1 ? " wijk " : " wijken ", d.Text(m.grand_total.current),
      " incidenten geregistreerd: ", ChangePhrase(m.grand_total.change_vs_previous),
      " ten opzichte van het ", m.period.previous.DutchLabel(), " (",
      d.Text(m.grand_total.previous), ") en ", ChangePhrase(m.grand_total.change_vs_last_year),
      " ten opzichte van het ", m.period.same_half_last_year.DutchLabel(), " (",
      d.Text(m.grand_total.same_half_last_year), ")."));

  const ComparisonRow* rise = nullptr;
  const ComparisonRow* fall = nullptr;
  double rise_percent = 0;
  double fall_percent = 0;
  for (const ComparisonRow& row : m.theme_totals) {
    std::optional<double> p = Percent(row.current, row.previous);
    if (!p) continue;
    if (*p > rise_percent) {
      rise = &row;
      rise_percent = *p;
    }
    if (*p < fall_percent) {
      fall = &row;
      fall_percent = *p;
    }
  }
  if (rise != nullptr) {
    out.push_back(absl::StrCat("Sterkste stijging ten opzichte van het vorige halfjaar: ",
                               rise->label, " (", rise->change_vs_previous, ")."));
  }
  if (fall != nullptr) {
    out.push_back(absl::StrCat("Sterkste daling ten opzichte van het vorige halfjaar: ",
                               fall->label, " (", fall->change_vs_previous, ")."));
  }
  for (const FocusAreaSection& focus : m.focus_areas) {
    out.push_back(absl::StrCat("Focusgebied ", focus.name, ": ", d.Text(focus.total.current),
                               " incidenten, ", ChangePhrase(focus.total.change_vs_previous),
                               " ten opzichte van het vorige halfjaar."));
  }
  if (data.early_warnings.empty()) {
    out.push_back("Er zijn geen vroegsignalen afgegeven.");
  } else {
    out.push_back(absl::StrCat("Er ", data.early_warnings.size() == 1 ? "is " : "zijn ",
                               data.early_warnings.size(),
                               data.early_warnings.size() == 1 ? " vroegsignaal" : " vroegsignalen",
                               " afgegeven (zie Vroegsignalering)."));
  }
  if (m.monthly.months_with_data > 6 && m.monthly.months_with_data < 12) {
    out.push_back(absl::StrCat("De maandcijfers van het lopende halfjaar lopen tot en met ",
                               MonthLabel(m.monthly.months[m.monthly.months_with_data - 1]), "."));
  }
  if (d.is_public() && d.k() > 1) {
    out.push_back(absl::StrCat("Openbare versie: aantallen van 1 tot en met ", d.k() - 1,
                               " staan er als \"<", d.k(),
                               "\"; totalen waarin zulke aantallen zitten als ondergrens (≥)."));
  }
  return out;
}

MonthlyModel BuildMonthly(const ProgressReportData& data, const ReportModel& m) {
  MonthlyModel monthly;
  absl::CivilMonth first = m.period.previous.FirstMonth();
  for (int i = 0; i < 12; ++i) monthly.months.push_back(first + i);
  for (catalog::Theme theme : catalog::kFrameworkThemes) {
    auto it = data.monthly_counts.find(theme);
    if (it == data.monthly_counts.end()) continue;
    MonthlySeries series{theme, std::string(ThemeTitle(theme)), {}};
    for (int64_t value : it->second) series.values.push_back(m.disclosure.Count(value));
    monthly.months_with_data = it->second.size();
    monthly.series.push_back(std::move(series));
  }
  return monthly;
}

}  // namespace

absl::StatusOr<ReportModel> BuildReportModel(const ProgressReportData& data) {
  WW_RETURN_IF_ERROR(ValidateProgressReportData(data));
  ReportModel m;
  m.title = data.title;
  WW_ASSIGN_OR_RETURN(m.period, ParseHalfYear(data.period));
  m.disclosure = Disclosure(data.suppress_below_k);
  m.generated_at = TimeLabel(data.generated_at, ReportTimeZone());
  const Disclosure& d = m.disclosure;

  PeriodParts all;
  for (catalog::Theme theme : catalog::kFrameworkThemes) {
    ThemeSection section;
    section.theme = theme;
    section.title = std::string(ThemeTitle(theme));
    PeriodParts parts;
    for (const AreaCounts& wijk : data.wijken) {
      PeriodCounts counts = CountsOf(wijk, theme);
      section.wijk_rows.push_back(CellRow(wijk.name, counts, d));
      parts.Add(counts);
      all.Add(counts);
    }
    section.total = SumRow("Alle wijken", parts, d);
    m.theme_totals.push_back(SumRow(section.title, parts, d));
    m.themes.push_back(std::move(section));
  }
  m.grand_total = SumRow("Totaal", all, d);

  for (const AreaCounts& wijk : data.wijken) {
    PeriodParts parts;
    for (catalog::Theme theme : catalog::kFrameworkThemes) parts.Add(CountsOf(wijk, theme));
    m.wijk_totals.push_back(SumRow(wijk.name, parts, d));
  }

  for (const AreaCounts& area : data.focus_areas) {
    FocusAreaSection focus{area.code, area.name, {}, {}};
    PeriodParts parts;
    for (catalog::Theme theme : catalog::kFrameworkThemes) {
      PeriodCounts counts = CountsOf(area, theme);
      focus.theme_rows.push_back(CellRow(std::string(ThemeTitle(theme)), counts, d));
      parts.Add(counts);
    }
    focus.total = SumRow("Alle thema's", parts, d);
    m.focus_areas.push_back(std::move(focus));
  }

  m.monthly = BuildMonthly(data, m);
  m.highlights = Highlights(data, m);
  return m;
}

std::vector<std::string> PeriodHeadings(const ReportModel& model) {
  return {model.period.half_year.Label(), model.period.previous.Label(),
          model.period.same_half_last_year.Label()};
}

}  // namespace wijkwacht::progress::internal
