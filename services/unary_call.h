// Parsing a request from raw bytes, so that every failure reaches the client as a clear
// status with the field named.
//
// gRPC's typed handlers reject a request that does not parse (e.g. invalid UTF-8 in a proto3
// string field) before any application code runs, with a status naming no field. Every method
// is therefore registered as a raw callback (services/method_table.h), which admits the caller
// through the CallGate first and then parses with ParseRequest(): INVALID_ARGUMENT naming the
// offending field when the bytes do not parse.
//
// A unary handler gets `done` (UnaryDone), which it may call from any thread, exactly once;
// its request and response stay valid until then.
//
// Thread safety: pure functions.
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

}  // namespace wijkwacht::services
