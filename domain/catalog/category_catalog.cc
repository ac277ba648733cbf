#include "domain/catalog/category_catalog.h"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "domain/catalog/csv_reader.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::catalog {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxCodeLength = 128;
constexpr absl::string_view kWatchSource = "wijkwacht";
constexpr absl::string_view kSignalenCodePrefix = "signalen.";

// [a-z0-9-]+, starting and ending with a letter or digit.
bool IsValidSlug(absl::string_view slug) {
  if (slug.empty() || slug.front() == '-' || slug.back() == '-') return false;
  return std::all_of(slug.begin(), slug.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

std::string PathIn(const std::string& dir, absl::string_view file) {
  return (std::filesystem::path(dir) / std::string(file)).string();
}

absl::Status InvalidData(absl::string_view where, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", problem));
}

// Adds `term` unless it is empty, equals the category name or is already there (all
// compared case-insensitively).
void AddSearchTerm(Category& category, absl::string_view term) {
  term = absl::StripAsciiWhitespace(term);
  if (term.empty() || absl::EqualsIgnoreCase(term, category.name)) return;
  for (const std::string& existing : category.search_terms) {
    if (absl::EqualsIgnoreCase(existing, term)) return;
  }
  category.search_terms.emplace_back(term);
}

// Column positions of a CSV table, resolved by name once.
absl::StatusOr<std::vector<std::size_t>> ResolveColumns(
    const CsvTable& table, std::initializer_list<absl::string_view> names) {
  std::vector<std::size_t> columns;
  for (absl::string_view name : names) {
    WW_ASSIGN_OR_RETURN(std::size_t index, table.ColumnIndex(name));
    columns.push_back(index);
  }
  return columns;
}

absl::StatusOr<CategoryGroup> ParseGroupField(const CsvTable& table, const CsvRecord& record,
                                              absl::string_view text) {
  std::optional<CategoryGroup> group = ParseCategoryGroup(text);
  if (!group) {
    return table.ErrorAt(record, absl::StrCat("unknown group '", text,
                                              "' (PERSON, GROUP, VEHICLE or SURROUNDINGS)"));
  }
  return *group;
}

absl::StatusOr<Theme> ParseThemeField(const CsvTable& table, const CsvRecord& record,
                                      absl::string_view text) {
  std::optional<Theme> theme = ParseTheme(text);
  if (!theme || *theme == Theme::kUnspecified) {
    return table.ErrorAt(record, absl::StrCat("unknown theme_hint '", text,
                                              "' (LIVEABILITY, YOUTH, SUBVERSION, "
                                              "PHYSICAL_BUSINESS or OTHER)"));
  }
  return *theme;
}

// The unused entry with the lowest line (so errors are deterministic), or nullptr.
template <typename Map>
const typename Map::value_type* FirstUnused(const Map& entries) {
  const typename Map::value_type* first = nullptr;
  for (const auto& entry : entries) {
    if (!entry.second.used && (first == nullptr || entry.second.line < first->second.line)) {
      first = &entry;
    }
  }
  return first;
}

// ---- groups.csv: group and theme_hint per Signalen main or sub category -------------------

struct GroupRule {
  CategoryGroup group;
  Theme theme_hint;
  int line;
  bool used = false;
};

struct GroupRules {
  std::string path;
  // Key "main" for a main-category row, "main/sub" for a sub-category row.
  absl::flat_hash_map<std::string, GroupRule> by_key;
};

absl::StatusOr<GroupRules> LoadGroupRules(const std::string& path) {
  WW_ASSIGN_OR_RETURN(CsvTable table, ReadCsvFile(path));
  WW_ASSIGN_OR_RETURN(std::vector<std::size_t> col,
                      ResolveColumns(table, {"main_slug", "sub_slug", "group", "theme_hint"}));
  GroupRules rules{.path = path, .by_key = {}};
  for (const CsvRecord& record : table.records) {
    const std::string& main_slug = record.fields[col[0]];
    const std::string& sub_slug = record.fields[col[1]];
    if (!IsValidSlug(main_slug)) {
      return table.ErrorAt(record, absl::StrCat("main_slug '", main_slug, "' is not a slug"));
    }
    if (!sub_slug.empty() && !IsValidSlug(sub_slug)) {
      return table.ErrorAt(record, absl::StrCat("sub_slug '", sub_slug, "' is not a slug"));
    }
    WW_ASSIGN_OR_RETURN(CategoryGroup group, ParseGroupField(table, record, record.fields[col[2]]));
    WW_ASSIGN_OR_RETURN(Theme theme, ParseThemeField(table, record, record.fields[col[3]]));
    std::string key = sub_slug.empty() ? main_slug : absl::StrCat(main_slug, "/", sub_slug);
    auto [it, inserted] = rules.by_key.try_emplace(key, GroupRule{group, theme, record.line});
    if (!inserted) {
      return table.ErrorAt(
          record, absl::StrCat("second row for '", key, "' (first on line ", it->second.line, ")"));
    }
  }
  return rules;
}

// ---- signalen_description_overrides.csv -----------------------------------------------------

struct DescriptionOverride {
  std::string description;
  int line;
  bool used = false;
};

struct DescriptionOverrides {
  std::string path;
  absl::flat_hash_map<std::string, DescriptionOverride> by_key;  // "main/sub"
};

absl::StatusOr<DescriptionOverrides> LoadDescriptionOverrides(const std::string& path) {
  WW_ASSIGN_OR_RETURN(CsvTable table, ReadCsvFile(path));
  WW_ASSIGN_OR_RETURN(std::vector<std::size_t> col,
                      ResolveColumns(table, {"main_slug", "sub_slug", "description"}));
  DescriptionOverrides overrides{.path = path, .by_key = {}};
  for (const CsvRecord& record : table.records) {
    const std::string& main_slug = record.fields[col[0]];
    const std::string& sub_slug = record.fields[col[1]];
    if (!IsValidSlug(main_slug) || !IsValidSlug(sub_slug)) {
      return table.ErrorAt(record, "main_slug and sub_slug must both be slugs");
    }
    std::string key = absl::StrCat(main_slug, "/", sub_slug);
    auto [it, inserted] = overrides.by_key.try_emplace(
        key, DescriptionOverride{std::string(absl::StripAsciiWhitespace(record.fields[col[2]])),
                                 record.line});
    if (!inserted) {
      return table.ErrorAt(
          record, absl::StrCat("second row for '", key, "' (first on line ", it->second.line, ")"));
    }
  }
  return overrides;
}

// ---- Collected categories with duplicate-code detection --------------------------------------

class CategoryList {
 public:
  // Adds `category`; INVALID_ARGUMENT naming both places if the code is taken.
  absl::Status Add(Category category, std::string where) {
    auto [it, inserted] = index_by_code_.try_emplace(category.code, categories_.size());
    if (!inserted) {
      return InvalidData(where, absl::StrCat("duplicate code '", category.code, "' (also at ",
                                             places_[it->second], ")"));
    }
    categories_.push_back(std::move(category));
    places_.push_back(std::move(where));
    return absl::OkStatus();
  }

  Category* Find(absl::string_view code) {
    auto it = index_by_code_.find(code);
    return it == index_by_code_.end() ? nullptr : &categories_[it->second];
  }

  std::vector<Category> Release() && { return std::move(categories_); }

 private:
  std::vector<Category> categories_;
  std::vector<std::string> places_;  // "<path>:<line>" or "<path>: <json path>", per category
  absl::flat_hash_map<std::string, std::size_t> index_by_code_;
};

// ---- signalen_categories_amsterdam.json -----------------------------------------------------

// Collects the first JSON syntax error without throwing.
class JsonSyntaxChecker : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) override {
    error_position = position;
    error_message = error.what();
    return false;
  }

  std::size_t error_position = 0;
  std::string error_message;
};

// Parses `text` without exceptions; INVALID_ARGUMENT "<path>:<line>: ..." on a syntax error.
absl::StatusOr<Json> ParseJson(const std::string& text, const std::string& path) {
  JsonSyntaxChecker checker;
  if (!Json::sax_parse(text, &checker)) {
    const std::size_t end = std::min(checker.error_position, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + end, '\n');
    return InvalidData(absl::StrCat(path, ":", line),
                       absl::StrCat("invalid JSON: ", checker.error_message));
  }
  Json json = Json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return InvalidData(path, "invalid JSON");
  return json;
}

// The member `key` of `object` if it is a string (or null, when `null_is_empty`).
absl::StatusOr<std::string> StringMember(const Json& object, const char* key,
                                         absl::string_view where, bool null_is_empty = false) {
  auto it = object.find(key);
  if (it != object.end() && it->is_string()) {
    return std::string(absl::StripAsciiWhitespace(it->get_ref<const std::string&>()));
  }
  if (null_is_empty && (it == object.end() || it->is_null())) return std::string();
  return InvalidData(where, absl::StrCat("'", key, "' must be a string"));
}

absl::Status LoadSignalen(const std::string& path, GroupRules& rules,
                          DescriptionOverrides& overrides, CategoryList& out) {
  WW_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  WW_ASSIGN_OR_RETURN(Json document, ParseJson(text, path));
  auto mains = document.is_object() ? document.find("main_categories") : document.end();
  if (mains == document.end() || !mains->is_array()) {
    return InvalidData(path, "expected an object with a 'main_categories' array");
  }
  for (std::size_t i = 0; i < mains->size(); ++i) {
    const Json& main = (*mains)[i];
    const std::string main_where = absl::StrCat(path, ": main_categories[", i, "]");
    if (!main.is_object()) return InvalidData(main_where, "must be an object");
    WW_ASSIGN_OR_RETURN(std::string main_slug, StringMember(main, "slug", main_where));
    WW_ASSIGN_OR_RETURN(std::string main_name, StringMember(main, "name", main_where));
    if (!IsValidSlug(main_slug)) {
      return InvalidData(main_where, absl::StrCat("slug '", main_slug, "' is not a slug"));
    }
    auto main_rule = rules.by_key.find(main_slug);
    if (main_rule == rules.by_key.end()) {
      return InvalidData(rules.path, absl::StrCat("no row for Signalen main category '", main_slug,
                                                  "' (", main_where, ")"));
    }
    main_rule->second.used = true;
    auto subs = main.find("sub_categories");
    if (subs == main.end() || !subs->is_array()) {
      return InvalidData(main_where, "'sub_categories' must be an array");
    }
    for (std::size_t j = 0; j < subs->size(); ++j) {
      const Json& sub = (*subs)[j];
      const std::string where = absl::StrCat(main_where, ".sub_categories[", j, "]");
      if (!sub.is_object()) return InvalidData(where, "must be an object");
      WW_ASSIGN_OR_RETURN(std::string sub_slug, StringMember(sub, "slug", where));
      if (!IsValidSlug(sub_slug)) {
        return InvalidData(where, absl::StrCat("slug '", sub_slug, "' is not a slug"));
      }
      auto active = sub.find("is_active");
      if (active == sub.end() || !active->is_boolean()) {
        return InvalidData(where, "'is_active' must be a boolean");
      }
      Category category;
      category.code = absl::StrCat(kSignalenCodePrefix, main_slug, ".", sub_slug);
      if (!IsValidCategoryCode(category.code)) {
        return InvalidData(where, absl::StrCat("code '", category.code, "' is longer than ",
                                               kMaxCodeLength, " bytes"));
      }
      WW_ASSIGN_OR_RETURN(category.name, StringMember(sub, "name", where));
      if (category.name.empty()) return InvalidData(where, "'name' is empty");
      WW_ASSIGN_OR_RETURN(category.description,
                          StringMember(sub, "description", where, /*null_is_empty=*/true));
      const std::string key = absl::StrCat(main_slug, "/", sub_slug);
      if (auto it = overrides.by_key.find(key); it != overrides.by_key.end()) {
        category.description = it->second.description;
        it->second.used = true;
      }
      GroupRule* rule = &main_rule->second;
      if (auto it = rules.by_key.find(key); it != rules.by_key.end()) {
        rule = &it->second;
        rule->used = true;
      }
      category.group = rule->group;
      category.theme_hint = rule->theme_hint;
      category.source = absl::StrCat("signalen:", key);
      category.active = active->get<bool>();
      AddSearchTerm(category, main_name);
      WW_RETURN_IF_ERROR(out.Add(std::move(category), where));
    }
  }
  // Rows naming no Signalen category are stale (typo or upstream rename).
  if (const auto* stale = FirstUnused(rules.by_key)) {
    return InvalidData(
        absl::StrCat(rules.path, ":", stale->second.line),
        absl::StrCat("'", stale->first, "' is no Signalen category in ", kSignalenFile));
  }
  if (const auto* stale = FirstUnused(overrides.by_key)) {
    return InvalidData(
        absl::StrCat(overrides.path, ":", stale->second.line),
        absl::StrCat("'", stale->first, "' is no Signalen category in ", kSignalenFile));
  }
  return absl::OkStatus();
}

// ---- watch_categories.csv -------------------------------------------------------------------

absl::Status LoadWatchCategories(const std::string& path, CategoryList& out) {
  WW_ASSIGN_OR_RETURN(CsvTable table, ReadCsvFile(path));
  WW_ASSIGN_OR_RETURN(std::vector<std::size_t> col,
                      ResolveColumns(table, {"code", "name", "description", "group", "theme_hint",
                                             "search_terms"}));
  for (const CsvRecord& record : table.records) {
    Category category;
    category.code = record.fields[col[0]];
    if (!IsValidSlug(category.code) || category.code.size() > kMaxCodeLength) {
      return table.ErrorAt(record, absl::StrCat("code '", category.code,
                                                "' must be a slug of [a-z0-9-] without dots "
                                                "(dotted codes are for imported categories)"));
    }
    category.name = std::string(absl::StripAsciiWhitespace(record.fields[col[1]]));
    if (category.name.empty()) return table.ErrorAt(record, "name is empty");
    category.description = std::string(absl::StripAsciiWhitespace(record.fields[col[2]]));
    WW_ASSIGN_OR_RETURN(category.group, ParseGroupField(table, record, record.fields[col[3]]));
    WW_ASSIGN_OR_RETURN(category.theme_hint, ParseThemeField(table, record, record.fields[col[4]]));
    category.source = std::string(kWatchSource);
    const std::string& terms = record.fields[col[5]];
    if (!terms.empty()) {
      for (absl::string_view term : absl::StrSplit(terms, '|')) {
        if (absl::StripAsciiWhitespace(term).empty()) {
          return table.ErrorAt(record, "search_terms has an empty term (terms are '|'-separated)");
        }
        AddSearchTerm(category, term);
      }
    }
    WW_RETURN_IF_ERROR(out.Add(std::move(category), absl::StrCat(path, ":", record.line)));
  }
  return absl::OkStatus();
}

// ---- bor_meld_referentietabel.csv + bor_meld_mapping.csv ------------------------------------

std::string BorMeldKey(absl::string_view hoofd, absl::string_view sub, absl::string_view item) {
  return absl::StrCat(hoofd, "\x1f", sub, "\x1f", item);
}

struct BorMeldMappingRow {
  std::string code;
  int line;
  bool used = false;  // matches at least one BOR-MELD row
};

// BOR-MELD items are added as search terms of the category they map to. Items that only say
// "anders, zie vrij opmerkingenveld" carry no meaning and are skipped. hoofd_zoekterm "idem"
// repeats the previous row's zoekterm.
absl::Status ApplyBorMeld(const std::string& table_path, const std::string& mapping_path,
                          CategoryList& categories) {
  WW_ASSIGN_OR_RETURN(CsvTable mapping, ReadCsvFile(mapping_path));
  WW_ASSIGN_OR_RETURN(std::vector<std::size_t> mcol,
                      ResolveColumns(mapping, {"hoofd", "sub", "item", "category"}));
  absl::flat_hash_map<std::string, BorMeldMappingRow> rows;  // BorMeldKey; item "" = whole sub
  for (const CsvRecord& record : mapping.records) {
    const std::string& hoofd = record.fields[mcol[0]];
    const std::string& sub = record.fields[mcol[1]];
    const std::string& code = record.fields[mcol[3]];
    if (hoofd.empty() || sub.empty()) return mapping.ErrorAt(record, "hoofd and sub are required");
    const Category* target = categories.Find(code);
    if (target == nullptr) {
      return mapping.ErrorAt(record, absl::StrCat("unknown category '", code, "'"));
    }
    if (!target->active) {
      return mapping.ErrorAt(record, absl::StrCat("category '", code, "' is not active"));
    }
    auto [it, inserted] = rows.try_emplace(BorMeldKey(hoofd, sub, record.fields[mcol[2]]),
                                           BorMeldMappingRow{code, record.line});
    if (!inserted) {
      return mapping.ErrorAt(record, absl::StrCat("same hoofd/sub/item as line ", it->second.line));
    }
  }

  WW_ASSIGN_OR_RETURN(CsvTable table, ReadCsvFile(table_path));
  WW_ASSIGN_OR_RETURN(std::vector<std::size_t> col,
                      ResolveColumns(table, {"id", "hoofd", "hoofd_zoekterm", "sub", "item"}));
  std::string zoekterm;
  for (const CsvRecord& record : table.records) {
    const std::string& hoofd = record.fields[col[1]];
    const std::string& sub = record.fields[col[3]];
    const std::string& item = record.fields[col[4]];
    if (!absl::EqualsIgnoreCase(record.fields[col[2]], "idem")) zoekterm = record.fields[col[2]];

    BorMeldMappingRow* row = nullptr;
    if (auto it = rows.find(BorMeldKey(hoofd, sub, "")); it != rows.end()) {
      it->second.used = true;
      row = &it->second;
    }
    if (auto it = rows.find(BorMeldKey(hoofd, sub, item)); it != rows.end()) {
      it->second.used = true;
      row = &it->second;
    }

    std::vector<absl::string_view> terms;
    if (!absl::StrContains(absl::AsciiStrToLower(item), "zie vrij opmerkingenveld")) {
      terms.push_back(item);
    }
    terms.push_back(zoekterm);
    terms.erase(
        std::remove_if(terms.begin(), terms.end(),
                       [](absl::string_view t) { return absl::StripAsciiWhitespace(t).empty(); }),
        terms.end());
    if (terms.empty()) continue;
    if (row == nullptr) {
      return table.ErrorAt(
          record, absl::StrCat("id ", record.fields[col[0]], " ('", hoofd, "' / '", sub, "' / '",
                               item, "') has no row in ", mapping_path));
    }
    Category* target = categories.Find(row->code);
    for (absl::string_view term : terms) AddSearchTerm(*target, term);
  }

  if (const auto* stale = FirstUnused(rows)) {
    return InvalidData(absl::StrCat(mapping_path, ":", stale->second.line),
                       absl::StrCat("matches no row of ", table_path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view CategoryGroupName(CategoryGroup group) {
  switch (group) {
    case CategoryGroup::kPerson:
      return "PERSON";
    case CategoryGroup::kGroup:
      return "GROUP";
    case CategoryGroup::kVehicle:
      return "VEHICLE";
    case CategoryGroup::kSurroundings:
      return "SURROUNDINGS";
  }
  return "CATEGORY_GROUP_UNSPECIFIED";
}

std::optional<CategoryGroup> ParseCategoryGroup(absl::string_view name) {
  for (CategoryGroup group : kAllCategoryGroups) {
    if (name == CategoryGroupName(group)) return group;
  }
  return std::nullopt;
}

bool IsValidCategoryCode(absl::string_view code) {
  if (code.empty() || code.size() > kMaxCodeLength) return false;
  for (absl::string_view segment : absl::StrSplit(code, '.')) {
    if (!IsValidSlug(segment)) return false;
  }
  return true;
}

bool IsCatchAllCategory(absl::string_view code) {
  if (code.empty()) return true;
  absl::string_view slug = code;
  if (const size_t dot = slug.rfind('.'); dot != absl::string_view::npos) {
    slug.remove_prefix(dot + 1);
  }
  for (absl::string_view catch_all : kCatchAllSlugs) {
    if (slug == catch_all) return true;
  }
  return false;
}

absl::StatusOr<std::unique_ptr<CategoryCatalog>> CategoryCatalog::Load(
    const std::string& categories_dir) {
  WW_ASSIGN_OR_RETURN(GroupRules group_rules, LoadGroupRules(PathIn(categories_dir, kGroupsFile)));
  WW_ASSIGN_OR_RETURN(
      DescriptionOverrides overrides,
      LoadDescriptionOverrides(PathIn(categories_dir, kSignalenDescriptionOverridesFile)));
  CategoryList list;
  WW_RETURN_IF_ERROR(
      LoadSignalen(PathIn(categories_dir, kSignalenFile), group_rules, overrides, list));
  WW_RETURN_IF_ERROR(LoadWatchCategories(PathIn(categories_dir, kWatchCategoriesFile), list));
  WW_RETURN_IF_ERROR(ApplyBorMeld(PathIn(categories_dir, kBorMeldFile),
                                  PathIn(categories_dir, kBorMeldMappingFile), list));

  std::vector<Category> categories = std::move(list).Release();
  std::sort(categories.begin(), categories.end(), [](const Category& a, const Category& b) {
    return std::tie(a.group, a.code) < std::tie(b.group, b.code);
  });
  return std::unique_ptr<CategoryCatalog>(new CategoryCatalog(std::move(categories)));
}

CategoryCatalog::CategoryCatalog(std::vector<Category> categories)
    : categories_(std::move(categories)) {
  index_by_code_.reserve(categories_.size());
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    index_by_code_.emplace(categories_[i].code, i);
  }
}

const Category* CategoryCatalog::Find(absl::string_view code) const {
  auto it = index_by_code_.find(code);
  return it == index_by_code_.end() ? nullptr : &categories_[it->second];
}

}  // namespace wijkwacht::catalog
