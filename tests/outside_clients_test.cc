// Integration: the HTTP side as outside clients see it, each a Python script with the standard
// library only, against the real server (port 0, real RocksDB in a temp dir):
//   - Open311 GeoReport v2 (services/open311.h), by a client written from the specification
//     (tests/open311_client.py: urllib, json, xml.etree): it submits, lists and reads requests
//     in JSON and XML, checks they are reports with area and theme, deduplicated like any
//     other, and that bad input gets Open311 errors;
//   - the exports (services/exports.h), round-tripped with csv and json
//     (tests/exports_client.py) against ListReports, ListIncidents and GetAggregates;
//   - the OGC API Features collections (services/ogc_features.h), read by GDAL's OGCAPI
//     driver (ogr2ogr, Debian's gdal-bin) and checked against the standard's requirements
//     (tests/ogc_client.py).
// Each script's transcript is the test's output.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace wijkwacht::testing {
namespace {

// Runs `script` against a fresh server (MapService's suppression threshold `k`); every
// check must pass.
void RunClient(const std::string& script, int k = 5) {
  TempDir dir, assets;
  ServerFixture server(dir.path());
  server.options().map_suppression_k = k;
  server.options().http_listen = "127.0.0.1:0";
  server.options().http_assets_dir = assets.path();
  absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  const std::string transcript = dir.path() + "/transcript.txt";
  const std::string command = absl::StrCat(
      "python3 '", script, "' --base http://127.0.0.1:",
      server.server()->http_port(), " --staff-token '", server.admin_token(), "' > '", transcript,
      "' 2>&1");
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
