// The desk console (/desk/) against the real server (RocksDB in a temp dir, gRPC and HTTP on
// 127.0.0.1 port 0, staff accounts made by the bootstrap admin): how it is served (its strict
// Content-Security-Policy), and the console itself in headless Chromium (Debian `chromium`,
// driven by playwright-core, checked by axe-core; web/desk_console_e2e.cjs says what it
// does). Screenshots and the axe results of every page land in build/web/desk_console/.
// Fails, not skips, when node or Chromium is missing.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/test_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr char kDeskPassword[] = "meldkamer wachtwoord 2026";
constexpr char kNoBrowserPackages[] =
    "npm ci could not fetch playwright-core and axe-core at build time (npm registry "
    "unreachable): the console cannot be driven";
constexpr char kNoChromium[] =
    "headless Chromium is required: apt-get install -y chromium (Debian package)";

// playwright-core and axe-core, which npm ci puts into the build tree.
bool HaveBrowserPackages() {
  return std::filesystem::exists(std::string(WIJKWACHT_NODE_MODULES) + "/playwright-core") &&
         std::filesystem::exists(std::string(WIJKWACHT_NODE_MODULES) + "/axe-core");
}

class DeskConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().http_listen = "127.0.0.1:0";
    server_.options().http_assets_dir = WIJKWACHT_WEB_SITE;
    server_.options().device_write_burst = 1e6;
    // Reports a street apart are separate incidents (the queue's second page is filled so).
    server_.options().dedup.radius_meters = 20;
    server_.options().dedup.near_meters = 20;
    server_.options().dedup.max_accuracy_slack_meters = 0;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    http_port_ = server_.server()->http_port();
    ASSERT_GT(http_port_, 0);
    dispatch_ = v1::DispatchService::NewStub(server_.channel());
  }

  void CreateDispatcher(const std::string& name) {
    absl::Status created = server_.CreateAccount(name, v1::ROLE_DISPATCHER, kDeskPassword);
    ASSERT_TRUE(created.ok()) << created;
  }

  httplib::Result Get(const std::string& path) {
    httplib::Client client("127.0.0.1", http_port_);
    client.set_read_timeout(10, 0);
    return client.Get(path);
  }

  v1::Incident GetIncident(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    grpc::Status status = dispatch_->GetIncident(&context, request, &incident);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return incident;
  }

  std::mt19937_64 rng_{18};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  int http_port_ = 0;
};

TEST_F(DeskConsoleTest, IsServedUnderAStrictPolicyAndNeverCached) {
  httplib::Result page = Get("/desk/");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(absl::StrContains(page->body, "Meldkamer")) << page->body;
  EXPECT_FALSE(absl::StrContains(page->body, "<script>")) << "no inline script";
  EXPECT_FALSE(absl::StrContains(page->body, "style=")) << "no inline style";
  for (const std::string& path : {std::string("/desk/"), std::string("/desk/app.js"),
                                  std::string("/desk/desk.css")}) {
    httplib::Result r = Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    ASSERT_EQ(r->get_header_value_count("Content-Security-Policy"), 1u) << path;
    const std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_TRUE(absl::StrContains(csp, "script-src 'self';")) << csp;
    EXPECT_TRUE(absl::StrContains(csp, "style-src 'self';")) << csp;
    EXPECT_FALSE(absl::StrContains(csp, "unsafe")) << csp;
    EXPECT_TRUE(absl::StrContains(csp, "frame-ancestors 'none'")) << csp;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store") << path;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY") << path;
  }
  httplib::Result js = Get("/desk/app.js");
  EXPECT_TRUE(absl::StartsWith(js->get_header_value("Content-Type"), "text/javascript") ||
              absl::StartsWith(js->get_header_value("Content-Type"), "application/javascript"))
      << js->get_header_value("Content-Type");
  httplib::Result bare = Get("/desk");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 302);
  EXPECT_EQ(bare->get_header_value("Location"), "/desk/");
  // The map page keeps its own policy.
  httplib::Result map = Get("/");
  ASSERT_TRUE(map);
  EXPECT_TRUE(absl::StrContains(map->get_header_value("Content-Security-Policy"), "'unsafe-inline'"));
}

// The console lists the queue, then follows it from the list's position: WatchQueue from
// ListIncidentsResponse.watch_cursor brings what came after the list, not the log's past.
TEST_F(DeskConsoleTest, QueueListGivesThePositionToWatchFrom) {
  CreateDispatcher("meldkamer1");
  absl::StatusOr<std::string> desk = server_.Login("meldkamer1", kDeskPassword);
  ASSERT_TRUE(desk.ok()) << desk.status();
  v1::Report before, after;
  ASSERT_TRUE(server_.SubmitAsResident(BreestraatReport(NewUuid(rng_), "Winkeldief bij de drogist"),
                                       &before).ok());
  v1::ListIncidentsResponse list;
  {
    grpc::ClientContext context;
    WithToken(context, *desk);
    ASSERT_TRUE(dispatch_->ListIncidents(&context, v1::ListIncidentsRequest(), &list).ok());
  }
  ASSERT_EQ(list.incidents_size(), 1);
  EXPECT_EQ(list.incidents(0).name(), before.incident_id());
  ASSERT_FALSE(list.watch_cursor().empty());
  v1::Report far = BreestraatReport(NewUuid(rng_), "Twee jongens stelen blikjes bij de supermarkt");
  far.mutable_location()->set_latitude(52.4795);
  far.mutable_location()->set_longitude(4.6470);
  ASSERT_TRUE(server_.SubmitAsResident(far, &after).ok());
  ASSERT_NE(after.incident_id(), before.incident_id());

  // From the list's position: the later incident first.
  for (const auto& [cursor, first] :
       {std::pair<std::string, std::string>{list.watch_cursor(), after.incident_id()},
        std::pair<std::string, std::string>{"", before.incident_id()}}) {  // from the start
    grpc::ClientContext context;
    WithToken(context, *desk);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::WatchQueueRequest request;
    request.set_resume_cursor(cursor);
    auto watch = dispatch_->WatchQueue(&context, request);
    v1::QueueEvent event;
    ASSERT_TRUE(watch->Read(&event)) << "from '" << cursor << "'";
    EXPECT_EQ(event.incident().name(), first) << "from '" << cursor << "'";
    context.TryCancel();
  }
}

// The whole desk flow in two browser contexts; see desk_console_e2e.cjs.
TEST_F(DeskConsoleTest, DeskWorksAnIncidentInTheBrowser) {
  if (!HaveBrowserPackages()) GTEST_SKIP() << kNoBrowserPackages;
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << kNoChromium;
  CreateDispatcher("meldkamer1");
  CreateDispatcher("meldkamer2");
  // An incident already in the queue, which the desk merges into the new one.
  v1::Report older;
  ASSERT_TRUE(server_
                  .SubmitAsResident(BreestraatReport(NewUuid(rng_), "Winkeldief bij de drogist in "
                                                                    "de Breestraat, rende weg"),
                                    &older)
                  .ok());
  ASSERT_FALSE(older.incident_id().empty());
  // A full page of newer incidents: the older one is on the queue's second page.
  for (int i = 0; i < 200; ++i) {
    v1::Report filler = BreestraatReport(NewUuid(rng_), absl::StrCat("Fietsdiefstal melding ", i));
    filler.set_category("fietsdiefstal");
    filler.mutable_location()->set_latitude(52.4820 + 0.0005 * (i % 20));
    filler.mutable_location()->set_longitude(4.6280 + 0.0008 * (i / 20));
    filler.set_accuracy_meters(1);
    v1::Report stored;
    grpc::Status status = server_.SubmitAsResident(filler, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_NE(stored.incident_id(), older.incident_id());
  }
  httplib::Result openapi = Get("/v1/openapi.json");
  ASSERT_TRUE(openapi);
  const bool has_ask = absl::StrContains(openapi->body, "\"DispatchService_AskReporter\"");

  const std::string out_dir = absl::StrCat(WIJKWACHT_TEST_OUTPUT, "/desk_console");
  std::filesystem::remove_all(out_dir);
  const std::string command = absl::StrCat(
      "WIJKWACHT_NODE_MODULES=", ShellQuote(WIJKWACHT_NODE_MODULES),
      " DESK_USER1=meldkamer1 DESK_USER2=meldkamer2 DESK_PASSWORD=", ShellQuote(kDeskPassword),
      " DESK_ADMIN=", kAdminName, " DESK_ADMIN_PASSWORD=", ShellQuote(kAdminPassword),
      " timeout 100 ", ShellQuote(WIJKWACHT_NODE), " ", ShellQuote(WIJKWACHT_DESK_SCRIPT), " ",
      ShellQuote(absl::StrCat("http://127.0.0.1:", http_port_)), " ",
      ShellQuote(older.incident_id()), " ", ShellQuote(out_dir), " 2>&1");
  FILE* browser = popen(command.c_str(), "r");
  ASSERT_NE(browser, nullptr);
  std::string output, incident, race, ask, search, dead, bulk;
  std::vector<std::string> axe_pages;
  char line[8192];
  while (fgets(line, sizeof line, browser) != nullptr) {
    output += line;
    absl::string_view text = absl::StripTrailingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&text, "DONE ")) incident = std::string(text);
    else if (absl::ConsumePrefix(&text, "RACE ")) race = std::string(text);
    else if (absl::ConsumePrefix(&text, "ASK ")) ask = std::string(text);
    else if (absl::ConsumePrefix(&text, "SEARCH ")) search = std::string(text);
    else if (absl::ConsumePrefix(&text, "DEAD ")) dead = std::string(text);
    else if (absl::ConsumePrefix(&text, "BULK ")) bulk = std::string(text);
    else if (absl::ConsumePrefix(&text, "AXE ")) {
      axe_pages.push_back(std::string(text));
      EXPECT_TRUE(absl::StrContains(text, " 0 ")) << "axe-core violations: " << text;
    }
  }
  const int status = pclose(browser);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  ASSERT_FALSE(incident.empty()) << output;
  // Every page visited was checked: login, queue (and its search), incident (refused claim,
  // resolved, admin), the queue after a bulk action, the administrator's undelivered
  // notifications.
  EXPECT_EQ(axe_pages.size(), 8u) << output;
  // This server has no webhook: nothing undelivered, and nothing to resend.
  EXPECT_EQ(dead, "0 niet afgeleverd") << output;
  // The search box found exactly the new report's incident among 200 others.
  EXPECT_EQ(search, "1") << output;
  // The refusal the losing desk saw is the server's own message.
  EXPECT_TRUE(absl::StrContains(race, "has changed") || absl::StrContains(race, "already claimed"))
      << race;
  // The ask step ran exactly when the server has the RPC.
  EXPECT_EQ(ask, has_ask ? "ran" : "absent") << output;
  for (const char* png : {"login.png", "queue.png", "queue-search.png", "claim-refused.png",
                          "incident.png", "dead-letters.png", "queue-bulk.png",
                          "incident-audit.png"}) {
    EXPECT_TRUE(std::filesystem::exists(absl::StrCat(out_dir, "/", png))) << png;
  }

  // The bulk action moved the new incident (its own call, audited) and not the resolved one.
  ASSERT_FALSE(bulk.empty()) << output;
  EXPECT_EQ(GetIncident(bulk).status(), v1::INCIDENT_TRIAGED);

  // What the browser did is what the server holds.
  v1::Incident resolved = GetIncident(incident);
  EXPECT_EQ(resolved.status(), v1::INCIDENT_RESOLVED);
  EXPECT_EQ(resolved.reports_size(), 2) << resolved.DebugString();
  EXPECT_TRUE(resolved.claimed_by() == "users/meldkamer1" ||
              resolved.claimed_by() == "users/meldkamer2")
      << resolved.claimed_by();
  EXPECT_NE(std::find(resolved.reports().begin(), resolved.reports().end(), older.name()),
            resolved.reports().end());
}


// A report's media_url in the console (desk_media_e2e.cjs): the stored https address, markup
// in its query included, is one link whose href and text are exactly the address, opened in
// a new tab with rel="noopener noreferrer" and no referrer; the values the server refuses
// (javascript:, data:, plain http, ...), put into the server's answer by the browser script,
// become no link and are not shown.
TEST_F(DeskConsoleTest, MediaUrlIsASafeLinkOrNone) {
  if (!HaveBrowserPackages()) GTEST_SKIP() << kNoBrowserPackages;
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << kNoChromium;
  CreateDispatcher("meldkamer1");
  const std::string media =
      "https://beeldbank.beverwijk-meldt.nl/meldingen/fiets.jpg?titel=\"><img/src=x/"
      "onerror=alert(1)>&door='x'";
  v1::Report report = BreestraatReport(NewUuid(rng_), "Fietsendief bij de drogist, foto gemaakt");
  report.set_media_url(media);
  v1::Report stored;
  grpc::Status submitted = server_.SubmitAsResident(report, &stored);
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  ASSERT_EQ(stored.media_url(), media);

  const std::string out_dir = absl::StrCat(WIJKWACHT_TEST_OUTPUT, "/desk_media");
  std::filesystem::remove_all(out_dir);
  const std::string command = absl::StrCat(
      "WIJKWACHT_NODE_MODULES=", ShellQuote(WIJKWACHT_NODE_MODULES),
      " DESK_USER=meldkamer1 DESK_PASSWORD=", ShellQuote(kDeskPassword), " timeout 100 ",
      ShellQuote(WIJKWACHT_NODE), " ", ShellQuote(WIJKWACHT_DESK_MEDIA_SCRIPT), " ",
      ShellQuote(absl::StrCat("http://127.0.0.1:", http_port_)), " ",
      ShellQuote(stored.incident_id()), " ", ShellQuote(stored.name()), " ", ShellQuote(media),
      " ", ShellQuote(out_dir), " 2>&1");
  FILE* browser = popen(command.c_str(), "r");
  ASSERT_NE(browser, nullptr);
  std::string output, link, refused, axe;
  bool done = false;
  char line[8192];
  while (fgets(line, sizeof line, browser) != nullptr) {
    output += line;
    absl::string_view text = absl::StripTrailingAsciiWhitespace(line);
    if (text == "DONE") done = true;
    else if (absl::ConsumePrefix(&text, "MEDIA link ")) link = std::string(text);
    else if (absl::ConsumePrefix(&text, "MEDIA refused ")) refused = std::string(text);
    else if (absl::ConsumePrefix(&text, "AXE ")) axe = std::string(text);
  }
  const int status = pclose(browser);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_TRUE(done) << output;
  EXPECT_EQ(link, absl::StrCat(media, " | noopener noreferrer nofollow | _blank")) << output;
  EXPECT_EQ(refused, "10") << output;
  EXPECT_TRUE(absl::StartsWith(axe, "incident-media 0 ")) << "axe-core violations: " << output;
}

}  // namespace
}  // namespace wijkwacht::testing
