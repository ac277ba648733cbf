// Integration, multi-client, over the real server with real tokens: a resident's phone pushes
// reports queued offline (twice, as after a lost response), the dispatch desk triages, merges,
// resolves and sends feedback, and the resident's Subscribe stream receives the status
// changes and the feedback, in order.
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

class ThreeClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    sync_ = v1::SyncService::NewStub(server_.channel());
    dispatch_ = v1::DispatchService::NewStub(server_.channel());
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateAccountRequest account;
    account.set_username("desk");
    account.set_role(v1::ROLE_DISPATCHER);
    account.set_password("a long enough password");
    v1::Account created;
    ASSERT_TRUE(server_.auth().CreateAccount(&context, account, &created).ok());
    absl::StatusOr<std::string> token = server_.Login("desk", "a long enough password");
    ASSERT_TRUE(token.ok()) << token.status();
    desk_ = *token;
  }

  v1::Incident Get(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, desk_);
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    grpc::Status status = dispatch_->GetIncident(&context, request, &incident);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return incident;
  }

  void Transition(const std::string& name, v1::IncidentStatus target,
                  const std::string& comment = "") {
    grpc::ClientContext context;
    WithToken(context, desk_);
    v1::TransitionIncidentRequest request;
    request.set_name(name);
    request.set_version(Get(name).version());
    request.set_target_status(target);
    request.set_comment(comment);
    v1::Incident out;
    grpc::Status status = dispatch_->TransitionIncident(&context, request, &out);
    ASSERT_TRUE(status.ok()) << v1::IncidentStatus_Name(target) << ": " << status.error_message();
  }

  std::mt19937_64 rng_{99};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::SyncService::Stub> sync_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::string desk_;
};

TEST_F(ThreeClientsTest, OfflinePushDispatchWorkflowAndFeedbackReachTheResidentInOrder) {
  // The resident's phone was offline: two reports of dumped waste behind the station, two
  // hours apart and 400 m apart (two incidents), queued with their client ids.
  std::string device;
  absl::StatusOr<std::string> phone = server_.RegisterDevice(&device);
  ASSERT_TRUE(phone.ok()) << phone.status();
  v1::PushRequest push;
  const absl::Time now = absl::Now();
  for (int i = 0; i < 2; ++i) {
    v1::Report r = BreestraatReport(NewUuid(rng_), i == 0 ? "Grofvuil gedumpt achter het station: "
                                                            "een bank en vuilniszakken"
                                                          : "Weer afval gedumpt, nu een matras en "
                                                            "dozen naast de container");
    r.set_category("signalen.afval.grofvuil");
    r.mutable_location()->set_latitude(52.4790 + 0.0036 * i);
    r.mutable_location()->set_longitude(4.6560);
    *r.mutable_observed_time() = TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(now - absl::Hours(3 - 2 * i)));
    *push.add_reports() = r;
  }
  v1::PushResponse first, second;
  {
    grpc::ClientContext context;
    WithToken(context, *phone);
    ASSERT_TRUE(sync_->Push(&context, push, &first).ok());
  }
  {
    // The first response was lost: the phone sends the same batch again.
    grpc::ClientContext context;
    WithToken(context, *phone);
    ASSERT_TRUE(sync_->Push(&context, push, &second).ok());
  }
  ASSERT_EQ(first.results_size(), 2);
  ASSERT_EQ(second.results_size(), 2);
  std::vector<std::string> incidents;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(first.results(i).outcome(), v1::PushResult::STORED);
    EXPECT_EQ(second.results(i).outcome(), v1::PushResult::REPLAYED);
    EXPECT_EQ(second.results(i).report().incident_id(), first.results(i).report().incident_id());
    incidents.push_back(first.results(i).report().incident_id());
  }
  ASSERT_NE(incidents[0], incidents[1]);

  // The phone starts listening from the beginning of its feed.
  grpc::ClientContext listen;
  WithToken(listen, *phone);
  listen.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::SubscribeRequest subscribe;
  auto feed = sync_->Subscribe(&listen, subscribe);

  // The desk triages the first incident, merges the second into it, resolves it and thanks
  // the reporter.
  Transition(incidents[0], v1::INCIDENT_TRIAGED);
  {
    grpc::ClientContext context;
    WithToken(context, desk_);
    v1::MergeIncidentsRequest merge;
    merge.set_name(incidents[0]);
    merge.set_version(Get(incidents[0]).version());
    merge.add_merged(incidents[1]);
    v1::Incident merged;
    grpc::Status status = dispatch_->MergeIncidents(&context, merge, &merged);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(merged.reports_size(), 2);
  }
  Transition(incidents[0], v1::INCIDENT_IN_PROGRESS);
  Transition(incidents[0], v1::INCIDENT_RESOLVED);
  {
    grpc::ClientContext context;
    WithToken(context, desk_);
    v1::SendFeedbackRequest feedback;
    feedback.set_name(incidents[0]);
    feedback.set_message("Bedankt! Het afval is opgehaald door de gemeente.");
    v1::SendFeedbackResponse sent;
    ASSERT_TRUE(dispatch_->SendFeedback(&context, feedback, &sent).ok());
    EXPECT_EQ(sent.recipients(), 1);
  }

  // The phone's feed: per report the statuses in workflow order, then the feedback; every
  // change carries a cursor to resume after it.
  std::map<std::string, std::vector<v1::ReportStatus>> statuses;
  std::set<std::string> thanked;
  v1::FeedChange change;
  while (thanked.size() < 2 && feed->Read(&change)) {
    EXPECT_FALSE(change.cursor().empty());
    if (change.has_report_status()) {
      statuses[change.report_status().report()].push_back(change.report_status().status());
    } else if (change.has_feedback()) {
      EXPECT_EQ(change.feedback().message(), "Bedankt! Het afval is opgehaald door de gemeente.");
      thanked.insert(change.feedback().report());
    }
  }
  EXPECT_EQ(thanked.size(), 2u);
  ASSERT_EQ(statuses.size(), 2u);
  for (const auto& [report, seen] : statuses) {
    ASSERT_FALSE(seen.empty()) << report;
    EXPECT_EQ(seen.front(), v1::RECEIVED) << report;
    EXPECT_EQ(seen.back(), v1::RESOLVED) << report;
    // Never backwards through the workflow.
    for (size_t i = 1; i < seen.size(); ++i) {
      if (seen[i - 1] != v1::RECEIVED) EXPECT_GE(seen[i], seen[i - 1]) << report;
    }
  }
  listen.TryCancel();
  feed->Finish().IgnoreError();
}

}  // namespace
}  // namespace wijkwacht::testing
