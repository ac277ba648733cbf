#include "auth/random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wijkwacht::auth {
namespace {

class OpenSslRandom final : public RandomSource {
 public:
  absl::StatusOr<std::string> Bytes(size_t n) override {
    if (n > INT_MAX) return absl::InvalidArgumentError("random: too many bytes requested");
    std::string out(n, '\0');
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                            static_cast<int>(n)) != 1) {
      return absl::InternalError("random: RAND_bytes failed");
    }
    return out;
  }
};

}  // namespace

RandomSource* SystemRandom() {
  static OpenSslRandom* random = new OpenSslRandom();
  return random;
}

absl::StatusOr<std::string> FakeRandomSource::Bytes(size_t n) {
  std::string out;
  out.reserve(n + 32);
  while (out.size() < n) {
    std::string block = absl::StrCat("fake-random:", seed_, ":", counter_.fetch_add(1));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(block.data(), block.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
      return absl::InternalError("random: SHA-256 failed");
    }
    out.append(reinterpret_cast<const char*>(digest), len);
  }
  out.resize(n);
  return out;
}

}  // namespace wijkwacht::auth
