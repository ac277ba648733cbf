// Strict unpadded base64 codecs.
//
// Base64Url*: RFC 4648 section 5 alphabet (A-Z a-z 0-9 - _), no padding, as JWS (RFC 7515)
// requires. Base64*Unpadded: the standard alphabet (+ /) without padding, as PHC strings use.
//
// Decoding is strict so every byte string has exactly one accepted encoding (no signature
// malleability): it refuses characters outside the alphabet, '=' padding, whitespace, a
// length of 4k+1 and non-zero unused bits in the last character.
//
// Thread safety: pure functions.
// Errors: decoders return INVALID_ARGUMENT ("base64: ...") naming the problem but never
// echoing the input.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::auth {

[[nodiscard]] std::string Base64UrlEncode(absl::string_view data);
[[nodiscard]] absl::StatusOr<std::string> Base64UrlDecode(absl::string_view encoded);

[[nodiscard]] std::string Base64EncodeUnpadded(absl::string_view data);
[[nodiscard]] absl::StatusOr<std::string> Base64DecodeUnpadded(absl::string_view encoded);

}  // namespace wijkwacht::auth
