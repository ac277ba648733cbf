#include "services/grpc_status.h"

#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace wijkwacht::services {
namespace {

std::string Reason(absl::StatusCode code) {
  return absl::AsciiStrToUpper(absl::StatusCodeToString(code));
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kDataLoss ||
      status.code() == absl::StatusCode::kUnknown) {
    std::fprintf(stderr, "wijkwachtd: internal error: %s\n", status.ToString().c_str());
    message = "internal error; the operation may be retried later";
  }

  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  if (std::vector<FieldViolation> violations = GetFieldViolations(status); !violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const FieldViolation& v : violations) {
      google::rpc::BadRequest::FieldViolation* out = bad_request.add_field_violations();
      out->set_field(v.field);
      out->set_description(v.description);
    }
    details.add_details()->PackFrom(bad_request);
  }
  if (std::optional<absl::Duration> delay = GetRetryDelay(status)) {
    google::rpc::RetryInfo retry;
    *retry.mutable_retry_delay() = google::protobuf::util::TimeUtil::NanosecondsToDuration(
        absl::ToInt64Nanoseconds(*delay));
    details.add_details()->PackFrom(retry);
  }
  google::rpc::ErrorInfo info;
  info.set_reason(Reason(status.code()));
  info.set_domain("wijkwacht.nl");
  if (std::optional<std::string> cursor = GetResumeCursor(status)) {
    (*info.mutable_metadata())["resume_cursor"] = *cursor;
  }
  details.add_details()->PackFrom(info);
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace wijkwacht::services
