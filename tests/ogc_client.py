#!/usr/bin/env python3
"""The OGC API Features collections (/ogc) as outside clients see them: GDAL's OGCAPI driver
(ogrinfo/ogr2ogr from Debian's gdal-bin, what QGIS uses underneath) and plain HTTP checks
written from OGC 17-069r4 (Part 1: Core, GeoJSON):

  - landing page, conformance and collections with their links; GDAL lists both collections;
  - ogr2ogr reads a whole collection (following the `next` links) into GeoJSON: the public
    read has no count below k, the staff read (bearer token through GDAL_HTTP_HEADERS) sums
    to GetAggregates' counts for the same selection;
  - paging by `next` links returns every feature once; `bbox`, `datetime`, `period` and one
    feature by id work; an unknown parameter, a bad value and an unknown collection or
    feature get 400/404 with an OGC exception body.

    ogc_client.py --base http://127.0.0.1:8080 --staff-token TOKEN
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone

from exports_client import check, get, seed_reports

THEMES = ["LIVEABILITY", "YOUTH", "SUBVERSION", "PHYSICAL_BUSINESS", "OTHER"]


def counts(feature):
    return [v for k, v in feature["properties"].items()
            if k.endswith("_reports") or k.endswith("_incidents")]


def gdal_read(base, collection, token=None):
    """ogr2ogr the collection (its default selection) into GeoJSON; the features."""
    env = dict(os.environ, GDAL_HTTP_TIMEOUT="60", CPL_VSIL_CURL_NON_CACHED="")
    if token:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: Bearer {token}"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.geojson")
        result = subprocess.run(
            ["ogr2ogr", "-f", "GeoJSON", out,
             f"OGCAPI:{base}/ogc/collections/{collection}"],
            env=env, capture_output=True, text=True, timeout=300)
        check(result.returncode == 0, f"ogr2ogr reads {collection} ({result.stderr.strip()[:300]})")
        with open(out) as f:
            return json.load(f)["features"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--staff-token", required=True)
    args = parser.parse_args()
    base, staff = args.base.rstrip("/"), args.staff_token

    _, now = seed_reports(base)

    # Landing page, conformance, collections.
    status, content_type, text = get(base, "/ogc")
    landing = json.loads(text)
    rels = {link["rel"]: link["href"] for link in landing["links"]}
    check(status == 200 and {"self", "conformance", "data"} <= rels.keys(),
          "the landing page links self, conformance and data")
    status, _, text = get(base, "/ogc/conformance")
    classes = json.loads(text)["conformsTo"]
    check("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes and
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes,
          "conformance: core and geojson")
    status, _, text = get(base, "/ogc/collections")
    collections = {c["id"]: c for c in json.loads(text)["collections"]}
    check(set(collections) == {"buurten", "wijken"}, "two collections: buurten and wijken")
    bbox = collections["buurten"]["extent"]["spatial"]["bbox"][0]
    check(bbox[0] < 4.6578 < bbox[2] and bbox[1] < 52.4870 < bbox[3],
          f"the buurten extent {bbox} covers Beverwijk")
    check(any(link["rel"] == "items" for link in collections["wijken"]["links"]),
          "a collection links its items")
    listing = subprocess.run(["ogrinfo", "-ro", f"OGCAPI:{base}/ogc"], capture_output=True,
                             text=True, timeout=120)
    check(listing.returncode == 0 and "collections/buurten" in listing.stdout and
          "collections/wijken" in listing.stdout, "GDAL's OGCAPI driver lists both collections")

    # Whole collections through GDAL (default selection: the last 30 days by month), public
    # and staff, against the server's own figures.
    start = (now - timedelta(days=30)).isoformat().replace("+00:00", "Z")
    end = (now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    selection = {"datetime": f"{start}/{end}", "period": "MONTH"}
    status, _, text = get(base, "/ogc/collections/buurten/items", None, {"limit": "1000"})
    default = json.loads(text)
    check(status == 200 and default["numberMatched"] == default["numberReturned"] ==
          len(default["features"]), f"one page of {default['numberMatched']} features")
    public = gdal_read(base, "buurten")
    check(len(public) == default["numberMatched"],
          f"GDAL read {len(public)} features = numberMatched {default['numberMatched']}")
    k = public[0]["properties"]["suppression_k"]
    public_counts = [v for f in public for v in counts(f)]
    check(k >= 2 and all(v is None or v >= k for v in public_counts),
          f"no public count below k = {k}")
    check(any(v is not None for v in public_counts), "the buurt with the shop incidents is shown")

    staff_features = gdal_read(base, "buurten", staff)
    status, _, text = get(base, "/v1/aggregates", staff, {
        "selection.level": "BUURT", "selection.period": "MONTH",
        "selection.startTime": start, "selection.endTime": end})
    cells = [c for c in json.loads(text).get("cells", []) if not c.get("s2Cell")]
    expected = sum(int(c.get("reportCount", "0")) for c in cells)
    got = sum(v or 0 for f in staff_features for key, v in f["properties"].items()
              if key.endswith("_reports"))
    check(expected >= 4 and got == expected,
          f"staff report counts through GDAL sum to GetAggregates' {expected} (got {got})")

    status, _, text = get(base, "/ogc/collections/buurten/items", None,
                          dict(selection, limit="1000"))
    whole = json.loads(text)
    check(status == 200 and whole["numberMatched"] == len(whole["features"]),
          f"datetime and period select {whole['numberMatched']} features")

    # Paging by next links: every feature once.
    seen, url, pages = [], None, 0
    status, _, text = get(base, "/ogc/collections/buurten/items", None, dict(selection, limit="7"))
    while True:
        check(status == 200, f"page {pages + 1}")
        page = json.loads(text)
        check(page["numberReturned"] == len(page["features"]) <= 7, "numberReturned is the page")
        seen += [f["id"] for f in page["features"]]
        pages += 1
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not nxt:
            break
        path = nxt[0][len(base):] if nxt[0].startswith(base) else nxt[0]
        status, _, text = get(base, path)
    check(len(seen) == len(set(seen)) == whole["numberMatched"],
          f"{pages} pages by next links: {len(seen)} features, each once")

    # bbox: a small box around the shop incidents holds their buurt, not a far one.
    status, _, text = get(base, "/ogc/collections/buurten/items", None,
                          dict(selection, bbox="4.6570,52.4865,4.6585,52.4875", limit="100"))
    boxed = json.loads(text)["features"]
    check(status == 200 and 0 < len(boxed) < whole["numberMatched"] and
          any(v is not None for f in boxed for v in counts(f)),
          f"bbox keeps {len(boxed)} features around the shops, with their counts")

    # One feature by id, then the errors.
    some = next(f for f in whole["features"] if f["properties"]["period_start"])
    status, content_type, text = get(base, f"/ogc/collections/buurten/items/{some['id']}",
                                     None, selection)
    check(status == 200 and json.loads(text)["id"] == some["id"] and "geo+json" in content_type,
          "one feature by id")
    for path, params, want, what in [
            ("/ogc/collections/buurten/items", {"colour": "red"}, 400, "an unknown parameter"),
            ("/ogc/collections/buurten/items", {"limit": "0"}, 400, "limit 0"),
            ("/ogc/collections/buurten/items", {"bbox": "1,2,3"}, 400, "a three-number bbox"),
            ("/ogc/collections/buurten/items", {"datetime": "gisteren"}, 400, "a bad datetime"),
            ("/ogc/collections/buurten/items", {"period": "DECADE"}, 400, "a bad period"),
            ("/ogc/collections/straten", {}, 404, "an unknown collection"),
            ("/ogc/collections/buurten/items/BU99999999@0", {}, 404, "an unknown feature")]:
        status, _, text = get(base, path, None, params)
        body = json.loads(text)
        check(status == want and body.get("code") and body.get("description"),
              f"{what}: {status} with an OGC exception ({body.get('description')})")
    print("all OGC API Features checks passed")


if __name__ == "__main__":
    main()
