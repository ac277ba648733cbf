#include "domain/report/ingest.h"
#include "domain/report/media_url.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "common/status.h"
#include "domain/classify/theme_classifier.h"
#include "gtest/gtest.h"

namespace wijkwacht::report {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

class IngestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto catalog = catalog::CategoryCatalog::Load(std::string(WIJKWACHT_DATA_DIR) + "/categories");
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = catalog->release();
    geo::AreaIndexOptions options;
    options.area_paths = {std::string(WIJKWACHT_DATA_DIR) + "/areas"};
    options.focus_areas_path = std::string(WIJKWACHT_DATA_DIR) + "/areas/focus_areas.geojson";
    auto areas = geo::AreaIndex::Load(options);
    ASSERT_TRUE(areas.ok()) << areas.status();
    areas_ = areas->release();
  }

  IngestTest() : clock_(kNow), ingest_(IngestOptions{catalog_, areas_, nullptr, &clock_, {}}) {}

  static ReportDraft Breestraat() {
    ReportDraft d;
    d.id = "3F2504E0-4F89-41D3-9A0C-0305E82C3301";
    d.reporter_role = 1;
    d.observed_time = kNow - absl::Minutes(10);
    d.has_location = true;
    d.latitude = 52.4870;
    d.longitude = 4.6578;
    d.accuracy_meters = 12;
    d.category = "winkeldiefstal";
    d.description = "Man stopt spullen in zijn tas bij de drogist en rent weg richting station.";
    return d;
  }

  // The single field named by a failed Validate/Decide.
  std::vector<std::string> FieldsOf(const ReportDraft& d) {
    absl::StatusOr<IngestDecision> r = ingest_.Decide(d);
    std::vector<std::string> fields;
    if (r.ok()) return fields;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    for (const FieldViolation& v : GetFieldViolations(r.status())) fields.push_back(v.field);
    if (!fields.empty()) {
      EXPECT_EQ(r.status().message().substr(0, fields[0].size()), fields[0]);
    }
    return fields;
  }

  static catalog::CategoryCatalog* catalog_;
  static geo::AreaIndex* areas_;
  FakeClock clock_;
  ReportIngest ingest_;
};
catalog::CategoryCatalog* IngestTest::catalog_ = nullptr;
geo::AreaIndex* IngestTest::areas_ = nullptr;

using Fields = std::vector<std::string>;

TEST_F(IngestTest, ValidReportIsClassified) {
  absl::StatusOr<IngestDecision> d = ingest_.Decide(Breestraat());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id, "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
  EXPECT_EQ(d->area.gemeente_code, "GM0375");
  EXPECT_EQ(d->area.wijk_code, "WK037500");
  EXPECT_EQ(d->area_codes.front(), "GM0375");
  EXPECT_NE(std::find(d->area_codes.begin(), d->area_codes.end(), "FA037501"),
            d->area_codes.end());
  EXPECT_EQ(d->theme, catalog::Theme::kPhysicalBusiness);
  EXPECT_EQ(d->theme_confidence, 0);
  EXPECT_EQ(d->fingerprint.size(), 32u);
  EXPECT_NE(d->s2_cell_id, 0u);
}

TEST_F(IngestTest, IdRules) {
  ReportDraft d = Breestraat();
  d.id = "";
  EXPECT_EQ(FieldsOf(d), Fields{"id"});
  d.id = "not-a-uuid";
  EXPECT_EQ(FieldsOf(d), Fields{"id"});
  d.id = "3f2504e0-4f89-41d3-9a0c-0305e82c330g";
  EXPECT_EQ(FieldsOf(d), Fields{"id"});
  d.id = "3f2504e04f8941d39a0c0305e82c3301xxxx";
  EXPECT_EQ(FieldsOf(d), Fields{"id"});
}

TEST_F(IngestTest, RoleRules) {
  ReportDraft d = Breestraat();
  d.reporter_role = 0;
  EXPECT_EQ(FieldsOf(d), Fields{"reporter_role"});
  d.reporter_role = 4;
  EXPECT_EQ(FieldsOf(d), Fields{"reporter_role"});
  d.reporter_role = -1;
  EXPECT_EQ(FieldsOf(d), Fields{"reporter_role"});
}

TEST_F(IngestTest, ObservedTimeRules) {
  ReportDraft d = Breestraat();
  d.observed_time.reset();
  EXPECT_EQ(FieldsOf(d), Fields{"observed_time"});
  d.observed_time = kNow + absl::Minutes(4);
  EXPECT_TRUE(FieldsOf(d).empty());
  d.observed_time = kNow + absl::Minutes(6);
  EXPECT_EQ(FieldsOf(d), Fields{"observed_time"});
  d.observed_time = kNow - absl::Hours(24 * 29);
  EXPECT_TRUE(FieldsOf(d).empty());
  d.observed_time = kNow - absl::Hours(24 * 31);
  EXPECT_EQ(FieldsOf(d), Fields{"observed_time"});
}

TEST_F(IngestTest, MaxAgeIsConfigurable) {
  IngestLimits limits;
  limits.max_age = absl::Hours(1);
  ReportIngest strict(IngestOptions{catalog_, areas_, nullptr, &clock_, limits});
  ReportDraft d = Breestraat();
  d.observed_time = kNow - absl::Hours(2);
  EXPECT_FALSE(strict.Decide(d).ok());
  EXPECT_TRUE(ingest_.Decide(d).ok());
}

TEST_F(IngestTest, LocationRules) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  ReportDraft d = Breestraat();
  d.has_location = false;
  EXPECT_EQ(FieldsOf(d), Fields{"location"});
  d = Breestraat();
  d.latitude = 91;
  EXPECT_EQ(FieldsOf(d), Fields{"location.latitude"});
  d.latitude = nan;
  EXPECT_EQ(FieldsOf(d), Fields{"location.latitude"});
  d = Breestraat();
  d.longitude = -inf;
  EXPECT_EQ(FieldsOf(d), Fields{"location.longitude"});
  d.longitude = 181;
  EXPECT_EQ(FieldsOf(d), Fields{"location.longitude"});
  d = Breestraat();
  d.latitude = 52.49;  // the North Sea
  d.longitude = 4.50;
  EXPECT_EQ(FieldsOf(d), Fields{"location"});
}

TEST_F(IngestTest, AccuracyRules) {
  ReportDraft d = Breestraat();
  d.accuracy_meters = -1;
  EXPECT_EQ(FieldsOf(d), Fields{"accuracy_meters"});
  d.accuracy_meters = 5001;
  EXPECT_EQ(FieldsOf(d), Fields{"accuracy_meters"});
  d.accuracy_meters = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(FieldsOf(d), Fields{"accuracy_meters"});
  d.accuracy_meters = 0;
  EXPECT_TRUE(FieldsOf(d).empty());
}

TEST_F(IngestTest, CategoryRules) {
  ReportDraft d = Breestraat();
  d.category = "";
  EXPECT_EQ(FieldsOf(d), Fields{"category"});
  d.category = "no-such-category";
  EXPECT_EQ(FieldsOf(d), Fields{"category"});
  for (const catalog::Category& c : catalog_->categories()) {
    if (c.active) continue;
    d.category = c.code;
    EXPECT_EQ(FieldsOf(d), Fields{"category"}) << c.code;
    break;
  }
}

TEST_F(IngestTest, DescriptionRules) {
  ReportDraft d = Breestraat();
  d.description = "";
  EXPECT_EQ(FieldsOf(d), Fields{"description"});
  d.description = std::string(4000, 'a');
  EXPECT_TRUE(FieldsOf(d).empty());
  d.description = std::string(4001, 'a');
  EXPECT_EQ(FieldsOf(d), Fields{"description"});
  for (std::string bad : {std::string("caf\xc3"), std::string("\xff\xfe"),
                          std::string("overlong \xc0\xaf"), std::string("surrogate \xed\xa0\x80"),
                          std::string("nul \0 byte", 10), std::string("bell \x07"),
                          std::string("c1 \xc2\x85")}) {
    d.description = bad;
    EXPECT_EQ(FieldsOf(d), Fields{"description"}) << bad;
  }
  d.description = "Fietsendief in de Zeestraat 🚲, regel\nnieuwe regel\tmet tab — ë ï";
  EXPECT_TRUE(FieldsOf(d).empty());
}

TEST_F(IngestTest, DescriptionWithoutContentIsRefused) {
  ReportDraft d = Breestraat();
  // Only whitespace, punctuation, symbols or emoji: nothing to read.
  for (std::string empty : {std::string(" "), std::string("   \n\t  "), std::string("..."),
                            std::string("?!?! --- ;;"), std::string("🚲🚨😡"),
                            std::string("\xe2\x80\x94 \xe2\x80\xa6 \xc2\xa0"),
                            std::string("€ % & @ # *")}) {
    d.description = empty;
    EXPECT_EQ(FieldsOf(d), Fields{"description"}) << empty;
  }
  // One letter or digit of any script is content.
  for (std::string ok : {std::string("!! 112 !!"), std::string("🚲 weg"), std::string("ë"),
                         std::string("Γ")}) {
    d.description = ok;
    EXPECT_TRUE(FieldsOf(d).empty()) << ok;
  }
}

TEST_F(IngestTest, AllViolationsAreReportedAtOnce) {
  ReportDraft d;
  EXPECT_EQ(FieldsOf(d), (Fields{"id", "reporter_role", "observed_time", "location", "category",
                                 "description"}));
}

TEST_F(IngestTest, FingerprintCoversEveryClientField) {
  const std::string base = ContentFingerprint(Breestraat());
  ReportDraft d = Breestraat();
  d.id = absl::AsciiStrToLower(d.id);
  EXPECT_EQ(ContentFingerprint(d), base) << "the id is compared case-insensitively";
  std::vector<std::function<void(ReportDraft&)>> changes = {
      [](ReportDraft& r) { r.reporter_role = 2; },
      [](ReportDraft& r) { *r.observed_time += absl::Nanoseconds(1); },
      [](ReportDraft& r) { r.latitude += 1e-9; },
      [](ReportDraft& r) { r.longitude += 1e-9; },
      [](ReportDraft& r) { r.accuracy_meters = 13; },
      [](ReportDraft& r) { r.category = "zakkenroller"; },
      [](ReportDraft& r) { r.description += "."; },
      [](ReportDraft& r) { r.id[0] = '4'; },
      [](ReportDraft& r) { r.reporter = "devices/other"; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    ReportDraft changed = Breestraat();
    changes[i](changed);
    EXPECT_NE(ContentFingerprint(changed), base) << "change " << i;
  }
}

// media_url: a public https link by host name, without credentials; nothing else.
// The matcher's vector comes from the match model when one is given, so that retraining the
// theme model leaves incident decisions (and the vectors stored in open incidents) alone;
// without one, from the theme model. The theme decision is the theme model's either way.
TEST_F(IngestTest, TextVectorComesFromTheMatchModel) {
  auto theme = classify::ThemeClassifier::Load(WIJKWACHT_THEME_MODEL);
  auto match = classify::ThemeClassifier::Load(WIJKWACHT_MATCH_MODEL);
  ASSERT_TRUE(theme.ok()) << theme.status();
  ASSERT_TRUE(match.ok()) << match.status();
  const ReportDraft d = Breestraat();
  const std::vector<float> theme_vector = (*theme)->SentenceVector(d.description);
  const std::vector<float> match_vector = (*match)->SentenceVector(d.description);
  // The shipped models differ (the theme model trains on more writers), so does the vector.
  ASSERT_NE(theme_vector, match_vector);

  ReportIngest with_match(
      IngestOptions{catalog_, areas_, theme->get(), &clock_, {}, match->get()});
  absl::StatusOr<IngestDecision> a = with_match.Decide(d);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->text_vector, match_vector);

  ReportIngest theme_only(IngestOptions{catalog_, areas_, theme->get(), &clock_, {}});
  absl::StatusOr<IngestDecision> b = theme_only.Decide(d);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->text_vector, theme_vector);
  EXPECT_EQ(a->theme, b->theme);
  EXPECT_EQ(a->theme_confidence, b->theme_confidence);
}

TEST(MediaUrlTest, OnlyAPublicHttpsLinkByName) {
  for (const char* ok : {"https://beeldbank.voorbeeld.nl/a.jpg", "HTTPS://Foto.Example.COM",
                         "https://xn--bcher-kva.example.de:8443/p?q=1#f",
                         "https://cdn.voorbeeld.nl./a%20b.jpg"}) {
    EXPECT_EQ(MediaUrlProblem(ok), "") << ok;
  }
  for (const char* bad :
       {"http://voorbeeld.nl/a.jpg", "ftp://voorbeeld.nl/a", "javascript:alert(1)", "https://",
        "https://user:pw@voorbeeld.nl/a", "https://user@voorbeeld.nl/a", "https://10.0.0.7/a",
        "https://127.0.0.1", "https://[::1]/a", "https://[fe80::1]:443/", "https://0x7f000001/",
        "https://2130706433/", "https://localhost/a", "https://intranet/a", "https://nas.local/a",
        "https://db.internal/a", "https://router.home.arpa/", "https://voorbeeld.nl:0/",
        "https://voorbeeld.nl:99999/", "https://voorbeeld.nl:x/", "https://-a.nl/",
        "https://voorbeeld.nl/a b", "https://voorbeeld.nl/\n", "https://caf\xC3\xA9.nl/"}) {
    EXPECT_NE(MediaUrlProblem(bad), "") << bad;
  }
  EXPECT_NE(MediaUrlProblem("https://voorbeeld.nl/" + std::string(2100, 'a')), "");
  EXPECT_EQ(MediaUrlProblem("https://voorbeeld.nl/" + std::string(2000, 'a')), "");
}

}  // namespace
}  // namespace wijkwacht::report
