#include "services/field_checks.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text.h"

namespace wijkwacht::services {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

}  // namespace

void CheckText(absl::string_view text, absl::string_view field, size_t max, bool required,
               bool multiline, std::vector<FieldViolation>* v) {
  if (text.empty()) {
    if (required) v->push_back({std::string(field), "is required"});
    return;
  }
  if (text.size() > max) {
    v->push_back({std::string(field), absl::StrCat("is longer than ", max, " bytes")});
    return;
  }
  std::string problem = TextProblem(text, /*allow_controls=*/false);
  if (problem.empty() && !multiline && text.find_first_of("\t\r\n") != absl::string_view::npos) {
    problem = "must be one line";
  }
  if (!problem.empty()) v->push_back({std::string(field), problem});
}

std::string PageToken(absl::string_view filters, size_t offset) {
  return absl::WebSafeBase64Escape(absl::StrCat(filters, "|", offset));
}

absl::StatusOr<size_t> PageOffset(absl::string_view token, absl::string_view filters) {
  if (token.empty()) return 0;
  std::string raw;
  size_t offset = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) ||
      !absl::StartsWith(raw, absl::StrCat(filters, "|")) ||
      !absl::SimpleAtoi(absl::string_view(raw).substr(filters.size() + 1), &offset)) {
    return InvalidFieldError("page_token", "is not a token returned for these filters");
  }
  return offset;
}

absl::StatusOr<int> PageSizeOf(int requested) {
  if (requested < 0) return InvalidFieldError("page_size", "must not be negative");
  return requested == 0 ? kDefaultPageSize : std::min(requested, kMaxPageSize);
}

}  // namespace wijkwacht::services
