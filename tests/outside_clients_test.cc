// Integration: the HTTP side as outside clients see it, each a Python script with the standard
// library only, against the real server (port 0, real RocksDB in a temp dir):
//   - Open311 GeoReport v2 (services/open311.h), by a client written from the specification
//     (tests/open311_client.py: urllib, json, xml.etree): it submits, lists and reads requests
//     in JSON and XML, checks they are reports with area and theme, deduplicated like any
//     other, and that bad input gets Open311 errors; and, with --partners, that a partner
//     account's api_key submits with a rate limit of its own, names the partner to staff and
//     is refused once revoked; with --places, that an address_string alone is located by a
//     buurt's name and a media_url is kept, echoed and refused unless public https;
//   - the exports (services/exports.h), round-tripped with csv and json
//     (tests/exports_client.py) against ListReports, ListIncidents and GetAggregates;
//   - the OGC API Features collections (services/ogc_features.h), read by GDAL's OGCAPI
//     driver (ogr2ogr, Debian's gdal-bin) and checked against the standard's requirements
//     (tests/ogc_client.py).
// Each script's transcript is the test's output.
#include <cstdlib>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace wijkwacht::testing {
namespace {

// Runs `script` (with `extra_args`) against a fresh server (MapService's suppression
// threshold `k`; `adjust` may change the other options); every check must pass.
void RunClient(const std::string& script, int k = 5, const std::string& extra_args = "",
               const std::function<void(services::ServerOptions&)>& adjust = nullptr) {
  TempDir dir, assets;
  ServerFixture server(dir.path());
  server.options().map_suppression_k = k;
  server.options().http_listen = "127.0.0.1:0";
  server.options().http_assets_dir = assets.path();
  if (adjust) adjust(server.options());
  absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  const std::string transcript = dir.path() + "/transcript.txt";
  const std::string command = absl::StrCat(
      "python3 '", script, "' --base http://127.0.0.1:",
      server.server()->http_port(), " --staff-token '", server.admin_token(), "' ", extra_args,
      " > '", transcript, "' 2>&1");
  const int exit_code = std::system(command.c_str());
  std::ifstream in(transcript);
  std::stringstream text;
  text << in.rdbuf();
  std::cout << text.str();
  EXPECT_EQ(exit_code, 0) << text.str();
}

TEST(OutsideClientsTest, Open311SpecClientSubmitsListsAndReadsInJsonAndXml) {
  RunClient(absl::StrCat(WIJKWACHT_TESTS_DIR, "/open311_client.py"));
}

// Partner accounts (another channel's api_key): the same client, as a web form would use it.
// Devices get a burst of 3 writes and (almost) no refill, so that the partner's own bucket of
// 4 shows apart from theirs.
TEST(OutsideClientsTest, Open311PartnerKeySubmitsWithItsOwnLimitUntilRevoked) {
  RunClient(absl::StrCat(WIJKWACHT_TESTS_DIR, "/open311_client.py"), 5, "--partners",
            [](services::ServerOptions& options) {
              options.device_write_burst = 3;
              options.device_writes_per_second = 0.0001;
            });
}

// address_string without lat/long (a buurt's name from the shipped area data; what it cannot
// name is refused on address_string) and media_url (a public https link, stored and echoed).
TEST(OutsideClientsTest, Open311AddressStringAndMediaUrl) {
  RunClient(absl::StrCat(WIJKWACHT_TESTS_DIR, "/open311_client.py"), 5, "--places");
}

TEST(OutsideClientsTest, ExportsRoundTripThroughCsvAndJson) {
  // k = 2: three distinct shop incidents in one buurt make a public count of at least k, a
  // lone report elsewhere one below it.
  RunClient(absl::StrCat(WIJKWACHT_TESTS_DIR, "/exports_client.py"), 2);
}

TEST(OutsideClientsTest, OgcApiFeaturesReadByGdalAndTheStandardsRequirements) {
  // k = 2, as for the exports: the shop buurt is shown, the lone report withheld.
  RunClient(absl::StrCat(WIJKWACHT_TESTS_DIR, "/ogc_client.py"), 2);
}

}  // namespace
}  // namespace wijkwacht::testing
