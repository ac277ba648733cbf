// SealedIdentityStore: who a reporter pseudonym is, sealed, and its erasure (crypto-shredding).
//
// A device gets a pseudonym and a random data key when it registers (StageNewReporter, in the
// device's own write). Reports, their indexes and change-log events carry only the pseudonym.
// What identifies the reporter is sealed with AES-256-GCM under the data key
// (privacy/sealer.h) in sealed_identities: the device id (at registration), the contact
// details left with a report (StageContact, in the report's own synced batch) and a verified
// shopkeeper's KvK number and trade name (StageBusiness). The data key
// is stored only wrapped by the master key, in reporter_keys.
//
// Erase() deletes, in one synced write, the wrapped data key, every sealed record and the
// device record, then purges them physically (Engine::PurgeDeleted: flush, bottommost
// compaction of reporter_keys, sealed_identities and devices, obsolete WAL/SST files deleted).
// The same write removes the notifications for the pseudonym still in the webhook outbox or
// its dead letters (NotifyOutbox::StageForget, when an outbox is set), and the physical purge
// covers those families too.
// The reports stay, pseudonymous, and so do the aggregates. The delete batch also marks a
// purge as pending; should the purge fail (e.g. no disk space for the flush), Erase() returns
// its error, the logical erasure stands, and FinishPendingPurge() (run by every retention
// sweep, the first at start-up) completes the physical purge later.
//
// Backups (Engine::CreateBackup) copy every column family, reporter_keys included: a backup
// taken before an erasure still holds that wrapped key until the backup is retired by the
// backup rotation (`keep`). Restoring such a backup must be followed by erasing again the
// reporters erased since it was taken (`wijkwacht erase`); see README, "Privacy".
//
// Retention: DeleteContactsBefore() drops sealed contact details older than a cutoff (the
// creation time is in the key, so nothing is decrypted to decide).
//
// Thread safety: all methods may be called concurrently; Stage* run on the engine's writer
// thread inside the caller's WriteFn.
// Errors: FAILED_PRECONDITION (StageContact for a pseudonym without a data key: erased, or a
// device from before sealing), DATA_LOSS (a wrapped key or sealed record that does not verify
// or parse: wrong master key, altered bytes), UNAVAILABLE / RESOURCE_EXHAUSTED (engine).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "privacy/sealer.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::storage {

class NotifyOutbox;

// What is sealed about one pseudonym, opened.
struct RevealedIdentity {
  // The data key is gone: nothing about the reporter can be read any more.
  bool erased = false;
  std::string device_id;
  absl::Time registered;
  struct Contact {
    std::string report_id;
    absl::Time time;
    v1::ContactDetails details;
  };
  std::vector<Contact> contacts;  // oldest first
  std::optional<internal::SealedBusiness> business;  // a verified shopkeeper's
};

class SealedIdentityStore {
 public:
  // Neither is owned; both must outlive the store.
  SealedIdentityStore(Engine* engine, const privacy::IdentitySealer* sealer)
      : engine_(engine), sealer_(sealer) {}

  // Stages a new pseudonym for `device_id`: its wrapped data key and sealed identity.
  [[nodiscard]] absl::StatusOr<std::string> StageNewReporter(WriteContext& ctx,
                                                             absl::string_view device_id) const;
  // Stages the contact details `pseudonym` left with report `report_id`.
  [[nodiscard]] absl::Status StageContact(WriteContext& ctx, absl::string_view pseudonym,
                                          absl::string_view report_id,
                                          const v1::ContactDetails& contact) const;

  // Stages a verified shopkeeper's business details (replacing earlier ones).
  [[nodiscard]] absl::Status StageBusiness(WriteContext& ctx, absl::string_view pseudonym,
                                           const internal::SealedBusiness& business) const;

  [[nodiscard]] absl::StatusOr<RevealedIdentity> Reveal(absl::string_view pseudonym) const;
  // Whether the reporter `pseudonym` has been erased: its data key is gone (one point read;
  // nothing is opened, so it answers without the master key).
  [[nodiscard]] absl::StatusOr<bool> IsErased(absl::string_view pseudonym) const;
  // A secret derived from the master key for the use named by `label`
  // (privacy::IdentitySealer::DerivedSecret), e.g. ReportStore's alias ids.
  [[nodiscard]] std::string DerivedSecret(absl::string_view label) const {
    return sealer_ != nullptr ? sealer_->DerivedSecret(label) : std::string();
  }

  // The webhook outbox whose entries for an erased pseudonym Erase() removes (not owned; null:
  // none). Set before serving.
  void set_notify_outbox(NotifyOutbox* outbox) { outbox_ = outbox; }

  // Crypto-shredding of `pseudonym` (and the device record of `device_id`); see above.
  [[nodiscard]] absl::Status Erase(absl::string_view pseudonym, absl::string_view device_id);
  // Runs the physical purge of an earlier Erase() that did not complete; OK when none is due.
  [[nodiscard]] absl::Status FinishPendingPurge();

  // Inside a purge's WriteFn: deletes the sealed contact details `pseudonym` left with report
  // `report_id` created at `created` (its create_time); returns whether there were any.
  // Physical removal is the caller's (Engine::PurgeDeleted of sealed_identities).
  [[nodiscard]] static absl::StatusOr<bool> StageDeleteContact(WriteContext& ctx,
                                                              absl::string_view pseudonym,
                                                              absl::Time created,
                                                              absl::string_view report_id);

  // Deletes sealed contact details created before `cutoff`; returns how many.
  [[nodiscard]] absl::StatusOr<int> DeleteContactsBefore(absl::Time cutoff);

 private:
  [[nodiscard]] absl::Status Purge();
  // Seals `record` under the data key of `pseudonym` into sealed_identities at `record_key`;
  // FAILED_PRECONDITION naming `field` when the pseudonym has no data key.
  [[nodiscard]] absl::Status SealUnderDataKey(WriteContext& ctx, absl::string_view pseudonym,
                                              const std::string& record_key,
                                              const google::protobuf::Message& record,
                                              absl::string_view field) const;

  Engine* const engine_;
  const privacy::IdentitySealer* const sealer_;
  NotifyOutbox* outbox_ = nullptr;
};

// True for a device pseudonym ("p" + 32 hex digits).
[[nodiscard]] bool IsPseudonym(absl::string_view reporter);

}  // namespace wijkwacht::storage
