#include "services/method_table.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::Message;

// Runs an admitted (or refused) unary call; see RunUnary.
void RunAdmitted(const CallGate& gate, const MethodEntry& entry,
                        absl::StatusOr<Caller> caller, std::chrono::steady_clock::time_point start,
                        std::function<absl::Status(Message*)> parse,
                        std::function<void(const absl::Status&, const Message*)> finish) {
  // `entry` lives as long as the table, which outlives every call.
  auto done = [&gate, &entry, start, finish = std::move(finish)](const absl::Status& status,
                                                                 const Message* response) {
    if (CallObserver* observer = gate.observer(); observer != nullptr) {
      observer->UnaryDone(
          entry.path, static_cast<int>(status.code()),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    finish(status, response);
  };
  if (!caller.ok()) return done(caller.status(), nullptr);
  struct Call {
    Caller caller;
    std::unique_ptr<Message> request;
    std::unique_ptr<Message> response;
  };
  auto call = std::make_shared<Call>();
  call->caller = *std::move(caller);
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  call->request.reset(factory->GetPrototype(entry.descriptor->input_type())->New());
  call->response.reset(factory->GetPrototype(entry.descriptor->output_type())->New());
  if (absl::Status parsed = parse(call->request.get()); !parsed.ok()) {
    return done(parsed, nullptr);
  }
  entry.unary(call->caller, *call->request, call->response.get(),
              [call, done = std::move(done)](absl::Status status) {
                done(status, status.ok() ? call->response.get() : nullptr);
              });
}

// A proto service served from the table: every method a raw callback.
class TableService final : public grpc::Service {
 public:
  TableService(const std::vector<const MethodEntry*>& entries, const CallGate* gate) {
    int index = 0;
    for (const MethodEntry* entry : entries) {
      if (entry->stream) {
        AddMethod(new grpc::internal::RpcServiceMethod(
            entry->path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING, nullptr));
        MarkMethodRawCallback(
            index++,
            new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                [entry](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
                  return entry->stream(context, request);
                }));
        continue;
      }
      AddMethod(new grpc::internal::RpcServiceMethod(entry->path.c_str(),
                                                     grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
      MarkMethodRawCallback(
          index++, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                       [entry, gate](grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
                         return ServeGrpcUnary(*gate, *entry, context, request, response);
                       }));
    }
  }

 private:
  static grpc::ServerUnaryReactor* ServeGrpcUnary(const CallGate& gate, const MethodEntry& entry,
                                                  grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* raw_request,
                                                  grpc::ByteBuffer* raw_response) {
    const auto start = std::chrono::steady_clock::now();
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::StatusOr<Caller> caller = gate.Admit(*context, entry.path);
    auto finish = [reactor, raw_response](const absl::Status& status, const Message* response) {
      if (status.ok()) *raw_response = SerializeToByteBuffer(*response);
      reactor->Finish(ToGrpcStatus(status));
    };
    RunAdmitted(gate, entry, std::move(caller), start,
                [raw_request](Message* request) {
                  return ParseRequest(ByteBufferToString(*raw_request), request);
                },
                std::move(finish));
    return reactor;
  }

};

}  // namespace

MethodEntry* MethodTable::Add(absl::string_view path, const google::protobuf::Descriptor* request,
                              const google::protobuf::Descriptor* response, bool server_streaming) {
  auto fail = [&](absl::string_view why) -> MethodEntry* {
    if (status_.ok()) status_ = absl::InternalError(absl::StrCat("method table: ", path, ": ", why));
    return nullptr;
  };
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  if (parts.size() != 3 || !parts[0].empty()) return fail("is not \"/package.Service/Method\"");
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(parts[1]);
  const google::protobuf::MethodDescriptor* method =
      service == nullptr ? nullptr : service->FindMethodByName(parts[2]);
  if (method == nullptr) return fail("no such RPC in the descriptor pool");
  if (method->input_type() != request || method->output_type() != response) {
    return fail(absl::StrCat("handler types ", request->full_name(), " -> ", response->full_name(),
                             " differ from the declared ", method->input_type()->full_name(),
                             " -> ", method->output_type()->full_name()));
  }
  if (method->client_streaming() || method->server_streaming() != server_streaming) {
    return fail("registered with the wrong streaming kind");
  }
  if (by_path_.contains(path)) return fail("registered twice");
  auto entry = std::make_unique<MethodEntry>();
  entry->path = std::string(path);
  entry->descriptor = method;
  MethodEntry* raw = entry.get();
  entries_.push_back(std::move(entry));
  by_path_[raw->path] = raw;
  return raw;
}

const MethodEntry* MethodTable::Find(absl::string_view path) const {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : it->second;
}

std::vector<std::unique_ptr<grpc::Service>> MethodTable::GrpcServices(const CallGate* gate) const {
  // Grouped by proto service, in registration order.
  std::vector<const google::protobuf::ServiceDescriptor*> order;
  absl::flat_hash_map<const google::protobuf::ServiceDescriptor*, std::vector<const MethodEntry*>>
      by_service;
  for (const auto& entry : entries_) {
    const google::protobuf::ServiceDescriptor* service = entry->descriptor->service();
    auto [it, inserted] = by_service.try_emplace(service);
    if (inserted) order.push_back(service);
    it->second.push_back(entry.get());
  }
  std::vector<std::unique_ptr<grpc::Service>> services;
  for (const google::protobuf::ServiceDescriptor* service : order) {
    services.push_back(std::make_unique<TableService>(by_service[service], gate));
  }
  return services;
}

void RunUnary(const CallGate& gate, const MethodEntry& entry, CallMetadata metadata,
              std::function<absl::Status(Message* request)> parse,
              std::function<void(const absl::Status& status, const Message* response)> finish) {
  const auto start = std::chrono::steady_clock::now();
  RunAdmitted(gate, entry, gate.Admit(metadata, entry.path), start, std::move(parse),
              std::move(finish));
}

absl::Status CallUnary(const MethodTable& methods, const CallGate& gate,
                       const CallMetadata& metadata, absl::string_view path, const Message& request,
                       Message* response) {
  const MethodEntry* entry = methods.Find(path);
  if (entry == nullptr) return absl::UnimplementedError(absl::StrCat(path, " is not served"));
  absl::Notification finished;
  absl::Status result;
  RunUnary(
      gate, *entry, metadata,
      [&](Message* parsed) {
        parsed->CopyFrom(request);
        return absl::OkStatus();
      },
      [&](const absl::Status& status, const Message* answer) {
        result = status;
        if (status.ok()) response->CopyFrom(*answer);
        finished.Notify();
      });
  finished.WaitForNotification();
  return result;
}

}  // namespace wijkwacht::services
