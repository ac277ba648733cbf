#include "services/http_api.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "common/http_status.h"
#include "common/status.h"
#include "common/text.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "nlohmann/json.hpp"
#include "services/grpc_status.h"
#include "services/openapi.h"
#include "wijkwacht/v1/auth.pb.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using nlohmann::json;

constexpr char kOpenApiPath[] = "/v1/openapi.json";

std::string ToJson(const Message& message) {
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out).ok()) return "{}";
  return out;
}

std::string StatusJson(const grpc::Status& status) {
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    details.set_code(static_cast<int>(status.error_code()));
    details.set_message(status.error_message());
  }
  return ToJson(details);
}

// The field named `name` (as declared or in lowerCamelCase) of `message`, or nullptr.
const FieldDescriptor* FieldNamed(const Descriptor* message, absl::string_view name) {
  const FieldDescriptor* field = message->FindFieldByName(std::string(name));
  return field != nullptr ? field : message->FindFieldByCamelcaseName(std::string(name));
}

bool IsLeaf(const FieldDescriptor* field) {
  if (field->message_type() == nullptr) return true;
  // Well-known types whose JSON form is a string.
  const std::string& type = field->message_type()->full_name();
  return type == "google.protobuf.Timestamp" || type == "google.protobuf.Duration" ||
         type == "google.protobuf.FieldMask";
}

// The JSON value of a query parameter for `field` (the JSON mapping accepts numbers and
// 64-bit integers as strings; booleans and enum numbers are literals).
json QueryValue(const FieldDescriptor* field, const std::string& value) {
  if (field->type() == FieldDescriptor::TYPE_BOOL && (value == "true" || value == "false")) {
    return value == "true";
  }
  int number = 0;
  if (field->type() == FieldDescriptor::TYPE_ENUM && absl::SimpleAtoi(value, &number)) {
    return number;
  }
  return value;
}

// Puts `value` at the declared-name path of `field_path` in `object`.
absl::Status PutQueryParam(const Descriptor* request, const std::string& key,
                           const std::string& value, json* object) {
  const Descriptor* message = request;
  std::vector<std::string> parts = absl::StrSplit(key, '.');
  json* at = object;
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = message == nullptr ? nullptr : FieldNamed(message, parts[i]);
    if (field == nullptr) {
      return InvalidFieldError(key, absl::StrCat("is not a field of ", request->full_name()));
    }
    json& slot = (*at)[field->name()];
    if (i + 1 < parts.size()) {
      if (field->is_repeated() || field->message_type() == nullptr || IsLeaf(field)) {
        return InvalidFieldError(key, "cannot be set from the query string");
      }
      if (!slot.is_object()) slot = json::object();
      at = &slot;
      message = field->message_type();
      continue;
    }
    if (field->is_map() || !IsLeaf(field)) {
      return InvalidFieldError(key, "is a message: set its fields by dotted name");
    }
    if (field->is_repeated()) {
      if (!slot.is_array()) slot = json::array();
      slot.push_back(QueryValue(field, value));
    } else if (!slot.is_null()) {
      return InvalidFieldError(key, "is given twice");
    } else {
      slot = QueryValue(field, value);
    }
  }
  return absl::OkStatus();
}

// The field path a protobuf JSON parse error names, if any: "(report.location) ..." style
// prefixes differ between versions, so the error text is kept whole and the field is taken
// from "field: <name>" or "Cannot find field: <name>" when present.
absl::Status JsonParseError(const std::string& error) {
  std::string message(absl::StripPrefix(error, "INVALID_ARGUMENT:"));
  for (absl::string_view marker : {"Cannot find field: ", "field: "}) {
    const size_t at = absl::string_view(message).find(marker);
    if (at == absl::string_view::npos) continue;
    absl::string_view rest = absl::string_view(message).substr(at + marker.size());
    std::string field(rest.substr(0, rest.find_first_of(" ,;")));
    if (!field.empty()) return InvalidFieldError(field, absl::StrCat("request JSON: ", message));
  }
  return absl::InvalidArgumentError(absl::StrCat("request JSON: ", message));
}

// The request of `route` from the HTTP request: body, query string and path bindings.
absl::Status BuildRequest(const HttpRoute& route, const web::ApiHandler::Request& http,
                          const std::vector<std::pair<std::string, std::string>>& bindings,
                          Message* request) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  // The common case (POST /v1/reports): the body alone is the request or its body field,
  // parsed straight into it.
  if (!route.body.empty() && http.params.empty() && bindings.empty() &&
      !absl::StripAsciiWhitespace(http.body).empty()) {
    Message* target = request;
    if (route.body != "*") {
      const FieldDescriptor* field = request->GetDescriptor()->FindFieldByName(route.body);
      target = request->GetReflection()->MutableMessage(request, field);
    }
    google::protobuf::util::Status parsed =
        google::protobuf::util::JsonStringToMessage(http.body, target, options);
    if (!parsed.ok()) return JsonParseError(parsed.ToString());
    return absl::OkStatus();
  }
  json object = json::object();
  if (!route.body.empty() && !absl::StripAsciiWhitespace(http.body).empty()) {
    json body = json::parse(http.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      return absl::InvalidArgumentError("the request body is not a JSON object");
    }
    if (route.body == "*") {
      object = std::move(body);
    } else {
      object[route.body] = std::move(body);
    }
  } else if (route.body.empty() && !http.body.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(route.http_method, " ", route.path_template, " takes no request body"));
  }
  const Descriptor* descriptor = request->GetDescriptor();
  for (const auto& [key, value] : http.params) {
    if (!TextProblem(value, /*allow_controls=*/false).empty()) {
      return InvalidFieldError(key, "is not valid text (UTF-8 without control characters)");
    }
    if (route.body == "*") {
      return InvalidFieldError(key, "belongs in the JSON body of this route, not the query string");
    }
    WW_RETURN_IF_ERROR(PutQueryParam(descriptor, key, value, &object));
  }
  for (const auto& [field_path, value] : bindings) {
    if (!TextProblem(value, /*allow_controls=*/false).empty()) {
      return InvalidFieldError(field_path, "is not valid text (UTF-8 without control characters)");
    }
    json* at = &object;
    std::vector<std::string> parts = absl::StrSplit(field_path, '.');
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      json& next = (*at)[parts[i]];
      if (!next.is_object()) next = json::object();
      at = &next;
    }
    (*at)[parts.back()] = value;  // the path wins over the body
  }
  const std::string text = object.dump(-1, ' ', false, json::error_handler_t::replace);
  google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(text, request, options);
  if (!parsed.ok()) return JsonParseError(parsed.ToString());
  return absl::OkStatus();
}

// The request field a stream resumes from (`resume_cursor` or `cursor`), or nullptr.
const FieldDescriptor* CursorField(const Descriptor* request) {
  for (const char* name : {"resume_cursor", "cursor"}) {
    const FieldDescriptor* field = request->FindFieldByName(name);
    if (field != nullptr && field->type() == FieldDescriptor::TYPE_STRING && !field->is_repeated()) {
      return field;
    }
  }
  return nullptr;
}

web::ApiHandler::Response JsonResponse(int status, std::string body) {
  web::ApiHandler::Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

absl::Status MessageFromQuery(const std::multimap<std::string, std::string>& params,
                              Message* message) {
  web::ApiHandler::Request http;
  http.params = params;
  HttpRoute route;  // no body, no path variables
  return BuildRequest(route, http, {}, message);
}

CallMetadata MetadataOf(const web::ApiHandler::Request& request) {
  CallMetadata metadata;
  metadata.peer = request.peer;
  metadata.has_authorization = request.has_authorization;
  metadata.authorization = request.authorization;
  metadata.has_forwarded_for = request.has_forwarded_for;
  metadata.forwarded_for = request.forwarded_for;
  return metadata;
}

web::ApiHandler::Response MethodNotAllowed(const web::ApiHandler::Request& request) {
  web::ApiHandler::Response response = ErrorResponse(absl::UnimplementedError(
      absl::StrCat(request.method, " is not allowed on ", request.path)));
  response.status = 405;
  return response;
}

web::ApiHandler::Response ErrorResponse(const absl::Status& status) {
  web::ApiHandler::Response response =
      JsonResponse(HttpStatusFor(status.code()), StatusJson(ToGrpcStatus(status)));
  if (std::optional<absl::Duration> delay = GetRetryDelay(status)) {
    response.headers.emplace_back(
        "Retry-After", absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(
                                                              *delay, absl::Seconds(1))))));
  }
  return response;
}

absl::StatusOr<std::unique_ptr<JsonApi>> JsonApi::Create(const MethodTable* methods,
                                                         const CallGate* gate,
                                                         bool plain_http_cookies) {
  std::vector<HttpRoute> routes;
  std::vector<const MethodEntry*> entries;
  for (const auto& entry : methods->entries()) {
    absl::StatusOr<HttpRoute> route = RouteOf(entry->descriptor);
    if (!route.ok()) return absl::InvalidArgumentError(route.status().message());
    routes.push_back(*std::move(route));
    entries.push_back(entry.get());
  }
  // Routes with a custom verb first, then the more literal ones: "/v1/reports:preview" is not
  // report "reports:preview", "/v1/incidents:watch" not an incident.
  std::vector<size_t> order(routes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return !routes[a].custom_verb.empty() && routes[b].custom_verb.empty();
  });
  std::vector<HttpRoute> sorted_routes;
  std::vector<const MethodEntry*> sorted_entries;
  for (size_t i : order) {
    sorted_routes.push_back(std::move(routes[i]));
    sorted_entries.push_back(entries[i]);
  }
  return std::unique_ptr<JsonApi>(
      new JsonApi(gate, std::move(sorted_routes), std::move(sorted_entries), plain_http_cookies));
}

namespace {

constexpr absl::string_view kLoginMethod = "/wijkwacht.v1.AuthService/Login";
// The known-device cookie (JsonApi::Create): Secure with the __Host- prefix (which requires
// Path=/), or for plain-HTTP development without both, sent back to the login path only.
constexpr absl::string_view kKnownDeviceCookie = "wijkwacht_known_device";
constexpr absl::string_view kSecureKnownDeviceCookie = "__Host-wijkwacht_known_device";

// Login over HTTP: the known-device token travels as an HttpOnly cookie, never in a body a
// script can read. A known_device in the body is kept; otherwise the cookie's is used (in
// the secure mode the prefixed one, else one set before the prefix, Secure as well).
void KnownDeviceFromCookie(absl::string_view cookie_header, bool plain_http_cookies,
                           Message* request) {
  auto* login = google::protobuf::DynamicCastToGenerated<v1::LoginRequest>(request);
  if (login == nullptr || !login->known_device().empty()) return;
  std::string secure, plain;
  for (absl::string_view cookie : absl::StrSplit(cookie_header, ';')) {
    cookie = absl::StripAsciiWhitespace(cookie);
    std::string* into = nullptr;
    if (absl::ConsumePrefix(&cookie, kSecureKnownDeviceCookie)) {
      into = &secure;
    } else if (absl::ConsumePrefix(&cookie, kKnownDeviceCookie)) {
      into = &plain;
    }
    if (into != nullptr && into->empty() && absl::ConsumePrefix(&cookie, "=")) {
      *into = std::string(cookie);
    }
  }
  if (plain_http_cookies) {
    login->set_known_device(plain);
  } else {
    login->set_known_device(!secure.empty() ? secure : plain);
  }
}

// A successful Login's answer: the token response without known_device, which goes into the
// cookie (30 days).
web::ApiHandler::Response KnownDeviceCookieResponse(const Message& message,
                                                    bool plain_http_cookies) {
  v1::TokenResponse token;
  token.CopyFrom(message);
  const std::string known = token.known_device();
  token.clear_known_device();
  web::ApiHandler::Response response = JsonResponse(200, ToJson(token));
  if (!known.empty()) {
    response.headers.emplace_back(
        "Set-Cookie",
        plain_http_cookies
            ? absl::StrCat(kKnownDeviceCookie, "=", known,
                           "; Path=/v1/auth:login; Max-Age=2592000; HttpOnly; SameSite=Strict")
            : absl::StrCat(kSecureKnownDeviceCookie, "=", known,
                           "; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict"));
  }
  return response;
}

}  // namespace

std::variant<web::ApiHandler::Response, web::ApiHandler::StreamCall> JsonApi::Handle(
    const Request& http) {
  if (http.path == kOpenApiPath) {
    if (http.method != "GET") return MethodNotAllowed(http);
    Response response;
    response.body = OpenApiDocument();
    response.headers.emplace_back("Cache-Control", "public, max-age=300");
    return response;
  }
  std::vector<std::pair<std::string, std::string>> bindings;
  const HttpRoute* route = nullptr;
  const MethodEntry* entry = nullptr;
  bool path_known = false;
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchRoute(routes_[i], http.path, &bindings)) continue;
    path_known = true;
    if (routes_[i].http_method != http.method) continue;
    route = &routes_[i];
    entry = entries_[i];
    break;
  }
  if (route == nullptr) {
    if (path_known) return MethodNotAllowed(http);
    return ErrorResponse(absl::NotFoundError(absl::StrCat("no API route ", http.path)));
  }

  CallMetadata metadata = MetadataOf(http);

  if (entry->stream) {
    // The gate's answer as an HTTP status before the event stream starts (the stream itself
    // is admitted again, in-process, like any gRPC stream).
    absl::StatusOr<Caller> caller = gate_->Admit(metadata, entry->path);
    if (!caller.ok()) {
      if (gate_->observer() != nullptr) {
        gate_->observer()->StreamRefused(entry->path, static_cast<int>(caller.status().code()));
      }
      return ErrorResponse(caller.status());
    }
    // Parsed here so that bad input is a plain JSON error, not an event stream.
    std::unique_ptr<Message> request(google::protobuf::MessageFactory::generated_factory()
                                         ->GetPrototype(entry->descriptor->input_type())
                                         ->New());
    if (absl::Status built = BuildRequest(*route, http, bindings, request.get()); !built.ok()) {
      return ErrorResponse(built);
    }
    const FieldDescriptor* cursor = CursorField(request->GetDescriptor());
    if (cursor != nullptr && !http.last_event_id.empty() &&
        request->GetReflection()->GetString(*request, cursor).empty()) {
      request->GetReflection()->SetString(request.get(), cursor, http.last_event_id);
    }
    StreamCall call;
    call.method = entry->path;
    call.with_token = caller->authenticated;
    call.request_bytes = request->SerializeAsString();
    call.metadata.emplace_back(kHttpPeerMetadata, http.peer);
    if (http.has_authorization) call.metadata.emplace_back("authorization", http.authorization);
    if (http.has_forwarded_for) call.metadata.emplace_back("x-forwarded-for", http.forwarded_for);
    const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
        entry->descriptor->output_type());
    call.render = [prototype](const std::string& bytes) {
      std::unique_ptr<Message> message(prototype->New());
      if (!message->ParseFromString(bytes)) return std::string();
      const FieldDescriptor* id = message->GetDescriptor()->FindFieldByName("cursor");
      std::string out;
      if (id != nullptr && id->type() == FieldDescriptor::TYPE_STRING && !id->is_repeated()) {
        absl::StrAppend(&out, "id: ", message->GetReflection()->GetString(*message, id), "\n");
      }
      absl::StrAppend(&out, "data: ", ToJson(*message), "\n\n");
      return out;
    };
    call.end = [](const grpc::Status& status) {
      return absl::StrCat("event: ", status.ok() ? "end" : "error", "\ndata: ", StatusJson(status),
                          "\n\n");
    };
    return call;
  }

  absl::Notification finished;
  Response response;
  const bool login = entry->path == kLoginMethod;
  RunUnary(
      *gate_, *entry, std::move(metadata),
      [&](Message* request) {
        absl::Status built = BuildRequest(*route, http, bindings, request);
        if (built.ok() && login) KnownDeviceFromCookie(http.cookie, plain_http_cookies_, request);
        return built;
      },
      [&](const absl::Status& status, const Message* message) {
        if (status.ok() && login) {
          response = KnownDeviceCookieResponse(*message, plain_http_cookies_);
        } else {
          response = status.ok() ? JsonResponse(200, ToJson(*message)) : ErrorResponse(status);
        }
        finished.Notify();
      });
  finished.WaitForNotification();
  return response;
}

}  // namespace wijkwacht::services
