#!/usr/bin/env python3
"""Round trip of the exports with Python's csv and json modules, against the server's own JSON
API for the expected figures:

  - /v1/exports/reports.csv parses as RFC 4180 with the documented columns, has exactly the
    reports ListReports (GET /v1/reports, every page) has, and free text with commas, quotes
    and newlines comes back unchanged;
  - /v1/exports/incidents.csv has exactly ListIncidents' incidents;
  - /v1/exports/aggregates.geojson is a FeatureCollection whose staff counts sum to
    GetAggregates' for the same selection, and whose public counts are never below k.

    exports_client.py --base http://127.0.0.1:8080 --staff-token TOKEN
"""
import argparse
import csv
import io
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

REPORT_COLUMNS = ["id", "create_time", "update_time", "observed_time", "status", "category",
                  "theme", "theme_confidence", "needs_review", "latitude", "longitude",
                  "accuracy_meters", "gemeente_code", "wijk_code", "buurt_code", "focus_areas",
                  "incident_id", "reporter_role", "description"]
INCIDENT_COLUMNS = ["id", "status", "theme", "category", "priority", "needs_review", "latitude",
                    "longitude", "gemeente_code", "wijk_code", "buurt_code",
                    "first_observed_time", "last_observed_time", "report_count", "claimed_by",
                    "assigned_team", "version", "create_time", "update_time"]


def get(base, path, token=None, params=None):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def post(base, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers,
                                     method="POST")
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read().decode())


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def every_page(base, path, key, token, params=None):
    items, page_token = [], ""
    while True:
        query = dict(params or {}, pageSize="7")
        if page_token:
            query["pageToken"] = page_token
        status, _, text = get(base, path, token, query)
        check(status == 200, f"GET {path} page")
        body = json.loads(text)
        items += body.get(key, [])
        page_token = body.get("nextPageToken", "")
        if not page_token:
            return items


# A description with a comma, quotes and a newline (CSV round trip).
TRICKY = 'Winkeldief riep: "weg, nu"\nen liep met gestolen spullen de winkel uit'


def seed_reports(base):
    """Three distinct shop incidents in one Breestraat buurt (the servers of these clients run
    with k = 2), the last seen by three more people: six reports from six fresh devices (the
    public map needs k plus a margin of at most 3 distinct reporters); and one report far away
    (a count below k) from the first device. Returns that device's token and the time."""
    def fresh_device():
        return post(base, "/v1/devices", {})["access"]["accessToken"]
    device = fresh_device()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    observed = (now - timedelta(minutes=3)).isoformat().replace("+00:00", "Z")
    shop_events = [("winkeldiefstal", TRICKY),
                   ("overval", "Overval op de juwelier in de Breestraat, dader met bivakmuts")] + [
                   ("inbraak-bedrijf", "Inbraak bij de bakkerij in de Breestraat, deur opengebroken")] * 4
    for i, (category, text) in enumerate(shop_events):
        post(base, "/v1/reports", {
            "id": str(uuid.uuid4()), "location": {"latitude": 52.4870, "longitude": 4.6578},
            "category": category, "observedTime": observed, "description": text},
            device if i == 0 else fresh_device())
    post(base, "/v1/reports", {
        "id": str(uuid.uuid4()), "location": {"latitude": 52.4790, "longitude": 4.6420},
        "category": "hangjongeren", "observedTime": observed,
        "description": "Groep jongeren hangt bij de speelplaats"}, device)
    return device, now


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--staff-token", required=True)
    args = parser.parse_args()
    base, staff = args.base.rstrip("/"), args.staff_token

    device, now = seed_reports(base)
    tricky = TRICKY

    # reports.csv
    status, content_type, text = get(base, "/v1/exports/reports.csv", staff)
    check(status == 200 and content_type.startswith("text/csv"), "reports.csv answers as text/csv")
    check("\r\n" in text, "CRLF line ends (RFC 4180)")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(rows[0] == REPORT_COLUMNS, "the documented report columns")
    listed = every_page(base, "/v1/reports", "reports", staff)
    check(len(rows) - 1 == len(listed), f"{len(rows) - 1} rows = ListReports' {len(listed)}")
    check({r[0] for r in rows[1:]} == {r["id"] for r in listed}, "the same report ids")
    check(any(r[REPORT_COLUMNS.index("description")] == tricky for r in rows[1:]),
          "commas, quotes and newlines round-trip")
    status, _, _ = get(base, "/v1/exports/reports.csv", device)
    check(status == 403, "a resident may not export reports")
    status, _, _ = get(base, "/v1/exports/reports.csv")
    check(status == 401, "nor may anyone without a token")
    status, _, text = get(base, "/v1/exports/reports.csv", staff, {"theme": "PURPLE"})
    check(status == 400 and "theme" in text, "a bad filter is a 400 naming it")
    status, _, text = get(base, "/v1/exports/reports.csv", staff, {"theme": "PHYSICAL_BUSINESS"})
    filtered = list(csv.reader(io.StringIO(text, newline="")))[1:]
    check(status == 200 and all(r[6] == "PHYSICAL_BUSINESS" for r in filtered),
          "filters apply (theme)")

    # incidents.csv
    status, _, text = get(base, "/v1/exports/incidents.csv", staff)
    check(status == 200, "incidents.csv answers")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(rows[0] == INCIDENT_COLUMNS, "the documented incident columns")
    incidents = every_page(base, "/v1/incidents", "incidents", staff)
    check(len(rows) - 1 == len(incidents), f"{len(rows) - 1} rows = ListIncidents' {len(incidents)}")

    # aggregates.geojson: staff sums = GetAggregates; public never below k.
    start = (now - timedelta(days=30)).isoformat().replace("+00:00", "Z")
    end = (now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    selection = {"level": "BUURT", "period": "MONTH", "startTime": start, "endTime": end}
    status, content_type, text = get(base, "/v1/exports/aggregates.geojson", staff, selection)
    check(status == 200 and "geo+json" in content_type, "aggregates.geojson answers")
    collection = json.loads(text)
    check(collection["type"] == "FeatureCollection" and collection["features"], "a FeatureCollection")
    check(all(f["geometry"] and f["geometry"]["type"] in ("Polygon", "MultiPolygon")
              for f in collection["features"]), "every feature has its area's polygon")
    status, _, text = get(base, "/v1/aggregates", staff,
                          {f"selection.{k}": v for k, v in selection.items()})
    check(status == 200, "GetAggregates answers")
    cells = [c for c in json.loads(text).get("cells", []) if not c.get("s2Cell")]
    expected_reports = sum(int(c.get("reportCount", "0")) for c in cells)
    expected_incidents = sum(int(c.get("incidentCount", "0")) for c in cells)
    got_reports = sum(v for f in collection["features"] for k, v in f["properties"].items()
                      if k.endswith("_reports") and v is not None)
    got_incidents = sum(v for f in collection["features"] for k, v in f["properties"].items()
                        if k.endswith("_incidents") and v is not None)
    check(expected_reports >= 4 and got_reports == expected_reports,
          f"report counts sum to GetAggregates' {expected_reports} (got {got_reports})")
    check(got_incidents == expected_incidents,
          f"incident counts sum to GetAggregates' {expected_incidents} (got {got_incidents})")

    status, _, text = get(base, "/v1/exports/aggregates.geojson", None, selection)
    check(status == 200, "the public may export aggregates")
    public = json.loads(text)
    counts = [v for f in public["features"] for k, v in f["properties"].items()
              if k.endswith("_reports") or k.endswith("_incidents")]
    k = public["features"][0]["properties"]["suppression_k"]
    check(k >= 2, f"public counts are k-anonymised (k = {k})")
    staff_k = collection["features"][0]["properties"]["suppression_k"]
    check(staff_k == 0, "staff get exact counts (k = 0)")
    check(all(v is None or v >= k for v in counts), "no public count below k")
    check(any(v is not None and v >= k for v in counts), "the buurt with the shop incidents is shown")
    print("all export checks passed")


if __name__ == "__main__":
    main()
