// Integration: sealed reporter identities and crypto-shredding over the real server. A
// resident leaves identifiable markers (contact details with SubmitReport and Push, a photo
// reference); the export opens them for the resident; RevokeDevice with erase destroys the
// data key, and then no file in the data dir (SST, WAL, MANIFEST, OPTIONS, LOG, keys) holds
// the device id, the contact markers, the wrapped data key or the raw data key — while the
// reports (pseudonymous) and the map counts stay as they were.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "privacy/sealer.h"
#include "storage/engine.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

const std::string kMasterKey(32, '\x6d');

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().master_key = kMasterKey;
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    Connect();
  }
  void Connect() {
    sync_ = v1::SyncService::NewStub(server_.channel());
    map_ = v1::MapService::NewStub(server_.channel());
  }

  absl::StatusOr<nlohmann::json> Export(const std::string& token, grpc::Status* status) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::ExportMyDataResponse response;
    *status = sync_->ExportMyData(&context, v1::ExportMyDataRequest(), &response);
    if (!status->ok()) return absl::UnavailableError(status->error_message());
    return nlohmann::json::parse(response.json());
  }

  // RevokeDevice with erase, called with `token`.
  grpc::Status Erase(const std::string& token, const std::string& device) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::RevokeDeviceRequest request;
    request.set_device(device);
    request.set_erase(true);
    v1::RevokeDeviceResponse response;
    return server_.auth().RevokeDevice(&context, request, &response);
  }

  std::string Aggregates() {
    v1::AggregateSelection s;
    s.set_level(v1::GEMEENTE);
    s.set_period(v1::HALF_YEAR);
    *s.mutable_start_time() = TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(absl::Now() - absl::Hours(24 * 200)));
    *s.mutable_end_time() =
        TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now() + absl::Hours(1)));
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetAggregatesRequest request;
    *request.mutable_selection() = s;
    v1::GetAggregatesResponse response;
    grpc::Status status = map_->GetAggregates(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.SerializeAsString();
  }

  std::mt19937_64 rng_{1234};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::SyncService::Stub> sync_;
  std::unique_ptr<v1::MapService::Stub> map_;
};

TEST_F(PrivacyTest, ContactDetailsAreValidatedWithTheFieldNamed) {
  v1::Report report = BreestraatReport(NewUuid(rng_), "Fietsendief bij het station");
  report.mutable_contact()->set_email("geen-adres");
  v1::Report stored;
  grpc::Status status = server_.SubmitAsResident(report, &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"report.contact.email"});

  report.mutable_contact()->Clear();  // present but empty
  status = server_.SubmitAsResident(report, &stored);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"report.contact"});

  grpc::ClientContext context;
  WithToken(context, server_.resident_token());
  v1::PushRequest push;
  *push.add_reports() = BreestraatReport(NewUuid(rng_), "Inbraak in een schuur");
  push.mutable_reports(0)->mutable_contact()->set_phone("12ab");
  v1::PushResponse pushed;
  ASSERT_TRUE(sync_->Push(&context, push, &pushed).ok());
  ASSERT_EQ(pushed.results_size(), 1);
  EXPECT_EQ(pushed.results(0).outcome(), v1::PushResult::REJECTED);
  EXPECT_EQ(pushed.results(0).error_field(), "reports[0].contact.phone");
}

TEST_F(PrivacyTest, ShopkeepersBusinessDetailsAreSealedExportedAndErased) {
  std::string device, refresh;
  absl::StatusOr<std::string> token = server_.RegisterDevice(&device, &refresh);
  ASSERT_TRUE(token.ok()) << token.status();
  const std::string kvk = absl::StrFormat("%08d", static_cast<int>(rng_() % 100000000));
  const std::string business = absl::StrCat("Bakkerij Qx", rng_() % 1000000007);
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::VerifyEntrepreneurRequest request;
    request.set_device(device);
    request.set_kvk_number(kvk);
    request.set_business_name(business);
    v1::VerifyEntrepreneurResponse response;
    grpc::Status status = server_.auth().VerifyEntrepreneur(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  grpc::Status status;
  absl::StatusOr<nlohmann::json> exported = Export(*token, &status);
  ASSERT_TRUE(exported.ok()) << exported.status();
  const nlohmann::json& sealed = (*exported)["sealed_identity"];
  EXPECT_EQ(sealed["business"]["kvk_number"], kvk) << exported->dump();
  EXPECT_EQ(sealed["business"]["business_name"], business);
  EXPECT_EQ((*exported)["device"].value("kvk_number", ""), "");  // not in the record itself

  // Neither is on disk in clear (WAL and SST alike, after a restart's flush).
  server_.Stop();
  ASSERT_TRUE(server_.Start().ok());
  Connect();
  EXPECT_EQ(FilesContaining(dir_.path(), business), std::vector<std::string>{});
  EXPECT_EQ(FilesContaining(dir_.path(), kvk), std::vector<std::string>{});

  // Erasure: the export no longer opens them (the device is gone; an admin erases it).
  status = Erase(server_.admin_token(), device);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(Export(*token, &status).ok());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(PrivacyTest, ErasureShredsTheIdentityEverywhereAndKeepsReportsAndCounts) {
  std::string device, refresh;
  absl::StatusOr<std::string> token = server_.RegisterDevice(&device, &refresh);
  ASSERT_TRUE(token.ok()) << token.status();
  const std::string device_id = device.substr(std::string("devices/").size());
  const std::string marker = absl::StrCat("Zq", rng_() % 1000000007);

  // Contact details through both write paths, and a photo reference.
  v1::Report first = BreestraatReport(NewUuid(rng_), "Winkeldief rende richting station");
  v1::ContactDetails& contact = *first.mutable_contact();
  contact.set_name(absl::StrCat("Jansen ", marker));
  contact.set_email(absl::StrCat(marker, "@voorbeeld.nl"));
  contact.set_phone("+31 6 5555 0101");
  v1::Report stored;
  {
    grpc::ClientContext context;
    WithToken(context, *token);
    v1::SubmitReportRequest request;
    *request.mutable_report() = first;
    grpc::Status status = server_.reports().SubmitReport(&context, request, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(stored.has_contact());
  }
  v1::Report second = BreestraatReport(NewUuid(rng_), "Zelfde persoon weer gezien");
  second.mutable_contact()->set_email(absl::StrCat("tweede.", marker, "@voorbeeld.nl"));
  {
    grpc::ClientContext context;
    WithToken(context, *token);
    v1::PushRequest request;
    *request.add_reports() = second;
    v1::PushResponse response;
    ASSERT_TRUE(sync_->Push(&context, request, &response).ok());
    ASSERT_EQ(response.results(0).outcome(), v1::PushResult::STORED)
        << response.results(0).error_message();
  }
  {
    grpc::ClientContext context;
    WithToken(context, *token);
    v1::AmendReportRequest request;
    request.set_name(absl::StrCat("reports/", first.id()));
    request.set_photo_ref(absl::StrCat("photos/", NewUuid(rng_)));
    v1::Report amended;
    grpc::Status status = sync_->AmendReport(&context, request, &amended);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The resident's export opens their sealed identity; the reports carry only a pseudonym.
  grpc::Status status;
  absl::StatusOr<nlohmann::json> exported = Export(*token, &status);
  ASSERT_TRUE(exported.ok()) << exported.status();
  const nlohmann::json& sealed = (*exported)["sealed_identity"];
  EXPECT_EQ(sealed["erased"], false);
  EXPECT_EQ(sealed["device_id"], device_id);
  ASSERT_EQ(sealed["contacts"].size(), 2u) << exported->dump();
  EXPECT_EQ(sealed["contacts"][0]["email"], absl::StrCat(marker, "@voorbeeld.nl"));
  const std::string pseudonym = (*exported)["device"]["pseudonym"];
  ASSERT_EQ(pseudonym.size(), 33u);
  ASSERT_EQ((*exported)["reports"].size(), 2u);
  for (const nlohmann::json& r : (*exported)["reports"]) EXPECT_EQ(r["reporter"], pseudonym);
  EXPECT_EQ(exported->dump().find("contact\":{"), std::string::npos);  // never in a report
  // The feed still finds the resident's own reports through the pseudonym.
  {
    grpc::ClientContext context;
    WithToken(context, *token);
    v1::PullResponse pulled;
    ASSERT_TRUE(sync_->Pull(&context, v1::PullRequest(), &pulled).ok());
    EXPECT_GE(pulled.changes_size(), 2);
  }

  const std::string counts_before = Aggregates();
  // The wrapped and the raw data key, read from the stopped server's data dir.
  server_.Stop();
  std::string wrapped, raw;
  {
    storage::EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = storage::Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    absl::StatusOr<std::optional<std::string>> key =
        (*engine)->Get(storage::ColumnFamily::kReporterKeys, pseudonym);
    ASSERT_TRUE(key.ok() && key->has_value());
    wrapped = **key;
    auto sealer = *privacy::IdentitySealer::Create({kMasterKey, nullptr});
    raw = *sealer->UnwrapDataKey(pseudonym, wrapped);
  }
  ASSERT_TRUE(server_.Start().ok());
  Connect();
  absl::StatusOr<std::string> again = [&]() -> absl::StatusOr<std::string> {
    grpc::ClientContext context;
    v1::RefreshTokenRequest request;
    request.set_refresh_token(refresh);
    v1::TokenResponse response;
    grpc::Status s = server_.auth().RefreshToken(&context, request, &response);
    if (!s.ok()) return absl::UnauthenticatedError(s.error_message());
    return response.access_token();
  }();
  ASSERT_TRUE(again.ok()) << again.status();
  // Positive control: before the erasure the scan finds the wrapped key, stored as is.
  EXPECT_FALSE(FilesContaining(dir_.path(), wrapped).empty());
  // Sealed from the start: the device id (the device record is keyed by its hash) and the
  // contact details.
  EXPECT_EQ(FilesContaining(dir_.path(), device_id), std::vector<std::string>{});
  EXPECT_TRUE(FilesContaining(dir_.path(), marker).empty());

  // The resident erases itself.
  status = Erase(*again, device);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<std::string> needles = {device_id, marker, wrapped, raw,
                                            wrapped.substr(12, 16), raw.substr(0, 16)};
  for (const std::string& needle : needles) {
    EXPECT_EQ(FilesContaining(dir_.path(), needle), std::vector<std::string>{})
        << "still on disk after erasure: " << absl::CHexEscape(needle);
  }
  // Its tokens and refresh token are dead; its reports and the counts stay.
  EXPECT_EQ(Export(*again, &status).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetReportRequest request;
    request.set_name(absl::StrCat("reports/", first.id()));
    v1::Report report;
    status = server_.reports().GetReport(&context, request, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Issue 15, row 15: the erased reporter's free text and exact location are gone for
    // everyone, the admin included; the report stays, at the centre of its public map cell.
    EXPECT_EQ(report.description(), "");
    EXPECT_NE(report.location().latitude(), first.location().latitude());
    EXPECT_NEAR(report.location().latitude(), first.location().latitude(), 0.01);
    EXPECT_NEAR(report.location().longitude(), first.location().longitude(), 0.01);
    EXPECT_FALSE(report.has_contact());
  }
  EXPECT_EQ(Aggregates(), counts_before);
  // Erasing again: the device is gone.
  EXPECT_EQ(Erase(server_.admin_token(), device).error_code(), grpc::StatusCode::NOT_FOUND);
  // Still nothing after a clean stop (closing writes no old data back).
  server_.Stop();
  for (const std::string& needle : needles) {
    EXPECT_EQ(FilesContaining(dir_.path(), needle), std::vector<std::string>{})
        << "on disk after stop: " << absl::CHexEscape(needle);
  }
  // The reporter's data key is gone for good: a restarted server reports the identity erased.
  storage::EngineOptions options;
  options.data_dir = dir_.path();
  auto engine = storage::Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_FALSE((*engine)->Get(storage::ColumnFamily::kReporterKeys, pseudonym)->has_value());
}

}  // namespace
}  // namespace wijkwacht::testing
