// Cost of issuing and verifying access tokens (per token, one thread).
#include <memory>
#include <string>

#include "auth/jwt.h"
#include "auth/token_cache.h"
#include "benchmark/benchmark.h"

namespace wijkwacht::auth {
namespace {

struct Fixture {
  Fixture() {
    ring = KeyRing::Open({}).value();
    signer = std::make_unique<TokenSigner>(TokenSigner::Options{.keys = ring.get()});
    verifier = std::make_unique<TokenVerifier>(TokenVerifier::Options{
        .keys = ring.get(), .issuer = "https://wijkwacht.beverwijk.nl",
        .audience = "wijkwacht-api"});
  }
  Claims NewClaims() const {
    Claims claims;
    claims.issuer = "https://wijkwacht.beverwijk.nl";
    claims.audience = "wijkwacht-api";
    claims.subject = "devices/0f8e4c1a-5b8e-4bb8-9a43-0d3b7a1f2e11";
    claims.role = "RESIDENT";
    claims.issued_at = absl::Now();
    claims.expires_at = claims.issued_at + absl::Minutes(15);
    return claims;
  }
  std::unique_ptr<KeyRing> ring;
  std::unique_ptr<TokenSigner> signer;
  std::unique_ptr<TokenVerifier> verifier;
};

void BM_Issue(benchmark::State& state) {
  Fixture f;
  const Claims claims = f.NewClaims();
  for (auto _ : state) benchmark::DoNotOptimize(f.signer->Issue(claims));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Issue)->Unit(benchmark::kMicrosecond);

void BM_Verify(benchmark::State& state) {
  Fixture f;
  const std::string token = f.signer->Issue(f.NewClaims()).value();
  if (!f.verifier->Verify(token).ok()) state.SkipWithError("token does not verify");
  for (auto _ : state) benchmark::DoNotOptimize(f.verifier->Verify(token));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Verify)->Unit(benchmark::kMicrosecond);

// What the server pays per call: the same token again, answered from the verified-token cache.
void BM_VerifyCached(benchmark::State& state) {
  Fixture f;
  CachingTokenVerifier cached({.verifier = f.verifier.get()});
  const std::string token = f.signer->Issue(f.NewClaims()).value();
  if (!cached.Verify(token).ok()) state.SkipWithError("token does not verify");
  for (auto _ : state) benchmark::DoNotOptimize(cached.Verify(token));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyCached)->Unit(benchmark::kMicrosecond);

// The raw signature verification inside BM_Verify, for comparison.
void BM_Ed25519Verify(benchmark::State& state) {
  auto key = Ed25519KeyPair::Generate().value();
  const std::string message(200, 'm');
  const std::string signature = key.Sign(message).value();
  for (auto _ : state) benchmark::DoNotOptimize(key.PublicKey().Verify(message, signature));
}
BENCHMARK(BM_Ed25519Verify)->Unit(benchmark::kMicrosecond);

// A rejected forgery costs the same signature check; malformed input is cheaper.
void BM_VerifyRejectsMalformed(benchmark::State& state) {
  Fixture f;
  const std::string token = "eyJhbGciOiJub25lIn0.e30.";
  for (auto _ : state) benchmark::DoNotOptimize(f.verifier->Verify(token));
}
BENCHMARK(BM_VerifyRejectsMalformed)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wijkwacht::auth

BENCHMARK_MAIN();
