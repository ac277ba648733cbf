#include "domain/indicators/indicator_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/text.h"
#include "domain/indicators/csv_rows.h"

namespace wijkwacht::indicators {
namespace {

struct ColumnRule {
  absl::string_view name;
  size_t max_bytes;
  bool free_text;  // may hold tabs and line breaks
};

// Column order is the required header order.
constexpr ColumnRule kGenericColumns[] = {
    {"area_code", 32, false}, {"indicator", 256, false}, {"period", 16, false},
    {"value", 64, false},     {"unit", 64, false},       {"source", 2048, true},
};
enum GenericColumn { kAreaCode, kIndicator, kPeriod, kValue, kUnit, kSource };

constexpr ColumnRule kBeverwijkColumns[] = {
    {"gebied_code", 32, false}, {"gebied_naam", 200, true}, {"indicator", 127, false},
    {"categorie", 128, false},  {"jaar", 16, false},        {"rang", 8, false},
    {"waarde", 64, false},      {"eenheid", 64, false},     {"bron_url", 1000, false},
    {"opmerking", 1000, true},
};
enum BeverwijkColumn {
  kGebiedCode,
  kGebiedNaam,
  kBvIndicator,
  kCategorie,
  kJaar,
  kRang,
  kWaarde,
  kEenheid,
  kBronUrl,
  kOpmerking
};

std::string HeaderText(std::span<const ColumnRule> columns) {
  return absl::StrJoin(columns, ",",
                       [](std::string* out, const ColumnRule& c) { absl::StrAppend(out, c.name); });
}

bool HeaderMatches(const std::vector<std::string>& header, std::span<const ColumnRule> columns) {
  return std::equal(header.begin(), header.end(), columns.begin(), columns.end(),
                    [](const std::string& h, const ColumnRule& c) { return h == c.name; });
}

// Violations in file order, up to a cap; past the cap it only notes that there were more.
class Violations {
 public:
  explicit Violations(size_t cap) : cap_(std::max<size_t>(cap, 1)) {}

  void Add(std::string field, std::string description) {
    if (list_.size() >= cap_) {
      truncated_ = true;
      return;
    }
    list_.push_back({std::move(field), std::move(description)});
  }
  size_t count() const { return list_.size(); }
  bool truncated() const { return truncated_; }

  absl::Status ToStatus() && {
    if (truncated_) {
      list_.push_back({"csv", absl::StrCat("has more than ", cap_,
                                           " problems; the rest of the file was not checked")});
    }
    return InvalidFieldsError(std::move(list_));
  }

 private:
  size_t cap_;
  bool truncated_ = false;
  std::vector<FieldViolation> list_;
};

std::string LinePath(int line) { return absl::StrCat("csv.line[", line, "]"); }

// "" when `text` is a finite number in the documented syntax (result in `value`); otherwise
// the problem, phrased to follow a field name.
std::string ParseValue(absl::string_view text, double& value) {
  if (text.empty()) return "is empty";
  const std::string quoted = absl::StrCat("\"", text, "\"");
  absl::string_view unsigned_text = text;
  if (unsigned_text[0] == '-' || unsigned_text[0] == '+') unsigned_text.remove_prefix(1);
  const std::string lower = absl::AsciiStrToLower(unsigned_text);
  if (lower == "nan" || lower == "inf" || lower == "infinity") {
    return absl::StrCat(quoted, " is not a finite number");
  }

  size_t i = text[0] == '-' ? 1 : 0;
  auto digits = [&] {
    const size_t from = i;
    while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i > from;
  };
  bool ok = digits();
  size_t comma = absl::string_view::npos;
  if (ok && i < text.size() && (text[i] == '.' || text[i] == ',')) {
    if (text[i] == ',') comma = i;
    ++i;
    ok = digits();
  }
  if (ok && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    ok = digits();
  }
  ok = ok && i == text.size();
  if (ok && comma != absl::string_view::npos) {
    std::string with_point(text);
    with_point[comma] = '.';
    return absl::StrCat(quoted, " is not a number (use a decimal point: \"", with_point, "\")");
  }
  if (!ok) return absl::StrCat(quoted, " is not a number");

  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range || !std::isfinite(value)) {
    return absl::StrCat(quoted, " is out of the range of a double");
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return absl::StrCat(quoted, " is not a number");
  }
  return "";
}

class IndicatorParser {
 public:
  IndicatorParser(const std::function<bool(std::string_view)>& known_area, bool beverwijk,
                  Violations& violations)
      : known_area_(known_area),
        beverwijk_(beverwijk),
        columns_(beverwijk ? std::span<const ColumnRule>(kBeverwijkColumns)
                           : std::span<const ColumnRule>(kGenericColumns)),
        violations_(violations) {}

  // The row's indicator, or nullopt after recording its violations.
  std::optional<Indicator> ParseRow(const CsvRow& row) {
    if (!row.problem.empty()) {
      violations_.Add(LinePath(row.line), row.problem);
      return std::nullopt;
    }
    if (row.fields.size() != columns_.size()) {
      violations_.Add(
          LinePath(row.line),
          absl::StrCat("has ", row.fields.size(), " fields, the header has ", columns_.size()));
      return std::nullopt;
    }
    line_ = row.line;
    fields_ = &row.fields;
    const size_t violations_before = violations_.count();
    std::vector<bool> clean(columns_.size());
    for (size_t c = 0; c < columns_.size(); ++c) clean[c] = CheckText(c);

    Indicator indicator = beverwijk_ ? BeverwijkRow(clean) : GenericRow(clean);
    if (violations_.count() != violations_before || violations_.truncated()) return std::nullopt;

    std::string key = absl::StrCat(indicator.area_code, "\x1f", indicator.indicator, "\x1f",
                                   indicator.period.text);
    const auto [it, inserted] = first_line_of_key_.try_emplace(std::move(key), line_);
    if (!inserted) {
      violations_.Add(LinePath(line_),
                      absl::StrCat("has the same area, indicator and period as line ", it->second));
      return std::nullopt;
    }
    return indicator;
  }

 private:
  const std::string& Field(size_t column) const { return (*fields_)[column]; }
  std::string FieldPath(size_t column) const {
    return absl::StrCat(LinePath(line_), ".", columns_[column].name);
  }
  void Fail(size_t column, std::string description) {
    violations_.Add(FieldPath(column), std::move(description));
  }

  // Length, UTF-8 and control characters.
  bool CheckText(size_t column) {
    const std::string& value = Field(column);
    const ColumnRule& rule = columns_[column];
    if (value.size() > rule.max_bytes) {
      Fail(column,
           absl::StrCat("is ", value.size(), " bytes, more than the limit of ", rule.max_bytes));
      return false;
    }
    std::string problem = TextProblem(value, /*allow_controls=*/false);
    if (problem.empty() && !rule.free_text && value.find_first_of("\t\r\n") != std::string::npos) {
      problem = "contains a tab or line break";
    }
    if (!problem.empty()) {
      Fail(column, std::move(problem));
      return false;
    }
    return true;
  }

  void CheckAreaCode(size_t column) {
    const std::string& code = Field(column);
    if (code.empty()) {
      Fail(column, "is empty");
    } else if (!known_area_(code)) {
      Fail(column, absl::StrCat("unknown area code \"", code, "\""));
    }
  }

  void CheckNotEmpty(size_t column) {
    if (Field(column).empty()) Fail(column, "is empty");
  }

  std::optional<Period> CheckPeriod(size_t column) {
    absl::StatusOr<Period> period = ParsePeriod(Field(column));
    if (!period.ok()) {
      Fail(column, std::string(period.status().message()));
      return std::nullopt;
    }
    return *std::move(period);
  }

  double CheckValue(size_t column) {
    double value = 0;
    if (std::string problem = ParseValue(Field(column), value); !problem.empty()) {
      Fail(column, std::move(problem));
    }
    return value;
  }

  Indicator GenericRow(const std::vector<bool>& clean) {
    Indicator out;
    if (clean[kAreaCode]) CheckAreaCode(kAreaCode);
    if (clean[kIndicator]) CheckNotEmpty(kIndicator);
    if (clean[kPeriod]) {
      if (std::optional<Period> p = CheckPeriod(kPeriod)) out.period = *std::move(p);
    }
    if (clean[kValue]) out.value = CheckValue(kValue);
    out.area_code = Field(kAreaCode);
    out.indicator = Field(kIndicator);
    out.unit = Field(kUnit);
    out.source = Field(kSource);
    return out;
  }

  Indicator BeverwijkRow(const std::vector<bool>& clean) {
    Indicator out;
    if (clean[kGebiedCode]) CheckAreaCode(kGebiedCode);
    if (clean[kBvIndicator]) {
      CheckNotEmpty(kBvIndicator);
      if (Field(kBvIndicator).find('/') != std::string::npos) {
        Fail(kBvIndicator, "contains \"/\", which separates indicator and categorie");
      }
    }
    if (clean[kJaar]) {
      std::optional<Period> p = CheckPeriod(kJaar);
      if (p && p->kind != PeriodKind::kYear) {
        Fail(kJaar, absl::StrCat("\"", p->text, "\" is not a year (YYYY)"));
      } else if (p) {
        out.period = *std::move(p);
      }
    }
    if (clean[kRang] && !Field(kRang).empty()) {
      const std::string& rank = Field(kRang);
      const bool digits_only = std::all_of(rank.begin(), rank.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      });
      if (!digits_only || rank.size() > 3 || rank[0] == '0') {
        Fail(kRang, absl::StrCat("\"", rank, "\" is not a rank (a whole number 1-999)"));
      }
    }
    if (clean[kWaarde]) out.value = CheckValue(kWaarde);

    out.area_code = Field(kGebiedCode);
    out.indicator = Field(kCategorie).empty()
                        ? Field(kBvIndicator)
                        : absl::StrCat(Field(kBvIndicator), "/", Field(kCategorie));
    out.unit = Field(kEenheid);
    const std::string& url = Field(kBronUrl);
    const std::string& remark = Field(kOpmerking);
    if (remark.empty()) {
      out.source = url;
    } else {
      out.source = url.empty() ? remark : absl::StrCat(url, " (", remark, ")");
    }
    return out;
  }

  const std::function<bool(std::string_view)>& known_area_;
  const bool beverwijk_;
  const std::span<const ColumnRule> columns_;
  Violations& violations_;
  absl::flat_hash_map<std::string, int> first_line_of_key_;
  int line_ = 0;
  const std::vector<std::string>* fields_ = nullptr;
};

// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
void AppendCsvField(std::string& out, absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out.append(field.data(), field.size());
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

absl::StatusOr<std::vector<Indicator>> ParseIndicatorsCsv(
    absl::string_view csv, const std::function<bool(std::string_view)>& known_area,
    const IndicatorCsvOptions& options) {
  if (!known_area) return absl::InternalError("ParseIndicatorsCsv: known_area is empty");
  if (csv.size() > options.max_file_bytes) {
    return InvalidFieldError(
        "csv",
        absl::StrCat("is ", csv.size(), " bytes, more than the limit of ", options.max_file_bytes));
  }
  const std::vector<CsvRow> rows = SplitCsvRows(csv);
  if (rows.empty()) return InvalidFieldError("csv", "is empty; the first line must be the header");

  const CsvRow& header = rows.front();
  bool beverwijk = false;
  if (!header.problem.empty()) {
    return InvalidFieldError(LinePath(header.line), header.problem);
  } else if (HeaderMatches(header.fields, kBeverwijkColumns)) {
    beverwijk = true;
  } else if (!HeaderMatches(header.fields, kGenericColumns)) {
    return InvalidFieldError(
        LinePath(header.line),
        absl::StrCat("is not a known header: expected \"", HeaderText(kGenericColumns),
                     "\" or the Beverwijk header \"", HeaderText(kBeverwijkColumns), "\""));
  }

  Violations violations(options.max_errors);
  IndicatorParser parser(known_area, beverwijk, violations);
  std::vector<Indicator> indicators;
  indicators.reserve(rows.size() - 1);
  for (size_t i = 1; i < rows.size() && !violations.truncated(); ++i) {
    if (std::optional<Indicator> indicator = parser.ParseRow(rows[i])) {
      indicators.push_back(*std::move(indicator));
    }
  }
  if (violations.count() > 0) return std::move(violations).ToStatus();
  return indicators;
}

std::string FormatGenericIndicatorsCsv(std::span<const Indicator> indicators) {
  std::string out = absl::StrCat(HeaderText(kGenericColumns), "\n");
  for (const Indicator& i : indicators) {
    char value[64];
    const auto [end, error] = std::to_chars(value, value + sizeof(value), i.value);
    for (absl::string_view field : {absl::string_view(i.area_code), absl::string_view(i.indicator),
                                    absl::string_view(i.period.text)}) {
      AppendCsvField(out, field);
      out.push_back(',');
    }
    out.append(value, error == std::errc() ? end : value);
    out.push_back(',');
    AppendCsvField(out, i.unit);
    out.push_back(',');
    AppendCsvField(out, i.source);
    out.push_back('\n');
  }
  return out;
}

}  // namespace wijkwacht::indicators
