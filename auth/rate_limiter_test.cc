#include "auth/rate_limiter.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

class RateLimiterTest : public testing::Test {
 protected:
  RateLimiter::Options Options(double rate, double burst, size_t max_keys = 1000) {
    return {.rate_per_second = rate, .burst = burst, .max_keys = max_keys, .clock = &clock_};
  }
  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
};

TEST_F(RateLimiterTest, BurstThenRefusedWithRetryDelay) {
  RateLimiter limiter(Options(/*rate=*/2, /*burst=*/5));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Acquire("dev1").ok()) << i;
  absl::Status refused = limiter.Acquire("dev1");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetRetryDelay(refused), absl::Milliseconds(500));  // 1 / rate
}

TEST_F(RateLimiterTest, RetryAfterAdvisedDelaySucceeds) {
  RateLimiter limiter(Options(/*rate=*/3, /*burst=*/1));
  ASSERT_TRUE(limiter.Acquire("k").ok());
  absl::Status refused = limiter.Acquire("k");
  ASSERT_FALSE(refused.ok());
  const absl::Duration delay = *GetRetryDelay(refused);
  EXPECT_EQ(delay, absl::Milliseconds(334));  // 1/3 s rounded up to the millisecond
  clock_.Advance(delay - absl::Milliseconds(2));
  EXPECT_FALSE(limiter.Acquire("k").ok());
  clock_.Advance(absl::Milliseconds(2));
  EXPECT_TRUE(limiter.Acquire("k").ok());
}

TEST_F(RateLimiterTest, RefillsOverTimeUpToBurst) {
  RateLimiter limiter(Options(/*rate=*/1, /*burst=*/3));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Acquire("k").ok());
  ASSERT_FALSE(limiter.Acquire("k").ok());
  clock_.Advance(absl::Seconds(2));
  EXPECT_TRUE(limiter.Acquire("k").ok());
  EXPECT_TRUE(limiter.Acquire("k").ok());
  EXPECT_FALSE(limiter.Acquire("k").ok());
  clock_.Advance(absl::Hours(1));  // never more than burst
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Acquire("k").ok());
  EXPECT_FALSE(limiter.Acquire("k").ok());
}

TEST_F(RateLimiterTest, CostAndDeficit) {
  RateLimiter limiter(Options(/*rate=*/2, /*burst=*/4));
  EXPECT_TRUE(limiter.Acquire("k", 3).ok());
  absl::Status refused = limiter.Acquire("k", 4);  // 1 token left, needs 3 more
  EXPECT_EQ(GetRetryDelay(refused), absl::Milliseconds(1500));
  EXPECT_TRUE(limiter.Acquire("k", 1).ok());  // a refused call takes nothing
  EXPECT_EQ(limiter.Acquire("k", 5).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(limiter.Acquire("k", 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(limiter.Acquire("k", -1).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter(Options(/*rate=*/1, /*burst=*/2));
  ASSERT_TRUE(limiter.Acquire("a").ok());
  ASSERT_TRUE(limiter.Acquire("a").ok());
  ASSERT_FALSE(limiter.Acquire("a").ok());
  EXPECT_TRUE(limiter.Acquire("b").ok());
  EXPECT_TRUE(limiter.Acquire("b").ok());
  EXPECT_FALSE(limiter.Acquire("a").ok());
}

TEST_F(RateLimiterTest, MaxKeysBoundHolds) {
  for (size_t max_keys : {1u, 5u, 64u, 100u}) {
    RateLimiter limiter(Options(/*rate=*/1, /*burst=*/2, max_keys));
    for (int i = 0; i < 2000; ++i) {
      ASSERT_TRUE(limiter.Acquire(absl::StrCat("peer-", i)).ok());
      ASSERT_LE(limiter.TrackedKeys(), max_keys);
    }
    EXPECT_GT(limiter.TrackedKeys(), 0u);
  }
}

TEST_F(RateLimiterTest, IdleFullBucketsAreDropped) {
  RateLimiter limiter(Options(/*rate=*/10, /*burst=*/2, /*max_keys=*/1000));
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.Acquire(absl::StrCat("k", i)).ok());
  EXPECT_EQ(limiter.TrackedKeys(), 100u);
  clock_.Advance(absl::Seconds(1));  // every bucket is full again: as good as forgotten
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(limiter.Acquire(absl::StrCat("n", i)).ok());
  EXPECT_EQ(limiter.TrackedKeys(), 200u);  // the idle ones made way, the limit was not hit
}

TEST_F(RateLimiterTest, InvalidOptionsRefuseEverything) {
  RateLimiter zero_rate(Options(/*rate=*/0, /*burst=*/5));
  EXPECT_EQ(zero_rate.Acquire("k").code(), absl::StatusCode::kInvalidArgument);
  RateLimiter small_burst(Options(/*rate=*/1, /*burst=*/0.5));
  EXPECT_EQ(small_burst.Acquire("k").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RateLimiterTest, ConcurrentAcquiresNeverExceedBurst) {
  RateLimiter limiter(Options(/*rate=*/1, /*burst=*/100));
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.Acquire("shared").ok()) granted.fetch_add(1);
        (void)limiter.Acquire(absl::StrCat("own-", i % 50));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 100);  // the clock does not move
}

}  // namespace
}  // namespace wijkwacht::auth

namespace wijkwacht::auth {
namespace {

TEST(RateLimiterReleaseTest, ReleaseGivesBackTokensUpToTheBurst) {
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  RateLimiter limiter({/*rate_per_second=*/1, /*burst=*/2, /*max_keys=*/100, &clock});
  ASSERT_TRUE(limiter.Acquire("d").ok());
  ASSERT_TRUE(limiter.Acquire("d").ok());
  EXPECT_FALSE(limiter.Acquire("d").ok());
  limiter.Release("d");
  EXPECT_TRUE(limiter.Acquire("d").ok());
  limiter.Release("d");
  limiter.Release("d");
  limiter.Release("d");  // capped at the burst of 2
  EXPECT_TRUE(limiter.Acquire("d").ok());
  EXPECT_TRUE(limiter.Acquire("d").ok());
  EXPECT_FALSE(limiter.Acquire("d").ok());
  limiter.Release("unknown");  // no-op
}

}  // namespace
}  // namespace wijkwacht::auth
