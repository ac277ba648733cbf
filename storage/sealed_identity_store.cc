#include "storage/sealed_identity_store.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"
#include "storage/meta_keys.h"
#include "storage/notify_outbox.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::string_view kIdentity = "identity";
constexpr absl::string_view kContact = "contact";
constexpr absl::string_view kBusiness = "business";
// Deletes per write when retention drops old contact details.
constexpr size_t kDeletesPerWrite = 1000;

std::string RecordPrefix(absl::string_view pseudonym) {
  std::string key(pseudonym);
  key.push_back('\0');
  return key;
}

std::string IdentityKey(absl::string_view pseudonym) {
  return absl::StrCat(RecordPrefix(pseudonym), kIdentity);
}

std::string BusinessKey(absl::string_view pseudonym) {
  return absl::StrCat(RecordPrefix(pseudonym), kBusiness);
}

std::string ContactKey(absl::string_view pseudonym, absl::Time created,
                       absl::string_view report_id) {
  std::string key = absl::StrCat(RecordPrefix(pseudonym), kContact);
  key.push_back('\0');
  AppendBigEndian64(&key, TimeToMicros(created));
  key.append(report_id.data(), report_id.size());
  return key;
}

// The creation time of a contact key, nullopt for other records.
std::optional<absl::Time> ContactKeyTime(absl::string_view key) {
  const size_t nul = key.find('\0');
  if (nul == absl::string_view::npos) return std::nullopt;
  absl::string_view rest = key.substr(nul + 1);
  if (rest.substr(0, kContact.size() + 1) != absl::StrCat(kContact, std::string(1, '\0'))) {
    return std::nullopt;
  }
  std::optional<uint64_t> micros = ReadBigEndian64(rest.substr(kContact.size() + 1, 8));
  if (!micros) return std::nullopt;
  return absl::FromUnixMicros(static_cast<int64_t>(*micros));
}

// Unwraps the data key of `pseudonym` read through `get`; nullopt when it is gone.
template <typename Getter>
absl::StatusOr<std::optional<std::string>> DataKeyOf(const privacy::IdentitySealer& sealer,
                                                     absl::string_view pseudonym, Getter get) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> wrapped,
                      get(ColumnFamily::kReporterKeys, pseudonym));
  if (!wrapped) return std::nullopt;
  WW_ASSIGN_OR_RETURN(std::string raw, sealer.UnwrapDataKey(pseudonym, *wrapped));
  return raw;
}

struct CleansedKey {
  std::string bytes;
  ~CleansedKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

}  // namespace

bool IsPseudonym(absl::string_view reporter) {
  if (reporter.size() != 33 || reporter[0] != 'p') return false;
  for (char c : reporter.substr(1)) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::StatusOr<std::string> SealedIdentityStore::StageNewReporter(
    WriteContext& ctx, absl::string_view device_id) const {
  WW_ASSIGN_OR_RETURN(std::string pseudonym, sealer_->NewPseudonym());
  WW_ASSIGN_OR_RETURN(privacy::IdentitySealer::DataKey key, sealer_->NewDataKey(pseudonym));
  CleansedKey raw{std::move(key.raw)};
  internal::SealedIdentity identity;
  identity.set_device_id(std::string(device_id));
  *identity.mutable_create_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ctx.Now()));
  const std::string record_key = IdentityKey(pseudonym);
  WW_ASSIGN_OR_RETURN(std::string sealed,
                      sealer_->SealRecord(raw.bytes, record_key, identity.SerializeAsString()));
  ctx.Put(ColumnFamily::kReporterKeys, pseudonym, key.wrapped);
  ctx.Put(ColumnFamily::kSealedIdentities, record_key, sealed);
  return pseudonym;
}

absl::Status SealedIdentityStore::SealUnderDataKey(WriteContext& ctx, absl::string_view pseudonym,
                                                   const std::string& record_key,
                                                   const google::protobuf::Message& record,
                                                   absl::string_view field) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> key,
                      DataKeyOf(*sealer_, pseudonym, [&](ColumnFamily cf, absl::string_view k) {
                        return ctx.Get(cf, k);
                      }));
  if (!key) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": the reporter has no data key (erased or registered before sealing)"));
  }
  CleansedKey raw{*std::move(key)};
  std::string plain = record.SerializeAsString();
  absl::StatusOr<std::string> sealed = sealer_->SealRecord(raw.bytes, record_key, plain);
  OPENSSL_cleanse(plain.data(), plain.size());
  WW_RETURN_IF_ERROR(sealed.status());
  ctx.Put(ColumnFamily::kSealedIdentities, record_key, *sealed);
  return absl::OkStatus();
}

absl::Status SealedIdentityStore::StageContact(WriteContext& ctx, absl::string_view pseudonym,
                                               absl::string_view report_id,
                                               const v1::ContactDetails& contact) const {
  internal::SealedContact record;
  record.set_report_id(std::string(report_id));
  *record.mutable_contact() = contact;
  *record.mutable_create_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ctx.Now()));
  absl::Status sealed = SealUnderDataKey(ctx, pseudonym, ContactKey(pseudonym, ctx.Now(), report_id),
                                         record, "contact");
  if (absl::IsFailedPrecondition(sealed)) {
    return absl::FailedPreconditionError(absl::StrCat(
        sealed.message(), "; send the report without contact details"));
  }
  return sealed;
}

absl::StatusOr<bool> SealedIdentityStore::IsErased(absl::string_view pseudonym) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> key,
                      engine_->Get(ColumnFamily::kReporterKeys, pseudonym));
  return !key.has_value();
}

absl::StatusOr<RevealedIdentity> SealedIdentityStore::Reveal(absl::string_view pseudonym) const {
  RevealedIdentity out;
  WW_ASSIGN_OR_RETURN(std::optional<std::string> key,
                      DataKeyOf(*sealer_, pseudonym, [&](ColumnFamily cf, absl::string_view k) {
                        return engine_->Get(cf, k);
                      }));
  if (!key) {
    out.erased = true;
    return out;
  }
  CleansedKey raw{*std::move(key)};
  absl::Status inner = absl::OkStatus();
  const std::string prefix = RecordPrefix(pseudonym);
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kSealedIdentities, prefix, prefix,
      [&](absl::string_view record_key, absl::string_view sealed) {
        absl::StatusOr<std::string> plain = sealer_->OpenRecord(raw.bytes, record_key, sealed);
        if (!plain.ok()) {
          inner = plain.status();
          return false;
        }
        if (record_key == BusinessKey(pseudonym)) {
          internal::SealedBusiness business;
          if (!business.ParseFromString(*plain)) {
            inner = absl::DataLossError("sealed business does not parse");
            return false;
          }
          out.business = std::move(business);
        } else if (record_key == IdentityKey(pseudonym)) {
          internal::SealedIdentity identity;
          if (!identity.ParseFromString(*plain)) {
            inner = absl::DataLossError("sealed identity does not parse");
            return false;
          }
          out.device_id = identity.device_id();
          out.registered = absl::FromUnixNanos(
              TimeUtil::TimestampToNanoseconds(identity.create_time()));
        } else {
          internal::SealedContact contact;
          if (!contact.ParseFromString(*plain)) {
            inner = absl::DataLossError("sealed contact does not parse");
            return false;
          }
          out.contacts.push_back(
              {contact.report_id(),
               absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(contact.create_time())),
               contact.contact()});
        }
        OPENSSL_cleanse(plain->data(), plain->size());
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  return out;
}

absl::Status SealedIdentityStore::StageBusiness(WriteContext& ctx, absl::string_view pseudonym,
                                                const internal::SealedBusiness& business) const {
  return SealUnderDataKey(ctx, pseudonym, BusinessKey(pseudonym), business, "device");
}

absl::Status SealedIdentityStore::Erase(absl::string_view pseudonym,
                                        absl::string_view device_id) {
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    ctx.Delete(ColumnFamily::kReporterKeys, pseudonym);
    std::vector<std::string> records;
    const std::string prefix = RecordPrefix(pseudonym);
    WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kSealedIdentities, prefix, prefix,
                                [&](absl::string_view key, absl::string_view) {
                                  records.emplace_back(key);
                                  return true;
                                }));
    for (const std::string& key : records) ctx.Delete(ColumnFamily::kSealedIdentities, key);
    if (!device_id.empty()) ctx.Delete(ColumnFamily::kDevices, privacy::DeviceKey(device_id));
    if (outbox_ != nullptr) {
      NotifyForget forget;
      forget.recipients.emplace_back(pseudonym);
      WW_ASSIGN_OR_RETURN(int64_t forgotten, outbox_->StageForget(ctx, forget));
      (void)forgotten;
    }
    ctx.Put(ColumnFamily::kMeta, meta::kPurgePending, "1");
    return absl::OkStatus();
  }));
  return Purge();
}

absl::Status SealedIdentityStore::FinishPendingPurge() {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> pending,
                      engine_->Get(ColumnFamily::kMeta, meta::kPurgePending));
  if (!pending) return absl::OkStatus();
  return Purge();
}

absl::Status SealedIdentityStore::Purge() {
  WW_RETURN_IF_ERROR(engine_->PurgeDeleted(
      {ColumnFamily::kReporterKeys, ColumnFamily::kSealedIdentities, ColumnFamily::kDevices,
       ColumnFamily::kNotifyOutbox, ColumnFamily::kNotifyDeadLetters}));
  return engine_->CommitAndWait([](WriteContext& ctx) {
    ctx.Delete(ColumnFamily::kMeta, meta::kPurgePending);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> SealedIdentityStore::StageDeleteContact(WriteContext& ctx,
                                                             absl::string_view pseudonym,
                                                             absl::Time created,
                                                             absl::string_view report_id) {
  const std::string key = ContactKey(pseudonym, created, report_id);
  WW_ASSIGN_OR_RETURN(std::optional<std::string> sealed,
                      ctx.Get(ColumnFamily::kSealedIdentities, key));
  if (!sealed) return false;
  ctx.Delete(ColumnFamily::kSealedIdentities, key);
  return true;
}

absl::StatusOr<int> SealedIdentityStore::DeleteContactsBefore(absl::Time cutoff) {
  std::vector<std::string> expired;
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kSealedIdentities, "", "",
                                   [&](absl::string_view key, absl::string_view) {
                                     std::optional<absl::Time> created = ContactKeyTime(key);
                                     if (created && *created < cutoff) expired.emplace_back(key);
                                     return true;
                                   }));
  for (size_t begin = 0; begin < expired.size(); begin += kDeletesPerWrite) {
    const size_t end = std::min(expired.size(), begin + kDeletesPerWrite);
    WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
      for (size_t i = begin; i < end; ++i) ctx.Delete(ColumnFamily::kSealedIdentities, expired[i]);
      return absl::OkStatus();
    }));
  }
  return static_cast<int>(expired.size());
}

}  // namespace wijkwacht::storage
