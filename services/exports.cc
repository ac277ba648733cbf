#include "services/exports.h"

#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/area_features.h"
#include "services/http_api.h"
#include "wijkwacht/v1/dispatch.pb.h"
#include "wijkwacht/v1/map.pb.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;
using ordered = nlohmann::ordered_json;

constexpr int kPageSize = 1000;

// A plain decimal number ("-4.5"): starts with '-' but is no formula.
bool PlainNumber(absl::string_view value) {
  absl::ConsumePrefix(&value, "-");
  const size_t dot = value.find('.');
  const auto digits = [](absl::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
  };
  return dot == absl::string_view::npos
             ? digits(value)
             : digits(value.substr(0, dot)) && digits(value.substr(dot + 1));
}

// One RFC 4180 field. A cell a spreadsheet would read as a formula (starting with = + - @,
// tab or carriage return; OWASP "CSV Injection") gets a leading single quote, so free text
// such as a report's description is shown as text and never evaluated; plain numbers stay.
std::string CsvField(absl::string_view raw) {
  std::string value(raw);
  if (!value.empty() && absl::string_view("=+-@\t\r").find(value[0]) != absl::string_view::npos &&
      !PlainNumber(value)) {
    value.insert(0, "'");
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendRow(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(CsvField(fields[i]));
  }
  out->append("\r\n");
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string Number(double v) { return absl::StrCat(v); }

std::string Id(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

constexpr const char* kReportColumns[] = {
    "id", "create_time", "update_time", "observed_time", "status", "category", "theme",
    "theme_confidence", "needs_review", "latitude", "longitude", "accuracy_meters",
    "gemeente_code", "wijk_code", "buurt_code", "focus_areas", "incident_id", "reporter_role",
    "description"};

void ReportRows(const v1::ListReportsResponse& page, std::string* out) {
  for (const v1::Report& r : page.reports()) {
    AppendRow({r.id(), Time(r.create_time()), Time(r.update_time()), Time(r.observed_time()),
               v1::ReportStatus_Name(r.status()), r.category(), v1::Theme_Name(r.theme()),
               Number(r.theme_confidence()), r.needs_review() ? "true" : "false",
               Number(r.location().latitude()), Number(r.location().longitude()),
               Number(r.accuracy_meters()), r.area().gemeente_code(), r.area().wijk_code(),
               r.area().buurt_code(), absl::StrJoin(r.area().focus_areas(), ";"),
               Id(r.incident_id()), v1::ReporterRole_Name(r.reporter_role()), r.description()},
              out);
  }
}

constexpr const char* kIncidentColumns[] = {
    "id", "status", "theme", "category", "priority", "needs_review", "latitude", "longitude",
    "gemeente_code", "wijk_code", "buurt_code", "first_observed_time", "last_observed_time",
    "report_count", "claimed_by", "assigned_team", "version", "create_time", "update_time"};

void IncidentRows(const v1::ListIncidentsResponse& page, std::string* out) {
  for (const v1::Incident& i : page.incidents()) {
    AppendRow({Id(i.name()), v1::IncidentStatus_Name(i.status()), v1::Theme_Name(i.theme()),
               i.category(), absl::StrCat(i.priority()), i.needs_review() ? "true" : "false",
               Number(i.centroid().latitude()), Number(i.centroid().longitude()),
               i.area().gemeente_code(), i.area().wijk_code(), i.area().buurt_code(),
               Time(i.first_observed_time()), Time(i.last_observed_time()),
               absl::StrCat(i.reports_size()), i.claimed_by(), v1::Team_Name(i.assigned_team()),
               absl::StrCat(i.version()), Time(i.create_time()), Time(i.update_time())},
              out);
  }
}

// A paged list as CSV: the first page now (so that refusals get their status), the rest as
// the body is sent.
template <typename Request, typename Response, size_t N>
web::ApiHandler::Response PagedCsv(const MethodTable& methods, const CallGate& gate,
                                   const CallMetadata& metadata, const char* method,
                                   Request request, const char* const (&columns)[N],
                                   void (*rows)(const Response&, std::string*)) {
  request.set_page_size(kPageSize);
  Response first;
  if (absl::Status s = CallUnary(methods, gate, metadata, method, request, &first); !s.ok()) {
    return ErrorResponse(s);
  }
  web::ApiHandler::Response response;
  response.content_type = "text/csv; charset=utf-8; header=present";
  response.headers.emplace_back("Cache-Control", "no-store");
  AppendRow(std::vector<std::string>(columns, columns + N), &response.body);
  rows(first, &response.body);
  if (first.next_page_token().empty()) return response;
  request.set_page_token(first.next_page_token());
  auto next = std::make_shared<Request>(std::move(request));
  response.more = [&methods, &gate, metadata, method, next, rows](std::string* chunk) {
    if (next->page_token().empty()) return false;
    Response page;
    if (!CallUnary(methods, gate, metadata, method, *next, &page).ok()) return false;
    rows(page, chunk);
    next->set_page_token(page.next_page_token());
    return true;
  };
  return response;
}

}  // namespace

std::variant<web::ApiHandler::Response, web::ApiHandler::StreamCall> ExportsApi::Handle(
    const Request& http) {
  if (http.method != "GET") return MethodNotAllowed(http);
  const CallMetadata metadata = MetadataOf(http);
  const absl::string_view what = absl::StripPrefix(http.path, "/v1/exports/");
  if (what == "reports.csv") {
    v1::ListReportsRequest request;
    if (absl::Status s = MessageFromQuery(http.params, &request); !s.ok()) return ErrorResponse(s);
    return PagedCsv<v1::ListReportsRequest, v1::ListReportsResponse>(
        *methods_, *gate_, metadata, "/wijkwacht.v1.ReportService/ListReports", std::move(request),
        kReportColumns, &ReportRows);
  }
  if (what == "incidents.csv") {
    v1::ListIncidentsRequest request;
    if (absl::Status s = MessageFromQuery(http.params, &request); !s.ok()) return ErrorResponse(s);
    return PagedCsv<v1::ListIncidentsRequest, v1::ListIncidentsResponse>(
        *methods_, *gate_, metadata, "/wijkwacht.v1.DispatchService/ListIncidents",
        std::move(request), kIncidentColumns, &IncidentRows);
  }
  if (what != "aggregates.geojson") {
    return ErrorResponse(absl::NotFoundError(absl::StrCat("no export ", http.path)));
  }
  v1::GetAggregatesRequest aggregates;
  v1::AggregateSelection& selection = *aggregates.mutable_selection();
  if (absl::Status s = MessageFromQuery(http.params, &selection); !s.ok()) return ErrorResponse(s);
  ApplyAreaSelectionDefaults(clock_->Now(), &selection);
  absl::StatusOr<AreaFeatures> read = ReadAreaFeatures(*methods_, *gate_, metadata, aggregates);
  if (!read.ok()) return ErrorResponse(read.status());
  ordered features = ordered::array();
  for (AreaFeature& f : read->features) features.push_back(std::move(f.feature));
  Response response;
  response.content_type = "application/geo+json";
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = ordered{{"type", "FeatureCollection"}, {"features", features}}.dump();
  return response;
}

}  // namespace wijkwacht::services
