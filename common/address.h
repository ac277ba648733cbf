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

}  // namespace wijkwacht
