#include "storage/backup.h"

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"
#include "storage/rocks_status.h"

namespace wijkwacht::storage {
namespace {

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenBackups(
    const std::string& backup_dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(backup_dir, error)) {
    return absl::NotFoundError(absl::StrCat("no backup directory ", backup_dir));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  WW_RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngineReadOnly::Open(
      rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw)));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

}  // namespace

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  WW_ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> backups,
                      OpenBackups(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  backups->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const rocksdb::BackupInfo& info : infos) {
    out.push_back(BackupInfo{info.backup_id, absl::FromUnixSeconds(info.timestamp), info.size,
                             info.number_files});
  }
  return out;
}

absl::Status RestoreBackup(const std::string& backup_dir, uint32_t id,
                           const std::string& data_dir) {
  if (data_dir.empty()) return absl::InvalidArgumentError("data_dir: must be set");
  std::error_code error;
  if (std::filesystem::exists(data_dir, error) && !std::filesystem::is_empty(data_dir, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data_dir: ", data_dir, " is not empty; restore into a new directory"));
  }
  WW_ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> backups,
                      OpenBackups(backup_dir));
  if (id == 0) {
    rocksdb::BackupInfo latest;
    rocksdb::Status s = backups->GetLatestBackupInfo(&latest);
    if (!s.ok()) return absl::NotFoundError(absl::StrCat("no backup in ", backup_dir));
    id = latest.backup_id;
  }
  rocksdb::BackupInfo info;
  if (!backups->GetBackupInfo(id, &info).ok()) {
    return absl::NotFoundError(absl::StrCat("no backup ", id, " in ", backup_dir));
  }
  WW_RETURN_IF_ERROR(FromRocks(backups->VerifyBackup(id, /*verify_with_checksum=*/true)));
  return FromRocks(backups->RestoreDBFromBackup(id, data_dir, data_dir));
}

}  // namespace wijkwacht::storage
