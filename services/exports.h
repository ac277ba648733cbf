// ExportsApi: bulk exports on the HTTP port, read through the same method table and gate as
// the v1 API (the caller's Authorization decides what they get; roles as ListReports,
// ListIncidents and GetAggregates):
//
//   GET /v1/exports/reports.csv        ListReports, every page (staff), same filters as the
//                                      route's query (?areaCode=&theme=&status=&startTime=&endTime=)
//   GET /v1/exports/incidents.csv      ListIncidents, every page (dispatch), its filters
//   GET /v1/exports/aggregates.geojson ListAreas (with geometry) x GetAggregates: a GeoJSON
//                                      FeatureCollection, one Feature per area and period
//                                      (?level=BUURT|WIJK, period=DAY|WEEK|MONTH|HALF_YEAR,
//                                      startTime, endTime; default the last 30 days by MONTH)
//
// CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a comma, quote,
// CR or LF (quotes doubled). A field a spreadsheet would evaluate as a formula (starting with
// = + - @, tab or CR; plain numbers such as "-4.5" excepted) gets a leading single quote. Sent as it is read, one page at a time (chunked), so a large
// export holds one page in memory; a failure after the first page ends the body early (the
// rows so far are whole). Stable columns, in this order:
//   reports.csv:   id, create_time, update_time, observed_time, status, category, theme,
//                  theme_confidence, needs_review, latitude, longitude, accuracy_meters,
//                  gemeente_code, wijk_code, buurt_code, focus_areas (";"-joined),
//                  incident_id, reporter_role, description
//   incidents.csv: id, status, theme, category, priority, needs_review, latitude, longitude,
//                  gemeente_code, wijk_code, buurt_code, first_observed_time,
//                  last_observed_time, report_count, claimed_by, assigned_team, version,
//                  create_time, update_time
// Times are RFC 3339 UTC; enums by name; ids without their "reports/" / "incidents/" prefix.
//
// GeoJSON properties (flat, for QGIS): code, name, level, parent_code, period_start, and per
// theme <THEME>_reports, <THEME>_incidents. For a caller without exact counts (MapService's
// suppression threshold k > 0: the public), every count below k — withheld ones and zeros
// alike — is null, so no feature carries a count below k; `suppression_k` says which k.
//
// Errors before the body: google.rpc.Status JSON, as the JSON routes (http_api.h).
// Thread safety: Handle() may be called concurrently; everything referenced must outlive it.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "services/method_table.h"
#include "web/api_handler.h"

namespace wijkwacht::services {

class ExportsApi final : public web::ApiHandler {
 public:
  ExportsApi(const MethodTable* methods, const CallGate* gate, const Clock* clock)
      : methods_(methods), gate_(gate), clock_(clock != nullptr ? clock : SystemClock()) {}

  [[nodiscard]] std::vector<std::string> prefixes() const override { return {"/v1/exports/"}; }
  [[nodiscard]] std::variant<Response, StreamCall> Handle(const Request& request) override;

 private:
  const MethodTable* methods_;
  const CallGate* gate_;
  const Clock* clock_;
};

}  // namespace wijkwacht::services
