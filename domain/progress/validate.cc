// ValidateProgressReportData (declared in progress_report.h).
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/text.h"
#include "domain/progress/progress_report.h"

namespace wijkwacht::progress {
namespace {

// Counts above this are certainly data errors; the bound also keeps sums far from overflow.
constexpr int64_t kMaxCount = 1'000'000'000;
constexpr int kMaxSuppressionK = 1000;
constexpr size_t kMinMonthlyLength = 6;
constexpr size_t kMaxMonthlyLength = 12;

bool IsFrameworkTheme(catalog::Theme theme) {
  for (catalog::Theme t : catalog::kFrameworkThemes) {
    if (t == theme) return true;
  }
  return false;
}

// The theme's name in a field path ("YOUTH"), or its number if it is outside the enum.
std::string ThemeKey(catalog::Theme theme) {
  absl::string_view name = catalog::ThemeName(theme);
  return catalog::ParseTheme(name) == theme ? std::string(name)
                                            : absl::StrCat(static_cast<int>(theme));
}

class Checker {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description)});
  }

  void Text(const std::string& field, const std::string& value, bool required) {
    if (required && value.empty()) {
      Add(field, "must not be empty");
      return;
    }
    std::string problem = TextProblem(value, /*allow_controls=*/false);
    if (!problem.empty()) Add(field, problem);
  }

  void Count(const std::string& field, int64_t value) {
    if (value < 0 || value > kMaxCount) Add(field, absl::StrCat("must be in [0, ", kMaxCount, "]"));
  }

  void Theme(const std::string& field, catalog::Theme theme) {
    if (!IsFrameworkTheme(theme)) {
      Add(field, "must be LIVEABILITY, YOUTH, SUBVERSION, PHYSICAL_BUSINESS or OTHER");
    }
  }

  void Outline(const std::string& field, const std::vector<Ring>& outline) {
    for (size_t i = 0; i < outline.size(); ++i) {
      std::string ring_field = absl::StrCat(field, "[", i, "]");
      if (outline[i].size() < 3) Add(ring_field, "a ring needs at least 3 vertices");
      for (size_t j = 0; j < outline[i].size(); ++j) {
        const LatLng& p = outline[i][j];
        if (!std::isfinite(p.lat) || !std::isfinite(p.lng) || std::fabs(p.lat) > 90 ||
            std::fabs(p.lng) > 180) {
          Add(absl::StrCat(ring_field, "[", j, "]"),
              "must have lat in [-90, 90] and lng in [-180, 180]");
        }
      }
    }
  }

  void Areas(const std::string& field, const std::vector<AreaCounts>& areas) {
    std::set<std::string> codes;
    for (size_t i = 0; i < areas.size(); ++i) {
      const AreaCounts& area = areas[i];
      std::string prefix = absl::StrCat(field, "[", i, "]");
      Text(prefix + ".code", area.code, /*required=*/true);
      if (!area.code.empty() && !codes.insert(area.code).second) {
        Add(prefix + ".code", absl::StrCat("duplicate code \"", area.code, "\""));
      }
      Text(prefix + ".name", area.name, /*required=*/true);
      for (const auto& [theme, counts] : area.by_theme) {
        std::string theme_field = absl::StrCat(prefix, ".by_theme[", ThemeKey(theme), "]");
        Theme(theme_field, theme);
        Count(theme_field + ".current", counts.current);
        Count(theme_field + ".previous", counts.previous);
        Count(theme_field + ".same_half_last_year", counts.same_half_last_year);
      }
      Outline(prefix + ".outline", area.outline);
    }
  }

  void Monthly(const std::map<catalog::Theme, std::vector<int64_t>>& monthly) {
    size_t first_length = 0;
    for (const auto& [theme, values] : monthly) {
      std::string field = absl::StrCat("monthly_counts[", ThemeKey(theme), "]");
      Theme(field, theme);
      if (values.size() < kMinMonthlyLength || values.size() > kMaxMonthlyLength) {
        Add(field, absl::StrCat("must hold 6..12 months (6 of the previous half-year, then the "
                                "current one), has ",
                                values.size()));
      } else if (first_length == 0) {
        first_length = values.size();
      } else if (values.size() != first_length) {
        Add(field,
            absl::StrCat("has ", values.size(), " months, other series have ", first_length));
      }
      for (size_t i = 0; i < values.size(); ++i) {
        Count(absl::StrCat(field, "[", i, "]"), values[i]);
      }
    }
  }

  void Warnings(const std::vector<EarlyWarning>& warnings) {
    for (size_t i = 0; i < warnings.size(); ++i) {
      const EarlyWarning& w = warnings[i];
      std::string prefix = absl::StrCat("early_warnings[", i, "]");
      Text(prefix + ".area_code", w.area_code, /*required=*/false);
      Text(prefix + ".area_name", w.area_name, /*required=*/true);
      Theme(prefix + ".theme", w.theme);
      Count(prefix + ".observed", w.observed);
      if (!std::isfinite(w.expected) || w.expected < 0) {
        Add(prefix + ".expected", "must be a finite number >= 0");
      }
      Text(prefix + ".explanation", w.explanation, /*required=*/false);
    }
  }

  void Handling(const std::vector<HandlingCounts>& handling) {
    std::set<std::pair<std::string, int>> seen;
    for (size_t i = 0; i < handling.size(); ++i) {
      const HandlingCounts& h = handling[i];
      std::string prefix = absl::StrCat("handling[", i, "]");
      Text(prefix + ".area_code", h.area_code, /*required=*/true);
      Text(prefix + ".area_name", h.area_name, /*required=*/true);
      Theme(prefix + ".theme", h.theme);
      Count(prefix + ".settled", h.settled);
      Count(prefix + ".within_target", h.within_target);
      if (h.within_target > h.settled) Add(prefix + ".within_target", "must be at most settled");
      if (!seen.insert({h.area_code, static_cast<int>(h.theme)}).second) {
        Add(prefix + ".area_code", "is given twice for this theme");
      }
    }
  }

  void Indicators(const std::vector<Indicator>& indicators) {
    for (size_t i = 0; i < indicators.size(); ++i) {
      const Indicator& ind = indicators[i];
      std::string prefix = absl::StrCat("indicators[", i, "]");
      Text(prefix + ".area_code", ind.area_code, /*required=*/false);
      Text(prefix + ".area_name", ind.area_name, /*required=*/true);
      Text(prefix + ".indicator", ind.indicator, /*required=*/true);
      Text(prefix + ".period", ind.period, /*required=*/false);
      if (!std::isfinite(ind.value)) Add(prefix + ".value", "must be a finite number");
      Text(prefix + ".unit", ind.unit, /*required=*/false);
      Text(prefix + ".source", ind.source, /*required=*/false);
    }
  }

  absl::Status Result() {
    if (violations_.empty()) return absl::OkStatus();
    return InvalidFieldsError(std::move(violations_));
  }

 private:
  std::vector<FieldViolation> violations_;
};

}  // namespace

absl::Status ValidateProgressReportData(const ProgressReportData& data) {
  Checker check;
  check.Text("title", data.title, /*required=*/true);
  if (absl::StatusOr<HalfYearPeriod> period = ParseHalfYear(data.period); !period.ok()) {
    for (FieldViolation& v : GetFieldViolations(period.status())) {
      check.Add(std::move(v.field), std::move(v.description));
    }
  }
  if (data.wijken.empty()) check.Add("wijken", "must hold at least one wijk");
  check.Areas("wijken", data.wijken);
  check.Areas("focus_areas", data.focus_areas);
  check.Monthly(data.monthly_counts);
  check.Warnings(data.early_warnings);
  check.Indicators(data.indicators);
  check.Handling(data.handling);
  if (data.suppress_below_k < 0 || data.suppress_below_k == 1 ||
      data.suppress_below_k > kMaxSuppressionK) {
    check.Add("suppress_below_k",
              absl::StrCat("must be 0 (exact counts) or in [2, ", kMaxSuppressionK, "]"));
  }
  if (data.generated_at == absl::InfiniteFuture() || data.generated_at == absl::InfinitePast()) {
    check.Add("generated_at", "must be a finite time");
  }
  check.Text("data_source_note", data.data_source_note, /*required=*/false);
  return check.Result();
}

}  // namespace wijkwacht::progress
