#include "storage/identity_store.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "common/status.h"

namespace wijkwacht::storage {
namespace {

template <typename Record>
absl::StatusOr<Record> Parse(const std::optional<std::string>& bytes, absl::string_view what,
                             absl::string_view key) {
  if (!bytes) return absl::NotFoundError(absl::StrCat(what, " ", key, " does not exist"));
  Record record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat(what, " ", key, " does not parse"));
  }
  return record;
}

template <typename Record>
absl::Status Create(Engine* engine, ColumnFamily cf, const std::string& key, const Record& record,
                    absl::string_view what) {
  return engine->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> existing, ctx.Get(cf, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat(what, " ", key, " already exists"));
    ctx.Put(cf, key, record.SerializeAsString());
    return absl::OkStatus();
  });
}

template <typename Record>
absl::StatusOr<Record> Update(Engine* engine, ColumnFamily cf, const std::string& key,
                              absl::string_view name,
                              const std::function<absl::Status(Record&)>& mutate,
                              absl::string_view what,
                              const std::function<absl::Status(WriteContext&, Record&)>& also =
                                  nullptr) {
  Record result;
  WW_RETURN_IF_ERROR(engine->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(cf, key));
    WW_ASSIGN_OR_RETURN(Record record, Parse<Record>(bytes, what, name));
    WW_RETURN_IF_ERROR(mutate(record));
    if (also) WW_RETURN_IF_ERROR(also(ctx, record));
    ctx.Put(cf, key, record.SerializeAsString());
    result = std::move(record);
    return absl::OkStatus();
  }));
  return result;
}

}  // namespace

absl::StatusOr<internal::DeviceRecord> IdentityStore::CreateDevice(
    internal::DeviceRecord device) {
  const std::string key = privacy::DeviceKey(device.device_id());
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> existing, ctx.Get(ColumnFamily::kDevices, key));
    if (existing) {
      return absl::AlreadyExistsError(absl::StrCat("device ", device.device_id(), " already exists"));
    }
    if (sealed_ != nullptr && device.pseudonym().empty()) {
      WW_ASSIGN_OR_RETURN(*device.mutable_pseudonym(),
                          sealed_->StageNewReporter(ctx, device.device_id()));
    }
    if (sealed_ != nullptr) {
      internal::DeviceRecord stored = device;
      stored.clear_device_id();  // sealed with the pseudonym; the key is its hash
      ctx.Put(ColumnFamily::kDevices, key, stored.SerializeAsString());
    } else {
      ctx.Put(ColumnFamily::kDevices, key, device.SerializeAsString());
    }
    return absl::OkStatus();
  }));
  return device;
}

absl::StatusOr<internal::DeviceRecord> IdentityStore::UpdateDeviceBusiness(
    absl::string_view device_id, DeviceMutator mutate, internal::SealedBusiness business) {
  return Update<internal::DeviceRecord>(
      engine_, ColumnFamily::kDevices, privacy::DeviceKey(device_id), device_id, mutate, "device",
      [&](WriteContext& ctx, internal::DeviceRecord& record) -> absl::Status {
        if (sealed_ == nullptr || record.pseudonym().empty()) {
          record.set_kvk_number(business.kvk_number());
          record.set_business_name(business.business_name());
          return absl::OkStatus();
        }
        record.clear_kvk_number();  // plaintext from before sealing
        record.clear_business_name();
        if (!business.has_verify_time()) {
          *business.mutable_verify_time() =
              google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ctx.Now()));
        }
        return sealed_->StageBusiness(ctx, record.pseudonym(), business);
      });
}

absl::StatusOr<internal::DeviceRecord> IdentityStore::GetDevice(absl::string_view device_id) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine_->Get(ColumnFamily::kDevices, privacy::DeviceKey(device_id)));
  return Parse<internal::DeviceRecord>(bytes, "device", device_id);
}

absl::StatusOr<internal::DeviceRecord> IdentityStore::UpdateDevice(absl::string_view device_id,
                                                                   DeviceMutator mutate) {
  return Update<internal::DeviceRecord>(engine_, ColumnFamily::kDevices,
                                        privacy::DeviceKey(device_id), device_id, mutate, "device");
}

absl::Status IdentityStore::CreateUser(const internal::UserRecord& user) {
  return Create(engine_, ColumnFamily::kUsers, user.username(), user, "user");
}

absl::StatusOr<internal::UserRecord> IdentityStore::GetUser(absl::string_view username) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, engine_->Get(ColumnFamily::kUsers, username));
  return Parse<internal::UserRecord>(bytes, "user", username);
}

absl::StatusOr<internal::UserRecord> IdentityStore::UpdateUser(
    absl::string_view username, UserMutator mutate,
    std::function<absl::Status(WriteContext&, internal::UserRecord&)> also) {
  return Update<internal::UserRecord>(engine_, ColumnFamily::kUsers, std::string(username),
                                      username, mutate, "user", also);
}

absl::StatusOr<bool> IdentityStore::HasUsers() const {
  bool any = false;
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kUsers, "", "",
                                   [&](absl::string_view, absl::string_view) {
                                     any = true;
                                     return false;
                                   }));
  return any;
}

absl::Status IdentityStore::CreatePartner(internal::PartnerRecord partner, PartnerAlso also) {
  return engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        ctx.Get(ColumnFamily::kPartners, partner.partner_id()));
    if (existing) {
      return absl::AlreadyExistsError(
          absl::StrCat("partner_id: partners/", partner.partner_id(), " already exists"));
    }
    if (also) WW_RETURN_IF_ERROR(also(ctx, partner));
    ctx.Put(ColumnFamily::kPartners, partner.partner_id(), partner.SerializeAsString());
    return absl::OkStatus();
  });
}

absl::StatusOr<internal::PartnerRecord> IdentityStore::GetPartner(
    absl::string_view partner_id) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine_->Get(ColumnFamily::kPartners, partner_id));
  return Parse<internal::PartnerRecord>(bytes, "partner", partner_id);
}

absl::StatusOr<internal::PartnerRecord> IdentityStore::UpdatePartner(
    absl::string_view partner_id, PartnerMutator mutate, PartnerAlso also) {
  return Update<internal::PartnerRecord>(engine_, ColumnFamily::kPartners,
                                         std::string(partner_id), partner_id, mutate, "partner",
                                         also);
}

void IdentityStore::RecordPartnerUse(absl::string_view partner_id, absl::string_view key_id,
                                     absl::Time when, std::function<void(absl::Status)> done) {
  engine_->Commit(
      [id = std::string(partner_id), key = std::string(key_id), when](WriteContext& ctx)
          -> absl::Status {
        WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kPartners, id));
        if (!bytes) return absl::OkStatus();  // no such partner: nothing to keep
        WW_ASSIGN_OR_RETURN(internal::PartnerRecord record,
                            Parse<internal::PartnerRecord>(bytes, "partner", id));
        google::protobuf::Timestamp* last = nullptr;
        if (record.key_id() == key) {
          last = record.mutable_last_use_time();
        } else if (!record.previous_key_hash().empty() && record.previous_key_id() == key) {
          last = record.mutable_previous_key_last_use_time();
        } else {
          return absl::OkStatus();  // the key was rotated away meanwhile
        }
        const int64_t nanos = absl::ToUnixNanos(when);
        if (google::protobuf::util::TimeUtil::TimestampToNanoseconds(*last) >= nanos) {
          return absl::OkStatus();
        }
        *last = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(nanos);
        ctx.Put(ColumnFamily::kPartners, id, record.SerializeAsString());
        return absl::OkStatus();
      },
      [done = std::move(done)](absl::Status status) {
        if (done) done(std::move(status));
      });
}

absl::StatusOr<std::vector<internal::PartnerRecord>> IdentityStore::ListPartners(
    std::function<absl::Status(WriteContext&)> before) const {
  if (before) WW_RETURN_IF_ERROR(engine_->CommitAndWait(before));
  std::vector<internal::PartnerRecord> out;
  absl::Status parsed;
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kPartners, "", "",
                                   [&](absl::string_view key, absl::string_view value) {
                                     internal::PartnerRecord record;
                                     if (!record.ParseFromArray(value.data(),
                                                                static_cast<int>(value.size()))) {
                                       parsed = absl::DataLossError(
                                           absl::StrCat("partner ", key, " does not parse"));
                                       return false;
                                     }
                                     out.push_back(std::move(record));
                                     return true;
                                   }));
  WW_RETURN_IF_ERROR(parsed);
  return out;
}

}  // namespace wijkwacht::storage
