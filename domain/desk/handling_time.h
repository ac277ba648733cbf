// Handling targets (doorlooptijd): how long the municipality takes for an incident of a
// category, in working days or calendar days, and the deadline (Incident.due_time) that
// follows from when it came in. Dutch public holidays are computed here (HolidayCalendar);
// local closing days are configured (ServerOptions.local_closing_days).
//
// Holidays: Nieuwjaarsdag (1 January), Goede Vrijdag, 1e and 2e Paasdag, Koningsdag (27 April,
// 26 April when the 27th is a Sunday), Bevrijdingsdag (5 May: by convention a day off every
// five years, in years divisible by 5; LiberationDay chooses), Hemelvaartsdag (Easter + 39),
// 1e and 2e Pinksterdag (Easter + 49, + 50), 1e and 2e Kerstdag (25, 26 December), and the
// configured local closing days. Easter by the anonymous Gregorian algorithm (Meeus/Jones/
// Butcher).
//
// Deadline: the end (24:00 local time) of the N-th working day after the day it came in
// (working days: Monday to Friday that are no holiday), or of the N-th calendar day after it.
// Received Friday with 1 working day: due at the end of Monday; received on a Saturday with 1
// working day: also the end of Monday.
//
// Thread safety: pure functions; a HolidayCalendar is immutable.
// Errors: ParseClosingDays / ValidateHandlingTargets give INVALID_ARGUMENT naming the field.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status.h"

namespace wijkwacht::desk {

inline constexpr int kMaxHandlingDays = 365;
inline constexpr size_t kMaxHandlingMessageBytes = 1000;
inline constexpr int kMaxHandlingTargets = 1000;

enum class DayCount { kWorkingDays = 1, kCalendarDays = 2 };

struct HandlingTarget {
  std::string category;  // category code; "" = every category without a target of its own
  int days = 0;          // 1..kMaxHandlingDays
  DayCount unit = DayCount::kWorkingDays;
  std::string message;   // what the app shows the reporter after submission ("" = none)
};

// When Bevrijdingsdag (5 May) is a day off.
enum class LiberationDay { kLustrumYears, kEveryYear, kNever };

// "lustrum" / "every_year" / "never".
[[nodiscard]] std::optional<LiberationDay> ParseLiberationDay(absl::string_view text);

// "YYYY-MM-DD,YYYY-MM-DD,..." ("" = none); INVALID_ARGUMENT naming `field` otherwise.
[[nodiscard]] absl::StatusOr<std::vector<absl::CivilDay>> ParseClosingDays(
    absl::string_view text, absl::string_view field);

[[nodiscard]] absl::CivilDay EasterSunday(int year);

class HolidayCalendar {
 public:
  explicit HolidayCalendar(LiberationDay liberation = LiberationDay::kLustrumYears,
                           std::vector<absl::CivilDay> closing_days = {});

  // The holiday's Dutch name ("Koningsdag", "sluitingsdag" for a local closing day); "" on
  // an ordinary day.
  [[nodiscard]] std::string HolidayName(absl::CivilDay day) const;
  [[nodiscard]] bool IsWorkingDay(absl::CivilDay day) const;

 private:
  LiberationDay liberation_;
  std::set<absl::CivilDay> closing_days_;
};

// The deadline for something that came in at `received` (see the header comment).
[[nodiscard]] absl::Time DueTime(absl::Time received, int days, DayCount unit,
                                 const HolidayCalendar& calendar, absl::TimeZone zone);

// The target for `category`: its own, else the default ("" category), else none.
[[nodiscard]] const HandlingTarget* FindTarget(const std::vector<HandlingTarget>& targets,
                                               absl::string_view category);

// Field-named violations (paths "targets[i].field"): days in range, unit set, a category at
// most once, message at most kMaxHandlingMessageBytes, at most kMaxHandlingTargets.
[[nodiscard]] std::vector<FieldViolation> ValidateHandlingTargets(
    const std::vector<HandlingTarget>& targets);

}  // namespace wijkwacht::desk
