#include "common/address.h"

#include <arpa/inet.h>

#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wijkwacht {

std::string BareAddress(absl::string_view address) {
  if (absl::ConsumePrefix(&address, "ipv4:")) return std::string(address);
  if (absl::ConsumePrefix(&address, "ipv6:")) {
    absl::ConsumePrefix(&address, "[");
    absl::ConsumeSuffix(&address, "]");
  }
  return std::string(address);
}

std::string AddressBucket(absl::string_view address) {
  std::string host = BareAddress(address);
  if (const size_t zone = host.find('%'); zone != std::string::npos) host.resize(zone);
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, host.c_str(), bytes) != 1) return host;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes, kMapped, sizeof kMapped) == 0) {
    return absl::StrFormat("%d.%d.%d.%d", bytes[12], bytes[13], bytes[14], bytes[15]);
  }
  return absl::StrFormat("%x:%x:%x:%x::/64", bytes[0] << 8 | bytes[1], bytes[2] << 8 | bytes[3],
                         bytes[4] << 8 | bytes[5], bytes[6] << 8 | bytes[7]);
}

std::string LastForwardedFor(absl::string_view header) {
  std::vector<absl::string_view> hops = absl::StrSplit(header, ',');
  if (hops.empty()) return "";
  const std::string last(absl::StripAsciiWhitespace(hops.back()));
  unsigned char bytes[16];
  if (inet_pton(AF_INET, last.c_str(), bytes) == 1 || inet_pton(AF_INET6, last.c_str(), bytes) == 1) {
    return last;
  }
  return "";
}

namespace {

absl::string_view LastEntry(absl::string_view header) {
  const size_t comma = header.rfind(',');
  return absl::StripAsciiWhitespace(comma == absl::string_view::npos ? header
                                                                     : header.substr(comma + 1));
}

bool UsableHost(absl::string_view host) {
  return !host.empty() && host.size() <= 255 &&
         host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789.-:[]") == absl::string_view::npos;
}

}  // namespace

std::string PublicBaseUrl(absl::string_view configured, const RequestOrigin& origin) {
  if (!configured.empty()) return std::string(configured);
  absl::string_view scheme = "http";
  absl::string_view host = origin.host;
  if (origin.from_trusted_proxy) {
    const std::string proto = absl::AsciiStrToLower(LastEntry(origin.forwarded_proto));
    if (proto == "https") scheme = "https";
    const absl::string_view forwarded_host = LastEntry(origin.forwarded_host);
    if (UsableHost(forwarded_host)) host = forwarded_host;
  }
  if (!UsableHost(host)) return "";
  return absl::StrCat(scheme, "://", host);
}

}  // namespace wijkwacht
