// Per-username brake on password guessing for staff logins.
//
// After the n-th consecutive failure within `window` the user must wait
// min(base_delay * 2^(n-1), max_delay) before the next attempt; at `lockout_failures`
// failures within `window` the username is locked for `lockout_duration`. A success clears
// the record. Failures older than `window` (counted from the first failure of the run) are
// forgotten. Usage:
//   WW_RETURN_IF_ERROR(throttle.Check(user));
//   if (hasher.Verify(pw, stored).ok()) throttle.RecordSuccess(user);
//   else throttle.RecordFailure(user);
// Callers should normalise the username (e.g. lower-case) and throttle unknown usernames
// too, so the throttle does not reveal which accounts exist. Note that per-username lock-out
// lets anyone lock a known staff account for `lockout_duration`; pair it with a per-address
// RateLimiter.
//
// Memory: at most `max_entries` usernames are tracked. Records are kept in least-recently-
// failed order; stale ones (window passed, not blocked) are dropped from that end when a new
// username is recorded, and when full the least recently failed record is dropped.
//
// Thread safety: all methods are safe to call concurrently (one mutex; logins are rare).
// Errors: Check returns OK, or RESOURCE_EXHAUSTED ("too many failed logins; retry later" or
// "account temporarily locked") carrying the wait as a retry delay (GetRetryDelay in
// common/status.h).
#pragma once

#include <cstddef>
#include <list>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace wijkwacht::auth {

class LoginThrottle {
 public:
  struct Options {
    absl::Duration base_delay = absl::Seconds(1);
    absl::Duration max_delay = absl::Minutes(1);
    int lockout_failures = 10;
    absl::Duration window = absl::Minutes(15);
    absl::Duration lockout_duration = absl::Minutes(15);
    size_t max_entries = 100000;
    Clock* clock = nullptr;  // nullptr = SystemClock()
  };

  LoginThrottle();  // default Options
  explicit LoginThrottle(Options options);

  // OK if `username` may attempt a login now.
  [[nodiscard]] absl::Status Check(absl::string_view username) const;
  void RecordFailure(absl::string_view username);
  void RecordSuccess(absl::string_view username);

  // Number of usernames currently tracked.
  [[nodiscard]] size_t TrackedUsers() const;

 private:
  struct Entry {
    int failures = 0;
    absl::Time first_failure;
    absl::Time blocked_until;  // back-off or lock-out end
    bool locked = false;
    std::list<std::string>::iterator lru;  // position in lru_ (front = most recent)
  };

  bool Stale(const Entry& entry, absl::Time now) const;
  void EvictForInsert(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::list<std::string> lru_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wijkwacht::auth
