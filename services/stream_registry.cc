#include "services/stream_registry.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wijkwacht::services {
namespace {

absl::Status CapReached(absl::string_view what, int cap) {
  return WithRetryDelay(
      absl::ResourceExhaustedError(
          absl::StrCat("too many open streams ", what, " (at most ", cap,
                       "); close one or retry later")),
      absl::Seconds(5));
}

bool Over(int open, int cap) { return cap > 0 && open >= cap; }

constexpr absl::Duration kEndedSubjectMemory = absl::Minutes(1);

}  // namespace

StreamRegistry::StreamRegistry(StreamLimits limits, const Clock* clock)
    : limits_(limits), clock_(clock != nullptr ? clock : SystemClock()) {}

StreamLease::~StreamLease() { registry_->Close(this); }

void StreamLease::SetEnd(std::function<void(const absl::Status&)> end) {
  absl::MutexLock lock(&registry_->mu_);
  if (end_before_set_) {
    ended_ = true;
    end(*end_before_set_);
    return;
  }
  end_ = std::move(end);
}

absl::StatusOr<std::shared_ptr<StreamLease>> StreamRegistry::Open(const Caller& caller) {
  const bool anonymous = !caller.authenticated;
  // The map page's own channel: its clients are capped per address by the HTTP side. With
  // authentication off every caller is trusted, and nothing is capped.
  const bool counted = !caller.in_process && !caller.trusted;
  absl::MutexLock lock(&mu_);
  if (!anonymous) {
    auto ended = ended_subjects_.find(caller.subject);
    if (ended != ended_subjects_.end() && clock_->Now() - ended->second < kEndedSubjectMemory) {
      return absl::UnauthenticatedError("the token's device is revoked");
    }
  }
  if (counted) {
    if (anonymous) {
      if (Over(anonymous_, limits_.max_anonymous)) {
        return CapReached("without an access token", limits_.max_anonymous);
      }
      if (Over(anonymous_by_address_[caller.address_key], limits_.max_anonymous_per_address)) {
        return CapReached("without an access token from this address",
                          limits_.max_anonymous_per_address);
      }
    } else {
      auto it = by_subject_.find(caller.subject);
      const int of_subject = it == by_subject_.end() ? 0 : static_cast<int>(it->second.size());
      if (Over(of_subject, limits_.max_per_subject)) {
        return CapReached("for this device or account", limits_.max_per_subject);
      }
      if (Over(authenticated_by_address_[caller.address_key], limits_.max_per_address)) {
        return CapReached("from this address", limits_.max_per_address);
      }
    }
  }
  auto lease = std::shared_ptr<StreamLease>(
      new StreamLease(this, anonymous ? "" : caller.subject, caller.address_key, anonymous,
                      counted));
  if (!anonymous) by_subject_[caller.subject].insert(lease.get());
  if (counted) {
    if (anonymous) {
      ++anonymous_;
      ++anonymous_by_address_[caller.address_key];
    } else {
      ++authenticated_by_address_[caller.address_key];
    }
  }
  return lease;
}

void StreamRegistry::Close(StreamLease* lease) {
  absl::MutexLock lock(&mu_);
  if (!lease->subject_.empty()) {
    auto it = by_subject_.find(lease->subject_);
    if (it != by_subject_.end()) {
      it->second.erase(lease);
      if (it->second.empty()) by_subject_.erase(it);
    }
  }
  if (!lease->counted_) return;
  auto& by_address = lease->anonymous_ ? anonymous_by_address_ : authenticated_by_address_;
  auto it = by_address.find(lease->address_);
  if (it != by_address.end() && --it->second <= 0) by_address.erase(it);
  if (lease->anonymous_) --anonymous_;
}

int StreamRegistry::EndStreamsOf(absl::string_view subject, const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  absl::erase_if(ended_subjects_, [now](const auto& entry) {
    return now - entry.second >= kEndedSubjectMemory;
  });
  ended_subjects_[subject] = now;
  auto it = by_subject_.find(subject);
  if (it == by_subject_.end()) return 0;
  int ended = 0;
  for (StreamLease* lease : it->second) {
    if (lease->ended_) continue;
    ++ended;
    if (!lease->end_) {
      lease->end_before_set_ = status;  // SetEnd will end it at once
      continue;
    }
    lease->ended_ = true;
    lease->end_(status);
  }
  return ended;
}

int StreamRegistry::OpenOf(absl::string_view subject) const {
  absl::MutexLock lock(&mu_);
  auto it = by_subject_.find(subject);
  return it == by_subject_.end() ? 0 : static_cast<int>(it->second.size());
}

int StreamRegistry::Anonymous() const {
  absl::MutexLock lock(&mu_);
  return anonymous_;
}

}  // namespace wijkwacht::services
