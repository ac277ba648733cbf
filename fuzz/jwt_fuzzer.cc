// Fuzz target: access-token parsing and verification (auth/jwt.h). Mode byte 0 (even): the
// rest is a token as a client would send it. Odd: the rest is "<header JSON>\n<claims JSON>",
// which the fuzzer signs with the ring's current key (the text "KID" in the header becomes
// its key id) so that the header and claims checks behind the signature are reached too.
// Every failure must be UNAUTHENTICATED; an accepted token must carry sane claims.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "auth/base64url.h"
#include "auth/jwt.h"
#include "auth/key_ring.h"
#include "auth/random.h"
#include "auth/roles.h"
#include "common/clock.h"
#include "fuzz/fuzz_support.h"

namespace {

struct Setup {
  wijkwacht::FakeClock clock{absl::FromUnixSeconds(1790000000)};  // 2026-09-21
  wijkwacht::auth::FakeRandomSource random{7};
  std::unique_ptr<wijkwacht::auth::KeyRing> keys;
  std::unique_ptr<wijkwacht::auth::TokenVerifier> verifier;
};

Setup& TheSetup() {
  static Setup* setup = [] {
    auto* s = new Setup();
    wijkwacht::auth::KeyRing::Options key_options;
    key_options.clock = &s->clock;
    key_options.random = &s->random;
    absl::StatusOr<std::unique_ptr<wijkwacht::auth::KeyRing>> keys =
        wijkwacht::auth::KeyRing::Open(key_options);
    if (!keys.ok()) abort();
    s->keys = *std::move(keys);
    s->verifier = std::make_unique<wijkwacht::auth::TokenVerifier>(
        wijkwacht::auth::TokenVerifier::Options{.keys = s->keys.get(),
                                                .issuer = "wijkwacht",
                                                .audience = "wijkwacht-api",
                                                .clock = &s->clock});
    return s;
  }();
  return *setup;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Setup& setup = TheSetup();
  wijkwacht::fuzz::InputReader in(data, size);
  const uint8_t mode = in.Byte();
  std::string token;
  if (mode & 1) {
    const wijkwacht::auth::KeyRing::SigningKey key = setup.keys->Current();
    const std::string header = absl::StrReplaceAll(in.Until('\n'), {{"KID", key.kid}});
    const std::string claims(in.Rest());
    const std::string signing_input = absl::StrCat(wijkwacht::auth::Base64UrlEncode(header), ".",
                                                   wijkwacht::auth::Base64UrlEncode(claims));
    absl::StatusOr<std::string> signature = key.key->Sign(signing_input);
    if (!signature.ok()) abort();
    token = absl::StrCat(signing_input, ".", wijkwacht::auth::Base64UrlEncode(*signature));
  } else {
    token = std::string(in.Rest());
  }
  absl::StatusOr<wijkwacht::auth::Claims> claims = setup.verifier->Verify(token);
  if (!claims.ok()) {
    if (claims.status().code() != absl::StatusCode::kUnauthenticated) abort();
    return 0;
  }
  if (!wijkwacht::auth::ParseRole(claims->role).has_value()) abort();
  if (claims->expires_at <= claims->issued_at) abort();
  if (claims->expires_at - claims->issued_at > wijkwacht::auth::kMaxTokenLifetime) abort();
  if (claims->issuer != "wijkwacht" || claims->audience != "wijkwacht-api") abort();
  return 0;
}
