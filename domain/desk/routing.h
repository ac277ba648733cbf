// Routing rules: which department an incident goes to, decided from its category (or the
// category's group, or its theme), where it is (a gemeente, wijk, buurt or focus-area code)
// and when (weekly windows in local time, e.g. evenings or weekends). The one place this
// decision is made; the report path, ReclassifyIncident and ExplainRouting all call Route().
//
// Semantics: the rules are an ordered table; the FIRST rule whose every condition holds
// decides (a condition left empty holds always). No rule matching: no department (the
// incident stays unassigned for a dispatcher to assign). A weekly window names days of the
// week and a start and end minute of the day in local time: [start, end) on each named day;
// end <= start runs past midnight into the next day (Friday 18:00-07:00 covers Saturday
// 03:00), end == start is the whole day. A rule matches when its windows are empty or any
// window holds.
//
// Thread safety: pure functions.
// Errors: ValidateRoutingRules gives INVALID_ARGUMENT naming every bad field
// ("rules[2].windows[0].days"); whether a category, area or department exists is the
// caller's check (the catalogue, the area index and the directory live elsewhere).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status.h"

namespace wijkwacht::desk {

inline constexpr int kMaxRoutingRules = 500;
inline constexpr int kMaxWindowsPerRule = 14;
inline constexpr int kMinutesPerDay = 24 * 60;

// Bit of a weekday in WeeklyWindow::days: Monday = 1 << 0 ... Sunday = 1 << 6.
[[nodiscard]] constexpr uint32_t WeekdayBit(absl::Weekday day) {
  return uint32_t{1} << static_cast<int>(day);
}
inline constexpr uint32_t kEveryDay = 0x7f;

struct WeeklyWindow {
  uint32_t days = 0;     // WeekdayBit()s
  int start_minute = 0;  // [0, kMinutesPerDay)
  int end_minute = 0;    // [0, kMinutesPerDay)
};

struct RoutingRule {
  std::string category;    // category code; "" = any
  int category_group = 0;  // wijkwacht.v1.CategoryGroup; 0 = any
  int theme = 0;           // wijkwacht.v1.Theme; 0 = any
  std::string area_code;   // gemeente, wijk, buurt or focus-area code; "" = anywhere
  std::vector<WeeklyWindow> windows;  // empty = at any time
  std::string department;  // department id (without "departments/"); required
  std::string label;       // free text for people ("avond en weekend Handhaving")
};

// What is routed.
struct RoutingInput {
  std::string category;
  int category_group = 0;
  int theme = 0;
  std::vector<std::string> area_codes;  // every area the incident lies in
  absl::Time time;                      // when it is routed
};

struct RuleOutcome {
  bool matched = false;
  std::string reason;  // why it did not match, or what matched
};

struct RoutingDecision {
  std::optional<int> rule;  // index of the rule that decided; none: no rule matched
  std::string department;   // "" when none matched
  // One per rule examined, in order, up to and including the deciding one.
  std::vector<RuleOutcome> outcomes;
};

// The first rule that matches `input`; times are read in `zone` (Europe/Amsterdam).
[[nodiscard]] RoutingDecision Route(const std::vector<RoutingRule>& rules,
                                    const RoutingInput& input, absl::TimeZone zone);

// Field-named violations of the table's shape (paths "rules[i].field"): department required,
// at most kMaxRoutingRules rules and kMaxWindowsPerRule windows, each window naming at least
// one day and minutes in range, labels at most 200 bytes.
[[nodiscard]] std::vector<FieldViolation> ValidateRoutingRules(
    const std::vector<RoutingRule>& rules);

// "Mon,Tue 18:00-07:00" for explanations and the audit log.
[[nodiscard]] std::string DescribeWindow(const WeeklyWindow& window);
// "HH:MM" <-> minute of the day; nullopt for anything else.
[[nodiscard]] std::optional<int> ParseClock(absl::string_view text);
[[nodiscard]] std::string FormatClock(int minute);

}  // namespace wijkwacht::desk
