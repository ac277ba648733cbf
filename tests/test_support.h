// Helpers for the integration tests: a real WijkwachtServer on a loopback port with a real
// RocksDB in a temporary folder, and realistic Beverwijk reports.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "services/server.h"
#include "storage/test_util.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"

namespace wijkwacht::testing {

// Random RFC 4122 version-4 UUID text.
inline std::string NewUuid(std::mt19937_64& rng) {
  uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffull) | 0x0000000000004000ull;
  b = (b & 0x3fffffffffffffffull) | 0x8000000000000000ull;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", a >> 32, (a >> 16) & 0xffff, a & 0xffff,
                         b >> 48, b & 0xffffffffffffull);
}

// A valid report at the Breestraat, observed a few minutes ago.
inline v1::Report BreestraatReport(const std::string& id, const std::string& text) {
  v1::Report r;
  r.set_id(id);
  r.set_reporter_role(v1::RESIDENT);
  *r.mutable_observed_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::Now() - absl::Minutes(5)));
  r.mutable_location()->set_latitude(52.4870);
  r.mutable_location()->set_longitude(4.6578);
  r.set_accuracy_meters(10);
  r.set_category("winkeldiefstal");
  r.set_description(text);
  return r;
}

// The google.rpc.BadRequest field paths carried by `status` (empty if none).
inline std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) fields.push_back(v.field());
    }
  }
  return fields;
}

// The google.rpc.RetryInfo delay carried by `status`, if any.
inline std::optional<absl::Duration> RetryDelay(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  if (details.code() != static_cast<int>(status.error_code())) return std::nullopt;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      return absl::Seconds(retry.retry_delay().seconds()) +
             absl::Nanoseconds(retry.retry_delay().nanos());
    }
  }
  return std::nullopt;
}

// Adds "authorization: Bearer <token>" to a call (no-op for an empty token).
inline void WithToken(grpc::ClientContext& context, const std::string& token) {
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

// The incident report `report_name` belongs to, as staff (`staff_token`) see it: a device is
// shown its own report's id when its report joined another reporter's incident
// (storage::ReporterView), so tests that act on the shared incident ask as staff. "" when the
// read fails.
inline std::string IncidentAsStaff(v1::ReportService::Stub& reports, const std::string& staff_token,
                                   const std::string& report_name) {
  grpc::ClientContext context;
  WithToken(context, staff_token);
  v1::GetReportRequest request;
  request.set_name(report_name);
  v1::Report report;
  if (!reports.GetReport(&context, request, &report).ok()) return "";
  return report.incident_id();
}

// Sends `request_bytes` as-is to the unary `method` ("/pkg.Service/Method"), as a client with
// its own encoder (or a malicious one) would; returns the status and, if asked, the response.
// The call has a 10-second deadline.
inline grpc::Status RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& method, const std::string& request_bytes,
                                 std::string* response_bytes = nullptr,
                                 const std::string& token = "") {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  WithToken(context, token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mu);
                   result = std::move(status);
                   done = true;
                   cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  if (response_bytes != nullptr && result.ok()) {
    std::vector<grpc::Slice> slices;
    response_bytes->clear();
    if (response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  return result;
}

// Sends `request_bytes` to the streaming `method` (any shape: on the wire every call is a
// stream), half-closes, reads up to `max_messages` messages (then cancels, so that an endless
// subscription does not run into the deadline) and returns the final status.
class RawStreamingCall final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawStreamingCall(grpc::GenericStub& stub, const std::string& method,
                   const std::string& request_bytes, const std::string& token,
                   std::chrono::milliseconds deadline, int max_messages)
      : max_messages_(max_messages) {
    WithToken(context_, token);
    context_.set_deadline(std::chrono::system_clock::now() + deadline);
    grpc::Slice slice(request_bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (++reads_ < max_messages_) {
      StartRead(&response_);
    } else {
      context_.TryCancel();  // enough read; the status says CANCELLED
    }
  }
  void OnDone(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    done_ = true;
    cv_.notify_one();
  }
  grpc::Status Await() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return done_; });
    return status_;
  }

 private:
  const int max_messages_;
  int reads_ = 0;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_, response_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  grpc::Status status_;
};

// `s` as one word for /bin/sh (single-quoted).
inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

inline std::string DataRoot() { return WIJKWACHT_DATA_DIR; }

inline constexpr char kAdminName[] = "beheerder";
inline constexpr char kAdminPassword[] = "correct horse battery staple";

// A running server over a data dir that outlives restarts, with authentication on, a
// bootstrap admin, and a registered resident device.
class ServerFixture {
 public:
  explicit ServerFixture(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  // Options the fixture starts with; tests may change them before Start().
  services::ServerOptions& options() { return options_; }

  absl::Status Start() {
    options_.listen = "127.0.0.1:0";
    options_.data_dir = data_dir_;
    auto server = services::WijkwachtServer::Start(options_);
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrFormat("127.0.0.1:%d", server_->port()),
                                   grpc::InsecureChannelCredentials());
    reports_ = v1::ReportService::NewStub(channel_);
    auth_ = v1::AuthService::NewStub(channel_);
    if (!options_.auth_enabled) return absl::OkStatus();
    absl::StatusOr<std::string> resident = RegisterDevice();
    if (!resident.ok()) return resident.status();
    resident_token_ = *resident;
    absl::StatusOr<std::string> admin = Login(kAdminName, kAdminPassword);
    if (!admin.ok()) return admin.status();
    admin_token_ = *admin;
    return absl::OkStatus();
  }

  // A new resident device's access token.
  absl::StatusOr<std::string> RegisterDevice(std::string* device = nullptr,
                                             std::string* refresh_token = nullptr) {
    grpc::ClientContext context;
    v1::RegisterDeviceResponse response;
    grpc::Status status = auth_->RegisterDevice(&context, v1::RegisterDeviceRequest(), &response);
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    if (device != nullptr) *device = response.device();
    if (refresh_token != nullptr) *refresh_token = response.refresh_token();
    return response.access().access_token();
  }

  absl::StatusOr<std::string> Login(const std::string& username, const std::string& password) {
    grpc::ClientContext context;
    v1::LoginRequest request;
    request.set_username(username);
    request.set_password(password);
    v1::TokenResponse response;
    grpc::Status status = auth_->Login(&context, request, &response);
    if (!status.ok()) return absl::UnauthenticatedError(status.error_message());
    return response.access_token();
  }

  // A staff account `username` with `role` and `password`, created by the bootstrap admin.
  absl::Status CreateAccount(const std::string& username, v1::Role role,
                             const std::string& password) {
    grpc::ClientContext context;
    WithToken(context, admin_token_);
    v1::CreateAccountRequest request;
    request.set_username(username);
    request.set_role(role);
    request.set_password(password);
    v1::Account account;
    grpc::Status status = auth_->CreateAccount(&context, request, &account);
    if (!status.ok()) return absl::InvalidArgumentError(status.error_message());
    return absl::OkStatus();
  }

  const std::string& resident_token() const { return resident_token_; }
  const std::string& admin_token() const { return admin_token_; }
  v1::AuthService::Stub& auth() { return *auth_; }
  void Stop() {
    reports_.reset();
    auth_.reset();
    channel_.reset();
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }
  ~ServerFixture() { Stop(); }

  v1::ReportService::Stub& reports() { return *reports_; }
  // SubmitReport of `report` with `token` ("" = none).
  grpc::Status Submit(const std::string& token, const v1::Report& report, v1::Report* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::SubmitReportRequest request;
    *request.mutable_report() = report;
    return reports_->SubmitReport(&context, request, out);
  }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  services::WijkwachtServer* server() { return server_.get(); }
  // SubmitReport of `report` as the fixture's resident device.
  grpc::Status SubmitAsResident(const v1::Report& report, v1::Report* stored) {
    grpc::ClientContext context;
    WithToken(context, resident_token_);
    v1::SubmitReportRequest request;
    *request.mutable_report() = report;
    return reports_->SubmitReport(&context, request, stored);
  }

 private:
  static services::ServerOptions DefaultOptions() {
    services::ServerOptions options = services::DefaultServerOptions(DataRoot());
    options.scrypt_log2_n = 10;  // fast hashing for tests
    options.theme_model_path = WIJKWACHT_THEME_MODEL;
#ifdef WIJKWACHT_MATCH_MODEL
    options.match_model_path = WIJKWACHT_MATCH_MODEL;  // as wijkwachtd by default
#endif
    options.bootstrap_admin = kAdminName;
    options.bootstrap_admin_password = kAdminPassword;
    // The fixture's devices are registered by the test itself, moments before they report;
    // the minimum age for counting towards k on the public map has tests of its own.
    options.map_established_device_age = absl::ZeroDuration();
    // Tests that mint many devices raise the per-address burst; the cap over all addresses
    // has tests of its own.
    options.global_device_registration_burst = 1e9;
    return options;
  }

  std::string data_dir_;
  services::ServerOptions options_ = DefaultOptions();
  std::unique_ptr<services::WijkwachtServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::string resident_token_;
  std::string admin_token_;
};

}  // namespace wijkwacht::testing
