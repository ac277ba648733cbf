#include "storage/identity_store.h"

#include <string>

#include "absl/strings/str_cat.h"
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
                              const std::function<absl::Status(Record&)>& mutate,
                              absl::string_view what) {
  Record result;
  WW_RETURN_IF_ERROR(engine->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(cf, key));
    WW_ASSIGN_OR_RETURN(Record record, Parse<Record>(bytes, what, key));
    WW_RETURN_IF_ERROR(mutate(record));
    ctx.Put(cf, key, record.SerializeAsString());
    result = std::move(record);
    return absl::OkStatus();
  }));
  return result;
}

}  // namespace

absl::Status IdentityStore::CreateDevice(const internal::DeviceRecord& device) {
  return Create(engine_, ColumnFamily::kDevices, device.device_id(), device, "device");
}

absl::StatusOr<internal::DeviceRecord> IdentityStore::GetDevice(absl::string_view device_id) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine_->Get(ColumnFamily::kDevices, device_id));
  return Parse<internal::DeviceRecord>(bytes, "device", device_id);
}

absl::StatusOr<internal::DeviceRecord> IdentityStore::UpdateDevice(absl::string_view device_id,
                                                                   DeviceMutator mutate) {
  return Update<internal::DeviceRecord>(engine_, ColumnFamily::kDevices, std::string(device_id),
                                        mutate, "device");
}

absl::Status IdentityStore::CreateUser(const internal::UserRecord& user) {
  return Create(engine_, ColumnFamily::kUsers, user.username(), user, "user");
}

absl::StatusOr<internal::UserRecord> IdentityStore::GetUser(absl::string_view username) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, engine_->Get(ColumnFamily::kUsers, username));
  return Parse<internal::UserRecord>(bytes, "user", username);
}

absl::StatusOr<internal::UserRecord> IdentityStore::UpdateUser(absl::string_view username,
                                                               UserMutator mutate) {
  return Update<internal::UserRecord>(engine_, ColumnFamily::kUsers, std::string(username), mutate,
                                      "user");
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

}  // namespace wijkwacht::storage
