#include "services/grpc_status.h"

#include "common/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace wijkwacht::services {
namespace {

google::rpc::Status Details(const grpc::Status& s) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(s.error_details()));
  return details;
}

TEST(GrpcStatusTest, FieldViolationsBecomeBadRequest) {
  grpc::Status s = ToGrpcStatus(InvalidFieldsError({{"report.id", "bad"}, {"report.category", "unknown"}}));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "report.id: bad (and 1 more invalid field)");
  google::rpc::Status details = Details(s);
  EXPECT_EQ(details.code(), 3);
  google::rpc::BadRequest bad;
  google::rpc::ErrorInfo info;
  bool saw_bad = false, saw_info = false;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&bad)) saw_bad = true;
    if (any.UnpackTo(&info)) saw_info = true;
  }
  ASSERT_TRUE(saw_bad);
  ASSERT_TRUE(saw_info);
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(1).field(), "report.category");
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(info.domain(), "wijkwacht.nl");
}

TEST(GrpcStatusTest, RetryDelayBecomesRetryInfo) {
  grpc::Status s =
      ToGrpcStatus(WithRetryDelay(absl::ResourceExhaustedError("slow down"), absl::Milliseconds(1500)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  google::rpc::RetryInfo retry;
  bool found = false;
  const google::rpc::Status details = Details(s);
  for (const auto& any : details.details()) found |= any.UnpackTo(&retry);
  ASSERT_TRUE(found);
  EXPECT_EQ(retry.retry_delay().seconds(), 1);
  EXPECT_EQ(retry.retry_delay().nanos(), 500'000'000);
}

TEST(GrpcStatusTest, InternalDetailsAreNotLeaked) {
  grpc::Status s = ToGrpcStatus(absl::DataLossError("storage: Corruption: block checksum in /var/x.sst"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(s.error_message().find("/var"), std::string::npos);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace wijkwacht::services
