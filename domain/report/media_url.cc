#include "domain/report/media_url.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wijkwacht::report {
namespace {

constexpr absl::string_view kLocalSuffixes[] = {
    "localhost", "local", "internal", "lan", "home.arpa", "test", "invalid", "example",
    "corp", "intranet", "localdomain"};

bool IsLocalName(absl::string_view host) {
  for (absl::string_view suffix : kLocalSuffixes) {
    if (host == suffix || absl::EndsWith(host, absl::StrCat(".", suffix))) return true;
  }
  return false;
}

}  // namespace

std::string MediaUrlProblem(absl::string_view url) {
  if (url.size() > kMaxMediaUrlBytes) {
    return absl::StrCat("is ", url.size(), " bytes; at most ", kMaxMediaUrlBytes,
                        " are allowed");
  }
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) {
      return "must be printable ASCII without spaces (percent-encode the rest; a host in "
             "another script in punycode)";
    }
  }
  constexpr absl::string_view kScheme = "https://";
  if (url.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(url.substr(0, kScheme.size()), kScheme)) {
    return "must be an https:// URL";
  }
  absl::string_view rest = url.substr(kScheme.size());
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (absl::StrContains(authority, '@')) {
    return "must not carry a user name or password";
  }
  if (!authority.empty() && authority.front() == '[') {
    return "must name a public host by name, not an IP address";
  }
  absl::string_view host = authority;
  if (const size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    int port = 0;
    const absl::string_view digits = authority.substr(colon + 1);
    if (digits.empty() || !absl::SimpleAtoi(digits, &port) || port < 1 || port > 65535 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
      return "has a port that is not a number in [1, 65535]";
    }
  }
  if (host.empty()) return "must name a host";
  const std::string lower = absl::AsciiStrToLower(absl::StripSuffix(host, "."));
  const std::vector<absl::string_view> labels = absl::StrSplit(lower, '.');
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), [](char c) {
          return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
        })) {
      return "must name a host of letters, digits and hyphens in dot-separated labels";
    }
  }
  const absl::string_view top = labels.back();
  if (!std::all_of(top.begin(), top.end(),
                   [](char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }) &&
      !absl::StartsWith(top, "xn--")) {
    return "must name a public host by name, not an IP address";
  }
  if (labels.size() < 2 || IsLocalName(lower)) {
    return "must name a public host, not a local or internal one";
  }
  return "";
}

}  // namespace wijkwacht::report
