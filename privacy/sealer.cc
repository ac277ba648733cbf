#include "privacy/sealer.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "auth/secure_file.h"
#include "privacy/aead.h"

namespace wijkwacht::privacy {
namespace {

constexpr absl::string_view kDataKeyAad = "wijkwacht.data_key.v1";
constexpr absl::string_view kRecordAad = "wijkwacht.sealed.v1";
constexpr size_t kPseudonymBytes = 16;

std::string Aad(absl::string_view domain, absl::string_view binding) {
  std::string aad(domain);
  aad.push_back('\0');
  aad.append(binding.data(), binding.size());
  return aad;
}

absl::Status CheckDataKey(absl::string_view key) {
  if (key.size() != kKeyBytes) return absl::InvalidArgumentError("data key must be 32 bytes");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<IdentitySealer>> IdentitySealer::Create(SealerOptions options) {
  if (options.master_key.size() != kKeyBytes) {
    return absl::InvalidArgumentError("master key: must be 32 bytes");
  }
  auth::RandomSource* random = options.random ? options.random : auth::SystemRandom();
  return std::unique_ptr<IdentitySealer>(
      new IdentitySealer(std::move(options.master_key), random));
}

IdentitySealer::~IdentitySealer() { OPENSSL_cleanse(master_key_.data(), master_key_.size()); }

absl::StatusOr<std::string> IdentitySealer::NewPseudonym() const {
  absl::StatusOr<std::string> bytes = random_->Bytes(kPseudonymBytes);
  if (!bytes.ok()) return bytes.status();
  return absl::StrCat("p", absl::BytesToHexString(*bytes));
}

absl::StatusOr<IdentitySealer::DataKey> IdentitySealer::NewDataKey(
    absl::string_view pseudonym) const {
  absl::StatusOr<std::string> raw = random_->Bytes(kKeyBytes);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<std::string> wrapped =
      Seal(master_key_, *raw, Aad(kDataKeyAad, pseudonym), random_);
  if (!wrapped.ok()) return wrapped.status();
  return DataKey{*std::move(raw), *std::move(wrapped)};
}

absl::StatusOr<std::string> IdentitySealer::UnwrapDataKey(absl::string_view pseudonym,
                                                          absl::string_view wrapped) const {
  absl::StatusOr<std::string> raw = Open(master_key_, wrapped, Aad(kDataKeyAad, pseudonym));
  if (!raw.ok()) {
    return absl::Status(raw.status().code(),
                        absl::StrCat("data key of ", pseudonym, ": ", raw.status().message()));
  }
  if (absl::Status s = CheckDataKey(*raw); !s.ok()) {
    return absl::DataLossError(absl::StrCat("data key of ", pseudonym, " has the wrong size"));
  }
  return raw;
}

absl::StatusOr<std::string> IdentitySealer::SealRecord(absl::string_view data_key,
                                                       absl::string_view record_key,
                                                       absl::string_view plaintext) const {
  if (absl::Status s = CheckDataKey(data_key); !s.ok()) return s;
  return Seal(data_key, plaintext, Aad(kRecordAad, record_key), random_);
}

absl::StatusOr<std::string> IdentitySealer::OpenRecord(absl::string_view data_key,
                                                       absl::string_view record_key,
                                                       absl::string_view sealed) const {
  if (absl::Status s = CheckDataKey(data_key); !s.ok()) return s;
  return Open(data_key, sealed, Aad(kRecordAad, record_key));
}

absl::StatusOr<std::string> ReadMasterKeyFile(const std::string& path) {
  absl::StatusOr<std::string> text = auth::ReadPrivateFile(path, 4096);
  if (!text.ok()) return text.status();
  const std::string hex(absl::StripAsciiWhitespace(*text));
  OPENSSL_cleanse(text->data(), text->size());
  if (hex.size() != 2 * kKeyBytes ||
      hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("master key file ", path,
                     ": must hold 64 hex digits (e.g. `openssl rand -hex 32`)"));
  }
  return absl::HexStringToBytes(hex);
}

absl::StatusOr<std::string> LoadOrCreateMasterKeyFile(const std::string& path,
                                                      auth::RandomSource* random) {
  absl::StatusOr<std::string> existing = ReadMasterKeyFile(path);
  if (!absl::IsNotFound(existing.status())) return existing;
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (absl::Status s = auth::EnsurePrivateDirectory(path.substr(0, slash)); !s.ok()) return s;
  }
  if (random == nullptr) random = auth::SystemRandom();
  absl::StatusOr<std::string> key = random->Bytes(kKeyBytes);
  if (!key.ok()) return key.status();
  if (absl::Status s = auth::WriteFileAtomically(path, absl::StrCat(absl::BytesToHexString(*key),
                                                                     "\n"));
      !s.ok()) {
    return s;
  }
  return key;
}

std::string IdentitySealer::DerivedSecret(absl::string_view label) const {
  return KeyedMarker(master_key_, label);
}

std::string DeviceKey(absl::string_view device_id) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(device_id.data()), device_id.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string KeyedMarker(absl::string_view key, absl::string_view message) {
  std::string mac(SHA256_DIGEST_LENGTH, '\0');
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       reinterpret_cast<unsigned char*>(mac.data()), &length);
  mac.resize(length);
  return mac;
}

}  // namespace wijkwacht::privacy
