#include "domain/progress/svg_util.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wijkwacht::progress::internal {

std::string Num(double value) {
  std::string s = absl::StrFormat("%.2f", value);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

int64_t NiceCeiling(double value) {
  if (!(value > 1)) return 1;
  double magnitude = std::pow(10.0, std::floor(std::log10(value)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * magnitude >= value) return static_cast<int64_t>(std::llround(factor * magnitude));
  }
  return static_cast<int64_t>(std::llround(10 * magnitude));
}

int64_t AxisStep(int64_t max, int max_ticks) {
  return NiceCeiling(static_cast<double>(max) / static_cast<double>(max_ticks));
}

std::string TruncateUtf8(absl::string_view text, size_t max_chars) {
  size_t chars = 0;
  size_t cut = text.size();
  size_t cut_before_last = 0;  // byte offset where the (max_chars)th character starts
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    ++chars;
    if (chars == max_chars) cut_before_last = i;
    if (chars == max_chars + 1) {
      cut = i;
      break;
    }
  }
  if (cut == text.size()) return std::string(text);
  return absl::StrCat(text.substr(0, cut_before_last), "…");
}

std::string HatchPattern(absl::string_view id, absl::string_view color) {
  return absl::StrCat("<pattern id=\"", id,
                      "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
                      "fill=\"#ffffff\"/><rect width=\"2.5\" height=\"6\" fill=\"",
                      color, "\"/></pattern>");
}

}  // namespace wijkwacht::progress::internal
