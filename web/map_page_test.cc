// The HTTP side against the real server (RocksDB in a temp dir, gRPC and HTTP on 127.0.0.1
// port 0): /healthz, /metrics, the page's API (privacy, resume, bad parameters), and the map
// page itself in headless Chromium (Debian `chromium`, driven by playwright-core from the
// build tree's npm packages). Fails, not skips, when node or Chromium is missing.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/test_support.h"
#include "web/http_server.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

// One Server-Sent Event.
struct Event {
  std::string id;
  std::string type = "message";
  std::string data;
};

// Reads events from `path` until `want` "message" events arrived (or 20 s passed).
std::vector<Event> ReadEvents(int port, const std::string& path, size_t want,
                              const std::string& last_event_id = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  httplib::Headers headers;
  if (!last_event_id.empty()) headers.emplace("Last-Event-ID", last_event_id);
  std::vector<Event> events;
  std::string buffer;
  size_t messages = 0;
  client.Get(path, headers, [&](const char* data, size_t size) {
    buffer.append(data, size);
    size_t end;
    while ((end = buffer.find("\n\n")) != std::string::npos) {
      Event event;
      bool any = false;
      for (absl::string_view line : absl::StrSplit(buffer.substr(0, end), '\n')) {
        if (absl::ConsumePrefix(&line, "id: ")) event.id = std::string(line), any = true;
        else if (absl::ConsumePrefix(&line, "event: ")) event.type = std::string(line), any = true;
        else if (absl::ConsumePrefix(&line, "data: ")) event.data = std::string(line), any = true;
      }
      buffer.erase(0, end + 2);
      if (!any) continue;  // comments (keepalive), retry
      if (event.type == "message") ++messages;
      events.push_back(std::move(event));
    }
    return messages < want;
  });
  return events;
}

std::vector<Event> Messages(const std::vector<Event>& events) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.type == "message") out.push_back(e);
  }
  return out;
}

// The value of the sample `series` (name with labels, as rendered) in a /metrics text; -1 if absent.
double Sample(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, series) && absl::ConsumePrefix(&line, " ")) {
      double v = 0;
      if (absl::SimpleAtod(line, &v)) return v;
    }
  }
  return -1;
}

class MapPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().http_listen = "127.0.0.1:0";
    server_.options().http_assets_dir = WIJKWACHT_WEB_SITE;
    server_.options().ops_http_listen = "127.0.0.1:0";
    server_.options().map_stream_min_interval = std::chrono::milliseconds(50);
    server_.options().map_public_stream_interval = std::chrono::milliseconds(50);
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    http_port_ = server_.server()->http_port();
    ASSERT_GT(http_port_, 0);
    ops_port_ = server_.server()->ops_http_port();
    ASSERT_GT(ops_port_, 0);
  }

  // A shoplifting report at the Breestraat, seen `hours_ago`, stored from a device of its own;
  // remembers its buurt and theme. Reports 6.5 hours apart are separate incidents (the theme's
  // window is 6 hours), and MapService withholds a cell while its reports or its incidents
  // number below k, or its distinct reporters below k plus a margin of 1-3 (so 8 publish).
  void Submit(const std::string& text, double hours_ago = 0) {
    v1::Report r = BreestraatReport(NewUuid(rng_), text);
    *r.mutable_observed_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(absl::Now() - absl::Seconds(hours_ago * 3600)));
    v1::Report out;
    absl::StatusOr<std::string> device = server_.RegisterDevice();
    ASSERT_TRUE(device.ok()) << device.status();
    grpc::Status status = server_.Submit(*device, r, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    buurt_ = out.area().buurt_code();
    theme_ = v1::Theme_Name(out.theme());
  }

  httplib::Result Get(const std::string& path, int port = 0) {
    httplib::Client client("127.0.0.1", port != 0 ? port : http_port_);
    client.set_read_timeout(10, 0);
    return client.Get(path);
  }
  // /metrics is served only on the ops listener.
  httplib::Result GetMetrics() { return Get("/metrics", ops_port_); }

  std::mt19937_64 rng_{5};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  int http_port_ = 0;
  int ops_port_ = 0;
  std::string buurt_;
  std::string theme_;
};

TEST_F(MapPageTest, HealthzAndMetricsReportTheServer) {
  for (int port : {http_port_, ops_port_}) {
    httplib::Result health = Get("/healthz", port);
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, "ok\n");
  }
  EXPECT_EQ(Get("/metrics")->status, 404) << "/metrics is not for the public listener";

  Submit("Winkeldief bij de drogist in de Breestraat, rende weg richting station");
  Submit("Man steelt scheermesjes bij de drogist in de Breestraat");
  {  // A refused call is counted with its code.
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    v1::GetReportRequest request;
    request.set_name("reports/00000000-0000-4000-8000-000000000000");
    v1::Report out;
    EXPECT_FALSE(server_.reports().GetReport(&context, request, &out).ok());
  }
  httplib::Result metrics = GetMetrics();
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_TRUE(absl::StartsWith(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4"));
  const std::string& text = metrics->body;
  EXPECT_EQ(Sample(text, "wijkwacht_grpc_server_handled_total{grpc_method=\"/wijkwacht.v1."
                         "ReportService/SubmitReport\",grpc_code=\"OK\"}"),
            2);
  EXPECT_EQ(Sample(text, "wijkwacht_grpc_server_handled_total{grpc_method=\"/wijkwacht.v1."
                         "ReportService/GetReport\",grpc_code=\"NOT_FOUND\"}"),
            1);
  EXPECT_EQ(Sample(text, "wijkwacht_grpc_server_handling_seconds_count{grpc_method=\"/wijkwacht."
                         "v1.ReportService/SubmitReport\"}"),
            2);
  EXPECT_EQ(Sample(text, "wijkwacht_reports_ingested_total"), 2);
  EXPECT_GE(Sample(text, "wijkwacht_change_log_sequence"), 2);
  EXPECT_GE(Sample(text, "wijkwacht_rocksdb_estimated_keys{cf=\"reports\"}"), 0);
  EXPECT_GE(Sample(text, "wijkwacht_rocksdb_live_sst_bytes{cf=\"reports\"}"), 0);
  EXPECT_GE(Sample(text, "wijkwacht_rocksdb_pending_compaction_bytes{cf=\"aggregates\"}"), 0);
  EXPECT_EQ(Sample(text, "wijkwacht_streams_active{kind=\"MapService/StreamAggregates\"}"), 0);
  EXPECT_NE(text.find("# TYPE wijkwacht_grpc_server_handling_seconds histogram"), std::string::npos);
  // The page's requests are counted too: once answered (the count is taken after the
  // response is written, so a following request may briefly not see it yet).
  double answered = -1;
  for (int i = 0; i < 50 && answered < 1; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    answered = Sample(GetMetrics()->body,
                      "wijkwacht_http_requests_total{route=\"/metrics\",code=\"200\"}");
  }
  EXPECT_GE(answered, 1);
}

TEST_F(MapPageTest, StreamShowsSmallCountsOnlyAsSuppressedAndResumesFromLastEventId) {
  Submit("Winkeldief bij de drogist in de Breestraat, rende weg richting station");
  // The half year holds all eight reports (up to 46 hours back) on every day but its first
  // two.
  const std::string path = "/api/stream?level=BUURT&period=HALF_YEAR";
  std::vector<Event> events = ReadEvents(http_port_, path, 1);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, "period");
  std::vector<Event> messages = Messages(events);
  ASSERT_EQ(messages.size(), 1u);
  nlohmann::json snapshot = nlohmann::json::parse(messages[0].data);
  EXPECT_TRUE(snapshot.value("snapshot", false));
  EXPECT_EQ(snapshot["cursor"], messages[0].id);
  bool seen = false;
  for (const nlohmann::json& cell : snapshot["cells"]) {
    if (cell["area_code"] != buurt_ || cell["theme"] != theme_) continue;
    seen = true;
    EXPECT_TRUE(cell.value("suppressed", false));  // 1 report < k = 5: withheld
    EXPECT_FALSE(cell.contains("report_count"));
    EXPECT_FALSE(cell.contains("incident_count"));
  }
  EXPECT_TRUE(seen) << snapshot.dump();
  // Only the gemeente's buurten take part.
  for (const nlohmann::json& cell : snapshot["cells"]) {
    EXPECT_TRUE(absl::StartsWith(cell["area_code"].get<std::string>(), "BU0375"));
  }

  // Seven more while disconnected; resuming from the snapshot's id brings the change only.
  for (int i = 1; i <= 7; ++i) {
    Submit(absl::StrCat("Winkeldief bij de drogist in de Breestraat, keer ", i), 6.5 * i);
  }
  std::vector<Event> resumed = Messages(ReadEvents(http_port_, path, 1, messages[0].id));
  ASSERT_EQ(resumed.size(), 1u);
  nlohmann::json update = nlohmann::json::parse(resumed[0].data);
  EXPECT_FALSE(update.value("snapshot", false));
  ASSERT_EQ(update["cells"].size(), 1u) << update.dump();
  EXPECT_EQ(update["cells"][0]["area_code"], buurt_);
  // Eight of each, shown with the public rule's offset (privacy/small_counts.h): 6 to 10.
  for (const char* field : {"report_count", "incident_count"}) {
    int shown = 0;
    ASSERT_TRUE(absl::SimpleAtoi(update["cells"][0][field].get<std::string>(), &shown));
    EXPECT_GE(shown, 6) << field;
    EXPECT_LE(shown, 10) << field;
  }
  EXPECT_FALSE(update["cells"][0].value("suppressed", false));
}

TEST_F(MapPageTest, BadParametersAreNamed) {
  for (const std::string& path : {std::string("/api/stream?level=GEMEENTE&period=WEEK"),
                                  std::string("/api/stream?period=WEEK"),
                                  std::string("/api/areas?level=STAD")}) {
    httplib::Result r = Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path;
    nlohmann::json body = nlohmann::json::parse(r->body);
    EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
    EXPECT_EQ(body["error"]["field"], "level") << path;
  }
  httplib::Result r = Get("/api/stream?level=BUURT&period=YEAR");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["field"], "period");
  // A cursor the server never issued ends the stream with the gRPC error, as an event.
  std::vector<Event> events = ReadEvents(http_port_, "/api/stream?level=BUURT&period=DAY", 1, "bogus");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "end");
  EXPECT_EQ(nlohmann::json::parse(events.back().data)["code"], 3);  // INVALID_ARGUMENT
}

TEST_F(MapPageTest, ServesThePageAreasAndLeafletFromTheBuildTree) {
  httplib::Result page = Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_TRUE(absl::StrContains(page->body, "Veiligheidskaart Beverwijk"));
  if (!std::filesystem::exists(std::string(WIJKWACHT_NODE_MODULES) + "/leaflet")) {
    GTEST_SKIP() << "npm ci could not fetch Leaflet at build time (npm registry unreachable)";
  }
  httplib::Result leaflet = Get("/vendor/leaflet/leaflet.js");
  ASSERT_TRUE(leaflet);
  EXPECT_EQ(leaflet->status, 200);
  httplib::Result focus = Get("/api/areas?level=FOCUS_AREA");
  ASSERT_TRUE(focus);
  ASSERT_EQ(focus->status, 200);
  std::vector<std::string> names;
  const nlohmann::json body = nlohmann::json::parse(focus->body);
  for (const nlohmann::json& a : body["areas"]) {
    names.push_back(a["display_name"]);
    EXPECT_FALSE(a["geometry_geojson"].get<std::string>().empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"De Drie Straatjes", "Oosterwijk"})) << focus->body;
}

// /healthz follows the store's write health and says 503 from the start of a drain.
TEST_F(MapPageTest, HealthzIs503WhenTheStoreRefusesWritesOrWhileDraining) {
  metrics::Registry registry;
  absl::Status store = absl::OkStatus();
  web::HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.assets_dir = WIJKWACHT_WEB_SITE;
  options.gemeente_code = "GM0375";  // the shipped areas'
  options.channel = server_.channel();
  options.metrics = &registry;
  options.health = [&store] { return store; };
  absl::StatusOr<std::unique_ptr<web::HttpServer>> http = web::HttpServer::Start(options);
  ASSERT_TRUE(http.ok()) << http.status();
  httplib::Client client("127.0.0.1", (*http)->port());
  EXPECT_EQ(client.Get("/healthz")->status, 200);
  store = absl::UnavailableError("disk full");
  httplib::Result refused = client.Get("/healthz");
  EXPECT_EQ(refused->status, 503);
  EXPECT_TRUE(absl::StrContains(refused->body, "disk full"));
  store = absl::OkStatus();
  (*http)->BeginDrain();
  EXPECT_EQ(client.Get("/healthz")->status, 503);
  EXPECT_EQ(client.Get("/api/stream?level=BUURT&period=DAY")->status, 503);
  (*http)->Stop();
  EXPECT_FALSE(client.Get("/healthz"));  // closed

  options.listen = "127.0.0.1:not-a-port";
  EXPECT_EQ(web::HttpServer::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.listen = "127.0.0.1:0";
  options.assets_dir = "/nonexistent/site";
  EXPECT_EQ(web::HttpServer::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
}

// The page in headless Chromium: a buurt goes from withheld ("< 5", hatched) to its count
// through the live stream, without a reload.
TEST_F(MapPageTest, PageShowsABuurtGoFromSuppressedToItsCountLive) {
  if (!std::filesystem::exists(std::string(WIJKWACHT_NODE_MODULES) + "/playwright-core")) {
    GTEST_SKIP() << "npm ci could not fetch Leaflet and playwright-core at build time (npm "
                    "registry unreachable): the page cannot be driven";
  }
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "headless Chromium is required: apt-get install -y chromium (Debian package)";
  Submit("Winkeldief bij de drogist in de Breestraat, rende weg richting station");
  const std::string url = absl::StrCat("http://127.0.0.1:", http_port_, "/?level=BUURT&theme=",
                                       theme_, "&period=HALF_YEAR&measure=report_count");
  const std::string screenshot = absl::StrCat(WIJKWACHT_TEST_OUTPUT, "/map_page.png");
  std::filesystem::remove(screenshot);
  const std::string command = absl::StrCat(
      "WIJKWACHT_NODE_MODULES=", ShellQuote(WIJKWACHT_NODE_MODULES), " timeout 90 ",
      ShellQuote(WIJKWACHT_NODE), " ", ShellQuote(WIJKWACHT_MAP_PAGE_SCRIPT), " ", ShellQuote(url),
      " ", buurt_, " ", ShellQuote(screenshot), " 5 2>&1");
  FILE* browser = popen(command.c_str(), "r");
  ASSERT_NE(browser, nullptr);
  std::string output, count;
  char line[4096];
  while (fgets(line, sizeof line, browser) != nullptr) {
    output += line;
    absl::string_view text(line);
    if (absl::StartsWith(text, "SUPPRESSED_SEEN")) {
      // The page shows "< 5" now; seven more reports (eight reporters) publish it.
      for (int i = 1; i <= 7; ++i) {
        Submit(absl::StrCat("Winkeldief bij de drogist in de Breestraat, keer ", i), 6.5 * i);
      }
    } else if (absl::ConsumePrefix(&text, "COUNT_SEEN ")) {
      count = std::string(absl::StripTrailingAsciiWhitespace(text));
    }
  }
  const int status = pclose(browser);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  // The first published figure: the cell publishes once k + m distinct reporters are in it
  // (m drawn in 1..3, so after the 6th, 7th or 8th report, whichever the page sees first),
  // shown with the public rule's offset (-2..+2, never below k; privacy/small_counts.h).
  int shown = 0;
  ASSERT_TRUE(absl::SimpleAtoi(count, &shown)) << output;
  EXPECT_GE(shown, 5) << output;
  EXPECT_LE(shown, 10) << output;
  ASSERT_TRUE(std::filesystem::exists(screenshot));
  EXPECT_GT(std::filesystem::file_size(screenshot), 10000u);

  const std::string metrics = GetMetrics()->body;
  EXPECT_EQ(Sample(metrics, "wijkwacht_reports_ingested_total"), 8);
  EXPECT_GE(Sample(metrics, "wijkwacht_http_requests_total{route=\"/api/areas\",code=\"200\"}"), 3);
  EXPECT_EQ(Get("/healthz")->status, 200);
}

}  // namespace
}  // namespace wijkwacht::testing
