// Token-bucket rate limiter keyed by string (device id, peer address).
//
// Each key has a bucket of `burst` tokens refilled at `rate_per_second`; Acquire(key, cost)
// takes `cost` tokens or refuses with the time until enough tokens will be there. A key not
// seen before starts full.
//
// Memory: at most `max_keys` buckets are kept. A bucket idle long enough to have refilled
// completely is indistinguishable from a new one and is dropped first; when the limit is
// still reached the least recently used bucket is dropped (which forgives that key's debt,
// so size max_keys above the expected number of concurrently active keys).
//
// Thread safety: Acquire and TrackedKeys may be called concurrently; keys are spread over
// up to 16 shards, each with its own mutex.
// Errors (Acquire):
//   RESOURCE_EXHAUSTED "rate limit exceeded", with a retry delay (GetRetryDelay in
//                      common/status.h) = deficit / rate, rounded up to the millisecond;
//   INVALID_ARGUMENT   cost <= 0 or cost > burst (can never succeed), or the limiter was
//                      built with invalid options (rate <= 0, burst < 1, non-finite values).
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace wijkwacht::auth {

class RateLimiter {
 public:
  struct Options {
    double rate_per_second = 1.0;
    double burst = 10.0;
    size_t max_keys = 100000;
    Clock* clock = nullptr;  // nullptr = SystemClock()
  };

  explicit RateLimiter(Options options);
  ~RateLimiter();

  [[nodiscard]] absl::Status Acquire(absl::string_view key, double cost = 1.0);
  // Gives back `cost` tokens taken by a successful Acquire whose request was refused
  // elsewhere (capped at the burst; a no-op for a key no longer tracked).
  void Release(absl::string_view key, double cost = 1.0);

  // The most one Acquire can take.
  [[nodiscard]] double burst() const { return options_.burst; }

  // Number of buckets currently held (never above max_keys).
  [[nodiscard]] size_t TrackedKeys() const;

 private:
  struct Shard;

  Shard& ShardFor(absl::string_view key);
  bool Full(double tokens, absl::Time last, absl::Time now) const;

  const Options options_;
  const bool valid_;
  const size_t per_shard_limit_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace wijkwacht::auth
