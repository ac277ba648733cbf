// The published category list: what a resident or shopkeeper picks when reporting what
// they saw ("verdachte persoon bij woningen", "hangjongeren", "Straatverlichting", ...).
//
// The catalog is built from the tables in data/categories/ (see its README.md):
//   - signalen_categories_amsterdam.json: every Signalen sub-category becomes a category
//     (inactive ones too, with active = false);
//   - groups.csv: the group and theme_hint of each Signalen category (curated by us);
//   - signalen_description_overrides.csv: replaces placeholder descriptions in the dump;
//   - watch_categories.csv: our neighbourhood-watch categories, which Signalen lacks;
//   - bor_meld_referentietabel.csv + bor_meld_mapping.csv: the CROW BOR-MELD item texts become
//     search terms of the category they map to.
//
// Category codes (stable; stored in reports, used in "categories/{code}"):
//   - our own categories: one lower-case slug, e.g. "winkeldiefstal", "inbraak-woning";
//   - imported categories: "<source>.<slug>[.<slug>]", e.g.
//     "signalen.overlast-van-en-door-personen-of-groepen.jongerenoverlast".
//   A slug is [a-z0-9-], starting and ending with a letter or digit; a code has no other
//   characters, so it is URL-safe without escaping. A code without a dot is always ours.
//
// Thread safety: a loaded catalog is immutable; concurrent reads are safe.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/catalog/theme.h"

namespace wijkwacht::catalog {

// How a reporter thinks about what they saw (the Waak Samen / Burgernet split). The numeric
// values equal wijkwacht.v1.CategoryGroup; the names equal its enum value names.
enum class CategoryGroup {
  kPerson = 1,        // persoon
  kGroup = 2,         // groep
  kVehicle = 3,       // voertuig
  kSurroundings = 4,  // omgeving: a place, building, object or animal
};

inline constexpr std::array<CategoryGroup, 4> kAllCategoryGroups = {
    CategoryGroup::kPerson, CategoryGroup::kGroup, CategoryGroup::kVehicle,
    CategoryGroup::kSurroundings};

// "PERSON", "GROUP", "VEHICLE", "SURROUNDINGS"; "CATEGORY_GROUP_UNSPECIFIED" for a value
// outside the enum.
[[nodiscard]] absl::string_view CategoryGroupName(CategoryGroup group);
// Inverse of CategoryGroupName for the four groups (exact, case-sensitive).
[[nodiscard]] std::optional<CategoryGroup> ParseCategoryGroup(absl::string_view name);

// True if `code` follows the code scheme above (at most 128 bytes). Says nothing about
// whether the code exists; use CategoryCatalog::Find for that.
[[nodiscard]] bool IsValidCategoryCode(absl::string_view code);

// Last slugs of the catch-all codes a reporter picks when nothing else fits: "Overig"
// (signalen.overig.overig) and "Overige overlast door personen"
// (signalen.overlast-van-en-door-personen-of-groepen.overige-overlast-door-personen); "none"
// is the labelled files' word for no category.
inline constexpr std::array<absl::string_view, 3> kCatchAllSlugs = {
    "overig", "overige-overlast-door-personen", "none"};
// True for "" and for a code whose last slug is in kCatchAllSlugs. Such a category says
// nothing about the theme or the event: the theme classifier gives it no token and the
// incident matcher no agreement.
[[nodiscard]] bool IsCatchAllCategory(absl::string_view code);

struct Category {
  std::string code;         // see "Category codes" above
  std::string name;         // Dutch label for the app; never empty
  std::string description;  // Dutch; may be empty
  CategoryGroup group = CategoryGroup::kSurroundings;
  // The theme reports in this category most often belong to; never kUnspecified. Used as
  // the placeholder classifier and as a classifier feature.
  Theme theme_hint = Theme::kOther;
  // "wijkwacht", "signalen:<main_slug>/<sub_slug>".
  std::string source;
  // Extra words for the app's search box (the name is not repeated here); no duplicates
  // (compared case-insensitively), in file order.
  std::vector<std::string> search_terms;
  // False for categories retired upstream: kept so that stored reports still resolve, but
  // not offered in the app and not accepted for new reports.
  bool active = true;
};

// File names inside the directory given to CategoryCatalog::Load.
inline constexpr absl::string_view kSignalenFile = "signalen_categories_amsterdam.json";
inline constexpr absl::string_view kGroupsFile = "groups.csv";
inline constexpr absl::string_view kSignalenDescriptionOverridesFile =
    "signalen_description_overrides.csv";
inline constexpr absl::string_view kWatchCategoriesFile = "watch_categories.csv";
inline constexpr absl::string_view kBorMeldFile = "bor_meld_referentietabel.csv";
inline constexpr absl::string_view kBorMeldMappingFile = "bor_meld_mapping.csv";

class CategoryCatalog {
 public:
  // Loads and validates the files above from `categories_dir` (normally
  // "<WIJKWACHT_DATA_DIR>/categories").
  // Errors:
  //   - a file cannot be read: the errno-derived status (NOT_FOUND if missing), naming it;
  //   - a file is malformed or the files disagree: INVALID_ARGUMENT
  //     "<path>:<line>: <problem>" (for the JSON file, a JSON path instead of a line when the
  //     syntax is fine). Covered: CSV syntax and column counts, unknown group or theme names,
  //     empty names, invalid or duplicate codes, duplicate mapping rows, mapping rows that
  //     match no Signalen or BOR-MELD entry, Signalen main categories without a group row,
  //     BOR-MELD items without a mapping, mappings to unknown or inactive categories.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<CategoryCatalog>> Load(
      const std::string& categories_dir);

  CategoryCatalog(const CategoryCatalog&) = delete;
  CategoryCatalog& operator=(const CategoryCatalog&) = delete;

  // Every category, active or not, ordered by group (in enum order), then by code.
  [[nodiscard]] const std::vector<Category>& categories() const { return categories_; }

  // The category with exactly this code (case-sensitive), active or not; nullptr if unknown.
  // The pointer lives as long as the catalog.
  [[nodiscard]] const Category* Find(absl::string_view code) const;

 private:
  explicit CategoryCatalog(std::vector<Category> categories);

  std::vector<Category> categories_;
  absl::flat_hash_map<std::string, std::size_t> index_by_code_;
};

}  // namespace wijkwacht::catalog
