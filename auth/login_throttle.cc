#include "auth/login_throttle.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/status.h"

namespace wijkwacht::auth {
namespace {

LoginThrottle::Options WithDefaults(LoginThrottle::Options options) {
  if (options.clock == nullptr) options.clock = SystemClock();
  options.max_entries = std::max<size_t>(options.max_entries, 1);
  options.lockout_failures = std::max(options.lockout_failures, 1);
  return options;
}

}  // namespace

LoginThrottle::LoginThrottle() : LoginThrottle(Options()) {}

LoginThrottle::LoginThrottle(Options options) : options_(WithDefaults(std::move(options))) {}

bool LoginThrottle::Stale(const Entry& entry, absl::Time now) const {
  return now >= entry.blocked_until && now - entry.first_failure > options_.window;
}

absl::Status LoginThrottle::Check(absl::string_view username) const {
  const absl::Time now = options_.clock->Now();
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(username);
  if (it == entries_.end() || now >= it->second.blocked_until) return absl::OkStatus();
  const absl::Duration wait = absl::Ceil(it->second.blocked_until - now, absl::Milliseconds(1));
  return WithRetryDelay(
      absl::ResourceExhaustedError(it->second.locked ? "account temporarily locked"
                                                     : "too many failed logins; retry later"),
      wait);
}

void LoginThrottle::EvictForInsert(absl::Time now) {
  // Least recently failed records sit at the back; drop the stale ones, then, if still
  // full, the oldest regardless.
  while (!lru_.empty() && (entries_.size() >= options_.max_entries ||
                           Stale(entries_.find(lru_.back())->second, now))) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
}

void LoginThrottle::RecordFailure(absl::string_view username) {
  const absl::Time now = options_.clock->Now();
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(username);
  if (it == entries_.end()) {
    EvictForInsert(now);
    lru_.emplace_front(username);
    it = entries_.emplace(lru_.front(), Entry{}).first;
    it->second.lru = lru_.begin();
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);  // iterators stay valid
  }
  Entry& entry = it->second;
  if (entry.failures > 0 && Stale(entry, now)) {  // a new run of failures
    entry.failures = 0;
    entry.locked = false;
  }
  if (entry.failures == 0) entry.first_failure = now;
  ++entry.failures;
  absl::Time until;
  if (entry.failures >= options_.lockout_failures) {
    entry.locked = true;
    until = now + options_.lockout_duration;
  } else {
    absl::Duration delay = options_.base_delay;
    for (int i = 1; i < entry.failures && delay < options_.max_delay; ++i) delay *= 2;
    until = now + std::min(delay, options_.max_delay);
  }
  entry.blocked_until = std::max(entry.blocked_until, until);
}

void LoginThrottle::RecordSuccess(absl::string_view username) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(username);
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

size_t LoginThrottle::TrackedUsers() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace wijkwacht::auth
