// A small RFC 4180 CSV reader for the shipped data tables (data/categories/*.csv).
//
// Format: comma-separated fields; a field may be enclosed in double quotes, and then may
// contain commas, line breaks and doubled quotes ("" = one "). Records end with LF or CRLF.
// The first record is the header. A UTF-8 byte-order mark is skipped, empty lines are
// skipped, and every other record must have as many fields as the header. Fields are not
// trimmed.
//
// Errors are INVALID_ARGUMENT with a message "<path>:<line>: <problem>", where <line> is the
// 1-based line on which the offending record starts; a file that cannot be read gives the
// errno-derived status (NOT_FOUND for a missing file) naming the path.
//
// Thread safety: the functions are pure; a CsvTable is immutable once returned.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::catalog {

struct CsvRecord {
  int line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string path;  // as given, used in error messages
  std::vector<std::string> header;
  std::vector<CsvRecord> records;  // data records, header excluded

  // Position of `column` in the header; INVALID_ARGUMENT "<path>:1: missing column ..." if
  // the header has no such column.
  [[nodiscard]] absl::StatusOr<std::size_t> ColumnIndex(absl::string_view column) const;

  // INVALID_ARGUMENT "<path>:<record.line>: <problem>".
  [[nodiscard]] absl::Status ErrorAt(const CsvRecord& record, absl::string_view problem) const;
};

// Parses `text`; `path` only names the source in errors.
[[nodiscard]] absl::StatusOr<CsvTable> ParseCsv(absl::string_view text, std::string path);

// Reads and parses the file at `path`.
[[nodiscard]] absl::StatusOr<CsvTable> ReadCsvFile(const std::string& path);

// The whole file at `path` as bytes; errno-derived status naming the path on failure.
[[nodiscard]] absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace wijkwacht::catalog
