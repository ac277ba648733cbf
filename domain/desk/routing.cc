#include "domain/desk/routing.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace wijkwacht::desk {
namespace {

constexpr size_t kMaxLabelBytes = 200;
constexpr const char* kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

absl::Weekday Previous(absl::Weekday day) {
  return static_cast<absl::Weekday>((static_cast<int>(day) + 6) % 7);
}

bool WindowHolds(const WeeklyWindow& w, absl::Weekday day, int minute) {
  const bool today = (w.days & WeekdayBit(day)) != 0;
  if (w.start_minute == w.end_minute) return today;
  if (w.start_minute < w.end_minute) {
    return today && minute >= w.start_minute && minute < w.end_minute;
  }
  // Runs past midnight: the evening part today, the morning part belongs to yesterday's window.
  const bool yesterday = (w.days & WeekdayBit(Previous(day))) != 0;
  return (today && minute >= w.start_minute) || (yesterday && minute < w.end_minute);
}

// Why `rule` does not match `input`; "" when it does.
std::string Mismatch(const RoutingRule& rule, const RoutingInput& input, absl::Weekday day,
                     int minute) {
  if (!rule.category.empty() && rule.category != input.category) {
    return absl::StrCat("category is ", input.category.empty() ? "(none)" : input.category,
                        ", the rule wants ", rule.category);
  }
  if (rule.category_group != 0 && rule.category_group != input.category_group) {
    return absl::StrCat("category group is ", input.category_group, ", the rule wants ",
                        rule.category_group);
  }
  if (rule.theme != 0 && rule.theme != input.theme) {
    return absl::StrCat("theme is ", input.theme, ", the rule wants ", rule.theme);
  }
  if (!rule.area_code.empty() &&
      std::find(input.area_codes.begin(), input.area_codes.end(), rule.area_code) ==
          input.area_codes.end()) {
    return absl::StrCat("the location is not in ", rule.area_code, " (it is in ",
                        input.area_codes.empty() ? "no known area"
                                                 : absl::StrJoin(input.area_codes, ", "),
                        ")");
  }
  if (!rule.windows.empty() &&
      std::none_of(rule.windows.begin(), rule.windows.end(),
                   [&](const WeeklyWindow& w) { return WindowHolds(w, day, minute); })) {
    std::vector<std::string> windows;
    for (const WeeklyWindow& w : rule.windows) windows.push_back(DescribeWindow(w));
    return absl::StrCat("local time ", kDayNames[static_cast<int>(day)], " ", FormatClock(minute),
                        " is outside ", absl::StrJoin(windows, "; "));
  }
  return "";
}

}  // namespace

std::string FormatClock(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

std::optional<int> ParseClock(absl::string_view text) {
  int hours = 0, minutes = 0;
  if (text.size() != 5 || text[2] != ':' || !absl::SimpleAtoi(text.substr(0, 2), &hours) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minutes) || hours < 0 || hours > 23 ||
      minutes < 0 || minutes > 59 || text[0] == '+' || text[0] == '-' || text[3] == '+' ||
      text[3] == '-') {
    return std::nullopt;
  }
  return hours * 60 + minutes;
}

std::string DescribeWindow(const WeeklyWindow& window) {
  std::vector<std::string> days;
  for (int d = 0; d < 7; ++d) {
    if (window.days & (uint32_t{1} << d)) days.push_back(kDayNames[d]);
  }
  if (window.start_minute == window.end_minute) {
    return absl::StrCat(absl::StrJoin(days, ","), " all day");
  }
  return absl::StrCat(absl::StrJoin(days, ","), " ", FormatClock(window.start_minute), "-",
                      FormatClock(window.end_minute));
}

RoutingDecision Route(const std::vector<RoutingRule>& rules, const RoutingInput& input,
                      absl::TimeZone zone) {
  const absl::CivilSecond local = absl::ToCivilSecond(input.time, zone);
  const absl::Weekday day = absl::GetWeekday(local);
  const int minute = local.hour() * 60 + local.minute();
  RoutingDecision decision;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string why = Mismatch(rules[i], input, day, minute);
    if (!why.empty()) {
      decision.outcomes.push_back({false, std::move(why)});
      continue;
    }
    decision.outcomes.push_back({true, "every condition holds"});
    decision.rule = static_cast<int>(i);
    decision.department = rules[i].department;
    break;
  }
  return decision;
}

std::vector<FieldViolation> ValidateRoutingRules(const std::vector<RoutingRule>& rules) {
  std::vector<FieldViolation> v;
  if (rules.size() > static_cast<size_t>(kMaxRoutingRules)) {
    v.push_back({"rules", absl::StrCat("may hold at most ", kMaxRoutingRules, " rules")});
    return v;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const RoutingRule& rule = rules[i];
    const std::string at = absl::StrCat("rules[", i, "]");
    if (rule.department.empty()) {
      v.push_back({absl::StrCat(at, ".department"), "is required: \"departments/{id}\""});
    }
    if (rule.label.size() > kMaxLabelBytes) {
      v.push_back({absl::StrCat(at, ".label"),
                   absl::StrCat("must be at most ", kMaxLabelBytes, " bytes")});
    }
    if (rule.windows.size() > static_cast<size_t>(kMaxWindowsPerRule)) {
      v.push_back({absl::StrCat(at, ".windows"),
                   absl::StrCat("may hold at most ", kMaxWindowsPerRule, " windows")});
      continue;
    }
    for (size_t j = 0; j < rule.windows.size(); ++j) {
      const WeeklyWindow& w = rule.windows[j];
      const std::string wat = absl::StrCat(at, ".windows[", j, "]");
      if (w.days == 0 || (w.days & ~kEveryDay) != 0) {
        v.push_back({absl::StrCat(wat, ".days"), "must name at least one day of the week"});
      }
      if (w.start_minute < 0 || w.start_minute >= kMinutesPerDay) {
        v.push_back({absl::StrCat(wat, ".start_time"), "must be a time of day \"HH:MM\""});
      }
      if (w.end_minute < 0 || w.end_minute >= kMinutesPerDay) {
        v.push_back({absl::StrCat(wat, ".end_time"), "must be a time of day \"HH:MM\""});
      }
    }
  }
  return v;
}

}  // namespace wijkwacht::desk
