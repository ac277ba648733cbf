// The need-to-know context of one staff call: who looks (the caller's departments, read from
// their account at call time) and the rule table in force, so that every read path asks the
// one decision (access::MaySee, domain/access/need_to_know.h) in the same way.
//
// Admins, and every caller when authentication is off, see everything. Any other caller sees
// what the rules allow for their departments; a caller whose account cannot be found (e.g. a
// token outliving its account) belongs to no department.
//
// Thread safety: Visibility is immutable after VisibilityFor; share it freely.
// Errors: storage errors of reading the account or the rules (UNAVAILABLE, DATA_LOSS).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/access/need_to_know.h"
#include "services/call_gate.h"
#include "storage/directory_store.h"
#include "storage/identity_store.h"
#include "wijkwacht/v1/dispatch.pb.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::services {

class Visibility {
 public:
  // Sees everything.
  Visibility() { viewer_.sees_everything = true; }
  Visibility(access::Viewer viewer, std::vector<access::AccessRule> rules)
      : viewer_(std::move(viewer)), rules_(std::move(rules)) {}

  [[nodiscard]] bool SeesEverything() const { return viewer_.sees_everything; }
  [[nodiscard]] bool MaySee(const v1::Incident& incident) const;
  // `incident`: the report's incident, or nullptr when it has none (or it is gone).
  [[nodiscard]] bool MaySeeReport(const v1::Report& report, const v1::Incident* incident) const;

 private:
  access::Viewer viewer_;
  std::vector<access::AccessRule> rules_;
};

// `identities` or `directory` null (authentication or the directory off): sees everything.
[[nodiscard]] absl::StatusOr<Visibility> VisibilityFor(const Caller& caller,
                                                       const storage::IdentityStore* identities,
                                                       const storage::DirectoryStore* directory);

// "departments/{id}" names of an account request -> sorted unique ids, each an existing
// department; INVALID_ARGUMENT naming "<field>[i]".
[[nodiscard]] absl::StatusOr<std::vector<std::string>> ParseAccountDepartments(
    const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view field,
    const storage::DirectoryStore& directory);

}  // namespace wijkwacht::services
