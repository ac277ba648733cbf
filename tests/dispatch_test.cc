// Integration: the dispatch desk over the real server (real tokens, real RocksDB, the real
// theme model): claim races, the workflow, merge/split/reclassify/feedback, the queue stream
// and the audit chain.
#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "storage/aggregate_store.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr char kPassword[] = "a long enough password";

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    dispatch_ = v1::DispatchService::NewStub(server_.channel());
    anna_ = Dispatcher("anna");
    bram_ = Dispatcher("bram");
  }

  std::string Dispatcher(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateAccountRequest request;
    request.set_username(name);
    request.set_role(v1::ROLE_DISPATCHER);
    request.set_password(kPassword);
    // Incidents here get reclassified to SUBVERSION, which by default only the ondermijning
    // department sees (need-to-know, tests/need_to_know_test.cc).
    request.add_departments("departments/ondermijning");
    v1::Account account;
    grpc::Status status = server_.auth().CreateAccount(&context, request, &account);
    EXPECT_TRUE(status.ok()) << status.error_message();
    absl::StatusOr<std::string> token = server_.Login(name, kPassword);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Submits a report at (lat, lng) and returns it.
  v1::Report Submit(double lat, double lng, const std::string& text,
                    const std::string& category = "winkeldiefstal") {
    v1::Report report = BreestraatReport(NewUuid(rng_), text);
    report.mutable_location()->set_latitude(lat);
    report.mutable_location()->set_longitude(lng);
    report.set_category(category);
    v1::SubmitReportRequest request;
    *request.mutable_report() = report;
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    v1::Report out;
    grpc::Status status = server_.reports().SubmitReport(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Incident GetIncident(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    grpc::Status status = dispatch_->GetIncident(&context, request, &incident);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return incident;
  }

  grpc::Status Transition(const std::string& name, v1::IncidentStatus target,
                          v1::Incident* out, const std::string& comment = "") {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::TransitionIncidentRequest request;
    request.set_name(name);
    request.set_version(GetIncident(name).version());
    request.set_target_status(target);
    request.set_comment(comment);
    return dispatch_->TransitionIncident(&context, request, out);
  }

  // Incidents on the map per theme (the gemeente this year, exact counts for staff).
  std::map<v1::Theme, int64_t> MapIncidents() {
    auto map = v1::MapService::NewStub(server_.channel());
    v1::GetAggregatesRequest request;
    v1::AggregateSelection& s = *request.mutable_selection();
    s.set_level(v1::GEMEENTE);
    s.set_period(v1::HALF_YEAR);
    *s.mutable_start_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(absl::Now() - absl::Hours(24 * 30)));
    *s.mutable_end_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(absl::Now() + absl::Hours(1)));
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::GetAggregatesResponse response;
    grpc::Status status = map->GetAggregates(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<v1::Theme, int64_t> out;
    for (const v1::AggregateCell& c : response.cells()) {
      if (c.incident_count() != 0) out[c.theme()] += c.incident_count();
    }
    return out;
  }
  static int64_t Total(const std::map<v1::Theme, int64_t>& counts) {
    int64_t total = 0;
    for (const auto& [theme, n] : counts) total += n;
    return total;
  }

  std::mt19937_64 rng_{11};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::string anna_, bram_;
};

TEST_F(DispatchTest, TwoDispatchersRacingForOneIncidentExactlyOneWins) {
  const v1::Report report = Submit(52.4870, 4.6578, "Winkeldief in de Breestraat gezien");
  const v1::Incident incident = GetIncident(report.incident_id());
  std::atomic<int> wins{0}, aborted{0};
  auto claim = [&](const std::string& token) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::ClaimIncidentRequest request;
    request.set_name(incident.name());
    request.set_version(incident.version());
    v1::Incident out;
    grpc::Status status = dispatch_->ClaimIncident(&context, request, &out);
    if (status.ok()) ++wins;
    if (status.error_code() == grpc::StatusCode::ABORTED) ++aborted;
  };
  std::thread a(claim, anna_), b(claim, bram_);
  a.join();
  b.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(aborted.load(), 1);
  const v1::Incident after = GetIncident(incident.name());
  EXPECT_TRUE(after.claimed_by() == "users/anna" || after.claimed_by() == "users/bram")
      << after.claimed_by();
  EXPECT_EQ(after.version(), incident.version() + 1);
}

TEST_F(DispatchTest, WorkflowQueueAndResolvedIncidentsAttractNoNewReports) {
  // The queue, from the start of the log.
  grpc::ClientContext watch_context;
  WithToken(watch_context, anna_);
  auto watch = dispatch_->WatchQueue(&watch_context, v1::WatchQueueRequest());

  const v1::Report report =
      Submit(52.4870, 4.6578, "Winkeldief in de Breestraat, rende richting station");
  const std::string name = report.incident_id();
  v1::QueueEvent event;
  ASSERT_TRUE(watch->Read(&event));
  EXPECT_TRUE(event.reason() == v1::QueueEvent::NEW ||
              event.reason() == v1::QueueEvent::NEEDS_REVIEW);
  EXPECT_EQ(event.incident().name(), name);
  EXPECT_GE(event.incident().priority(), 1);
  const std::string first_cursor = event.cursor();

  v1::Incident out;
  ASSERT_TRUE(Transition(name, v1::INCIDENT_TRIAGED, &out).ok());
  ASSERT_TRUE(watch->Read(&event));
  EXPECT_EQ(event.reason(), v1::QueueEvent::UPDATED);
  EXPECT_EQ(event.incident().name(), name);
  const std::string triaged_cursor = event.cursor();

  // Illegal: TRIAGED -> CLOSED names the allowed targets.
  grpc::Status illegal = Transition(name, v1::INCIDENT_CLOSED, &out);
  EXPECT_EQ(illegal.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(illegal.error_message(), "INCIDENT_DISPATCHED"))
      << illegal.error_message();
  // DISPATCHED needs a team.
  EXPECT_EQ(Transition(name, v1::INCIDENT_DISPATCHED, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::AssignIncidentRequest request;
    request.set_name(name);
    request.set_version(GetIncident(name).version());
    request.set_team(v1::HANDHAVING);
    ASSERT_TRUE(dispatch_->AssignIncident(&context, request, &out).ok());
  }
  ASSERT_TRUE(Transition(name, v1::INCIDENT_DISPATCHED, &out).ok());
  ASSERT_TRUE(Transition(name, v1::INCIDENT_IN_PROGRESS, &out).ok());
  ASSERT_TRUE(Transition(name, v1::INCIDENT_RESOLVED, &out).ok());
  EXPECT_EQ(out.status(), v1::INCIDENT_RESOLVED);

  // The reporter sees RESOLVED; a new report right there opens a new incident.
  {
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    v1::GetReportRequest request;
    request.set_name(report.name());
    v1::Report seen;
    ASSERT_TRUE(server_.reports().GetReport(&context, request, &seen).ok());
    EXPECT_EQ(seen.status(), v1::RESOLVED);
  }
  const v1::Report later = Submit(52.4870, 4.6578, "Weer een winkeldief in de Breestraat");
  EXPECT_NE(later.incident_id(), name);
  watch_context.TryCancel();

  // Resuming after the TRIAGED event gives exactly the later events, in order.
  grpc::ClientContext resume_context;
  WithToken(resume_context, bram_);
  v1::WatchQueueRequest resume;
  resume.set_resume_cursor(triaged_cursor);
  auto resumed = dispatch_->WatchQueue(&resume_context, resume);
  std::vector<v1::QueueEvent::Reason> reasons;
  for (int i = 0; i < 5; ++i) {  // assign, dispatched, in progress, resolved, new report
    ASSERT_TRUE(resumed->Read(&event));
    EXPECT_NE(event.cursor(), first_cursor);
    EXPECT_NE(event.cursor(), triaged_cursor);
    reasons.push_back(event.reason());
  }
  EXPECT_EQ(reasons[3], v1::QueueEvent::UPDATED);
  EXPECT_NE(reasons[4], v1::QueueEvent::UPDATED);
  EXPECT_EQ(event.incident().name(), later.incident_id());
  resume_context.TryCancel();
}

TEST_F(DispatchTest, MergeSplitReclassifyFeedbackAndTheAuditChain) {
  const v1::Report a = Submit(52.4870, 4.6578, "Winkeldief in de Breestraat gezien");
  const v1::Report b = Submit(52.4990, 4.6400, "Fiets gestolen bij het station", "fietsdiefstal");
  ASSERT_NE(a.incident_id(), b.incident_id());
  EXPECT_EQ(Total(MapIncidents()), 2);
  v1::Incident out;
  {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::MergeIncidentsRequest request;
    request.set_name(a.incident_id());
    request.set_version(GetIncident(a.incident_id()).version());
    request.add_merged(b.incident_id());
    grpc::Status status = dispatch_->MergeIncidents(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(out.reports_size(), 2);  // actions answer with the members, like GetIncident
    EXPECT_EQ(GetIncident(a.incident_id()).reports_size(), 2);
    EXPECT_EQ(GetIncident(b.incident_id()).status(), v1::INCIDENT_CLOSED);
    EXPECT_EQ(Total(MapIncidents()), 1);  // the absorbed incident no longer counts
  }
  {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::SplitReportRequest request;
    request.set_incident(a.incident_id());
    request.set_version(GetIncident(a.incident_id()).version());
    request.set_report(b.name());
    grpc::Status status = dispatch_->SplitReport(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(out.name(), "incidents/split-" + b.id());
    EXPECT_EQ(GetIncident(a.incident_id()).reports_size(), 1);
    EXPECT_EQ(Total(MapIncidents()), 2);  // the split-off report is an incident again
  }
  {
    // A second resident joins incident a; feedback reaches two distinct reporters.
    absl::StatusOr<std::string> other = server_.RegisterDevice();
    ASSERT_TRUE(other.ok());
    v1::Report report = BreestraatReport(NewUuid(rng_), "Winkeldief Breestraat rent weg");
    v1::SubmitReportRequest request;
    *request.mutable_report() = report;
    grpc::ClientContext context;
    WithToken(context, *other);
    v1::Report joined;
    ASSERT_TRUE(server_.reports().SubmitReport(&context, request, &joined).ok());
    ASSERT_EQ(joined.incident_id(), a.incident_id());
  }
  {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::ReclassifyIncidentRequest request;
    request.set_name(a.incident_id());
    request.set_version(GetIncident(a.incident_id()).version());
    request.set_theme(v1::SUBVERSION);
    grpc::Status status = dispatch_->ReclassifyIncident(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(out.theme(), v1::SUBVERSION);
    const std::map<v1::Theme, int64_t> counts = MapIncidents();
    EXPECT_EQ(Total(counts), 2);
    EXPECT_EQ(counts.count(v1::SUBVERSION) ? counts.at(v1::SUBVERSION) : 0, 1);  // moved along
  }
  {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::SendFeedbackRequest request;
    request.set_name(a.incident_id());
    request.set_message("Bedankt voor uw melding, handhaving gaat langs.");
    v1::SendFeedbackResponse response;
    grpc::Status status = dispatch_->SendFeedback(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.recipients(), 2);
    request.set_message("");
    grpc::ClientContext empty_context;
    WithToken(empty_context, anna_);
    status = dispatch_->SendFeedback(&empty_context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"message"});
  }
  // The audit log (admin only), paged oldest first.
  std::vector<v1::AuditEntry> entries;
  std::string token;
  do {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetAuditLogRequest request;
    request.set_page_size(2);
    request.set_page_token(token);
    v1::GetAuditLogResponse response;
    grpc::Status status = dispatch_->GetAuditLog(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& e : response.entries()) entries.push_back(e);
    token = response.next_page_token();
  } while (!token.empty());
  ASSERT_EQ(entries.size(), 4u);  // merge, split, reclassify, feedback
  EXPECT_EQ(entries[0].action(), "MergeIncidents");
  EXPECT_EQ(entries[3].action(), "SendFeedback");
  EXPECT_EQ(entries[0].actor(), "users/anna");
  {
    grpc::ClientContext context;
    WithToken(context, anna_);  // a dispatcher may not read it
    v1::GetAuditLogResponse response;
    EXPECT_EQ(dispatch_->GetAuditLog(&context, v1::GetAuditLogRequest(), &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }

  // Stop the server, check the chain and the stored correction, then tamper with entry 3.
  server_.Stop();
  storage::EngineOptions options;
  options.data_dir = dir_.path();
  auto engine = storage::Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto verified = storage::VerifyAuditLog(**engine);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified, 4);
  // The map counters still agree with a recomputation after merge, split and reclassify.
  auto differences = storage::VerifyAggregates(**engine);
  ASSERT_TRUE(differences.ok()) << differences.status();
  EXPECT_TRUE(differences->empty()) << (*differences)[0];
  auto correction = storage::GetCorrection(**engine, a.id());
  ASSERT_TRUE(correction.ok());
  ASSERT_TRUE(correction->has_value());
  EXPECT_TRUE(absl::StartsWith(**correction, "__label__SUBVERSION __cat__winkeldiefstal "))
      << **correction;
  v1::AuditEntry forged = entries[2];
  forged.set_actor("users/bram");
  ASSERT_TRUE((*engine)
                  ->CommitAndWait([&](storage::WriteContext& ctx) {
                    ctx.Put(storage::ColumnFamily::kAuditLog, storage::SequenceKey(3),
                            forged.SerializeAsString());
                    return absl::OkStatus();
                  })
                  .ok());
  auto broken = storage::VerifyAuditLog(**engine);
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(broken.status().message(), "audit entry 3")) << broken.status();
  (*engine)->Shutdown();
}

}  // namespace
}  // namespace wijkwacht::testing
