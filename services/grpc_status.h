// The one conversion from absl::Status to grpc::Status.
//
// The code and message carry over unchanged. Structured details go into a google.rpc.Status
// (grpc::Status::error_details, sent as the `grpc-status-details-bin` trailer):
//   - field violations (common/status.h)  -> google.rpc.BadRequest
//   - a retry delay                        -> google.rpc.RetryInfo
//   - always                               -> google.rpc.ErrorInfo{reason, domain "wijkwacht.nl"}
//   - a stream's resume cursor             -> ErrorInfo.metadata["resume_cursor"]
// INTERNAL and DATA_LOSS messages are replaced by a generic text (details stay in the log).
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace wijkwacht::services {

[[nodiscard]] grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace wijkwacht::services
