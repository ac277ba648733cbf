#include "services/need_to_know.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"

namespace wijkwacht::services {
namespace {

constexpr int kMaxAccountDepartments = 20;

}  // namespace

bool Visibility::MaySee(const v1::Incident& incident) const {
  return access::MaySee(viewer_, rules_, {static_cast<int>(incident.theme()), incident.category()});
}

bool Visibility::MaySeeReport(const v1::Report& report, const v1::Incident* incident) const {
  if (viewer_.sees_everything) return true;
  const access::Subject own{static_cast<int>(report.theme()), report.category()};
  if (incident == nullptr) return access::MaySeeReport(viewer_, rules_, own, nullptr);
  const access::Subject of_incident{static_cast<int>(incident->theme()), incident->category()};
  return access::MaySeeReport(viewer_, rules_, own, &of_incident);
}

absl::StatusOr<Visibility> VisibilityFor(const Caller& caller,
                                         const storage::IdentityStore* identities,
                                         const storage::DirectoryStore* directory) {
  if (identities == nullptr || directory == nullptr || caller.trusted ||
      (caller.authenticated && caller.role == auth::Role::kAdmin)) {
    return Visibility();
  }
  access::Viewer viewer;
  absl::string_view username = caller.subject;
  if (caller.authenticated && auth::IsStaffRole(caller.role) &&
      absl::ConsumePrefix(&username, "users/")) {
    absl::StatusOr<internal::UserRecord> user = identities->GetUser(username);
    if (user.ok()) {
      viewer.departments.assign(user->departments().begin(), user->departments().end());
    } else if (!absl::IsNotFound(user.status())) {
      return user.status();
    }
  }
  absl::StatusOr<std::vector<access::AccessRule>> rules = directory->Rules();
  if (!rules.ok()) return rules.status();
  return Visibility(std::move(viewer), *std::move(rules));
}

absl::StatusOr<std::vector<std::string>> ParseAccountDepartments(
    const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view field,
    const storage::DirectoryStore& directory) {
  if (names.size() > kMaxAccountDepartments) {
    return InvalidFieldError(field, absl::StrCat("may name at most ", kMaxAccountDepartments,
                                                 " departments"));
  }
  std::vector<FieldViolation> v;
  std::vector<std::string> ids;
  for (int i = 0; i < names.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    absl::StatusOr<std::string> id = access::ParseDepartmentName(names[i], at);
    if (!id.ok()) {
      v.push_back(GetFieldViolations(id.status()).front());
      continue;
    }
    absl::StatusOr<bool> exists = directory.HasDepartment(*id);
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      v.push_back({at, "is not an existing department (see ListDepartments)"});
      continue;
    }
    ids.push_back(*std::move(id));
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace wijkwacht::services
