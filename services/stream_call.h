// Serving a server-streaming RPC from raw bytes, so that a request that does not parse gets
// INVALID_ARGUMENT naming the field, as unary RPCs do through unary_call.h.
//
// gRPC's typed stream handlers reject an unparsable request (e.g. invalid UTF-8 in a proto3
// string such as a cursor) before any application code runs, with a status naming no field.
// The stream services therefore register their streams as raw callback methods
// (WithRawCallbackMethod_X: the request and every response are grpc::ByteBuffers), admit and
// parse with AdmitStream, and answer with a LogStream (which serializes its messages) or
// RefuseStream:
//
//   RawWriteReactor* SubscribeAlerts(grpc::CallbackServerContext* ctx,
//                                    const grpc::ByteBuffer* raw) override {
//     v1::SubscribeAlertsRequest request;
//     std::shared_ptr<StreamLease> lease;
//     absl::StatusOr<Caller> caller = AdmitStream(*gate_, kMethod, *ctx, *raw, &request, &lease);
//     if (!caller.ok()) return RefuseStream(caller.status());
//     ...
//   }
//
// AdmitStream errors: whatever the CallGate answers (UNAUTHENTICATED, PERMISSION_DENIED,
// RESOURCE_EXHAUSTED), then ParseRequest's INVALID_ARGUMENT naming the field, then the
// gate's StreamRegistry (RESOURCE_EXHAUSTED: the caller holds its share of open streams).
// The lease it hands out goes into LogStream::Options::lease.
// Thread safety: both functions may be called from any thread.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/call_gate.h"
#include "services/grpc_status.h"
#include "services/stream_registry.h"
#include "services/unary_call.h"

namespace wijkwacht::services {

using RawWriteReactor = grpc::ServerWriteReactor<grpc::ByteBuffer>;

namespace internal_stream {
// A stream that only finishes (deleted when gRPC is done with it).
class RefusedStream final : public RawWriteReactor {
 public:
  void OnDone() override { delete this; }
};
}  // namespace internal_stream

// A stream that ends at once with `status` (mapped by ToGrpcStatus) and sends nothing.
inline RawWriteReactor* RefuseStream(const absl::Status& status) {
  auto* reactor = new internal_stream::RefusedStream();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Admits the caller of `method` ("/pkg.Service/Method") and parses `raw` into `request`.
[[nodiscard]] inline absl::StatusOr<Caller> AdmitStream(const CallGate& gate,
                                                        absl::string_view method,
                                                        grpc::CallbackServerContext& context,
                                                        const grpc::ByteBuffer& raw,
                                                        google::protobuf::Message* request,
                                                        std::shared_ptr<StreamLease>* lease) {
  auto refused = [&](absl::Status status) {
    if (gate.observer() != nullptr) {
      gate.observer()->StreamRefused(method, ToGrpcStatus(status).error_code());
    }
    return status;
  };
  absl::StatusOr<Caller> caller = gate.Admit(context, method);
  if (!caller.ok()) return refused(caller.status());
  if (absl::Status parsed = ParseRequest(ByteBufferToString(raw), request); !parsed.ok()) {
    return refused(parsed);
  }
  if (gate.streams() != nullptr) {
    absl::StatusOr<std::shared_ptr<StreamLease>> slot = gate.streams()->Open(*caller);
    if (!slot.ok()) return refused(slot.status());
    *lease = *std::move(slot);
  }
  return caller;
}

}  // namespace wijkwacht::services
