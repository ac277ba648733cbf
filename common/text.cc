#include "common/text.h"

#include "absl/strings/str_cat.h"
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
    i += len;
  }
  return "";
}

}  // namespace wijkwacht
