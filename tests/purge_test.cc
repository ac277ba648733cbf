// Integration: PurgeIncident and the deletion log over the real server. A resident reports the
// same event twice (one incident of two reports) with a unique description marker, unique
// coordinates and sealed contact details, plus an unrelated report that must stay. Before the
// purge a scan of every file of the data dir (after a restart's flush) finds the marker, the
// coordinates' bytes and the sealed contact record (positive control). After
// PurgeIncident(UNFOUNDED) — which flushes and compacts — and another restart, no file holds
// any of them, while the unrelated report's marker is still found; the aggregates recompute
// to what is stored, the audit chain verifies, the deletion log lists the purge (without
// content), and the resident's feed says the reports were closed without details.
#include <cstring>
#include <filesystem>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/aggregate_store.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "storage/purge.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

const std::string kMasterKey(32, '\x5a');

std::string DoubleBytes(double d) {
  std::string bytes(sizeof d, '\0');
  std::memcpy(bytes.data(), &d, sizeof d);  // protobuf's fixed64 encoding on little-endian
  return bytes;
}

class PurgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().master_key = kMasterKey;
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    Connect();
  }
  void Connect() {
    dispatch_ = v1::DispatchService::NewStub(server_.channel());
    sync_ = v1::SyncService::NewStub(server_.channel());
  }
  void Restart() {
    server_.Stop();
    ASSERT_TRUE(server_.Start().ok());
    Connect();
  }

  grpc::Status Purge(const std::string& name, v1::PurgeIncidentRequest::Reason reason,
                     const std::string& note, v1::PurgeIncidentResponse* response,
                     const std::string* token = nullptr) {
    grpc::ClientContext context;
    WithToken(context, token ? *token : server_.admin_token());
    v1::PurgeIncidentRequest request;
    request.set_name(name);
    request.set_reason(reason);
    request.set_note(note);
    return dispatch_->PurgeIncident(&context, request, response);
  }

  v1::ListDeletionsResponse Deletions() {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::ListDeletionsResponse response;
    grpc::Status status = dispatch_->ListDeletions(&context, v1::ListDeletionsRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::StatusCode GetIncident(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    return dispatch_->GetIncident(&context, request, &incident).error_code();
  }

  grpc::StatusCode GetReport(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetReportRequest request;
    request.set_name(name);
    v1::Report report;
    return server_.reports().GetReport(&context, request, &report).error_code();
  }

  // With the server stopped: the sealed contact record of report `id`, as stored.
  std::string SealedContactOf(const std::string& id) {
    storage::EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = storage::Engine::Open(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    std::string sealed;
    EXPECT_TRUE((*engine)
                    ->Scan(storage::ColumnFamily::kSealedIdentities, "", "",
                           [&](absl::string_view key, absl::string_view value) {
                             if (absl::EndsWith(key, id)) sealed = std::string(value);
                             return true;
                           })
                    .ok());
    return sealed;
  }

  std::mt19937_64 rng_{20261207};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<v1::SyncService::Stub> sync_;
};

TEST_F(PurgeTest, PurgedIncidentLeavesNoTraceInAnyFileAndIsLogged) {
  const std::string marker = absl::StrCat("Qzmelding", rng_() % 1000000007);
  const std::string contact_marker = absl::StrCat("qzcontact", rng_() % 1000000007);
  const std::string keep_marker = absl::StrCat("Qzblijft", rng_() % 1000000007);
  const double lat = 52.4870 + static_cast<double>(rng_() % 1000) * 1e-9;
  const double lng = 4.6578 + static_cast<double>(rng_() % 1000) * 1e-9;
  const std::string resident = server_.resident_token();  // a restart registers another

  std::vector<v1::Report> stored(2);
  for (int i = 0; i < 2; ++i) {
    v1::Report r = BreestraatReport(NewUuid(rng_), absl::StrCat(
        "Verdachte man probeert fietsen open te breken bij de Breestraat ", marker, " ", i));
    r.mutable_location()->set_latitude(lat);
    r.mutable_location()->set_longitude(lng);
    if (i == 0) {
      r.mutable_contact()->set_email(absl::StrCat(contact_marker, "@voorbeeld.nl"));
      r.mutable_contact()->set_may_contact(true);
    }
    grpc::Status status = server_.SubmitAsResident(r, &stored[i]);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::string incident = stored[0].incident_id();
  ASSERT_EQ(stored[1].incident_id(), incident) << "the two reports of one event form one incident";
  v1::Report keep_report = BreestraatReport(NewUuid(rng_), absl::StrCat(
      "Kapotte lantaarnpaal op de hoek van de Zeestraat ", keep_marker));
  keep_report.mutable_location()->set_latitude(52.5010);
  keep_report.mutable_location()->set_longitude(4.6390);
  v1::Report kept;
  ASSERT_TRUE(server_.SubmitAsResident(keep_report, &kept).ok());
  ASSERT_NE(kept.incident_id(), incident);

  // Positive control, after a restart's flush: the scan finds every needle.
  server_.Stop();
  const std::string sealed_contact = SealedContactOf(stored[0].id());
  ASSERT_GE(sealed_contact.size(), 16u);
  const std::map<std::string, std::string> needles = {
      {"description", marker},
      {"latitude", DoubleBytes(lat)},
      {"longitude", DoubleBytes(lng)},
      {"sealed contact", sealed_contact}};
  for (const auto& [what, needle] : needles) {
    EXPECT_FALSE(FilesContaining(dir_.path(), needle).empty()) << what << " could not fail";
  }
  EXPECT_TRUE(FilesContaining(dir_.path(), contact_marker).empty());  // sealed from the start
  ASSERT_TRUE(server_.Start().ok());
  Connect();

  // A resident cannot purge (the role matrix is need_to_know_test's); the admin can.
  v1::PurgeIncidentResponse response;
  grpc::Status status = Purge(incident, v1::PurgeIncidentRequest::UNFOUNDED,
                              "Ter plaatse niets gevonden", &response, &server_.resident_token());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = Purge(incident, v1::PurgeIncidentRequest::UNFOUNDED, "Ter plaatse niets gevonden",
                 &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::map<std::string, int64_t> counts;
  for (const v1::Deletion& d : response.deletions()) counts[d.record_kind()] = d.count();
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"incident", 1}, {"report", 2}, {"contact", 1}}));

  EXPECT_EQ(GetIncident(incident), grpc::StatusCode::NOT_FOUND);
  for (const v1::Report& r : stored) EXPECT_EQ(GetReport(r.name()), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetReport(kept.name()), grpc::StatusCode::OK);
  // Purging again: it no longer exists.
  EXPECT_EQ(Purge(incident, v1::PurgeIncidentRequest::UNFOUNDED, "", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The deletion log: kinds, counts, who, why — and nothing of the content.
  const v1::ListDeletionsResponse log = Deletions();
  ASSERT_EQ(log.deletions_size(), 3);
  for (const v1::Deletion& d : log.deletions()) {
    EXPECT_EQ(d.target(), incident);
    EXPECT_EQ(d.reason(), "UNFOUNDED");
    EXPECT_EQ(d.note(), "Ter plaatse niets gevonden");
    EXPECT_EQ(d.actor(), absl::StrCat("users/", kAdminName));
    EXPECT_TRUE(d.has_delete_time());
    EXPECT_TRUE(absl::StartsWith(d.name(), "deletions/"));
  }
  EXPECT_EQ(log.SerializeAsString().find(marker), std::string::npos);

  // The resident's feed: each report closed, with the purge's message.
  {
    grpc::ClientContext context;
    WithToken(context, resident);
    v1::PullResponse pulled;
    ASSERT_TRUE(sync_->Pull(&context, v1::PullRequest(), &pulled).ok());
    std::map<std::string, int> closed, told;
    for (const v1::FeedChange& c : pulled.changes()) {
      if (c.has_report_status() && c.report_status().status() == v1::CLOSED) {
        ++closed[c.report_status().report()];
      }
      if (c.has_feedback() && c.feedback().message() == storage::kPurgedFeedback) {
        ++told[c.feedback().report()];
      }
    }
    for (const v1::Report& r : stored) {
      EXPECT_EQ(closed[r.name()], 1) << r.name();
      EXPECT_EQ(told[r.name()], 1) << r.name();
    }
    EXPECT_EQ(pulled.SerializeAsString().find(marker), std::string::npos);
  }

  // After a restart: no file holds any needle; the kept report's marker is still found.
  server_.Stop();
  for (const auto& [what, needle] : needles) {
    EXPECT_EQ(FilesContaining(dir_.path(), needle), std::vector<std::string>{}) << what;
  }
  EXPECT_FALSE(FilesContaining(dir_.path(), keep_marker).empty());
  {
    storage::EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = storage::Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    absl::StatusOr<std::vector<std::string>> differences = storage::VerifyAggregates(**engine);
    ASSERT_TRUE(differences.ok()) << differences.status();
    EXPECT_EQ(*differences, std::vector<std::string>{});
    absl::StatusOr<int64_t> audited = storage::VerifyAuditLog(**engine);
    EXPECT_TRUE(audited.ok()) << audited.status();
  }
  ASSERT_TRUE(server_.Start().ok());
  Connect();
  EXPECT_EQ(GetReport(kept.name()), grpc::StatusCode::OK);
  EXPECT_EQ(Deletions().deletions_size(), 3);
}

TEST_F(PurgeTest, BadRequestsNameTheFieldAndDeleteNothing) {
  v1::Report stored;
  ASSERT_TRUE(
      server_.SubmitAsResident(BreestraatReport(NewUuid(rng_), "Graffiti op de muur"), &stored)
          .ok());
  const std::string incident = stored.incident_id();
  v1::PurgeIncidentResponse response;
  struct Case {
    std::string name;
    v1::PurgeIncidentRequest::Reason reason;
    std::string note;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"", v1::PurgeIncidentRequest::UNFOUNDED, "", {"name"}},
      {"reports/x", v1::PurgeIncidentRequest::UNFOUNDED, "", {"name"}},
      {incident, v1::PurgeIncidentRequest::REASON_UNSPECIFIED, "", {"reason"}},
      {incident, static_cast<v1::PurgeIncidentRequest::Reason>(99), "", {"reason"}},
      {incident, v1::PurgeIncidentRequest::OTHER, "", {"note"}},
      {incident, v1::PurgeIncidentRequest::MALICIOUS, std::string(501, 'x'), {"note"}},
  };
  for (const Case& c : cases) {
    grpc::Status status = Purge(c.name, c.reason, c.note, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(ViolatedFields(status), c.fields) << c.name << " " << c.reason;
  }
  EXPECT_EQ(Purge("incidents/bestaat-niet", v1::PurgeIncidentRequest::DUPLICATE_OF_CLOSED, "",
                  &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::ListDeletionsRequest request;
    request.set_page_token("garbage");
    v1::ListDeletionsResponse log;
    grpc::Status status = dispatch_->ListDeletions(&context, request, &log);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"});
  }
  EXPECT_EQ(GetIncident(incident), grpc::StatusCode::OK);
  EXPECT_EQ(GetReport(stored.name()), grpc::StatusCode::OK);
  EXPECT_EQ(Deletions().deletions_size(), 0);
}

}  // namespace
}  // namespace wijkwacht::testing
