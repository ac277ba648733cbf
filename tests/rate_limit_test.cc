// Integration: the write rate limits of the call gate, per device and per client address.
// The server runs on a FakeClock, so buckets refill only when the test says so and the
// outcomes do not depend on how fast this machine is.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/report.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr auto kCallDeadline = std::chrono::seconds(10);

std::string Describe(const grpc::Status& s) {
  return absl::StrCat(s.error_code(), " ", s.error_message());
}

class RateLimitTest : public ::testing::Test {
 protected:
  grpc::Status Submit(const std::string& token, v1::Report* out = nullptr) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::SubmitReportRequest request;
    *request.mutable_report() =
        BreestraatReport(NewUuid(rng_), absl::StrCat("Fietsendief bij de Breestraat ", ++sent_));
    v1::Report ignored;
    return server_.reports().SubmitReport(&context, request, out != nullptr ? out : &ignored);
  }
  grpc::Status Get(const std::string& token, const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::GetReportRequest request;
    request.set_name(name);
    v1::Report report;
    return server_.reports().GetReport(&context, request, &report);
  }
  grpc::Status ListCategories(const std::string& token) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::ListCategoriesResponse response;
    return server_.reports().ListCategories(&context, v1::ListCategoriesRequest(), &response);
  }
  std::string NewDevice() {
    absl::StatusOr<std::string> token = server_.RegisterDevice();
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Reports are dated by absl::Now() and the server checks them against its (fake) clock,
  // which starts at the real time and moves only a few seconds in these tests.
  FakeClock clock_{absl::Now()};
  std::mt19937_64 rng_{7};
  int sent_ = 0;
  TempDir dir_;
  ServerFixture server_{dir_.path()};
};

TEST_F(RateLimitTest, DeviceBurstThenRefusedWithRetryInfoOthersUnaffected) {
  server_.options().clock = &clock_;
  server_.options().device_writes_per_second = 1;
  server_.options().device_write_burst = 5;
  ASSERT_TRUE(server_.Start().ok());
  const std::string device_a = server_.resident_token();
  const std::string device_b = NewDevice();

  v1::Report first;
  for (int i = 0; i < 5; ++i) {
    grpc::Status status = Submit(device_a, i == 0 ? &first : nullptr);
    ASSERT_TRUE(status.ok()) << "write " << i + 1 << " of the burst: " << Describe(status);
  }

  grpc::Status refused = Submit(device_a);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(refused);
  std::optional<absl::Duration> delay = RetryDelay(refused);
  ASSERT_TRUE(delay.has_value()) << "RESOURCE_EXHAUSTED without google.rpc.RetryInfo";
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Seconds(1));

  // At the same moment: another device writes, and device A still reads.
  grpc::Status other = Submit(device_b);
  EXPECT_TRUE(other.ok()) << "device B: " << Describe(other);
  grpc::Status get = Get(device_a, first.name());
  EXPECT_TRUE(get.ok()) << "GetReport by the limited device: " << Describe(get);
  grpc::Status categories = ListCategories(device_a);
  EXPECT_TRUE(categories.ok()) << "ListCategories by the limited device: " << Describe(categories);
  // Refused writes cost nothing extra: still refused, still within a second.
  grpc::Status again = Submit(device_a);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(again);

  // After the advertised delay, exactly one more write fits (1 per second).
  clock_.Advance(*delay);
  grpc::Status after = Submit(device_a);
  EXPECT_TRUE(after.ok()) << "after waiting the retry delay: " << Describe(after);
  grpc::Status next = Submit(device_a);
  EXPECT_EQ(next.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(next);
}

TEST_F(RateLimitTest, PeerBurstIsSharedByAllDevicesFromOneAddress) {
  server_.options().clock = &clock_;
  server_.options().device_writes_per_second = 100;
  server_.options().device_write_burst = 100;
  server_.options().peer_writes_per_second = 1;
  server_.options().peer_write_burst = 8;
  ASSERT_TRUE(server_.Start().ok());
  // Registering is a write from this address too; let the address's bucket refill after
  // registering the devices so that the count below is about reports only.
  std::vector<std::string> devices = {server_.resident_token(), NewDevice(), NewDevice(),
                                      NewDevice()};
  clock_.Advance(absl::Seconds(30));

  for (int i = 0; i < 8; ++i) {
    grpc::Status status = Submit(devices[i % devices.size()]);
    ASSERT_TRUE(status.ok()) << "write " << i + 1 << " from this address: " << Describe(status);
  }
  // The 9th write, from a device that used only 2 of its 100 own tokens.
  grpc::Status refused = Submit(devices[8 % devices.size()]);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(refused);
  std::optional<absl::Duration> delay = RetryDelay(refused);
  ASSERT_TRUE(delay.has_value()) << "RESOURCE_EXHAUSTED without google.rpc.RetryInfo";
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Seconds(1));
  // A brand-new device from the same address is refused as well: the limit is the address's.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  v1::RegisterDeviceResponse response;
  grpc::Status registered =
      server_.auth().RegisterDevice(&context, v1::RegisterDeviceRequest(), &response);
  EXPECT_EQ(registered.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << Describe(registered);
  // Reads from this address are not limited.
  grpc::Status categories = ListCategories(devices[0]);
  EXPECT_TRUE(categories.ok()) << Describe(categories);
}

}  // namespace
}  // namespace wijkwacht::testing
