#include "domain/access/need_to_know.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"

namespace wijkwacht::access {
namespace {

constexpr absl::string_view kDepartmentPrefix = "departments/";

}  // namespace

std::vector<AccessRule> DefaultAccessRules() {
  return {AccessRule{.theme = kSubversion, .category = "", .departments = {"ondermijning"}}};
}

const AccessRule* RuleFor(const std::vector<AccessRule>& rules, const Subject& subject) {
  const AccessRule* by_theme = nullptr;
  for (const AccessRule& rule : rules) {
    if (!rule.category.empty()) {
      if (rule.category == subject.category) return &rule;
    } else if (rule.theme == subject.theme && by_theme == nullptr) {
      by_theme = &rule;
    }
  }
  return by_theme;
}

bool MaySee(const Viewer& viewer, const std::vector<AccessRule>& rules, const Subject& subject) {
  if (viewer.sees_everything) return true;
  const AccessRule* rule = RuleFor(rules, subject);
  if (rule == nullptr) return true;
  for (const std::string& department : viewer.departments) {
    if (std::find(rule->departments.begin(), rule->departments.end(), department) !=
        rule->departments.end()) {
      return true;
    }
  }
  return false;
}

bool MaySeeReport(const Viewer& viewer, const std::vector<AccessRule>& rules,
                  const Subject& report, const Subject* incident) {
  return MaySee(viewer, rules, report) && (incident == nullptr || MaySee(viewer, rules, *incident));
}

absl::Status ValidateDepartmentId(absl::string_view id, absl::string_view field) {
  bool ok = id.size() >= 2 && id.size() <= 64 && id[0] >= 'a' && id[0] <= 'z';
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) ok = false;
  }
  if (!ok) {
    return InvalidFieldError(field,
                             "must be 2-64 characters of a-z, 0-9 and '-', starting with a letter");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseDepartmentName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kDepartmentPrefix)) {
    return InvalidFieldError(field, "must be \"departments/{id}\"");
  }
  if (!ValidateDepartmentId(id, field).ok()) {
    return InvalidFieldError(field, "must be \"departments/{id}\" (id of 2-64 characters of a-z, "
                                    "0-9 and '-', starting with a letter)");
  }
  return std::string(id);
}

std::string DepartmentName(absl::string_view id) { return absl::StrCat(kDepartmentPrefix, id); }

absl::StatusOr<std::vector<AccessRule>> ValidateAccessRules(
    const std::vector<AccessRule>& rules,
    const std::function<bool(absl::string_view)>& is_category,
    const std::function<bool(absl::string_view)>& is_department) {
  std::vector<FieldViolation> v;
  if (rules.size() > kMaxAccessRules) {
    return InvalidFieldError("rules", absl::StrCat("may hold at most ", kMaxAccessRules, " rules"));
  }
  std::set<int> themes;
  std::set<std::string> categories;
  std::vector<AccessRule> out;
  for (size_t i = 0; i < rules.size(); ++i) {
    const AccessRule& rule = rules[i];
    const std::string at = absl::StrCat("rules[", i, "]");
    AccessRule& parsed = out.emplace_back();
    parsed.theme = rule.theme;
    parsed.category = rule.category;
    if ((rule.theme == 0) == rule.category.empty()) {
      v.push_back({at + ".theme", "exactly one of theme and category must be set"});
    } else if (rule.category.empty()) {
      if (rule.theme < 0 || rule.theme > kMaxTheme) {
        v.push_back({at + ".theme", absl::StrCat("has unknown value ", rule.theme)});
      } else if (!themes.insert(rule.theme).second) {
        v.push_back({at + ".theme", "has a rule already (one rule per theme)"});
      }
    } else if (!is_category(rule.category)) {
      v.push_back({at + ".category", "is not a known category code (see ListCategories)"});
    } else if (!categories.insert(rule.category).second) {
      v.push_back({at + ".category", "has a rule already (one rule per category)"});
    }
    if (rule.departments.empty()) {
      v.push_back({at + ".departments", "must name at least one department"});
    }
    for (size_t j = 0; j < rule.departments.size(); ++j) {
      const std::string field = absl::StrCat(at, ".departments[", j, "]");
      absl::StatusOr<std::string> id = ParseDepartmentName(rule.departments[j], field);
      if (!id.ok()) {
        v.push_back({field, "must be \"departments/{id}\" (id of 2-64 characters of a-z, 0-9 "
                            "and '-', starting with a letter)"});
      } else if (!is_department(*id)) {
        v.push_back({field, "is not an existing department (see ListDepartments)"});
      } else {
        parsed.departments.push_back(*id);
      }
    }
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  return out;
}

}  // namespace wijkwacht::access
