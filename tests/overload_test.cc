// Overload, short version (the measured one is `wijkwacht_loadgen --mode=overload`): a burst
// of far more concurrent SubmitReport calls than the write queue admits is partly shed with
// RESOURCE_EXHAUSTED (with a retry delay), never with another error; what is admitted is
// stored; and once the burst is over the server takes writes again by itself.
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace wijkwacht::testing {
namespace {

constexpr int kBurst = 3000;

struct Call {
  grpc::ClientContext context;
  v1::SubmitReportRequest request;
  v1::Report response;
};

TEST(OverloadTest, BurstIsShedWithResourceExhaustedAndTheServerRecovers) {
  TempDir dir;
  ServerFixture fixture(dir.path());
  services::ServerOptions& options = fixture.options();
  options.device_writes_per_second = 1e9;
  options.device_write_burst = 1e9;
  options.peer_writes_per_second = 1e9;
  options.peer_write_burst = 1e9;
  // A tiny queue: while the writer syncs one group, a second waiting write is refused.
  options.max_pending_writes = 1;
  options.max_write_queue_delay = absl::Milliseconds(200);
  absl::Status started = fixture.Start();
  ASSERT_TRUE(started.ok()) << started;

  std::mutex mu;
  std::condition_variable cv;
  int outstanding = kBurst;
  std::map<grpc::StatusCode, int> codes;
  std::vector<std::string> admitted;
  bool retry_info_seen = false;
  std::mt19937_64 rng(11);
  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < kBurst; ++i) {
    auto call = std::make_unique<Call>();
    WithToken(call->context, fixture.resident_token());
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    *call->request.mutable_report() = BreestraatReport(NewUuid(rng), "drukte bij de snackbar");
    calls.push_back(std::move(call));
  }
  for (auto& call : calls) {
    Call* c = call.get();
    fixture.reports().async()->SubmitReport(
        &c->context, &c->request, &c->response, [&, c](grpc::Status status) {
          std::lock_guard<std::mutex> lock(mu);
          ++codes[status.error_code()];
          if (status.ok()) admitted.push_back(c->response.id());
          if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
            google::rpc::Status details;
            if (details.ParseFromString(status.error_details())) {
              for (const auto& any : details.details()) {
                retry_info_seen = retry_info_seen || any.Is<google::rpc::RetryInfo>();
              }
            }
          }
          if (--outstanding == 0) cv.notify_all();
        });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return outstanding == 0; });
  }
  std::printf("burst of %d: %d admitted, %d shed\n", kBurst, codes[grpc::StatusCode::OK],
              codes[grpc::StatusCode::RESOURCE_EXHAUSTED]);
  EXPECT_GT(codes[grpc::StatusCode::RESOURCE_EXHAUSTED], 0) << "nothing was shed";
  EXPECT_GT(codes[grpc::StatusCode::OK], 0) << "nothing was admitted";
  EXPECT_TRUE(retry_info_seen) << "shed calls must say when to retry";
  for (const auto& [code, count] : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::RESOURCE_EXHAUSTED)
        << count << " calls ended with " << code;
  }

  // Recovery: the burst is over, writes are admitted again without intervention (a client
  // that is refused retries after the delay it was given, as the loop does).
  int refused_after_burst = 0;
  for (int stored = 0; stored < 20;) {
    grpc::ClientContext context;
    WithToken(context, fixture.resident_token());
    v1::SubmitReportRequest request;
    *request.mutable_report() = BreestraatReport(NewUuid(rng), "weer rustig op straat");
    v1::Report out;
    grpc::Status status = fixture.reports().SubmitReport(&context, request, &out);
    if (status.ok()) {
      ++stored;
      continue;
    }
    ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    ASSERT_LT(++refused_after_burst, 100) << "the server does not recover: "
                                          << status.error_message();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // What was admitted is stored.
  for (const std::string& id : admitted) {
    grpc::ClientContext context;
    WithToken(context, fixture.resident_token());
    v1::GetReportRequest request;
    request.set_name("reports/" + id);
    v1::Report got;
    ASSERT_TRUE(fixture.reports().GetReport(&context, request, &got).ok()) << id;
  }
}

}  // namespace
}  // namespace wijkwacht::testing
