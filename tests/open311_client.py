#!/usr/bin/env python3
"""A GeoReport v2 client written from the Open311 specification
(http://wiki.open311.org/GeoReport_v2), not from the server's code: it speaks the endpoints,
parameters and answers the specification lists, in JSON and in XML, with the standard
library only (urllib, json, xml.etree). It submits, lists and reads service requests,
checks bad input gets Open311 errors, and prints the session as a transcript.

    open311_client.py --base http://127.0.0.1:8080 --staff-token TOKEN [--partners | --places]

The api_key of a resident is a device token from the server's own API (POST /v1/devices), as
the discovery document's key_service says. With --partners it checks partner accounts instead
(another channel's api_key, made by an admin through POST /v1/partners): a partner key
submits, its reports name the partner to staff, its own rate limit is apart from the
devices', and a revoked key is refused. The server must then limit each device to a burst of
3 writes and refill almost nothing during the run. With --places it checks address_string
without lat/long (a buurt's name, located by the server's own area data) and media_url (a
public https link kept and echoed, anything else refused). Exits 1 on the first failed check.
"""
import argparse
import datetime
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


def api(s, method, path, token, body=None):
    """A call of the server's own JSON API (for the admin's part and the staff's view)."""
    url = s.base + path
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    print(f"> {method} {path}" + (f"  {json.dumps(body)}" if body is not None else ""))
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    shown = text if "apiKey" not in text else json.dumps(
        {k: ("…" if k == "apiKey" else v) for k, v in json.loads(text).items()})
    print(f"< {status} {shown[:300]}")
    return status, text


def partner_checks(s, staff_token):
    root = "/open311/v2"
    # The admin registers a channel: the municipality's web form, 4 writes and then almost
    # nothing more (its own bucket).
    partner = {"partnerId": "meldformulier", "displayName": "Meldformulier beverwijk.nl",
               "writesPerSecond": 0.0001, "writeBurst": 4}
    status, text = api(s, "POST", "/v1/partners", staff_token, partner)
    check(status == 200, "an admin creates a partner account")
    created = json.loads(text)
    key = created["apiKey"]
    check(created["partner"]["name"] == "partners/meldformulier", "the partner's name")
    check(set(created["partner"]) <= {"name", "displayName", "writesPerSecond", "writeBurst",
                                      "createTime"},
          "the partner as returned holds nothing of its key")
    check(key.startswith("wwp.") and len(key) > 40, "an api_key is handed out once")
    status, _ = api(s, "POST", "/v1/partners", staff_token, partner)
    check(status == 409, "the same partner id twice is refused")
    status, text = s.call("POST", "/v1/devices", body={"platform": "open311"})
    device_key = json.loads(text)["access"]["accessToken"]
    status, _ = api(s, "POST", "/v1/partners", device_key, dict(partner, partnerId="eigen-kanaal"))
    check(status == 403, "a device cannot create a partner")

    # The partner's key submits through Open311, like a device's, and reads its own request.
    report = {"api_key": key, "service_code": "winkeldiefstal", "lat": "52.4870",
              "long": "4.6578", "description": "Via het webformulier: winkeldief Breestraat"}
    status, text = s.call("POST", f"{root}/requests.json", form=report)
    check(status in (200, 201), "a partner key submits a request")
    request_id = json.loads(text)[0]["service_request_id"]
    status, text = s.call("GET", f"{root}/requests/{request_id}.json", params={"api_key": key})
    check(status == 200 and json.loads(text)[0]["service_request_id"] == request_id,
          "the partner reads its own request")
    status, text = api(s, "GET", f"/v1/reports/{request_id}", staff_token)
    got = json.loads(text)
    check(status == 200 and got.get("submittedBy") == "partners/meldformulier",
          "staff see which partner submitted the report")
    check(got.get("area", {}).get("buurtCode", "").startswith("BU0375") and
          got.get("theme", "THEME_UNSPECIFIED") != "THEME_UNSPECIFIED",
          "the same ingest: area and theme")
    forged = dict(report, description="Door een apparaat, maar met een valse afzender")
    forged["api_key"] = device_key
    status, text = s.call("POST", f"{root}/requests.json", form=forged)
    device_request = json.loads(text)[0]["service_request_id"]
    status, text = api(s, "GET", f"/v1/reports/{device_request}", staff_token)
    check(status == 200 and "submittedBy" not in json.loads(text),
          "a device's report names no partner")

    def submit_more(form, writes, burst, what):
        for i in range(writes):
            status, _ = s.call("POST", f"{root}/requests.json",
                               form=dict(form, description=f"{what} melding {i}: fietsendief"))
            check(status in (200, 201), f"{what}: write {burst - writes + i + 1} of {burst}")

    # Rate limits: a device has used 1 of its 3; it spends the rest and is refused.
    submit_more(forged, 2, 3, "Apparaat")
    status, text = s.call("POST", f"{root}/requests.json", form=forged)
    open311_error(status, text, "json", 429, "")
    # ... the partner, meanwhile, has its own bucket: 3 more (4 in all, more than a device's).
    submit_more(report, 3, 4, "Webformulier")
    status, text = s.call("POST", f"{root}/requests.xml", form=report)
    open311_error(status, text, "xml", 429, "")
    status, text = s.call("POST", f"{root}/requests.json", form=forged)
    check(status == 429, "the device is still out: the partner's writes were not its")

    # A wrong secret, an unknown partner, then the revoked key: refused like a bad token.
    status, text = s.call("POST", f"{root}/requests.json", form=dict(report, api_key=key[:-4] + "AAAA"))
    open311_error(status, text, "json", 401, "partner")
    status, text = s.call("POST", f"{root}/requests.json",
                          form=dict(report, api_key="wwp.onbekend." + key.rsplit(".", 1)[1]))
    open311_error(status, text, "json", 401, "partner")
    status, text = api(s, "POST", "/v1/partners/meldformulier:revoke", device_key, {})
    check(status == 403, "a device cannot revoke a partner")
    status, text = api(s, "POST", "/v1/partners/meldformulier:revoke", staff_token, {})
    check(status == 200 and json.loads(text).get("revoked") is True, "the admin revokes it")
    status, text = s.call("POST", f"{root}/requests.json", form=report)
    open311_error(status, text, "json", 401, "revoked")
    status, text = s.call("GET", f"{root}/requests/{request_id}.xml", params={"api_key": key})
    open311_error(status, text, "xml", 401, "revoked")
    status, text = api(s, "GET", f"/v1/reports/{request_id}", staff_token)
    check(status == 200 and json.loads(text).get("submittedBy") == "partners/meldformulier",
          "its reports still name it")
    print("all Open311 partner checks passed")


def places_and_media_checks(s, staff_token):
    """address_string without lat/long, located by the server's own area data (a buurt's
    name, here one named after its street), and media_url: a link kept with the request and
    echoed, refused when it is not a public https address."""
    root = "/open311/v2"
    status, text = s.call("POST", "/v1/devices", body={"platform": "open311"})
    key = json.loads(text)["access"]["accessToken"]
    media = "https://beeldbank.voorbeeld.nl/meldingen/fiets%20123.jpg?formaat=groot"
    own_id = str(uuid.uuid4())
    form = {"api_key": key, "service_code": "winkeldiefstal", "lat": "", "long": "",
            "address_string": "Koningstraat 12, 1941 AB Beverwijk",
            "description": "Winkeldief in de Koningstraat, weggerend richting station",
            "media_url": media, "attribute[id]": own_id}
    status, text = s.call("POST", f"{root}/requests.json", form=form)
    check(status in (200, 201) and json.loads(text)[0]["service_request_id"] == own_id,
          "an address_string alone is accepted")
    status, text = s.call("GET", f"{root}/requests/{own_id}.json", params={"api_key": key})
    got = json.loads(text)[0]
    check(got["media_url"] == media, "GET requests/{id}.json echoes media_url")
    check(abs(float(got["lat"]) - 52.4829) < 0.003 and abs(float(got["long"]) - 4.6569) < 0.004,
          "located at the buurt Koningstraat (its centre)")
    status, text = s.call("GET", f"{root}/requests/{own_id}.xml", params={"api_key": key})
    check(ET.fromstring(text).find("request/media_url").text == media,
          "GET requests/{id}.xml echoes media_url")
    status, text = s.call("GET", f"{root}/requests.json",
                          params={"api_key": staff_token, "service_request_id": own_id})
    check(status == 200 and json.loads(text)[0]["media_url"] == media, "staff's GET requests too")
    status, text = api(s, "GET", f"/v1/reports/{own_id}", staff_token)
    report = json.loads(text)
    check(report.get("area", {}).get("buurtCode") == "BU03750002", "the report's buurt is Koningstraat")
    check(report.get("mediaUrl") == media, "staff see the media_url on the report")
    check(0 < float(report.get("accuracyMeters", 0)) <= 5000, "its accuracy is the buurt's size")
    check(report.get("theme", "THEME_UNSPECIFIED") != "THEME_UNSPECIFIED", "the same ingest: a theme")

    # The same id again is the same request; with another media_url it is another one: refused.
    status, text = s.call("POST", f"{root}/requests.json", form=form)
    check(status in (200, 201) and json.loads(text)[0]["service_request_id"] == own_id,
          "a retry is the same request")
    status, text = s.call("POST", f"{root}/requests.json",
                          form=dict(form, media_url="https://beeldbank.voorbeeld.nl/ander.jpg"))
    open311_error(status, text, "json", 409, own_id)

    # A buurt name in two gemeenten needs its gemeente; then it is that one.
    second = dict(form, address_string="Oosterwijk", description="Fietsendief bij de school")
    del second["attribute[id]"]
    status, text = s.call("POST", f"{root}/requests.json", form=second)
    open311_error(status, text, "json", 400, "address_string")
    check("Heemskerk" in text and "Beverwijk" in text, "the error names both buurten' gemeenten")
    second["address_string"] = "Oosterwijk, Heemskerk"
    status, text = s.call("POST", f"{root}/requests.xml", form=second)
    check(status in (200, 201), "with its gemeente it is accepted")
    other = ET.fromstring(text).find("request/service_request_id").text
    status, text = api(s, "GET", f"/v1/reports/{other}", staff_token)
    check(json.loads(text).get("area", {}).get("buurtCode") == "BU03960302",
          "the Oosterwijk of Heemskerk")

    # What the area data cannot name is refused, naming address_string (no outside geocoder):
    # a street address no buurt is named after, with or without its gemeente and postcode, is
    # a 400 whose description names the parameter and lat/long as what to send instead.
    for place in ("Breestraat 1, Beverwijk", "Breestraat 1", "Zeestraat 24, 1941 AJ Beverwijk",
                  "Damrak 1, Amsterdam", "???"):
        for fmt in ("json", "xml"):
            status, text = s.call("POST", f"{root}/requests.{fmt}",
                                  form=dict(second, address_string=place))
            open311_error(status, text, fmt, 400, "address_string")
            description = (json.loads(text)[0]["description"] if fmt == "json"
                           else ET.fromstring(text).find("error/description").text)
            check(description.startswith("address_string: ") and "lat and long" in description,
                  f"{place!r} ({fmt}): the error names address_string and lat/long instead")
    status, text = s.call("POST", f"{root}/requests.json",
                          form={k: v for k, v in second.items() if k != "address_string"})
    open311_error(status, text, "json", 400, "address_string")

    # media_url: only a public https address, without credentials, not too long.
    located = dict(form, address_string="", lat="52.4870", long="4.6578")
    del located["attribute[id]"]
    for bad in ("http://beeldbank.voorbeeld.nl/a.jpg", "ftp://beeldbank.voorbeeld.nl/a.jpg",
                "https://gebruiker:geheim@beeldbank.voorbeeld.nl/a.jpg", "https://10.0.0.7/a.jpg",
                "https://127.0.0.1/a.jpg", "https://[::1]/a.jpg", "https://0x7f000001/a.jpg",
                "https://localhost/a.jpg", "https://intranet/a.jpg",
                "https://nas.local/a.jpg", "https://beeldbank.voorbeeld.nl/a b.jpg",
                "https://beeldbank.voorbeeld.nl/" + "a" * 2100, "javascript:alert(1)"):
        status, text = s.call("POST", f"{root}/requests.json", form=dict(located, media_url=bad))
        open311_error(status, text, "json", 400, "media_url")
    # The JSON API takes the same field with the same checks.
    status, text = api(s, "POST", "/v1/reports", key, {
        "id": str(uuid.uuid4()), "location": {"latitude": 52.487, "longitude": 4.6578},
        "category": "winkeldiefstal", "description": "Winkeldief met foto",
        "observedTime": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mediaUrl": "https://192.168.1.10/a.jpg"})
    check(status == 400 and "report.media_url" in text, "POST /v1/reports refuses it as report.media_url")
    print("all Open311 address_string and media_url checks passed")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--staff-token", required=True)
    parser.add_argument("--partners", action="store_true")
    parser.add_argument("--places", action="store_true")
    args = parser.parse_args()
    s = Session(args.base)
    root = "/open311/v2"
    if args.partners:
        partner_checks(s, args.staff_token)
        return
    if args.places:
        places_and_media_checks(s, args.staff_token)
        return

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
    # A description of only whitespace and punctuation carries no content.
    for fmt in ("json", "xml"):
        status, text = s.call("POST", f"{root}/requests.{fmt}",
                              form=dict(report, description="  ?! ... --  "))
        open311_error(status, text, fmt, 400, "description")
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
