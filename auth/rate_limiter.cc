#include "auth/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/hash/hash.h"
#include "common/status.h"

namespace wijkwacht::auth {
namespace {

constexpr size_t kMaxShards = 16;

RateLimiter::Options WithDefaults(RateLimiter::Options options) {
  if (options.clock == nullptr) options.clock = SystemClock();
  return options;
}

bool Valid(const RateLimiter::Options& o) {
  return std::isfinite(o.rate_per_second) && o.rate_per_second > 0 && std::isfinite(o.burst) &&
         o.burst >= 1 && o.max_keys >= 1;
}

size_t ShardCount(const RateLimiter::Options& o) {
  return std::clamp<size_t>(o.max_keys, 1, kMaxShards);
}

}  // namespace

struct RateLimiter::Shard {
  struct Bucket {
    double tokens;
    absl::Time last;                       // time `tokens` was computed
    std::list<std::string>::iterator lru;  // front = most recently used
  };
  absl::Mutex mu;
  absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  std::list<std::string> lru ABSL_GUARDED_BY(mu);
};

RateLimiter::RateLimiter(Options options)
    : options_(WithDefaults(std::move(options))),
      valid_(Valid(options_)),
      // Floor so that the sum over shards never exceeds max_keys.
      per_shard_limit_(std::max<size_t>(1, options_.max_keys / ShardCount(options_))) {
  for (size_t i = 0; i < ShardCount(options_); ++i) shards_.push_back(std::make_unique<Shard>());
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Shard& RateLimiter::ShardFor(absl::string_view key) {
  return *shards_[absl::HashOf(key) % shards_.size()];
}

bool RateLimiter::Full(double tokens, absl::Time last, absl::Time now) const {
  return tokens + absl::ToDoubleSeconds(now - last) * options_.rate_per_second >= options_.burst;
}

void RateLimiter::Release(absl::string_view key, double cost) {
  if (!valid_ || !(cost > 0)) return;
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) return;
  it->second.tokens = std::min(options_.burst, it->second.tokens + cost);
}

absl::Status RateLimiter::Acquire(absl::string_view key, double cost) {
  if (!valid_) return absl::InvalidArgumentError("rate limiter: invalid options");
  if (!(cost > 0) || cost > options_.burst) {
    return absl::InvalidArgumentError("rate limiter: cost must be in (0, burst]");
  }
  const absl::Time now = options_.clock->Now();
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);

  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    // Make room: idle (refilled) buckets first, then the least recently used.
    while (!shard.lru.empty()) {
      auto last = shard.buckets.find(shard.lru.back());
      if (shard.buckets.size() < per_shard_limit_ &&
          !Full(last->second.tokens, last->second.last, now)) {
        break;
      }
      shard.buckets.erase(last);
      shard.lru.pop_back();
    }
    shard.lru.emplace_front(key);
    it = shard.buckets.emplace(shard.lru.front(), Shard::Bucket{options_.burst, now, {}}).first;
    it->second.lru = shard.lru.begin();
  } else {
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second.lru);
    // Drop one idle bucket per call so idle keys do not linger until the limit is hit.
    auto last = shard.buckets.find(shard.lru.back());
    if (last != it && Full(last->second.tokens, last->second.last, now)) {
      shard.buckets.erase(last);
      shard.lru.pop_back();
    }
  }

  Shard::Bucket& bucket = it->second;
  if (now > bucket.last) {
    bucket.tokens = std::min(options_.burst, bucket.tokens + absl::ToDoubleSeconds(
                                                                 now - bucket.last) *
                                                                 options_.rate_per_second);
    bucket.last = now;
  }
  // The epsilon absorbs rounding so a retry after exactly the advised delay succeeds.
  if (bucket.tokens + 1e-9 >= cost) {
    bucket.tokens -= cost;
    return absl::OkStatus();
  }
  const absl::Duration wait = absl::Ceil(
      absl::Seconds((cost - bucket.tokens) / options_.rate_per_second), absl::Milliseconds(1));
  return WithRetryDelay(absl::ResourceExhaustedError("rate limit exceeded"), wait);
}

size_t RateLimiter::TrackedKeys() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    absl::MutexLock lock(&shard->mu);
    total += shard->buckets.size();
  }
  return total;
}

}  // namespace wijkwacht::auth
