// OgcFeaturesApi: the map's area counts as an OGC API - Features service (Part 1: Core,
// GeoJSON; OGC 17-069r4), for GIS clients (QGIS, GDAL's OGCAPI driver) on the HTTP port:
//
//   GET /ogc                                   landing page (links to the rest)
//   GET /ogc/conformance                       the conformance classes below
//   GET /ogc/collections                       the collections: "buurten", "wijken"
//   GET /ogc/collections/{id}                  one collection (spatial extent of its areas)
//   GET /ogc/collections/{id}/items            its features, paged
//   GET /ogc/collections/{id}/items/{feature}  one feature
//
// A collection's features are its areas with their per-theme report and incident counts, one
// per area and period (services/area_features.h: ids "<code>@<period start>", the same
// properties as /v1/exports/aggregates.geojson; public callers never see a count below k).
// Items take the standard `limit` (default 10, 1..1000), `bbox` (west,south,east,north in
// CRS84; features whose area's bounding box meets it), `datetime` (an RFC 3339 instant or
// interval "start/end" with ".." for open ends; default the last 30 days), plus `offset`
// (the `next` link's paging) and `period` (DAY, WEEK, MONTH (default) or HALF_YEAR); `f=json`
// is accepted. Any other parameter is a 400 (Requirement /req/core/query-param-unknown).
// Answers carry numberMatched, numberReturned, timeStamp and self/next/collection links.
//
// Everything is read through the v1 method table and gate (MapService.ListAreas and
// GetAggregates), so the caller's bearer token decides exact or k-anonymised counts and the
// same rate limits apply. Errors: 400/404/405 with an OGC exception body {"code",
// "description"}; refusals of the underlying calls as google.rpc.Status JSON (http_api.h).
// Thread safety: Handle() may be called concurrently; everything referenced must outlive it.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "services/method_table.h"
#include "web/api_handler.h"

namespace wijkwacht::services {

class OgcFeaturesApi final : public web::ApiHandler {
 public:
  OgcFeaturesApi(const MethodTable* methods, const CallGate* gate, const Clock* clock)
      : methods_(methods), gate_(gate), clock_(clock != nullptr ? clock : SystemClock()) {}

  [[nodiscard]] std::vector<std::string> prefixes() const override { return {"/ogc"}; }
  [[nodiscard]] std::variant<Response, StreamCall> Handle(const Request& request) override;

 private:
  const MethodTable* methods_;
  const CallGate* gate_;
  const Clock* clock_;
};

}  // namespace wijkwacht::services
