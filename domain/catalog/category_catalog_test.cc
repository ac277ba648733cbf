#include "domain/catalog/category_catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/catalog/csv_reader.h"
#include "domain/catalog/theme.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::catalog {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kCategoriesDir = std::string(WIJKWACHT_DATA_DIR) + "/categories";

class CategoryCatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<CategoryCatalog>> loaded = CategoryCatalog::Load(kCategoriesDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    catalog_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }

  const Category& Get(absl::string_view code) {
    const Category* category = catalog_->Find(code);
    EXPECT_NE(category, nullptr) << code;
    static const Category kMissing;
    return category != nullptr ? *category : kMissing;
  }

  static const CategoryCatalog* catalog_;
};
const CategoryCatalog* CategoryCatalogTest::catalog_ = nullptr;

TEST_F(CategoryCatalogTest, HasAtLeast150Categories) {
  EXPECT_GE(catalog_->categories().size(), 150u);
}

TEST_F(CategoryCatalogTest, EverySignalenSubCategoryIsPresent) {
  std::ifstream in(kCategoriesDir + "/signalen_categories_amsterdam.json");
  nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(json.is_discarded());
  int active_count = 0;
  for (const nlohmann::json& main : json["main_categories"]) {
    const std::string main_slug = main["slug"].get<std::string>();
    for (const nlohmann::json& sub : main["sub_categories"]) {
      const std::string sub_slug = sub["slug"].get<std::string>();
      const Category& category = Get("signalen." + main_slug + "." + sub_slug);
      EXPECT_EQ(category.source, "signalen:" + main_slug + "/" + sub_slug);
      EXPECT_EQ(category.name, sub["name"].get<std::string>());
      EXPECT_EQ(category.active, sub["is_active"].get<bool>()) << category.code;
      if (sub["is_active"].get<bool>()) ++active_count;
    }
  }
  EXPECT_EQ(active_count, 129);
}

TEST_F(CategoryCatalogTest, CodesAreUniqueUrlSafeAndFindable) {
  std::set<std::string> codes;
  for (const Category& category : catalog_->categories()) {
    EXPECT_TRUE(codes.insert(category.code).second) << "duplicate " << category.code;
    EXPECT_TRUE(IsValidCategoryCode(category.code)) << category.code;
    EXPECT_EQ(category.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-."),
              std::string::npos)
        << category.code;
    EXPECT_EQ(catalog_->Find(category.code), &category);
  }
}

TEST_F(CategoryCatalogTest, EveryCategoryIsComplete) {
  for (const Category& category : catalog_->categories()) {
    EXPECT_FALSE(category.name.empty()) << category.code;
    EXPECT_NE(category.theme_hint, Theme::kUnspecified) << category.code;
    EXPECT_FALSE(category.source.empty()) << category.code;
    // Our own codes have no dot; imported ones are prefixed by their source.
    if (category.source == "wijkwacht") {
      EXPECT_EQ(category.code.find('.'), std::string::npos) << category.code;
    } else {
      EXPECT_TRUE(absl::StartsWith(category.code, "signalen.")) << category.code;
    }
    for (const std::string& term : category.search_terms) {
      EXPECT_FALSE(term.empty()) << category.code;
      EXPECT_THAT(term, Not(HasSubstr("opmerkingenveld"))) << category.code;
    }
  }
}

TEST_F(CategoryCatalogTest, OrderedByGroupThenCode) {
  const std::vector<Category>& categories = catalog_->categories();
  for (std::size_t i = 1; i < categories.size(); ++i) {
    EXPECT_LT(std::tie(categories[i - 1].group, categories[i - 1].code),
              std::tie(categories[i].group, categories[i].code));
  }
}

TEST_F(CategoryCatalogTest, EveryGroupHasActiveCategories) {
  std::map<CategoryGroup, int> active_per_group;
  for (const Category& category : catalog_->categories()) {
    if (category.active) ++active_per_group[category.group];
  }
  for (CategoryGroup group : kAllCategoryGroups) {
    EXPECT_GT(active_per_group[group], 0) << CategoryGroupName(group);
  }
}

TEST_F(CategoryCatalogTest, WatchCategoriesHaveExpectedGroupAndTheme) {
  const struct {
    const char* code;
    CategoryGroup group;
    Theme theme;
  } kExpected[] = {
      {"winkeldiefstal", CategoryGroup::kPerson, Theme::kPhysicalBusiness},
      {"zakkenroller", CategoryGroup::kPerson, Theme::kPhysicalBusiness},
      {"overval", CategoryGroup::kPerson, Theme::kPhysicalBusiness},
      {"verdachte-persoon-bij-woning", CategoryGroup::kPerson, Theme::kLiveability},
      {"intimidatie", CategoryGroup::kPerson, Theme::kLiveability},
      {"drugshandel", CategoryGroup::kPerson, Theme::kSubversion},
      {"hangjongeren", CategoryGroup::kGroup, Theme::kYouth},
      {"vuurwerk-naar-mensen", CategoryGroup::kGroup, Theme::kYouth},
      {"verdacht-voertuig", CategoryGroup::kVehicle, Theme::kLiveability},
      {"inbraak-woning", CategoryGroup::kSurroundings, Theme::kLiveability},
      {"hennepteelt-signalen", CategoryGroup::kSurroundings, Theme::kSubversion},
      {"brandgevaar", CategoryGroup::kSurroundings, Theme::kPhysicalBusiness},
      {"gasgeur", CategoryGroup::kSurroundings, Theme::kPhysicalBusiness},
  };
  for (const auto& expected : kExpected) {
    const Category& category = Get(expected.code);
    EXPECT_EQ(category.group, expected.group) << expected.code;
    EXPECT_EQ(category.theme_hint, expected.theme) << expected.code;
    EXPECT_EQ(category.source, "wijkwacht") << expected.code;
    EXPECT_TRUE(category.active) << expected.code;
    EXPECT_FALSE(category.description.empty()) << expected.code;
    EXPECT_FALSE(category.search_terms.empty()) << expected.code;
  }
}

TEST_F(CategoryCatalogTest, SignalenCategoriesGetGroupAndThemeFromGroupsFile) {
  // Sub-category row overrides the main row.
  const Category& youth = Get("signalen.overlast-van-en-door-personen-of-groepen.jongerenoverlast");
  EXPECT_EQ(youth.group, CategoryGroup::kGroup);
  EXPECT_EQ(youth.theme_hint, Theme::kYouth);
  // Main row only.
  const Category& drunk =
      Get("signalen.overlast-van-en-door-personen-of-groepen.drank-en-drugsoverlast");
  EXPECT_EQ(drunk.group, CategoryGroup::kPerson);
  EXPECT_EQ(drunk.theme_hint, Theme::kLiveability);
  EXPECT_EQ(Get("signalen.ondermijning.vermoeden").theme_hint, Theme::kSubversion);
  EXPECT_EQ(Get("signalen.wonen.wonen-ondermijning").theme_hint, Theme::kSubversion);
  EXPECT_EQ(Get("signalen.wegen-verkeer-straatmeubilair.lantaarnpaal-straatverlichting").theme_hint,
            Theme::kOther);
  EXPECT_EQ(Get("signalen.overlast-in-de-openbare-ruimte.parkeeroverlast").group,
            CategoryGroup::kVehicle);
}

TEST_F(CategoryCatalogTest, BorMeldItemsBecomeSearchTerms) {
  EXPECT_THAT(Get("signalen.overlast-van-en-door-personen-of-groepen.loslopende-agressieve-honden")
                  .search_terms,
              Contains("Loslopende hond"));
  EXPECT_THAT(
      Get("signalen.wegen-verkeer-straatmeubilair.onderhoud-stoep-straat-en-fietspad").search_terms,
      Contains("Gat in de weg"));
  // The Signalen main category name is a search term too.
  EXPECT_THAT(Get("signalen.overlast-van-dieren.ratten").search_terms,
              Contains("Overlast van dieren"));
}

TEST_F(CategoryCatalogTest, PlaceholderDescriptionsAreReplaced) {
  EXPECT_EQ(Get("signalen.overlast-in-de-openbare-ruimte.markten").description,
            "Overlast door een markt of marktkraam.");
  for (const Category& category : catalog_->categories()) {
    EXPECT_NE(category.description, "blah") << category.code;
    EXPECT_NE(category.description, "Dit is een testje") << category.code;
  }
}

TEST_F(CategoryCatalogTest, UnknownCodeGivesNullptr) {
  EXPECT_EQ(catalog_->Find("bestaat-niet"), nullptr);
  EXPECT_EQ(catalog_->Find(""), nullptr);
  EXPECT_EQ(catalog_->Find("WINKELDIEFSTAL"), nullptr);  // case-sensitive
  EXPECT_EQ(catalog_->Find("winkeldiefstal "), nullptr);
  EXPECT_EQ(catalog_->Find("signalen.ondermijning"), nullptr);
}

TEST(ThemeTest, NamesRoundTrip) {
  for (Theme theme : kFrameworkThemes) {
    EXPECT_EQ(ParseTheme(ThemeName(theme)), theme);
  }
  EXPECT_EQ(ParseTheme(ThemeName(Theme::kUnspecified)), Theme::kUnspecified);
  EXPECT_EQ(ThemeName(Theme::kLiveability), "LIVEABILITY");
  EXPECT_EQ(ThemeName(Theme::kPhysicalBusiness), "PHYSICAL_BUSINESS");
  EXPECT_EQ(ThemeName(static_cast<Theme>(42)), "THEME_UNSPECIFIED");
  EXPECT_EQ(ParseTheme("liveability"), std::nullopt);
  EXPECT_EQ(ParseTheme(""), std::nullopt);
  EXPECT_EQ(ParseTheme("YOUTH "), std::nullopt);
}

TEST(CategoryGroupTest, NamesRoundTrip) {
  for (CategoryGroup group : kAllCategoryGroups) {
    EXPECT_EQ(ParseCategoryGroup(CategoryGroupName(group)), group);
  }
  EXPECT_EQ(ParseCategoryGroup("person"), std::nullopt);
  EXPECT_EQ(ParseCategoryGroup("CATEGORY_GROUP_UNSPECIFIED"), std::nullopt);
}

TEST(CategoryCodeTest, Validity) {
  EXPECT_TRUE(IsValidCategoryCode("winkeldiefstal"));
  EXPECT_TRUE(IsValidCategoryCode("inbraak-woning"));
  EXPECT_TRUE(IsValidCategoryCode("signalen.ondermijning.vermoeden"));
  EXPECT_FALSE(IsValidCategoryCode(""));
  EXPECT_FALSE(IsValidCategoryCode("Winkeldiefstal"));
  EXPECT_FALSE(IsValidCategoryCode("-inbraak"));
  EXPECT_FALSE(IsValidCategoryCode("inbraak-"));
  EXPECT_FALSE(IsValidCategoryCode("signalen..x"));
  EXPECT_FALSE(IsValidCategoryCode("signalen.x."));
  EXPECT_FALSE(IsValidCategoryCode("inbraak woning"));
  EXPECT_FALSE(IsValidCategoryCode("inbraak/woning"));
  EXPECT_FALSE(IsValidCategoryCode(std::string(129, 'a')));
}

// Loads a copy of the real files with one file replaced.
class BrokenDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("catalog_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const fs::directory_entry& entry : fs::directory_iterator(kCategoriesDir)) {
      fs::copy_file(entry.path(), dir_ / entry.path().filename());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(absl::string_view file, const std::string& contents) {
    std::ofstream out(dir_ / std::string(file), std::ios::binary | std::ios::trunc);
    out << contents;
  }
  // Appends one record and returns its line number as "<file>:<line>:".
  std::string Append(absl::string_view file, const std::string& record) {
    const fs::path path = dir_ / std::string(file);
    std::ifstream in(path, std::ios::binary);
    const std::string contents((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << record;
    return absl::StrCat(file, ":", 1 + std::count(contents.begin(), contents.end(), '\n'), ":");
  }
  absl::Status LoadStatus() { return CategoryCatalog::Load(dir_.string()).status(); }

  fs::path dir_;
};

TEST_F(BrokenDataTest, CopyLoads) { EXPECT_TRUE(LoadStatus().ok()) << LoadStatus(); }

TEST_F(BrokenDataTest, UnknownThemeNamesFileAndLine) {
  Write(kGroupsFile,
        "main_slug,sub_slug,group,theme_hint,reason\n"
        "afval,,SURROUNDINGS,OTHER,x\n"
        "civiele-constructies,,SURROUNDINGS,SAFETY,x\n");
  absl::Status status = LoadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("groups.csv:3: unknown theme_hint 'SAFETY'"));
}

TEST_F(BrokenDataTest, UnknownGroupNamesFileAndLine) {
  const std::string at = Append(kGroupsFile, "wonen,leegstand,BUILDING,LIVEABILITY,x\n");
  absl::Status status = LoadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(at + " unknown group 'BUILDING'"));
}

TEST_F(BrokenDataTest, WrongFieldCountNamesLine) {
  Write(kGroupsFile,
        "main_slug,sub_slug,group,theme_hint,reason\n"
        "afval,,SURROUNDINGS,OTHER,\"quoted, with comma\"\n"
        "wonen,,SURROUNDINGS,LIVEABILITY,unquoted, with comma\n");
  EXPECT_THAT(LoadStatus().message(), HasSubstr("groups.csv:3: has 6 fields, the header has 5"));
}

TEST_F(BrokenDataTest, MissingMainCategoryRow) {
  Write(kGroupsFile, "main_slug,sub_slug,group,theme_hint,reason\n");
  absl::Status status = LoadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no row for Signalen main category 'afval'"));
}

TEST_F(BrokenDataTest, StaleGroupRowNamesLine) {
  const std::string at = Append(kGroupsFile, "afval,bestaat-niet,SURROUNDINGS,OTHER,x\n");
  EXPECT_THAT(LoadStatus().message(),
              HasSubstr(at + " 'afval/bestaat-niet' is no Signalen category"));
}

TEST_F(BrokenDataTest, DuplicateGroupRow) {
  const std::string at = Append(kGroupsFile, "afval,,SURROUNDINGS,OTHER,x\n");
  EXPECT_THAT(LoadStatus().message(), HasSubstr(at + " second row for 'afval' (first on line 2)"));
}

TEST_F(BrokenDataTest, DuplicateWatchCode) {
  const std::string at =
      Append(kWatchCategoriesFile, "gasgeur,Gasgeur,,SURROUNDINGS,PHYSICAL_BUSINESS,\n");
  EXPECT_THAT(LoadStatus().message(), HasSubstr(at + " duplicate code 'gasgeur' (also at "));
}

TEST_F(BrokenDataTest, DottedOrEmptyWatchCategory) {
  const std::string at = Append(kWatchCategoriesFile, "signalen.x,X,,SURROUNDINGS,OTHER,\n");
  EXPECT_THAT(LoadStatus().message(), HasSubstr(at + " code 'signalen.x'"));
  Write(kWatchCategoriesFile,
        "code,name,description,group,theme_hint,search_terms\nleeg, ,,PERSON,OTHER,\n");
  EXPECT_THAT(LoadStatus().message(), HasSubstr("watch_categories.csv:2: name is empty"));
}

TEST_F(BrokenDataTest, MappingToUnknownCategory) {
  const std::string at =
      Append(kBorMeldMappingFile, "Afval,Grofvuil,Stankoverlast,signalen.afval.bestaat-niet\n");
  EXPECT_THAT(LoadStatus().message(),
              HasSubstr(at + " unknown category 'signalen.afval.bestaat-niet'"));
}

TEST_F(BrokenDataTest, MappingToInactiveCategory) {
  const std::string at = Append(kBorMeldMappingFile,
                                "Afval,Grofvuil,Stankoverlast,signalen.afval.prullenbak-is-vol\n");
  EXPECT_THAT(LoadStatus().message(),
              HasSubstr(at + " category 'signalen.afval.prullenbak-is-vol' is not active"));
}

TEST_F(BrokenDataTest, UnmappedBorMeldItemNamesLine) {
  const std::string at =
      Append(kBorMeldFile, "203,Nieuw,,Nieuwe sub,Nieuw item,Nieuw - Nieuwe sub - Nieuw item\n");
  EXPECT_THAT(LoadStatus().message(),
              HasSubstr(at + " id 203 ('Nieuw' / 'Nieuwe sub' / 'Nieuw item') has no row in"));
}

TEST_F(BrokenDataTest, StaleMappingRowNamesLine) {
  const std::string at =
      Append(kBorMeldMappingFile, "Afval,Bestaat niet,,signalen.afval.grofvuil\n");
  EXPECT_THAT(LoadStatus().message(), HasSubstr(at + " matches no row of"));
}

TEST_F(BrokenDataTest, InvalidJsonNamesLine) {
  Write(kSignalenFile, "{\n  \"main_categories\": [\n    {\"slug\": \"afval\",, }\n  ]\n}\n");
  absl::Status status = LoadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("signalen_categories_amsterdam.json:3: invalid JSON"));
}

TEST_F(BrokenDataTest, WrongJsonTypeNamesPath) {
  Write(kSignalenFile,
        R"({"main_categories": [{"slug": "afval", "name": "Afval", "sub_categories": [)"
        R"({"slug": "grofvuil", "name": "Grofvuil", "is_active": "yes"}]}]})");
  EXPECT_THAT(LoadStatus().message(),
              HasSubstr("main_categories[0].sub_categories[0]: 'is_active' must be a boolean"));
}

TEST_F(BrokenDataTest, MissingFileIsNotFound) {
  fs::remove(dir_ / std::string(kWatchCategoriesFile));
  absl::Status status = LoadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("watch_categories.csv"));
}

}  // namespace
}  // namespace wijkwacht::catalog
