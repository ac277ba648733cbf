// Integration: the safety-map feed (MapService) over the real server: area list, counts of
// incidents and reports maintained with every write, and small counts withheld from the
// public.
#include <set>

#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp Ts(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

class MapServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    map_ = v1::MapService::NewStub(server_.channel());
  }

  // Submits a shoplifting report at the Breestraat, `east_m` metres east, `hours_ago` back.
  std::string Submit(double east_m, double hours_ago, const std::string& text) {
    v1::Report r = BreestraatReport(NewUuid(rng_), text);
    r.mutable_location()->set_longitude(r.location().longitude() + east_m / 67700);
    *r.mutable_observed_time() = Ts(absl::Now() - absl::Hours(hours_ago));
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    v1::SubmitReportRequest request;
    *request.mutable_report() = r;
    v1::Report out;
    grpc::Status status = server_.reports().SubmitReport(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    buurt_ = out.area().buurt_code();
    return out.incident_id();
  }

  grpc::Status Aggregates(const v1::AggregateSelection& selection, const std::string& token,
                          v1::GetAggregatesResponse* out) {
    grpc::ClientContext context;
    if (!token.empty()) WithToken(context, token);
    v1::GetAggregatesRequest request;
    *request.mutable_selection() = selection;
    return map_->GetAggregates(&context, request, out);
  }

  v1::AggregateSelection BuurtWeek() {
    v1::AggregateSelection s;
    s.set_level(v1::BUURT);
    s.add_area_codes(buurt_);
    s.add_themes(v1::PHYSICAL_BUSINESS);
    s.set_period(v1::HALF_YEAR);
    *s.mutable_start_time() = Ts(absl::Now() - absl::Hours(24 * 7));
    *s.mutable_end_time() = Ts(absl::Now() + absl::Hours(1));
    return s;
  }

  std::mt19937_64 rng_{11};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::MapService::Stub> map_;
  std::string buurt_;
};

TEST_F(MapServiceTest, CountsIncidentsAndReportsAndHidesSmallCountsFromThePublic) {
  // Two reports of one shoplifter, and another shoplifting nearby two days earlier.
  const std::string a = Submit(0, 1, "Winkeldief bij de drogist, rent weg met een tas vol spullen");
  const std::string b = Submit(15, 0.9, "jongen steelt bij de drogist en rent weg");
  ASSERT_EQ(a, b);
  const std::string buurt = buurt_;
  Submit(20, 50, "Winkeldiefstal bij de bakker: man stopt brood onder zijn jas");
  buurt_ = buurt;

  v1::GetAggregatesResponse staff;
  ASSERT_TRUE(Aggregates(BuurtWeek(), server_.admin_token(), &staff).ok());
  EXPECT_EQ(staff.suppression_threshold(), 0);
  int64_t incidents = 0, reports = 0;
  for (const v1::AggregateCell& c : staff.cells()) {
    EXPECT_EQ(c.area_code(), buurt_);
    EXPECT_FALSE(c.suppressed());
    incidents += c.incident_count();
    reports += c.report_count();
  }
  EXPECT_EQ(reports, 3);
  EXPECT_EQ(incidents, 2);

  // The public (no token) and residents see fewer than 5 reports only as "suppressed".
  for (const std::string& token : {std::string(), server_.resident_token()}) {
    v1::GetAggregatesResponse pub;
    ASSERT_TRUE(Aggregates(BuurtWeek(), token, &pub).ok());
    EXPECT_EQ(pub.suppression_threshold(), 5);
    ASSERT_EQ(pub.cells_size(), 1);
    EXPECT_TRUE(pub.cells(0).suppressed());
    EXPECT_EQ(pub.cells(0).report_count(), 0);
    EXPECT_EQ(pub.cells(0).incident_count(), 0);
  }
  // Two more reports make five: now the public sees them too.
  Submit(30, 30, "Winkeldief bij de supermarkt betrapt");
  Submit(-10, 20, "Iemand pakt spullen uit de winkel zonder te betalen");
  v1::GetAggregatesResponse pub;
  ASSERT_TRUE(Aggregates(BuurtWeek(), "", &pub).ok());
  int64_t public_reports = 0;
  for (const v1::AggregateCell& c : pub.cells()) {
    if (c.area_code() == buurt && !c.suppressed()) public_reports += c.report_count();
  }
  EXPECT_EQ(public_reports, 5);
}

TEST_F(MapServiceTest, DayPeriodsSplitByCivilDayAndTheGemeenteCountsEverything) {
  Submit(0, 1, "Winkeldief in de Breestraat");
  Submit(25, 49, "Winkeldiefstal bij de slijterij");
  v1::AggregateSelection s;
  s.set_level(v1::GEMEENTE);
  s.add_area_codes("GM0375");
  s.set_period(v1::DAY);
  *s.mutable_start_time() = Ts(absl::Now() - absl::Hours(24 * 5));
  *s.mutable_end_time() = Ts(absl::Now() + absl::Hours(1));
  v1::GetAggregatesResponse out;
  ASSERT_TRUE(Aggregates(s, server_.admin_token(), &out).ok());
  int64_t reports = 0;
  std::set<int64_t> days;
  for (const v1::AggregateCell& c : out.cells()) {
    reports += c.report_count();
    days.insert(c.period_start().seconds());
  }
  EXPECT_EQ(reports, 2);
  EXPECT_EQ(days.size(), 2u);
}

TEST_F(MapServiceTest, BadSelectionsNameTheirFields) {
  v1::AggregateSelection s;
  s.add_area_codes("BU99999999");
  s.add_themes(static_cast<v1::Theme>(42));
  s.set_s2_cell_level(30);
  v1::GetAggregatesResponse out;
  grpc::Status status = Aggregates(s, server_.admin_token(), &out);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields = ViolatedFields(status);
  for (const char* f : {"selection.level", "selection.period", "selection.themes[0]",
                        "selection.s2_cell_level", "selection.start_time", "selection.end_time",
                        "selection.area_codes[0]"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  v1::GetAggregatesRequest empty;
  grpc::ClientContext context;
  EXPECT_EQ(map_->GetAggregates(&context, empty, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MapServiceTest, ListAreasPagesThroughTheWijkenOfBeverwijk) {
  std::set<std::string> codes;
  std::string token;
  int pages = 0;
  do {
    v1::ListAreasRequest request;
    request.set_level(v1::WIJK);
    request.set_parent_code("GM0375");
    request.set_page_size(4);
    request.set_page_token(token);
    v1::ListAreasResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(map_->ListAreas(&context, request, &response).ok());
    for (const v1::Area& a : response.areas()) {
      EXPECT_EQ(a.level(), v1::WIJK);
      EXPECT_TRUE(a.geometry_geojson().empty());
      EXPECT_TRUE(codes.insert(a.code()).second) << a.code();
    }
    token = response.next_page_token();
    ASSERT_LT(++pages, 20);
  } while (!token.empty());
  EXPECT_GE(codes.size(), 8u);
  EXPECT_TRUE(codes.count("WK037500"));
}

}  // namespace
}  // namespace wijkwacht::testing
