// Fuzz target: the category tables (domain/catalog/category_catalog.h, csv_reader.h), which a
// municipality may replace. Mode byte % 7 picks one of the six files of the category folder
// (the other five stay the shipped ones) or, for 6, the CSV reader alone. A folder either
// loads, and then every category is found by its code, or is refused with INVALID_ARGUMENT.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/catalog/category_catalog.h"
#include "domain/catalog/csv_reader.h"
#include "fuzz/fuzz_support.h"

namespace {

const std::vector<std::string>& FileNames() {
  static const auto* names = new std::vector<std::string>{
      std::string(wijkwacht::catalog::kSignalenFile),
      std::string(wijkwacht::catalog::kGroupsFile),
      std::string(wijkwacht::catalog::kSignalenDescriptionOverridesFile),
      std::string(wijkwacht::catalog::kWatchCategoriesFile),
      std::string(wijkwacht::catalog::kBorMeldFile),
      std::string(wijkwacht::catalog::kBorMeldMappingFile)};
  return *names;
}

// The shipped files, copied once into the scratch folder; their contents by index.
const std::vector<std::string>& Originals() {
  static const auto* originals = [] {
    auto* contents = new std::vector<std::string>();
    std::filesystem::create_directories(wijkwacht::fuzz::FuzzDir() + "/categories");
    for (const std::string& name : FileNames()) {
      contents->push_back(
          wijkwacht::fuzz::ReadWholeFile(std::string(WIJKWACHT_DATA_DIR) + "/categories/" + name));
      if (contents->back().empty()) abort();  // the shipped data must be there
      wijkwacht::fuzz::WriteWholeFile(wijkwacht::fuzz::FuzzDir() + "/categories/" + name,
                                      contents->back());
    }
    return contents;
  }();
  return *originals;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string>& originals = Originals();
  wijkwacht::fuzz::InputReader in(data, size);
  const size_t which = in.Byte() % (FileNames().size() + 1);
  const absl::string_view text = in.Rest();
  if (which == FileNames().size()) {
    absl::StatusOr<wijkwacht::catalog::CsvTable> table = wijkwacht::catalog::ParseCsv(text, "f");
    if (!table.ok()) {
      if (table.status().code() != absl::StatusCode::kInvalidArgument) abort();
      return 0;
    }
    for (const wijkwacht::catalog::CsvRecord& record : table->records) {
      if (record.fields.size() != table->header.size()) abort();
    }
    return 0;
  }
  const std::string dir = wijkwacht::fuzz::FuzzDir() + "/categories";
  const std::string path = dir + "/" + FileNames()[which];
  wijkwacht::fuzz::WriteWholeFile(path, text);
  absl::StatusOr<std::unique_ptr<wijkwacht::catalog::CategoryCatalog>> catalog =
      wijkwacht::catalog::CategoryCatalog::Load(dir);
  wijkwacht::fuzz::WriteWholeFile(path, originals[which]);
  if (!catalog.ok()) {
    if (catalog.status().code() != absl::StatusCode::kInvalidArgument) abort();
    return 0;
  }
  for (const wijkwacht::catalog::Category& category : (*catalog)->categories()) {
    if ((*catalog)->Find(category.code) != &category) abort();
    if (category.name.empty()) abort();
  }
  return 0;
}
