// SIGTERM drain with the real binary: while clients submit and dispatch desks watch the queue,
// SIGTERM makes the server end every stream with UNAVAILABLE and a resume cursor, finish the
// unary calls in flight and exit cleanly within the 5 s grace; resuming every stream from its
// cursor on the restarted server misses no incident and repeats no event. A partner key's last
// use, written coarsely, is what `wijkwacht partners list` shows after such a restart.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "storage/change_feed.h"
#include "tests/ops_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr int kWatchers = 6;
constexpr int kSubmitters = 4;

// One WatchQueue stream read on its own thread until it ends or `until` says stop.
class QueueWatcher {
 public:
  QueueWatcher(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
               const std::string& cursor, std::function<bool(const v1::QueueEvent&)> until)
      : stub_(v1::DispatchService::NewStub(channel)) {
    WithToken(context_, token);
    request_.set_resume_cursor(cursor);
    thread_ = std::thread([this, until = std::move(until)] {
      auto reader = stub_->WatchQueue(&context_, request_);
      v1::QueueEvent event;
      while (reader->Read(&event)) {
        bool stop = false;
        {
          std::lock_guard<std::mutex> lock(mu_);
          events_.push_back(event);
          stop = until && until(event);
        }
        if (stop) context_.TryCancel();
      }
      status_ = reader->Finish();
    });
  }
  ~QueueWatcher() { Join(); }

  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  size_t received() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_.size();
  }
  // After Join().
  const std::vector<v1::QueueEvent>& events() const { return events_; }
  const grpc::Status& status() const { return status_; }

 private:
  std::unique_ptr<v1::DispatchService::Stub> stub_;
  grpc::ClientContext context_;
  v1::WatchQueueRequest request_;
  std::mutex mu_;
  std::vector<v1::QueueEvent> events_;
  grpc::Status status_;
  std::thread thread_;
};

uint64_t SequenceOf(const std::string& cursor) {
  absl::StatusOr<uint64_t> sequence = storage::DecodeCursor(cursor, "cursor");
  EXPECT_TRUE(sequence.ok()) << sequence.status();
  return sequence.value_or(0);
}

TEST(DrainTest, SigtermEndsStreamsWithResumeCursorsAndResumingMissesNothing) {
  TempDir dir, secrets;
  const std::vector<std::string> flags = OpsServerFlags(secrets.path());
  auto server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server->output();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  const std::string admin = AdminToken(channel);
  const std::string device = NewDeviceToken(channel);
  ASSERT_FALSE(admin.empty());
  ASSERT_FALSE(device.empty());

  std::vector<std::unique_ptr<QueueWatcher>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    watchers.push_back(std::make_unique<QueueWatcher>(channel, admin, "", nullptr));
  }

  // Submitters run until their calls fail (the server went away).
  std::mutex mu;
  std::map<std::string, std::string> acked;  // report id -> incident name
  std::map<grpc::StatusCode, int> failures;
  std::atomic<bool> stop{false};
  std::vector<std::thread> submitters;
  for (int t = 0; t < kSubmitters; ++t) {
    submitters.emplace_back([&, t] {
      std::mt19937_64 rng(100 + t);
      auto stub = v1::ReportService::NewStub(channel);
      while (!stop.load()) {
        v1::Report out;
        grpc::Status status =
            Submit(*stub, device, SpreadReport(rng, "verdachte persoon bij de fietsenstalling"),
                   &out, 5000);
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          acked[out.id()] = out.incident_id();
        } else {
          ++failures[status.error_code()];
          // The server went away (a call racing the shutdown is refused by the transport).
          if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
              status.error_code() == grpc::StatusCode::CANCELLED) {
            return;
          }
        }
      }
    });
  }
  // Let the streams and the writes get going.
  for (int i = 0; i < 200; ++i) {
    bool all = true;
    for (auto& w : watchers) all = all && w->received() >= 20;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  const auto before = std::chrono::steady_clock::now();
  const int exit_status = server->Terminate();
  const double drain_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
  stop = true;
  for (std::thread& t : submitters) t.join();
  for (auto& w : watchers) w->Join();
  RecordProperty("drain_seconds", std::to_string(drain_seconds));
  std::printf("SIGTERM to exit: %.3f s, %zu acknowledged reports\n", drain_seconds,
              acked.size());
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << server->output();
  EXPECT_LE(drain_seconds, 5.0) << "the drain must finish within the 5 s grace";
  ASSERT_GT(acked.size(), 20u) << "too little load to prove anything";
  for (const auto& [code, count] : failures) {
    EXPECT_TRUE(code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::CANCELLED)
        << count << " submits failed with " << code;
  }

  // Every stream got UNAVAILABLE with a cursor at or after its last message.
  std::vector<std::string> resume_cursors;
  for (auto& w : watchers) {
    EXPECT_EQ(w->status().error_code(), grpc::StatusCode::UNAVAILABLE)
        << w->status().error_message();
    std::optional<std::string> cursor = ResumeCursorOf(w->status());
    ASSERT_TRUE(cursor.has_value()) << "no resume_cursor in " << w->status().error_message();
    if (!w->events().empty()) {
      EXPECT_GE(SequenceOf(*cursor), SequenceOf(w->events().back().cursor()));
    }
    resume_cursors.push_back(*cursor);
  }

  // Restart, resume every stream, then write a marker report that opens its own incident far
  // from the others: a stream that has seen the marker has seen everything before it.
  server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server->output();
  channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  const std::string admin2 = AdminToken(channel);
  ASSERT_FALSE(admin2.empty());
  std::mt19937_64 rng(999);
  v1::Report marker = BreestraatReport(NewUuid(rng), "winkeldief gezien bij de supermarkt aan de rand");
  marker.mutable_location()->set_latitude(52.4960);  // north-west of the others' area
  marker.mutable_location()->set_longitude(4.6400);
  auto stub = v1::ReportService::NewStub(channel);
  v1::Report marker_out;
  grpc::Status marker_status = Submit(*stub, device, marker, &marker_out);
  ASSERT_TRUE(marker_status.ok()) << marker_status.error_message();
  const std::string marker_incident = marker_out.incident_id();

  for (size_t i = 0; i < watchers.size(); ++i) {
    QueueWatcher resumed(channel, admin2, resume_cursors[i], [&](const v1::QueueEvent& e) {
      return e.incident().name() == marker_incident;
    });
    resumed.Join();
    std::set<std::string> incidents;
    std::set<uint64_t> sequences;
    for (const auto* part : {&watchers[i]->events(), &resumed.events()}) {
      for (const v1::QueueEvent& e : *part) {
        EXPECT_TRUE(sequences.insert(SequenceOf(e.cursor())).second)
            << "stream " << i << " saw event " << e.cursor() << " twice";
        incidents.insert(e.incident().name());
      }
    }
    EXPECT_TRUE(incidents.count(marker_incident)) << "stream " << i << " never saw the marker";
    for (const auto& [report, incident] : acked) {
      EXPECT_TRUE(incidents.count(incident))
          << "stream " << i << " missed incident " << incident << " of report " << report;
    }
  }
  EXPECT_EQ(server->Terminate(), 0);
}


// The partner's first use is written to its record (queued, off the call's path); a second
// use within --partner_last_use_interval (1 h here) is not. After a SIGTERM restart on the same
// data dir the CLI lists the first use's time.
TEST(DrainTest, PartnerLastUseIsListedByTheCliAfterARestart) {
  TempDir data, secrets, scratch;
  std::vector<std::string> flags = OpsServerFlags(secrets.path());
  flags.push_back("--partner_last_use_interval=1h");
  auto server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, data.path(), flags)) << server->output();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  std::string admin = AdminToken(channel);
  ASSERT_FALSE(admin.empty());
  v1::CreatePartnerResponse created;
  {
    grpc::ClientContext context;
    WithToken(context, admin);
    v1::CreatePartnerRequest create;
    create.set_partner_id("telefoon");
    create.set_display_name("Telefonische meldingen");
    create.set_writes_per_second(1);
    create.set_write_burst(10);
    grpc::Status status = v1::AuthService::NewStub(channel)->CreatePartner(&context, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::mt19937_64 rng(41);
  auto reports = v1::ReportService::NewStub(channel);
  v1::Report out;
  const absl::Time first_before = absl::Now();
  grpc::Status status = Submit(*reports, created.api_key(), SpreadReport(rng, "fietsendief"), &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::Time first_after = absl::Now();
  status = Submit(*reports, created.api_key(), SpreadReport(rng, "winkeldief"), &out);
  ASSERT_TRUE(status.ok()) << status.error_message();

  reports.reset();
  channel.reset();
  ASSERT_EQ(server->Terminate(), 0) << server->output();
  server = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server->Start(WIJKWACHTD_BINARY, data.path(), flags)) << server->output();
  channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  admin = AdminToken(channel);
  ASSERT_FALSE(admin.empty());
  std::string output;
  ASSERT_EQ(RunProgram(WIJKWACHT_CLI_BINARY,
                       absl::StrCat("partners list --target=", server->address(), " --token=", admin),
                       scratch.path(), &output),
            0)
      << output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(output, m, std::regex(R"re("lastUseTime":\s*"([^"]+)")re")))
      << "no last use listed: " << output;
  absl::Time last;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, m[1].str(), &last, &error)) << error;
  EXPECT_GE(last, first_before) << output;
  EXPECT_LE(last, first_after) << "not the first use's time: " << output;
  EXPECT_EQ(server->Terminate(), 0);
}

}  // namespace
}  // namespace wijkwacht::testing
