// Fuzz target: every RPC of the wijkwacht.v1 API through the real service layer. The process
// starts one WijkwachtServer (authentication on, a real RocksDB in a scratch folder, the
// shipped areas, categories and theme model) on 127.0.0.1 port 0 and sends each input as a
// raw request over a real gRPC channel, so it passes the call gate, ParseRequest, the typed
// handler, the domain code and the store exactly as a client's bytes would. Input format and
// identities: fuzz/service_input.h. Server-streaming RPCs are opened, read for up to eight
// messages or 200 ms, then cancelled.
//
// Besides ASan/UBSan findings, an answer of INTERNAL, UNKNOWN or DATA_LOSS is a crash: bad
// input must get a status naming the field, never a server-side failure.
//
// The store keeps what earlier inputs wrote (so later inputs meet real reports, incidents
// and alerts); a crash found late in a campaign may therefore need its neighbours to
// reproduce. Access tokens are renewed every five minutes (they live fifteen).
//
// With WIJKWACHT_FUZZ_STATS=1 the process prints, as it exits, how often each RPC was called,
// its answers by status code and the mean time per call: which handlers the inputs reach
// beyond the authentication and parse checks, and where the time goes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/service_input.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "services/api_methods.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"

namespace wijkwacht::fuzz {
namespace {

constexpr char kStaffPassword[] = "fuzz staff password 7c1e";

// Calls, answers by status code and time per RPC (WIJKWACHT_FUZZ_STATS=1).
class CallStats {
 public:
  void Add(const std::string& method, grpc::StatusCode code, absl::Duration took) {
    Entry& entry = entries_[method];
    ++entry.calls;
    ++entry.codes[code];
    entry.time += took;
  }
  void Print() const {
    fprintf(stderr, "service_fuzzer: answers per RPC (calls, mean ms, status code: count)\n");
    for (const auto& [method, entry] : entries_) {
      std::string codes;
      for (const auto& [code, count] : entry.codes) {
        absl::StrAppend(&codes, " ", code, ":", count);
      }
      fprintf(stderr, "  %-48s %7lld %7.1f %s\n", method.c_str(),
              static_cast<long long>(entry.calls),
              absl::ToDoubleMilliseconds(entry.time / entry.calls), codes.c_str());
    }
  }

 private:
  struct Entry {
    int64_t calls = 0;
    absl::btree_map<int, int64_t> codes;
    absl::Duration time;
  };
  absl::btree_map<std::string, Entry> entries_;
};

// Real time, shifted so that the process starts at kEpochUnixSeconds.
class ShiftedClock final : public Clock {
 public:
  ShiftedClock() : offset_(absl::FromUnixSeconds(kEpochUnixSeconds) - absl::Now()) {}
  absl::Time Now() const override { return absl::Now() + offset_; }

 private:
  const absl::Duration offset_;
};

class Harness {
 public:
  Harness() : server_(FuzzDir() + "/data") {
    services::ServerOptions& options = server_.options();
    options.device_writes_per_second = 1e9;
    options.device_write_burst = 1e9;
    options.peer_writes_per_second = 1e9;
    options.peer_write_burst = 1e9;
    options.map_stream_min_interval = std::chrono::milliseconds(10);
    options.clock = &clock_;
    Check(server_.Start(), "start the server");
    stub_ = std::make_unique<grpc::GenericStub>(server_.channel());
    for (const services::ApiMethod& method : services::ApiMethods()) {
      methods_[method.short_name] = method;
      method_order_.push_back(method.short_name);
    }
    tokens_[static_cast<int>(Identity::kAdmin)] = server_.admin_token();
    for (const auto& [name, role] : {std::pair{"fz.admin.q7", v1::ROLE_ADMIN},
                                     std::pair{"fz.dispatch.q7", v1::ROLE_DISPATCHER},
                                     std::pair{"fz.analyst.q7", v1::ROLE_ANALYST}}) {
      v1::CreateAccountRequest request;
      request.set_username(name);
      request.set_role(role);
      request.set_password(kStaffPassword);
      v1::Account account;
      grpc::ClientContext context;
      testing::WithToken(context, server_.admin_token());
      Check(server_.auth().CreateAccount(&context, request, &account), "create a staff account");
    }
    RenewTokens();
    PlantObjects();
    const char* stats = std::getenv("WIJKWACHT_FUZZ_STATS");
    if (stats != nullptr && std::string(stats) == "1") {
      stats_ = new CallStats();  // never destroyed: printed at exit
      std::atexit([] { stats_->Print(); });
    }
  }

  void Run(const std::string& method_name, Identity identity, const std::string& request) {
    auto it = methods_.find(method_name);
    if (it == methods_.end()) {
      // A name that is no RPC (most often a mutated one) still reaches a handler: the one its
      // bytes pick, the same in every run.
      uint32_t pick = 0;
      for (char c : method_name) pick = pick * 31 + static_cast<uint8_t>(c);
      it = methods_.find(method_order_[pick % method_order_.size()]);
    }
    if (absl::Now() - renewed_ > absl::Minutes(5)) RenewTokens();
    const std::string& token = tokens_[static_cast<int>(identity)];
    const services::ApiMethod& method = it->second;
    const absl::Time start = absl::Now();
    grpc::Status status;
    if (method.server_streaming) {
      testing::RawStreamingCall call(*stub_, method.path, request, token,
                                     std::chrono::milliseconds(200), 8);
      status = call.Await();
    } else {
      status = testing::RawUnaryCall(server_.channel(), method.path, request, nullptr, token);
    }
    if (stats_ != nullptr) stats_->Add(method.short_name, status.error_code(), absl::Now() - start);
    if (status.error_code() == grpc::StatusCode::INTERNAL ||
        status.error_code() == grpc::StatusCode::UNKNOWN ||
        status.error_code() == grpc::StatusCode::DATA_LOSS) {
      fprintf(stderr, "%s answered %d: %s\n", method.path.c_str(), status.error_code(),
              status.error_message().c_str());
      abort();
    }
  }

 private:
  static void Check(const absl::Status& status, const char* what) {
    if (!status.ok()) {
      fprintf(stderr, "service_fuzzer: cannot %s: %s\n", what, status.ToString().c_str());
      abort();
    }
  }
  static void Check(const grpc::Status& status, const char* what) {
    if (!status.ok()) {
      fprintf(stderr, "service_fuzzer: cannot %s: %s\n", what, status.error_message().c_str());
      abort();
    }
  }
  template <typename T>
  static T Must(absl::StatusOr<T> value, const char* what) {
    Check(value.status(), what);
    return *std::move(value);
  }

  // Fresh devices and staff logins (inputs may have revoked the earlier devices).
  void RenewTokens() {
    const std::string admin = Must(server_.Login("fz.admin.q7", kStaffPassword), "log in");
    tokens_[static_cast<int>(Identity::kAdmin)] = admin;
    tokens_[static_cast<int>(Identity::kDispatcher)] =
        Must(server_.Login("fz.dispatch.q7", kStaffPassword), "log in");
    tokens_[static_cast<int>(Identity::kAnalyst)] =
        Must(server_.Login("fz.analyst.q7", kStaffPassword), "log in");
    tokens_[static_cast<int>(Identity::kResident)] =
        Must(server_.RegisterDevice(), "register a device");
    std::string device, refresh;
    (void)Must(server_.RegisterDevice(&device, &refresh), "register a device");
    {
      v1::VerifyEntrepreneurRequest request;
      request.set_device(device);
      request.set_kvk_number("34567890");
      request.set_business_name("Bakkerij De Breestraat");
      v1::VerifyEntrepreneurResponse response;
      grpc::ClientContext context;
      testing::WithToken(context, admin);
      Check(server_.auth().VerifyEntrepreneur(&context, request, &response), "verify a shop");
    }
    v1::RefreshTokenRequest request;
    request.set_refresh_token(refresh);
    v1::TokenResponse response;
    grpc::ClientContext context;
    Check(server_.auth().RefreshToken(&context, request, &response), "refresh a token");
    tokens_[static_cast<int>(Identity::kEntrepreneur)] = response.access_token();
    renewed_ = absl::Now();
  }

  // The report (and so its incident) and the alert that seeds refer to.
  void PlantObjects() {
    v1::SubmitReportRequest submit;
    *submit.mutable_report() = testing::BreestraatReport(kReportId, "Fietsendief bij het station");
    submit.mutable_report()->mutable_observed_time()->set_seconds(kEpochUnixSeconds - 300);
    v1::Report report;
    grpc::ClientContext report_context;
    testing::WithToken(report_context, tokens_[static_cast<int>(Identity::kResident)]);
    Check(server_.reports().SubmitReport(&report_context, submit, &report), "submit a report");

    auto alerts = v1::AlertService::NewStub(server_.channel());
    v1::PublishAlertRequest publish;
    publish.set_alert_id(kAlertId);
    publish.set_type(v1::SHOPLIFTER);
    publish.set_description("Man met grijze jas, rende richting station");
    publish.mutable_location()->set_latitude(52.4870);
    publish.mutable_location()->set_longitude(4.6578);
    v1::Alert alert;
    grpc::ClientContext alert_context;
    testing::WithToken(alert_context, tokens_[static_cast<int>(Identity::kEntrepreneur)]);
    Check(alerts->PublishAlert(&alert_context, publish, &alert), "publish an alert");
  }

  static inline CallStats* stats_ = nullptr;
  ShiftedClock clock_;
  testing::ServerFixture server_;
  std::unique_ptr<grpc::GenericStub> stub_;
  absl::flat_hash_map<std::string, services::ApiMethod> methods_;
  std::vector<std::string> method_order_;  // as services::ApiMethods() lists them
  std::string tokens_[kIdentityCount];
  absl::Time renewed_;
};

}  // namespace
}  // namespace wijkwacht::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Never destroyed: libFuzzer leaves through exit(), with the server's threads still running.
  static auto* harness = new wijkwacht::fuzz::Harness();
  wijkwacht::fuzz::InputReader in(data, size);
  const std::string method(in.Until('\n'));
  const auto identity =
      static_cast<wijkwacht::fuzz::Identity>(in.Byte() % wijkwacht::fuzz::kIdentityCount);
  harness->Run(method, identity, std::string(in.Rest()));
  return 0;
}
