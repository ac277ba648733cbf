// wijkwacht_json_vs_grpc: SubmitReport throughput over gRPC and over JSON (POST /v1/reports)
// against one running wijkwachtd, in the same run, with the same reports and the same number
// of closed-loop clients (each waits for its answer before sending the next):
//
//   wijkwachtd --auth=false --peer_writes_per_second=1e9 --peer_write_burst=1e9 ... &
//   wijkwacht_json_vs_grpc --grpc=localhost:50051 --http=localhost:8080 --clients=32 --seconds=10
//
// Phases alternate (gRPC, JSON, gRPC, JSON, ...) `--rounds` times so that a neighbour's load
// on a shared machine hits both alike; the figures are the sums over the rounds. Prints
// reports/s of each and the ratio JSON / gRPC. --token sends "Authorization: Bearer" on both.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "httplib.h"
#include "tools/loadgen/report_gen.h"
#include "wijkwacht/v1/report.grpc.pb.h"

ABSL_FLAG(std::string, grpc, "localhost:50051", "wijkwachtd's gRPC address (loopback)");
ABSL_FLAG(std::string, http, "localhost:8080", "wijkwachtd's HTTP address (loopback)");
ABSL_FLAG(int, clients, 32, "closed-loop clients per phase (1-1000)");
ABSL_FLAG(int, seconds, 10, "seconds per phase (1-600)");
ABSL_FLAG(int, rounds, 3, "gRPC/JSON phase pairs (1-100)");
ABSL_FLAG(std::string, token, "", "access token for both (empty: none, for --auth=false)");

namespace wijkwacht {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `clients` threads of `one` (returns true for an accepted report) for `seconds`.
template <typename MakeClient>
int64_t RunPhase(int clients, int seconds, MakeClient make_client) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> ok{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto one = make_client(c);
      while (!stop.load(std::memory_order_relaxed)) {
        if (one()) ok.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  return ok.load();
}

int Main() {
  const int clients = absl::GetFlag(FLAGS_clients);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  if (clients < 1 || clients > 1000 || seconds < 1 || seconds > 600 || rounds < 1 || rounds > 100) {
    std::fprintf(stderr, "--clients 1-1000, --seconds 1-600, --rounds 1-100\n");
    return 2;
  }
  const std::string grpc_target = absl::GetFlag(FLAGS_grpc);
  const std::string http_target = absl::GetFlag(FLAGS_http);
  if (!loadgen::IsLoopbackTarget(grpc_target) || !loadgen::IsLoopbackTarget(http_target)) {
    std::fprintf(stderr, "only loopback targets\n");
    return 2;
  }
  std::vector<std::string> host_port = absl::StrSplit(http_target, absl::MaxSplits(':', 1));
  int http_port = 0;
  if (host_port.size() != 2 || !absl::SimpleAtoi(host_port[1], &http_port)) {
    std::fprintf(stderr, "--http must be host:port\n");
    return 2;
  }
  const std::string token = absl::GetFlag(FLAGS_token);
  auto channel = grpc::CreateChannel(grpc_target, grpc::InsecureChannelCredentials());
  std::unique_ptr<v1::ReportService::Stub> stub = v1::ReportService::NewStub(channel);
  v1::ListCategoriesResponse categories;
  {
    grpc::ClientContext context;
    v1::ListCategoriesRequest request;
    request.set_page_size(1000);
    if (grpc::Status s = stub->ListCategories(&context, request, &categories); !s.ok()) {
      std::fprintf(stderr, "ListCategories: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  auto corpus = std::make_shared<const loadgen::ReportCorpus>(
      std::vector<v1::Category>(categories.categories().begin(), categories.categories().end()));
  const uint64_t id_seed = static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
  int64_t grpc_total = 0, json_total = 0;
  for (int round = 0; round < rounds; ++round) {
    const int64_t g = RunPhase(clients, seconds, [&](int c) {
      auto generator = std::make_shared<loadgen::ReportGenerator>(corpus, 1000 + c, id_seed + round * 7919 + c);
      return [&, generator] {
        grpc::ClientContext context;
        if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        v1::SubmitReportRequest request;
        generator->Fill(absl::Now(), request.mutable_report());
        v1::Report response;
        return stub->SubmitReport(&context, request, &response).ok();
      };
    });
    const int64_t j = RunPhase(clients, seconds, [&](int c) {
      auto generator =
          std::make_shared<loadgen::ReportGenerator>(corpus, 5000 + c, id_seed + round * 104729 + 1000003 + c);
      auto client = std::make_shared<httplib::Client>(host_port[0], http_port);
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);  // headers and body go out in separate writes
      client->set_read_timeout(10, 0);
      httplib::Headers headers;
      if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
      return [generator, client, headers] {
        v1::Report report;
        generator->Fill(absl::Now(), &report);
        std::string body;
        if (!google::protobuf::util::MessageToJsonString(report, &body).ok()) return false;
        httplib::Result result = client->Post("/v1/reports", headers, body, "application/json");
        return result && result->status == 200;
      };
    });
    std::fprintf(stderr, "round %d: gRPC %.0f/s, JSON %.0f/s\n", round + 1,
                 static_cast<double>(g) / seconds, static_cast<double>(j) / seconds);
    grpc_total += g;
    json_total += j;
  }
  const double grpc_rate = static_cast<double>(grpc_total) / (seconds * rounds);
  const double json_rate = static_cast<double>(json_total) / (seconds * rounds);
  std::printf("clients %d, %d x %d s each: gRPC SubmitReport %.0f reports/s, JSON POST /v1/reports "
              "%.0f reports/s, ratio %.2f\n",
              clients, rounds, seconds, grpc_rate, json_rate,
              grpc_rate > 0 ? json_rate / grpc_rate : 0.0);
  return 0;
}

}  // namespace
}  // namespace wijkwacht

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wijkwacht::Main();
}
