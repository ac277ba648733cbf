// Partner accounts' api_keys (AuthService.CreatePartner): another channel that submits reports
// (the municipality's web form, the phone desk's tool) presents "wwp.{partner_id}.{secret}" as
// Open311's api_key or as "Authorization: Bearer". The store keeps the SHA-256 of the secret
// (internal::PartnerRecord.key_hash), never the key.
//
//   MakePartnerKey       a new key for a partner id, the hash to store and the key's id
//   VerifyPartnerKey     the partner a presented key belongs to: UNAUTHENTICATED for a key
//                        that does not parse, names no partner or has the wrong secret (one
//                        message for all three: whether a partner id exists is not told; a
//                        key replaced by RotatePartnerKey whose grace period is over is such a
//                        wrong secret), or a revoked partner ("revoked")
//   PartnerWriteLimits   each partner's own write bucket (its record's rate and burst)
//   PartnerUsage         when each partner's current and previous key were last accepted:
//                        exact in memory, and kept in the record coarsely (at most once per
//                        key per interval, queued off the request's path) so that it
//                        survives a restart; AuthService also keeps it at rotation/revoke
//
// Thread safety: the functions are pure apart from the store's reads; PartnerWriteLimits and
// PartnerUsage may be used concurrently.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "auth/random.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "storage/identity_store.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::services {

inline constexpr absl::string_view kPartnerPrefix = "partners/";
inline constexpr absl::string_view kPartnerKeyPrefix = "wwp.";

struct PartnerKey {
  std::string api_key;   // shown to the admin once
  std::string key_hash;  // what the record keeps
  std::string key_id;    // "wwp.{partner_id}." and the secret's first 6 characters
};
[[nodiscard]] absl::StatusOr<PartnerKey> MakePartnerKey(absl::string_view partner_id,
                                                        auth::RandomSource& random);

// True when `token` has the form of a partner key (not whether it is valid).
[[nodiscard]] bool IsPartnerKey(absl::string_view token);

// `now` decides whether a previous key is still in its grace period; `*previous` (when not
// null) tells whether the previous key was the one presented.
[[nodiscard]] absl::StatusOr<internal::PartnerRecord> VerifyPartnerKey(
    const storage::IdentityStore& identities, absl::string_view api_key, absl::Time now,
    bool* previous = nullptr);

// Note() runs on every accepted partner call: it updates the in-memory times and, for a key
// whose use was last recorded `record_interval` or longer ago (or never since start), calls
// the recorder once, outside the lock; the recorder queues the write without waiting
// (storage::IdentityStore::RecordPartnerUse). So a partner calling all day costs one small
// write per key per interval, and after a restart ListPartners shows a last use at most one
// interval older than the real one. A recording that fails (disk full, shutting down) is
// tried again at the key's first use after the next interval.
class PartnerUsage {
 public:
  struct Uses {
    std::optional<absl::Time> current;   // the current key's last accepted use
    std::optional<absl::Time> previous;  // the previous key's, during its grace period
  };
  // Keeps a use durably: the partner id, the accepted key's id (PartnerRecord.key_id or
  // previous_key_id) and when. Must not block on I/O.
  using Recorder =
      std::function<void(const std::string& partner_id, const std::string& key_id, absl::Time when)>;

  // In memory only.
  PartnerUsage() = default;
  // `record_interval` > 0: the least time between two recordings of one key.
  PartnerUsage(Recorder recorder, absl::Duration record_interval)
      : recorder_(std::move(recorder)), record_interval_(record_interval) {}

  // `partner` as VerifyPartnerKey returned it; `previous_key`: its previous key was presented.
  void Note(const internal::PartnerRecord& partner, bool previous_key, absl::Time when);
  [[nodiscard]] Uses Get(absl::string_view partner_id) const;
  // After a rotation: the current key's uses become the previous key's; the new key has none.
  void Rotated(absl::string_view partner_id);

 private:
  const Recorder recorder_;
  const absl::Duration record_interval_ = absl::InfiniteDuration();
  mutable std::mutex mu_;
  std::map<std::string, Uses, std::less<>> uses_;
  // When each key's use was last handed to the recorder, by {partner id, key id}.
  std::map<std::pair<std::string, std::string>, absl::Time> recorded_;
};

class PartnerWriteLimits {
 public:
  explicit PartnerWriteLimits(Clock* clock) : clock_(clock) {}

  // One write of `partner`: RESOURCE_EXHAUSTED with a retry delay when its bucket is empty.
  [[nodiscard]] absl::Status Acquire(const internal::PartnerRecord& partner);
  // Gives back a write Acquire took for a call refused elsewhere.
  void Release(const internal::PartnerRecord& partner);

 private:
  auth::RateLimiter& LimiterFor(const internal::PartnerRecord& partner);

  Clock* const clock_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<auth::RateLimiter>> limiters_;  // by partner id
};

}  // namespace wijkwacht::services
