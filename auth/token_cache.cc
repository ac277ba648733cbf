#include "auth/token_cache.h"

#include "openssl/evp.h"

namespace wijkwacht::auth {
namespace {

std::string Digest(absl::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

}  // namespace

CachingTokenVerifier::CachingTokenVerifier(Options options) : options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

absl::StatusOr<Claims> CachingTokenVerifier::Verify(absl::string_view token) const {
  if (token.size() > kMaxTokenBytes) return options_.verifier->Verify(token);
  const std::string key = Digest(token);
  const absl::Time now = options_.clock->Now();
  {
    absl::MutexLock lock(&mu_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      if (now <= it->second.expires_at + options_.leeway) return it->second;
      cache_.erase(it);
      return absl::UnauthenticatedError("token expired");
    }
  }
  absl::StatusOr<Claims> claims = options_.verifier->Verify(token);
  if (!claims.ok()) return claims;
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= options_.max_entries) {
    absl::erase_if(cache_, [&](const auto& entry) {
      return now > entry.second.expires_at + options_.leeway;
    });
    if (cache_.size() >= options_.max_entries) cache_.clear();
  }
  cache_.emplace(key, *claims);
  return claims;
}

size_t CachingTokenVerifier::size() const {
  absl::MutexLock lock(&mu_);
  return cache_.size();
}

}  // namespace wijkwacht::auth
