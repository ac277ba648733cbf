#include "services/partner_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "auth/base64url.h"
#include "common/status.h"

namespace wijkwacht::services {
namespace {

constexpr size_t kSecretBytes = 32;

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

absl::Status NotAPartnerKey() {
  return absl::UnauthenticatedError("the api_key is not a valid partner key");
}

}  // namespace

absl::StatusOr<PartnerKey> MakePartnerKey(absl::string_view partner_id,
                                          auth::RandomSource& random) {
  WW_ASSIGN_OR_RETURN(std::string secret, random.Bytes(kSecretBytes));
  PartnerKey key;
  key.key_hash = Sha256(secret);
  const std::string encoded = auth::Base64UrlEncode(secret);
  key.api_key = absl::StrCat(kPartnerKeyPrefix, partner_id, ".", encoded);
  key.key_id = absl::StrCat(kPartnerKeyPrefix, partner_id, ".", encoded.substr(0, 6));
  return key;
}

bool IsPartnerKey(absl::string_view token) { return absl::StartsWith(token, kPartnerKeyPrefix); }

absl::StatusOr<internal::PartnerRecord> VerifyPartnerKey(const storage::IdentityStore& identities,
                                                         absl::string_view api_key, absl::Time now,
                                                         bool* previous) {
  absl::string_view rest = api_key;
  if (!absl::ConsumePrefix(&rest, kPartnerKeyPrefix)) return NotAPartnerKey();
  const size_t dot = rest.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return NotAPartnerKey();
  absl::StatusOr<std::string> secret = auth::Base64UrlDecode(rest.substr(dot + 1));
  if (!secret.ok() || secret->size() != kSecretBytes) return NotAPartnerKey();
  absl::StatusOr<internal::PartnerRecord> partner = identities.GetPartner(rest.substr(0, dot));
  if (absl::IsNotFound(partner.status())) return NotAPartnerKey();
  if (!partner.ok()) return partner.status();
  const std::string hash = Sha256(*secret);
  auto same = [&hash](const std::string& stored) {
    return hash.size() == stored.size() &&
           CRYPTO_memcmp(hash.data(), stored.data(), hash.size()) == 0;
  };
  const bool current = same(partner->key_hash());
  const bool earlier =
      !current && !partner->previous_key_hash().empty() && same(partner->previous_key_hash()) &&
      now < absl::FromUnixSeconds(partner->previous_key_expire_time().seconds()) +
                absl::Nanoseconds(partner->previous_key_expire_time().nanos());
  if (!current && !earlier) return NotAPartnerKey();
  if (previous != nullptr) *previous = earlier;
  if (partner->revoked()) return absl::UnauthenticatedError("the partner account is revoked");
  return partner;
}

auth::RateLimiter& PartnerWriteLimits::LimiterFor(const internal::PartnerRecord& partner) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<auth::RateLimiter>& limiter = limiters_[partner.partner_id()];
  if (limiter == nullptr) {
    auth::RateLimiter::Options options;
    options.rate_per_second = partner.writes_per_second();
    options.burst = partner.write_burst();
    options.max_keys = 1;
    options.clock = clock_;
    limiter = std::make_unique<auth::RateLimiter>(options);
  }
  return *limiter;
}

absl::Status PartnerWriteLimits::Acquire(const internal::PartnerRecord& partner) {
  return LimiterFor(partner).Acquire(partner.partner_id());
}

void PartnerWriteLimits::Release(const internal::PartnerRecord& partner) {
  LimiterFor(partner).Release(partner.partner_id());
}

void PartnerUsage::Note(const internal::PartnerRecord& partner, bool previous_key,
                        absl::Time when) {
  const std::string& partner_id = partner.partner_id();
  const std::string& key_id = previous_key ? partner.previous_key_id() : partner.key_id();
  bool due = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = uses_.find(partner_id);
    if (it == uses_.end()) it = uses_.emplace(partner_id, Uses{}).first;
    std::optional<absl::Time>& last = previous_key ? it->second.previous : it->second.current;
    if (!last || *last < when) last = when;
    if (recorder_) {
      auto [recorded, first] = recorded_.try_emplace(std::make_pair(partner_id, key_id), when);
      if (first) {
        due = true;
      } else if (when - recorded->second >= record_interval_) {
        recorded->second = when;
        due = true;
      }
    }
  }
  if (due) recorder_(partner_id, key_id, when);
}

PartnerUsage::Uses PartnerUsage::Get(absl::string_view partner_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = uses_.find(partner_id);
  return it == uses_.end() ? Uses{} : it->second;
}

void PartnerUsage::Rotated(absl::string_view partner_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = uses_.find(partner_id);
  if (it == uses_.end()) return;
  it->second.previous = it->second.current;
  it->second.current.reset();
}

}  // namespace wijkwacht::services
