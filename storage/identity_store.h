// IdentityStore: registered devices, staff accounts and partner accounts (other channels that
// submit reports, e.g. the municipality's web form; key: the partner id, the record holds the
// SHA-256 of its api_key's secret).
//
// Holds only what authentication needs: a device's role, the SHA-256 of its refresh secret
// and its revocation state; a staff account's role and scrypt password hash. Hashing is the
// caller's job (auth/); this store never sees a secret in clear.
//
// Devices are keyed by the SHA-256 of their id (privacy::DeviceKey), never by the id itself.
// With a SealedIdentityStore, CreateDevice also gives the device its reporter pseudonym and
// data key (DeviceRecord.pseudonym), in the same write, and the stored record then holds
// neither the device id nor a shopkeeper's business details: those are sealed.
//
// Updates are read-modify-write closures run on the engine's single writer, so concurrent
// updates of one record serialize without lost writes, and each is one synced batch.
//
// Thread safety: all methods may be called concurrently.
// Errors: NOT_FOUND (unknown device/user), ALREADY_EXISTS (Create* of an existing key), the
// mutator's own status, UNAVAILABLE / RESOURCE_EXHAUSTED (engine).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/engine.h"
#include "storage/sealed_identity_store.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

class IdentityStore {
 public:
  using DeviceMutator = std::function<absl::Status(internal::DeviceRecord&)>;
  using UserMutator = std::function<absl::Status(internal::UserRecord&)>;

  // Neither is owned; `sealed` may be null (devices then get no pseudonym).
  explicit IdentityStore(Engine* engine, const SealedIdentityStore* sealed = nullptr)
      : engine_(engine), sealed_(sealed) {}

  // Returns the stored record (with its pseudonym).
  [[nodiscard]] absl::StatusOr<internal::DeviceRecord> CreateDevice(internal::DeviceRecord device);
  // UpdateDevice, and in the same write the verified shopkeeper's business details: sealed
  // under the device's data key (FAILED_PRECONDITION when it has none, e.g. erased), or kept
  // in the record when this store seals nothing.
  [[nodiscard]] absl::StatusOr<internal::DeviceRecord> UpdateDeviceBusiness(
      absl::string_view device_id, DeviceMutator mutate, internal::SealedBusiness business);
  [[nodiscard]] absl::StatusOr<internal::DeviceRecord> GetDevice(absl::string_view device_id) const;
  // Applies `mutate` to the stored record and writes the result; returns it.
  [[nodiscard]] absl::StatusOr<internal::DeviceRecord> UpdateDevice(absl::string_view device_id,
                                                                    DeviceMutator mutate);

  [[nodiscard]] absl::Status CreateUser(const internal::UserRecord& user);
  [[nodiscard]] absl::StatusOr<internal::UserRecord> GetUser(absl::string_view username) const;
  // `also` (optional) runs in the same commit after `mutate`, e.g. to stage an audit entry.
  [[nodiscard]] absl::StatusOr<internal::UserRecord> UpdateUser(
      absl::string_view username, UserMutator mutate,
      std::function<absl::Status(WriteContext&, internal::UserRecord&)> also = nullptr);
  // True if at least one staff account exists.
  [[nodiscard]] absl::StatusOr<bool> HasUsers() const;

  using PartnerMutator = std::function<absl::Status(internal::PartnerRecord&)>;
  // `also` (optional) runs in the same commit, e.g. to stage an audit entry.
  using PartnerAlso = std::function<absl::Status(WriteContext&, internal::PartnerRecord&)>;
  [[nodiscard]] absl::Status CreatePartner(internal::PartnerRecord partner,
                                           PartnerAlso also = nullptr);
  [[nodiscard]] absl::StatusOr<internal::PartnerRecord> GetPartner(
      absl::string_view partner_id) const;
  [[nodiscard]] absl::StatusOr<internal::PartnerRecord> UpdatePartner(
      absl::string_view partner_id, PartnerMutator mutate, PartnerAlso also = nullptr);
  // Keeps that the partner key `key_id` was accepted at `when` (services::PartnerUsage calls
  // it at most once per key per --partner_last_use_interval): the record's last_use_time when
  // `key_id` is its current key_id, or previous_key_last_use_time when it is the previous one
  // ("" is a key made before key ids), whichever the record holds now, so a use noted before
  // a rotation never lands on the new key. Nothing is written for a partner that does not
  // exist, a key the record no longer holds, or a time not later than the stored one.
  // Queued without waiting (Engine::Commit, one small synced write); `done` (optional) gets
  // the outcome once durable, on the engine's completion thread (see Engine::Commit).
  void RecordPartnerUse(absl::string_view partner_id, absl::string_view key_id, absl::Time when,
                        std::function<void(absl::Status)> done = nullptr);
  // Every partner record, by partner id, after `before` (optional, e.g. staging the audit
  // entry of the listing) is committed; nothing is read when it fails.
  [[nodiscard]] absl::StatusOr<std::vector<internal::PartnerRecord>> ListPartners(
      std::function<absl::Status(WriteContext&)> before = nullptr) const;

 private:
  Engine* const engine_;
  const SealedIdentityStore* const sealed_;
};

}  // namespace wijkwacht::storage
