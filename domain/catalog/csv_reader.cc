#include "domain/catalog/csv_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"

namespace wijkwacht::catalog {
namespace {

absl::Status ErrorAtLine(absl::string_view path, int line, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", problem));
}

// Splits `text` into records of raw fields; each record remembers its first line.
absl::StatusOr<std::vector<CsvRecord>> SplitRecords(absl::string_view text,
                                                    absl::string_view path) {
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  int line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();

  auto end_record = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    // A line with nothing on it is one empty field: skip it.
    if (!(record.fields.size() == 1 && record.fields[0].empty())) {
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
  };

  while (i < n) {
    if (record.fields.empty() && field.empty()) record.line = line;
    if (text[i] == '"' && field.empty()) {
      // Quoted field: runs to the next quote that is not doubled.
      const int field_line = line;
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = text[i];
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (c == '\n') ++line;
        field.push_back(c);
        ++i;
      }
      if (!closed) {
        return ErrorAtLine(path, field_line, "quoted field is not closed");
      }
      if (i < n && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
        return ErrorAtLine(path, line, "unexpected character after a closing quote");
      }
      continue;
    }
    const char c = text[i];
    if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\n' || (c == '\r' && i + 1 < n && text[i + 1] == '\n')) {
      end_record();
      i += (c == '\r') ? 2 : 1;
      ++line;
    } else if (c == '"') {
      return ErrorAtLine(path, line,
                         "quote inside an unquoted field (quote the field and double the quote)");
    } else {
      field.push_back(c);
      ++i;
    }
  }
  if (!record.fields.empty() || !field.empty()) end_record();
  return records;
}

}  // namespace

absl::StatusOr<std::size_t> CsvTable::ColumnIndex(absl::string_view column) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) return i;
  }
  return ErrorAtLine(path, 1, absl::StrCat("missing column '", column, "'"));
}

absl::Status CsvTable::ErrorAt(const CsvRecord& record, absl::string_view problem) const {
  return ErrorAtLine(path, record.line, problem);
}

absl::StatusOr<CsvTable> ParseCsv(absl::string_view text, std::string path) {
  constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());

  absl::StatusOr<std::vector<CsvRecord>> records = SplitRecords(text, path);
  if (!records.ok()) return records.status();
  if (records->empty()) return ErrorAtLine(path, 1, "file is empty (a header is required)");

  CsvTable table;
  table.path = std::move(path);
  table.header = std::move(records->front().fields);
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (table.header[i] == table.header[j]) {
        return ErrorAtLine(table.path, 1,
                           absl::StrCat("column '", table.header[i], "' appears twice"));
      }
    }
  }
  for (auto it = records->begin() + 1; it != records->end(); ++it) {
    if (it->fields.size() != table.header.size()) {
      return table.ErrorAt(*it, absl::StrCat("has ", it->fields.size(), " fields, the header has ",
                                             table.header.size()));
    }
    table.records.push_back(std::move(*it));
  }
  return table;
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat(path, ": cannot open"));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return std::move(contents).str();
}

absl::StatusOr<CsvTable> ReadCsvFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParseCsv(*text, path);
}

}  // namespace wijkwacht::catalog
