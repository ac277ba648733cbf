// RFC 4180 record splitter that keeps going after a bad record, so an import can report
// every bad line at once (domain/catalog/csv_reader.h stops at the first problem and refuses
// records whose field count differs from the header; the indicator import needs both).
//
// Format: comma-separated fields; a field enclosed in double quotes may contain commas, line
// breaks and doubled quotes ("" = one "). Records end with LF or CRLF; a lone CR is data. A
// UTF-8 byte-order mark at the start is skipped and empty lines are skipped. Fields are not
// trimmed, not checked for UTF-8, and records may have any number of fields.
//
// A malformed record (a quote inside an unquoted field, text after a closing quote) gets a
// `problem` and no usable fields; splitting resumes on the next line. A quoted field that is
// never closed swallows the rest of the text: that record gets a problem and is the last.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wijkwacht::indicators {

struct CsvRow {
  int line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
  std::string problem;  // empty when the record is well-formed
};

[[nodiscard]] std::vector<CsvRow> SplitCsvRows(absl::string_view text);

}  // namespace wijkwacht::indicators
