#include "domain/geo/area_index.h"
#include "domain/geo/place_names.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::geo {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kAreasDir = WIJKWACHT_DATA_DIR "/areas";
const std::string kFocusPath = kAreasDir + "/focus_areas.geojson";

// ---- The shipped data ------------------------------------------------------------------------

class ShippedAreasTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    AreaIndexOptions options;
    options.area_paths = {kAreasDir};  // the directory also holds focus_areas.geojson: skipped
    options.focus_areas_path = kFocusPath;
    absl::StatusOr<std::unique_ptr<AreaIndex>> loaded = AreaIndex::Load(options);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    index_ = loaded->release();
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(index_, nullptr) << "loading the shipped areas failed"; }

  static AreaMatch MustLocate(double lat, double lon) {
    absl::StatusOr<AreaMatch> match = index_->Locate(lat, lon);
    EXPECT_TRUE(match.ok()) << lat << ", " << lon << ": " << match.status();
    return match.ok() ? *match : AreaMatch{};
  }

  static const AreaIndex* index_;
};

const AreaIndex* ShippedAreasTest::index_ = nullptr;

TEST_F(ShippedAreasTest, BreestraatIsInCentrumAndDeDrieStraatjes) {
  const AreaMatch match = MustLocate(52.4870, 4.6578);
  EXPECT_EQ(match.gemeente_code, "GM0375");
  EXPECT_EQ(match.wijk_code, "WK037500");
  EXPECT_EQ(match.buurt_code, "BU03750003");
  EXPECT_THAT(match.focus_areas, ElementsAre("FA037501"));
}

TEST_F(ShippedAreasTest, DeDrieStraatjesCoversMeerstraatAndZeestraatButNotSideStreets) {
  EXPECT_THAT(MustLocate(52.4830, 4.6581).focus_areas, Contains("FA037501"));  // Meerstraat
  EXPECT_THAT(MustLocate(52.4859, 4.6540).focus_areas, Contains("FA037501"));  // Zeestraat
  EXPECT_THAT(MustLocate(52.4870, 4.6600).focus_areas, IsEmpty());  // 150 m east of Breestraat
  const Area* area = index_->Find("FA037501");
  ASSERT_NE(area, nullptr);
  EXPECT_EQ(area->name, "De Drie Straatjes");
  EXPECT_EQ(area->level, AreaLevel::kFocusArea);
  EXPECT_EQ(area->parent_code, "GM0375");
  EXPECT_THAT(area->description, HasSubstr("Breestraat"));
}

TEST_F(ShippedAreasTest, StationSideIsDePijp) {
  const AreaMatch match = MustLocate(52.4775, 4.663);
  EXPECT_EQ(match.gemeente_code, "GM0375");
  EXPECT_EQ(match.wijk_code, "WK037509");
  EXPECT_EQ(match.buurt_code, "BU03750900");
  EXPECT_EQ(index_->Find("WK037509")->name, "Wijk 09 De Pijp en Wijkerbroek");
}

TEST_F(ShippedAreasTest, NorthSeaIsNotFound) {
  const absl::StatusOr<AreaMatch> match = index_->Locate(52.49, 4.50);
  EXPECT_EQ(match.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(match.status().message(), HasSubstr("outside every loaded gemeente"));
}

TEST_F(ShippedAreasTest, HeemskerkCentre) {
  const AreaMatch match = MustLocate(52.5115, 4.6700);
  EXPECT_EQ(match.gemeente_code, "GM0396");
  EXPECT_EQ(match.wijk_code, "WK039601");
  EXPECT_EQ(index_->Find(match.gemeente_code)->name, "Heemskerk");
}

TEST_F(ShippedAreasTest, IJmuidenIsVelsen) {
  const AreaMatch match = MustLocate(52.4600, 4.6100);
  EXPECT_EQ(match.gemeente_code, "GM0453");
  EXPECT_EQ(index_->Find("GM0453")->name, "Velsen");
}

TEST_F(ShippedAreasTest, GemeenteWithoutBuurtenInTheData) {
  // Haarlem centre: only the gemeente polygon is loaded.
  const AreaMatch match = MustLocate(52.3810, 4.6370);
  EXPECT_EQ(match.gemeente_code, "GM0392");
  EXPECT_EQ(match.wijk_code, "");
  EXPECT_EQ(match.buurt_code, "");
}

// PlaceNames over the shipped data: a buurt's name in a written address, narrowed by a
// gemeente; house numbers, postcodes, case, accents and punctuation do not matter.
TEST_F(ShippedAreasTest, PlaceNamesLocateABuurtNamedInTheText) {
  const PlaceNames names(*index_);
  const auto code = [&](absl::string_view text) {
    absl::StatusOr<NamedPlace> place = names.Locate(text);
    return place.ok() ? place->code : std::string(absl::StatusCodeToString(place.status().code()));
  };
  EXPECT_EQ(code("Koningstraat 12, 1941 AB Beverwijk"), "BU03750002");
  EXPECT_EQ(code("KONINGSTRAAT 12a"), "BU03750002");
  EXPECT_EQ(code("Sint-Aagtendorp, Beverwijk"), "BU03750004");
  EXPECT_EQ(code("Oosterwijk, Heemskerk"), "BU03960302");
  EXPECT_EQ(code("Oosterwijk 3 Beverwijk"), "BU03750600");
  EXPECT_EQ(code("Oosterwijk"), "FAILED_PRECONDITION");
  EXPECT_EQ(code("Koningstraat, Heemskerk"), "NOT_FOUND");
  EXPECT_EQ(code("Beverwijk"), "NOT_FOUND");
  EXPECT_EQ(code("Breestraat 1"), "NOT_FOUND");
  EXPECT_EQ(code(""), "NOT_FOUND");
  // A street address no buurt is named after is not looked up; the message says so and what
  // to send instead, with or without its gemeente.
  for (absl::string_view street : {"Breestraat 1", "Breestraat 1, 1941 EH Beverwijk",
                                   "Zeestraat 24 Beverwijk", "Damrak 1, Amsterdam"}) {
    absl::StatusOr<NamedPlace> refused = names.Locate(street);
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kNotFound) << street;
    EXPECT_THAT(refused.status().message(), HasSubstr("looks up no streets")) << street;
    EXPECT_THAT(refused.status().message(), HasSubstr("send lat and long")) << street;
  }
  absl::StatusOr<NamedPlace> place = names.Locate("koningstraat");
  ASSERT_TRUE(place.ok());
  EXPECT_EQ(place->gemeente_name, "Beverwijk");
  const AreaMatch at = MustLocate(place->latitude, place->longitude);
  EXPECT_EQ(at.buurt_code, "BU03750002");
  EXPECT_GT(place->radius_meters, 100);
  EXPECT_LT(place->radius_meters, 1500);
  EXPECT_EQ(PlaceNames::Fold("Caf\xC3\xA9 \xC3\x89\xC3\xA9n -- St. Aagten"), "cafe een st aagten");
}

TEST_F(ShippedAreasTest, OosterwijkFocusAreaIsOnlyTheBeverwijkBuurt) {
  const Area* beverwijk = index_->Find("BU03750600");
  ASSERT_NE(beverwijk, nullptr);
  const AreaMatch in_beverwijk = MustLocate(beverwijk->centroid_lat, beverwijk->centroid_lon);
  EXPECT_EQ(in_beverwijk.buurt_code, "BU03750600");
  EXPECT_THAT(in_beverwijk.focus_areas, ElementsAre("FA037502"));

  const AreaMatch in_heemskerk = MustLocate(52.4955, 4.679181);  // BU03960302 Oosterwijk
  EXPECT_EQ(in_heemskerk.buurt_code, "BU03960302");
  EXPECT_EQ(in_heemskerk.gemeente_code, "GM0396");
  EXPECT_THAT(in_heemskerk.focus_areas, Not(Contains("FA037502")));

  const Area* focus = index_->Find("FA037502");
  ASSERT_NE(focus, nullptr);
  EXPECT_EQ(focus->parent_code, "GM0375");
  EXPECT_NEAR(focus->centroid_lat, beverwijk->centroid_lat, 1e-9);
  EXPECT_EQ(nlohmann::json::parse(focus->geometry_geojson)["type"], "Polygon");
}

// Splits one CSV line with RFC 4180 quoting.
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

TEST_F(ShippedAreasTest, EveryBuurtCentroidLocatesToItsOwnBuurt) {
  std::ifstream csv(kAreasDir + "/ijmond_gebieden_2015.csv");
  ASSERT_TRUE(csv) << "cannot open ijmond_gebieden_2015.csv";
  std::string line;
  std::getline(csv, line);
  ASSERT_EQ(SplitCsvLine(line)[0], "niveau");
  int buurten = 0;
  while (std::getline(csv, line)) {
    const std::vector<std::string> row = SplitCsvLine(line);
    ASSERT_GE(row.size(), 9u) << line;
    if (row[0] != "buurt") continue;
    ++buurten;
    const std::string& code = row[1];
    const AreaMatch match = MustLocate(std::stod(row[7]), std::stod(row[8]));
    EXPECT_EQ(match.buurt_code, code);
    EXPECT_EQ(match.wijk_code, row[3]) << code;
    EXPECT_EQ(match.gemeente_code, row[5]) << code;
    const Area* area = index_->Find(code);
    ASSERT_NE(area, nullptr) << code;
    EXPECT_EQ(area->name, row[2]);
  }
  EXPECT_EQ(buurten, 132);
}

TEST_F(ShippedAreasTest, AreasListsIJmondGemeentenAndWijkParents) {
  const std::vector<Area>& areas = index_->areas();
  for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
           {"GM0375", "Beverwijk"}, {"GM0396", "Heemskerk"}, {"GM0453", "Velsen"}}) {
    const Area* area = index_->Find(code);
    ASSERT_NE(area, nullptr) << code;
    EXPECT_EQ(area->name, name);
    EXPECT_EQ(area->level, AreaLevel::kGemeente);
    EXPECT_EQ(area->gemeente_code, code);
  }
  int wijken = 0;
  for (const Area& area : areas) {
    if (area.level == AreaLevel::kWijk) {
      ++wijken;
      const Area* gemeente = index_->Find(area.parent_code);
      ASSERT_NE(gemeente, nullptr) << area.code;
      EXPECT_EQ(gemeente->level, AreaLevel::kGemeente);
      EXPECT_EQ(area.gemeente_code, area.parent_code);
    }
    if (area.level == AreaLevel::kBuurt) {
      const Area* wijk = index_->Find(area.parent_code);
      ASSERT_NE(wijk, nullptr) << area.code;
      EXPECT_EQ(wijk->level, AreaLevel::kWijk);
    }
  }
  EXPECT_EQ(wijken, 31);
  EXPECT_EQ(index_->Find("WK037500")->parent_code, "GM0375");
  EXPECT_EQ(index_->Find("WK037500")->name, "Wijk 00 Centrum");
  EXPECT_EQ(index_->Find("no such code"), nullptr);
}

TEST_F(ShippedAreasTest, AreasAreOrderedByLevelThenCode) {
  const std::vector<Area>& areas = index_->areas();
  ASSERT_EQ(areas.size(), 10u + 31u + 132u + 2u);
  for (size_t i = 1; i < areas.size(); ++i) {
    EXPECT_LT(std::make_pair(static_cast<int>(areas[i - 1].level), areas[i - 1].code),
              std::make_pair(static_cast<int>(areas[i].level), areas[i].code));
  }
  EXPECT_EQ(areas.front().level, AreaLevel::kGemeente);
  EXPECT_EQ(areas.back().code, "FA037502");
}

TEST_F(ShippedAreasTest, GeometryIsTheFeatureGeometry) {
  const Area* area = index_->Find("BU03750003");
  ASSERT_NE(area, nullptr);
  const nlohmann::json geometry = nlohmann::json::parse(area->geometry_geojson);
  EXPECT_EQ(geometry["type"], "Polygon");
  EXPECT_GT(geometry["coordinates"][0].size(), 3u);
  EXPECT_NEAR(area->centroid_lat, 52.488, 0.002);
  EXPECT_NEAR(area->centroid_lon, 4.658, 0.002);
}

TEST_F(ShippedAreasTest, InvalidCoordinatesAreInvalidArgument) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& [lat, lon] : std::vector<std::pair<double, double>>{{nan, 4.65},
                                                                       {52.48, nan},
                                                                       {inf, 4.65},
                                                                       {52.48, -inf},
                                                                       {90.5, 4.65},
                                                                       {-91, 4.65},
                                                                       {52.48, 180.01},
                                                                       {52.48, -200}}) {
    const absl::StatusOr<AreaMatch> match = index_->Locate(lat, lon);
    EXPECT_EQ(match.status().code(), absl::StatusCode::kInvalidArgument) << lat << ", " << lon;
  }
  EXPECT_THAT(index_->Locate(nan, 4.65).status().message(), HasSubstr("latitude"));
  EXPECT_THAT(index_->Locate(52.48, 999).status().message(), HasSubstr("longitude"));
  // Boundary values are valid input (and simply lie outside every gemeente).
  EXPECT_EQ(index_->Locate(90, 180).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ShippedAreasTest, ConcurrentLocateAgrees) {
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &mismatches] {
      for (int i = 0; i < 2000; ++i) {
        const absl::StatusOr<AreaMatch> match = index_->Locate(52.4870, 4.6578);
        if (!match.ok() || match->buurt_code != "BU03750003") ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
}

TEST(AreaIndexLoadTest, MissingPathIsNotFound) {
  AreaIndexOptions options;
  options.area_paths = {kAreasDir + "/does_not_exist.geojson"};
  EXPECT_EQ(AreaIndex::Load(options).status().code(), absl::StatusCode::kNotFound);
  options.area_paths = {};
  EXPECT_EQ(AreaIndex::Load(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AreaIndexLoadTest, BuurtFileAloneDerivesWijkenAndGemeenten) {
  AreaIndexOptions options;
  options.area_paths = {kAreasDir + "/ijmond_buurten_2015_wgs84.geojson"};
  absl::StatusOr<std::unique_ptr<AreaIndex>> index = AreaIndex::Load(options);
  ASSERT_TRUE(index.ok()) << index.status();
  const Area* gemeente = (*index)->Find("GM0375");
  ASSERT_NE(gemeente, nullptr);
  EXPECT_EQ(gemeente->name, "Beverwijk");  // from GM_NAAM of the buurten
  const Area* wijk = (*index)->Find("WK037500");
  ASSERT_NE(wijk, nullptr);
  EXPECT_EQ(wijk->name, "WK037500");  // 2015 buurt features carry no WK_NAAM
  EXPECT_EQ(wijk->parent_code, "GM0375");
  EXPECT_EQ(nlohmann::json::parse(gemeente->geometry_geojson)["type"], "Polygon");  // dissolved
  absl::StatusOr<AreaMatch> match = (*index)->Locate(52.4870, 4.6578);
  ASSERT_TRUE(match.ok()) << match.status();
  EXPECT_EQ(match->buurt_code, "BU03750003");
  EXPECT_EQ(match->gemeente_code, "GM0375");
}

// ---- Hand-written documents ------------------------------------------------------------------

// A square ring [lon, lat] of `half_size` degrees around (lat, lon), counter-clockwise.
nlohmann::json Square(double lat, double lon, double half_size, bool clockwise = false) {
  nlohmann::json ring = {{lon - half_size, lat - half_size},
                         {lon + half_size, lat - half_size},
                         {lon + half_size, lat + half_size},
                         {lon - half_size, lat + half_size},
                         {lon - half_size, lat - half_size}};
  if (clockwise) std::reverse(ring.begin(), ring.end());
  return ring;
}

nlohmann::json PolygonGeometry(std::vector<nlohmann::json> rings) {
  return {{"type", "Polygon"}, {"coordinates", nlohmann::json(rings)}};
}

nlohmann::json Feature(nlohmann::json properties, nlohmann::json geometry) {
  return {{"type", "Feature"},
          {"properties", std::move(properties)},
          {"geometry", std::move(geometry)}};
}

std::string Collection(std::vector<nlohmann::json> features) {
  return nlohmann::json{{"type", "FeatureCollection"}, {"features", features}}.dump();
}

// Degrees of latitude per metre.
constexpr double kDegreesPerMeter = 1.0 / 111'195;

TEST(AreaIndexGeoJsonTest, BuurtOnlyDocumentWithLowerCaseKeys) {
  const std::string document = R"({
    "type": "FeatureCollection",
    "features": [{
      "type": "Feature",
      "properties": {"buurtcode": "BU99990101", "buurtnaam": "Proefbuurt", "wijkcode": "WK999901",
                     "wijknaam": "Proefwijk", "gemeentecode": "GM9999", "gemeentenaam": "Proefgemeente",
                     "water": "NEE"},
      "geometry": {"type": "Polygon",
                   "coordinates": [[[5.0, 52.0], [5.01, 52.0], [5.01, 52.01], [5.0, 52.01], [5.0, 52.0]]]}
    }]})";
  absl::StatusOr<std::unique_ptr<AreaIndex>> index = AreaIndex::FromGeoJson({document}, "");
  ASSERT_TRUE(index.ok()) << index.status();
  absl::StatusOr<AreaMatch> match = (*index)->Locate(52.005, 5.005);
  ASSERT_TRUE(match.ok()) << match.status();
  EXPECT_EQ(match->buurt_code, "BU99990101");
  EXPECT_EQ(match->wijk_code, "WK999901");
  EXPECT_EQ(match->gemeente_code, "GM9999");
  EXPECT_THAT(match->focus_areas, IsEmpty());
  EXPECT_EQ((*index)->Locate(52.02, 5.005).status().code(), absl::StatusCode::kNotFound);

  ASSERT_EQ((*index)->areas().size(), 3u);
  EXPECT_EQ((*index)->areas()[0].code, "GM9999");
  EXPECT_EQ((*index)->areas()[0].name, "Proefgemeente");
  EXPECT_EQ((*index)->areas()[1].name, "Proefwijk");
  EXPECT_EQ((*index)->areas()[1].parent_code, "GM9999");
  EXPECT_EQ((*index)->areas()[2].name, "Proefbuurt");
  EXPECT_NEAR((*index)->areas()[0].centroid_lat, 52.005, 1e-4);
  EXPECT_NEAR((*index)->areas()[0].centroid_lon, 5.005, 1e-4);
}

TEST(AreaIndexGeoJsonTest, StatcodeFeaturesAndDerivedParentCodes) {
  const std::string document = Collection({
      Feature({{"statcode", "GM9999"}, {"statnaam", "Statgemeente"}},
              PolygonGeometry({Square(52, 5, 0.1)})),
      Feature({{"STATCODE", "BU99990203"}, {"STATNAAM", "Statbuurt"}},
              PolygonGeometry({Square(52, 5, 0.01)})),
  });
  absl::StatusOr<std::unique_ptr<AreaIndex>> index = AreaIndex::FromGeoJson({document}, "");
  ASSERT_TRUE(index.ok()) << index.status();
  const Area* buurt = (*index)->Find("BU99990203");
  ASSERT_NE(buurt, nullptr);
  EXPECT_EQ(buurt->level, AreaLevel::kBuurt);
  EXPECT_EQ(buurt->name, "Statbuurt");
  EXPECT_EQ(buurt->parent_code, "WK999902");
  EXPECT_EQ(buurt->gemeente_code, "GM9999");
  EXPECT_EQ((*index)->Find("GM9999")->name, "Statgemeente");
  absl::StatusOr<AreaMatch> match = (*index)->Locate(52, 5);
  ASSERT_TRUE(match.ok()) << match.status();
  EXPECT_EQ(match->wijk_code, "WK999902");
}

TEST(AreaIndexGeoJsonTest, MultiPolygonHolesAndClockwiseRings) {
  // One buurt made of two squares, the first (clockwise, as in the CBS files) with a hole.
  const nlohmann::json geometry = {
      {"type", "MultiPolygon"},
      {"coordinates",
       nlohmann::json::array({nlohmann::json::array({Square(52.0, 5.0, 0.01, /*clockwise=*/true),
                                                     Square(52.0, 5.0, 0.002, /*clockwise=*/true)}),
                              nlohmann::json::array({Square(52.0, 5.1, 0.01)})})}};
  const std::string document = Collection({Feature(
      {{"BU_CODE", "BU99990101"}, {"BU_NAAM", "Tweedelig"}, {"GM_CODE", "GM9999"}}, geometry)});
  absl::StatusOr<std::unique_ptr<AreaIndex>> index = AreaIndex::FromGeoJson({document}, "");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ((*index)->Locate(52.0, 5.1)->buurt_code, "BU99990101");
  EXPECT_EQ((*index)->Locate(52.008, 5.0)->buurt_code, "BU99990101");
  EXPECT_EQ((*index)->Locate(52.0, 5.0).status().code(),
            absl::StatusCode::kNotFound);  // in the hole
  EXPECT_EQ((*index)->Locate(52.0, 5.05).status().code(), absl::StatusCode::kNotFound);  // between
}

TEST(AreaIndexGeoJsonTest, SelfTouchingRingIsRepaired) {
  // A figure of two squares touching at (5.01, 52.01), drawn as one ring visiting that vertex
  // twice.
  const nlohmann::json ring = {{5.0, 52.0},   {5.01, 52.0},  {5.01, 52.01},
                               {5.02, 52.01}, {5.02, 52.02}, {5.01, 52.02},
                               {5.01, 52.01}, {5.0, 52.01},  {5.0, 52.0}};
  const std::string document =
      Collection({Feature({{"BU_CODE", "BU99990101"}}, PolygonGeometry({ring}))});
  absl::StatusOr<std::unique_ptr<AreaIndex>> index = AreaIndex::FromGeoJson({document}, "");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_TRUE((*index)->Locate(52.005, 5.005).ok());
  EXPECT_TRUE((*index)->Locate(52.015, 5.015).ok());
  EXPECT_FALSE((*index)->Locate(52.015, 5.005).ok());
}

TEST(AreaIndexGeoJsonTest, SnapsToNearestBuurtInsideGemeente) {
  // Gemeente square of ~2.2 km; buurt square of ~1.1 km in its middle.
  const std::string gemeenten = Collection({Feature({{"GM_CODE", "GM9999"}, {"GM_NAAM", "Proef"}},
                                                    PolygonGeometry({Square(52, 5, 0.01)}))});
  const std::string wijken = Collection({Feature({{"WK_CODE", "WK999901"}, {"GM_CODE", "GM9999"}},
                                                 PolygonGeometry({Square(52, 5, 0.009)}))});
  const std::string buurten = Collection(
      {Feature({{"BU_CODE", "BU99990101"}, {"WK_CODE", "WK999901"}, {"GM_CODE", "GM9999"}},
               PolygonGeometry({Square(52, 5, 0.005)}))});
  const double just_outside = 52.005 + 30 * kDegreesPerMeter;
  const double far_outside = 52.005 + 200 * kDegreesPerMeter;
  {
    absl::StatusOr<std::unique_ptr<AreaIndex>> index =
        AreaIndex::FromGeoJson({gemeenten, wijken, buurten}, "", /*snap_tolerance_meters=*/75);
    ASSERT_TRUE(index.ok()) << index.status();
    absl::StatusOr<AreaMatch> snapped = (*index)->Locate(just_outside, 5.0);
    ASSERT_TRUE(snapped.ok()) << snapped.status();
    EXPECT_EQ(snapped->buurt_code, "BU99990101");
    EXPECT_EQ(snapped->wijk_code, "WK999901");

    absl::StatusOr<AreaMatch> in_wijk = (*index)->Locate(far_outside, 5.0);
    ASSERT_TRUE(in_wijk.ok()) << in_wijk.status();
    EXPECT_EQ(in_wijk->gemeente_code, "GM9999");
    EXPECT_EQ(in_wijk->wijk_code, "WK999901");
    EXPECT_EQ(in_wijk->buurt_code, "");

    absl::StatusOr<AreaMatch> gemeente_only = (*index)->Locate(52.0095, 5.0);
    ASSERT_TRUE(gemeente_only.ok()) << gemeente_only.status();
    EXPECT_EQ(gemeente_only->gemeente_code, "GM9999");
    EXPECT_EQ(gemeente_only->wijk_code, "");
    EXPECT_EQ(gemeente_only->buurt_code, "");
  }
  {
    absl::StatusOr<std::unique_ptr<AreaIndex>> no_snap =
        AreaIndex::FromGeoJson({gemeenten, wijken, buurten}, "", /*snap_tolerance_meters=*/0);
    ASSERT_TRUE(no_snap.ok()) << no_snap.status();
    EXPECT_EQ((*no_snap)->Locate(just_outside, 5.0)->buurt_code, "");
  }
  EXPECT_EQ(AreaIndex::FromGeoJson({buurten}, "", -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AreaIndexGeoJsonTest, DoesNotSnapAcrossGemeenten) {
  // Gemeente A's polygon reaches 30 m past its only buurt, right next to a buurt of gemeente B.
  const std::string gemeenten =
      Collection({Feature({{"GM_CODE", "GM9998"}}, PolygonGeometry({Square(52, 5, 0.005)}))});
  const std::string buurten = Collection({
      Feature({{"BU_CODE", "BU99980101"}}, PolygonGeometry({Square(52, 4.9, 0.005)})),
      Feature(
          {{"BU_CODE", "BU99990101"}},
          PolygonGeometry(
              {{{5.0051, 51.99}, {5.02, 51.99}, {5.02, 52.01}, {5.0051, 52.01}, {5.0051, 51.99}}})),
  });
  absl::StatusOr<std::unique_ptr<AreaIndex>> index =
      AreaIndex::FromGeoJson({gemeenten, buurten}, "");
  ASSERT_TRUE(index.ok()) << index.status();
  absl::StatusOr<AreaMatch> match = (*index)->Locate(52.0, 5.0049);
  ASSERT_TRUE(match.ok()) << match.status();
  EXPECT_EQ(match->gemeente_code, "GM9998");
  EXPECT_EQ(match->buurt_code, "");
}

TEST(AreaIndexGeoJsonTest, WaterFeaturesAreIgnored) {
  const std::string document = Collection({
      Feature({{"BU_CODE", "BU99990101"}, {"H2O", "NEE"}}, PolygonGeometry({Square(52, 5, 0.01)})),
      Feature({{"BU_CODE", "BU99990102"}, {"H2O", "JA"}}, PolygonGeometry({Square(52, 5.1, 0.01)})),
  });
  absl::StatusOr<std::unique_ptr<AreaIndex>> index = AreaIndex::FromGeoJson({document}, "");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ((*index)->Find("BU99990102"), nullptr);
  EXPECT_EQ((*index)->Locate(52, 5.1).status().code(), absl::StatusCode::kNotFound);
}

TEST(AreaIndexGeoJsonTest, FocusAreas) {
  const std::string buurten = Collection({
      Feature({{"BU_CODE", "BU99990101"}}, PolygonGeometry({Square(52, 5, 0.01)})),
      Feature({{"BU_CODE", "BU99990102"}}, PolygonGeometry({Square(52, 5.02, 0.01)})),
  });
  const std::string focus = Collection({
      Feature({{"code", "FA999901"}, {"name", "Plein"}, {"gemeente_code", "GM9999"}},
              PolygonGeometry({Square(52, 5.01, 0.002)})),
      Feature({{"code", "FA999902"}, {"covers", nlohmann::json::array({"BU99990102"})}}, nullptr),
  });
  absl::StatusOr<std::unique_ptr<AreaIndex>> index = AreaIndex::FromGeoJson({buurten}, focus);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_THAT((*index)->Locate(52, 5.0)->focus_areas, IsEmpty());
  EXPECT_THAT((*index)->Locate(52, 5.009)->focus_areas, ElementsAre("FA999901"));
  EXPECT_THAT((*index)->Locate(52, 5.011)->focus_areas, ElementsAre("FA999901", "FA999902"));
  EXPECT_THAT((*index)->Locate(52, 5.02)->focus_areas, ElementsAre("FA999902"));
  const Area* covers = (*index)->Find("FA999902");
  ASSERT_NE(covers, nullptr);
  EXPECT_EQ(covers->name, "FA999902");
  EXPECT_EQ(covers->parent_code, "GM9999");  // the gemeente of every covered area
  EXPECT_NEAR(covers->centroid_lon, 5.02, 1e-4);
}

// ---- Malformed input -------------------------------------------------------------------------

void ExpectInvalid(const std::vector<std::string>& area_docs, const std::string& focus_doc,
                   const std::vector<std::string>& message_parts) {
  const absl::Status status = AreaIndex::FromGeoJson(area_docs, focus_doc).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  for (const std::string& part : message_parts) EXPECT_THAT(status.message(), HasSubstr(part));
}

const nlohmann::json kBuurtProperties = {{"BU_CODE", "BU99990101"}};

TEST(AreaIndexMalformedTest, NotJson) {
  ExpectInvalid({"{\"type\": \"FeatureCollection\", "}, "", {"area document #0", "not valid JSON"});
}

TEST(AreaIndexMalformedTest, NotAFeatureCollection) {
  ExpectInvalid({PolygonGeometry({Square(52, 5, 0.01)}).dump()}, "",
                {"not a GeoJSON FeatureCollection"});
}

TEST(AreaIndexMalformedTest, NoFeatures) {
  ExpectInvalid({R"({"type": "FeatureCollection", "features": []})"}, "", {"no features"});
  ExpectInvalid({R"({"type": "FeatureCollection"})"}, "", {"no \"features\" array"});
}

TEST(AreaIndexMalformedTest, FeatureWithoutCode) {
  const std::string good =
      Collection({Feature(kBuurtProperties, PolygonGeometry({Square(52, 5, 0.01)}))});
  const std::string bad = Collection({
      Feature({{"BU_CODE", "BU99990102"}}, PolygonGeometry({Square(52, 5.1, 0.01)})),
      Feature({{"BU_NAAM", "Naamloos"}}, PolygonGeometry({Square(52, 5.2, 0.01)})),
  });
  ExpectInvalid({good, bad}, "", {"area document #1 feature #1", "no area code"});
}

TEST(AreaIndexMalformedTest, RdNewCrs) {
  nlohmann::json document = nlohmann::json::parse(
      Collection({Feature(kBuurtProperties, PolygonGeometry({Square(500000, 100000, 100)}))}));
  document["crs"] = {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:EPSG::28992"}}}};
  ExpectInvalid({document.dump()}, "", {"area document #0", "RD New", "WGS84"});
  // Without a crs member the projected coordinates are still caught.
  document.erase("crs");
  ExpectInvalid({document.dump()}, "", {"feature #0", "not WGS84", "EPSG:28992"});
  // A WGS84 crs member is fine.
  document = nlohmann::json::parse(
      Collection({Feature(kBuurtProperties, PolygonGeometry({Square(52, 5, 0.01)}))}));
  document["crs"] = {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:OGC:1.3:CRS84"}}}};
  EXPECT_TRUE(AreaIndex::FromGeoJson({document.dump()}, "").ok());
}

TEST(AreaIndexMalformedTest, UnusableGeometry) {
  ExpectInvalid({Collection({Feature(kBuurtProperties, nullptr)})}, "",
                {"feature #0", "no geometry"});
  ExpectInvalid(
      {Collection({Feature(kBuurtProperties, {{"type", "Point"}, {"coordinates", {5, 52}}})})}, "",
      {"Point is not supported"});
  // Degenerate rings only: two distinct vertices, and three on one meridian (a great circle;
  // three points on a parallel do enclose a sliver on the sphere).
  ExpectInvalid({Collection({Feature(kBuurtProperties,
                                     PolygonGeometry({{{5, 52}, {5.01, 52}, {5, 52}, {5, 52}}}))})},
                "", {"feature #0", "no usable ring"});
  ExpectInvalid(
      {Collection({Feature(kBuurtProperties,
                           PolygonGeometry({{{5, 52}, {5, 52.01}, {5, 52.02}, {5, 52}}}))})},
      "", {"no usable ring"});
  ExpectInvalid({Collection({Feature(kBuurtProperties, PolygonGeometry({{{5, 52}, {"x", 52}}}))})},
                "", {"[lon, lat]"});
  // A degenerate hole is dropped; the feature still loads.
  EXPECT_TRUE(AreaIndex::FromGeoJson(
                  {Collection({Feature(kBuurtProperties, PolygonGeometry({Square(52, 5, 0.01),
                                                                          {{5, 52}, {5, 52}}}))})},
                  "")
                  .ok());
}

TEST(AreaIndexMalformedTest, DuplicateCode) {
  const std::string document =
      Collection({Feature(kBuurtProperties, PolygonGeometry({Square(52, 5, 0.01)}))});
  ExpectInvalid({document, document}, "",
                {"area document #1 feature #0", "BU99990101", "already defined"});
}

TEST(AreaIndexMalformedTest, BadFocusAreas) {
  const std::string buurten =
      Collection({Feature(kBuurtProperties, PolygonGeometry({Square(52, 5, 0.01)}))});
  ExpectInvalid(
      {buurten},
      Collection({Feature({{"name", "Zonder code"}}, PolygonGeometry({Square(52, 5, 0.001)}))}),
      {"focus document feature #0", "no \"code\""});
  ExpectInvalid(
      {buurten},
      Collection(
          {Feature({{"code", "FA1"}, {"covers", nlohmann::json::array({"BU00000000"})}}, nullptr)}),
      {"focus document feature #0", "BU00000000", "not a loaded"});
  ExpectInvalid({buurten}, Collection({Feature({{"code", "FA1"}}, nullptr)}), {"needs a Polygon"});
  ExpectInvalid({buurten},
                Collection({Feature({{"code", "FA1"}, {"gemeente_code", "GM0001"}},
                                    PolygonGeometry({Square(52, 5, 0.001)}))}),
                {"GM0001 is not a loaded gemeente"});
  ExpectInvalid({buurten}, "not json", {"focus document", "not valid JSON"});
  // An empty focus collection means no focus areas.
  EXPECT_TRUE(
      AreaIndex::FromGeoJson({buurten}, R"({"type":"FeatureCollection","features":[]})").ok());
}

}  // namespace
}  // namespace wijkwacht::geo
