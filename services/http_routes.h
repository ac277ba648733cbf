// The HTTP routes of the API, read from the `google.api.http` option of each RPC
// (proto/google/api/http.proto), and the matching of a request path against them.
//
//   rpc GetReport(GetReportRequest) returns (Report) {
//     option (google.api.http) = { get: "/v1/{name=reports/*}" };
//   }
//   -> GET /v1/reports/abc   binds name = "reports/abc"
//
// Used by the JSON transcoding (services/http_api.h), the OpenAPI generator
// (tools/openapi_gen) and the route test. Templates: literal segments, `{field}` (one
// segment), `{field=lit/*}` (segments bound together into the field, "lit/<id>"; at least one
// "*" per variable, e.g. `{name=plans/*/measures/*}`), and a custom
// verb after the last segment (":claim"). Nothing else of the googleapis grammar (`**`, several
// bindings per RPC) is supported; such a rule is an error naming the RPC.
//
// Thread safety: pure functions; routes are immutable values.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace wijkwacht::services {

struct HttpRoute {
  struct Segment {
    std::string literal;  // a literal segment, or empty for a variable
    std::string field;    // the request field a variable binds (dotted path)
    // A variable's own pattern: literals and "*" ("reports", "*"); {field} is just "*".
    std::vector<std::string> pattern;
  };
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string rpc;            // "/wijkwacht.v1.ReportService/GetReport"
  std::string http_method;    // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path_template;  // as declared: "/v1/{name=reports/*}"
  std::vector<Segment> segments;
  std::string custom_verb;  // "claim" for ".../{name=incidents/*}:claim", else ""
  // "*": the whole request is the JSON body; a field name: that field is; "": no body (the
  // fields not bound by the path come from the query string).
  std::string body;
  // The template in OpenAPI form, a variable's wildcard as a path parameter named after its
  // field: "/v1/{name=reports/*}" -> "/v1/reports/{name}" (the parameter is the id; the field
  // gets "reports/<id>").
  [[nodiscard]] std::string OpenApiPath() const;
  // The OpenAPI path parameter of a variable: its field path with '.' as '_'.
  // The OpenAPI path parameter of the `wildcard`-th "*" (from 0) of `segment`: the field with
  // '.' as '_', numbered ("_1", "_2", ...) when the segment has several.
  [[nodiscard]] static std::string PathParameter(const Segment& segment, int wildcard = 0);
  [[nodiscard]] static int Wildcards(const Segment& segment);
  // A concrete path of the route, every variable's "*" filled with `id`:
  // "/v1/incidents/{id}:claim".
  [[nodiscard]] std::string ExamplePath(absl::string_view id) const;
};

// The route of `method`. NOT_FOUND when it has no google.api.http option; INVALID_ARGUMENT
// naming the RPC when its rule is malformed (no path, a path field that does not exist or is
// not a string, a body field that is not a message field of the request).
[[nodiscard]] absl::StatusOr<HttpRoute> RouteOf(const google::protobuf::MethodDescriptor* method);

// Whether `path` (decoded, without the query string) matches `route`; on a match, the field
// bindings (field path, value) in path order.
[[nodiscard]] bool MatchRoute(const HttpRoute& route, absl::string_view path,
                              std::vector<std::pair<std::string, std::string>>* bindings);

}  // namespace wijkwacht::services
