#include "services/operations_service.h"

#include <utility>

#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/backup.h"

namespace wijkwacht::services {
namespace {

void ToProto(const storage::BackupInfo& info, v1::Backup* out) {
  out->set_backup_id(info.id);
  *out->mutable_create_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(info.time));
  out->set_size_bytes(info.size_bytes);
  out->set_file_count(info.files);
}

absl::Status NoBackupDir() {
  return absl::FailedPreconditionError(
      "backups are off: start the server with --backup_dir (or back up a stopped server's "
      "data dir with `wijkwacht backup --data_dir`)");
}

}  // namespace

void OperationsServiceImpl::Register(MethodTable* table) {
  table->Unary<v1::CreateBackupRequest, v1::Backup>(
      "/wijkwacht.v1.OperationsService/CreateBackup",
      [this](const Caller&, const v1::CreateBackupRequest&, v1::Backup* out, UnaryDone done) {
        if (parts_.backup_dir.empty()) return done(NoBackupDir());
        if (backup_worker_ == nullptr) return done(absl::UnavailableError("server is stopping"));
        backup_worker_->Schedule([this, out, done = std::move(done)] {
          absl::StatusOr<storage::BackupInfo> info =
              parts_.engine->CreateBackup(parts_.backup_dir, parts_.backup_keep);
          if (!info.ok()) return done(info.status());
          ToProto(*info, out);
          done(absl::OkStatus());
        });
      });
  table->Unary<v1::ListBackupsRequest, v1::ListBackupsResponse>(
      "/wijkwacht.v1.OperationsService/ListBackups",
      [this](const Caller&, const v1::ListBackupsRequest&, v1::ListBackupsResponse* out,
             UnaryDone done) {
        if (parts_.backup_dir.empty()) return done(NoBackupDir());
        absl::StatusOr<std::vector<storage::BackupInfo>> backups =
            storage::ListBackups(parts_.backup_dir);
        if (absl::IsNotFound(backups.status())) return done(absl::OkStatus());  // none yet
        if (!backups.ok()) return done(backups.status());
        for (const storage::BackupInfo& info : *backups) ToProto(info, out->add_backups());
        done(absl::OkStatus());
      });
}

}  // namespace wijkwacht::services
