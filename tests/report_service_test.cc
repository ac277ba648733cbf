// Integration: the real server on a loopback port, a real RocksDB, a real gRPC client.
#include <map>
#include <set>

#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using Fields = std::vector<std::string>;

class ReportServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // These tests send hundreds of reports from one device; the limits have their own test.
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  grpc::Status Submit(const v1::Report& report, v1::Report* out) {
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SubmitReportRequest request;
    *request.mutable_report() = report;
    return server_.reports().SubmitReport(&context, request, out);
  }
  grpc::Status Get(const std::string& name, v1::Report* out,
                   const std::string& token = "") {
    grpc::ClientContext context;
    WithToken(context, token.empty() ? server_.resident_token() : token);
    v1::GetReportRequest request;
    request.set_name(name);
    return server_.reports().GetReport(&context, request, out);
  }
  grpc::Status List(const v1::ListReportsRequest& request, v1::ListReportsResponse* out) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    return server_.reports().ListReports(&context, request, out);
  }

  std::mt19937_64 rng_{42};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
};

TEST_F(ReportServiceTest, SubmitDerivesAreaAndGetReturnsIt) {
  v1::Report stored;
  std::string id = NewUuid(rng_);
  ASSERT_TRUE(Submit(BreestraatReport(id, "Winkeldief in de Breestraat"), &stored).ok());
  EXPECT_EQ(stored.name(), "reports/" + id);
  EXPECT_EQ(stored.area().gemeente_code(), "GM0375");
  EXPECT_EQ(stored.area().wijk_code(), "WK037500");
  EXPECT_FALSE(stored.area().buurt_code().empty());
  EXPECT_EQ(std::vector<std::string>(stored.area().focus_areas().begin(),
                                     stored.area().focus_areas().end()),
            Fields{"FA037501"});
  EXPECT_EQ(stored.theme(), v1::PHYSICAL_BUSINESS);
  EXPECT_EQ(stored.status(), v1::RECEIVED);
  EXPECT_TRUE(stored.has_create_time());

  v1::Report got;
  ASSERT_TRUE(Get(stored.name(), &got).ok());
  EXPECT_EQ(got.SerializeAsString(), stored.SerializeAsString());

  grpc::Status missing = Get("reports/" + NewUuid(rng_), &got);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status malformed = Get("report/123", &got);
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(malformed), Fields{"name"});
}

TEST_F(ReportServiceTest, OutputOnlyFieldsFromTheClientAreIgnored) {
  v1::Report input = BreestraatReport(NewUuid(rng_), "Zakkenroller bij de markt");
  input.set_theme(v1::SUBVERSION);
  input.set_status(v1::CLOSED);
  input.mutable_area()->set_buurt_code("BU99999999");
  input.set_incident_id("incidents/forged");
  v1::Report stored;
  ASSERT_TRUE(Submit(input, &stored).ok());
  EXPECT_EQ(stored.theme(), v1::PHYSICAL_BUSINESS);
  EXPECT_EQ(stored.status(), v1::RECEIVED);
  EXPECT_NE(stored.area().buurt_code(), "BU99999999");
  // The server groups the report itself: the first report here opens its own incident.
  EXPECT_EQ(stored.incident_id(), "incidents/" + input.id());
}

TEST_F(ReportServiceTest, PreviewStoresNothing) {
  grpc::ClientContext context;
  WithToken(context, server_.resident_token());
  v1::PreviewReportRequest request;
  std::string id = NewUuid(rng_);
  *request.mutable_report() = BreestraatReport(id, "Verdachte man bij de juwelier");
  v1::PreviewReportResponse response;
  ASSERT_TRUE(server_.reports().PreviewReport(&context, request, &response).ok());
  EXPECT_EQ(response.report().area().wijk_code(), "WK037500");
  EXPECT_EQ(response.report().theme(), v1::PHYSICAL_BUSINESS);
  EXPECT_EQ(response.report().status(), v1::REPORT_STATUS_UNSPECIFIED);
  EXPECT_TRUE(response.matching_incidents().empty());
  v1::Report got;
  EXPECT_EQ(Get("reports/" + id, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext bad_context;
  WithToken(bad_context, server_.resident_token());
  request.mutable_report()->mutable_location()->set_latitude(120);
  grpc::Status bad = server_.reports().PreviewReport(&bad_context, request, &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), Fields{"report.location.latitude"});
}

TEST_F(ReportServiceTest, IdempotentReplayAndConflictingReplay) {
  std::string id = NewUuid(rng_);
  v1::Report report = BreestraatReport(id, "Fietsendief bij het station");
  v1::Report first, second, third;
  ASSERT_TRUE(Submit(report, &first).ok());
  ASSERT_TRUE(Submit(report, &second).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());

  v1::Report changed = report;
  changed.set_description("Iets heel anders");
  grpc::Status conflict = Submit(changed, &third);
  EXPECT_EQ(conflict.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(conflict.error_message().find("report.id"), std::string::npos);

  v1::ListReportsRequest request;
  v1::ListReportsResponse response;
  ASSERT_TRUE(List(request, &response).ok());
  ASSERT_EQ(response.reports_size(), 1);
  EXPECT_EQ(response.reports(0).description(), "Fietsendief bij het station");
}

TEST_F(ReportServiceTest, InvalidInputNamesTheFieldAndStoresNothing) {
  struct Case {
    const char* what;
    std::function<void(v1::SubmitReportRequest&)> mutate;
    Fields fields;
  };
  std::vector<Case> cases = {
      {"no report", [](auto& r) { r.clear_report(); }, {"report"}},
      {"bad id", [](auto& r) { r.mutable_report()->set_id("42"); }, {"report.id"}},
      {"future", [](auto& r) {
         r.mutable_report()->mutable_observed_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(1)));
       }, {"report.observed_time"}},
      {"bad nanos", [](auto& r) { r.mutable_report()->mutable_observed_time()->set_nanos(-1); },
       {"report.observed_time"}},
      {"North Sea", [](auto& r) {
         r.mutable_report()->mutable_location()->set_latitude(52.49);
         r.mutable_report()->mutable_location()->set_longitude(4.50);
       }, {"report.location"}},
      {"nan longitude", [](auto& r) { r.mutable_report()->mutable_location()->set_longitude(NAN); },
       {"report.location.longitude"}},
      {"unknown category", [](auto& r) { r.mutable_report()->set_category("ufo"); }, {"report.category"}},
      {"two fields", [](auto& r) {
         r.mutable_report()->set_description("");
         r.mutable_report()->set_accuracy_meters(-3);
       }, {"report.accuracy_meters", "report.description"}},
  };
  for (const Case& c : cases) {
    v1::SubmitReportRequest request;
    *request.mutable_report() = BreestraatReport(NewUuid(rng_), "geldig");
    c.mutate(request);
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    v1::Report out;
    grpc::Status status = server_.reports().SubmitReport(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.what;
    EXPECT_EQ(ViolatedFields(status), c.fields) << c.what;
    EXPECT_EQ(status.error_message().substr(0, c.fields[0].size()), c.fields[0]) << c.what;
  }
  v1::ListReportsResponse response;
  ASSERT_TRUE(List(v1::ListReportsRequest(), &response).ok());
  EXPECT_EQ(response.reports_size(), 0);
}

TEST_F(ReportServiceTest, InvalidUtf8OnTheWireNamesTheField) {
  // A conforming C++ client refuses to send invalid UTF-8, so the bytes are built by hand:
  // SubmitReportRequest{report: Report{description: "\xc3\x28"}} with a valid id before it.
  v1::SubmitReportRequest request;
  *request.mutable_report() = BreestraatReport(NewUuid(rng_), "PLACEHOLDER");
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find("PLACEHOLDER");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 11, "\xc3\x28xxxxxxxxx");  // same length, so the length prefixes still hold
  grpc::Status status = RawUnaryCall(server_.channel(), "/wijkwacht.v1.ReportService/SubmitReport",
                                     bytes, nullptr, server_.resident_token());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), Fields{"report.description"});

  grpc::Status garbage =
      RawUnaryCall(server_.channel(), "/wijkwacht.v1.ReportService/SubmitReport",
                   "\xff\xff\xff", nullptr, server_.resident_token());
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListReportsResponse response;
  ASSERT_TRUE(List(v1::ListReportsRequest(), &response).ok());
  EXPECT_EQ(response.reports_size(), 0);
}

TEST_F(ReportServiceTest, PaginationAcross1000ReportsAndRestart) {
  std::set<std::string> ids;
  // What the classifier decided, to check the theme filter against.
  std::map<std::pair<std::string, int>, size_t> themes_per_gemeente;
  for (int i = 0; i < 1000; ++i) {
    v1::Report report = BreestraatReport(NewUuid(rng_), absl::StrFormat("melding %d", i));
    report.mutable_observed_time()->set_seconds(report.observed_time().seconds() - i);
    if (i % 4 == 0) {  // some in Heemskerk
      report.mutable_location()->set_latitude(52.5115);
      report.mutable_location()->set_longitude(4.6700);
      report.set_category("hangjongeren");
    }
    v1::Report stored;
    ASSERT_TRUE(Submit(report, &stored).ok()) << i;
    ids.insert(stored.id());
    ++themes_per_gemeente[{stored.area().gemeente_code(), stored.theme()}];
  }
  server_.Stop();
  ASSERT_TRUE(server_.Start().ok());

  auto collect = [&](v1::ListReportsRequest request, int* pages) {
    std::vector<v1::Report> all;
    *pages = 0;
    do {
      v1::ListReportsResponse response;
      grpc::Status status = List(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      all.insert(all.end(), response.reports().begin(), response.reports().end());
      request.set_page_token(response.next_page_token());
      ++*pages;
    } while (!request.page_token().empty());
    return all;
  };
  v1::ListReportsRequest request;
  request.set_page_size(100);
  int pages = 0;
  std::vector<v1::Report> all = collect(request, &pages);
  ASSERT_EQ(all.size(), 1000u);
  EXPECT_GE(pages, 10);
  std::set<std::string> listed;
  for (size_t i = 0; i < all.size(); ++i) {
    listed.insert(all[i].id());
    if (i > 0) {
      EXPECT_GE(all[i - 1].observed_time().seconds(), all[i].observed_time().seconds());
    }
  }
  EXPECT_EQ(listed, ids);

  request.set_area_code("GM0396");
  EXPECT_EQ(collect(request, &pages).size(), 250u);
  request.set_area_code("GM0375");
  for (v1::Theme theme : {v1::LIVEABILITY, v1::YOUTH, v1::SUBVERSION, v1::PHYSICAL_BUSINESS,
                         v1::OTHER}) {
    request.set_theme(theme);
    std::vector<v1::Report> listed_theme = collect(request, &pages);
    const size_t expected = themes_per_gemeente[std::make_pair(std::string("GM0375"), int{theme})];
    EXPECT_EQ(listed_theme.size(), expected) << theme;
    for (const v1::Report& r : listed_theme) EXPECT_EQ(r.theme(), theme);
  }
  EXPECT_GT(themes_per_gemeente[std::make_pair(std::string("GM0375"), int{v1::PHYSICAL_BUSINESS})],
            0u);
  request.set_area_code("FA037501");
  request.set_theme(v1::THEME_UNSPECIFIED);
  EXPECT_EQ(collect(request, &pages).size(), 750u);

  v1::ListReportsRequest bad;
  bad.set_page_token("garbage");
  v1::ListReportsResponse response;
  grpc::Status status = List(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), Fields{"page_token"});
}

TEST_F(ReportServiceTest, ListCategoriesPagesThroughActiveCategories) {
  v1::ListCategoriesRequest request;
  request.set_page_size(25);
  std::set<std::string> codes;
  int groups_seen = 0;
  std::set<int> groups;
  do {
    grpc::ClientContext context;
    v1::ListCategoriesResponse response;
    ASSERT_TRUE(server_.reports().ListCategories(&context, request, &response).ok());
    for (const v1::Category& c : response.categories()) {
      EXPECT_TRUE(codes.insert(c.code()).second) << c.code();
      EXPECT_EQ(c.name(), "categories/" + c.code());
      EXPECT_NE(c.theme_hint(), v1::THEME_UNSPECIFIED);
      groups.insert(c.group());
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  groups_seen = groups.size();
  EXPECT_GE(codes.size(), 150u);
  EXPECT_EQ(groups_seen, 4);
  EXPECT_TRUE(codes.count("winkeldiefstal"));

  grpc::ClientContext context;
  v1::ListCategoriesRequest vehicles;
  vehicles.set_group(v1::VEHICLE);
  vehicles.set_page_size(1000);
  v1::ListCategoriesResponse response;
  ASSERT_TRUE(server_.reports().ListCategories(&context, vehicles, &response).ok());
  EXPECT_GT(response.categories_size(), 0);
  for (const v1::Category& c : response.categories()) EXPECT_EQ(c.group(), v1::VEHICLE);
}

TEST_F(ReportServiceTest, EveryServicePassesTheGateFirstAndUnknownMethodsAreUnimplemented) {
  auto channel = server_.channel();
  auto call = [&](const std::string& token, auto&& rpc) {
    grpc::ClientContext context;
    WithToken(context, token);
    return rpc(context).error_code();
  };
  EXPECT_EQ(call("", [&](grpc::ClientContext& c) {
              v1::ListEarlyWarningsResponse r;
              return v1::MapService::NewStub(channel)->ListEarlyWarnings(&c, {}, &r);
            }),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call(server_.resident_token(), [&](grpc::ClientContext& c) {
              v1::PushResponse r;
              return v1::SyncService::NewStub(channel)->Push(&c, {}, &r);
            }),
            grpc::StatusCode::INVALID_ARGUMENT);  // served (issue 6): passes the gate, no reports
  EXPECT_EQ(call("", [&](grpc::ClientContext& c) {
              v1::PushResponse r;
              return v1::SyncService::NewStub(channel)->Push(&c, {}, &r);
            }),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call(server_.resident_token(), [&](grpc::ClientContext& c) {
              v1::Alert r;
              return v1::AlertService::NewStub(channel)->PublishAlert(&c, {}, &r);
            }),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call(server_.admin_token(), [&](grpc::ClientContext& c) {
              v1::Incident r;
              return v1::DispatchService::NewStub(channel)->ClaimIncident(&c, {}, &r);
            }),
            grpc::StatusCode::INVALID_ARGUMENT);  // served (issue 6): passes the gate, no name
  EXPECT_EQ(RawUnaryCall(channel, "/wijkwacht.v1.NoSuchService/Nope", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ReportServiceTest, ResidentsReadOnlyTheirOwnReportsAndTheTokenDecidesTheRole) {
  v1::Report report = BreestraatReport(NewUuid(rng_), "Verdacht persoon bij de achterdeur");
  report.set_reporter_role(v1::STAFF);  // a resident cannot pose as staff
  v1::Report stored;
  ASSERT_TRUE(Submit(report, &stored).ok());
  EXPECT_EQ(stored.reporter_role(), v1::RESIDENT);

  absl::StatusOr<std::string> other = server_.RegisterDevice();
  ASSERT_TRUE(other.ok());
  v1::Report got;
  EXPECT_EQ(Get(stored.name(), &got, *other).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Get(stored.name(), &got, server_.admin_token()).ok());
  EXPECT_TRUE(Get(stored.name(), &got).ok());

  // Another device sending the same id sends a different report: stored apart under the id it
  // sent (as a fresh id would be: no existence oracle, README row 19), never merged into the
  // first, which stays as it was.
  grpc::ClientContext context;
  WithToken(context, *other);
  v1::SubmitReportRequest request;
  *request.mutable_report() = report;
  ASSERT_TRUE(server_.reports().SubmitReport(&context, request, &got).ok());
  EXPECT_EQ(got.name(), stored.name());
  v1::Report original;
  ASSERT_TRUE(Get(stored.name(), &original).ok());
  EXPECT_EQ(original.create_time().seconds(), stored.create_time().seconds());
  EXPECT_EQ(original.incident_id(), stored.incident_id());

  // Residents may not list everything.
  grpc::ClientContext list_context;
  WithToken(list_context, server_.resident_token());
  v1::ListReportsResponse listed;
  EXPECT_EQ(server_.reports().ListReports(&list_context, {}, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReportServiceTest, HealthCheckServes) {
  // HealthCheckRequest{service: ""} is the empty message.
  std::string response;
  grpc::Status status =
      RawUnaryCall(server_.channel(), "/grpc.health.v1.Health/Check", "", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // HealthCheckResponse{status: SERVING (1)} = field 1, varint 1.
  EXPECT_EQ(response, std::string("\x08\x01", 2));
}

}  // namespace
}  // namespace wijkwacht::testing
