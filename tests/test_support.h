// Helpers for the integration tests: a real WijkwachtServer on a loopback port with a real
// RocksDB in a temporary folder, and realistic Beverwijk reports.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "services/server.h"
#include "storage/test_util.h"
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

// Sends `request_bytes` as-is to the unary `method` ("/pkg.Service/Method"), as a client with
// its own encoder (or a malicious one) would; returns the status and, if asked, the response.
inline grpc::Status RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& method, const std::string& request_bytes,
                                 std::string* response_bytes = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
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

inline std::string DataRoot() { return WIJKWACHT_DATA_DIR; }

// A running server over a data dir that outlives restarts.
class ServerFixture {
 public:
  explicit ServerFixture(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  absl::Status Start() {
    services::ServerOptions options = services::DefaultServerOptions(DataRoot());
    options.listen = "127.0.0.1:0";
    options.data_dir = data_dir_;
    auto server = services::WijkwachtServer::Start(options);
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrFormat("127.0.0.1:%d", server_->port()),
                                   grpc::InsecureChannelCredentials());
    reports_ = v1::ReportService::NewStub(channel_);
    return absl::OkStatus();
  }
  void Stop() {
    reports_.reset();
    channel_.reset();
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }
  ~ServerFixture() { Stop(); }

  v1::ReportService::Stub& reports() { return *reports_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

 private:
  std::string data_dir_;
  std::unique_ptr<services::WijkwachtServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
};

}  // namespace wijkwacht::testing
