// JsonApi: the whole v1 API as JSON over HTTP, transcoded generically from the RPCs'
// `google.api.http` routes (services/http_routes.h) onto the SAME handlers as gRPC (the
// MethodTable), through the same CallGate (authorization, roles, rate limits), call observer
// (/metrics) and error details.
//
//   POST /v1/reports              Authorization: Bearer <token>   body: a Report (JSON)
//   GET  /v1/reports/{id}         -> GetReport(name = "reports/{id}")
//   GET  /v1/incidents?status=NEW&pageSize=20
//   POST /v1/incidents/{id}:claim body: {"version": "3"}
//   GET  /v1/aggregates:stream?selection.level=BUURT   (Server-Sent Events)
//
// Requests: protobuf's JSON mapping (google::protobuf::util::JsonStringToMessage; field names
// in lowerCamelCase or as declared; unknown fields are an error). Path variables set their
// field; with `body: "*"` the JSON body is the request, with `body: "<field>"` it is that
// field; every other field may come from the query string, nested ones by dotted name
// (`selection.level=BUURT`), repeated ones by repeating the name. A query name that is no
// field of the request is INVALID_ARGUMENT naming it.
//
// Responses: 200 with the response message as JSON (MessageToJsonString, lowerCamelCase,
// default values omitted). Errors: the HTTP status of the gRPC code (common/http_status.h) with a google.rpc.Status as JSON: {"code", "message", "details": [
// BadRequest field violations, RetryInfo, ErrorInfo]} — exactly the details a gRPC client
// gets — plus Retry-After when the status carries a retry delay. An unknown path is 404, a
// known path with another method 405, both as google.rpc.Status.
//
// GET /v1/openapi.json: the OpenAPI 3.1 document of these routes (services/openapi.h).
//
// Server streams: Server-Sent Events, one event per message: `id:` its cursor, `data:` the
// message as JSON; the stream ends with `event: error` carrying the final google.rpc.Status
// (UNAVAILABLE with a resume cursor on shutdown). `Last-Event-ID` (sent by EventSource on
// reconnect) resumes after that cursor: it fills the request's cursor field (`resume_cursor`
// or `cursor`) unless the query string set it. Streams are opened over the server's in-process
// channel naming the HTTP client (kHttpPeerMetadata), so the gate admits that client exactly as
// for gRPC.
//
// Thread safety: Handle() may be called concurrently; the table and gate must outlive this.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "services/http_routes.h"
#include "services/method_table.h"
#include "web/api_handler.h"

namespace wijkwacht::services {

class JsonApi final : public web::ApiHandler {
 public:
  // Every table entry must have a route: INVALID_ARGUMENT naming the first RPC without one
  // (or with a malformed one).
  //
  // Login over HTTP: a successful answer's known_device goes into a cookie, not the body:
  // "__Host-wijkwacht_known_device=<token>; Path=/; Max-Age=2592000; HttpOnly; Secure;
  // SameSite=Strict" (the __Host- prefix: only a secure origin of this very host can set it,
  // no subdomain). With `plain_http_cookies` (ServerOptions::http_dev_plain_cookies,
  // plain-HTTP development) it is "wijkwacht_known_device=<token>; Path=/v1/auth:login; ...;
  // HttpOnly; SameSite=Strict", without Secure, which a browser would not keep from an
  // http:// origin. A login reads the cookie of its mode (and, with Secure, the name used
  // before the prefix, whose cookies were Secure too).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<JsonApi>> Create(const MethodTable* methods,
                                                                      const CallGate* gate,
                                                                      bool plain_http_cookies);

  [[nodiscard]] std::vector<std::string> prefixes() const override { return {"/v1/"}; }
  [[nodiscard]] std::variant<Response, StreamCall> Handle(const Request& request) override;

  [[nodiscard]] const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  JsonApi(const CallGate* gate, std::vector<HttpRoute> routes, std::vector<const MethodEntry*> entries,
          bool plain_http_cookies)
      : gate_(gate),
        routes_(std::move(routes)),
        entries_(std::move(entries)),
        plain_http_cookies_(plain_http_cookies) {}

  const CallGate* gate_;
  std::vector<HttpRoute> routes_;
  std::vector<const MethodEntry*> entries_;  // parallel to routes_
  const bool plain_http_cookies_;
};

// Fills `message` from query parameters as the JSON routes do (dotted names, repeated by
// repetition; protobuf's JSON mapping for the values). INVALID_ARGUMENT naming the parameter.
[[nodiscard]] absl::Status MessageFromQuery(const std::multimap<std::string, std::string>& params,
                                            google::protobuf::Message* message);

// What the CallGate reads of an HTTP request (peer, Authorization, X-Forwarded-For).
[[nodiscard]] CallMetadata MetadataOf(const web::ApiHandler::Request& request);

// 405 with a google.rpc.Status naming the method that `request`'s path does not take.
[[nodiscard]] web::ApiHandler::Response MethodNotAllowed(const web::ApiHandler::Request& request);

// An absl::Status as the JSON HTTP error body and status: a google.rpc.Status with the same
// details a gRPC client gets (services/grpc_status.h), plus Retry-After for a retry delay.
[[nodiscard]] web::ApiHandler::Response ErrorResponse(const absl::Status& status);

}  // namespace wijkwacht::services
