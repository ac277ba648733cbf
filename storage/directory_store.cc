#include "storage/directory_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/column_families.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kRulesKey[] = "rules";

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

absl::StatusOr<internal::DepartmentRecord> ParseDepartment(absl::string_view bytes) {
  internal::DepartmentRecord record;
  if (!record.ParseFromString(std::string(bytes))) {
    return absl::DataLossError("stored department does not parse");
  }
  return record;
}

// Audit detail of a rule table: "SUBVERSION -> ondermijning; category afval -> jeugd".
std::string DescribeRules(const std::vector<access::AccessRule>& rules) {
  std::vector<std::string> parts;
  for (const access::AccessRule& rule : rules) {
    parts.push_back(absl::StrCat(
        rule.category.empty() ? v1::Theme_Name(static_cast<v1::Theme>(rule.theme))
                              : absl::StrCat("category ", rule.category),
        " -> ", absl::StrJoin(rule.departments, ",")));
  }
  return parts.empty() ? "no rules" : absl::StrJoin(parts, "; ");
}

}  // namespace

v1::AccessRule AccessRuleToProto(const access::AccessRule& rule) {
  v1::AccessRule out;
  out.set_theme(static_cast<v1::Theme>(rule.theme));
  out.set_category(rule.category);
  for (const std::string& id : rule.departments) out.add_departments(access::DepartmentName(id));
  return out;
}

access::AccessRule AccessRuleFromProto(const v1::AccessRule& rule) {
  access::AccessRule out{.theme = static_cast<int>(rule.theme()), .category = rule.category(), .departments = {}};
  for (absl::string_view name : rule.departments()) {
    absl::ConsumePrefix(&name, "departments/");
    out.departments.emplace_back(name);
  }
  return out;
}

absl::Status DirectoryStore::SeedDefaults() {
  return engine_->CommitAndWait([](WriteContext& ctx) -> absl::Status {
    bool any = false;
    WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kDepartments, "", "",
                                [&](absl::string_view, absl::string_view) {
                                  any = true;
                                  return false;
                                }));
    if (any) return absl::OkStatus();
    for (const access::DefaultDepartment& d : access::kDefaultDepartments) {
      internal::DepartmentRecord record;
      record.set_id(d.id);
      record.set_display_name(d.display_name);
      *record.mutable_create_time() = ToTimestamp(ctx.Now());
      *record.mutable_update_time() = record.create_time();
      ctx.Put(ColumnFamily::kDepartments, d.id, record.SerializeAsString());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<internal::DepartmentRecord> DirectoryStore::CreateDepartment(
    absl::string_view id_view, absl::string_view name_view, const DispatchActor& actor) {
  internal::DepartmentRecord record;
  record.set_id(std::string(id_view));
  record.set_display_name(std::string(name_view));
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        ctx.Get(ColumnFamily::kDepartments, record.id()));
    if (existing) {
      return absl::AlreadyExistsError(
          absl::StrCat(access::DepartmentName(record.id()), " already exists"));
    }
    *record.mutable_create_time() = ToTimestamp(ctx.Now());
    *record.mutable_update_time() = record.create_time();
    ctx.Put(ColumnFamily::kDepartments, record.id(), record.SerializeAsString());
    return AppendAudit(ctx, actor, "CreateDepartment", access::DepartmentName(record.id()),
                           absl::StrCat("display name \"", record.display_name(), "\""));
  }));
  return record;
}

absl::StatusOr<internal::DepartmentRecord> DirectoryStore::UpdateDepartment(
    absl::string_view id_view, absl::string_view name_view, const DispatchActor& actor) {
  const std::string id(id_view), display_name(name_view);
  internal::DepartmentRecord record;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kDepartments, id));
    if (!bytes) return absl::NotFoundError(absl::StrCat(access::DepartmentName(id), " does not exist"));
    WW_ASSIGN_OR_RETURN(record, ParseDepartment(*bytes));
    const std::string previous = record.display_name();
    record.set_display_name(display_name);
    *record.mutable_update_time() = ToTimestamp(ctx.Now());
    ctx.Put(ColumnFamily::kDepartments, id, record.SerializeAsString());
    return AppendAudit(ctx, actor, "UpdateDepartment", access::DepartmentName(id),
                           absl::StrCat("display name \"", previous, "\" -> \"", display_name,
                                        "\""));
  }));
  return record;
}

absl::StatusOr<bool> DirectoryStore::HasDepartment(absl::string_view id) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, engine_->Get(ColumnFamily::kDepartments, id));
  return bytes.has_value();
}

absl::StatusOr<std::vector<internal::DepartmentRecord>> DirectoryStore::ListDepartments() const {
  std::vector<internal::DepartmentRecord> out;
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kDepartments, "", "",
                                   [&](absl::string_view, absl::string_view value) {
                                     absl::StatusOr<internal::DepartmentRecord> record =
                                         ParseDepartment(value);
                                     if (!record.ok()) {
                                       inner = record.status();
                                       return false;
                                     }
                                     out.push_back(*std::move(record));
                                     return true;
                                   }));
  WW_RETURN_IF_ERROR(inner);
  return out;
}

absl::StatusOr<internal::AccessRulesRecord> DirectoryStore::RulesRecord() const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine_->Get(ColumnFamily::kAccessRules, kRulesKey));
  internal::AccessRulesRecord record;
  if (!bytes) {
    for (const access::AccessRule& rule : access::DefaultAccessRules()) {
      *record.add_rules() = AccessRuleToProto(rule);
    }
    return record;
  }
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored access rules do not parse");
  return record;
}

absl::StatusOr<std::vector<access::AccessRule>> DirectoryStore::Rules() const {
  WW_ASSIGN_OR_RETURN(internal::AccessRulesRecord record, RulesRecord());
  std::vector<access::AccessRule> rules;
  for (const v1::AccessRule& rule : record.rules()) rules.push_back(AccessRuleFromProto(rule));
  return rules;
}

absl::StatusOr<internal::AccessRulesRecord> DirectoryStore::SetRules(
    const std::vector<access::AccessRule>& rules, const DispatchActor& actor) {
  internal::AccessRulesRecord record;
  for (const access::AccessRule& rule : rules) *record.add_rules() = AccessRuleToProto(rule);
  record.set_updated_by(actor.subject);
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    *record.mutable_update_time() = ToTimestamp(ctx.Now());
    ctx.Put(ColumnFamily::kAccessRules, kRulesKey, record.SerializeAsString());
    return AppendAudit(ctx, actor, "SetAccessRules", "access_rules", DescribeRules(rules));
  }));
  return record;
}

}  // namespace wijkwacht::storage
