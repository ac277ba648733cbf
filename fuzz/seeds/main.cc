// wijkwacht_fuzz_seeds OUT_DIR: writes the seed corpus of every fuzz target into
// OUT_DIR/<target>/ (committed under fuzz/corpus/). Service seeds are valid (and a few
// almost valid) requests for every RPC, written as text protos here and serialized with the
// generated descriptors; parser seeds are small valid files in each accepted format.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "auth/jwt.h"
#include "auth/key_ring.h"
#include "auth/random.h"
#include "common/clock.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/service_input.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "nlohmann/json.hpp"
#include "services/api_methods.h"
#include "storage/change_feed.h"

namespace wijkwacht::fuzz {
namespace {

using I = Identity;

struct ServiceSeed {
  const char* method;  // "ReportService/SubmitReport"
  Identity identity;
  std::string text_proto;
};

// $T is kEpochUnixSeconds - 300, $R the planted report id, $A the planted alert id.
std::vector<ServiceSeed> ServiceSeeds() {
  const std::string report = R"(report { id: "$R" reporter_role: RESIDENT
      observed_time { seconds: $T } location { latitude: 52.487 longitude: 4.6578 }
      accuracy_meters: 10 category: "winkeldiefstal"
      description: "Winkeldief in de Breestraat, rende richting station" })";
  const std::string other = R"(report { id: "1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d"
      observed_time { seconds: $T } location { latitude: 52.4831 longitude: 4.6581 }
      accuracy_meters: 25 category: "overlast-jongeren"
      description: "Groep jongeren met scooters bij de Meerstraat, veel lawaai" })";
  const std::string selection = R"(selection { level: BUURT themes: LIVEABILITY period: DAY
      start_time { seconds: 1793102400 } end_time { seconds: 1795780800 } })";
  return {
      {"ReportService/SubmitReport", I::kResident, report},
      {"ReportService/SubmitReport", I::kResident, other},
      {"ReportService/SubmitReport", I::kDispatcher, other},
      {"ReportService/PreviewReport", I::kResident, other},
      {"ReportService/GetReport", I::kResident, R"(name: "reports/$R")"},
      {"ReportService/GetReport", I::kDispatcher, R"(name: "reports/$R")"},
      {"ReportService/ListReports", I::kDispatcher,
       R"(page_size: 10 area_code: "GM0375" theme: PHYSICAL_BUSINESS status: RECEIVED
          start_time { seconds: 1790000000 } end_time { seconds: 1795700000 })"},
      {"ReportService/ListCategories", I::kNone, R"(page_size: 5 group: 1)"},
      {"MapService/ListAreas", I::kNone,
       R"(page_size: 3 level: BUURT parent_code: "WK037500" include_geometry: true)"},
      {"MapService/GetAggregates", I::kNone, selection},
      {"MapService/GetAggregates", I::kAnalyst,
       R"(selection { level: WIJK area_codes: "WK037500" period: HALF_YEAR
          start_time { seconds: 1767225600 } end_time { seconds: 1798761600 }
          include_indicators: true })"},
      {"MapService/StreamAggregates", I::kNone, selection},
      {"MapService/ImportIndicators", I::kAnalyst,
       "csv: \"area_code,indicator,period,value,unit,source\\n"
       "WK037500,voelt_zich_wel_eens_onveilig,2025,24.3,%,Veiligheidsmonitor\\n\""
       " validate_only: true"},
      {"MapService/ListEarlyWarnings", I::kDispatcher, R"(page_size: 5 area_code: "GM0375")"},
      {"MapService/GetProgressReport", I::kAnalyst, R"(period: "2026-H2")"},
      {"SyncService/Push", I::kResident,
       "reports" + report.substr(6) + " reports" + other.substr(6)},
      {"SyncService/Pull", I::kResident, R"(page_size: 10)"},
      {"SyncService/Subscribe", I::kResident, ""},
      {"SyncService/AmendReport", I::kResident,
       R"(name: "reports/$R" note: "Hij droeg een rode pet" photo_ref: "photos/abc123")"},
      {"SyncService/ExportMyData", I::kResident, ""},
      {"AlertService/PublishAlert", I::kEntrepreneur,
       R"(alert_id: "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716" type: PICKPOCKET
          description: "Zakkenroller bij de markt" location { latitude: 52.4859 longitude: 4.654 }
          ttl { seconds: 3600 })"},
      {"AlertService/SubscribeAlerts", I::kEntrepreneur,
       R"(geofence { circle { center { latitude: 52.487 longitude: 4.6578 } radius_meters: 500 } }
          types: SHOPLIFTER)"},
      {"AlertService/SubscribeAlerts", I::kDispatcher,
       R"(geofence { areas { codes: "FA037501" } })"},
      {"AlertService/AckAlert", I::kEntrepreneur, R"(name: "alerts/$A" kind: SEEN)"},
      {"AlertService/ResolveAlert", I::kEntrepreneur,
       R"(name: "alerts/$A" outcome: "Politie heeft de man aangehouden")"},
      {"AlertService/RetractAlert", I::kDispatcher, R"(name: "alerts/$A" reason: "dubbel")"},
      {"AuthService/RegisterDevice", I::kNone, ""},
      {"AuthService/Login", I::kNone, R"(username: "beheerder" password: "wrong password")"},
      {"AuthService/RefreshToken", I::kNone, R"(refresh_token: "devices-1.c2VjcmV0")"},
      {"AuthService/RevokeDevice", I::kAdmin, R"(device: "devices/unknown" erase: true)"},
      {"AuthService/GetSigningKeys", I::kNone, ""},
      {"AuthService/VerifyEntrepreneur", I::kAdmin,
       R"(device: "devices/unknown" kvk_number: "12345678" business_name: "Kaaswinkel")"},
      {"AuthService/CreateAccount", I::kAdmin,
       R"(username: "piet.de.vries" role: ROLE_DISPATCHER password: "lang genoeg wachtwoord")"},
      {"DispatchService/WatchQueue", I::kDispatcher, ""},
      {"DispatchService/GetIncident", I::kDispatcher, R"(name: "incidents/$R")"},
      {"DispatchService/ListIncidents", I::kDispatcher,
       R"(page_size: 10 status: INCIDENT_NEW area_code: "GM0375" theme: PHYSICAL_BUSINESS)"},
      {"DispatchService/ClaimIncident", I::kDispatcher, R"(name: "incidents/$R" version: 1)"},
      {"DispatchService/AssignIncident", I::kDispatcher,
       R"(name: "incidents/$R" version: 2 team: HANDHAVING)"},
      {"DispatchService/TransitionIncident", I::kDispatcher,
       R"(name: "incidents/$R" version: 1 target_status: INCIDENT_TRIAGED comment: "gezien")"},
      {"DispatchService/MergeIncidents", I::kDispatcher,
       R"(name: "incidents/$R" version: 1 merged: "incidents/1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d")"},
      {"DispatchService/SplitReport", I::kDispatcher,
       R"(incident: "incidents/$R" version: 1 report: "reports/$R")"},
      {"DispatchService/ReclassifyIncident", I::kDispatcher,
       R"(name: "incidents/$R" version: 1 theme: LIVEABILITY category: "overlast-jongeren")"},
      {"DispatchService/SendFeedback", I::kDispatcher,
       R"(name: "incidents/$R" message: "Bedankt, de handhaving is langs geweest")"},
      {"DispatchService/GetAuditLog", I::kAdmin, R"(page_size: 20)"},
  };
}

void Write(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
  std::filesystem::create_directories(dir);
  WriteWholeFile((dir / name).string(), bytes);
}

int WriteServiceSeeds(const std::filesystem::path& out) {
  const std::filesystem::path dir = out / "service_fuzzer";
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int failures = 0;
  std::vector<services::ApiMethod> methods = services::ApiMethods();
  // Every RPC with an empty request, as an anonymous caller, a resident and a dispatcher.
  for (const services::ApiMethod& method : methods) {
    for (Identity identity : {I::kNone, I::kResident, I::kDispatcher}) {
      Write(dir, absl::StrCat(absl::StrReplaceAll(method.short_name, {{"/", "."}}), ".empty.",
                              static_cast<int>(identity)),
            EncodeServiceInput(method.short_name, identity, ""));
    }
  }
  int n = 0;
  for (const ServiceSeed& seed : ServiceSeeds()) {
    const std::string full = absl::StrCat("wijkwacht.v1.", absl::StrReplaceAll(seed.method, {{"/", "."}}));
    const google::protobuf::MethodDescriptor* method = pool->FindMethodByName(full);
    if (method == nullptr) {
      fprintf(stderr, "no method %s\n", full.c_str());
      ++failures;
      continue;
    }
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(method->input_type())
            ->New());
    const std::string text = absl::StrReplaceAll(
        seed.text_proto,
        {{"$T", absl::StrCat(kEpochUnixSeconds - 300)}, {"$R", kReportId}, {"$A", kAlertId}});
    if (!google::protobuf::TextFormat::ParseFromString(text, request.get())) {
      fprintf(stderr, "bad text proto for %s\n", seed.method);
      ++failures;
      continue;
    }
    Write(dir, absl::StrCat(absl::StrReplaceAll(seed.method, {{"/", "."}}), ".", n++),
          EncodeServiceInput(seed.method, seed.identity, request->SerializeAsString()));
  }
  return failures;
}

void WriteParserSeeds(const std::filesystem::path& out, const std::string& data_root) {
  const std::filesystem::path cursor = out / "cursor_fuzzer";
  for (uint64_t s : {0ull, 1ull, 4242ull, 18446744073709551615ull}) {
    Write(cursor, absl::StrCat("cursor-", s), storage::EncodeCursor(s));
  }
  Write(cursor, "base64", "aGVsbG8gd2lqa3dhY2h0");

  const std::filesystem::path csv = out / "indicator_csv_fuzzer";
  Write(csv, "generic",
        std::string(1, '\0') +
            "area_code,indicator,period,value,unit,source\n"
            "WK037500,voelt_zich_wel_eens_onveilig,2025,24.3,%,Veiligheidsmonitor\n"
            "BU03750000,\"inbraak, woning\",2026-H1,-1.5e3,aantal,\"politie \"\"open data\"\"\"\r\n"
            "GM0375,rapportcijfer,2026-W07,6.6,,\n");
  std::vector<std::string> lines = absl::StrSplit(
      ReadWholeFile(data_root + "/../domain/indicators/testdata/beverwijk_veiligheid_wijken.csv"),
      '\n');
  lines.resize(std::min<size_t>(lines.size(), 6));
  Write(csv, "beverwijk", std::string(1, '\0') + absl::StrJoin(lines, "\n") + "\n");
  for (const char* period : {"2021", "2026-H1", "2026-03", "2026-W53", "2026-03-14"}) {
    Write(csv, absl::StrCat("period-", period), std::string(1, '\1') + period);
  }

  // The token fuzzer's key ring is made from FakeRandomSource(7) too, so this token verifies.
  const std::filesystem::path jwt = out / "jwt_fuzzer";
  FakeClock clock(absl::FromUnixSeconds(1790000000));
  auth::FakeRandomSource random(7);
  auth::KeyRing::Options key_options;
  key_options.clock = &clock;
  key_options.random = &random;
  std::unique_ptr<auth::KeyRing> keys = *auth::KeyRing::Open(key_options);
  auth::TokenSigner signer({keys.get(), &clock, &random});
  auth::Claims claims{.issuer = "wijkwacht", .audience = "wijkwacht-api",
                      .subject = "devices/42", .role = "RESIDENT",
                      .expires_at = clock.Now() + absl::Minutes(10)};
  Write(jwt, "token", std::string(1, '\0') + *signer.Issue(claims));
  Write(jwt, "signed-parts",
        std::string(1, '\1') + R"({"alg":"EdDSA","typ":"JWT","kid":"KID"})" + "\n" +
            R"({"iss":"wijkwacht","sub":"users/anna","aud":["x","wijkwacht-api"],"iat":1789999990,)"
            R"("nbf":1789999990,"exp":1790000500,"role":"DISPATCHER","jti":"abc"})");

  const std::filesystem::path geo = out / "geojson_fuzzer";
  Write(geo, "cbs-2015", std::string(1, '\0') + R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"BU_CODE":"BU03750000","BU_NAAM":"Centrum","WATER":"NEE"},
 "geometry":{"type":"Polygon","coordinates":[[[4.65,52.48],[4.67,52.48],[4.67,52.49],[4.65,52.49],[4.65,52.48]]]}},
{"type":"Feature","properties":{"BU_CODE":"BU03750001","WATER":"JA"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[4.67,52.48],[4.68,52.48],[4.68,52.49],[4.67,52.48]]]]}}]})");
  Write(geo, "pdok", std::string(1, '\2') + R"({"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[
{"type":"Feature","properties":{"wijkcode":"WK037500","wijknaam":"Centrum","gemeentecode":"GM0375"},
 "geometry":{"type":"Polygon","coordinates":[[[4.64,52.47],[4.68,52.47],[4.68,52.50],[4.64,52.50],[4.64,52.47]],
 [[4.65,52.48],[4.66,52.48],[4.66,52.49],[4.65,52.48]]]}}]})");
  Write(geo, "statcode", std::string(1, '\4') + R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"statcode":"GM0375","statnaam":"Beverwijk"},
 "geometry":{"type":"Polygon","coordinates":[[[4.60,52.46],[4.70,52.46],[4.70,52.51],[4.60,52.51],[4.60,52.46]]]}}]})");
  Write(geo, "focus", std::string(1, '\1') + ReadWholeFile(data_root + "/areas/focus_areas.geojson"));
  Write(geo, "focus-covers", std::string(1, '\3') + R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"FA037509","name":"Centrum","gemeente_code":"GM0375",
 "description":"x","covers":["BU03750000","WK037500"]},"geometry":null}]})");

  // Category files: the small ones whole, the large ones cut to their first records.
  const std::filesystem::path cat = out / "category_fuzzer";
  const std::vector<std::pair<std::string, size_t>> files = {
      {"signalen_categories_amsterdam.json", 0}, {"groups.csv", 1},
      {"signalen_description_overrides.csv", 2}, {"watch_categories.csv", 3},
      {"bor_meld_referentietabel.csv", 4}, {"bor_meld_mapping.csv", 5}};
  for (const auto& [name, index] : files) {
    std::string text = ReadWholeFile(data_root + "/categories/" + name);
    if (name.ends_with(".json")) {
      nlohmann::json doc = nlohmann::json::parse(text);
      auto& mains = doc["main_categories"];
      mains.erase(mains.begin() + std::min<size_t>(mains.size(), 2), mains.end());
      for (auto& main : mains) {
        auto& subs = main["sub_categories"];
        subs.erase(subs.begin() + std::min<size_t>(subs.size(), 2), subs.end());
      }
      text = doc.dump(1);
    } else if (text.size() > 8192) {
      std::vector<std::string> rows = absl::StrSplit(text, '\n');
      rows.resize(std::min<size_t>(rows.size(), 12));
      text = absl::StrJoin(rows, "\n") + "\n";
    }
    Write(cat, name, std::string(1, static_cast<char>(index)) + text);
  }
  Write(cat, "csv-quoted", std::string(1, '\6') + "a,b\r\n\"x,\"\"y\"\"\",\"multi\nline\"\n\n1,2\n");
}

}  // namespace
}  // namespace wijkwacht::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out = argv[1];
  const int failures = wijkwacht::fuzz::WriteServiceSeeds(out);
  wijkwacht::fuzz::WriteParserSeeds(out, WIJKWACHT_DATA_DIR);
  return failures == 0 ? 0 : 1;
}
