#include "auth/login_throttle.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

class LoginThrottleTest : public testing::Test {
 protected:
  LoginThrottle::Options Options() {
    LoginThrottle::Options options;
    options.base_delay = absl::Seconds(1);
    options.max_delay = absl::Seconds(8);
    options.lockout_failures = 6;
    options.window = absl::Minutes(15);
    options.lockout_duration = absl::Minutes(30);
    options.clock = &clock_;
    return options;
  }
  // The retry delay of a refused Check, or nullopt if allowed.
  std::optional<absl::Duration> Wait(const LoginThrottle& throttle, absl::string_view user) {
    absl::Status status = throttle.Check(user);
    if (status.ok()) return std::nullopt;
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
    std::optional<absl::Duration> delay = GetRetryDelay(status);
    EXPECT_TRUE(delay.has_value());
    return delay;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
};

TEST_F(LoginThrottleTest, ExponentialBackOffThenLockout) {
  LoginThrottle throttle(Options());
  EXPECT_TRUE(throttle.Check("alice").ok());
  const absl::Duration expected[] = {absl::Seconds(1), absl::Seconds(2), absl::Seconds(4),
                                     absl::Seconds(8), absl::Seconds(8)};  // capped
  for (absl::Duration d : expected) {
    throttle.RecordFailure("alice");
    EXPECT_EQ(Wait(throttle, "alice"), d);
    clock_.Advance(d - absl::Milliseconds(1));
    EXPECT_EQ(Wait(throttle, "alice"), absl::Milliseconds(1));
    clock_.Advance(absl::Milliseconds(1));
    EXPECT_TRUE(throttle.Check("alice").ok());
  }
  throttle.RecordFailure("alice");  // 6th failure within the window: locked
  absl::Status status = throttle.Check("alice");
  EXPECT_EQ(status.message(), "account temporarily locked");
  EXPECT_EQ(GetRetryDelay(status), absl::Minutes(30));
  clock_.Advance(absl::Minutes(29));
  EXPECT_FALSE(throttle.Check("alice").ok());
  clock_.Advance(absl::Minutes(1));
  EXPECT_TRUE(throttle.Check("alice").ok());
}

TEST_F(LoginThrottleTest, OtherUsersUnaffected) {
  LoginThrottle throttle(Options());
  for (int i = 0; i < 6; ++i) throttle.RecordFailure("alice");
  EXPECT_FALSE(throttle.Check("alice").ok());
  EXPECT_TRUE(throttle.Check("bob").ok());
  EXPECT_TRUE(throttle.Check("Alice").ok());  // no normalisation inside
}

TEST_F(LoginThrottleTest, SuccessClearsRecord) {
  LoginThrottle throttle(Options());
  for (int i = 0; i < 4; ++i) throttle.RecordFailure("alice");
  throttle.RecordSuccess("alice");
  EXPECT_TRUE(throttle.Check("alice").ok());
  EXPECT_EQ(throttle.TrackedUsers(), 0u);
  throttle.RecordFailure("alice");
  EXPECT_EQ(Wait(throttle, "alice"), absl::Seconds(1));  // back to the first step
}

TEST_F(LoginThrottleTest, FailuresOutsideWindowAreForgotten) {
  LoginThrottle throttle(Options());
  for (int i = 0; i < 5; ++i) throttle.RecordFailure("alice");
  clock_.Advance(absl::Minutes(16));
  EXPECT_TRUE(throttle.Check("alice").ok());
  throttle.RecordFailure("alice");  // counts as the first of a new run, not the 6th
  EXPECT_EQ(Wait(throttle, "alice"), absl::Seconds(1));
}

TEST_F(LoginThrottleTest, MemoryIsBounded) {
  LoginThrottle::Options options = Options();
  options.max_entries = 100;
  LoginThrottle throttle(options);
  for (int i = 0; i < 1000; ++i) {
    throttle.RecordFailure(absl::StrCat("user", i));
    ASSERT_LE(throttle.TrackedUsers(), 100u);
  }
  EXPECT_FALSE(throttle.Check("user999").ok());  // recent ones are kept
  EXPECT_TRUE(throttle.Check("user0").ok());     // the oldest were evicted
}

TEST_F(LoginThrottleTest, StaleEntriesAreDropped) {
  LoginThrottle throttle(Options());
  throttle.RecordFailure("old1");
  throttle.RecordFailure("old2");
  clock_.Advance(absl::Minutes(20));  // both are past their window and not blocked
  throttle.RecordFailure("new");
  EXPECT_EQ(throttle.TrackedUsers(), 1u);
}

TEST_F(LoginThrottleTest, LockedEntriesAreNotDroppedAsStale) {
  LoginThrottle throttle(Options());
  for (int i = 0; i < 6; ++i) throttle.RecordFailure("locked");
  clock_.Advance(absl::Minutes(20));  // window passed, lock-out (30 min) still running
  throttle.RecordFailure("new");
  EXPECT_EQ(throttle.TrackedUsers(), 2u);
  EXPECT_FALSE(throttle.Check("locked").ok());
}

TEST_F(LoginThrottleTest, ConcurrentUse) {
  LoginThrottle::Options options = Options();
  options.lockout_failures = 1'000'000;
  options.max_entries = 50;
  LoginThrottle throttle(options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string user = absl::StrCat("u", (i * 7 + t) % 80);
        (void)throttle.Check(user);
        if (i % 5 == 0) {
          throttle.RecordSuccess(user);
        } else {
          throttle.RecordFailure(user);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(throttle.TrackedUsers(), 50u);
}

}  // namespace
}  // namespace wijkwacht::auth
