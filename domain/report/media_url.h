// Checks of a report's media_url (Open311's media_url; wijkwacht.v1.Report.media_url): a link
// to a photo or other media the reporter published elsewhere. The server stores it as a
// reference and never fetches it; staff open it in their own browser, so it must not point
// anywhere a member of staff can reach but the public cannot, nor carry credentials.
//
// Accepted: "https://" (scheme in any case), a host name of letters, digits and hyphens in
// dot-separated labels whose last label is letters only (so no IP literal in any notation),
// an optional port, then an optional path/query/fragment of printable ASCII; at most
// kMaxMediaUrlBytes bytes. Refused: other schemes, user info ("user:pass@"), IP literals,
// single-label hosts ("localhost", "intranet"), names reserved for local use (.localhost,
// .local, .internal, .lan, .home.arpa, .test, .invalid, .example, .corp, .intranet), spaces,
// control characters and non-ASCII (a host in another script is sent in punycode).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace wijkwacht::report {

inline constexpr size_t kMaxMediaUrlBytes = 2048;

// "" when `url` is acceptable; otherwise what is wrong, phrased to follow a field name.
[[nodiscard]] std::string MediaUrlProblem(absl::string_view url);

}  // namespace wijkwacht::report
