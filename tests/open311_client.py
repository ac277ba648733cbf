#!/usr/bin/env python3
"""A GeoReport v2 client written from the Open311 specification
(http://wiki.open311.org/GeoReport_v2), not from the server's code: it speaks the endpoints,
parameters and answers the specification lists, in JSON and in XML, with the standard
library only (urllib, json, xml.etree). It submits, lists and reads service requests,
checks bad input gets Open311 errors, and prints the session as a transcript.

    open311_client.py --base http://127.0.0.1:8080 --staff-token TOKEN

The api_key of a resident is a device token from the server's own API (POST /v1/devices), as
the discovery document's key_service says. Exits 1 on the first failed check.
"""
import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET


class Session:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, method, path, params=None, form=None, body=None):
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data, headers = None, {}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        shown = path + ("?" + urllib.parse.urlencode(
            {k: ("…" if k == "api_key" else v) for k, v in params.items()}) if params else "")
        print(f"> {method} {shown}" + (f"  [{urllib.parse.urlencode({k: ('…' if k == 'api_key' else v) for k, v in form.items()})}]" if form else ""))
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        print(f"< {status} {text[:300]}{'…' if len(text) > 300 else ''}")
        return status, text


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def open311_error(status, text, fmt, expected_status, mentions):
    check(status == expected_status, f"HTTP {expected_status} for bad input")
    if fmt == "json":
        errors = json.loads(text)
        check(isinstance(errors, list) and errors and errors[0]["code"] == expected_status,
              "Open311 JSON error list [{code, description}]")
        check(any(mentions in e["description"] for e in errors), f"the error names {mentions}")
    else:
        root = ET.fromstring(text)
        check(root.tag == "errors" and root.find("error/code").text == str(expected_status),
              "Open311 XML <errors><error><code>")
        check(mentions in root.find("error/description").text, f"the error names {mentions}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--staff-token", required=True)
    args = parser.parse_args()
    s = Session(args.base)
    root = "/open311/v2"

    # Discovery, JSON and XML.
    status, text = s.call("GET", f"{root}/discovery.json")
    check(status == 200, "discovery.json answers")
    discovery = json.loads(text)
    endpoint = discovery["endpoints"][0]
    check("GeoReport_v2" in endpoint["specification"], "the endpoint names GeoReport v2")
    check({"application/json", "text/xml"} <= set(endpoint["formats"]), "JSON and XML offered")
    status, text = s.call("GET", f"{root}/discovery.xml")
    check(status == 200 and ET.fromstring(text).tag == "discovery", "discovery.xml is <discovery>")

    # Services, JSON and XML: the same list.
    status, text = s.call("GET", f"{root}/services.json")
    services = json.loads(text)
    check(status == 200 and len(services) > 10, "services.json lists the services")
    for key in ("service_code", "service_name", "metadata", "type"):
        check(all(key in svc for svc in services), f"every service has {key}")
    codes = {svc["service_code"] for svc in services}
    check("winkeldiefstal" in codes, "winkeldiefstal is a service")
    status, text = s.call("GET", f"{root}/services.xml")
    xml_services = ET.fromstring(text)
    check(xml_services.tag == "services" and
          {e.find("service_code").text for e in xml_services.findall("service")} == codes,
          "services.xml lists the same services")
    status, text = s.call("GET", f"{root}/services/winkeldiefstal.json")
    check(status == 200 and json.loads(text)["service_code"] == "winkeldiefstal",
          "a service definition")
    status, text = s.call("GET", f"{root}/services/no-such-service.xml")
    check(status == 404 and ET.fromstring(text).tag == "errors", "an unknown service is a 404 error")

    # An api_key: a registered device of the server's own API.
    status, text = s.call("POST", "/v1/devices", body={"platform": "open311"})
    check(status == 200, "a device registers")
    api_key = json.loads(text)["access"]["accessToken"]

    # Submit in JSON, read back in JSON and XML.
    report = {"api_key": api_key, "service_code": "winkeldiefstal", "lat": "52.4870",
              "long": "4.6578", "description": "Winkeldief in de Breestraat, rende weg met tassen",
              "email": "melder@example.nl"}
    status, text = s.call("POST", f"{root}/requests.json", form=report)
    check(status in (200, 201), "POST requests.json accepted")
    first = json.loads(text)[0]["service_request_id"]
    check(bool(first), "a service_request_id")
    status, text = s.call("GET", f"{root}/requests/{first}.json", params={"api_key": api_key})
    got = json.loads(text)
    check(status == 200 and len(got) == 1, "requests/{id}.json answers one request")
    got = got[0]
    check(got["service_request_id"] == first and got["service_code"] == "winkeldiefstal",
          "the request as submitted")
    check(got["status"] == "open", "a new request is open")
    check(abs(float(got["lat"]) - 52.4870) < 1e-6 and abs(float(got["long"]) - 4.6578) < 1e-6,
          "its location")
    status, text = s.call("GET", f"{root}/requests/{first}.xml", params={"api_key": api_key})
    xml_request = ET.fromstring(text)
    check(status == 200 and xml_request.tag == "service_requests" and
          xml_request.find("request/service_request_id").text == first,
          "requests/{id}.xml answers the same request")

    # Submit in XML, with the request's own id: a retry is the same request.
    own_id = str(uuid.uuid4())
    second_form = dict(report, description="Winkeldief Breestraat, rende weg met gestolen tassen")
    second_form["attribute[id]"] = own_id
    status, text = s.call("POST", f"{root}/requests.xml", form=second_form)
    check(status in (200, 201), "POST requests.xml accepted")
    second = ET.fromstring(text).find("request/service_request_id").text
    check(second == own_id, "the client's own id is the service_request_id")
    status, text = s.call("POST", f"{root}/requests.json", form=second_form)
    check(status in (200, 201) and json.loads(text)[0]["service_request_id"] == own_id,
          "a retry with the same id is the same request")

    # Both are reports with area and theme, deduplicated into one incident like any other.
    incidents = set()
    for request_id in (first, second):
        req = urllib.request.Request(f"{s.base}/v1/reports/{request_id}",
                                     headers={"Authorization": f"Bearer {api_key}"})
        print(f"> GET /v1/reports/{request_id}")
        with urllib.request.urlopen(req, timeout=20) as response:
            body = json.loads(response.read().decode())
        print(f"< 200 {json.dumps(body)[:300]}…")
        check(body.get("area", {}).get("buurtCode", "").startswith("BU0375"), "the report has its buurt")
        check(body.get("theme", "THEME_UNSPECIFIED") != "THEME_UNSPECIFIED", "the report has a theme")
        incidents.add(body.get("incidentId"))
    check(len(incidents) == 1 and None not in incidents, "both joined one incident")

    # Listing (staff): both, in JSON and XML; filters.
    status, text = s.call("GET", f"{root}/requests.json",
                          params={"api_key": args.staff_token, "service_code": "winkeldiefstal"})
    listed = {r["service_request_id"] for r in json.loads(text)}
    check(status == 200 and {first, second} <= listed, "GET requests.json lists both")
    status, text = s.call("GET", f"{root}/requests.xml",
                          params={"api_key": args.staff_token, "status": "open"})
    xml_listed = {e.find("service_request_id").text for e in ET.fromstring(text).findall("request")}
    check(status == 200 and {first, second} <= xml_listed, "GET requests.xml lists both")
    status, text = s.call("GET", f"{root}/requests.json",
                          params={"api_key": args.staff_token, "status": "closed"})
    check(status == 200 and not ({first, second} & {r["service_request_id"] for r in json.loads(text)}),
          "status=closed leaves them out")
    status, text = s.call("GET", f"{root}/requests.json",
                          params={"api_key": args.staff_token, "service_request_id": f"{first},{second}"})
    check(status == 200 and [r["service_request_id"] for r in json.loads(text)] == [first, second],
          "service_request_id lists exactly those")

    # Bad input: Open311 errors.
    no_location = {k: v for k, v in report.items() if k not in ("lat", "long")}
    no_location["address_string"] = "Breestraat 1, Beverwijk"
    status, text = s.call("POST", f"{root}/requests.json", form=no_location)
    open311_error(status, text, "json", 400, "lat")
    bad_service = dict(report, service_code="no-such-service")
    status, text = s.call("POST", f"{root}/requests.xml", form=bad_service)
    open311_error(status, text, "xml", 400, "service_code")
    outside = dict(report, lat="91")
    status, text = s.call("POST", f"{root}/requests.json", form=outside)
    open311_error(status, text, "json", 400, "lat")
    anonymous = {k: v for k, v in report.items() if k != "api_key"}
    status, text = s.call("POST", f"{root}/requests.json", form=anonymous)
    open311_error(status, text, "json", 401, "token")
    status, text = s.call("GET", f"{root}/requests.json",
                          params={"api_key": args.staff_token, "start_date": "2026-01-01T00:00:00Z",
                                  "end_date": "2026-06-01T00:00:00Z"})
    open311_error(status, text, "json", 400, "90 days")
    status, text = s.call("GET", f"{root}/requests.json", params={"api_key": api_key})
    open311_error(status, text, "json", 403, "ListReports")
    print("all Open311 checks passed")


if __name__ == "__main__":
    main()
