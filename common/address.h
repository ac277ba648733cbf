// Client addresses as per-address limits see them.
//
//   BareAddress("ipv4:1.2.3.4")           -> "1.2.3.4"    (gRPC peer form, port already cut)
//   BareAddress("ipv6:[2001:db8::1]")     -> "2001:db8::1"
//   AddressBucket("2001:db8:1:2:3:4:5:6") -> "2001:db8:1:2::/64"
//   AddressBucket("::ffff:1.2.3.4")       -> "1.2.3.4"
//   LastForwardedFor("a, b, 10.0.0.7")    -> "10.0.0.7"
//
// AddressBucket is the key of every per-address limit: an IPv4 address as it is, an IPv6
// address by its /64 (one home or phone gets a whole /64, so rotating inside it buys nothing),
// anything that is not an IP address as it is. Both forms (bare and gRPC's) are accepted.
//
// PublicBaseUrl: where a caller reached this server, for the absolute links an API writes
// (OGC API Features, Open311 discovery). The configured base (--public_base_url) wins; without
// it, the request's Host, as http:// unless a trusted reverse proxy (one that terminates TLS)
// says otherwise in X-Forwarded-Proto, and with its X-Forwarded-Host when it sends one. The
// forwarding headers of any other caller are ignored, so nobody can have the server write
// links to a host of their choosing through them.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wijkwacht {

[[nodiscard]] std::string BareAddress(absl::string_view address);
[[nodiscard]] std::string AddressBucket(absl::string_view address);
// The last entry of an X-Forwarded-For header (the client as the nearest proxy saw it) when
// it is an IP address; "" otherwise.
[[nodiscard]] std::string LastForwardedFor(absl::string_view header);

// What of an HTTP request says where the caller reached the server (header values as sent;
// "" when absent).
struct RequestOrigin {
  std::string host;             // Host
  bool from_trusted_proxy = false;
  std::string forwarded_proto;  // X-Forwarded-Proto: its last entry counts, "http" or "https"
  std::string forwarded_host;   // X-Forwarded-Host: its last entry counts
};
// "scheme://host[:port]" (or `configured` when it is not empty, as it is); "" when no usable
// host is known (a host is usable when it is a plain host[:port] of letters, digits and
// ".-:[]", at most 255 bytes): then links are best left relative.
[[nodiscard]] std::string PublicBaseUrl(absl::string_view configured, const RequestOrigin& origin);

}  // namespace wijkwacht
