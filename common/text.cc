#include "common/text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"

namespace wijkwacht {

std::string TextProblem(absl::string_view s, bool allow_controls) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (!allow_controls && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)) {
        return absl::StrFormat("contains control character U+%04X at byte %d", c, i);
      }
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return absl::StrCat("is not valid UTF-8 (bad byte at ", i, ")");
    }
    if (i + len > s.size()) return absl::StrCat("is not valid UTF-8 (truncated at byte ", i, ")");
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return absl::StrCat("is not valid UTF-8 (bad byte at ", i + k, ")");
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values above U+10FFFF.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return absl::StrCat("is not valid UTF-8 (invalid code point at byte ", i, ")");
    }
    if (!allow_controls && cp >= 0x80 && cp < 0xa0) {
      return absl::StrFormat("contains control character U+%04X at byte %d", cp, i);
    }
    if (!allow_controls && ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))) {
      return absl::StrFormat("contains bidirectional control character U+%04X at byte %d", cp, i);
    }
    i += len;
  }
  return "";
}

std::string FormatUuid(absl::string_view bytes, int version) {
  std::string b(bytes.substr(0, 16));
  b[6] = static_cast<char>((b[6] & 0x0f) | ((version & 0x0f) << 4));
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  const std::string hex = absl::BytesToHexString(b);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

}  // namespace wijkwacht
