// Internal to wijkwacht_progress: small helpers shared by the SVG charts and the map.
//
// Thread safety: all functions are pure.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace wijkwacht::progress::internal {

// A coordinate or length for an SVG attribute: at most two decimals, "." as decimal point.
[[nodiscard]] std::string Num(double value);

// The smallest "nice" number (1, 2 or 5 times a power of ten) that is >= value; 1 for
// value <= 1.
[[nodiscard]] int64_t NiceCeiling(double value);

// An axis step so that [0, max] gets at most `max_ticks` steps: a nice number >= 1.
[[nodiscard]] int64_t AxisStep(int64_t max, int max_ticks);

// `text` cut to at most `max_chars` UTF-8 characters, with "…" as the last one if cut.
[[nodiscard]] std::string TruncateUtf8(absl::string_view text, size_t max_chars);

// A <pattern> of diagonal lines in `color` on white, for suppressed values; `id` must be
// unique in the page.
[[nodiscard]] std::string HatchPattern(absl::string_view id, absl::string_view color);

}  // namespace wijkwacht::progress::internal
