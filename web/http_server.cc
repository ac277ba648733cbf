#include "web/http_server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "common/address.h"
#include "common/http_status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "web/guarded_http_server.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::web {
namespace {

// Undelivered updates one event stream may hold before its browser is disconnected.
constexpr size_t kMaxQueuedUpdates = 64;
constexpr std::chrono::seconds kCallTimeout{10};

void SetError(httplib::Response& res, int http_status, absl::string_view code,
              absl::string_view message, absl::string_view field = "") {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  res.status = http_status;
  res.set_content(nlohmann::json{{"error", error}}.dump(), "application/json");
}

void SetGrpcError(httplib::Response& res, const grpc::Status& status) {
  static constexpr const char* kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  const int code = static_cast<int>(status.error_code());
  SetError(res, HttpStatusFor(static_cast<absl::StatusCode>(status.error_code())), code >= 0 && code < 17 ? kNames[code] : "UNKNOWN",
           status.error_message());
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}";
  return out;
}

// True when `code` (BU03750001, WK037501, FA037501, GM0375) lies in gemeente `gemeente`.
bool InGemeente(absl::string_view code, absl::string_view gemeente) {
  return code.size() >= 6 && gemeente.size() >= 6 && code.substr(2, 4) == gemeente.substr(2, 4);
}

// [start, end) of the period of kind `period` that contains `now`, in Europe/Amsterdam (the
// civil time MapService counts in).
std::pair<absl::Time, absl::Time> CurrentPeriod(v1::AggregationPeriod period, absl::Time now) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone("Europe/Amsterdam", &tz)) tz = absl::UTCTimeZone();
  const absl::CivilDay today = absl::ToCivilDay(now, tz);
  absl::CivilDay start = today, end = today + 1;
  switch (period) {
    case v1::WEEK:
      start = today - static_cast<int>(absl::GetWeekday(today));  // Monday = 0
      end = start + 7;
      break;
    case v1::MONTH:
      start = absl::CivilDay(absl::CivilMonth(today));
      end = absl::CivilDay(absl::CivilMonth(today) + 1);
      break;
    case v1::HALF_YEAR:
      start = absl::CivilDay(today.year(), today.month() <= 6 ? 1 : 7, 1);
      end = absl::CivilDay(absl::CivilMonth(start) + 6);
      break;
    default:
      break;
  }
  return {absl::FromCivil(start, tz), absl::FromCivil(end, tz)};
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

// The origin ("https://host[:port]") of a tile URL template, "{s}" subdomains as a wildcard;
// "" when it has none.
std::string TileOrigin(const std::string& tile_url) {
  const size_t scheme = tile_url.find("://");
  if (scheme == std::string::npos) return "";
  const size_t path = tile_url.find('/', scheme + 3);
  return absl::StrReplaceAll(tile_url.substr(0, path), {{"{s}", "*"}});
}

// The page's Content-Security-Policy: everything from its own origin (the Leaflet legend
// sets style attributes, hence 'unsafe-inline' for styles only), tiles from the tile server,
// never framed.
std::string ContentSecurityPolicy(const std::string& tile_url) {
  const std::string tiles = TileOrigin(tile_url);
  return absl::StrCat("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                      "img-src 'self' data:",
                      tiles.empty() ? "" : " ", tiles,
                      "; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                      "form-action 'none'; frame-ancestors 'none'");
}

// The desk console's Content-Security-Policy (everything under kDeskPrefix): stricter than the
// map page's, with no inline styles either (the console sets styles through the CSSOM only)
// and no tiles; API calls and its event stream go to its own origin.
constexpr char kDeskPrefix[] = "/desk/";
constexpr char kDeskContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// host:port of `flag` -> (host, port); INVALID_ARGUMENT naming the flag otherwise.
absl::StatusOr<std::pair<std::string, int>> ParseListen(const std::string& listen,
                                                         absl::string_view flag) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", listen, "' is not host:port (port 0 = any)"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  return std::make_pair(host, port);
}

// One browser's event stream: a StreamAggregates call whose updates wait here, as SSE text,
// for the HTTP thread to write them.
class EventStream {
 public:
  // Called by the gRPC reactor.
  void Push(std::string event) {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= kMaxQueuedUpdates) {
      overflowed_ = true;
      context_.TryCancel();
    } else {
      queue_.push_back(std::move(event));
    }
    cv_.notify_all();
  }
  void Finish(const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    status_ = status;
    cv_.notify_all();
  }
  void Wake() { cv_.notify_all(); }
  void WaitFinished() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return finished_; });
  }

  // Waits up to `timeout` for queued events (moved to `out`) or the end of the call.
  // Returns false once the call is over and nothing is left.
  bool Take(std::chrono::milliseconds timeout, const std::atomic<bool>& draining,
            std::vector<std::string>* out, grpc::Status* final_status) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || finished_ || draining.load(); });
    while (!queue_.empty()) {
      out->push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    if (!out->empty()) return true;
    if (finished_) {
      *final_status = overflowed_ ? grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                                 "the browser fell behind; resume from the last event")
                                  : status_;
      return false;
    }
    return true;
  }

  grpc::ClientContext& context() { return context_; }

 private:
  grpc::ClientContext context_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool finished_ = false;
  bool overflowed_ = false;
  grpc::Status status_;
};

// One event stream's server-streaming call (any method, over the in-process channel), as a
// generic bidi call: the request is sent with WritesDone, every message is rendered to SSE text
// and pushed to the EventStream.
class EventReader final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  EventReader(std::shared_ptr<EventStream> stream, grpc::GenericStub* stub,
              ApiHandler::StreamCall call)
      : stream_(std::move(stream)), call_(std::move(call)) {
    for (const auto& [key, value] : call_.metadata) stream_->context().AddMetadata(key, value);
    grpc::Slice slice(call_.request_bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub->PrepareBidiStreamingCall(&stream_->context(), call_.method, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&message_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (message_.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    stream_->Push(call_.render(bytes));
    message_.Clear();
    StartRead(&message_);
  }
  void OnDone(const grpc::Status& status) override {
    stream_->Finish(status);
    delete this;
  }

 private:
  std::shared_ptr<EventStream> stream_;
  ApiHandler::StreamCall call_;
  grpc::ByteBuffer request_, message_;
};

class HttpServerImpl final : public HttpServer {
 public:
  explicit HttpServerImpl(HttpServerOptions options)
      : options_(std::move(options)),
        clock_(options_.clock != nullptr ? options_.clock : SystemClock()),
        stub_(v1::MapService::NewStub(options_.channel)),
        generic_stub_(options_.channel) {
    streams_open_ = options_.metrics->GetGauge("wijkwacht_http_event_streams_active",
                                               "Map page event streams (SSE) open now");
  }
  ~HttpServerImpl() override { Stop(); }

  absl::Status Bind(const std::string& host, int port) {
    const int threads = options_.max_event_streams + options_.max_token_event_streams + 16;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_payload_max_length(options_.max_body_bytes);
    // Headers and body go out in separate writes: without this the last segment of a large
    // body (/metrics) waits for the client's delayed ACK.
    server_.set_tcp_nodelay(true);
    server_.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                 {"Content-Security-Policy", ContentSecurityPolicy(options_.tile_url)},
                                 {"X-Frame-Options", "DENY"},
                                 {"Referrer-Policy", "no-referrer"}});
    // Idle sockets give their thread back soon (event streams write at least every
    // `keepalive`, so they are not idle).
    server_.set_keep_alive_timeout(5);
    // API clients send many requests over one connection (httplib's default closes it after 5).
    server_.set_keep_alive_max_count(1000);
    server_.set_read_timeout(10, 0);
    Routes();
    // The console's pages and modules: its own policy, never cached (a logged-out browser
    // shows no stale desk).
    server_.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (req.path.rfind(kDeskPrefix, 0) != 0) return;
      res.headers.erase("Content-Security-Policy");
      res.set_header("Content-Security-Policy", kDeskContentSecurityPolicy);
      res.set_header("Cache-Control", "no-store");
    });
    if (!server_.set_mount_point("/", options_.assets_dir)) {
      return absl::InvalidArgumentError(
          absl::StrCat("http_assets: no such folder: ", options_.assets_dir));
    }
    port_ = port == 0 ? server_.bind_to_any_port(host) : (server_.bind_to_port(host, port) ? port : -1);
    if (port_ <= 0) {
      return absl::UnavailableError(absl::StrCat("http_listen: cannot listen on ", options_.listen));
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  int ops_port() const override { return ops_port_; }

  // The ops listener: /healthz and /metrics only, on threads of their own.
  absl::Status BindOps(const std::string& host, int port) {
    ops_.new_task_queue = [] { return new httplib::ThreadPool(4); };
    ops_.set_keep_alive_timeout(5);
    ops_.set_read_timeout(10, 0);
    ops_.set_tcp_nodelay(true);
    ops_.set_default_headers({{"X-Content-Type-Options", "nosniff"}});
    ops_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      Count(RouteOf(req.path), res.status);
    });
    ops_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) { Health(res); });
    ops_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) { Metrics(res); });
    ops_port_ = port == 0 ? ops_.bind_to_any_port(host) : (ops_.bind_to_port(host, port) ? port : -1);
    if (ops_port_ <= 0) {
      return absl::UnavailableError(
          absl::StrCat("ops_http_listen: cannot listen on ", options_.ops_listen));
    }
    ops_thread_ = std::thread([this] { ops_.listen_after_bind(); });
    return absl::OkStatus();
  }

  void BeginDrain() override {
    draining_.store(true);
    std::lock_guard<std::mutex> lock(streams_mu_);
    for (const std::weak_ptr<EventStream>& weak : streams_) {
      if (std::shared_ptr<EventStream> s = weak.lock()) {
        s->context().TryCancel();
        s->Wake();
      }
    }
  }

  void Stop() override {
    std::call_once(stop_once_, [this] {
      BeginDrain();
      server_.stop();
      if (thread_.joinable()) thread_.join();
      ops_.stop();
      if (ops_thread_.joinable()) ops_thread_.join();
    });
  }

 private:
  void Count(const std::string& route, int status) {
    options_.metrics
        ->GetCounter("wijkwacht_http_requests_total", "HTTP requests answered, by route and status",
                     {{"route", route}, {"code", absl::StrCat(status)}})
        ->Increment();
  }

  std::string RouteOf(const std::string& path) const {
    for (const char* route : {"/healthz", "/metrics", "/api/config", "/api/areas",
                              "/api/indicators", "/api/stream"}) {
      if (path == route) return route;
    }
    if (path.rfind(kDeskPrefix, 0) == 0) return kDeskPrefix;
    for (const ApiHandler* api : options_.api) {
      for (const std::string& prefix : api->prefixes()) {
        if (path.rfind(prefix, 0) == 0) return prefix;
      }
    }
    return path.rfind("/api/", 0) == 0 ? "/api/other" : "static";
  }

  void Health(httplib::Response& res) {
    absl::Status health = draining_.load() ? absl::UnavailableError("shutting down")
                                           : options_.health();
    res.set_header("Cache-Control", "no-store");
    if (health.ok()) {
      res.set_content("ok\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content(absl::StrCat("unavailable: ", health.message(), "\n"), "text/plain");
    }
  }

  void Metrics(httplib::Response& res) {
    res.set_content(options_.metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
  }

  // The client's address in gRPC's peer form ("ipv4:1.2.3.4:5678", "ipv6:[::1]:5678").
  static std::string PeerOf(const httplib::Request& req) {
    return absl::StrContains(req.remote_addr, ':')
               ? absl::StrCat("ipv6:[", req.remote_addr, "]:", req.remote_port)
               : absl::StrCat("ipv4:", req.remote_addr, ":", req.remote_port);
  }

  // Whether the request comes from one of the reverse proxies whose forwarding headers count.
  bool FromTrustedProxy(const httplib::Request& req) const {
    return std::find(options_.trusted_proxies.begin(), options_.trusted_proxies.end(),
                     req.remote_addr) != options_.trusted_proxies.end();
  }

  // The per-address key of a request's client (common/address.h).
  std::string ClientKey(const httplib::Request& req) const {
    std::string client = req.remote_addr;
    if (FromTrustedProxy(req)) {
      std::string named = LastForwardedFor(req.get_header_value("X-Forwarded-For"));
      if (!named.empty()) client = std::move(named);
    }
    return AddressBucket(client);
  }

  void Routes() {
    server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      Count(RouteOf(req.path), res.status);
    });
    server_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) { Health(res); });
    if (options_.public_metrics) {
      server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) { Metrics(res); });
    }
    server_.Get("/desk", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(kDeskPrefix);
    });
    server_.Get("/api/config", [this](const httplib::Request&, httplib::Response& res) {
      nlohmann::json config = {{"tile_url", options_.tile_url},
                               {"suppression_k", options_.suppression_k},
                               {"gemeente_code", options_.gemeente_code}};
      res.set_content(config.dump(), "application/json");
    });
    server_.Get("/api/areas", [this](const httplib::Request& req, httplib::Response& res) {
      v1::AreaLevel level;
      if (!v1::AreaLevel_Parse(req.get_param_value("level"), &level) ||
          level == v1::AREA_LEVEL_UNSPECIFIED) {
        return SetError(res, 400, "INVALID_ARGUMENT", "must be GEMEENTE, WIJK, BUURT or FOCUS_AREA",
                        "level");
      }
      Areas(level, res);
    });
    server_.Get("/api/indicators", [this](const httplib::Request&, httplib::Response& res) {
      Indicators(res);
    });
    server_.Get("/api/stream", [this](const httplib::Request& req, httplib::Response& res) {
      Stream(req, res);
    });
    for (ApiHandler* api : options_.api) {
      for (const std::string& prefix : api->prefixes()) {
        const std::string pattern = absl::StrCat(prefix, ".*");
        auto handler = [this, api](const httplib::Request& req, httplib::Response& res) {
          Api(*api, req, res);
        };
        server_.Get(pattern, handler);
        server_.Post(pattern, handler);
        server_.Put(pattern, handler);
        server_.Patch(pattern, handler);
        server_.Delete(pattern, handler);
      }
    }
  }

  // A request for an ApiHandler: its answer, or its event stream.
  void Api(ApiHandler& api, const httplib::Request& req, httplib::Response& res) {
    ApiHandler::Request request;
    request.method = req.method;
    request.path = req.path;
    for (const auto& [key, value] : req.params) request.params.emplace(key, value);
    request.body = req.body;
    request.peer = PeerOf(req);
    request.has_authorization = req.has_header("Authorization");
    request.authorization = req.get_header_value("Authorization");
    request.has_forwarded_for = req.has_header("X-Forwarded-For");
    request.forwarded_for = req.get_header_value("X-Forwarded-For");
    request.last_event_id = req.get_header_value("Last-Event-ID");
    request.accept = req.get_header_value("Accept");
    request.cookie = req.get_header_value("Cookie");
    request.base_url = PublicBaseUrl(
        options_.public_base_url,
        RequestOrigin{.host = req.get_header_value("Host"),
                      .from_trusted_proxy = FromTrustedProxy(req),
                      .forwarded_proto = req.get_header_value("X-Forwarded-Proto"),
                      .forwarded_host = req.get_header_value("X-Forwarded-Host")});
    std::variant<ApiHandler::Response, ApiHandler::StreamCall> answer = api.Handle(request);
    if (auto* call = std::get_if<ApiHandler::StreamCall>(&answer)) {
      return ServeEvents(req, res, std::move(*call), "retry: 2000\n\n");
    }
    ApiHandler::Response& response = std::get<ApiHandler::Response>(answer);
    res.status = response.status;
    for (const auto& [key, value] : response.headers) res.set_header(key, value);
    if (!response.more) return res.set_content(std::move(response.body), response.content_type);
    auto first = std::make_shared<std::string>(std::move(response.body));
    res.set_chunked_content_provider(
        response.content_type,
        [first, more = std::move(response.more)](size_t, httplib::DataSink& sink) {
          if (!first->empty()) {
            if (!sink.write(first->data(), first->size())) return false;
            first->clear();
            return true;
          }
          std::string chunk;
          if (!more(&chunk)) {
            sink.done();
            return true;
          }
          return chunk.empty() || sink.write(chunk.data(), chunk.size());
        });
  }

  // The gemeente's areas of `level` as JSON (with geometry) and their codes, read once.
  grpc::Status LoadAreas(v1::AreaLevel level, std::string* json, std::vector<std::string>* codes) {
    {
      std::lock_guard<std::mutex> lock(areas_mu_);
      auto cached = areas_.find(level);
      if (cached != areas_.end()) {
        if (json != nullptr) *json = cached->second.json;
        if (codes != nullptr) *codes = cached->second.codes;
        return grpc::Status::OK;
      }
    }
    v1::ListAreasResponse all;
    v1::ListAreasRequest request;
    request.set_level(level);
    request.set_include_geometry(true);
    request.set_page_size(1000);
    do {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
      v1::ListAreasResponse page;
      grpc::Status status = stub_->ListAreas(&context, request, &page);
      if (!status.ok()) return status;
      for (v1::Area& area : *page.mutable_areas()) {
        if (InGemeente(area.code(), options_.gemeente_code)) *all.add_areas() = std::move(area);
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    CachedAreas cached{ToJson(all), {}};
    for (const v1::Area& area : all.areas()) cached.codes.push_back(area.code());
    if (json != nullptr) *json = cached.json;
    if (codes != nullptr) *codes = cached.codes;
    std::lock_guard<std::mutex> lock(areas_mu_);
    areas_[level] = std::move(cached);
    return grpc::Status::OK;
  }

  void Areas(v1::AreaLevel level, httplib::Response& res) {
    std::string json;
    grpc::Status status = LoadAreas(level, &json, nullptr);
    if (!status.ok()) return SetGrpcError(res, status);
    res.set_content(json, "application/json");
  }

  void Indicators(httplib::Response& res) {
    v1::GetAggregatesResponse all;
    const absl::Time now = clock_->Now();
    for (v1::AreaLevel level : {v1::WIJK, v1::BUURT}) {
      v1::GetAggregatesRequest request;
      v1::AggregateSelection* sel = request.mutable_selection();
      sel->set_level(level);
      sel->set_period(v1::HALF_YEAR);
      *sel->mutable_start_time() = ToTimestamp(now - absl::Hours(24));
      *sel->mutable_end_time() = ToTimestamp(now);
      sel->set_include_indicators(true);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
      v1::GetAggregatesResponse response;
      grpc::Status status = stub_->GetAggregates(&context, request, &response);
      if (!status.ok()) return SetGrpcError(res, status);
      for (v1::IndicatorValue& v : *response.mutable_indicators()) {
        if (InGemeente(v.area_code(), options_.gemeente_code)) *all.add_indicators() = std::move(v);
      }
    }
    v1::GetAggregatesResponse out;
    *out.mutable_indicators() = std::move(*all.mutable_indicators());
    res.set_content(ToJson(out), "application/json");
  }

  void Stream(const httplib::Request& req, httplib::Response& res) {
    v1::AreaLevel level;
    if (!v1::AreaLevel_Parse(req.get_param_value("level"), &level) ||
        (level != v1::BUURT && level != v1::WIJK)) {
      return SetError(res, 400, "INVALID_ARGUMENT", "must be BUURT or WIJK", "level");
    }
    v1::AggregationPeriod period;
    if (!v1::AggregationPeriod_Parse(req.get_param_value("period"), &period) ||
        period == v1::AGGREGATION_PERIOD_UNSPECIFIED) {
      return SetError(res, 400, "INVALID_ARGUMENT", "must be DAY, WEEK, MONTH or HALF_YEAR",
                      "period");
    }
    v1::StreamAggregatesRequest request;
    v1::AggregateSelection* sel = request.mutable_selection();
    std::vector<std::string> codes;
    if (grpc::Status status = LoadAreas(level, nullptr, &codes); !status.ok()) {
      return SetGrpcError(res, status);
    }
    if (codes.empty()) {  // an empty list would select every gemeente's areas
      return SetError(res, 404, "NOT_FOUND", "the gemeente has no areas of this level", "level");
    }
    for (std::string& code : codes) sel->add_area_codes(std::move(code));
    sel->set_level(level);
    sel->set_period(period);
    auto [start, end] = CurrentPeriod(period, clock_->Now());
    *sel->mutable_start_time() = ToTimestamp(start);
    *sel->mutable_end_time() = ToTimestamp(end);
    request.set_resume_cursor(req.get_header_value("Last-Event-ID"));

    // The period this stream counts, so the page can say so.
    const std::string prelude =
        absl::StrCat("retry: 2000\nevent: period\ndata: ",
                     nlohmann::json{{"start", absl::FormatTime(absl::RFC3339_sec, start, absl::UTCTimeZone())},
                                    {"end", absl::FormatTime(absl::RFC3339_sec, end, absl::UTCTimeZone())}}
                         .dump(),
                     "\n\n");
    ApiHandler::StreamCall call;
    call.method = "/wijkwacht.v1.MapService/StreamAggregates";
    call.request_bytes = request.SerializeAsString();
    call.render = [](const std::string& bytes) {
      v1::AggregateUpdate update;
      if (!update.ParseFromString(bytes)) return std::string();
      return absl::StrCat("id: ", update.cursor(), "\ndata: ", ToJson(update), "\n\n");
    };
    call.end = [](const grpc::Status& status) {
      nlohmann::json end = {{"code", static_cast<int>(status.error_code())},
                            {"message", status.error_message()}};
      return absl::StrCat("event: end\ndata: ", end.dump(), "\n\n");
    };
    ServeEvents(req, res, std::move(call), prelude);
  }

  // Answers `req` with Server-Sent Events: `prelude`, then every message of `call` rendered,
  // then its end. Admission: at most max_event_streams anonymous and max_token_event_streams
  // with a token open (each budget apart), max_event_streams_per_address from one client (503
  // beyond), none while draining.
  void ServeEvents(const httplib::Request& req, httplib::Response& res, ApiHandler::StreamCall call,
                   const std::string& prelude) {
    if (draining_.load()) {
      return SetError(res, 503, "UNAVAILABLE", "the server is shutting down");
    }
    const std::string client = ClientKey(req);
    {
      std::lock_guard<std::mutex> lock(streams_mu_);
      int& of_client = streams_by_address_[client];
      if (of_client >= options_.max_event_streams_per_address) {
        if (of_client == 0) streams_by_address_.erase(client);
        return SetError(res, 503, "UNAVAILABLE",
                        "too many event streams from this address; retry later");
      }
      std::atomic<int>& open = call.with_token ? open_token_streams_ : open_streams_;
      if (open.fetch_add(1) >= (call.with_token ? options_.max_token_event_streams
                                                : options_.max_event_streams)) {
        open.fetch_sub(1);
        if (of_client == 0) streams_by_address_.erase(client);
        return SetError(res, 503, "UNAVAILABLE", "too many event streams; retry later");
      }
      ++of_client;
    }
    // Gives back this stream's places (when it ends, or was not started after all).
    auto release = [this, client, with_token = call.with_token] {
      (with_token ? open_token_streams_ : open_streams_).fetch_sub(1);
      std::lock_guard<std::mutex> lock(streams_mu_);
      auto it = streams_by_address_.find(client);
      if (it != streams_by_address_.end() && --it->second <= 0) streams_by_address_.erase(it);
    };
    auto stream = std::make_shared<EventStream>();
    {
      std::lock_guard<std::mutex> lock(streams_mu_);
      std::erase_if(streams_, [](const std::weak_ptr<EventStream>& w) { return w.expired(); });
      streams_.push_back(stream);
    }
    streams_open_->Add(1);
    new EventReader(stream, &generic_stub_, call);  // deletes itself when done
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");
    auto sent_prelude = std::make_shared<bool>(false);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, stream, prelude, sent_prelude, call](size_t, httplib::DataSink& sink) {
          if (!*sent_prelude) {
            *sent_prelude = true;
            if (!sink.write(prelude.data(), prelude.size())) return false;
          }
          std::vector<std::string> events;
          grpc::Status final_status;
          if (!stream->Take(options_.keepalive, draining_, &events, &final_status)) {
            const std::string text = call.end(final_status);
            sink.write(text.data(), text.size());
            sink.done();
            return true;
          }
          if (events.empty()) {
            if (draining_.load()) stream->context().TryCancel();
            static constexpr char kKeepalive[] = ": keepalive\n\n";
            if (!sink.write(kKeepalive, sizeof kKeepalive - 1)) {
              stream->context().TryCancel();
              return false;
            }
            return true;
          }
          for (const std::string& event : events) {
            if (!sink.write(event.data(), event.size())) {
              stream->context().TryCancel();
              return false;
            }
          }
          return true;
        },
        [this, stream, release](bool) {
          // The response is over (sent, or the browser left): end the gRPC call too and wait
          // for it, so no reactor outlives this server.
          stream->context().TryCancel();
          stream->WaitFinished();
          streams_open_->Add(-1);
          release();
        });
  }

  HttpServerOptions options_;
  Clock* clock_;
  std::unique_ptr<v1::MapService::Stub> stub_;
  grpc::GenericStub generic_stub_;  // event streams of any method
  GuardedHttpServer server_{ConnectionLimits{options_.request_deadline,
                                              options_.max_connections_per_address,
                                              options_.trusted_proxies}};
  int port_ = 0;
  std::thread thread_;
  httplib::Server ops_;  // /healthz and /metrics (BindOps)
  int ops_port_ = 0;
  std::thread ops_thread_;
  std::once_flag stop_once_;
  std::atomic<bool> draining_{false};
  std::atomic<int> open_streams_{0};        // anonymous
  std::atomic<int> open_token_streams_{0};  // with a token
  metrics::Gauge* streams_open_ = nullptr;
  std::mutex streams_mu_;
  std::vector<std::weak_ptr<EventStream>> streams_;
  std::map<std::string, int> streams_by_address_;  // guarded by streams_mu_
  std::mutex areas_mu_;
  struct CachedAreas {
    std::string json;
    std::vector<std::string> codes;
  };
  std::map<int, CachedAreas> areas_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options) {
  if (options.channel == nullptr || options.metrics == nullptr || !options.health) {
    return absl::InvalidArgumentError("http server: channel, metrics and health are required");
  }
  absl::StatusOr<std::pair<std::string, int>> listen = ParseListen(options.listen, "http_listen");
  if (!listen.ok()) return listen.status();
  std::optional<std::pair<std::string, int>> ops;
  if (!options.ops_listen.empty()) {
    absl::StatusOr<std::pair<std::string, int>> parsed =
        ParseListen(options.ops_listen, "ops_http_listen");
    if (!parsed.ok()) return parsed.status();
    ops = *parsed;
  }
  if (!std::filesystem::is_directory(options.assets_dir)) {
    return absl::InvalidArgumentError(
        absl::StrCat("http_assets: no such folder: '", options.assets_dir, "'"));
  }
  auto server = std::make_unique<HttpServerImpl>(std::move(options));
  if (absl::Status s = server->Bind(listen->first, listen->second); !s.ok()) return s;
  if (ops) {
    if (absl::Status s = server->BindOps(ops->first, ops->second); !s.ok()) return s;
  }
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace wijkwacht::web
