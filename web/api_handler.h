// ApiHandler: what the HTTP side (web/http_server.h) hands API requests to, without knowing
// the API: the JSON transcoding of the v1 RPCs (services/http_api.h) implements it.
//
// The HTTP side passes every request under one of the handler's prefixes to Handle(). The
// answer is either a whole response, or a server stream to open over the server's in-process
// gRPC channel, which the HTTP side sends as Server-Sent Events with its own admission (the
// same caps as the map page's streams), keepalives and drain.
//
// Thread safety: Handle() is called from many HTTP threads at once; `render` and `end` of a
// StreamCall from the stream's gRPC thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "grpcpp/support/status.h"

namespace wijkwacht::web {

// The HTTP side reaches server streams through the server's in-process channel; it names the
// HTTP client's address (gRPC peer form, "ipv4:1.2.3.4:5678") in this metadata, and forwards
// its Authorization and X-Forwarded-For, so that the call gate (services/call_gate.h) admits
// and counts that client, not the in-process caller.
inline constexpr char kHttpPeerMetadata[] = "x-wijkwacht-http-peer";

class ApiHandler {
 public:
  struct Request {
    std::string method;  // "GET", "POST", ...
    std::string path;    // decoded, without the query string
    std::multimap<std::string, std::string> params;  // the query string, decoded
    std::string body;
    std::string peer;  // the client's address in gRPC form: "ipv4:1.2.3.4:5678"
    bool has_authorization = false;
    std::string authorization;
    bool has_forwarded_for = false;
    std::string forwarded_for;
    std::string last_event_id;  // "" when absent
    std::string accept;         // the Accept header ("" when absent)
    std::string cookie;         // the Cookie header ("" when absent)
    // Where the caller reached this server, "scheme://host[:port][/prefix]" without a
    // trailing slash, for absolute links; "" when unknown (use relative links). From
    // --public_base_url, else the request's Host (and a trusted proxy's X-Forwarded-Proto and
    // X-Forwarded-Host).
    std::string base_url;
  };
  struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // Set for a long answer sent as it is produced (chunked): `body` first, then every chunk
    // this gives until it returns false. Called from the HTTP thread, one call at a time.
    std::function<bool(std::string* chunk)> more;
  };
  struct StreamCall {
    std::string method;  // "/wijkwacht.v1.MapService/StreamAggregates"
    std::string request_bytes;
    std::vector<std::pair<std::string, std::string>> metadata;
    // One message (serialized) -> its SSE event text ("id: ...\ndata: ...\n\n").
    std::function<std::string(const std::string& message_bytes)> render;
    // The call's end -> the closing SSE event's text.
    std::function<std::string(const grpc::Status& status)> end;
    // Admitted with a token (a device's or staff's): counted against the HTTP side's budget
    // of such streams, apart from the anonymous ones (the map page's) so that neither kind
    // can take every place from the other.
    bool with_token = false;
  };

  virtual ~ApiHandler() = default;
  // Path prefixes this handler serves ("/v1/").
  [[nodiscard]] virtual std::vector<std::string> prefixes() const = 0;
  [[nodiscard]] virtual std::variant<Response, StreamCall> Handle(const Request& request) = 0;
};

}  // namespace wijkwacht::web
