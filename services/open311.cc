#include "services/open311.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/http_status.h"
#include "common/status.h"
#include "common/text.h"
#include "domain/geo/place_names.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/http_api.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::services {
namespace {

using ordered = nlohmann::ordered_json;
using google::protobuf::util::TimeUtil;

constexpr char kSubmit[] = "/wijkwacht.v1.ReportService/SubmitReport";
constexpr char kGet[] = "/wijkwacht.v1.ReportService/GetReport";
constexpr char kList[] = "/wijkwacht.v1.ReportService/ListReports";
constexpr absl::Duration kWindow = absl::Hours(24 * 90);
constexpr size_t kMaxRequests = 1000;

enum class Format { kJson, kXml };

// The Open311 parameter a field violation of SubmitReport is about.
std::string ParameterOf(absl::string_view field) {
  static constexpr std::pair<absl::string_view, absl::string_view> kNames[] = {
      {"report.location.latitude", "lat"}, {"report.location.longitude", "long"},
      {"report.location", "lat"},          {"report.category", "service_code"},
      {"report.description", "description"}, {"report.contact.email", "email"},
      {"report.contact.name", "first_name"}, {"report.contact.phone", "phone"},
      {"report.id", "attribute[id]"},      {"report.accuracy_meters", "attribute[accuracy]"},
      {"name", "service_request_id"},      {"start_time", "start_date"},
      {"end_time", "end_date"},            {"report.media_url", "media_url"}};
  for (const auto& [from, to] : kNames) {
    if (field == from) return std::string(to);
  }
  return std::string(field);
}

std::string XmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// The element name of one item of a list named `list` ("services" -> "service").
std::string ItemName(const std::string& list) {
  if (list == "service_requests") return "request";
  if (list == "errors") return "error";
  if (absl::EndsWith(list, "s")) return list.substr(0, list.size() - 1);
  return list;
}

void AppendXml(const std::string& name, const ordered& value, std::string* out) {
  if (value.is_array()) {
    absl::StrAppend(out, "<", name, ">");
    for (const ordered& item : value) AppendXml(ItemName(name), item, out);
    absl::StrAppend(out, "</", name, ">");
  } else if (value.is_object()) {
    absl::StrAppend(out, "<", name, ">");
    for (const auto& [key, item] : value.items()) AppendXml(key, item, out);
    absl::StrAppend(out, "</", name, ">");
  } else if (value.is_null()) {
    absl::StrAppend(out, "<", name, "/>");
  } else {
    absl::StrAppend(out, "<", name, ">",
                    XmlEscape(value.is_string() ? value.get<std::string>() : value.dump()), "</",
                    name, ">");
  }
}

web::ApiHandler::Response Answer(Format format, const std::string& root, const ordered& value,
                                 int status = 200);

// 405 for a method the resource does not take.
web::ApiHandler::Response NotAllowed(Format format, absl::string_view allowed) {
  const ordered errors = ordered::array(
      {{{"code", 405}, {"description", absl::StrCat("use ", allowed)}}});
  web::ApiHandler::Response response = Answer(format, "errors", errors, 405);
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

web::ApiHandler::Response Answer(Format format, const std::string& root, const ordered& value,
                                 int status) {
  web::ApiHandler::Response response;
  response.status = status;
  response.headers.emplace_back("Cache-Control", "no-store");
  if (format == Format::kJson) {
    response.content_type = "application/json; charset=utf-8";
    response.body = value.dump();
  } else {
    response.content_type = "text/xml; charset=utf-8";
    response.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
    AppendXml(root, value, &response.body);
  }
  return response;
}

web::ApiHandler::Response Error(Format format, const absl::Status& status) {
  const int http = HttpStatusFor(status.code());
  ordered errors = ordered::array();
  std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) {
    errors.push_back({{"code", http}, {"description", std::string(status.message())}});
  }
  for (const FieldViolation& v : violations) {
    errors.push_back(
        {{"code", http}, {"description", absl::StrCat(ParameterOf(v.field), ": ", v.description)}});
  }
  web::ApiHandler::Response response = Answer(format, "errors", errors, http);
  if (std::optional<absl::Duration> delay = GetRetryDelay(status)) {
    response.headers.emplace_back(
        "Retry-After", absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(*delay, absl::Seconds(1))))));
  }
  return response;
}

std::string Rfc3339(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

bool IsOpen(v1::ReportStatus status) {
  return status == v1::RECEIVED || status == v1::TRIAGED || status == v1::IN_PROGRESS ||
         status == v1::REPORT_STATUS_UNSPECIFIED;
}

// The value of parameter `name` ("" when absent); `present` tells whether it was sent.
std::string Param(const web::ApiHandler::Request& request, const std::string& name,
                  bool* present = nullptr) {
  auto it = request.params.find(name);
  if (present != nullptr) *present = it != request.params.end();
  return it == request.params.end() ? "" : it->second;
}

absl::StatusOr<absl::Time> ParseDate(const std::string& text, absl::string_view param) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return InvalidFieldError(param, "must be a W3C date-time, e.g. 2026-12-06T20:00:00Z");
  }
  return t;
}

}  // namespace

Open311Api::Open311Api(Parts parts) : parts_(std::move(parts)) {
  if (parts_.clock == nullptr) parts_.clock = SystemClock();
  if (parts_.random == nullptr) parts_.random = auth::SystemRandom();
}

std::variant<web::ApiHandler::Response, web::ApiHandler::StreamCall> Open311Api::Handle(
    const Request& http) {
  absl::string_view path = http.path;
  path = absl::StripPrefix(path, "/open311/v2/");
  Format format = Format::kJson;
  if (absl::ConsumeSuffix(&path, ".xml")) {
    format = Format::kXml;
  } else if (!absl::ConsumeSuffix(&path, ".json")) {
    return Error(Format::kJson, absl::NotFoundError(absl::StrCat(
                                    "no Open311 resource ", http.path, " (add .json or .xml)")));
  }
  CallMetadata metadata = MetadataOf(http);
  if (const std::string key = Param(http, "api_key"); !key.empty()) {
    metadata.has_authorization = true;
    metadata.authorization = absl::StrCat("Bearer ", key);
  }
  // One RPC of the method table, waited for.
  auto call = [&](const char* method, const google::protobuf::Message& request,
                  google::protobuf::Message* response) {
    return CallUnary(*parts_.methods, *parts_.gate, metadata, method, request, response);
  };
  auto request_json = [&](const v1::Report& report) {
    const catalog::Category* category = parts_.catalog->Find(report.category());
    return ordered{
        {"service_request_id", report.id()},
        {"status", IsOpen(report.status()) ? "open" : "closed"},
        {"status_notes", absl::StrCat("Status: ", v1::ReportStatus_Name(report.status()))},
        {"service_name", category != nullptr ? category->name : report.category()},
        {"service_code", report.category()},
        {"description", report.description()},
        {"agency_responsible", parts_.jurisdiction},
        {"service_notice", ""},
        {"requested_datetime", Rfc3339(report.create_time())},
        {"updated_datetime", Rfc3339(report.update_time())},
        {"expected_datetime", ""},
        {"address", ""},
        {"address_id", ""},
        {"zipcode", ""},
        {"lat", report.location().latitude()},
        {"long", report.location().longitude()},
        {"media_url", report.media_url()}};
  };

  if (path == "discovery") {
    if (http.method != "GET") return NotAllowed(format, "GET");
    ordered endpoint = {{"specification", "http://wiki.open311.org/GeoReport_v2"},
                        {"url", absl::StrCat(http.base_url, "/open311/v2")},
                        {"changeset", "2026-12-06T00:00:00Z"},
                        {"type", "production"},
                        {"formats", {"text/xml", "application/json"}}};
    return Answer(format, "discovery",
                  {{"changeset", "2026-12-06T00:00:00Z"},
                   {"contact", absl::StrCat("Gemeente Beverwijk (", parts_.jurisdiction, ")")},
                   {"key_service",
                    "api_key: an access token of the wijkwacht v1 API (POST /v1/devices), or a "
                    "partner account's key (ask the municipality)"},
                   {"endpoints", ordered::array({endpoint})}});
  }
  if (path == "services" || absl::StartsWith(path, "services/")) {
    if (http.method != "GET") return NotAllowed(format, "GET");
    if (absl::ConsumePrefix(&path, "services/")) {
      const catalog::Category* category = parts_.catalog->Find(path);
      if (category == nullptr || !category->active) {
        return Error(format, absl::NotFoundError(absl::StrCat("no service ", path)));
      }
      return Answer(format, "service_definition",
                    {{"service_code", category->code}, {"attributes", ordered::array()}});
    }
    ordered services = ordered::array();
    for (const catalog::Category& c : parts_.catalog->categories()) {
      if (!c.active) continue;
      services.push_back({{"service_code", c.code},
                          {"service_name", c.name},
                          {"description", c.description},
                          {"metadata", false},
                          {"type", "realtime"},
                          {"keywords", absl::StrJoin(c.search_terms, ",")},
                          {"group", std::string(catalog::CategoryGroupName(c.group))}});
    }
    return Answer(format, "services", services);
  }
  if (absl::ConsumePrefix(&path, "requests/")) {
    if (http.method != "GET") return NotAllowed(format, "GET");
    v1::GetReportRequest get;
    get.set_name(absl::StrCat("reports/", path));
    v1::Report report;
    if (absl::Status s = call(kGet, get, &report); !s.ok()) return Error(format, s);
    return Answer(format, "service_requests", ordered::array({request_json(report)}));
  }
  if (path != "requests") {
    return Error(format, absl::NotFoundError(absl::StrCat("no Open311 resource ", http.path)));
  }
  if (http.method == "POST") {
    v1::SubmitReportRequest submit;
    v1::Report& report = *submit.mutable_report();
    // lat/long, else address_string located by the area data's place names (an empty form
    // field counts as absent).
    const std::string lat = Param(http, "lat");
    const std::string lon = Param(http, "long");
    if (lat.empty() && lon.empty()) {
      const std::string address = Param(http, "address_string");
      if (address.empty() || parts_.places == nullptr) {
        return Error(format, InvalidFieldError(
                                 address.empty() ? "lat" : "address_string",
                                 address.empty()
                                     ? "lat and long, or an address_string, are required"
                                     : "cannot be located by this server; send lat and long"));
      }
      absl::StatusOr<geo::NamedPlace> place = parts_.places->Locate(address);
      if (!place.ok()) {
        return Error(format, InvalidFieldError("address_string", place.status().message()));
      }
      report.mutable_location()->set_latitude(place->latitude);
      report.mutable_location()->set_longitude(place->longitude);
      report.set_accuracy_meters(std::min(place->radius_meters, parts_.max_accuracy_meters));
    } else {
      if (lat.empty() || lon.empty()) {
        return Error(format, InvalidFieldError(lat.empty() ? "lat" : "long",
                                               "lat and long are required together"));
      }
      double latitude = 0, longitude = 0;
      if (!absl::SimpleAtod(lat, &latitude)) return Error(format, InvalidFieldError("lat", "must be a number"));
      if (!absl::SimpleAtod(lon, &longitude)) return Error(format, InvalidFieldError("long", "must be a number"));
      report.mutable_location()->set_latitude(latitude);
      report.mutable_location()->set_longitude(longitude);
    }
    report.set_media_url(Param(http, "media_url"));
    report.set_category(Param(http, "service_code"));
    report.set_description(Param(http, "description"));
    report.set_reporter_role(v1::RESIDENT);
    *report.mutable_observed_time() =
        TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(parts_.clock->Now()));
    if (std::string email = Param(http, "email"); !email.empty()) {
      report.mutable_contact()->set_email(email);
    }
    if (std::string phone = Param(http, "phone"); !phone.empty()) {
      report.mutable_contact()->set_phone(phone);
    }
    const std::string name = absl::StrJoin(
        {Param(http, "first_name"), Param(http, "last_name")}, " ");
    if (!absl::StripAsciiWhitespace(name).empty()) {
      report.mutable_contact()->set_name(std::string(absl::StripAsciiWhitespace(name)));
    }
    std::string id = Param(http, "attribute[id]");
    if (id.empty()) {
      absl::StatusOr<std::string> bytes = parts_.random->Bytes(16);
      if (!bytes.ok()) return Error(format, bytes.status());
      id = FormatUuid(*bytes, 4);
    } else {
      // A retry of a request already stored keeps its observed time (Open311 sends none; the
      // server's clock stands in for it), so the same request is the same report later too.
      v1::GetReportRequest get;
      get.set_name(absl::StrCat("reports/", id));
      v1::Report earlier;
      if (call(kGet, get, &earlier).ok() && earlier.has_observed_time()) {
        *report.mutable_observed_time() = earlier.observed_time();
      }
    }
    report.set_id(id);
    v1::Report stored;
    if (absl::Status s = call(kSubmit, submit, &stored); !s.ok()) return Error(format, s);
    return Answer(format, "service_requests",
                  ordered::array({{{"service_request_id", stored.id()},
                                   {"service_notice", ""},
                                   {"account_id", nullptr}}}));
  }
  if (http.method != "GET") return NotAllowed(format, "GET, POST");
  ordered requests = ordered::array();
  if (const std::string ids = Param(http, "service_request_id"); !ids.empty()) {
    for (absl::string_view id : absl::StrSplit(ids, ',', absl::SkipWhitespace())) {
      v1::GetReportRequest get;
      get.set_name(absl::StrCat("reports/", absl::StripAsciiWhitespace(id)));
      v1::Report report;
      if (absl::Status s = call(kGet, get, &report); !s.ok()) return Error(format, s);
      requests.push_back(request_json(report));
    }
    return Answer(format, "service_requests", requests);
  }
  const absl::Time now = parts_.clock->Now();
  absl::Time start = now - kWindow, end = now;
  bool has_end = false, has_start = false;
  const std::string end_date = Param(http, "end_date", &has_end);
  const std::string start_date = Param(http, "start_date", &has_start);
  if (has_end) {
    absl::StatusOr<absl::Time> t = ParseDate(end_date, "end_date");
    if (!t.ok()) return Error(format, t.status());
    end = *t;
    start = end - kWindow;
  }
  if (has_start) {
    absl::StatusOr<absl::Time> t = ParseDate(start_date, "start_date");
    if (!t.ok()) return Error(format, t.status());
    start = *t;
  }
  if (end <= start) return Error(format, InvalidFieldError("end_date", "must be after start_date"));
  if (end - start > kWindow) {
    return Error(format, InvalidFieldError("start_date", "the window is at most 90 days"));
  }
  const std::string status = Param(http, "status");
  if (!status.empty() && status != "open" && status != "closed") {
    return Error(format, InvalidFieldError("status", "must be open or closed"));
  }
  const std::string service_code = Param(http, "service_code");
  v1::ListReportsRequest list;
  list.set_page_size(static_cast<int>(kMaxRequests));
  *list.mutable_start_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(start));
  *list.mutable_end_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(end));
  do {
    v1::ListReportsResponse page;
    if (absl::Status s = call(kList, list, &page); !s.ok()) return Error(format, s);
    for (const v1::Report& report : page.reports()) {
      if (!service_code.empty() && report.category() != service_code) continue;
      if (!status.empty() && (status == "open") != IsOpen(report.status())) continue;
      if (requests.size() < kMaxRequests) requests.push_back(request_json(report));
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty() && requests.size() < kMaxRequests);
  return Answer(format, "service_requests", requests);
}

}  // namespace wijkwacht::services
