// Backups of the store, read side: list the backups in a backup directory and restore one into
// a new data dir. Backups are made by a running server (Engine::CreateBackup, served as
// OperationsService.CreateBackup) or, for a stopped server, by opening its data dir.
//
//   absl::StatusOr<std::vector<BackupInfo>> all = ListBackups("/srv/wijkwacht-backups");
//   absl::Status s = RestoreBackup("/srv/wijkwacht-backups", /*id=*/0, "/srv/wijkwacht-new");
//
// What a backup holds: every column family, consistent to one point in time (the WAL is
// replayed on restore). Not the signing keys (<data_dir>/keys): a restored server makes new
// ones, so access tokens are re-issued through RefreshToken/Login.
//
// Thread safety: the functions are independent; do not restore into a dir a server uses.
// Errors: NOT_FOUND when the directory holds no backup (or not backup `id`);
// FAILED_PRECONDITION when `data_dir` already holds files; DATA_LOSS when a backup file's
// checksum does not match; UNAVAILABLE for I/O errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/engine.h"

namespace wijkwacht::storage {

// The backups in `backup_dir`, oldest first.
[[nodiscard]] absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);

// Verifies backup `id` (0 = the newest) against its checksums, then restores it into
// `data_dir` (created if missing; must be empty).
[[nodiscard]] absl::Status RestoreBackup(const std::string& backup_dir, uint32_t id,
                                         const std::string& data_dir);

}  // namespace wijkwacht::storage
