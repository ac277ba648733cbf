#include "auth/jwt.h"

#include <openssl/evp.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "auth/base64url.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::auth {
namespace {

using nlohmann::json;

constexpr char kIssuer[] = "https://wijkwacht.beverwijk.nl";
constexpr char kAudience[] = "wijkwacht-api";

std::string MakeTempDir() {
  std::string dir = testing::TempDir() + "/jwt_testXXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                      reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
                      sizeof(out), &len),
            nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

class JwtTest : public testing::Test {
 protected:
  void SetUp() override {
    ring_ = KeyRing::Open({.directory = MakeTempDir(), .clock = &clock_}).value();
    signer_ = std::make_unique<TokenSigner>(
        TokenSigner::Options{.keys = ring_.get(), .clock = &clock_});
    verifier_ = std::make_unique<TokenVerifier>(TokenVerifier::Options{
        .keys = ring_.get(), .issuer = kIssuer, .audience = kAudience, .clock = &clock_});
  }

  Claims ValidClaims() {
    Claims claims;
    claims.issuer = kIssuer;
    claims.audience = kAudience;
    claims.subject = "devices/42";
    claims.role = "RESIDENT";
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Minutes(15);
    return claims;
  }

  json ValidPayload() {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return {{"iss", kIssuer}, {"sub", "devices/42"}, {"aud", kAudience}, {"iat", now},
            {"exp", now + 600}, {"role", "DISPATCHER"}, {"jti", "abc"}};
  }
  json ValidHeader() { return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", ring_->Current().kid}}; }

  // header.payload signed with `key` (the ring's current key by default).
  std::string Sign(const json& header, const json& payload, const Ed25519KeyPair* key = nullptr) {
    return SignRaw(header.dump(), payload.dump(), key);
  }
  std::string SignRaw(const std::string& header, const std::string& payload,
                      const Ed25519KeyPair* key = nullptr) {
    if (key == nullptr) key = ring_->Current().key.get();
    const std::string input = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
    return absl::StrCat(input, ".", Base64UrlEncode(key->Sign(input).value()));
  }

  // Expects `token` to be refused as UNAUTHENTICATED with `reason`, without echoing it.
  void ExpectRejected(const std::string& token, absl::string_view reason) {
    absl::StatusOr<Claims> result = verifier_->Verify(token);
    ASSERT_FALSE(result.ok()) << "accepted: " << token;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(result.status().message(), reason);
    for (absl::string_view part : absl::StrSplit(token, '.')) {
      if (part.size() > 8) {
        EXPECT_EQ(result.status().message().find(part), absl::string_view::npos);
      }
    }
  }

  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  std::unique_ptr<KeyRing> ring_;
  std::unique_ptr<TokenSigner> signer_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(JwtTest, RoundTrip) {
  Claims claims = ValidClaims();
  claims.role = "ADMIN";
  claims.token_id = "token-1";
  claims.not_before = clock_.Now();
  const std::string token = signer_->Issue(claims).value();

  // Header and claims are as documented.
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  json header = json::parse(Base64UrlDecode(parts[0]).value());
  EXPECT_EQ(header, json({{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", ring_->Current().kid}}));
  json payload = json::parse(Base64UrlDecode(parts[1]).value());
  EXPECT_EQ(payload["exp"], 1'700'000'000 + 900);
  EXPECT_EQ(payload["role"], "ADMIN");

  absl::StatusOr<Claims> verified = verifier_->Verify(token);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->issuer, kIssuer);
  EXPECT_EQ(verified->audience, kAudience);
  EXPECT_EQ(verified->subject, "devices/42");
  EXPECT_EQ(verified->role, "ADMIN");
  EXPECT_EQ(verified->token_id, "token-1");
  EXPECT_EQ(verified->issued_at, claims.issued_at);
  EXPECT_EQ(verified->expires_at, claims.expires_at);
  EXPECT_EQ(verified->not_before, claims.not_before);
}

TEST_F(JwtTest, IssueFillsTokenIdAndIssuedAt) {
  Claims claims = ValidClaims();
  claims.issued_at = absl::Time();
  const Claims a = verifier_->Verify(signer_->Issue(claims).value()).value();
  const Claims b = verifier_->Verify(signer_->Issue(claims).value()).value();
  EXPECT_EQ(a.issued_at, clock_.Now());
  EXPECT_EQ(a.token_id.size(), 22u);  // 16 random bytes
  EXPECT_NE(a.token_id, b.token_id);
}

TEST_F(JwtTest, IssueValidatesClaims) {
  Claims claims = ValidClaims();
  claims.expires_at = claims.issued_at + absl::Minutes(15) + absl::Seconds(1);
  EXPECT_EQ(signer_->Issue(claims).status().code(), absl::StatusCode::kInvalidArgument);
  claims.expires_at = claims.issued_at;
  EXPECT_EQ(signer_->Issue(claims).status().code(), absl::StatusCode::kInvalidArgument);
  claims = ValidClaims();
  claims.role = "ROOT";
  EXPECT_EQ(signer_->Issue(claims).status().code(), absl::StatusCode::kInvalidArgument);
  claims = ValidClaims();
  claims.subject = "";
  EXPECT_EQ(signer_->Issue(claims).status().code(), absl::StatusCode::kInvalidArgument);
  claims = ValidClaims();
  claims.subject = "bad\xff";
  EXPECT_EQ(signer_->Issue(claims).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(JwtTest, Expired) {
  const std::string token = signer_->Issue(ValidClaims()).value();
  clock_.Advance(absl::Minutes(15) + absl::Seconds(29));  // inside the 30 s leeway
  EXPECT_TRUE(verifier_->Verify(token).ok());
  clock_.Advance(absl::Seconds(1));
  ExpectRejected(token, "token expired");
}

TEST_F(JwtTest, NotYetValid) {
  Claims claims = ValidClaims();
  claims.not_before = clock_.Now() + absl::Minutes(2);
  const std::string token = signer_->Issue(claims).value();
  ExpectRejected(token, "token not yet valid");
  clock_.Advance(absl::Seconds(90));  // 30 s before nbf: within leeway
  EXPECT_TRUE(verifier_->Verify(token).ok());
}

TEST_F(JwtTest, IssuedInTheFuture) {
  Claims claims = ValidClaims();
  claims.issued_at = clock_.Now() + absl::Minutes(5);
  claims.expires_at = claims.issued_at + absl::Minutes(10);
  ExpectRejected(signer_->Issue(claims).value(), "token issued in the future");
}

TEST_F(JwtTest, WrongAudience) {
  Claims claims = ValidClaims();
  claims.audience = "other-api";
  ExpectRejected(signer_->Issue(claims).value(), "wrong audience");

  json payload = ValidPayload();
  payload["aud"] = json::array({"other-api", kAudience});
  EXPECT_TRUE(verifier_->Verify(Sign(ValidHeader(), payload)).ok());
  payload["aud"] = json::array({"other-api"});
  ExpectRejected(Sign(ValidHeader(), payload), "wrong audience");
  payload.erase("aud");
  ExpectRejected(Sign(ValidHeader(), payload), "wrong audience");
}

TEST_F(JwtTest, WrongIssuer) {
  Claims claims = ValidClaims();
  claims.issuer = "https://evil.example";
  ExpectRejected(signer_->Issue(claims).value(), "wrong issuer");
}

TEST_F(JwtTest, AlgNoneRejected) {
  json header = {{"alg", "none"}, {"typ", "JWT"}};
  const std::string token = absl::StrCat(Base64UrlEncode(header.dump()), ".",
                                         Base64UrlEncode(ValidPayload().dump()), ".");
  ExpectRejected(token, "unsupported algorithm");
  header["kid"] = ring_->Current().kid;
  ExpectRejected(absl::StrCat(Base64UrlEncode(header.dump()), ".",
                              Base64UrlEncode(ValidPayload().dump()), "."),
                 "unsupported algorithm");
}

TEST_F(JwtTest, OtherAlgorithmsRejected) {
  for (const json& alg : {json("HS256"), json("RS256"), json("ES256"), json("eddsa"),
                          json("EdDSA "), json("Ed25519"), json(nullptr), json(1)}) {
    json header = ValidHeader();
    header["alg"] = alg;
    ExpectRejected(Sign(header, ValidPayload()), "unsupported algorithm");
  }
  json header = ValidHeader();
  header.erase("alg");
  ExpectRejected(Sign(header, ValidPayload()), "unsupported algorithm");
}

// The classic confusion attack: an HMAC keyed with the (public) verification key.
TEST_F(JwtTest, Hs256WithPublicKeyRejected) {
  json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", ring_->Current().kid}};
  const std::string input = absl::StrCat(Base64UrlEncode(header.dump()), ".",
                                         Base64UrlEncode(ValidPayload().dump()));
  const std::string public_key = ring_->Current().key->RawPublicKey();
  for (const std::string& hmac_key : {public_key, Base64UrlEncode(public_key)}) {
    ExpectRejected(absl::StrCat(input, ".", Base64UrlEncode(HmacSha256(hmac_key, input))),
                   "unsupported algorithm");
  }
}

TEST_F(JwtTest, UnknownOrMissingKid) {
  json header = ValidHeader();
  header["kid"] = "no-such-key";
  ExpectRejected(Sign(header, ValidPayload()), "unknown signing key");
  header.erase("kid");
  ExpectRejected(Sign(header, ValidPayload()), "unknown signing key");
}

TEST_F(JwtTest, DifferentKeyWithKnownKidRejected) {
  auto attacker = Ed25519KeyPair::Generate().value();
  ExpectRejected(Sign(ValidHeader(), ValidPayload(), &attacker), "invalid signature");
}

TEST_F(JwtTest, TamperedPayloadRejected) {
  const std::string token = signer_->Issue(ValidClaims()).value();
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  json payload = json::parse(Base64UrlDecode(parts[1]).value());
  payload["role"] = "ADMIN";
  ExpectRejected(absl::StrCat(parts[0], ".", Base64UrlEncode(payload.dump()), ".", parts[2]),
                 "invalid signature");
  // Flipping one signature bit fails as well.
  std::string signature = Base64UrlDecode(parts[2]).value();
  signature[0] ^= 0x01;
  ExpectRejected(absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode(signature)),
                 "invalid signature");
}

TEST_F(JwtTest, HeaderAndTypeChecks) {
  json header = ValidHeader();
  header.erase("typ");
  EXPECT_TRUE(verifier_->Verify(Sign(header, ValidPayload())).ok());  // typ is optional
  header["typ"] = "at+jwt";
  ExpectRejected(Sign(header, ValidPayload()), "unsupported token type");
  header = ValidHeader();
  header["crit"] = json::array({"exp"});
  ExpectRejected(Sign(header, ValidPayload()), "unsupported header");
}

TEST_F(JwtTest, ClaimChecks) {
  json payload = ValidPayload();
  payload["role"] = "SUPERUSER";
  ExpectRejected(Sign(ValidHeader(), payload), "unknown role");
  payload = ValidPayload();
  payload["exp"] = payload["iat"].get<int64_t>() + 3600;
  ExpectRejected(Sign(ValidHeader(), payload), "token lifetime too long");
  for (const char* claim : {"exp", "iat", "sub", "jti"}) {
    payload = ValidPayload();
    payload.erase(claim);
    ExpectRejected(Sign(ValidHeader(), payload), "malformed token");
  }
  payload = ValidPayload();
  payload["exp"] = "soon";
  ExpectRejected(Sign(ValidHeader(), payload), "malformed token");
  payload = ValidPayload();
  payload["iss"] = json::array({kIssuer});
  ExpectRejected(Sign(ValidHeader(), payload), "wrong issuer");
  // Signed, but the payload is not a JSON object.
  ExpectRejected(SignRaw(ValidHeader().dump(), "[1,2]"), "malformed token");
  ExpectRejected(SignRaw(ValidHeader().dump(), "{\"iss\":"), "malformed token");
}

TEST_F(JwtTest, MalformedTokensRejected) {
  const std::string token = signer_->Issue(ValidClaims()).value();
  std::vector<std::string> p = absl::StrSplit(token, '.');
  for (const std::string& bad : {std::string(""), std::string("."), std::string(".."),
                                 std::string("abc"), p[0] + "." + p[1],
                                 token + ".", token + "." + p[2], "." + token,
                                 p[0] + ".." + p[1] + "." + p[2], p[0] + "=." + p[1] + "." + p[2],
                                 "!" + token, p[0] + "." + p[1] + "x." + p[2],
                                 SignRaw("not json", ValidPayload().dump()),
                                 SignRaw("[]", ValidPayload().dump())}) {
    absl::StatusOr<Claims> result = verifier_->Verify(bad);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
  ExpectRejected(p[0] + "." + p[1] + "." + p[2] + "=", "invalid signature");
  ExpectRejected(p[0] + "." + p[1] + "." + p[2].substr(1), "invalid signature");
}

TEST_F(JwtTest, OversizedTokenRejected) {
  Claims claims = ValidClaims();
  claims.subject = std::string(kMaxTokenBytes, 's');
  const std::string token = signer_->Issue(claims).value();
  ASSERT_GT(token.size(), kMaxTokenBytes);
  ExpectRejected(token, "token too large");
}

TEST_F(JwtTest, RotationKeepsOldTokensValidUntilExpiry) {
  const std::string old_kid = ring_->Current().kid;
  const std::string next_kid = ring_->NextKid();
  const std::string old_token = signer_->Issue(ValidClaims()).value();  // exp = T+15m

  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(ring_->Rotate().ok());
  ASSERT_EQ(ring_->Current().kid, next_kid);
  EXPECT_TRUE(verifier_->Verify(old_token).ok());
  const std::string new_token = signer_->Issue(ValidClaims()).value();  // exp = T+20m
  json new_header = json::parse(Base64UrlDecode(new_token.substr(0, new_token.find('.'))).value());
  EXPECT_EQ(new_header["kid"], next_kid);
  EXPECT_TRUE(verifier_->Verify(new_token).ok());

  // The old token runs out at its own exp (+ leeway); the new one is still fine.
  clock_.Advance(absl::Minutes(10) + absl::Seconds(30));  // T+15m30s
  ExpectRejected(old_token, "token expired");
  EXPECT_TRUE(verifier_->Verify(new_token).ok());
  // After the grace period (rotation + 16 min) the old key is not accepted at all.
  clock_.Advance(absl::Minutes(6));  // T+21m30s
  EXPECT_EQ(ring_->FindVerificationKey(old_kid), nullptr);
  ExpectRejected(old_token, "unknown signing key");
}

TEST_F(JwtTest, TokenFromPublishedNextKeyVerifies) {
  const std::string dir = MakeTempDir();
  auto current = Ed25519KeyPair::Generate().value();
  auto next = Ed25519KeyPair::Generate().value();
  ASSERT_TRUE(current.SaveToFile(dir + "/current.pem").ok());
  ASSERT_TRUE(next.SaveToFile(dir + "/next.pem").ok());
  auto ring = KeyRing::Open({.current_key_file = dir + "/current.pem",
                             .next_key_file = dir + "/next.pem",
                             .clock = &clock_})
                  .value();
  TokenVerifier verifier({.keys = ring.get(), .issuer = kIssuer, .audience = kAudience,
                          .clock = &clock_});
  json header = ValidHeader();
  header["kid"] = ring->NextKid();
  EXPECT_TRUE(verifier.Verify(Sign(header, ValidPayload(), &next)).ok());
  EXPECT_FALSE(verifier.Verify(Sign(header, ValidPayload(), &current)).ok());
}

}  // namespace
}  // namespace wijkwacht::auth
