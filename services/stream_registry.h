// StreamRegistry: every open server stream (Subscribe, SubscribeAlerts, WatchQueue,
// StreamAggregates), by caller, so that
//   - one caller cannot hold more than its share: at most `max_per_subject` streams per device
//     or staff account, `max_per_address` authenticated streams per client address (IPv6: per
//     /64, see AddressBucket), `max_anonymous_per_address` streams without a token per
//     address, and `max_anonymous` streams without a token in all (the anonymous budget, so
//     that free callers cannot take the capacity the apps and staff need). Beyond a cap the
//     stream is refused with RESOURCE_EXHAUSTED naming the cap, with a retry delay.
//   - revoking (or erasing) a device ends its open streams at once: EndStreamsOf() finishes
//     each of them with the given status (UNAUTHENTICATED), so nothing published after the
//     revocation reaches it.
// A cap of 0 means no cap. Streams from the in-process channel (the map page's HTTP side,
// which caps its own clients per address) and, with authentication off, trusted callers count
// toward no cap.
//
// Usage (stream handlers, after the call gate):
//   absl::StatusOr<std::shared_ptr<StreamLease>> lease = registry->Open(caller);
//   if (!lease.ok()) return RefuseStream(lease.status());
//   ... LogStream options.lease = *lease;   // LogStream installs its end callback
// The lease is the stream's slot: destroying it frees the slot. The stream installs an end
// callback with SetEnd(); EndStreamsOf() calls it (under the registry's lock, so a lease being
// destroyed waits for it; the callback must not call back into the registry).
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "services/call_gate.h"

namespace wijkwacht::services {

struct StreamLimits {
  int max_per_subject = 8;
  int max_per_address = 256;
  int max_anonymous_per_address = 8;
  int max_anonymous = 256;
};

class StreamRegistry;

class StreamLease {
 public:
  ~StreamLease();
  StreamLease(const StreamLease&) = delete;
  StreamLease& operator=(const StreamLease&) = delete;

  // The callback that ends the stream with a status (called at most once).
  void SetEnd(std::function<void(const absl::Status&)> end);

 private:
  friend class StreamRegistry;
  StreamLease(StreamRegistry* registry, std::string subject, std::string address, bool anonymous,
              bool counted)
      : registry_(registry),
        subject_(std::move(subject)),
        address_(std::move(address)),
        anonymous_(anonymous),
        counted_(counted) {}

  StreamRegistry* const registry_;
  const std::string subject_;
  const std::string address_;
  const bool anonymous_;
  const bool counted_;
  std::function<void(const absl::Status&)> end_;  // guarded by registry_->mu_
  bool ended_ = false;                            // guarded by registry_->mu_
  std::optional<absl::Status> end_before_set_;    // ended before SetEnd; guarded likewise
};

class StreamRegistry {
 public:
  // `clock`: nullptr = SystemClock() (how long ended subjects stay refused, see Open).
  explicit StreamRegistry(StreamLimits limits, const Clock* clock = nullptr);

  // A slot for one more stream of `caller`, or RESOURCE_EXHAUSTED naming the cap reached.
  // UNAUTHENTICATED for a subject whose streams were ended in the last minute (a stream
  // admitted just before its device was revoked cannot slip past EndStreamsOf).
  [[nodiscard]] absl::StatusOr<std::shared_ptr<StreamLease>> Open(const Caller& caller);

  // Ends every open stream of `subject` ("devices/{id}", "users/{name}") with `status`;
  // returns how many were ended.
  int EndStreamsOf(absl::string_view subject, const absl::Status& status);

  // Open streams of `subject` / from `address` / without a token (for tests and /metrics).
  [[nodiscard]] int OpenOf(absl::string_view subject) const;
  [[nodiscard]] int Anonymous() const;

 private:
  friend class StreamLease;
  void Close(StreamLease* lease);

  const StreamLimits limits_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  // Subjects ended recently, and when (pruned after a minute).
  absl::flat_hash_map<std::string, absl::Time> ended_subjects_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::flat_hash_set<StreamLease*>> by_subject_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> authenticated_by_address_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> anonymous_by_address_ ABSL_GUARDED_BY(mu_);
  int anonymous_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace wijkwacht::services
