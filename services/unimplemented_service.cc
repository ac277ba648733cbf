#include "services/unimplemented_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "services/grpc_status.h"

namespace wijkwacht::services {
namespace {

// Finishes the call with a fixed status without reading the request.
class FinishReactor final : public grpc::ServerGenericBidiReactor {
 public:
  explicit FinishReactor(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

// True if `method` ("/pkg.Service/Method") names an RPC of the API.
bool IsApiMethod(const std::string& method) {
  const size_t slash = method.rfind('/');
  if (method.empty() || method[0] != '/' || slash == 0 || slash == std::string::npos) return false;
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          method.substr(1, slash - 1));
  return service != nullptr && service->FindMethodByName(method.substr(slash + 1)) != nullptr;
}

}  // namespace

grpc::ServerGenericBidiReactor* UnimplementedService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  const std::string& method = context->method();
  if (!IsApiMethod(method)) {
    return new FinishReactor(
        grpc::Status(grpc::StatusCode::UNIMPLEMENTED, absl::StrCat(method, " does not exist")));
  }
  absl::StatusOr<Caller> caller = gate_->Admit(*context, method);
  if (!caller.ok()) return new FinishReactor(ToGrpcStatus(caller.status()));
  if (!gate_->enabled() && absl::StartsWith(method, "/wijkwacht.v1.AuthService/")) {
    return new FinishReactor(grpc::Status(
        grpc::StatusCode::UNIMPLEMENTED,
        "authentication is switched off on this server (--auth=false); no tokens are needed"));
  }
  return new FinishReactor(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                        absl::StrCat(method, " is not implemented yet")));
}

}  // namespace wijkwacht::services
