// Small request checks shared by the Actieplan services (ActionPlanService, PollService):
// text fields and offset page tokens.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status.h"

namespace wijkwacht::services {

// Records a violation on `field` unless `text` is 1..max bytes (0..max when not `required`)
// of UTF-8 without control characters; unless `multiline`, tab and line breaks are refused
// too ("must be one line").
void CheckText(absl::string_view text, absl::string_view field, size_t max, bool required,
               bool multiline, std::vector<FieldViolation>* v);

// Lists: page_size 0 = 50, at most 1000; negative: INVALID_ARGUMENT on "page_size".
[[nodiscard]] absl::StatusOr<int> PageSizeOf(int requested);
// An opaque token for the offset into a list, bound to the request's `filters`.
[[nodiscard]] std::string PageToken(absl::string_view filters, size_t offset);
// The offset of `token` (0 when empty); INVALID_ARGUMENT on "page_token" for a token not made
// for these filters.
[[nodiscard]] absl::StatusOr<size_t> PageOffset(absl::string_view token, absl::string_view filters);

}  // namespace wijkwacht::services
