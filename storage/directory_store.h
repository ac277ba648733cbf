// DirectoryStore: the municipality's departments and the need-to-know rule table
// (DirectoryService). Sole writer of the `departments` and `access_rules` column families.
//
// Every write is one engine Commit that also stages one hash-chained audit entry
// (AppendAudit: CreateDepartment, UpdateDepartment, SetAccessRules). SeedDefaults gives an
// empty store the departments of access::kDefaultDepartments (unaudited: the store's
// initial state, like the default rule table, which is never written: Rules() answers
// access::DefaultAccessRules() until SetRules stores a table).
//
// Rules are stored as the API gives them (departments as "departments/{id}") and returned
// for domain use with bare ids (Rules()). Reads are RocksDB point reads; nothing is cached,
// so a change applies to the next call.
//
// Thread safety: all methods may be called concurrently.
// Errors: ALREADY_EXISTS, NOT_FOUND (department), DATA_LOSS (a record does not parse),
// UNAVAILABLE / RESOURCE_EXHAUSTED (engine). Validation of input is the caller's.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/access/need_to_know.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

class DirectoryStore {
 public:
  explicit DirectoryStore(Engine* engine) : engine_(engine) {}

  // Stores the default departments when there is none.
  [[nodiscard]] absl::Status SeedDefaults();

  [[nodiscard]] absl::StatusOr<internal::DepartmentRecord> CreateDepartment(
      absl::string_view id, absl::string_view display_name, const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<internal::DepartmentRecord> UpdateDepartment(
      absl::string_view id, absl::string_view display_name, const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<bool> HasDepartment(absl::string_view id) const;
  // By id.
  [[nodiscard]] absl::StatusOr<std::vector<internal::DepartmentRecord>> ListDepartments() const;

  // The table in force in API form (the default, without update_time, until one is set).
  [[nodiscard]] absl::StatusOr<internal::AccessRulesRecord> RulesRecord() const;
  // The table in force, departments as ids.
  [[nodiscard]] absl::StatusOr<std::vector<access::AccessRule>> Rules() const;
  // Replaces the table (`rules` already validated: access::ValidateAccessRules).
  [[nodiscard]] absl::StatusOr<internal::AccessRulesRecord> SetRules(
      const std::vector<access::AccessRule>& rules, const DispatchActor& actor);

 private:
  Engine* const engine_;
};

// The API form of a domain rule and back (departments "departments/{id}" <-> ids).
[[nodiscard]] v1::AccessRule AccessRuleToProto(const access::AccessRule& rule);
[[nodiscard]] access::AccessRule AccessRuleFromProto(const v1::AccessRule& rule);

}  // namespace wijkwacht::storage
