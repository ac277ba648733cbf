// Injectable source of secure random bytes (salts, key seeds, token ids).
//
// Production code takes a `RandomSource*` through its options (nullptr = SystemRandom());
// tests pass a FakeRandomSource to make output reproducible.
//
// Thread safety: SystemRandom() and FakeRandomSource are safe to call from any thread.
// Errors: Bytes() returns INTERNAL when the OpenSSL DRBG fails (not seeded, entropy source
// gone); callers must treat that as fatal for the operation, never fall back.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace wijkwacht::auth {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // `n` bytes of randomness.
  [[nodiscard]] virtual absl::StatusOr<std::string> Bytes(size_t n) = 0;
};

// The process-wide OpenSSL RAND_bytes source (never destroyed).
RandomSource* SystemRandom();

// NOT random: a deterministic byte stream derived from `seed` and a counter (SHA-256 based),
// for tests only. Two instances with the same seed produce the same bytes.
class FakeRandomSource final : public RandomSource {
 public:
  explicit FakeRandomSource(uint64_t seed = 0) : seed_(seed) {}
  absl::StatusOr<std::string> Bytes(size_t n) override;

 private:
  const uint64_t seed_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace wijkwacht::auth
