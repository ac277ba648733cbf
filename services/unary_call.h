// Serving a unary RPC from raw bytes, so that every failure reaches the client as a clear
// status with the field named.
//
// gRPC's typed handlers reject a request that does not parse (e.g. invalid UTF-8 in a proto3
// string field) before any application code runs, with a status naming no field. Services
// therefore register their methods as raw callbacks and call ServeUnary(), which first admits
// the caller through the CallGate (authentication, role, rate limit), then parses the request
// itself, answers INVALID_ARGUMENT naming the offending field when it does not parse, runs
// the typed handler with the admitted Caller, and maps its absl::Status with ToGrpcStatus.
//
//   grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* ctx,
//                                       const grpc::ByteBuffer* in, grpc::ByteBuffer* out) override {
//     return ServeUnary<v1::GetReportRequest, v1::Report>(
//         gate_, "/wijkwacht.v1.ReportService/GetReport", ctx, in, out,
//         [this](const Caller& caller, const v1::GetReportRequest& request, v1::Report* response,
//                UnaryDone done) {...});
//   }
//
// The handler may call `done` from any thread, exactly once; `request` and `response` stay
// valid until then.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/call_gate.h"
#include "services/grpc_status.h"

namespace wijkwacht::services {

using UnaryDone = std::function<void(absl::Status)>;

// Parses `bytes` into `message`. When they do not parse: INVALID_ARGUMENT naming the first
// string field (dotted path, e.g. "report.description") that is not valid UTF-8, or, for
// broken wire format, a message saying the request is not a valid `message` type. A declared
// field sent with another wire type (which protobuf would keep as an unknown field, dropping
// the value) is INVALID_ARGUMENT naming it too ("reports[2].location.latitude"); fields this
// server does not know are still ignored.
[[nodiscard]] absl::Status ParseRequest(const std::string& bytes, google::protobuf::Message* message);

// The bytes of a ByteBuffer.
[[nodiscard]] std::string ByteBufferToString(const grpc::ByteBuffer& buffer);
// A ByteBuffer holding `message` serialized.
[[nodiscard]] grpc::ByteBuffer SerializeToByteBuffer(const google::protobuf::Message& message);

namespace internal_unary {
// Finishes the call with `status` and reports it to the gate's observer (if any).
inline void Finish(const CallGate& gate, absl::string_view method,
                   grpc::ServerUnaryReactor* reactor, const absl::Status& status,
                   std::chrono::steady_clock::time_point start) {
  grpc::Status out = ToGrpcStatus(status);
  if (CallObserver* observer = gate.observer(); observer != nullptr) {
    observer->UnaryDone(
        method, out.error_code(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  reactor->Finish(std::move(out));
}
}  // namespace internal_unary

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ServeUnary(const CallGate& gate, absl::string_view method,
                                     grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* raw_request,
                                     grpc::ByteBuffer* raw_response, Handler&& handler) {
  const auto start = std::chrono::steady_clock::now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Caller> caller = gate.Admit(*context, method);
  if (!caller.ok()) {
    internal_unary::Finish(gate, method, reactor, caller.status(), start);
    return reactor;
  }
  struct Call {
    Caller caller;
    Request request;
    Response response;
  };
  auto call = std::make_shared<Call>();
  call->caller = *std::move(caller);
  absl::Status parsed = ParseRequest(ByteBufferToString(*raw_request), &call->request);
  if (!parsed.ok()) {
    internal_unary::Finish(gate, method, reactor, parsed, start);
    return reactor;
  }
  // `method` names a static string (the method path): it outlives the call.
  handler(call->caller, call->request, &call->response,
          [&gate, method, start, reactor, raw_response, call](absl::Status status) {
    if (status.ok()) *raw_response = SerializeToByteBuffer(call->response);
    internal_unary::Finish(gate, method, reactor, status, start);
  });
  return reactor;
}

}  // namespace wijkwacht::services

// Defines Class::Method (a raw callback method of service `Service`) as ServeUnary with the
// typed handler Class::Handler(caller, request, response, done).
#define WW_SERVE_UNARY_METHOD(Class, Service, Method, Request, Response, Handler)            \
  grpc::ServerUnaryReactor* Class::Method(grpc::CallbackServerContext* context,              \
                                          const grpc::ByteBuffer* request,                   \
                                          grpc::ByteBuffer* response) {                      \
    return ::wijkwacht::services::ServeUnary<Request, Response>(                             \
        *parts_.gate, "/wijkwacht.v1." #Service "/" #Method, context, request, response,     \
        [this](const Caller& caller, const Request& req, Response* resp, UnaryDone done) {   \
          Handler(caller, req, resp, std::move(done));                                       \
        });                                                                                  \
  }
