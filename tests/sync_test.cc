// Integration: the residents' offline-first sync (SyncService) over the real server: batched
// pushes replayed after a lost response, the device's own feed (Pull pages, Subscribe, resume
// from a cursor), amendments of one's own report only, and the data export.
#include <set>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    sync_ = v1::SyncService::NewStub(server_.channel());
    absl::StatusOr<std::string> other = server_.RegisterDevice();
    ASSERT_TRUE(other.ok()) << other.status();
    other_token_ = *other;
  }

  // A Breestraat report `east_m` metres east of the reference point.
  v1::Report Report(double east_m, const std::string& text) {
    v1::Report r = BreestraatReport(NewUuid(rng_), text);
    r.mutable_location()->set_longitude(r.location().longitude() + east_m / 67700);
    return r;
  }

  grpc::Status Push(const std::string& token, const std::vector<v1::Report>& reports,
                    v1::PushResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::PushRequest request;
    for (const v1::Report& r : reports) *request.add_reports() = r;
    return sync_->Push(&context, request, out);
  }

  // Pushes one valid report and returns its id.
  std::string PushOne(const std::string& token, const std::string& text) {
    v1::PushResponse out;
    v1::Report r = Report(5, text);
    grpc::Status status = Push(token, {r}, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(out.results_size(), 1);
    if (out.results_size() == 1) EXPECT_EQ(out.results(0).outcome(), v1::PushResult::STORED);
    return r.id();
  }

  grpc::Status Pull(const std::string& token, const std::string& cursor, int page_size,
                    v1::PullResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::PullRequest request;
    request.set_cursor(cursor);
    request.set_page_size(page_size);
    return sync_->Pull(&context, request, out);
  }

  // An open Subscribe stream with a deadline.
  struct Feed {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::FeedChange>> reader;
  };
  std::unique_ptr<Feed> Subscribe(const std::string& token, const std::string& cursor,
                                  absl::Duration deadline = absl::Seconds(30)) {
    auto feed = std::make_unique<Feed>();
    WithToken(feed->context, token);
    feed->context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    v1::SubscribeRequest request;
    request.set_cursor(cursor);
    feed->reader = sync_->Subscribe(&feed->context, request);
    return feed;
  }

  std::string ExportJson(const std::string& token) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::ExportMyDataResponse out;
    grpc::Status status = sync_->ExportMyData(&context, v1::ExportMyDataRequest(), &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.json();
  }

  std::mt19937_64 rng_{23};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::SyncService::Stub> sync_;
  std::string other_token_;
};

TEST_F(SyncTest, ReplayedPushGivesTheSameResultsAndStoresNothingTwice) {
  std::vector<v1::Report> batch = {
      Report(0, "Winkeldief bij de drogist, rent weg met een tas vol spullen"),
      Report(10, "Fietsen liggen over de stoep bij de bakker"),
      Report(20, "Man steelt parfum bij de drogisterij en fietst weg")};
  batch[1].mutable_location()->set_latitude(200);  // invalid

  v1::PushResponse first, second;
  grpc::Status status = Push(server_.resident_token(), batch, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The first response is lost: the app sends the same batch again.
  status = Push(server_.resident_token(), batch, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();

  ASSERT_EQ(first.results_size(), 3);
  ASSERT_EQ(second.results_size(), 3);
  EXPECT_EQ(first.results(0).outcome(), v1::PushResult::STORED);
  EXPECT_EQ(first.results(1).outcome(), v1::PushResult::REJECTED);
  EXPECT_EQ(first.results(2).outcome(), v1::PushResult::STORED);
  EXPECT_EQ(second.results(0).outcome(), v1::PushResult::REPLAYED);
  EXPECT_EQ(second.results(1).outcome(), v1::PushResult::REJECTED);
  EXPECT_EQ(second.results(2).outcome(), v1::PushResult::REPLAYED);
  for (const v1::PushResponse* r : {&first, &second}) {
    EXPECT_EQ(r->results(1).id(), batch[1].id());
    EXPECT_EQ(r->results(1).error_code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
    EXPECT_TRUE(absl::StartsWith(r->results(1).error_field(), "reports[1].location"))
        << r->results(1).error_field();
    EXPECT_NE(r->results(1).error_message(), "");
  }
  for (int i : {0, 2}) {
    EXPECT_EQ(first.results(i).report().name(), second.results(i).report().name());
    EXPECT_EQ(first.results(i).report().create_time().seconds(),
              second.results(i).report().create_time().seconds());
    EXPECT_EQ(first.results(i).report().incident_id(), second.results(i).report().incident_id());
  }

  // Exactly two reports stored, each once, and one RECEIVED change each.
  nlohmann::json exported = nlohmann::json::parse(ExportJson(server_.resident_token()));
  ASSERT_EQ(exported["reports"].size(), 2u);
  v1::PullResponse pulled;
  ASSERT_TRUE(Pull(server_.resident_token(), "", 100, &pulled).ok());
  std::multiset<std::string> received;
  for (const v1::FeedChange& c : pulled.changes()) received.insert(c.report_status().report());
  EXPECT_EQ(received, (std::multiset<std::string>{"reports/" + batch[0].id(),
                                                  "reports/" + batch[2].id()}));

  // More than 100 reports: the batch itself is refused, naming "reports".
  std::vector<v1::Report> too_many;
  for (int i = 0; i < 101; ++i) too_many.push_back(Report(i, "Kapotte lantaarnpaal"));
  v1::PushResponse refused;
  status = Push(server_.resident_token(), too_many, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"reports"});
}

TEST_F(SyncTest, FeedPagesSubscribesToOwnReportsOnlyAndResumesFromACursor) {
  const std::string mine1 = PushOne(server_.resident_token(), "Graffiti op de muur van de bank");
  PushOne(other_token_, "Jongeren hangen rond bij de snackbar en maken lawaai");
  const std::string mine2 = PushOne(server_.resident_token(), "Winkeldief rent weg bij de drogist");
  const std::string mine3 = PushOne(server_.resident_token(), "Fiets gestolen bij het station");

  // Pull in pages of two.
  v1::PullResponse page1, page2, page3;
  ASSERT_TRUE(Pull(server_.resident_token(), "", 2, &page1).ok());
  ASSERT_EQ(page1.changes_size(), 2);
  EXPECT_EQ(page1.changes(0).report_status().report(), "reports/" + mine1);
  EXPECT_EQ(page1.changes(0).report_status().status(), v1::RECEIVED);
  EXPECT_EQ(page1.changes(1).report_status().report(), "reports/" + mine2);
  EXPECT_EQ(page1.next_cursor(), page1.changes(1).cursor());
  ASSERT_TRUE(Pull(server_.resident_token(), page1.next_cursor(), 2, &page2).ok());
  ASSERT_EQ(page2.changes_size(), 1);
  EXPECT_EQ(page2.changes(0).report_status().report(), "reports/" + mine3);
  ASSERT_TRUE(Pull(server_.resident_token(), page2.next_cursor(), 2, &page3).ok());
  EXPECT_EQ(page3.changes_size(), 0);

  // Subscribe from the start: the three own reports, never the other device's.
  std::string cursor_after_second;
  {
    std::unique_ptr<Feed> feed = Subscribe(server_.resident_token(), "");
    v1::FeedChange change;
    std::vector<std::string> seen;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(feed->reader->Read(&change));
      seen.push_back(change.report_status().report());
      if (i == 1) cursor_after_second = change.cursor();
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"reports/" + mine1, "reports/" + mine2,
                                              "reports/" + mine3}));
    // Live: another device's report is not delivered, the next own one is.
    PushOne(other_token_, "Auto met draaiende motor staat al uren in de Zeestraat");
    const std::string mine4 = PushOne(server_.resident_token(), "Ruit ingegooid bij de kapper");
    ASSERT_TRUE(feed->reader->Read(&change));
    EXPECT_EQ(change.report_status().report(), "reports/" + mine4);
    EXPECT_EQ(change.report_status().status(), v1::RECEIVED);
    feed->context.TryCancel();
    while (feed->reader->Read(&change)) {
    }
    feed->reader->Finish();

    // Resuming after the second change yields exactly the third and fourth.
    std::unique_ptr<Feed> resumed =
        Subscribe(server_.resident_token(), cursor_after_second, absl::Seconds(3));
    std::vector<std::string> later;
    while (resumed->reader->Read(&change)) later.push_back(change.report_status().report());
    grpc::Status status = resumed->reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
    EXPECT_EQ(later, (std::vector<std::string>{"reports/" + mine3, "reports/" + mine4}));
  }

  // A malformed cursor names the field, for Pull and Subscribe.
  v1::PullResponse bad;
  grpc::Status status = Pull(server_.resident_token(), "not-a-cursor", 10, &bad);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"cursor"});
  std::unique_ptr<Feed> refused = Subscribe(server_.resident_token(), "c1.@@@");
  v1::FeedChange change;
  EXPECT_FALSE(refused->reader->Read(&change));
  status = refused->reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"cursor"});
}

TEST_F(SyncTest, OnlyTheReporterAmendsAndTheExportHoldsTheDevicesData) {
  const std::string mine = PushOne(server_.resident_token(), "Kapotte lantaarnpaal bij de kerk");
  const std::string theirs = PushOne(other_token_, "Vuilniszakken naast de container");

  auto amend = [&](const std::string& token, const std::string& id, const std::string& photo,
                   const std::string& note, v1::Report* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::AmendReportRequest request;
    request.set_name("reports/" + id);
    request.set_photo_ref(photo);
    request.set_note(note);
    return sync_->AmendReport(&context, request, out);
  };
  const std::string photo = "photos/" + NewUuid(rng_);
  v1::Report amended;
  grpc::Status status = amend(server_.resident_token(), mine, photo, "Hij brandt nu al drie dagen niet", &amended);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(amended.status(), v1::RECEIVED);

  v1::Report out;
  status = amend(server_.resident_token(), theirs, "", "Dit is mijn melding niet", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = amend(server_.resident_token(), mine, "https://example.org/x.jpg", "", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"photo_ref"});
  status = amend(server_.resident_token(), mine, "", "bel\x07", &out);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"note"});
  status = amend(server_.resident_token(), mine, "", "", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  const std::string json = ExportJson(server_.resident_token());
  nlohmann::json exported = nlohmann::json::parse(json);
  ASSERT_EQ(exported["reports"].size(), 1u);
  EXPECT_EQ(exported["reports"][0]["report"]["id"], mine);
  EXPECT_EQ(exported["reports"][0]["amendments"][0]["photo_ref"], photo);
  EXPECT_EQ(exported["reports"][0]["amendments"][0]["note"], "Hij brandt nu al drie dagen niet");
  EXPECT_TRUE(exported["device"].contains("device_id"));
  EXPECT_EQ(json.find("refresh_secret_hash"), std::string::npos);
  EXPECT_EQ(json.find(theirs), std::string::npos);
}

TEST_F(SyncTest, ShopkeepersFeedHoldsAlertsInTheBuurtenOfItsOwnReportsAResidentsNone) {
  // A shopkeeper, verified by the admin.
  std::string device, refresh;
  ASSERT_TRUE(server_.RegisterDevice(&device, &refresh).ok());
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::VerifyEntrepreneurRequest request;
    request.set_device(device);
    request.set_kvk_number("34567890");
    request.set_business_name("Bakkerij De Breestraat");
    v1::VerifyEntrepreneurResponse response;
    ASSERT_TRUE(server_.auth().VerifyEntrepreneur(&context, request, &response).ok());
  }
  v1::TokenResponse shop;
  {
    grpc::ClientContext context;
    v1::RefreshTokenRequest request;
    request.set_refresh_token(refresh);
    ASSERT_TRUE(server_.auth().RefreshToken(&context, request, &shop).ok());
  }
  auto alerts = v1::AlertService::NewStub(server_.channel());
  auto publish = [&](double lat, double lon, const std::string& text) {
    grpc::ClientContext context;
    WithToken(context, shop.access_token());
    v1::PublishAlertRequest request;
    request.set_alert_id(NewUuid(rng_));
    request.set_type(v1::PICKPOCKET);
    request.set_description(text);
    request.mutable_location()->set_latitude(lat);
    request.mutable_location()->set_longitude(lon);
    v1::Alert out;
    grpc::Status status = alerts->PublishAlert(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.name();
  };

  // Before the device reported anything there, an alert in the Breestraat is not its concern.
  publish(52.4870, 4.6578, "Zakkenroller bij de bushalte");
  const std::string mine = PushOne(shop.access_token(), "Winkeldief bij de drogist");
  const std::string resident_report =
      PushOne(server_.resident_token(), "Winkeldief bij de bakker, liep naar het station");
  const std::string near = publish(52.4871, 4.6577, "Zakkenroller in de Breestraat");
  publish(52.5110, 4.6700, "Zakkenroller op de markt in Heemskerk");

  v1::PullResponse pulled;
  ASSERT_TRUE(Pull(shop.access_token(), "", 50, &pulled).ok());
  ASSERT_EQ(pulled.changes_size(), 2);
  EXPECT_EQ(pulled.changes(0).report_status().report(), "reports/" + mine);
  EXPECT_EQ(pulled.changes(1).alert().name(), near);
  EXPECT_EQ(pulled.changes(1).alert().state(), v1::ACTIVE);
  // A resident reported there too, but residents may not subscribe to alerts: its feed holds
  // its own report only (issue 15, row 12).
  v1::PullResponse resident;
  ASSERT_TRUE(Pull(server_.resident_token(), "", 50, &resident).ok());
  ASSERT_EQ(resident.changes_size(), 1);
  EXPECT_EQ(resident.changes(0).report_status().report(), "reports/" + resident_report);
  // A device without reports there gets none of them.
  v1::PullResponse other;
  ASSERT_TRUE(Pull(other_token_, "", 50, &other).ok());
  EXPECT_EQ(other.changes_size(), 0);
}

}  // namespace
}  // namespace wijkwacht::testing
