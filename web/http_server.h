// HttpServer: the small HTTP side of wijkwachtd (cpp-httplib) on its own port.
//
//   GET /                 the safety map page (files of `assets_dir`: index.html, app.js,
//                         style.css and vendor/leaflet from npm, copied there by the build)
//   GET /desk/            the dispatch desk's console (assets_dir/desk: index.html and its
//                         ES modules; a single page over the JSON API below, see the README's
//                         "The desk console"); served under a stricter Content-Security-Policy
//                         (no inline scripts or styles) and Cache-Control no-store
//   GET /healthz          200 "ok" while serving and the store accepts writes; 503 with the
//                         reason otherwise, and from BeginDrain() on
//   GET /metrics          Prometheus text format (common/metrics.h); only on the ops listener
//                         (`ops_listen`, never on the public one, unless `public_metrics`)
//   GET /api/config       {"tile_url", "suppression_k", "gemeente_code"} for the page
//   GET /api/areas?level=BUURT|WIJK|FOCUS_AREA   ListAreasResponse as JSON, with GeoJSON
//   GET /api/indicators   imported indicators of the gemeente's wijken and buurten
//   GET /api/stream?level=BUURT|WIJK&period=DAY|WEEK|MONTH|HALF_YEAR
//                         Server-Sent Events: every wijkwacht.v1.AggregateUpdate of
//                         StreamAggregates for the current period, as JSON, with `id:` = its
//                         cursor; the browser's Last-Event-ID header resumes after it.
//
//   /v1/..., and any other prefix of an ApiHandler in `api` (web/api_handler.h): the JSON
//                         API; its server streams are event streams like /api/stream, under
//                         the same caps
//
// Privacy: every map figure comes from MapService over `channel` (an in-process channel to the
// same server) as an anonymous caller, without a token. So the page gets exactly what the
// public gRPC API gives anyone: counts below k withheld and marked suppressed (MapService's
// one suppression rule), no finer cells. Only the areas of `gemeente_code` are shown.
//
// Ops listener: with `ops_listen` set, /healthz and /metrics are also served on a port of
// their own, with its own threads, so nothing on the public port (open event streams, idle
// sockets) can keep a health check or a scrape from being answered.
//
// Hardening of the public port: every response carries a Content-Security-Policy (scripts,
// styles, data only from the page's own origin; tiles also from `tile_url`'s origin;
// frame-ancestors 'none'), X-Frame-Options DENY and Referrer-Policy no-referrer. Idle
// keep-alive sockets are closed after a few seconds.
//
// An event stream holds one HTTP worker thread; at most `max_event_streams` anonymous ones (the
// map page's, and the JSON API's without a token) and `max_token_event_streams` with a token
// (devices' feeds, staff) are open at once, each budget apart, and at most
// `max_event_streams_per_address` from one client address (IPv6: per /64; behind
// a proxy in `trusted_proxies`, the address its X-Forwarded-For names); more get 503. Each holds at most kMaxQueuedUpdates undelivered updates: a browser that
// falls behind is disconnected and resumes from its Last-Event-ID (the change log is the
// buffer). Idle streams get a comment line every `keepalive`, which also notices browsers
// that left.
//
// Errors of /api/*: JSON {"error": {"code", "message", "field"}} with the HTTP status that
// matches the gRPC code (400 for a bad parameter, naming it in "field").
//
// Thread safety: BeginDrain() and Stop() may be called from any thread; Stop() is idempotent
// and returns after every request thread has ended.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "grpcpp/channel.h"
#include "web/api_handler.h"

namespace wijkwacht::web {

struct HttpServerOptions {
  // host:port; port 0 picks a free port (see HttpServer::port()). Required.
  // (The server sets every option from services::ServerOptions, whose defaults are the
  // flags'; the defaults here are only those of the parts a server may leave out.)
  std::string listen;
  // The page's files. Must exist.
  std::string assets_dir;
  // Background map tiles ({z}/{x}/{y} URL template); empty: polygons on a plain background.
  std::string tile_url;
  // Shown as "< k" on suppressed areas (the server's MapService threshold).
  int suppression_k = 0;
  // Areas of this gemeente are shown (its buurten, wijken and focus areas).
  std::string gemeente_code;
  // At least 1 each (services::ValidateServerOptions checks the flags).
  int max_event_streams = 1;  // anonymous ones (the map page's)
  int max_event_streams_per_address = 1;
  // Connections one client address may hold, and the time a request may take to arrive
  // (web/guarded_http_server.h); trusted proxies are not capped.
  int max_connections_per_address = 64;
  std::chrono::milliseconds request_deadline{10000};
  // Event streams admitted with a token (ApiHandler::StreamCall::with_token): a budget of
  // their own, so anonymous map streams cannot take their places nor they the map's.
  int max_token_event_streams = 1;
  // Reverse proxies (bare addresses) whose X-Forwarded-For names the client.
  std::vector<std::string> trusted_proxies;
  // The public base of absolute links (services::ServerOptions::public_base_url, checked
  // there); empty: from the request (PublicBase in http_server.cc).
  std::string public_base_url;
  // /healthz and /metrics on their own port (host:port, port 0 = any); empty: none.
  std::string ops_listen;
  // Also serve /metrics on the public port (off: counts of devices, accounts and report
  // timing are not for the public).
  bool public_metrics = false;
  std::chrono::milliseconds keepalive{15000};
  // To MapService in the same process (grpc::Server::InProcessChannel). Required.
  std::shared_ptr<grpc::Channel> channel;
  // Rendered on /metrics; the HTTP side adds its own request counters. Required.
  metrics::Registry* metrics = nullptr;
  // OK when the server serves and its store accepts writes. Required.
  std::function<absl::Status()> health;
  Clock* clock = nullptr;  // nullptr = SystemClock()
  // Handlers of API prefixes (not owned; they outlive the server). May be empty.
  std::vector<ApiHandler*> api;
  // Request bodies beyond this get 413.
  size_t max_body_bytes = 64 << 10;
};

class HttpServer {
 public:
  // Binds and starts serving on a thread of its own. Errors: INVALID_ARGUMENT naming
  // http_listen (not host:port), http_assets (no such folder) or a missing part;
  // UNAVAILABLE when the address cannot be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      HttpServerOptions options);
  virtual ~HttpServer() = default;

  [[nodiscard]] virtual int port() const = 0;
  // The ops listener's port; 0 without `ops_listen`.
  [[nodiscard]] virtual int ops_port() const = 0;
  // /healthz answers 503 from now on and event streams end (browsers retry elsewhere or
  // later, resuming from their last event).
  virtual void BeginDrain() = 0;
  // BeginDrain(), then closes the port and waits for the request threads.
  virtual void Stop() = 0;
};

}  // namespace wijkwacht::web
