// The council's half-year progress report ("tussenstand" veiligheidsbeleid Beverwijk
// 2020-2024), rendered from plain data as a self-contained HTML page or as Markdown.
//
//   ProgressReportData data = ...;  // filled by the caller from storage / imported files
//   absl::StatusOr<std::string> html = RenderHtml(data);
//
// The HTML page is Dutch, has no scripts and loads nothing (inline CSS and SVG, system
// fonts), and prints on A4. It holds: a summary; the focus areas (highlighted); a choropleth
// map of the wijken by incidents in the half-year (numbered, keyed in its legend; see
// choropleth.h for the projection and classes); a line chart of monthly incidents per
// theme; per theme a table and a grouped bar chart per wijk (this half-year, the previous
// one, the same half-year last year); the Actieplan (per priority the measures, their status,
// enforcement against the planned outputs and before/after figures with the caveat in words);
// the flitspeiling trend; handling within target (doorlooptijd) per theme and wijk; the early warnings with what was done about them; the imported
// indicators; and a note on sources and privacy. RenderMarkdown() gives the same content as tables, without
// charts. All text from the data is escaped for its output format.
//
// Privacy: with suppress_below_k = k >= 2 (the public version) every count from 1 to k-1 is
// shown as "<k", never exactly, in tables, bars, map classes, labels and the line chart; a
// change involving such a count is shown as "—". A total that includes a suppressed count
// is shown as a lower bound ("≥N") so that it cannot be used to recover the suppressed part;
// a total that is itself below k is "<k". Zero is always shown as 0. With k = 0 (the staff
// version) every count is exact. Limits: the monthly counts are gemeente-wide inputs, each
// suppressed on its own; if the six months of a theme are all shown exactly, their sum is the
// theme total, which with the wijk table can reveal a wijk's suppressed count (the caller
// should then coarsen or omit the monthly series for the public version). The caller must
// apply the same care to data it puts in free text (explanations, notes).
//
// Change percentages: (current - baseline) / baseline, rounded to a whole percent ("+12%",
// "-8%", "0%"); "nieuw" when the baseline is 0 and the current count is not; "—" when both
// are 0 or either is suppressed or a lower bound.
//
// Errors (both renderers): INVALID_ARGUMENT naming every invalid field (see
// ValidateProgressReportData), e.g.
// "wijken[2].by_theme[YOUTH].previous: must be in [0, 1000000000]".
//
// Thread safety: all functions are pure; concurrent calls are safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/catalog/theme.h"
#include "domain/progress/half_year.h"

namespace wijkwacht::progress {

// Incident counts of one area and theme in the three compared half-years.
struct PeriodCounts {
  int64_t current = 0;              // the report's half-year
  int64_t previous = 0;             // the half-year before it
  int64_t same_half_last_year = 0;  // the same half-year one year earlier
  bool operator==(const PeriodCounts&) const = default;
};

struct LatLng {
  double lat = 0;  // WGS84 degrees
  double lng = 0;
};

// A closed ring of an outline; the closing vertex may be repeated or left out.
using Ring = std::vector<LatLng>;

// One wijk or focus area.
struct AreaCounts {
  std::string code;  // CBS wijk code ("WK037500") or focus area code ("FA037501"); unique
  std::string name;  // shown in the report
  // Per framework theme (catalog::kFrameworkThemes); a missing theme counts as all zeros.
  std::map<catalog::Theme, PeriodCounts> by_theme;
  // Outline for the map: outer rings and holes in any orientation (drawn even-odd). Optional:
  // a wijk without outline is listed under the map; a focus area's outline is drawn dashed
  // over the wijken.
  std::vector<Ring> outline;
};

// An early warning raised by trend detection.
struct EarlyWarning {
  std::string area_code;
  std::string area_name;
  catalog::Theme theme = catalog::Theme::kUnspecified;  // must be a framework theme
  absl::CivilDay day;
  int64_t observed = 0;  // incidents counted (subject to suppression)
  double expected = 0;   // what the model expected; shown with one decimal
  std::string explanation;
  // What was done about it (measures running there, enforcement after it); "" = not known.
  std::string follow_up;
  // The publication version: `expected` is not shown ("—": its baseline is withheld).
  bool expected_withheld = false;
};

// The Actieplan of the report's year: per priority its measures and how far they got.
//
// Before/after of a measure: incidents and reports of its theme in its areas and, as a
// comparison, in the rest of the gemeente, in the part of the measure that ran up to the end
// of the report's half-year ("during") and in a period of the same length just before it
// ("before"). The report states in words that two such numbers do not show what caused a
// difference.
struct BeforeAfter {
  absl::CivilDay before_start;
  absl::CivilDay during_start;
  absl::CivilDay during_end;  // exclusive
  int64_t area_incidents_before = 0;
  int64_t area_incidents_during = 0;
  int64_t area_reports_before = 0;
  int64_t area_reports_during = 0;
  int64_t rest_incidents_before = 0;
  int64_t rest_incidents_during = 0;
};

struct OutputProgress {
  std::string description;
  int64_t target = 0;     // 0 = not a count
  // Enforcement recorded against it so far (a count like any other: 1 to k-1 is "<k" in the
  // public version); -1 = not counted.
  int64_t recorded = -1;
};

struct MeasureProgress {
  std::string title;
  catalog::Theme theme = catalog::Theme::kUnspecified;
  std::string areas;  // area names as shown
  std::string owner;  // department
  std::string status;  // e.g. "loopt"
  absl::CivilDay start;
  absl::CivilDay end;  // exclusive
  std::vector<OutputProgress> outputs;
  // Enforcement actions linked to the measure in the report's half-year, by kind (Dutch
  // label, e.g. "waarschuwing") -> count.
  std::map<std::string, int64_t> enforcement;
  std::string latest_note;  // newest progress note; may be empty
  bool has_before_after = false;  // false until the measure has run a day
  BeforeAfter before_after;
};

struct PriorityProgress {
  int rank = 0;  // 1 = first; 0 = measures under no priority
  catalog::Theme theme = catalog::Theme::kUnspecified;
  std::string areas;  // area names as shown; empty = the whole gemeente
  std::vector<MeasureProgress> measures;
};

// One flitspeiling's gemeente-wide result (the trend over polls).
struct PollPoint {
  std::string title;
  absl::CivilDay closed;
  bool withheld = false;  // too few respondents: no figure
  int64_t respondents = 0;
  double mean = 0;  // safety score 1-10 with its 95% interval
  double low = 0;
  double high = 0;
};

// A figure imported from another source (e.g. CBS, politie, veiligheidsmonitor).
struct Indicator {
  std::string area_code;
  std::string area_name;
  std::string indicator;  // e.g. "Woninginbraken per 1.000 woningen"
  std::string period;     // as published by the source, e.g. "2025"
  double value = 0;       // shown as given, Dutch decimal comma; never suppressed
  std::string unit;       // e.g. "per 1.000 woningen", "%"; may be empty
  std::string source;     // e.g. "CBS Kerncijfers wijken en buurten 2025"
};

// Handling within target (doorlooptijd) for one wijk and theme, over the incidents opened in
// the report's half-year that have a deadline (DispatchService.SetHandlingTargets) and are
// settled: handled (resolved or rejected) or past their deadline while still open.
struct HandlingCounts {
  std::string area_code;  // a wijk code; unique with `theme`
  std::string area_name;
  catalog::Theme theme = catalog::Theme::kUnspecified;  // a framework theme
  int64_t settled = 0;        // handled, or past the deadline
  int64_t within_target = 0;  // handled by the deadline; at most `settled`
};

struct ProgressReportData {
  std::string title = "Tussenstand veiligheidsbeleid Beverwijk 2020–2024";
  std::string period;                   // "2026-H1"; the compared periods follow from it
  std::vector<AreaCounts> wijken;       // at least one
  std::vector<AreaCounts> focus_areas;  // e.g. De Drie Straatjes, Oosterwijk; may be empty
  // Incidents per month and theme in the whole gemeente, oldest first: the 6 months of the
  // previous half-year, then 0..6 months of the current one (fewer while it is under way).
  // Every series has the same length (6..12); a theme without series is not drawn.
  std::map<catalog::Theme, std::vector<int64_t>> monthly_counts;
  std::vector<EarlyWarning> early_warnings;  // shown in this order
  std::vector<Indicator> indicators;         // shown in this order
  // The Actieplan section: its title ("" = no plan for the year: the section says so) and
  // priorities in rank order.
  std::string action_plan_title;
  std::vector<PriorityProgress> priorities;
  // The flitspeiling section, oldest poll first, and the caveat shown with it.
  std::vector<PollPoint> poll_trend;
  std::string poll_caveat;
  // "Handled within target" per wijk and theme (the section shows it per theme and per wijk).
  std::vector<HandlingCounts> handling;
  // 0: staff version with exact counts. k in 2..1000: public version, 1..k-1 is "<k".
  int suppress_below_k = 0;
  absl::Time generated_at;       // shown in the report's time zone (see ReportTimeZone())
  std::string data_source_note;  // shown verbatim (escaped) under "Verantwoording"
};

// Checks `data` and reports every problem: INVALID_ARGUMENT with one field violation per
// problem. Fields: "period" (format), "title" / "data_source_note" / any name or text (empty
// where required, invalid UTF-8 or control characters), "wijken" (empty), "*.code" (empty or
// duplicate), "*.by_theme[X]" (not a framework theme), "*.by_theme[X].current" etc. and every
// other count (outside [0, 1e9]),
// "*.outline[i]" (fewer than 3 vertices), "*.outline[i][j]" (coordinates not finite or out
// of range), "monthly_counts[X]" (length not 6..12 or differing between series, negative
// values), "early_warnings[i].*" (theme, observed < 0, expected not finite or < 0),
// "handling[i].*" (theme, counts, within_target above settled, duplicate area and theme),
// "indicators[i].value" (not finite), "suppress_below_k" (not 0 or 2..1000), "generated_at"
// (infinite).
[[nodiscard]] absl::Status ValidateProgressReportData(const ProgressReportData& data);

// The report as one self-contained HTML document (UTF-8).
[[nodiscard]] absl::StatusOr<std::string> RenderHtml(const ProgressReportData& data);

// The report as Markdown (GitHub-flavoured tables; charts omitted, their data as tables).
[[nodiscard]] absl::StatusOr<std::string> RenderMarkdown(const ProgressReportData& data);

}  // namespace wijkwacht::progress
