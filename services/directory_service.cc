#include "services/directory_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include <algorithm>

namespace wijkwacht::services {
namespace {

constexpr size_t kMaxDisplayNameBytes = 100;

v1::Department ToProto(const internal::DepartmentRecord& record) {
  v1::Department out;
  out.set_name(access::DepartmentName(record.id()));
  out.set_display_name(record.display_name());
  *out.mutable_create_time() = record.create_time();
  *out.mutable_update_time() = record.update_time();
  return out;
}

void CheckDisplayName(const std::string& name, std::vector<FieldViolation>* v) {
  if (name.empty() || name.size() > kMaxDisplayNameBytes ||
      std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    v->push_back({"department.display_name",
                  absl::StrCat("must be 1-", kMaxDisplayNameBytes,
                               " bytes without control characters")});
  }
}

storage::DispatchActor ActorOf(const Caller& caller) { return {caller.subject}; }

}  // namespace

void DirectoryServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.DirectoryService/CreateDepartment", this, &DirectoryServiceImpl::Create);
  table->Unary("/wijkwacht.v1.DirectoryService/ListDepartments", this, &DirectoryServiceImpl::List);
  table->Unary("/wijkwacht.v1.DirectoryService/UpdateDepartment", this, &DirectoryServiceImpl::Update);
  table->Unary("/wijkwacht.v1.DirectoryService/SetAccessRules", this, &DirectoryServiceImpl::SetRules);
  table->Unary("/wijkwacht.v1.DirectoryService/ListAccessRules", this, &DirectoryServiceImpl::ListRules);
}

void DirectoryServiceImpl::Create(const Caller& caller, const v1::CreateDepartmentRequest& request,
                                  v1::Department* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  if (absl::Status s = access::ValidateDepartmentId(request.department_id(), "department_id");
      !s.ok()) {
    v.push_back(GetFieldViolations(s).front());
  }
  CheckDisplayName(request.department().display_name(), &v);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.workers->Schedule([this, id = request.department_id(),
                            name = request.department().display_name(), actor = ActorOf(caller),
                            response, done = std::move(done)] {
    absl::StatusOr<internal::DepartmentRecord> record =
        parts_.directory->CreateDepartment(id, name, actor);
    if (!record.ok()) return done(record.status());
    *response = ToProto(*record);
    done(absl::OkStatus());
  });
}

void DirectoryServiceImpl::List(const Caller&, const v1::ListDepartmentsRequest&,
                                v1::ListDepartmentsResponse* response, UnaryDone done) {
  parts_.workers->Schedule([this, response, done = std::move(done)] {
    absl::StatusOr<std::vector<internal::DepartmentRecord>> records =
        parts_.directory->ListDepartments();
    if (!records.ok()) return done(records.status());
    for (const internal::DepartmentRecord& r : *records) *response->add_departments() = ToProto(r);
    done(absl::OkStatus());
  });
}

void DirectoryServiceImpl::Update(const Caller& caller, const v1::UpdateDepartmentRequest& request,
                                  v1::Department* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id =
      access::ParseDepartmentName(request.department().name(), "department.name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  CheckDisplayName(request.department().display_name(), &v);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.workers->Schedule([this, id = *id, name = request.department().display_name(),
                            actor = ActorOf(caller), response, done = std::move(done)] {
    absl::StatusOr<internal::DepartmentRecord> record =
        parts_.directory->UpdateDepartment(id, name, actor);
    if (!record.ok()) return done(record.status());
    *response = ToProto(*record);
    done(absl::OkStatus());
  });
}

void DirectoryServiceImpl::SetRules(const Caller& caller, const v1::SetAccessRulesRequest& request,
                                    v1::AccessRules* response, UnaryDone done) {
  std::vector<access::AccessRule> rules;
  for (const v1::AccessRule& rule : request.rules()) {
    access::AccessRule& r = rules.emplace_back();
    r.theme = rule.theme();
    r.category = rule.category();
    r.departments.assign(rule.departments().begin(), rule.departments().end());
  }
  parts_.workers->Schedule([this, rules = std::move(rules), actor = ActorOf(caller), response,
                            done = std::move(done)] {
    absl::Status lookup;
    absl::StatusOr<std::vector<access::AccessRule>> valid = access::ValidateAccessRules(
        rules,
        [this](absl::string_view code) {
          return parts_.catalog == nullptr || parts_.catalog->Find(code) != nullptr;
        },
        [this, &lookup](absl::string_view id) {
          absl::StatusOr<bool> exists = parts_.directory->HasDepartment(id);
          if (!exists.ok()) lookup = exists.status();
          return exists.value_or(false);
        });
    if (!lookup.ok()) return done(lookup);
    if (!valid.ok()) return done(valid.status());
    absl::StatusOr<internal::AccessRulesRecord> record = parts_.directory->SetRules(*valid, actor);
    if (!record.ok()) return done(record.status());
    *response->mutable_rules() = record->rules();
    *response->mutable_update_time() = record->update_time();
    done(absl::OkStatus());
  });
}

void DirectoryServiceImpl::ListRules(const Caller&, const v1::ListAccessRulesRequest&,
                                     v1::AccessRules* response, UnaryDone done) {
  parts_.workers->Schedule([this, response, done = std::move(done)] {
    absl::StatusOr<internal::AccessRulesRecord> record = parts_.directory->RulesRecord();
    if (!record.ok()) return done(record.status());
    *response->mutable_rules() = record->rules();
    if (record->has_update_time()) *response->mutable_update_time() = record->update_time();
    done(absl::OkStatus());
  });
}

}  // namespace wijkwacht::services
