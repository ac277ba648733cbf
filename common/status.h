// Status helpers shared by every layer.
//
// Errors travel inside the process as absl::Status. A field-level validation error is an
// INVALID_ARGUMENT whose message starts with the offending field path ("location.latitude:
// must be in [-90, 90]") and which carries every violation as a structured payload, so the
// one absl->gRPC conversion (services/grpc_status.h) can put them into error details.
//
// Example:
//   std::vector<FieldViolation> v;
//   if (lat > 90) v.push_back({"location.latitude", "must be in [-90, 90]"});
//   if (!v.empty()) return InvalidFieldsError(std::move(v));
//
// Thread safety: all functions are pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wijkwacht {

// One invalid field: a dotted path into the request ("report.location.latitude") and what is
// wrong with it, written for the app developer who sent it.
struct FieldViolation {
  std::string field;
  std::string description;
  bool operator==(const FieldViolation&) const = default;
};

// INVALID_ARGUMENT naming `field` in the message and in the payload.
[[nodiscard]] absl::Status InvalidFieldError(absl::string_view field,
                                             absl::string_view description);
// INVALID_ARGUMENT for several fields at once; the message names the first and counts the rest.
// `violations` must not be empty.
[[nodiscard]] absl::Status InvalidFieldsError(std::vector<FieldViolation> violations);
// The field violations carried by `status` (empty if it carries none).
[[nodiscard]] std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

// Attaches a retry hint (used with RESOURCE_EXHAUSTED / UNAVAILABLE).
[[nodiscard]] absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);
[[nodiscard]] std::optional<absl::Duration> GetRetryDelay(const absl::Status& status);

// Attaches the cursor a stream's client resumes from (used when the server ends a stream
// early, e.g. UNAVAILABLE on shutdown); carried as ErrorInfo metadata "resume_cursor".
[[nodiscard]] absl::Status WithResumeCursor(absl::Status status, absl::string_view cursor);
[[nodiscard]] std::optional<std::string> GetResumeCursor(const absl::Status& status);

// Prefixes the field paths of every violation in `status` with `prefix` + "." (used when a
// message is nested in a request, e.g. "report").
[[nodiscard]] absl::Status PrefixFieldPaths(const absl::Status& status, absl::string_view prefix);

}  // namespace wijkwacht

// Returns early from the enclosing function when `expr` is not OK.
#define WW_RETURN_IF_ERROR(expr)                        \
  do {                                                  \
    if (absl::Status ww_status_ = (expr); !ww_status_.ok()) \
      return ww_status_;                                \
  } while (0)

#define WW_STATUS_CONCAT_INNER_(a, b) a##b
#define WW_STATUS_CONCAT_(a, b) WW_STATUS_CONCAT_INNER_(a, b)
// `lhs` = value of a StatusOr expression, or return its status.
#define WW_ASSIGN_OR_RETURN(lhs, expr) \
  WW_ASSIGN_OR_RETURN_IMPL_(WW_STATUS_CONCAT_(ww_statusor_, __LINE__), lhs, expr)
#define WW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value()
