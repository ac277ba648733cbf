// Open311Api: Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/
// on the HTTP port, every answer in JSON (`.json`) or XML (`.xml`), onto the same method
// table, gate and handlers as the v1 API (services/method_table.h):
//
//   GET  discovery.{json,xml}        the endpoint, its formats and changeset
//   GET  services.{json,xml}         the category catalogue: service_code = category code,
//                                    service_name, description, group, keywords; metadata
//                                    false (no category asks for extra attributes)
//   GET  services/{code}.{json,xml}  a service definition (its attributes: none)
//   POST requests.{json,xml}         SubmitReport: lat/long, or without them address_string,
//                                    located by the area data's buurt names alone
//                                    (geo::PlaceNames: the buurt's centroid, its radius as
//                                    accuracy_meters; a place it cannot name is a 400 on
//                                    address_string; no outside geocoder), service_code,
//                                    description, email, name, phone, media_url (a link kept
//                                    as Report.media_url, never fetched; report/media_url.h);
//                                    the request's own id as `attribute[id]` (a UUID, the
//                                    idempotency key) or a new one
//   GET  requests.{json,xml}         ListReports (staff): service_code, status, start_date,
//                                    end_date (at most 90 days; default the last 90), or
//                                    service_request_id (comma-separated) through GetReport
//   GET  requests/{id}.{json,xml}    GetReport (the reporter's own, or staff)
//
// api_key: an access token of the v1 API (a registered device's or a staff account's), or a
// partner account's key ("wwp.{id}.{secret}", services/partner_keys.h), presented to the
// CallGate exactly like "Authorization: Bearer", so roles and rate limits are the v1 API's (a
// partner's writes count against its own limit). Without one, only discovery and services
// answer.
//
// Status: RECEIVED, TRIAGED, IN_PROGRESS -> "open"; RESOLVED, REJECTED, CLOSED -> "closed";
// status_notes names the workflow status. Reports carry no address: `address` is empty and
// lat/long are the stored location (as the v1 API returns it to the same caller; for a
// located address_string the buurt's centroid); media_url is the report's.
//
// Errors: Open311's shape, [{"code": 400, "description": "..."}] (XML: <errors><error>...),
// with the HTTP status of the gRPC code; a field violation names the Open311 parameter.
//
// Thread safety: Handle() may be called concurrently; everything referenced must outlive it.
#pragma once

#include <string>
#include <vector>

#include "auth/random.h"
#include "common/clock.h"
#include "domain/catalog/category_catalog.h"
#include "domain/geo/place_names.h"
#include "services/method_table.h"
#include "web/api_handler.h"

namespace wijkwacht::services {

class Open311Api final : public web::ApiHandler {
 public:
  struct Parts {
    const MethodTable* methods = nullptr;
    const CallGate* gate = nullptr;
    const catalog::CategoryCatalog* catalog = nullptr;
    const Clock* clock = nullptr;          // nullptr = SystemClock()
    auth::RandomSource* random = nullptr;  // request ids; nullptr = SystemRandom()
    std::string jurisdiction = "beverwijk.nl";
    // Locates an address_string sent without lat/long; nullptr = refuse those (400).
    const geo::PlaceNames* places = nullptr;
    // The accuracy a located report states at most (report::IngestLimits).
    double max_accuracy_meters = 5000;
  };
  explicit Open311Api(Parts parts);

  [[nodiscard]] std::vector<std::string> prefixes() const override { return {"/open311/v2/"}; }
  [[nodiscard]] std::variant<Response, StreamCall> Handle(const Request& request) override;

 private:
  Parts parts_;
};

}  // namespace wijkwacht::services
