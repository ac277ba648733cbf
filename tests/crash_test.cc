// Crash: kill -9 the server while clients submit concurrently, restart it, and prove that
// every acknowledged report is present and that retrying the unacknowledged ones with the
// same id creates no duplicates.
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "storage/aggregate_store.h"
#include "storage/engine.h"
#include "tests/server_process.h"
#include "tests/test_support.h"

namespace wijkwacht::testing {
namespace {

constexpr int kCycles = 4;
constexpr int kClientThreads = 8;

// Rate limits are another test's business: this one pushes as hard as it can.
const std::vector<std::string> kServerFlags = {
    "--device_writes_per_second=1e9", "--device_write_burst=1e9",
    "--peer_writes_per_second=1e9", "--peer_write_burst=1e9"};

// A fresh device's access token from the server at `address`.
std::string RegisterDevice(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  v1::RegisterDeviceResponse response;
  grpc::Status status =
      v1::AuthService::NewStub(channel)->RegisterDevice(&context, {}, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.access().access_token();
}

grpc::Status SubmitOnce(v1::ReportService::Stub& stub, const v1::Report& report, v1::Report* out,
                        int timeout_ms, const std::string& token) {
  grpc::ClientContext context;
  WithToken(context, token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  v1::SubmitReportRequest request;
  *request.mutable_report() = report;
  return stub.SubmitReport(&context, request, out);
}

TEST(CrashTest, AcknowledgedReportsSurviveKill9AndRetriesDoNotDuplicate) {
  TempDir dir;
  TempDir secrets;
  const std::string password_file = secrets.path() + "/admin-password";
  std::ofstream(password_file) << kAdminPassword << "\n";
  std::vector<std::string> flags = kServerFlags;
  flags.push_back(absl::StrCat("--bootstrap_admin=", kAdminName));
  flags.push_back("--bootstrap_admin_password_file=" + password_file);
  std::map<std::string, v1::Report> acked;    // id -> what the client sent
  std::map<std::string, v1::Report> pending;  // sent, outcome unknown
  // Reports belong to the device that sent them; retries come from the same device, whose
  // token stays valid across restarts (the signing keys live in the data dir).
  std::string token;
  std::mt19937_64 seed_rng(7);

  for (int cycle = 0; cycle < kCycles; ++cycle) {
    ServerProcess server;
    ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    auto stub = v1::ReportService::NewStub(channel);
    if (token.empty()) token = RegisterDevice(channel);

    // Retry what the previous crash left unacknowledged: same id, same content.
    for (auto it = pending.begin(); it != pending.end();) {
      v1::Report out;
      grpc::Status status = SubmitOnce(*stub, it->second, &out, 10000, token);
      ASSERT_TRUE(status.ok()) << status.error_message();
      acked.emplace(it->first, it->second);
      it = pending.erase(it);
    }

    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kClientThreads; ++t) {
      clients.emplace_back([&, t, seed = seed_rng()] {
        std::mt19937_64 rng(seed);
        while (!stop.load()) {
          v1::Report report = BreestraatReport(
              NewUuid(rng), absl::StrFormat("cyclus %d client %d: verdachte situatie", cycle, t));
          {
            std::lock_guard<std::mutex> lock(mu);
            pending.emplace(report.id(), report);
          }
          v1::Report out;
          grpc::Status status = SubmitOnce(*stub, report, &out, 2000, token);
          std::lock_guard<std::mutex> lock(mu);
          if (status.ok()) {
            pending.erase(report.id());
            acked.emplace(report.id(), report);
          } else if (stop.load()) {
            return;  // server gone; the report stays pending
          }
        }
      });
    }
    // Kill at a random moment while the clients are busy.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + seed_rng() % 700));
    server.Kill9();
    stop = true;
    for (std::thread& c : clients) c.join();
  }

  // Final restart: retry the rest, then check the store against what the clients know.
  ServerProcess server;
  ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::ReportService::NewStub(channel);
  std::string admin_token;
  {
    grpc::ClientContext context;
    v1::LoginRequest login;
    login.set_username(kAdminName);
    login.set_password(kAdminPassword);
    v1::TokenResponse response;
    ASSERT_TRUE(v1::AuthService::NewStub(channel)->Login(&context, login, &response).ok());
    admin_token = response.access_token();
  }
  for (const auto& [id, report] : pending) {
    v1::Report out;
    ASSERT_TRUE(SubmitOnce(*stub, report, &out, 10000, token).ok());
    acked.emplace(id, report);
  }
  ASSERT_GT(acked.size(), 100u) << "the load was too small to prove anything";

  for (const auto& [id, sent] : acked) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetReportRequest request;
    request.set_name("reports/" + id);
    v1::Report got;
    grpc::Status status = stub->GetReport(&context, request, &got);
    ASSERT_TRUE(status.ok()) << id << ": " << status.error_message();
    EXPECT_EQ(got.description(), sent.description());
  }
  // Listing everything is for staff: use the bootstrap admin of the last start.
  std::multiset<std::string> listed;
  v1::ListReportsRequest request;
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    WithToken(context, admin_token);
    v1::ListReportsResponse response;
    ASSERT_TRUE(stub->ListReports(&context, request, &response).ok());
    for (const v1::Report& r : response.reports()) listed.insert(r.id());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(listed.size(), acked.size()) << "duplicates or lost reports";
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), listed.size());
  EXPECT_EQ(server.Terminate(), 0) << "SIGTERM must stop the server cleanly";

  // The map counters, written in the same batches as the reports, still agree with a
  // recomputation from the reports after every crash (`wijkwacht aggregates verify`).
  storage::EngineOptions options;
  options.data_dir = dir.path();
  absl::StatusOr<std::unique_ptr<storage::Engine>> engine = storage::Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  absl::StatusOr<std::vector<std::string>> differences = storage::VerifyAggregates(**engine);
  ASSERT_TRUE(differences.ok()) << differences.status();
  EXPECT_TRUE(differences->empty()) << differences->front();
}

}  // namespace
}  // namespace wijkwacht::testing
