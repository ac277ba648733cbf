// Helpers for the operations tests (drain, backup/restore, disk full) that run the real
// wijkwachtd binary (tests/server_process.h): server flags with a bootstrap admin, tokens,
// reports spread over Beverwijk, and reading the resume cursor of a drained stream.
//
// Thread safety: the functions are independent; OpsServer is used from one thread.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "storage/aggregate_store.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "storage/test_util.h"
#include "tests/server_process.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"

namespace wijkwacht::testing {

// Flags for a server under test: no write rate limits (the tests push hard), a bootstrap
// admin whose password lives in `secrets_dir`.
inline std::vector<std::string> OpsServerFlags(const std::string& secrets_dir) {
  const std::string password_file = secrets_dir + "/admin-password";
  std::ofstream(password_file) << kAdminPassword << "\n";
  return {"--device_writes_per_second=1e9",
          "--device_write_burst=1e9",
          "--peer_writes_per_second=1e9",
          "--peer_write_burst=1e9",
          absl::StrCat("--bootstrap_admin=", kAdminName),
          "--bootstrap_admin_password_file=" + password_file};
}

// Runs `binary` (e.g. the wijkwacht CLI) with `args` through the shell; returns its exit
// status and puts its stdout+stderr into `output` (by way of a file in `scratch_dir`).
inline int RunProgram(const std::string& binary, const std::string& args,
                      const std::string& scratch_dir, std::string* output) {
  const std::string log = scratch_dir + "/program-output.txt";
  const int status = std::system(absl::StrCat(binary, " ", args, " > ", log, " 2>&1").c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  *output = text.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A fresh resident device's access token ("" on failure).
inline std::string NewDeviceToken(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  v1::RegisterDeviceResponse response;
  grpc::Status status =
      v1::AuthService::NewStub(channel)->RegisterDevice(&context, {}, &response);
  return status.ok() ? response.access().access_token() : "";
}

// The bootstrap admin's access token ("" on failure).
inline std::string AdminToken(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  v1::LoginRequest login;
  login.set_username(kAdminName);
  login.set_password(kAdminPassword);
  v1::TokenResponse response;
  grpc::Status status = v1::AuthService::NewStub(channel)->Login(&context, login, &response);
  return status.ok() ? response.access_token() : "";
}

// A report somewhere in Beverwijk's centre (so reports open and join incidents).
inline v1::Report SpreadReport(std::mt19937_64& rng, const std::string& text) {
  v1::Report report = BreestraatReport(NewUuid(rng), text);
  std::uniform_real_distribution<double> lat(52.478, 52.492), lon(4.650, 4.670);
  report.mutable_location()->set_latitude(lat(rng));
  report.mutable_location()->set_longitude(lon(rng));
  return report;
}

inline grpc::Status Submit(v1::ReportService::Stub& stub, const std::string& token,
                           const v1::Report& report, v1::Report* out, int timeout_ms = 10000) {
  grpc::ClientContext context;
  WithToken(context, token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  v1::SubmitReportRequest request;
  *request.mutable_report() = report;
  return stub.SubmitReport(&context, request, out);
}

// A new dispatcher account made by `admin_token`; returns its access token ("" on failure).
inline std::string NewDispatcherToken(const std::shared_ptr<grpc::Channel>& channel,
                                      const std::string& admin_token,
                                      const std::string& username) {
  auto auth = v1::AuthService::NewStub(channel);
  grpc::ClientContext context;
  WithToken(context, admin_token);
  v1::CreateAccountRequest request;
  request.set_username(username);
  request.set_role(v1::ROLE_DISPATCHER);
  request.set_password(kAdminPassword);
  v1::Account account;
  grpc::Status created = auth->CreateAccount(&context, request, &account);
  if (!created.ok() && created.error_code() != grpc::StatusCode::ALREADY_EXISTS) return "";
  grpc::ClientContext login_context;
  v1::LoginRequest login;
  login.set_username(username);
  login.set_password(kAdminPassword);
  v1::TokenResponse response;
  return auth->Login(&login_context, login, &response).ok() ? response.access_token() : "";
}

// Reads incident `name` and claims it at its current version (a dispatch action, written to
// the audit log). FAILED_PRECONDITION/ABORTED (someone else moved it first) are normal.
inline grpc::Status ClaimIncident(v1::DispatchService::Stub& stub, const std::string& token,
                                  const std::string& name, int timeout_ms = 5000) {
  v1::Incident incident;
  {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(timeout_ms));
    v1::GetIncidentRequest request;
    request.set_name(name);
    grpc::Status status = stub.GetIncident(&context, request, &incident);
    if (!status.ok()) return status;
  }
  grpc::ClientContext context;
  WithToken(context, token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  v1::ClaimIncidentRequest request;
  request.set_name(name);
  request.set_version(incident.version());
  v1::Incident out;
  return stub.ClaimIncident(&context, request, &out);
}

// Reclassifies incident `name` at its current version to `theme` and `category` (fixing them
// against later joins); `out` gets the incident as changed.
inline grpc::Status ReclassifyIncident(v1::DispatchService::Stub& stub, const std::string& token,
                                       const std::string& name, v1::Theme theme,
                                       const std::string& category, v1::Incident* out) {
  v1::Incident incident;
  {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetIncidentRequest request;
    request.set_name(name);
    grpc::Status status = stub.GetIncident(&context, request, &incident);
    if (!status.ok()) return status;
  }
  grpc::ClientContext context;
  WithToken(context, token);
  v1::ReclassifyIncidentRequest request;
  request.set_name(name);
  request.set_version(incident.version());
  request.set_theme(theme);
  request.set_category(category);
  return stub.ReclassifyIncident(&context, request, out);
}

// Publishes a shoplifter alert with the given id at the Breestraat (idempotent on the id).
inline grpc::Status PublishAlert(v1::AlertService::Stub& stub, const std::string& token,
                                 const std::string& alert_id, v1::Alert* out,
                                 int timeout_ms = 5000) {
  grpc::ClientContext context;
  WithToken(context, token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  v1::PublishAlertRequest request;
  request.set_alert_id(alert_id);
  request.set_type(v1::SHOPLIFTER);
  request.set_description("Winkeldief richting station, rode jas");
  request.mutable_location()->set_latitude(52.4870);
  request.mutable_location()->set_longitude(4.6578);
  return stub.PublishAlert(&context, request, out);
}

// GetReport of reports/`id` as the caller of `token`.
inline grpc::Status GetReport(v1::ReportService::Stub& stub, const std::string& token,
                              const std::string& id, v1::Report* out) {
  grpc::ClientContext context;
  WithToken(context, token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::GetReportRequest request;
  request.set_name("reports/" + id);
  return stub.GetReport(&context, request, out);
}

// Opens a stopped server's data dir and runs the offline checks of `wijkwacht aggregates
// verify` and `wijkwacht audit verify`, then `more` (if given) on the same engine. Returns the
// number of audit entries, or the first problem found.
inline absl::StatusOr<int64_t> VerifyStoreOffline(
    const std::string& data_dir,
    const std::function<absl::Status(storage::Engine&)>& more = nullptr) {
  storage::EngineOptions options;
  options.data_dir = data_dir;
  absl::StatusOr<std::unique_ptr<storage::Engine>> engine = storage::Engine::Open(options);
  if (!engine.ok()) return engine.status();
  absl::StatusOr<std::vector<std::string>> differences = storage::VerifyAggregates(**engine);
  if (!differences.ok()) return differences.status();
  if (!differences->empty()) {
    return absl::DataLossError(absl::StrCat("aggregates verify: ", differences->front()));
  }
  absl::StatusOr<int64_t> audit_entries = storage::VerifyAuditLog(**engine);
  if (!audit_entries.ok()) return audit_entries.status();
  if (more) {
    if (absl::Status s = more(**engine); !s.ok()) return s;
  }
  return audit_entries;
}

// ErrorInfo.metadata["resume_cursor"] of a stream's final status, if any.
inline std::optional<std::string> ResumeCursorOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (!any.UnpackTo(&info)) continue;
    auto it = info.metadata().find("resume_cursor");
    if (it != info.metadata().end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace wijkwacht::testing
