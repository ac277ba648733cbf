// wijkwacht.v1.DirectoryService over the gRPC callback API: departments and the need-to-know
// rule table (proto/wijkwacht/v1/directory.proto). Admin only, except ListDepartments for all
// staff (services/access_policy.h).
//
// Handlers validate (field-named INVALID_ARGUMENT: department_id, department.name,
// department.display_name, rules[i].theme / .category / .departments[j]) and call
// storage::DirectoryStore on the worker pool; every write is audited there in the same commit.
// The rule semantics are domain/access/need_to_know.h's.
//
// Thread safety: one instance serves all calls concurrently.
// Errors (besides the gate's): INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND, UNAVAILABLE.
#pragma once

#include "common/worker_pool.h"
#include "domain/catalog/category_catalog.h"
#include "services/method_table.h"
#include "services/unary_call.h"
#include "storage/directory_store.h"
#include "wijkwacht/v1/directory.grpc.pb.h"

namespace wijkwacht::services {

class DirectoryServiceImpl final {
 public:
  struct Parts {
    storage::DirectoryStore* directory = nullptr;
    const catalog::CategoryCatalog* catalog = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
  };
  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);

  explicit DirectoryServiceImpl(Parts parts) : parts_(parts) {}

  void Create(const Caller& caller, const v1::CreateDepartmentRequest& request,
              v1::Department* response, UnaryDone done);
  void List(const Caller& caller, const v1::ListDepartmentsRequest& request,
            v1::ListDepartmentsResponse* response, UnaryDone done);
  void Update(const Caller& caller, const v1::UpdateDepartmentRequest& request,
              v1::Department* response, UnaryDone done);
  void SetRules(const Caller& caller, const v1::SetAccessRulesRequest& request,
                v1::AccessRules* response, UnaryDone done);
  void ListRules(const Caller& caller, const v1::ListAccessRulesRequest& request,
                 v1::AccessRules* response, UnaryDone done);

 private:
  Parts parts_;
};

}  // namespace wijkwacht::services
