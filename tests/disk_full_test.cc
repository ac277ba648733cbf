// Disk full with the real binary on a small tmpfs: when the disk fills up, writes get
// UNAVAILABLE (never INTERNAL, no crash), reads keep working; once space returns, writes
// recover without a restart; after a restart every acknowledged report is there and the map
// counters agree with the reports (nothing half-written, nothing lost).
//
// Mounting needs root (as in CI); elsewhere the test is skipped with the reason.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "privacy/sealer.h"
#include "tests/ops_support.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::testing {
namespace {

// A tmpfs of `megabytes` mounted on a fresh folder, unmounted at the end.
class SmallDisk {
 public:
  explicit SmallDisk(int megabytes) {
    path_ = root_.path() + "/disk";
    std::filesystem::create_directories(path_);
    if (geteuid() != 0) {
      error_ = "not root: mounting a small tmpfs needs root";
      return;
    }
    const std::string options = absl::StrCat("size=", megabytes, "m");
    if (mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = absl::StrCat("mount tmpfs: ", std::strerror(errno));
      return;
    }
    mounted_ = true;
  }
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

  // Fills every free byte with a file; returns its size.
  uint64_t Fill() {
    const std::string filler = path_ + "/filler";
    FILE* f = std::fopen(filler.c_str(), "wb");
    std::vector<char> block(1 << 16, 'x');
    uint64_t written = 0;
    for (;;) {
      size_t n = std::fwrite(block.data(), 1, block.size(), f);
      written += n;
      if (n < block.size() || std::fflush(f) != 0) break;
    }
    std::fclose(f);
    return written;
  }
  void Free() { std::filesystem::remove(path_ + "/filler"); }

 private:
  TempDir root_;
  std::string path_;
  std::string error_;
  bool mounted_ = false;
};

std::string ReadFileTail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

// Runs the scenario with the server's free-space reserve at `reserve_mb`; 0 turns the check
// off, so the writes reach RocksDB and fail there with ENOSPC.
void FillFreeAndRestart(int reserve_mb) {
  // Large enough that, once the filler is gone, RocksDB's own recovery from a failed write
  // finds the 64 MiB it asks for; tmpfs takes memory only for what is written.
  SmallDisk disk(192);
  if (!disk.mounted()) GTEST_SKIP() << "disk-full test skipped: " << disk.error();
  TempDir secrets;
  const std::string data_dir = disk.path() + "/data";
  std::vector<std::string> flags = OpsServerFlags(secrets.path());
  flags.push_back(absl::StrCat("--min_free_disk_mb=", reserve_mb));
  auto server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, data_dir, flags)) << server->output();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  const std::string device = NewDeviceToken(channel);
  ASSERT_FALSE(device.empty());
  auto reports = v1::ReportService::NewStub(channel);
  std::mt19937_64 rng(5);
  std::map<std::string, v1::Report> acked;
  auto submit = [&](v1::Report* out) {
    grpc::Status status =
        Submit(*reports, device, SpreadReport(rng, "kapotte lantaarnpaal in de steeg"), out);
    if (status.ok()) acked.emplace(out->id(), *out);
    return status;
  };
  for (int i = 0; i < 50; ++i) {
    v1::Report out;
    ASSERT_TRUE(submit(&out).ok());
  }

  // A second resident who will ask for erasure while the disk is full.
  grpc::ClientContext register_context;
  v1::RegisterDeviceResponse leaver;
  ASSERT_TRUE(v1::AuthService::NewStub(channel)
                  ->RegisterDevice(&register_context, {}, &leaver)
                  .ok());

  const std::string leaver_id(absl::StripPrefix(leaver.device(), "devices/"));
  // A restart writes what the WAL holds into SST files, where only a compaction removes it.
  EXPECT_EQ(server->Terminate(), 0) << server->Describe();
  // The leaver's wrapped data key, read offline meanwhile: what the erasure must remove from
  // every file (the device id itself is never stored in clear).
  std::string wrapped_key;
  {
    storage::EngineOptions options;
    options.data_dir = data_dir;
    absl::StatusOr<std::unique_ptr<storage::Engine>> engine = storage::Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto device = (*engine)->Get(storage::ColumnFamily::kDevices, privacy::DeviceKey(leaver_id));
    ASSERT_TRUE(device.ok() && device->has_value());
    internal::DeviceRecord record;
    ASSERT_TRUE(record.ParseFromString(**device));
    auto key = (*engine)->Get(storage::ColumnFamily::kReporterKeys, record.pseudonym());
    ASSERT_TRUE(key.ok() && key->has_value());
    wrapped_key = **key;
  }
  server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, data_dir, flags)) << server->output();
  channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  reports = v1::ReportService::NewStub(channel);
  ASSERT_FALSE(FilesContaining(data_dir, wrapped_key).empty()) << "the scan below could not fail";

  disk.Fill();
  if (reserve_mb == 0) {
    // Without the reserve, writes land in the WAL's preallocated space for a long while; an
    // erasure flushes every memtable, which fails with ENOSPC and stops RocksDB's writes.
    grpc::ClientContext context;
    WithToken(context, AdminToken(channel));
    v1::RevokeDeviceRequest request;
    request.set_device(leaver.device());
    request.set_erase(true);
    v1::RevokeDeviceResponse response;
    grpc::Status erased =
        v1::AuthService::NewStub(channel)->RevokeDevice(&context, request, &response);
    EXPECT_EQ(erased.error_code(), grpc::StatusCode::UNAVAILABLE) << erased.error_message();
  }
  // Writes now fail — maybe after a few that still fit in blocks RocksDB already holds.
  std::map<grpc::StatusCode, int> failures;
  int unavailable = 0;
  for (int i = 0; i < 5000 && unavailable < 20; ++i) {
    v1::Report out;
    grpc::Status status = submit(&out);
    if (status.ok()) continue;
    ++failures[status.error_code()];
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) ++unavailable;
  }
  EXPECT_GE(unavailable, 20) << "a full disk never made a write fail";
  for (const auto& [code, count] : failures) {
    EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE) << count << " writes failed with " << code;
  }
  // Reads still work.
  for (const auto& [id, report] : acked) {
    v1::Report got;
    grpc::Status status = GetReport(*reports, device, id, &got);
    ASSERT_TRUE(status.ok()) << "read failed on a full disk: " << status.error_message() << "\n"
                             << server->Describe();
  }

  // Space returns: writes recover by themselves (retrying as a client would).
  disk.Free();
  const absl::Time freed = absl::Now();
  bool recovered = false;
  std::string last_error;
  for (int i = 0; i < 300 && !recovered; ++i) {
    v1::Report out;
    grpc::Status status = submit(&out);
    if (status.ok()) {
      recovered = true;
      std::cout << "writes recovered " << absl::ToInt64Milliseconds(absl::Now() - freed)
                << " ms after space returned (reserve " << reserve_mb << " MiB)\n";
    } else {
      last_error = status.error_message();
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_TRUE(recovered) << "writes did not recover within 30 s after space returned; last error: "
                         << last_error << "\n" << server->Describe() << "\nRocksDB LOG:\n"
                         << ReadFileTail(data_dir + "/LOG", 6000);
  for (int i = 0; i < 50; ++i) {
    v1::Report out;
    grpc::Status status = submit(&out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(server->Terminate(), 0) << server->output();

  // Restart: every acknowledged report is there; the counters agree with the reports.
  server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, data_dir, flags)) << server->output();
  channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  reports = v1::ReportService::NewStub(channel);
  for (const auto& [id, sent] : acked) {
    v1::Report got;
    grpc::Status status = GetReport(*reports, device, id, &got);
    ASSERT_TRUE(status.ok()) << id << " acknowledged but lost: " << status.error_message();
    EXPECT_EQ(got.description(), sent.description());
  }
  if (reserve_mb == 0) {
    // The erasure's purge, cut short by the full disk, is finished by the start-up sweep.
    std::vector<std::string> holding = FilesContaining(data_dir, wrapped_key);
    for (int i = 0; i < 100 && !holding.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      holding = FilesContaining(data_dir, wrapped_key);
    }
    EXPECT_EQ(holding, std::vector<std::string>{}) << "the erased data key is still on disk";
  }
  EXPECT_EQ(server->Terminate(), 0);
  absl::StatusOr<int64_t> verified = VerifyStoreOffline(data_dir);
  EXPECT_TRUE(verified.ok()) << verified.status();
}

TEST(DiskFullTest, WritesRefusedBeforeRocksDbWhenTheReserveIsGone) { FillFreeAndRestart(8); }

TEST(DiskFullTest, WritesFailingInRocksDbWithEnospcAreUnavailableAndRecover) {
  FillFreeAndRestart(0);
}

}  // namespace
}  // namespace wijkwacht::testing
