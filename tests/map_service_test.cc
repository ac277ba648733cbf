// Integration: the safety-map feed (MapService) over the real server: area list, counts of
// incidents and reports maintained with every write, and small counts withheld from the
// public.
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "s2/s2cell_id.h"
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
    server_.options().map_stream_min_interval = std::chrono::milliseconds(20);
    server_.options().device_registration_burst = 1000;  // a device per report (Submit)
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    map_ = v1::MapService::NewStub(server_.channel());
  }

  // Submits a shoplifting report at the Breestraat, `east_m` metres east, `hours_ago` back,
  // from a device of its own (the public map counts distinct reporters towards k).
  std::string Submit(double east_m, double hours_ago, const std::string& text) {
    v1::Report r = BreestraatReport(NewUuid(rng_), text);
    r.mutable_location()->set_longitude(r.location().longitude() + east_m / 67700);
    *r.mutable_observed_time() = Ts(absl::Now() - absl::Hours(hours_ago));
    v1::Report out;
    absl::StatusOr<std::string> device = server_.RegisterDevice();
    EXPECT_TRUE(device.ok()) << device.status();
    grpc::Status status = server_.Submit(device.value_or(""), r, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    buurt_ = out.area().buurt_code();
    return IncidentAsStaff(server_.reports(), server_.admin_token(), out.name());
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
  // Two more reports make five, but in four incidents: every count must reach 5 before the
  // public sees any.
  Submit(30, 30, "Winkeldief bij de supermarkt betrapt");
  Submit(-10, 20, "Iemand pakt spullen uit de winkel zonder te betalen");
  buurt_ = buurt;
  v1::GetAggregatesResponse pub;
  ASSERT_TRUE(Aggregates(BuurtWeek(), "", &pub).ok());
  ASSERT_EQ(pub.cells_size(), 1);
  EXPECT_TRUE(pub.cells(0).suppressed());
  // A fifth incident (another day), and two more witnesses of it: 8 reports from 8 devices in
  // 5 incidents, past k and k plus its margin of distinct reporters: the public sees both.
  for (int i = 0; i < 3; ++i) {
    Submit(-20 + i, 70 + 0.1 * i, "Winkeldiefstal bij de kiosk, jongen pakt sigaretten");
  }
  buurt_ = buurt;
  pub.Clear();
  ASSERT_TRUE(Aggregates(BuurtWeek(), "", &pub).ok());
  ASSERT_EQ(pub.cells_size(), 1);
  EXPECT_FALSE(pub.cells(0).suppressed());
  // 8 reports and 5 incidents, shown with the public rule's offset (privacy/small_counts.h):
  // within 2, never below k.
  EXPECT_GE(pub.cells(0).report_count(), 6);
  EXPECT_LE(pub.cells(0).report_count(), 10);
  EXPECT_GE(pub.cells(0).incident_count(), 5);
  EXPECT_LE(pub.cells(0).incident_count(), 7);
}

TEST_F(MapServiceTest, HeatmapCellsSumToTheAreaAndThePublicGetsNoFineCells) {
  // Eight shoplifting incidents around the Breestraat (eight reporters: past k plus its
  // margin) and one 1.5 km east, all this week.
  for (int i = 0; i < 8; ++i) Submit(10 * i, 10 + 8 * i, "Winkeldief bij de drogist gezien");
  Submit(1500, 2, "Winkeldiefstal bij de supermarkt");
  v1::AggregateSelection s;
  s.set_level(v1::GEMEENTE);
  s.add_themes(v1::PHYSICAL_BUSINESS);
  s.set_period(v1::HALF_YEAR);
  *s.mutable_start_time() = Ts(absl::Now() - absl::Hours(24 * 7));
  *s.mutable_end_time() = Ts(absl::Now() + absl::Hours(1));
  v1::GetAggregatesResponse totals;
  ASSERT_TRUE(Aggregates(s, server_.admin_token(), &totals).ok());
  ASSERT_EQ(totals.cells_size(), 1);
  EXPECT_EQ(totals.cells(0).report_count(), 9);

  for (int level : {10, 13, 16}) {
    s.set_s2_cell_level(level);
    v1::GetAggregatesResponse cells;
    ASSERT_TRUE(Aggregates(s, server_.admin_token(), &cells).ok());
    int64_t reports = 0, incidents = 0;
    std::set<std::string> tokens;
    for (const v1::AggregateCell& c : cells.cells()) {
      EXPECT_EQ(S2CellId::FromToken(c.s2_cell()).level(), level) << c.ShortDebugString();
      tokens.insert(c.s2_cell());
      reports += c.report_count();
      incidents += c.incident_count();
    }
    EXPECT_EQ(reports, totals.cells(0).report_count()) << "level " << level;
    EXPECT_EQ(incidents, totals.cells(0).incident_count()) << "level " << level;
    EXPECT_GE(tokens.size(), 2u) << "level " << level;  // 1.5 km apart: never one cell
  }
  // The public asking for level 16 gets level-14 cells at most, and only published ones: a
  // small cell is left out (listed withheld, it would mark where someone reported).
  s.set_s2_cell_level(16);
  v1::GetAggregatesResponse pub;
  ASSERT_TRUE(Aggregates(s, "", &pub).ok());
  ASSERT_EQ(pub.cells_size(), 1) << "the eight together, not the lone report to the east";
  EXPECT_LE(S2CellId::FromToken(pub.cells(0).s2_cell()).level(), 14);
  EXPECT_FALSE(pub.cells(0).suppressed());
  EXPECT_GE(pub.cells(0).report_count(), 5);
  EXPECT_GE(pub.cells(0).incident_count(), 5);

  // Levels beyond the stored ones name the field.
  s.set_s2_cell_level(17);
  v1::GetAggregatesResponse bad;
  grpc::Status status = Aggregates(s, server_.admin_token(), &bad);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("selection.s2_cell_level"), std::string::npos);
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

// The tussenstand for publication shows what the public map shows: counts 1..k-1 as "<k"
// (here k = 5), never exactly; the staff version stays exact.
TEST_F(MapServiceTest, ProgressReportForPublicationWithholdsSmallCounts) {
  Submit(0, 1, "Winkeldief bij de drogist, rent weg met een tas vol spullen");
  Submit(30, 30, "Winkeldiefstal bij de bakker: man stopt brood onder zijn jas");
  // The half year of reports observed an hour or a day ago.
  const absl::CivilSecond observed =
      absl::ToCivilSecond(absl::Now() - absl::Hours(30), absl::UTCTimeZone());
  const std::string period =
      absl::StrCat(observed.year(), observed.month() <= 6 ? "-H1" : "-H2");
  auto report = [&](bool publication) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetProgressReportRequest request;
    request.set_period(period);
    request.set_publication(publication);
    v1::ProgressReport out;
    grpc::Status status = map_->GetProgressReport(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  };
  const v1::ProgressReport staff = report(false);
  const v1::ProgressReport published = report(true);
  EXPECT_FALSE(absl::StrContains(staff.markdown(), "<5")) << staff.markdown();
  EXPECT_TRUE(absl::StrContains(published.markdown(), "<5")) << published.markdown();
  EXPECT_TRUE(absl::StrContains(published.html(), "&lt;5"));
  // No table cell of the published version holds a count from 1 to 4.
  for (absl::string_view line : absl::StrSplit(published.markdown(), '\n')) {
    if (!absl::StartsWith(line, "|")) continue;
    for (absl::string_view cell : absl::StrSplit(line, '|')) {
      cell = absl::StripAsciiWhitespace(cell);
      EXPECT_FALSE(cell == "1" || cell == "2" || cell == "3" || cell == "4") << line;
    }
  }
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

int64_t ReportsIn(const v1::AggregateUpdate& update, const std::string& area) {
  int64_t n = 0;
  for (const v1::AggregateCell& c : update.cells()) {
    if (c.area_code() == area) n += c.report_count();
  }
  return n;
}

TEST_F(MapServiceTest, StreamSendsASnapshotThenLiveCountsAndResumesFromItsCursor) {
  Submit(0, 2, "Winkeldief in de Breestraat gezien");
  const std::string buurt = buurt_;
  v1::StreamAggregatesRequest request;
  *request.mutable_selection() = BuurtWeek();

  std::string cursor;
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto reader = map_->StreamAggregates(&context, request);
    v1::AggregateUpdate snapshot;
    ASSERT_TRUE(reader->Read(&snapshot));
    EXPECT_TRUE(snapshot.snapshot());
    EXPECT_EQ(ReportsIn(snapshot, buurt), 1);
    EXPECT_FALSE(snapshot.cursor().empty());

    Submit(10, 1, "nog een winkeldief, nu bij de schoenenwinkel");
    v1::AggregateUpdate update;
    ASSERT_TRUE(reader->Read(&update));
    EXPECT_FALSE(update.snapshot());
    EXPECT_EQ(ReportsIn(update, buurt), 2);  // the changed cell's absolute value
    cursor = update.cursor();
    context.TryCancel();
    reader->Finish().IgnoreError();
  }
  // While disconnected: one more report. Resuming from the cursor brings exactly that change.
  Submit(-10, 0.5, "winkeldief met grote tas bij de kassa");
  grpc::ClientContext context;
  WithToken(context, server_.admin_token());
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  request.set_resume_cursor(cursor);
  auto reader = map_->StreamAggregates(&context, request);
  v1::AggregateUpdate resumed;
  ASSERT_TRUE(reader->Read(&resumed));
  EXPECT_FALSE(resumed.snapshot());
  EXPECT_EQ(ReportsIn(resumed, buurt), 3);
  context.TryCancel();
  reader->Finish().IgnoreError();

  grpc::ClientContext bad;
  request.set_resume_cursor("not-a-cursor");
  auto refused = map_->StreamAggregates(&bad, request);
  v1::AggregateUpdate ignored;
  EXPECT_FALSE(refused->Read(&ignored));
  grpc::Status status = refused->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"resume_cursor"});
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST_F(MapServiceTest, ImportsIndicatorsAllOrNothingAndServesThemWithTheCounts) {
  const std::string csv = ReadFile(std::string(WIJKWACHT_SOURCE_DIR) +
                                   "/domain/indicators/testdata/beverwijk_veiligheid_wijken.csv");
  ASSERT_FALSE(csv.empty());
  auto import = [&](const std::string& text, const std::string& token,
                    v1::ImportIndicatorsResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::ImportIndicatorsRequest request;
    request.set_csv(text);
    return map_->ImportIndicators(&context, request, out);
  };
  auto centrum_indicators = [&] {
    v1::AggregateSelection s = BuurtWeek();
    s.set_level(v1::WIJK);
    s.clear_area_codes();
    s.add_area_codes("WK037500");
    s.set_include_indicators(true);
    v1::GetAggregatesResponse out;
    EXPECT_TRUE(Aggregates(s, server_.admin_token(), &out).ok());
    return out.indicators_size();
  };
  v1::ImportIndicatorsResponse response;
  EXPECT_EQ(import(csv, server_.resident_token(), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // One bad value on line 3: nothing of the file is stored, and the error names the cell.
  std::string bad = csv;
  const size_t line3 = bad.find('\n', bad.find('\n') + 1) + 1;
  const size_t value = bad.find(",6.8,", line3);
  ASSERT_NE(value, std::string::npos);
  bad.replace(value, 5, ",zes,");
  grpc::Status refused = import(bad, server_.admin_token(), &response);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(refused), std::vector<std::string>{"csv.line[3].waarde"});
  EXPECT_EQ(centrum_indicators(), 0);

  ASSERT_TRUE(import(csv, server_.admin_token(), &response).ok());
  EXPECT_EQ(response.imported_rows(), 67);
  EXPECT_GT(centrum_indicators(), 0);
  // Importing the same file again replaces, it does not duplicate.
  const int before = centrum_indicators();
  ASSERT_TRUE(import(csv, server_.admin_token(), &response).ok());
  EXPECT_EQ(centrum_indicators(), before);
}

TEST_F(MapServiceTest, ProgressReportRendersTheCurrentHalfYearForStaff) {
  Submit(0, 1, "Winkeldief in de Breestraat gezien");
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  const std::string period = absl::StrCat(today.year(), today.month() <= 6 ? "-H1" : "-H2");
  auto get = [&](const std::string& p, const std::string& token, v1::ProgressReport* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::GetProgressReportRequest request;
    request.set_period(p);
    return map_->GetProgressReport(&context, request, out);
  };
  v1::ProgressReport report;
  grpc::Status status = get(period, server_.admin_token(), &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(report.period(), period);
  EXPECT_NE(report.html().find("<svg"), std::string::npos);
  EXPECT_NE(report.html().find("Centrum"), std::string::npos);
  EXPECT_NE(report.html().find("Drie Straatjes"), std::string::npos);
  EXPECT_NE(report.markdown().find("|"), std::string::npos);

  grpc::Status bad = get("2026-H3", server_.admin_token(), &report);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), std::vector<std::string>{"period"});
  EXPECT_EQ(get(period, server_.resident_token(), &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(MapServiceTest, ASpikeOfIncidentsRaisesOneEarlyWarning) {
  // A quiet month: one youth incident a day somewhere in Beverwijk, then twelve today.
  auto submit_youth = [&](double lat, double lng, absl::Time observed) {
    v1::Report r = BreestraatReport(NewUuid(rng_), "Groep jongeren hangt rond en intimideert "
                                                   "voorbijgangers, ze schreeuwen en gooien met "
                                                   "flessen");
    r.set_category("hangjongeren");
    r.mutable_location()->set_latitude(lat);
    r.mutable_location()->set_longitude(lng);
    *r.mutable_observed_time() = Ts(observed);
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    v1::SubmitReportRequest request;
    *request.mutable_report() = r;
    v1::Report out;
    grpc::Status status = server_.reports().SubmitReport(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  const absl::Time today = absl::Now() - absl::Minutes(30);
  for (int day = 25; day >= 1; --day) {
    submit_youth(52.480 + 0.001 * (day % 5), 4.650 + 0.002 * (day % 4), today - absl::Hours(24 * day));
  }
  const double lats[] = {52.476, 52.483, 52.490};
  const double lngs[] = {4.645, 4.655, 4.665, 4.675};
  for (double lat : lats) {
    for (double lng : lngs) submit_youth(lat, lng, today);
  }
  // The monitor runs behind the writes: wait for its warning for the whole gemeente.
  v1::ListEarlyWarningsResponse listed;
  for (int attempt = 0; attempt < 100; ++attempt) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::ListEarlyWarningsRequest request;
    request.set_area_code("GM0375");
    request.set_theme(v1::YOUTH);
    listed.Clear();
    ASSERT_TRUE(map_->ListEarlyWarnings(&context, request, &listed).ok());
    if (listed.early_warnings_size() > 0) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(listed.early_warnings_size(), 1);
  const v1::EarlyWarning& w = listed.early_warnings(0);
  EXPECT_EQ(w.theme(), v1::YOUTH);
  // Raised as soon as the day's count became significant (it may still be rising then).
  EXPECT_GE(w.observed_count(), 5);
  EXPECT_LE(w.observed_count(), 12);
  EXPECT_LT(w.expected_count(), 3);
  EXPECT_LT(w.p_value(), 1e-4);
  // The quiet days raised nothing for other themes.
  grpc::ClientContext context;
  WithToken(context, server_.admin_token());
  v1::ListEarlyWarningsRequest all;
  v1::ListEarlyWarningsResponse everything;
  ASSERT_TRUE(map_->ListEarlyWarnings(&context, all, &everything).ok());
  for (const v1::EarlyWarning& e : everything.early_warnings()) EXPECT_EQ(e.theme(), v1::YOUTH);
}

}  // namespace
}  // namespace wijkwacht::testing

namespace wijkwacht::testing {
namespace {

// --map_theme_k: a theme with a higher threshold, or left off the public map.
class MapThemeKTest : public MapServiceTest {
 protected:
  void SetUp() override {}
  void StartWith(const std::string& theme_k) {
    server_.options().map_theme_k = theme_k;
    MapServiceTest::SetUp();
  }
  // Five shop incidents of different kinds in one buurt, the first with three more witnesses:
  // eight reports from eight devices (past k plus its margin of distinct reporters), five
  // incidents.
  void FiveIncidents() {
    const char* kEvents[] = {"Winkeldief bij de drogist, rende weg met parfum",
                             "Overval op de juwelier, dader met mes",
                             "Ramkraak bij de telefoonwinkel vannacht",
                             "Etalageruit van de bakker ingegooid",
                             "Personeel van de slijter bedreigd door klant"};
    for (int i = 0; i < 5; ++i) Submit(0, 2 + 7 * i, kEvents[i]);
    for (int i = 1; i <= 3; ++i) Submit(i, 2 + 0.05 * i, kEvents[0]);
  }
  v1::GetAggregatesResponse Read(const std::string& token) {
    v1::GetAggregatesResponse response;
    EXPECT_TRUE(Aggregates(BuurtWeek(), token, &response).ok());
    return response;
  }
};

TEST_F(MapThemeKTest, ADefaultThemeIsShownAtK) {  // the positive control of the two below
  StartWith("");
  FiveIncidents();
  const v1::GetAggregatesResponse pub = Read("");
  ASSERT_EQ(pub.cells_size(), 1);
  EXPECT_FALSE(pub.cells(0).suppressed());
}

TEST_F(MapThemeKTest, AThemeWithAHigherKIsWithheldBelowIt) {
  StartWith("PHYSICAL_BUSINESS=7");
  FiveIncidents();
  const v1::GetAggregatesResponse staff = Read(server_.admin_token());
  ASSERT_EQ(staff.cells_size(), 1);
  ASSERT_EQ(staff.cells(0).incident_count(), 5);
  const v1::GetAggregatesResponse pub = Read("");
  ASSERT_EQ(pub.cells_size(), 1);
  EXPECT_TRUE(pub.cells(0).suppressed());
}

TEST_F(MapThemeKTest, AHiddenThemeIsNotOnThePublicMapAtAll) {
  StartWith("PHYSICAL_BUSINESS=hidden");
  FiveIncidents();
  EXPECT_EQ(Read(server_.admin_token()).cells_size(), 1);
  EXPECT_EQ(Read("").cells_size(), 0) << "not even a withheld cell: its existence is news";
}

TEST(MapThemeKOptionTest, ABadSpecificationNamesTheOption) {
  for (const std::string bad : {"SUBVERSION", "SUBVERSION=0", "BURGLARY=10", "SUBVERSION=many"}) {
    TempDir dir;
    ServerFixture server(dir.path());
    server.options().map_theme_k = bad;
    const absl::Status started = server.Start();
    EXPECT_EQ(started.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(started.ToString().find("map_theme_k"), std::string::npos) << started;
  }
}

}  // namespace
}  // namespace wijkwacht::testing
