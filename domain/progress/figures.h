// Internal to wijkwacht_progress: how counts, changes, numbers, dates and themes are written
// in the report, including the privacy rule (see progress_report.h).
//
// A ShownCount is a count as it may be published. It deliberately does not keep the exact
// value of a suppressed count or of a lower-bound total, so nothing downstream (tables, bars,
// map classes) can print it by mistake.
//
// Thread safety: all functions are pure; Disclosure is immutable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/catalog/theme.h"

namespace wijkwacht::progress::internal {

struct ShownCount {
  enum class Kind {
    kExact,       // `value` is the count
    kSuppressed,  // between 1 and k-1; `value` is 0
    kAtLeast,     // a total including suppressed parts; `value` is a lower bound (>= k)
  };
  Kind kind = Kind::kExact;
  int64_t value = 0;

  [[nodiscard]] bool exact() const { return kind == Kind::kExact; }
  bool operator==(const ShownCount&) const = default;
};

// Applies suppress_below_k.
class Disclosure {
 public:
  explicit Disclosure(int suppress_below_k) : k_(suppress_below_k) {}

  [[nodiscard]] bool is_public() const { return k_ > 0; }
  [[nodiscard]] int k() const { return k_; }

  // One count: suppressed if 1..k-1 in the public version, else exact.
  [[nodiscard]] ShownCount Count(int64_t count) const;
  // The sum of `parts`: suppressed if 1..k-1; a lower bound (sum of the exact parts plus one
  // per suppressed part, at least k) if some part is suppressed; else exact.
  [[nodiscard]] ShownCount Sum(const std::vector<int64_t>& parts) const;
  // "1.234", "<5" or "≥12".
  [[nodiscard]] std::string Text(const ShownCount& count) const;

 private:
  int k_;
};

// "+12%", "-8%", "0%"; "nieuw" (baseline 0, current > 0); "—" (both 0, or either not exact).
[[nodiscard]] std::string ChangeText(const ShownCount& current, const ShownCount& baseline);

// Dutch number formatting: "1.234" and "1.234,5".
[[nodiscard]] std::string FormatInteger(int64_t value);
[[nodiscard]] std::string FormatDecimal(double value, int decimals);
// Up to three decimals, trailing zeros dropped: "12", "3,25".
[[nodiscard]] std::string FormatValue(double value);

// "Leefbaarheid en veiligheid in de buurten", ..., "Overig".
[[nodiscard]] absl::string_view ThemeTitle(catalog::Theme theme);
// "jul 2025".
[[nodiscard]] std::string MonthLabel(absl::CivilMonth month);
// "3 juli 2026".
[[nodiscard]] std::string DayLabel(absl::CivilDay day);
// "3 juli 2026, 09:30 (Europe/Amsterdam)".
[[nodiscard]] std::string TimeLabel(absl::Time time, absl::TimeZone zone);

}  // namespace wijkwacht::progress::internal
