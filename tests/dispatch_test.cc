// Integration: the dispatch desk over the real server (real tokens, real RocksDB, the real
// theme model): claim races, the workflow, merge/split/reclassify/feedback, the queue stream
// and the audit chain.
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/aggregate_store.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/meta_keys.h"
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
    // The device is shown its own id; staff see the join.
    ASSERT_EQ(IncidentAsStaff(server_.reports(), server_.admin_token(), joined.name()),
              a.incident_id());
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

// A dispatcher reads one incident's history: every audit entry about it, oldest first, paged;
// merges and splits show on both incidents; nothing about other incidents; bad requests name
// the field. A data dir from before the history index gets it built at the next start.
TEST_F(DispatchTest, IncidentHistoryForDispatchers) {
  const v1::Report a = Submit(52.4870, 4.6578, "Winkeldief in de Breestraat gezien");
  const v1::Report b = Submit(52.4990, 4.6400, "Fiets gestolen bij het station", "fietsdiefstal");
  const v1::Report c = Submit(52.4780, 4.6700, "Tas gestolen uit auto bij de Wijkertoren",
                              "fietsdiefstal");
  ASSERT_NE(a.incident_id(), b.incident_id());
  ASSERT_NE(a.incident_id(), c.incident_id());
  ASSERT_NE(b.incident_id(), c.incident_id());
  const auto act = [&](const std::function<grpc::Status(grpc::ClientContext*, int64_t)>& call,
                       const std::string& incident) {
    grpc::ClientContext context;
    WithToken(context, anna_);
    grpc::Status status = call(&context, GetIncident(incident).version());
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  v1::Incident out;
  const auto claim = [&](const std::string& name) {
    act([&](grpc::ClientContext* ctx, int64_t version) {
      v1::ClaimIncidentRequest r;
      r.set_name(name);
      r.set_version(version);
      return dispatch_->ClaimIncident(ctx, r, &out);
    }, name);
  };
  claim(a.incident_id());
  claim(c.incident_id());  // another incident's entry, never in a's history
  act([&](grpc::ClientContext* ctx, int64_t version) {
    v1::AssignIncidentRequest r;
    r.set_name(a.incident_id());
    r.set_version(version);
    r.set_department("departments/handhaving");
    return dispatch_->AssignIncident(ctx, r, &out);
  }, a.incident_id());
  ASSERT_TRUE(Transition(a.incident_id(), v1::INCIDENT_TRIAGED, &out).ok());
  act([&](grpc::ClientContext* ctx, int64_t version) {
    v1::MergeIncidentsRequest r;
    r.set_name(a.incident_id());
    r.set_version(version);
    r.add_merged(b.incident_id());
    return dispatch_->MergeIncidents(ctx, r, &out);
  }, a.incident_id());
  act([&](grpc::ClientContext* ctx, int64_t version) {
    v1::SplitReportRequest r;
    r.set_incident(a.incident_id());
    r.set_version(version);
    r.set_report(b.name());
    return dispatch_->SplitReport(ctx, r, &out);
  }, a.incident_id());
  const std::string split = out.name();
  act([&](grpc::ClientContext* ctx, int64_t version) {
    v1::ReclassifyIncidentRequest r;
    r.set_name(a.incident_id());
    r.set_version(version);
    r.set_theme(v1::PHYSICAL_BUSINESS);
    return dispatch_->ReclassifyIncident(ctx, r, &out);
  }, a.incident_id());
  {
    grpc::ClientContext context;
    WithToken(context, anna_);
    v1::SendFeedbackRequest r;
    r.set_name(a.incident_id());
    // A name in a caller's text does not put the entry into that incident's history.
    r.set_message(absl::StrCat("Zelfde dader als ", c.incident_id(), "?"));
    v1::SendFeedbackResponse response;
    ASSERT_TRUE(dispatch_->SendFeedback(&context, r, &response).ok());
  }

  // One page of `name`'s history, read by bram (another dispatcher).
  const auto call = [&](const std::string& name, int page_size, const std::string& token,
                        v1::GetIncidentHistoryResponse* response) {
    grpc::ClientContext context;
    WithToken(context, bram_);
    v1::GetIncidentHistoryRequest request;
    request.set_name(name);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return dispatch_->GetIncidentHistory(&context, request, response);
  };
  // The whole history, `page_size` at a time.
  const auto history = [&](const std::string& name, int page_size) {
    std::vector<v1::AuditEntry> entries;
    std::string token;
    do {
      v1::GetIncidentHistoryResponse response;
      grpc::Status status = call(name, page_size, token, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(response.entries_size(), page_size);
      for (const auto& e : response.entries()) entries.push_back(e);
      token = response.next_page_token();
    } while (!token.empty());
    return entries;
  };
  const auto actions = [](const std::vector<v1::AuditEntry>& entries) {
    std::vector<std::string> out;
    for (const v1::AuditEntry& e : entries) out.push_back(e.action());
    return out;
  };
  const std::vector<std::string> of_a = {"ClaimIncident",    "AssignIncident", "TransitionIncident",
                                         "MergeIncidents",   "SplitReport",    "ReclassifyIncident",
                                         "SendFeedback"};
  const std::vector<v1::AuditEntry> a_history = history(a.incident_id(), 2);
  EXPECT_EQ(actions(a_history), of_a);
  for (size_t i = 1; i < a_history.size(); ++i) {
    EXPECT_LT(a_history[i - 1].sequence(), a_history[i].sequence());
  }
  for (const v1::AuditEntry& e : a_history) {
    EXPECT_EQ(e.target(), a.incident_id());
    EXPECT_EQ(e.actor(), "users/anna");
  }
  EXPECT_EQ(actions(history(a.incident_id(), 1000)), of_a);
  // The absorbed incident shows its merge; the split-off one the split that opened it.
  EXPECT_EQ(actions(history(b.incident_id(), 50)), std::vector<std::string>{"MergeIncidents"});
  EXPECT_EQ(actions(history(split, 50)), std::vector<std::string>{"SplitReport"});
  EXPECT_EQ(actions(history(c.incident_id(), 50)), std::vector<std::string>{"ClaimIncident"});

  // Bad requests name the field; an incident that does not exist is NOT_FOUND.
  v1::GetIncidentHistoryResponse first_page;
  ASSERT_TRUE(call(a.incident_id(), 2, "", &first_page).ok());
  const std::string a_token = first_page.next_page_token();
  ASSERT_FALSE(a_token.empty());
  const struct {
    std::string name;
    int page_size;
    std::string token;
    const char* field;
  } bad[] = {
      {"", 0, "", "name"},
      {"reports/x", 0, "", "name"},
      {a.incident_id(), -1, "", "page_size"},
      {a.incident_id(), 0, "bm90IGEgdG9rZW4", "page_token"},
      {a.incident_id(), 0, a_token + "A", "page_token"},
      {c.incident_id(), 0, a_token, "page_token"},  // made for another incident
  };
  for (const auto& t : bad) {
    v1::GetIncidentHistoryResponse response;
    const grpc::Status status = call(t.name, t.page_size, t.token, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << t.field;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{t.field}) << status.error_message();
  }
  v1::GetIncidentHistoryResponse none;
  EXPECT_EQ(call("incidents/bestaat-niet", 0, "", &none).error_code(), grpc::StatusCode::NOT_FOUND);

  // A data dir from before the index: no audit_by_incident keys, no "built" mark. The next
  // start indexes the log, and the history is the same.
  server_.Stop();
  {
    storage::EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = storage::Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    std::vector<std::string> keys;
    ASSERT_TRUE((*engine)
                    ->Scan(storage::ColumnFamily::kAuditByIncident, "", "",
                           [&](absl::string_view key, absl::string_view) {
                             keys.emplace_back(key);
                             return true;
                           })
                    .ok());
    EXPECT_GE(keys.size(), of_a.size() + 3);
    ASSERT_TRUE((*engine)
                    ->CommitAndWait([&](storage::WriteContext& ctx) {
                      for (const std::string& key : keys) {
                        ctx.Delete(storage::ColumnFamily::kAuditByIncident, key);
                      }
                      ctx.Delete(storage::ColumnFamily::kMeta,
                                 storage::meta::kAuditIncidentIndexBuilt);
                      return absl::OkStatus();
                    })
                    .ok());
    (*engine)->Shutdown();
  }
  absl::Status restarted = server_.Start();
  ASSERT_TRUE(restarted.ok()) << restarted;
  dispatch_ = v1::DispatchService::NewStub(server_.channel());
  bram_ = *server_.Login("bram", kPassword);
  EXPECT_EQ(actions(history(a.incident_id(), 3)), of_a);
  EXPECT_EQ(actions(history(b.incident_id(), 3)), std::vector<std::string>{"MergeIncidents"});
  EXPECT_EQ(actions(history(split, 3)), std::vector<std::string>{"SplitReport"});
}

// ListIncidents beyond one page while the desk works: every incident that existed when paging
// began comes exactly once, in the stable order newest created first, although new incidents
// open and listed ones change status between the pages. Tokens are validated: a forged or
// altered one, or one reused with other filters, is INVALID_ARGUMENT naming page_token.
TEST(ListIncidentsPagingTest, EveryIncidentExactlyOnceWhileNewOnesArrive) {
  TempDir dir;
  ServerFixture server(dir.path());
  server.options().device_write_burst = 1e6;
  server.options().peer_write_burst = 1e6;
  // Every report its own incident: the test is about the list, not the grouping.
  server.options().dedup.radius_meters = 1;
  server.options().dedup.near_meters = 1;
  server.options().dedup.max_accuracy_slack_meters = 0;
  const absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  auto dispatch = v1::DispatchService::NewStub(server.channel());
  const std::string admin = server.admin_token();
  std::mt19937_64 rng(230);
  int submitted = 0;
  const auto open_incident = [&] {
    const int i = submitted++;
    v1::Report report = BreestraatReport(NewUuid(rng), absl::StrCat("Winkeldiefstal nummer ", i));
    report.mutable_location()->set_latitude(52.4800 + 0.0004 * (i % 40));
    report.mutable_location()->set_longitude(4.6450 + 0.0006 * (i / 40));
    report.set_accuracy_meters(1);
    v1::Report stored;
    grpc::Status status = server.SubmitAsResident(report, &stored);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return stored.incident_id();
  };
  std::set<std::string> before;
  for (int i = 0; i < 230; ++i) before.insert(open_incident());
  ASSERT_EQ(before.size(), 230u);

  const auto list = [&](int page_size, const std::string& token, v1::IncidentStatus status,
                        v1::ListIncidentsResponse* response) {
    grpc::ClientContext context;
    WithToken(context, admin);
    v1::ListIncidentsRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_status(status);
    return dispatch->ListIncidents(&context, request, response);
  };
  std::vector<std::string> seen;
  std::vector<std::string> tokens;
  std::string token;
  int pages = 0;
  do {
    v1::ListIncidentsResponse response;
    grpc::Status status = list(20, token, v1::INCIDENT_STATUS_UNSPECIFIED, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_LE(response.incidents_size(), 20);
    for (const v1::Incident& incident : response.incidents()) seen.push_back(incident.name());
    // The desk works between two pages: new incidents, a listed one moves on.
    for (int k = 0; k < 3; ++k) open_incident();
    if (!response.incidents().empty()) {
      const v1::Incident& moved = response.incidents(0);
      grpc::ClientContext context;
      WithToken(context, admin);
      v1::TransitionIncidentRequest request;
      request.set_name(moved.name());
      request.set_version(moved.version());
      request.set_target_status(v1::INCIDENT_TRIAGED);
      v1::Incident out;
      grpc::Status moved_status = dispatch->TransitionIncident(&context, request, &out);
      EXPECT_TRUE(moved_status.ok()) << moved_status.error_message();
    }
    token = response.next_page_token();
    if (!token.empty()) tokens.push_back(token);
    ++pages;
  } while (!token.empty() && pages < 100);
  EXPECT_GE(pages, 12);
  std::map<std::string, int> times;
  for (const std::string& name : seen) ++times[name];
  for (const auto& [name, n] : times) EXPECT_EQ(n, 1) << name << " listed " << n << " times";
  for (const std::string& name : before) {
    EXPECT_EQ(times.count(name), 1u) << name << " existed before paging began, never listed";
  }

  // Tokens: forged, altered, or for other filters. A token is the store's position, a dot and
  // its signature (services/page_tokens.h); the altered ones keep the original signature.
  ASSERT_FALSE(tokens.empty());
  const size_t dot = tokens[0].rfind('.');
  ASSERT_NE(dot, std::string::npos) << tokens[0];
  const std::string signature = tokens[0].substr(dot);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(tokens[0].substr(0, dot), &raw));
  std::string other_filters = raw;
  other_filters[3] ^= 0x01;  // the filters' hash
  std::string bad_key = raw;
  bad_key.back() = '/';  // not an incident id
  const std::string bad[] = {"bm90IGVlbiB0b2tlbg", "%%%", tokens[0].substr(0, 10),
                             tokens[0].substr(0, dot),
                             absl::WebSafeBase64Escape(other_filters) + signature,
                             absl::WebSafeBase64Escape(bad_key) + signature};
  for (const std::string& forged : bad) {
    v1::ListIncidentsResponse response;
    grpc::Status status = list(20, forged, v1::INCIDENT_STATUS_UNSPECIFIED, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << forged;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"}) << forged;
  }
  v1::ListIncidentsResponse response;
  grpc::Status status = list(20, tokens[0], v1::INCIDENT_NEW, &response);  // other filters
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"});
}

}  // namespace
}  // namespace wijkwacht::testing
