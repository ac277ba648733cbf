#include "auth/password.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "auth/base64url.h"

namespace wijkwacht::auth {
namespace {

constexpr uint64_t kMaxScryptMemory = uint64_t{1} << 30;  // hard cap for any call
constexpr size_t kMaxDerivedBytes = 1024;

// Fetched once; EVP_KDF objects are reference counted and safe to share between threads.
EVP_KDF* ScryptKdf() {
  static EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_SCRYPT, nullptr);
  return kdf;
}

// Memory OpenSSL's scrypt needs: V (128*r*(N+2)) plus B (128*r*p); nullopt on overflow.
std::optional<uint64_t> ScryptMemory(uint64_t n, uint64_t r, uint64_t p) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (r == 0 || n > kMax / 128 / r - 2 || p > kMax / 128 / r) return std::nullopt;
  uint64_t v = 128 * r * (n + 2);
  uint64_t b = 128 * r * p;
  if (b > kMax - v) return std::nullopt;
  return v + b;
}

struct ParsedHash {
  ScryptParams params;
  std::string salt;
  std::string hash;
};

// Parses "ln=<d>" style fields: the exact key, then 1-10 decimal digits.
bool ParseField(absl::string_view field, absl::string_view key, uint32_t* out) {
  if (!absl::ConsumePrefix(&field, key) || !absl::ConsumePrefix(&field, "=")) return false;
  if (field.empty() || field.size() > 10) return false;
  for (char c : field) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(field, out);
}

absl::StatusOr<ParsedHash> ParseEncoded(absl::string_view encoded) {
  const absl::Status malformed = absl::InvalidArgumentError("password: malformed scrypt hash");
  std::vector<absl::string_view> parts = absl::StrSplit(encoded, '$');
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt") return malformed;
  std::vector<absl::string_view> fields = absl::StrSplit(parts[2], ',');
  uint32_t ln = 0, r = 0, p = 0;
  if (fields.size() != 3 || !ParseField(fields[0], "ln", &ln) ||
      !ParseField(fields[1], "r", &r) || !ParseField(fields[2], "p", &p)) {
    return malformed;
  }
  if (ln < 1 || ln > 62 || r < 1 || p < 1) return malformed;
  absl::StatusOr<std::string> salt = Base64DecodeUnpadded(parts[3]);
  absl::StatusOr<std::string> hash = Base64DecodeUnpadded(parts[4]);
  if (!salt.ok() || !hash.ok() || salt->empty() || hash->empty()) return malformed;
  return ParsedHash{{static_cast<int>(ln), r, p}, *std::move(salt), *std::move(hash)};
}

std::string Encode(const ScryptParams& params, absl::string_view salt, absl::string_view hash) {
  return absl::StrCat("$scrypt$ln=", params.log2_n, ",r=", params.r, ",p=", params.p, "$",
                      Base64EncodeUnpadded(salt), "$", Base64EncodeUnpadded(hash));
}

}  // namespace

absl::StatusOr<std::string> Scrypt(absl::string_view password, absl::string_view salt,
                                   uint64_t n, uint32_t r, uint32_t p, size_t length) {
  if (n < 2 || (n & (n - 1)) != 0) {
    return absl::InvalidArgumentError("scrypt: N must be a power of two greater than 1");
  }
  if (r == 0 || p == 0 || uint64_t{r} * p >= (uint64_t{1} << 30)) {
    return absl::InvalidArgumentError("scrypt: r and p must be positive with r*p < 2^30");
  }
  if (length == 0 || length > kMaxDerivedBytes) {
    return absl::InvalidArgumentError("scrypt: output length must be in [1, 1024]");
  }
  std::optional<uint64_t> memory = ScryptMemory(n, r, p);
  if (!memory || *memory > kMaxScryptMemory) {
    return absl::InvalidArgumentError("scrypt: parameters need more than 1 GiB");
  }
  EVP_KDF* kdf = ScryptKdf();
  if (kdf == nullptr) return absl::InternalError("scrypt: EVP_KDF_fetch(SCRYPT) failed");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf),
                                                                 EVP_KDF_CTX_free);
  if (ctx == nullptr) return absl::InternalError("scrypt: EVP_KDF_CTX_new failed");

  uint64_t maxmem = *memory;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<char*>(password.data()), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     params) != 1) {
    ERR_clear_error();
    return absl::InternalError("scrypt: EVP_KDF_derive failed");
  }
  return out;
}

PasswordHasher::PasswordHasher() : PasswordHasher(Options()) {}

PasswordHasher::PasswordHasher(Options options) : options_(std::move(options)) {
  if (options_.random == nullptr) options_.random = SystemRandom();
}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) const {
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError("password: longer than 1024 bytes");
  }
  const ScryptParams& params = options_.params;
  if (params.log2_n < 1 || params.log2_n > 30 || options_.salt_bytes < 8 ||
      options_.salt_bytes > 64 || options_.hash_bytes < 16 || options_.hash_bytes > 64) {
    return absl::InvalidArgumentError("password: invalid hasher options");
  }
  absl::StatusOr<std::string> salt = options_.random->Bytes(options_.salt_bytes);
  if (!salt.ok()) return salt.status();
  if (salt->size() != options_.salt_bytes) return absl::InternalError("password: short salt");
  absl::StatusOr<std::string> hash = Scrypt(password, *salt, uint64_t{1} << params.log2_n,
                                            params.r, params.p, options_.hash_bytes);
  if (!hash.ok()) return hash.status();
  std::string encoded = Encode(params, *salt, *hash);
  OPENSSL_cleanse(hash->data(), hash->size());
  return encoded;
}

absl::Status PasswordHasher::Verify(absl::string_view password,
                                    absl::string_view encoded) const {
  absl::StatusOr<ParsedHash> parsed = ParseEncoded(encoded);
  if (!parsed.ok()) return parsed.status();
  const ScryptParams& params = parsed->params;
  if (params.log2_n > 22 || parsed->hash.size() > 64 || parsed->salt.size() > 64) {
    return absl::InvalidArgumentError("password: stored hash parameters exceed limits");
  }
  const uint64_t n = uint64_t{1} << params.log2_n;
  std::optional<uint64_t> memory = ScryptMemory(n, params.r, params.p);
  if (!memory || uint64_t{128} * params.r * params.p > options_.max_verify_memory_bytes ||
      *memory > options_.max_verify_memory_bytes) {
    return absl::InvalidArgumentError("password: stored hash parameters exceed limits");
  }
  // Over-long passwords are hashed anyway (truncation would be wrong, an early error would
  // be a timing signal); they cannot match a hash made by Hash(), which refuses them.
  absl::StatusOr<std::string> derived =
      Scrypt(password, parsed->salt, n, params.r, params.p, parsed->hash.size());
  if (!derived.ok()) return derived.status();
  const bool match =
      CRYPTO_memcmp(derived->data(), parsed->hash.data(), parsed->hash.size()) == 0;
  OPENSSL_cleanse(derived->data(), derived->size());
  if (!match || password.size() > kMaxPasswordBytes) {
    return absl::UnauthenticatedError("wrong password");
  }
  return absl::OkStatus();
}

bool PasswordHasher::NeedsRehash(absl::string_view encoded) const {
  absl::StatusOr<ParsedHash> parsed = ParseEncoded(encoded);
  return !parsed.ok() || parsed->params != options_.params ||
         parsed->salt.size() != options_.salt_bytes ||
         parsed->hash.size() != options_.hash_bytes;
}

}  // namespace wijkwacht::auth
