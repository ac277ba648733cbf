// The OpenAPI 3.1 document of the v1 JSON API, built from the descriptors: one operation per
// RPC at its google.api.http route (services/http_routes.h), a JSON Schema (2020-12, as OpenAPI
// 3.1 uses) per message in protobuf's JSON mapping, the bearer scheme and who may call
// (services/access_policy.h), and google.rpc.Status as every error.
//
// The build runs services/openapi_gen.cc, which writes the document to openapi.json and into a
// generated source the server links (OpenApiDocument()); GET /v1/openapi.json serves it.
//
// Mapping (protobuf JSON): int32/uint32 and their fixed/sint forms -> integer; 64-bit integers
// -> string (format int64/uint64; numbers are accepted on input); float/double -> number;
// bool -> boolean; string -> string; bytes -> string (base64); enums -> string (their value
// names); repeated -> array; maps -> object; Timestamp -> string (date-time); Duration ->
// string ("1.5s"); Any -> object with "@type". Field names are lowerCamelCase.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace wijkwacht::services {

// The document as JSON text (2-space indented). INVALID_ARGUMENT naming an RPC without a
// usable route.
[[nodiscard]] absl::StatusOr<std::string> BuildOpenApiDocument();

// The document the build generated (empty when the server was built without it).
[[nodiscard]] const std::string& OpenApiDocument();

}  // namespace wijkwacht::services
