// Online backup and restore with the real binaries: while clients submit reports and the
// dispatch desk claims incidents, OperationsService.CreateBackup takes a backup; `wijkwacht
// restore` puts it into a new data dir, a server started on it serves every report
// acknowledged before the backup began, and `wijkwacht aggregates verify` and `audit verify`
// find the restored store consistent.
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "tests/ops_support.h"
#include "wijkwacht/v1/operations.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

// Runs the CLI with `args`; returns its exit status and puts stdout+stderr into `output`.
int RunCli(const std::string& args, const std::string& scratch_dir, std::string* output) {
  return RunProgram(WIJKWACHT_CLI_BINARY, args, scratch_dir, output);
}

TEST(BackupTest, OnlineBackupUnderLoadRestoresIntoAConsistentServableStore) {
  TempDir data, backups, secrets, scratch, restore_root;
  const std::vector<std::string> flags = OpsServerFlags(secrets.path());
  std::vector<std::string> server_flags = flags;
  server_flags.push_back("--backup_dir=" + backups.path());
  auto server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, data.path(), server_flags)) << server->output();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  const std::string admin = AdminToken(channel);
  const std::string device = NewDeviceToken(channel);
  ASSERT_FALSE(admin.empty());
  ASSERT_FALSE(device.empty());

  std::mutex mu;
  std::map<std::string, v1::Report> acked;  // id -> stored report
  std::atomic<bool> stop{false};
  std::atomic<int> claims{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&, t] {
      std::mt19937_64 rng(300 + t);
      auto reports = v1::ReportService::NewStub(channel);
      auto dispatch = v1::DispatchService::NewStub(channel);
      while (!stop.load()) {
        v1::Report out;
        if (!Submit(*reports, device, SpreadReport(rng, "fietsendief bij het station"), &out)
                 .ok()) {
          continue;
        }
        {
          std::lock_guard<std::mutex> lock(mu);
          acked.emplace(out.id(), out);
        }
        // Every few reports a dispatcher claims the incident: audit entries under load.
        if (t == 0 && rng() % 4 == 0 && ClaimIncident(*dispatch, admin, out.incident_id()).ok()) {
          ++claims;
        }
      }
    });
  }
  auto wait_for = [&](size_t n) {
    for (int i = 0; i < 600; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (acked.size() >= n) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  wait_for(200);
  std::map<std::string, v1::Report> before_backup;
  {
    std::lock_guard<std::mutex> lock(mu);
    before_backup = acked;
  }
  auto operations = v1::OperationsService::NewStub(channel);
  v1::Backup backup;
  {
    grpc::ClientContext context;
    WithToken(context, admin);
    grpc::Status status = operations->CreateBackup(&context, {}, &backup);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  wait_for(before_backup.size() + 100);  // load goes on after the backup too
  stop = true;
  for (std::thread& t : load) t.join();
  EXPECT_GE(backup.backup_id(), 1u);
  EXPECT_GT(backup.file_count(), 0u);
  EXPECT_GT(claims.load(), 0) << "no dispatch action happened; the audit check proves nothing";
  {
    // Residents may not take backups.
    grpc::ClientContext context;
    WithToken(context, device);
    v1::Backup refused;
    EXPECT_EQ(operations->CreateBackup(&context, {}, &refused).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    WithToken(context, admin);
    v1::ListBackupsResponse list;
    ASSERT_TRUE(operations->ListBackups(&context, {}, &list).ok());
    ASSERT_EQ(list.backups_size(), 1);
    EXPECT_EQ(list.backups(0).backup_id(), backup.backup_id());
  }
  EXPECT_EQ(server->Terminate(), 0);

  // Restore into a new dir (a non-empty one is refused), serve it, and check.
  const std::string restored = restore_root.path() + "/restored";
  std::string output;
  ASSERT_EQ(RunCli(absl::StrCat("restore --from ", backups.path(), " --data_dir ", restored),
                   scratch.path(), &output),
            0)
      << output;
  EXPECT_EQ(RunCli(absl::StrCat("restore --from ", backups.path(), " --data_dir ", data.path()),
                   scratch.path(), &output),
            1)
      << "restoring over a data dir in use must be refused: " << output;

  server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, restored, flags)) << server->output();
  channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  const std::string restored_admin = AdminToken(channel);
  ASSERT_FALSE(restored_admin.empty()) << "staff accounts must survive the restore";
  auto reports = v1::ReportService::NewStub(channel);
  for (const auto& [id, sent] : before_backup) {
    v1::Report got;
    grpc::Status status = GetReport(*reports, restored_admin, id, &got);
    ASSERT_TRUE(status.ok()) << id << " was acknowledged before the backup began but is missing: "
                             << status.error_message();
    EXPECT_EQ(got.description(), sent.description());
    EXPECT_EQ(got.incident_id(), sent.incident_id());
  }
  EXPECT_EQ(server->Terminate(), 0);

  EXPECT_EQ(RunCli("aggregates verify --data_dir " + restored, scratch.path(), &output), 0)
      << output;
  EXPECT_EQ(RunCli("audit verify --data_dir " + restored, scratch.path(), &output), 0) << output;
  EXPECT_NE(output.find("OK:"), std::string::npos) << output;

  // A stopped server's data dir can be backed up by the CLI itself.
  const std::string offline = restore_root.path() + "/offline-backups";
  EXPECT_EQ(RunCli(absl::StrCat("backup --data_dir ", data.path(), " --to ", offline),
                   scratch.path(), &output),
            0)
      << output;
  EXPECT_EQ(RunCli(absl::StrCat("restore --from ", offline, " --data_dir ", restore_root.path(),
                                "/offline-restored"),
                   scratch.path(), &output),
            0)
      << output;
}

}  // namespace
}  // namespace wijkwacht::testing
