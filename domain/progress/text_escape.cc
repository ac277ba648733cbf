#include "domain/progress/text_escape.h"

namespace wijkwacht::progress::internal {

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string MarkdownEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '&':
      case '~':
      case '#':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\n':
      case '\r':
      case '\t':
        out.push_back(' ');
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace wijkwacht::progress::internal
