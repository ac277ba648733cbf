#include "domain/plan/enforcement_csv.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/text.h"
#include "domain/indicators/csv_rows.h"

namespace wijkwacht::plan {
namespace {

constexpr int kMaxCount = 1000;
constexpr size_t kMaxDepartmentBytes = 200;
constexpr size_t kMaxRefBytes = 100;
constexpr size_t kMaxFieldBytes = 256;

const std::map<std::string, EnforcementType>& TypeNames() {
  static const auto* names = new std::map<std::string, EnforcementType>{
      {"WARNING", EnforcementType::kWarning},
      {"FINE", EnforcementType::kFine},
      {"CLOSURE_ORDER", EnforcementType::kClosureOrder},
      {"REFERRAL_POLICE", EnforcementType::kReferralPolice},
      {"REFERRAL_YOUTH_CARE", EnforcementType::kReferralYouthCare}};
  return *names;
}

const std::map<std::string, Theme>& ThemeNames() {
  static const auto* names = new std::map<std::string, Theme>{
      {"LIVEABILITY", Theme::kLiveability},
      {"YOUTH", Theme::kYouth},
      {"SUBVERSION", Theme::kSubversion},
      {"PHYSICAL_BUSINESS", Theme::kPhysicalBusiness},
      {"OTHER", Theme::kOther}};
  return *names;
}

const std::set<std::string>& KnownColumns() {
  static const auto* columns = new std::set<std::string>{
      "action_date", "action_time", "area_code", "theme",  "type",
      "department",  "external_ref", "count",    "measure"};
  return *columns;
}

std::string LinePath(int line) { return absl::StrCat("csv.line[", line, "]"); }

}  // namespace

absl::StatusOr<std::vector<EnforcementRow>> ParseEnforcementCsv(
    absl::string_view csv, const std::function<bool(std::string_view)>& known_area,
    const std::function<bool(std::string_view)>& known_measure,
    const EnforcementCsvOptions& options) {
  if (csv.empty()) return InvalidFieldError("csv", "is required");
  if (csv.size() > options.max_file_bytes) {
    return InvalidFieldError("csv", absl::StrCat("is larger than ", options.max_file_bytes,
                                                 " bytes"));
  }
  std::vector<FieldViolation> v;
  bool truncated = false;
  auto add = [&](std::string field, std::string what) {
    if (v.size() >= std::max<size_t>(options.max_errors, 1)) {
      truncated = true;
      return;
    }
    v.push_back({std::move(field), std::move(what)});
  };
  std::vector<indicators::CsvRow> rows = indicators::SplitCsvRows(csv);
  if (rows.empty()) return InvalidFieldError("csv", "has no header row");
  // Header.
  const indicators::CsvRow& header = rows.front();
  std::map<std::string, size_t> column;
  if (!header.problem.empty()) add(LinePath(header.line), header.problem);
  for (size_t c = 0; c < header.fields.size(); ++c) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.fields[c]));
    if (!KnownColumns().count(name)) {
      add(LinePath(header.line), absl::StrCat("names an unknown column \"", name, "\""));
    } else if (!column.emplace(name, c).second) {
      add(LinePath(header.line), absl::StrCat("names column ", name, " twice"));
    }
  }
  const bool by_date = column.count("action_date") > 0;
  if (by_date == (column.count("action_time") > 0)) {
    add(LinePath(header.line), "needs exactly one of the columns action_date and action_time");
  }
  for (const char* required : {"area_code", "theme", "type", "department", "external_ref"}) {
    if (!column.count(required)) {
      add(LinePath(header.line), absl::StrCat("lacks the column ", required));
    }
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));

  std::vector<EnforcementRow> out;
  std::map<std::pair<std::string, std::string>, int> first_line;  // (department, ref) -> line
  for (size_t r = 1; r < rows.size(); ++r) {
    const indicators::CsvRow& row = rows[r];
    if (!row.problem.empty()) {
      add(LinePath(row.line), row.problem);
      continue;
    }
    if (row.fields.size() != header.fields.size()) {
      add(LinePath(row.line), absl::StrCat("has ", row.fields.size(), " fields, the header has ",
                                           header.fields.size()));
      continue;
    }
    const size_t before = v.size();
    auto field = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() ? "" : row.fields[it->second];
    };
    auto path = [&](const char* name) { return absl::StrCat(LinePath(row.line), ".", name); };
    bool clean = true;
    for (const auto& [name, c] : column) {
      const std::string& text = row.fields[c];
      std::string problem = TextProblem(text, /*allow_controls=*/false);
      if (problem.empty() && text.find_first_of("\t\r\n") != std::string::npos) {
        problem = "must be one line";
      }
      if (problem.empty() && text.size() > kMaxFieldBytes) {
        problem = absl::StrCat("is longer than ", kMaxFieldBytes, " bytes");
      }
      if (!problem.empty()) {
        add(absl::StrCat(LinePath(row.line), ".", name), problem);
        clean = false;
      }
    }
    if (!clean) continue;
    EnforcementRow e;
    e.line = row.line;
    // Time.
    std::optional<absl::Time> when;
    if (by_date) {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(field("action_date"), &day)) {
        add(path("action_date"), absl::StrCat("\"", field("action_date"),
                                               "\" is not a date YYYY-MM-DD"));
      } else {
        when = absl::FromCivil(absl::CivilHour(day) + 12, options.time_zone);
      }
    } else {
      absl::Time t;
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, field("action_time"), &t, &err)) {
        add(path("action_time"), absl::StrCat("\"", field("action_time"),
                                               "\" is not an RFC 3339 time"));
      } else {
        when = t;
      }
    }
    const char* time_column = by_date ? "action_date" : "action_time";
    if (when && *when > options.now) {
      add(path(time_column), "lies in the future");
    } else if (when && *when < absl::FromCivil(absl::CivilDay(2000, 1, 1), absl::UTCTimeZone())) {
      add(path(time_column), "lies before 2000");
    } else if (when) {
      e.action_time = *when;
    }
    e.area_code = field("area_code");
    if (e.area_code.empty() || !known_area(e.area_code)) {
      add(path("area_code"), absl::StrCat("\"", e.area_code, "\" is not a known area code"));
    }
    {
      auto it = ThemeNames().find(absl::AsciiStrToUpper(field("theme")));
      if (it == ThemeNames().end()) {
        add(path("theme"), absl::StrCat("\"", field("theme"), "\" is not a theme"));
      } else {
        e.theme = it->second;
      }
    }
    {
      const std::string upper = absl::AsciiStrToUpper(field("type"));
      absl::string_view type = upper;
      absl::ConsumePrefix(&type, "ENFORCEMENT_");
      auto it = TypeNames().find(std::string(type));
      if (it == TypeNames().end()) {
        add(path("type"), absl::StrCat("\"", field("type"), "\" is not an enforcement type"));
      } else {
        e.type = it->second;
      }
    }
    e.department = field("department");
    if (e.department.empty() || e.department.size() > kMaxDepartmentBytes) {
      add(path("department"), absl::StrCat("must be 1-", kMaxDepartmentBytes, " bytes"));
    }
    e.external_ref = field("external_ref");
    if (e.external_ref.empty() || e.external_ref.size() > kMaxRefBytes) {
      add(path("external_ref"), absl::StrCat("must be 1-", kMaxRefBytes, " bytes"));
    }
    if (const std::string count = field("count"); !count.empty()) {
      if (!absl::SimpleAtoi(count, &e.count) || e.count < 1 || e.count > kMaxCount ||
          count[0] == '+') {
        add(path("count"), absl::StrCat("\"", count, "\" is not a whole number 1-", kMaxCount));
      }
    }
    e.measure = field("measure");
    if (!e.measure.empty() && !known_measure(e.measure)) {
      add(path("measure"), absl::StrCat("\"", e.measure, "\" is not a measure of an action plan"));
    }
    if (v.size() != before) continue;
    auto [it, fresh] = first_line.emplace(std::make_pair(e.department, e.external_ref), row.line);
    if (!fresh) {
      add(LinePath(row.line), absl::StrCat("repeats external_ref \"", e.external_ref, "\" of ",
                                           e.department, " from line ", it->second));
      continue;
    }
    out.push_back(std::move(e));
  }
  if (truncated) {
    v.push_back({"csv", absl::StrCat("has more than ", options.max_errors,
                                     " problems; the rest of the file was not checked")});
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  if (out.empty()) return InvalidFieldError("csv", "has no data rows");
  return out;
}

}  // namespace wijkwacht::plan
