#include "auth/base64url.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace wijkwacht::auth {
namespace {

// 6-bit value of `c` in the chosen alphabet, or -1.
int SextetValue(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

// Checks the strictness rules absl's decoder does not enforce (it accepts padding).
absl::Status CheckCanonical(absl::string_view encoded, bool url) {
  if (encoded.size() % 4 == 1) return absl::InvalidArgumentError("base64: invalid length");
  for (char c : encoded) {
    if (SextetValue(c, url) < 0) {
      return absl::InvalidArgumentError(c == '=' ? "base64: padding not allowed"
                                                 : "base64: invalid character");
    }
  }
  if (!encoded.empty()) {
    const int last = SextetValue(encoded.back(), url);
    const int unused_mask = encoded.size() % 4 == 2 ? 0x0F : encoded.size() % 4 == 3 ? 0x03 : 0;
    if ((last & unused_mask) != 0) {
      return absl::InvalidArgumentError("base64: non-canonical trailing bits");
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string Base64UrlEncode(absl::string_view data) { return absl::WebSafeBase64Escape(data); }

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view encoded) {
  if (absl::Status s = CheckCanonical(encoded, /*url=*/true); !s.ok()) return s;
  std::string out;
  if (!absl::WebSafeBase64Unescape(encoded, &out)) {
    return absl::InvalidArgumentError("base64: invalid encoding");
  }
  return out;
}

std::string Base64EncodeUnpadded(absl::string_view data) {
  std::string out = absl::Base64Escape(data);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

absl::StatusOr<std::string> Base64DecodeUnpadded(absl::string_view encoded) {
  if (absl::Status s = CheckCanonical(encoded, /*url=*/false); !s.ok()) return s;
  std::string out;
  if (!absl::Base64Unescape(encoded, &out)) {
    return absl::InvalidArgumentError("base64: invalid encoding");
  }
  return out;
}

}  // namespace wijkwacht::auth
