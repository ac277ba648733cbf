// IdentitySealer: the keys behind sealed reporter identities (crypto-shredding).
//
// Every reporter gets a random pseudonym ("p" + 32 hex digits) and a random 256-bit data key.
// What identifies the reporter (device id, contact details) is sealed with AES-256-GCM under
// that data key (aead.h), the AAD naming the record it belongs to. The data key is stored only
// wrapped: AES-256-GCM under the master key, AAD = "wijkwacht.data_key.v1" + pseudonym.
// Destroying the wrapped data key makes every sealed record of that reporter unreadable, in
// the live store and in every copy of it, while the master key itself stays as it is.
//
// The master key comes from a file of 64 hex digits (`--master_key_file`, e.g. made with
// `openssl rand -hex 32`), by default `<data_dir>/keys/master.key`, generated (mode 0600)
// on first start like the signing keys; tests pass the key bytes in SealerOptions.
//
// Thread safety: an IdentitySealer is immutable; all methods may be called concurrently.
// Errors: INVALID_ARGUMENT (master key not 32 bytes, malformed key file), DATA_LOSS (a
// wrapped key or sealed record that does not verify: wrong master key, wrong pseudonym or
// record, altered bytes), INTERNAL (OpenSSL or random source), and the file errors of
// auth/secure_file.h for the key file.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/random.h"

namespace wijkwacht::privacy {

struct SealerOptions {
  // 32 raw bytes.
  std::string master_key;
  // nullptr = auth::SystemRandom().
  auth::RandomSource* random = nullptr;
};

class IdentitySealer {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<IdentitySealer>> Create(
      SealerOptions options);
  ~IdentitySealer();
  IdentitySealer(const IdentitySealer&) = delete;
  IdentitySealer& operator=(const IdentitySealer&) = delete;

  struct DataKey {
    std::string raw;      // 32 bytes; never stored
    std::string wrapped;  // what reporter_keys holds
  };
  [[nodiscard]] absl::StatusOr<std::string> NewPseudonym() const;
  [[nodiscard]] absl::StatusOr<DataKey> NewDataKey(absl::string_view pseudonym) const;
  [[nodiscard]] absl::StatusOr<std::string> UnwrapDataKey(absl::string_view pseudonym,
                                                          absl::string_view wrapped) const;

  // Seals `plaintext` for the record stored under `record_key` (which names the pseudonym).
  [[nodiscard]] absl::StatusOr<std::string> SealRecord(absl::string_view data_key,
                                                       absl::string_view record_key,
                                                       absl::string_view plaintext) const;
  [[nodiscard]] absl::StatusOr<std::string> OpenRecord(absl::string_view data_key,
                                                       absl::string_view record_key,
                                                       absl::string_view sealed) const;
  // A secret for the use named by `label`, derived from the master key (HMAC-SHA256 of the
  // label): stable while the master key is, unknown without it.
  [[nodiscard]] std::string DerivedSecret(absl::string_view label) const;

 private:
  IdentitySealer(std::string master_key, auth::RandomSource* random)
      : master_key_(std::move(master_key)), random_(random) {}

  std::string master_key_;
  auth::RandomSource* const random_;
};

// Reads a master key file (64 hex digits, surrounding whitespace allowed; owner-only mode).
[[nodiscard]] absl::StatusOr<std::string> ReadMasterKeyFile(const std::string& path);
// Reads `path`, or creates it (mode 0600, parent 0700) with a fresh random key when absent.
[[nodiscard]] absl::StatusOr<std::string> LoadOrCreateMasterKeyFile(const std::string& path,
                                                                    auth::RandomSource* random);

// The devices column family key of a device: SHA-256 of its id, so that the id itself never
// becomes a RocksDB key (keys outlive their records in SST boundaries of the MANIFEST).
[[nodiscard]] std::string DeviceKey(absl::string_view device_id);

// HMAC-SHA256 of `message` under `key` (32 bytes out): a marker that only the key's holder can
// compute or test (the flitspeiling's once-per-device markers, storage/poll_store.h).
[[nodiscard]] std::string KeyedMarker(absl::string_view key, absl::string_view message);

}  // namespace wijkwacht::privacy
