#include "services/openapi.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/rpc/status.pb.h"
#include "nlohmann/json.hpp"
#include "services/access_policy.h"
#include "services/api_methods.h"
#include "services/http_routes.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;
using ordered = nlohmann::ordered_json;

std::string Ref(const Descriptor* message) {
  return absl::StrCat("#/components/schemas/", message->full_name());
}

class SchemaBuilder {
 public:
  // The schema of a field's value (not repeated).
  ordered ValueSchema(const FieldDescriptor* field) {
    switch (field->type()) {
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int32"}, {"minimum", 0}};
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
        return {{"type", {"string", "integer"}}, {"format", "int64"}};
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        return {{"type", {"string", "integer"}}, {"format", "uint64"}};
      case FieldDescriptor::TYPE_FLOAT:
      case FieldDescriptor::TYPE_DOUBLE:
        return {{"type", "number"}};
      case FieldDescriptor::TYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return {{"type", "string"}, {"contentEncoding", "base64"}};
      case FieldDescriptor::TYPE_ENUM: {
        ordered values = ordered::array();
        for (int i = 0; i < field->enum_type()->value_count(); ++i) {
          values.push_back(field->enum_type()->value(i)->name());
        }
        return {{"type", "string"}, {"enum", values}};
      }
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        return MessageRef(field->message_type());
    }
    return ordered::object();
  }

  ordered MessageRef(const Descriptor* message) {
    const std::string& name = message->full_name();
    if (name == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
    if (name == "google.protobuf.Duration") {
      return {{"type", "string"}, {"pattern", "^-?[0-9]+(\\.[0-9]+)?s$"}};
    }
    if (name == "google.protobuf.Any") {
      return {{"type", "object"},
              {"properties", {{"@type", {{"type", "string"}}}}},
              {"required", {"@type"}},
              {"additionalProperties", true}};
    }
    if (name == "google.protobuf.Struct" || name == "google.protobuf.Value") return ordered::object();
    Add(message);
    return {{"$ref", Ref(message)}};
  }

  ordered FieldSchema(const FieldDescriptor* field) {
    if (field->is_map()) {
      return {{"type", "object"},
              {"additionalProperties", ValueSchema(field->message_type()->map_value())}};
    }
    if (field->is_repeated()) return {{"type", "array"}, {"items", ValueSchema(field)}};
    return ValueSchema(field);
  }

  void Add(const Descriptor* message) {
    if (!seen_.insert(message->full_name()).second) return;
    ordered properties = ordered::object();
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      properties[field->json_name()] = FieldSchema(field);
    }
    schemas_[message->full_name()] = {{"type", "object"},
                                      {"properties", properties},
                                      {"additionalProperties", false}};
  }

  ordered& schemas() { return schemas_; }

 private:
  std::set<std::string> seen_;
  ordered schemas_ = ordered::object();
};

// The query parameters of a route without a body: every leaf field not bound by the path,
// nested singular messages by dotted name (two levels at most).
void QueryParameters(SchemaBuilder& schemas, const Descriptor* message, const std::string& prefix,
                     const std::set<std::string>& bound, int depth, ordered* out) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    const std::string name = prefix.empty() ? field->json_name() : absl::StrCat(prefix, ".", field->json_name());
    const std::string proto_path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (bound.count(field->name()) > 0 || bound.count(proto_path) > 0) continue;
    const bool leaf_message =
        field->message_type() != nullptr &&
        (field->message_type()->full_name() == "google.protobuf.Timestamp" ||
         field->message_type()->full_name() == "google.protobuf.Duration");
    if (field->message_type() != nullptr && !leaf_message) {
      if (!field->is_repeated() && depth < 2) {
        QueryParameters(schemas, field->message_type(), name, bound, depth + 1, out);
      }
      continue;
    }
    ordered parameter = {{"name", name}, {"in", "query"}, {"required", false},
                         {"schema", schemas.FieldSchema(field)}};
    if (field->is_repeated()) parameter["explode"] = true;
    out->push_back(parameter);
  }
}

}  // namespace

absl::StatusOr<std::string> BuildOpenApiDocument() {
  std::vector<std::string> missing;
  std::vector<ApiMethod> methods = ApiMethods(&missing);
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("not linked: ", absl::StrJoin(missing, ", ")));
  }
  SchemaBuilder schemas;
  schemas.Add(google::rpc::Status::descriptor());
  ordered paths = ordered::object();
  for (const ApiMethod& m : methods) {
    absl::StatusOr<HttpRoute> route = RouteOf(m.descriptor);
    if (!route.ok()) return absl::InvalidArgumentError(route.status().message());
    ordered operation;
    operation["operationId"] = absl::StrCat(m.descriptor->service()->name(), "_", m.descriptor->name());
    operation["tags"] = {m.descriptor->service()->name()};
    operation["summary"] = absl::StrCat(m.descriptor->service()->name(), ".", m.descriptor->name(),
                                        m.server_streaming ? " (Server-Sent Events)" : "");
    ordered parameters = ordered::array();
    std::set<std::string> bound;
    for (const HttpRoute::Segment& segment : route->segments) {
      if (segment.literal.empty()) {
        bound.insert(segment.field);
        for (int w = 0; w < HttpRoute::Wildcards(segment); ++w) {
          int seen = 0;
          parameters.push_back(
              {{"name", HttpRoute::PathParameter(segment, w)},
               {"in", "path"},
               {"required", true},
               {"description",
                absl::StrCat("The id; the request's `", segment.field, "` is \"",
                             absl::StrJoin(segment.pattern, "/",
                                           [&](std::string* out, const std::string& p) {
                                             out->append(p != "*"       ? p
                                                         : seen++ == w ? "<id>"
                                                                       : "*");
                                           }),
                             "\".")},
               {"schema", {{"type", "string"}, {"pattern", "^[^/:]+$"}}}});
        }
      }
    }
    const Descriptor* request = m.descriptor->input_type();
    if (route->body.empty()) {
      QueryParameters(schemas, request, "", bound, 0, &parameters);
    } else {
      const Descriptor* body =
          route->body == "*" ? request : request->FindFieldByName(route->body)->message_type();
      operation["requestBody"] = {
          {"required", route->body != "*"},
          {"content", {{"application/json", {{"schema", schemas.MessageRef(body)}}}}}};
    }
    if (!parameters.empty()) operation["parameters"] = parameters;
    ordered ok;
    if (m.server_streaming) {
      ok = {{"description",
             absl::StrCat("Server-Sent Events: each `data:` is a ", m.descriptor->output_type()->full_name(),
                          " as JSON, its `id:` the cursor to resume from (Last-Event-ID); the stream "
                          "ends with an `error` event carrying a google.rpc.Status.")},
            {"content",
             {{"text/event-stream",
               {{"schema", {{"type", "string"},
                            {"description", "`data:` of each event"},
                            {"contentMediaType", "application/json"},
                            {"contentSchema", schemas.MessageRef(m.descriptor->output_type())}}}}}}}};
    } else {
      ok = {{"description", m.descriptor->output_type()->full_name()},
            {"content", {{"application/json", {{"schema", schemas.MessageRef(m.descriptor->output_type())}}}}}};
    }
    const ordered error = {
        {"description", "An error: google.rpc.Status with BadRequest field violations, "
                        "RetryInfo and ErrorInfo details (HTTP status from the gRPC code)."},
        {"content", {{"application/json", {{"schema", {{"$ref", Ref(google::rpc::Status::descriptor())}}}}}}}};
    operation["responses"] = {{"200", ok}, {"4XX", error}, {"default", error}};
    const RpcAccess* access = FindRpcAccess(m.path);
    ordered security = ordered::array();
    if (access == nullptr || access->anonymous) security.push_back(ordered::object());
    security.push_back({{"bearer", ordered::array()}});
    operation["security"] = security;
    if (access != nullptr) {
      std::vector<std::string> roles;
      for (auth::Role role : {auth::Role::kResident, auth::Role::kEntrepreneur, auth::Role::kDispatcher,
                              auth::Role::kAnalyst, auth::Role::kAdmin}) {
        if ((access->roles & RoleBit(role)) != 0) roles.emplace_back(auth::RoleName(role));
      }
      operation["x-roles"] = roles;
      operation["description"] =
          absl::StrCat("Roles: ", absl::StrJoin(roles, ", "), access->anonymous ? "; also without a token" : "",
                       access->rate_limited ? ". Rate-limited per device and per client address." : ".");
    }
    std::string http_method = route->http_method;
    for (char& c : http_method) c = static_cast<char>(std::tolower(c));
    paths[route->OpenApiPath()][http_method] = operation;
  }
  ordered document = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "wijkwacht API"},
        {"version", "v1"},
        {"description",
         "The wijkwacht.v1 gRPC API as JSON over HTTP (protobuf's JSON mapping), generated from "
         "the proto descriptors and their google.api.http routes."}}},
      {"servers", {{{"url", "/"}}}},
      {"security", {{{"bearer", ordered::array()}}}},
      {"tags", ordered::array()},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}},
        {"schemas", schemas.schemas()}}}};
  std::set<std::string> tags;
  for (const ApiMethod& m : methods) {
    if (tags.insert(m.descriptor->service()->name()).second) {
      document["tags"].push_back({{"name", m.descriptor->service()->name()},
                                  {"description", m.descriptor->service()->full_name()}});
    }
  }
  return document.dump(2);
}

}  // namespace wijkwacht::services
