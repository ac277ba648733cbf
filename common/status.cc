#include "common/status.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wijkwacht {
namespace {

constexpr char kFieldViolationsUrl[] = "type.wijkwacht.nl/wijkwacht.FieldViolations";
constexpr char kRetryDelayUrl[] = "type.wijkwacht.nl/wijkwacht.RetryDelay";
constexpr char kResumeCursorUrl[] = "type.wijkwacht.nl/wijkwacht.ResumeCursor";

// Payload format: one violation per line, "field\tdescription" (tabs and newlines in the
// description are replaced by spaces so the format stays unambiguous).
std::string Sanitize(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\t' || c == '\n') c = ' ';
  }
  return out;
}

}  // namespace

absl::Status InvalidFieldError(absl::string_view field, absl::string_view description) {
  return InvalidFieldsError({{std::string(field), std::string(description)}});
}

absl::Status InvalidFieldsError(std::vector<FieldViolation> violations) {
  if (violations.empty()) return absl::InternalError("InvalidFieldsError without violations");
  std::string message = absl::StrCat(violations[0].field, ": ", violations[0].description);
  if (violations.size() > 1) {
    absl::StrAppend(&message, " (and ", violations.size() - 1, " more invalid field",
                    violations.size() > 2 ? "s" : "", ")");
  }
  absl::Status status = absl::InvalidArgumentError(message);
  std::string payload;
  for (const FieldViolation& v : violations) {
    absl::StrAppend(&payload, Sanitize(v.field), "\t", Sanitize(v.description), "\n");
  }
  status.SetPayload(kFieldViolationsUrl, absl::Cord(payload));
  return status;
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kFieldViolationsUrl);
  if (!payload) return out;
  for (absl::string_view line : absl::StrSplit(std::string(*payload), '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(line, absl::MaxSplits('\t', 1));
    out.push_back({parts.first, parts.second});
  }
  return out;
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  status.SetPayload(kRetryDelayUrl, absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(delay))));
  return status;
}

std::optional<absl::Duration> GetRetryDelay(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kRetryDelayUrl);
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms)) return std::nullopt;
  return absl::Milliseconds(ms);
}

absl::Status WithResumeCursor(absl::Status status, absl::string_view cursor) {
  status.SetPayload(kResumeCursorUrl, absl::Cord(cursor));
  return status;
}

std::optional<std::string> GetResumeCursor(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kResumeCursorUrl);
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

absl::Status PrefixFieldPaths(const absl::Status& status, absl::string_view prefix) {
  std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) return status;
  for (FieldViolation& v : violations) v.field = absl::StrCat(prefix, ".", v.field);
  return InvalidFieldsError(std::move(violations));
}

}  // namespace wijkwacht
