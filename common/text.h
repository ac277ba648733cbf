// Text checks for untrusted input.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wijkwacht {

// "" when `s` is valid UTF-8 (no overlong forms, surrogates or values above U+10FFFF) and,
// unless `allow_controls`, holds no control characters other than tab, newline and carriage
// return (C0, DEL and C1 are refused) and no bidirectional embedding, override or isolate
// (U+202A-U+202E, U+2066-U+2069: they make text read in another order than it is stored,
// "Trojan Source", CVE-2021-42574; the marks U+200E/U+200F stay allowed). Otherwise a short description of the first problem,
// phrased to follow a field name: "is not valid UTF-8 (bad byte at 3)".
[[nodiscard]] std::string TextProblem(absl::string_view s, bool allow_controls);

// The RFC 9562 text form (lower case) of the first 16 bytes of `bytes` (the caller has checked
// there are 16), with the version nibble set to `version` and the RFC 4122 variant bits.
[[nodiscard]] std::string FormatUuid(absl::string_view bytes, int version);

}  // namespace wijkwacht
