#include "services/http_routes.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The field at dotted `path` in `message`, or nullptr.
const FieldDescriptor* FieldAt(const Descriptor* message, absl::string_view path) {
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (message == nullptr) return nullptr;
    field = message->FindFieldByName(std::string(part));
    if (field == nullptr) return nullptr;
    message = field->message_type();
  }
  return field;
}

// Splits "a/{b=c/*}/d" at the slashes outside braces.
std::vector<std::string> SplitOutsideBraces(absl::string_view path) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (char c : path) {
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c == '/' && depth == 0) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string HttpRoute::OpenApiPath() const {
  std::string out;
  for (const Segment& segment : segments) {
    if (!segment.literal.empty()) {
      absl::StrAppend(&out, "/", segment.literal);
      continue;
    }
    int wildcard = 0;
    for (const std::string& p : segment.pattern) {
      absl::StrAppend(&out, "/",
                      p == "*" ? absl::StrCat("{", PathParameter(segment, wildcard++), "}") : p);
    }
  }
  if (!custom_verb.empty()) absl::StrAppend(&out, ":", custom_verb);
  return out;
}

int HttpRoute::Wildcards(const Segment& segment) {
  int n = 0;
  for (const std::string& p : segment.pattern) n += p == "*" ? 1 : 0;
  return n;
}

std::string HttpRoute::PathParameter(const Segment& segment, int wildcard) {
  std::string name = absl::StrReplaceAll(segment.field, {{".", "_"}});
  if (Wildcards(segment) > 1) absl::StrAppend(&name, "_", wildcard + 1);
  return name;
}

std::string HttpRoute::ExamplePath(absl::string_view id) const {
  std::string out;
  for (const Segment& segment : segments) {
    if (!segment.literal.empty()) {
      absl::StrAppend(&out, "/", segment.literal);
      continue;
    }
    for (const std::string& p : segment.pattern) absl::StrAppend(&out, "/", p == "*" ? id : p);
  }
  if (!custom_verb.empty()) absl::StrAppend(&out, ":", custom_verb);
  return out;
}

absl::StatusOr<HttpRoute> RouteOf(const google::protobuf::MethodDescriptor* method) {
  HttpRoute route;
  route.method = method;
  route.rpc = absl::StrCat("/", method->service()->full_name(), "/", method->name());
  if (!method->options().HasExtension(google::api::http)) {
    return absl::NotFoundError(absl::StrCat(route.rpc, " has no google.api.http route"));
  }
  const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(route.rpc, ": google.api.http ", why));
  };
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet: route.http_method = "GET"; route.path_template = rule.get(); break;
    case google::api::HttpRule::kPost: route.http_method = "POST"; route.path_template = rule.post(); break;
    case google::api::HttpRule::kPut: route.http_method = "PUT"; route.path_template = rule.put(); break;
    case google::api::HttpRule::kPatch: route.http_method = "PATCH"; route.path_template = rule.patch(); break;
    case google::api::HttpRule::kDelete: route.http_method = "DELETE"; route.path_template = rule.delete_(); break;
    default: return bad("needs one of get, post, put, patch, delete");
  }
  if (rule.additional_bindings_size() > 0) return bad("additional_bindings are not supported");
  absl::string_view path = route.path_template;
  if (!absl::ConsumePrefix(&path, "/")) return bad("path must start with '/'");
  const size_t last_slash = path.rfind('/');
  const size_t last_brace = path.rfind('}');
  size_t from = last_slash == absl::string_view::npos ? 0 : last_slash;
  if (last_brace != absl::string_view::npos && last_brace > from) from = last_brace;
  if (const size_t colon = path.find(':', from); colon != absl::string_view::npos) {
    route.custom_verb = std::string(path.substr(colon + 1));
    path = path.substr(0, colon);
  }
  const Descriptor* request = method->input_type();
  for (const std::string& part : SplitOutsideBraces(path)) {
    HttpRoute::Segment segment;
    if (part.empty()) return bad("has an empty path segment");
    if (part.front() != '{') {
      if (absl::StrContains(part, "*") || absl::StrContains(part, "}")) return bad("bad segment");
      segment.literal = part;
      route.segments.push_back(std::move(segment));
      continue;
    }
    if (part.back() != '}') return bad(absl::StrCat("bad variable ", part));
    absl::string_view inner = absl::string_view(part).substr(1, part.size() - 2);
    std::pair<std::string, std::string> field_pattern = absl::StrSplit(inner, absl::MaxSplits('=', 1));
    segment.field = field_pattern.first;
    segment.pattern = field_pattern.second.empty()
                          ? std::vector<std::string>{"*"}
                          : std::vector<std::string>(absl::StrSplit(field_pattern.second, '/'));
    int wildcards = 0;
    for (const std::string& p : segment.pattern) {
      if (p.empty() || p == "**") return bad(absl::StrCat("unsupported pattern in ", part));
      if (p == "*") ++wildcards;
    }
    if (wildcards < 1) return bad(absl::StrCat("needs a '*' in ", part));
    const FieldDescriptor* field = FieldAt(request, segment.field);
    if (field == nullptr || field->type() != FieldDescriptor::TYPE_STRING || field->is_repeated()) {
      return bad(absl::StrCat("binds ", segment.field, ", which is not a string field of ",
                              request->full_name()));
    }
    route.segments.push_back(std::move(segment));
  }
  route.body = rule.body();
  if (!route.body.empty() && route.body != "*") {
    const FieldDescriptor* field = request->FindFieldByName(route.body);
    if (field == nullptr || field->message_type() == nullptr || field->is_repeated()) {
      return bad(absl::StrCat("body ", route.body, " is not a message field of ",
                              request->full_name()));
    }
  }
  if (route.http_method == "GET" && !route.body.empty()) return bad("GET takes no body");
  return route;
}

bool MatchRoute(const HttpRoute& route, absl::string_view path,
                std::vector<std::pair<std::string, std::string>>* bindings) {
  bindings->clear();
  if (!absl::ConsumePrefix(&path, "/")) return false;
  if (!route.custom_verb.empty()) {
    if (!absl::ConsumeSuffix(&path, absl::StrCat(":", route.custom_verb))) return false;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  size_t next = 0;
  for (const HttpRoute::Segment& segment : route.segments) {
    if (!segment.literal.empty()) {
      if (next >= parts.size() || parts[next] != segment.literal) return false;
      ++next;
      continue;
    }
    if (next + segment.pattern.size() > parts.size()) return false;
    std::vector<absl::string_view> bound;
    for (const std::string& p : segment.pattern) {
      absl::string_view part = parts[next++];
      if (part.empty() || (p != "*" && part != p)) return false;
      // A custom verb of another route is not an id.
      if (p == "*" && route.custom_verb.empty() && absl::StrContains(part, ':')) return false;
      bound.push_back(part);
    }
    bindings->emplace_back(segment.field, absl::StrJoin(bound, "/"));
  }
  return next == parts.size();
}

}  // namespace wijkwacht::services
