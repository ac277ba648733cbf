#include "auth/token_cache.h"

#include "auth/key_ring.h"
#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

class TokenCacheTest : public ::testing::Test {
 protected:
  TokenCacheTest() : clock_(absl::FromUnixSeconds(1'800'000'000)) {
    KeyRing::Options options;
    options.clock = &clock_;
    keys_ = *KeyRing::Open(options);
    signer_ = std::make_unique<TokenSigner>(TokenSigner::Options{keys_.get(), &clock_, nullptr});
    verifier_ = std::make_unique<TokenVerifier>(
        TokenVerifier::Options{keys_.get(), "wijkwacht", "wijkwacht-api", &clock_});
  }
  std::string Token(absl::Duration lifetime, const std::string& subject = "devices/a") {
    Claims claims;
    claims.issuer = "wijkwacht";
    claims.audience = "wijkwacht-api";
    claims.subject = subject;
    claims.role = "RESIDENT";
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + lifetime;
    return *signer_->Issue(claims);
  }

  FakeClock clock_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<TokenSigner> signer_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(TokenCacheTest, CachesGoodTokensAndStillEnforcesExpiry) {
  CachingTokenVerifier cache({verifier_.get(), &clock_, kDefaultLeeway, 10});
  const std::string token = Token(absl::Minutes(5));
  ASSERT_TRUE(cache.Verify(token).ok());
  EXPECT_EQ(cache.size(), 1u);
  auto again = cache.Verify(token);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->subject, "devices/a");
  clock_.Advance(absl::Minutes(5) + kDefaultLeeway + absl::Seconds(1));
  EXPECT_EQ(cache.Verify(token).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(TokenCacheTest, NeverCachesBadTokensAndStaysBounded) {
  CachingTokenVerifier cache({verifier_.get(), &clock_, kDefaultLeeway, 3});
  std::string token = Token(absl::Minutes(5));
  std::string tampered = token;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(cache.Verify(tampered).ok());
  EXPECT_FALSE(cache.Verify(tampered).ok());
  EXPECT_EQ(cache.size(), 0u);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(cache.Verify(Token(absl::Minutes(5), "devices/" + std::to_string(i))).ok());
    EXPECT_LE(cache.size(), 3u);
  }
}

}  // namespace
}  // namespace wijkwacht::auth
