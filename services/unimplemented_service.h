// The catch-all for calls no registered service handles. A call to an RPC declared in the
// API but not implemented yet still passes the CallGate first (so callers see the same
// UNAUTHENTICATED / PERMISSION_DENIED as for an implemented RPC), then gets UNIMPLEMENTED.
// A method that is not part of the API gets UNIMPLEMENTED without further checks.
//
// Thread safety: one instance serves all calls concurrently.
#pragma once

#include "grpcpp/generic/async_generic_service.h"
#include "services/call_gate.h"

namespace wijkwacht::services {

class UnimplementedService final : public grpc::CallbackGenericService {
 public:
  explicit UnimplementedService(const CallGate* gate) : gate_(gate) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override;

 private:
  const CallGate* gate_;
};

}  // namespace wijkwacht::services
