#include "common/address.h"

#include "gtest/gtest.h"

namespace wijkwacht {
namespace {

TEST(PublicBaseUrlTest, ConfiguredBaseWinsOverEveryHeader) {
  EXPECT_EQ(PublicBaseUrl("https://meldingen.example.nl/wijkwacht",
                          {.host = "evil.example", .from_trusted_proxy = true,
                           .forwarded_proto = "http", .forwarded_host = "evil.example"}),
            "https://meldingen.example.nl/wijkwacht");
}

TEST(PublicBaseUrlTest, PlainRequestIsHttpOnItsHost) {
  EXPECT_EQ(PublicBaseUrl("", {.host = "localhost:8080"}), "http://localhost:8080");
  EXPECT_EQ(PublicBaseUrl("", {.host = "[::1]:8080"}), "http://[::1]:8080");
}

TEST(PublicBaseUrlTest, ForwardingHeadersCountOnlyFromATrustedProxy) {
  const RequestOrigin untrusted{.host = "wijkwacht.internal:8080",
                                .from_trusted_proxy = false,
                                .forwarded_proto = "https",
                                .forwarded_host = "evil.example"};
  EXPECT_EQ(PublicBaseUrl("", untrusted), "http://wijkwacht.internal:8080");
  RequestOrigin trusted = untrusted;
  trusted.from_trusted_proxy = true;
  trusted.forwarded_host = "meldingen.example.nl";
  EXPECT_EQ(PublicBaseUrl("", trusted), "https://meldingen.example.nl");
  // The nearest proxy's entry (the last) counts; anything but https stays http.
  trusted.forwarded_proto = "https, http";
  EXPECT_EQ(PublicBaseUrl("", trusted), "http://meldingen.example.nl");
  trusted.forwarded_proto = "HTTPS";
  trusted.forwarded_host = "";
  EXPECT_EQ(PublicBaseUrl("", trusted), "https://wijkwacht.internal:8080");
  trusted.forwarded_proto = "gopher";
  EXPECT_EQ(PublicBaseUrl("", trusted), "http://wijkwacht.internal:8080");
}

TEST(PublicBaseUrlTest, UnusableHostsGiveRelativeLinks) {
  EXPECT_EQ(PublicBaseUrl("", {}), "");
  EXPECT_EQ(PublicBaseUrl("", {.host = "a.example/evil"}), "");
  EXPECT_EQ(PublicBaseUrl("", {.host = "a.example\r\nX-Injected: 1"}), "");
  EXPECT_EQ(PublicBaseUrl("", {.host = std::string(256, 'a')}), "");
  // A bad forwarded host falls back to Host; a bad Host with no forwarded one gives "".
  EXPECT_EQ(PublicBaseUrl("", {.host = "a.example", .from_trusted_proxy = true,
                               .forwarded_proto = "https", .forwarded_host = "b example"}),
            "https://a.example");
}

}  // namespace
}  // namespace wijkwacht
