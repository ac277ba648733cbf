// Absolute links the HTTP API writes (OGC API Features, Open311 discovery) name where the
// caller reached the server: --public_base_url when set; else the request's Host, as https
// only when a trusted reverse proxy that terminates TLS says so (X-Forwarded-Proto), and
// never a host or scheme an untrusted caller's forwarding headers ask for.
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/test_support.h"

namespace wijkwacht::testing {
namespace {

class PublicLinksTest : public ::testing::Test {
 protected:
  void Start() {
    std::ofstream(assets_.path() + "/index.html") << "<!DOCTYPE html><title>kaart</title>\n";
    server_.options().http_listen = "127.0.0.1:0";
    server_.options().http_assets_dir = assets_.path();
    const absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // The hrefs of the OGC landing page's links and the Open311 discovery's endpoint url, as
  // the server writes them for a request with `headers`.
  std::vector<std::string> Links(const httplib::Headers& headers) {
    std::vector<std::string> out;
    const auto collect = [&](const std::string& path, const char* list, const char* field) {
      httplib::Client client("127.0.0.1", server_.server()->http_port());
      httplib::Result result = client.Get(path, headers);
      ASSERT_TRUE(result && result->status == 200) << path << ": "
                                                   << (result ? result->body : "no answer");
      const nlohmann::json body = nlohmann::json::parse(result->body);
      for (const auto& item : body[list]) out.push_back(item[field].get<std::string>());
    };
    collect("/ogc", "links", "href");
    collect("/open311/v2/discovery.json", "endpoints", "url");
    EXPECT_GE(out.size(), 4u);
    return out;
  }

  TempDir dir_;
  TempDir assets_;
  ServerFixture server_{dir_.path()};
};

const httplib::Headers kForged = {{"X-Forwarded-Proto", "https"},
                                  {"X-Forwarded-Host", "evil.example"}};

TEST_F(PublicLinksTest, WithoutAProxyLinksNameTheHostAndIgnoreForwardingHeaders) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string origin = absl::StrCat("http://127.0.0.1:", server_.server()->http_port());
  for (const httplib::Headers& headers : {httplib::Headers{}, kForged}) {
    for (const std::string& href : Links(headers)) {
      EXPECT_TRUE(absl::StartsWith(href, origin + "/")) << href;
    }
  }
}

TEST_F(PublicLinksTest, BehindATrustedTlsProxyLinksAreHttpsOnItsHost) {
  server_.options().trusted_proxies = {"127.0.0.1"};
  ASSERT_NO_FATAL_FAILURE(Start());
  for (const std::string& href : Links({{"X-Forwarded-Proto", "https"},
                                        {"X-Forwarded-Host", "meldingen.example.nl"}})) {
    EXPECT_TRUE(absl::StartsWith(href, "https://meldingen.example.nl/")) << href;
  }
  // The proxy's own entry (the last) counts.
  for (const std::string& href : Links({{"X-Forwarded-Proto", "https, http"}})) {
    EXPECT_TRUE(absl::StartsWith(href, "http://127.0.0.1:")) << href;
  }
}

TEST_F(PublicLinksTest, TheConfiguredBaseWinsOverEveryHeader) {
  server_.options().trusted_proxies = {"127.0.0.1"};
  server_.options().public_base_url = "https://meldingen.example.nl/wijkwacht/";
  ASSERT_NO_FATAL_FAILURE(Start());
  for (const std::string& href : Links(kForged)) {
    EXPECT_TRUE(absl::StartsWith(href, "https://meldingen.example.nl/wijkwacht/")) << href;
    EXPECT_FALSE(absl::StrContains(href, "wijkwacht//")) << href;
  }
}

}  // namespace
}  // namespace wijkwacht::testing
