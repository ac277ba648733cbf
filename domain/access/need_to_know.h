// Need-to-know: who may see an incident or report, decided from its theme and category, the
// viewer's departments and the rule table (DirectoryService.SetAccessRules). The one place this
// decision is made; handlers and stores call MaySee and never decide themselves.
//
// Semantics: the rule for a category (exact code) takes precedence over the rule for a theme;
// with neither, every staff viewer sees it (the role table, services/access_policy.h, already
// limits who calls what). A rule admits a viewer who sees everything (admins, or authentication
// switched off) and a viewer belonging to one of its departments. For a report that belongs
// to an incident both must be visible (a reclassified incident restricts its reports).
//
// Defaults (a fresh data dir): the departments of kDefaultDepartments and one rule, SUBVERSION
// (ondermijning: reports that name addresses and people) visible only to the "ondermijning"
// department.
//
// Department ids: 2-64 characters of [a-z0-9-] starting with a letter; the API names them
// "departments/{id}".
//
// Thread safety: pure functions and constants.
// Errors: INVALID_ARGUMENT naming the field (ParseDepartmentName, ValidateAccessRules).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::access {

// wijkwacht.v1.Theme values.
inline constexpr int kSubversion = 3;
inline constexpr int kMaxTheme = 5;

struct AccessRule {
  int theme = 0;         // wijkwacht.v1.Theme; 0 when `category` is set
  std::string category;  // category code; "" when `theme` is set
  std::vector<std::string> departments;  // department ids
};

// Who looks.
struct Viewer {
  bool sees_everything = false;          // admins; a caller when authentication is off
  std::vector<std::string> departments;  // department ids
};

// What is looked at.
struct Subject {
  int theme = 0;
  std::string category;
};

struct DefaultDepartment {
  const char* id;
  const char* display_name;
};
inline constexpr DefaultDepartment kDefaultDepartments[] = {
    {"handhaving", "Handhaving"},
    {"openbare-ruimte", "Openbare ruimte"},
    {"ondermijning", "Ondermijning en Veiligheid"},
    {"politie-liaison", "Politie-liaison"},
    {"jeugd", "Jeugd"},
};

[[nodiscard]] std::vector<AccessRule> DefaultAccessRules();

// The rule in force for `subject`, or nullptr when none restricts it.
[[nodiscard]] const AccessRule* RuleFor(const std::vector<AccessRule>& rules,
                                        const Subject& subject);

// Whether `viewer` may see (and act on) `subject` under `rules`.
[[nodiscard]] bool MaySee(const Viewer& viewer, const std::vector<AccessRule>& rules,
                          const Subject& subject);
// A report: its own classification and, when it belongs to one, its incident's.
[[nodiscard]] bool MaySeeReport(const Viewer& viewer, const std::vector<AccessRule>& rules,
                                const Subject& report, const Subject* incident);

// "departments/{id}" -> id; INVALID_ARGUMENT naming `field` otherwise.
[[nodiscard]] absl::StatusOr<std::string> ParseDepartmentName(absl::string_view name,
                                                              absl::string_view field);
// INVALID_ARGUMENT naming `field` unless `id` is a well-formed department id.
[[nodiscard]] absl::Status ValidateDepartmentId(absl::string_view id, absl::string_view field);
[[nodiscard]] std::string DepartmentName(absl::string_view id);

inline constexpr size_t kMaxAccessRules = 100;

// Checks a rule table given in the API's terms (departments as "departments/{id}"), naming
// "rules[i].theme", "rules[i].category" or "rules[i].departments[j]": exactly one of theme and
// category, a known category (`is_category`), at least one department, each existing
// (`is_department`, called with the id), no theme or category twice. Returns the rules with
// department ids.
[[nodiscard]] absl::StatusOr<std::vector<AccessRule>> ValidateAccessRules(
    const std::vector<AccessRule>& rules,
    const std::function<bool(absl::string_view)>& is_category,
    const std::function<bool(absl::string_view)>& is_department);

}  // namespace wijkwacht::access
