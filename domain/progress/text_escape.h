// Internal to wijkwacht_progress: escaping of data text (area names, explanations, notes)
// for the HTML/SVG page and for Markdown.
//
// Input is expected to be valid UTF-8 without control characters (ValidateProgressReportData
// checks this); multi-byte characters pass through unchanged.
//
// Thread safety: all functions are pure.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wijkwacht::progress::internal {

// Escapes & < > " ' as character references: safe in HTML and SVG (XML) text and in
// double- or single-quoted attribute values.
[[nodiscard]] std::string HtmlEscape(absl::string_view text);

// Text for one line of Markdown, e.g. a table cell: backslash-escapes the characters that
// Markdown or inline HTML would interpret (\ ` * _ [ ] < > | & ~ #) and turns line breaks
// and tabs into spaces.
[[nodiscard]] std::string MarkdownEscape(absl::string_view text);

}  // namespace wijkwacht::progress::internal
