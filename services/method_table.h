// MethodTable: every served RPC once — method -> request/response type -> handler, plus its
// streaming kind — shared by the gRPC side and the HTTP/JSON side (services/http_api.h).
//
// Services register their typed handlers; the table checks each against the generated
// descriptor pool (the method exists, the request and response types are the declared ones,
// no method twice):
//
//   MethodTable table;
//   report_service->Register(&table);    // table.Unary("/wijkwacht.v1.ReportService/GetReport",
//                                        //             this, &ReportServiceImpl::Get) ...
//   if (!table.status().ok()) ...        // the first registration error
//   for (auto& service : table.GrpcServices(gate)) builder.RegisterService(service.get());
//
// gRPC: GrpcServices() builds one grpc::Service per proto service whose methods are raw
// callbacks (the request and response are bytes), so a request that does not parse gets
// INVALID_ARGUMENT naming the field (ParseRequest, unary_call.h). A method without a handler
// is not added and falls through to the server's generic UNIMPLEMENTED service.
//
// Unary calls from any transport go through RunUnary(): the CallGate admits the caller
// (authentication, role, rate limits; CallMetadata carries what it reads), the transport
// parses the request, the handler runs, and the outcome is told to the gate's CallObserver.
// Server streams are registered as gRPC reactor factories (log_stream.h, stream_call.h); the
// HTTP side reaches them through the server's in-process channel (see kHttpPeerMetadata).
//
// Thread safety: register everything before serving; after that the table is read-only and
// may be used from any thread. It must outlive the grpc::Server and the HTTP side.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/impl/service_type.h"
#include "services/call_gate.h"
#include "services/stream_call.h"
#include "services/unary_call.h"

namespace wijkwacht::services {

// A unary handler on untyped messages (the request and response types of its method).
using UnaryHandler = std::function<void(const Caller& caller, const google::protobuf::Message& request,
                                        google::protobuf::Message* response, UnaryDone done)>;
// A server stream: admits (AdmitStream), parses and answers with a reactor (LogStream or
// RefuseStream).
using StreamHandler =
    std::function<RawWriteReactor*(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request)>;

struct MethodEntry {
  std::string path;  // "/wijkwacht.v1.ReportService/GetReport"
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  UnaryHandler unary;    // set for unary methods
  StreamHandler stream;  // set for server-streaming methods
};

class MethodTable {
 public:
  MethodTable() = default;
  MethodTable(const MethodTable&) = delete;
  MethodTable& operator=(const MethodTable&) = delete;

  // Registers a typed unary handler for `path` ("/pkg.Service/Method").
  template <typename Request, typename Response>
  void Unary(absl::string_view path,
             std::function<void(const Caller&, const Request&, Response*, UnaryDone)> handler) {
    MethodEntry* entry = Add(path, Request::descriptor(), Response::descriptor(), false);
    if (entry == nullptr) return;
    entry->unary = [handler = std::move(handler)](const Caller& caller,
                                                  const google::protobuf::Message& request,
                                                  google::protobuf::Message* response,
                                                  UnaryDone done) {
      handler(caller, static_cast<const Request&>(request), static_cast<Response*>(response),
              std::move(done));
    };
  }
  // The same for a member function of `service`.
  template <typename Service, typename Request, typename Response>
  void Unary(absl::string_view path, Service* service,
             void (Service::*method)(const Caller&, const Request&, Response*, UnaryDone)) {
    Unary<Request, Response>(path, [service, method](const Caller& caller, const Request& request,
                                                     Response* response, UnaryDone done) {
      (service->*method)(caller, request, response, std::move(done));
    });
  }
  // Registers a server stream whose messages are `Response`s.
  template <typename Request, typename Response>
  void Stream(absl::string_view path, StreamHandler handler) {
    MethodEntry* entry = Add(path, Request::descriptor(), Response::descriptor(), true);
    if (entry != nullptr) entry->stream = std::move(handler);
  }

  // OK, or the first registration error (INTERNAL naming the method).
  [[nodiscard]] absl::Status status() const { return status_; }
  // nullptr when `path` has no handler.
  [[nodiscard]] const MethodEntry* Find(absl::string_view path) const;
  // In registration order.
  [[nodiscard]] const std::vector<std::unique_ptr<MethodEntry>>& entries() const { return entries_; }

  // One gRPC service per proto service with registered methods (see above); `gate` must
  // outlive them.
  [[nodiscard]] std::vector<std::unique_ptr<grpc::Service>> GrpcServices(const CallGate* gate) const;

 private:
  MethodEntry* Add(absl::string_view path, const google::protobuf::Descriptor* request,
                   const google::protobuf::Descriptor* response, bool server_streaming);

  std::vector<std::unique_ptr<MethodEntry>> entries_;
  absl::flat_hash_map<std::string, MethodEntry*> by_path_;
  absl::Status status_;
};

// Runs a unary call of `entry` for any transport: admits the caller described by `metadata`
// through `gate`, then `parse` fills the request (its error is the call's status), then the
// handler runs; `finish` is called exactly once, from any thread, with the status and (when
// OK) the response, which stays valid only during the call. The outcome goes to the gate's
// observer.
void RunUnary(const CallGate& gate, const MethodEntry& entry, CallMetadata metadata,
              std::function<absl::Status(google::protobuf::Message* request)> parse,
              std::function<void(const absl::Status& status,
                                 const google::protobuf::Message* response)> finish);

// RunUnary of the method at `path` with `request` (copied), waiting for its end: the status,
// and the response copied into `response` when OK. UNIMPLEMENTED when `path` has no handler.
// For callers on threads that may block (the HTTP side's Open311 and exports).
[[nodiscard]] absl::Status CallUnary(const MethodTable& methods, const CallGate& gate,
                                     const CallMetadata& metadata, absl::string_view path,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message* response);

}  // namespace wijkwacht::services
