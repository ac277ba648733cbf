#include "domain/indicators/csv_rows.h"

#include <cstddef>
#include <utility>

namespace wijkwacht::indicators {
namespace {

class RowSplitter {
 public:
  explicit RowSplitter(absl::string_view text) : text_(text) {}

  std::vector<CsvRow> Split() {
    while (pos_ < text_.size()) {
      CsvRow row = NextRow();
      const bool empty_line =
          row.problem.empty() && row.fields.size() == 1 && row.fields[0].empty();
      if (!empty_line) rows_.push_back(std::move(row));
    }
    return std::move(rows_);
  }

 private:
  bool AtLineEnd() const {
    return text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n');
  }

  // Consumes the line end at pos_ (LF or CRLF).
  void ConsumeLineEnd() {
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
  }

  // Marks `row` malformed and moves to the start of the next line.
  void Fail(CsvRow& row, std::string problem) {
    row.fields.clear();
    row.problem = std::move(problem);
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) ConsumeLineEnd();
  }

  CsvRow NextRow() {
    CsvRow row;
    row.line = line_;
    while (true) {
      std::string field;
      if (text_[pos_] == '"') {
        if (!ReadQuoted(field)) {
          row.fields.clear();
          row.problem = "quoted field is not closed";
          return row;
        }
        if (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
          Fail(row, "unexpected character after a closing quote");
          return row;
        }
      } else {
        while (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
          if (text_[pos_] == '"') {
            Fail(row, "quote inside an unquoted field (quote the field and double the quote)");
            return row;
          }
          field.push_back(text_[pos_++]);
        }
      }
      row.fields.push_back(std::move(field));
      if (pos_ >= text_.size()) return row;
      if (text_[pos_] != ',') {
        ConsumeLineEnd();
        return row;
      }
      ++pos_;
      if (pos_ >= text_.size()) {  // "a,b," at the very end: a last, empty field
        row.fields.emplace_back();
        return row;
      }
    }
  }

  // Reads a quoted field starting at the opening quote; false if it is never closed.
  bool ReadQuoted(std::string& field) {
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        return true;
      }
      if (c == '\n') ++line_;
      field.push_back(c);
      ++pos_;
    }
    return false;
  }

  absl::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::vector<CsvRow> rows_;
};

}  // namespace

std::vector<CsvRow> SplitCsvRows(absl::string_view text) {
  constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  return RowSplitter(text).Split();
}

}  // namespace wijkwacht::indicators
