// Crash: kill -9 the server at random moments while clients submit reports, the dispatch desk
// claims incidents and shopkeeper alerts are published, restart it, and prove that every
// acknowledged write is present, that retrying the unacknowledged ones with the same id
// creates no duplicates, that every report's incident exists, and that the map counters and
// the audit chain are intact (`wijkwacht aggregates verify`, `wijkwacht audit verify`).
//
// WIJKWACHT_CRASH_CYCLES sets the number of kill -9 cycles (default 4, the suite's short run;
// scripts/crash_campaign.sh runs 100).
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/alert_store.h"
#include "storage/incident_store.h"
#include "tests/ops_support.h"

namespace wijkwacht::testing {
namespace {

constexpr int kDefaultCycles = 4;
constexpr int kReportThreads = 6;
constexpr char kDispatcher[] = "meldkamer";

int Cycles() {
  int cycles = kDefaultCycles;
  const char* env = std::getenv("WIJKWACHT_CRASH_CYCLES");
  if (env != nullptr && (!absl::SimpleAtoi(env, &cycles) || cycles < 1)) cycles = kDefaultCycles;
  return cycles;
}

// What the clients know across all cycles. Guarded by `mu`.
struct Ledger {
  std::mutex mu;
  std::map<std::string, v1::Report> acked_reports;    // id -> what the client sent
  std::map<std::string, v1::Report> pending_reports;  // sent, outcome unknown
  std::map<std::string, std::string> report_incident; // id -> incident the ack named
  std::set<std::string> acked_alerts;
  std::set<std::string> pending_alerts;
  int acked_claims = 0;
};

// A device's access token renewed from its refresh token (kept across restarts).
std::string RefreshDevice(const std::shared_ptr<grpc::Channel>& channel, std::string* refresh) {
  auto auth = v1::AuthService::NewStub(channel);
  if (refresh->empty()) {
    grpc::ClientContext context;
    v1::RegisterDeviceResponse response;
    if (!auth->RegisterDevice(&context, {}, &response).ok()) return "";
    *refresh = response.refresh_token();
    return response.access().access_token();
  }
  grpc::ClientContext context;
  v1::RefreshTokenRequest request;
  request.set_refresh_token(*refresh);
  v1::TokenResponse response;
  if (!auth->RefreshToken(&context, request, &response).ok()) return "";
  if (!response.refresh_token().empty()) *refresh = response.refresh_token();
  return response.access_token();
}

TEST(CrashTest, AcknowledgedWritesSurviveKill9AndRetriesDoNotDuplicate) {
  const int cycles = Cycles();
  TempDir dir;
  TempDir secrets;
  const std::vector<std::string> flags = OpsServerFlags(secrets.path());
  Ledger ledger;
  std::string device_refresh;
  std::mt19937_64 seed_rng(7);

  for (int cycle = 0; cycle < cycles; ++cycle) {
    ServerProcess server;
    ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    auto reports = v1::ReportService::NewStub(channel);
    auto alerts = v1::AlertService::NewStub(channel);
    // Reports belong to the device that sent them: retries come from the same device.
    const std::string device = RefreshDevice(channel, &device_refresh);
    ASSERT_FALSE(device.empty()) << "cycle " << cycle;
    const std::string admin = AdminToken(channel);
    const std::string dispatcher = NewDispatcherToken(channel, admin, kDispatcher);
    ASSERT_FALSE(dispatcher.empty()) << "cycle " << cycle;

    // Retry what the previous crash left unacknowledged: same id, same content.
    for (auto it = ledger.pending_reports.begin(); it != ledger.pending_reports.end();) {
      v1::Report out;
      grpc::Status status = Submit(*reports, device, it->second, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ledger.report_incident[it->first] = out.incident_id();
      ledger.acked_reports.emplace(it->first, it->second);
      it = ledger.pending_reports.erase(it);
    }
    for (auto it = ledger.pending_alerts.begin(); it != ledger.pending_alerts.end();) {
      v1::Alert out;
      grpc::Status status = PublishAlert(*alerts, dispatcher, *it, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ledger.acked_alerts.insert(*it);
      it = ledger.pending_alerts.erase(it);
    }

    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kReportThreads; ++t) {
      clients.emplace_back([&, t, seed = seed_rng()] {
        std::mt19937_64 rng(seed);
        while (!stop.load()) {
          v1::Report report = SpreadReport(
              rng, absl::StrFormat("cyclus %d client %d: verdachte situatie", cycle, t));
          {
            std::lock_guard<std::mutex> lock(ledger.mu);
            ledger.pending_reports.emplace(report.id(), report);
          }
          v1::Report out;
          grpc::Status status = Submit(*reports, device, report, &out, 2000);
          std::lock_guard<std::mutex> lock(ledger.mu);
          if (status.ok()) {
            ledger.pending_reports.erase(report.id());
            ledger.acked_reports.emplace(report.id(), report);
            ledger.report_incident[report.id()] = out.incident_id();
          } else if (stop.load()) {
            return;  // server gone; the report stays pending
          }
        }
      });
    }
    // The dispatch desk claims incidents of acknowledged reports.
    clients.emplace_back([&, seed = seed_rng()] {
      std::mt19937_64 rng(seed);
      auto dispatch = v1::DispatchService::NewStub(channel);
      while (!stop.load()) {
        std::string incident;
        {
          std::lock_guard<std::mutex> lock(ledger.mu);
          if (!ledger.report_incident.empty()) {
            auto it = ledger.report_incident.begin();
            std::advance(it, rng() % ledger.report_incident.size());
            incident = it->second;
          }
        }
        if (incident.empty() || !ClaimIncident(*dispatch, dispatcher, incident, 2000).ok()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        std::lock_guard<std::mutex> lock(ledger.mu);
        ++ledger.acked_claims;
      }
    });
    // Shopkeeper alerts (published by the dispatcher), idempotent on their id.
    clients.emplace_back([&, seed = seed_rng()] {
      std::mt19937_64 rng(seed);
      while (!stop.load()) {
        const std::string id = NewUuid(rng);
        {
          std::lock_guard<std::mutex> lock(ledger.mu);
          ledger.pending_alerts.insert(id);
        }
        v1::Alert out;
        grpc::Status status = PublishAlert(*alerts, dispatcher, id, &out, 2000);
        std::lock_guard<std::mutex> lock(ledger.mu);
        if (status.ok()) {
          ledger.pending_alerts.erase(id);
          ledger.acked_alerts.insert(id);
        } else if (stop.load()) {
          return;
        }
      }
    });
    // Kill at a random moment while the clients are busy.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + seed_rng() % 700));
    server.Kill9();
    stop = true;
    for (std::thread& c : clients) c.join();
  }

  // Final restart: retry the rest, then check the store against what the clients know.
  ServerProcess server;
  ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto reports = v1::ReportService::NewStub(channel);
  auto alerts = v1::AlertService::NewStub(channel);
  auto dispatch = v1::DispatchService::NewStub(channel);
  const std::string device = RefreshDevice(channel, &device_refresh);
  const std::string admin_token = AdminToken(channel);
  const std::string dispatcher = NewDispatcherToken(channel, admin_token, kDispatcher);
  ASSERT_FALSE(device.empty());
  ASSERT_FALSE(dispatcher.empty());
  for (const auto& [id, report] : ledger.pending_reports) {
    v1::Report out;
    ASSERT_TRUE(Submit(*reports, device, report, &out).ok());
    ledger.acked_reports.emplace(id, report);
  }
  for (const std::string& id : ledger.pending_alerts) {
    v1::Alert out;
    ASSERT_TRUE(PublishAlert(*alerts, dispatcher, id, &out).ok());
    ledger.acked_alerts.insert(id);
  }
  ASSERT_GT(ledger.acked_reports.size(), 100u) << "the load was too small to prove anything";
  std::printf("%d cycles: %zu reports, %zu alerts, %d claims acknowledged\n", cycles,
              ledger.acked_reports.size(), ledger.acked_alerts.size(), ledger.acked_claims);

  std::set<std::string> incidents_checked;
  for (const auto& [id, sent] : ledger.acked_reports) {
    v1::Report got;
    grpc::Status status = GetReport(*reports, device, id, &got);
    ASSERT_TRUE(status.ok()) << id << ": " << status.error_message();
    EXPECT_EQ(got.description(), sent.description());
    // The incident it was grouped into exists (and is the one the ack named).
    auto named = ledger.report_incident.find(id);
    if (named != ledger.report_incident.end()) EXPECT_EQ(got.incident_id(), named->second);
    if (!incidents_checked.insert(got.incident_id()).second) continue;
    grpc::ClientContext incident_context;
    WithToken(incident_context, dispatcher);
    v1::GetIncidentRequest incident_request;
    incident_request.set_name(got.incident_id());
    v1::Incident incident;
    grpc::Status found = dispatch->GetIncident(&incident_context, incident_request, &incident);
    EXPECT_TRUE(found.ok()) << got.incident_id() << " of " << id << ": " << found.error_message();
  }
  // Listing everything is for staff.
  std::multiset<std::string> listed;
  v1::ListReportsRequest request;
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    WithToken(context, admin_token);
    v1::ListReportsResponse response;
    ASSERT_TRUE(reports->ListReports(&context, request, &response).ok());
    for (const v1::Report& r : response.reports()) listed.insert(r.id());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(listed.size(), ledger.acked_reports.size()) << "duplicates or lost reports";
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), listed.size());
  EXPECT_EQ(server.Terminate(), 0) << "SIGTERM must stop the server cleanly";

  // Offline checks on the data dir, as `wijkwacht aggregates verify` / `audit verify` do, and
  // every acknowledged alert.
  absl::StatusOr<int64_t> audit_entries =
      VerifyStoreOffline(dir.path(), [&](storage::Engine& engine) {
        storage::AlertStore alert_store(&engine);
        for (const std::string& id : ledger.acked_alerts) {
          if (!alert_store.Get(id).ok()) {
            return absl::NotFoundError("acknowledged alert " + id + " is missing");
          }
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(audit_entries.ok()) << audit_entries.status();
  EXPECT_GE(*audit_entries, ledger.acked_claims) << "acknowledged claims missing from the audit log";
}

// One event, many reporters, kill -9 in the middle of the burst: the open incident lives in
// memory, rebuilt from RocksDB at start. After the restart every retried and every new report
// of the event joins the incident the acknowledged ones joined, its report count is exactly
// the number of distinct reports, and the counters verify.
TEST(CrashTest, AHotIncidentRebuiltAfterKill9MakesTheSameDecisions) {
  TempDir dir;
  TempDir secrets;
  const std::vector<std::string> flags = OpsServerFlags(secrets.path());
  const absl::Time event = absl::Now() - absl::Minutes(20);
  std::mt19937_64 rng(11);
  // Within 30 m and 10 minutes of one spot in the Breestraat, one kind of event.
  auto hot_report = [&](std::mt19937_64& r) {
    v1::Report report = BreestraatReport(NewUuid(r), "Winkeldief bij de drogist in de "
                                                     "Breestraat, rent weg met een volle tas");
    std::uniform_real_distribution<double> unit(-1, 1);
    report.mutable_location()->set_latitude(52.4870 + 0.0002 * unit(r));
    report.mutable_location()->set_longitude(4.6578 + 0.0003 * unit(r));
    *report.mutable_observed_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(event) + static_cast<int64_t>(r() % 600));
    return report;
  };
  std::mutex mu;
  std::map<std::string, v1::Report> acked, pending;
  std::set<std::string> incidents;
  std::string device_refresh;
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    auto reports = v1::ReportService::NewStub(channel);
    const std::string device = RefreshDevice(channel, &device_refresh);
    ASSERT_FALSE(device.empty());
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kReportThreads; ++t) {
      clients.emplace_back([&, seed = rng()] {
        std::mt19937_64 r(seed);
        while (!stop.load()) {
          v1::Report report = hot_report(r);
          {
            std::lock_guard<std::mutex> lock(mu);
            pending.emplace(report.id(), report);
          }
          v1::Report out;
          grpc::Status status = Submit(*reports, device, report, &out, 2000);
          std::lock_guard<std::mutex> lock(mu);
          if (status.ok()) {
            pending.erase(report.id());
            acked.emplace(report.id(), report);
            incidents.insert(out.incident_id());
          } else if (stop.load()) {
            return;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    server.Kill9();
    stop = true;
    for (std::thread& c : clients) c.join();
  }
  ASSERT_GT(acked.size(), 20u) << "the burst was too small to prove anything";
  ASSERT_EQ(incidents.size(), 1u) << "one event must be one incident";
  const std::string incident = *incidents.begin();

  ServerProcess server;
  ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
  EXPECT_NE(server.output().find("open incidents loaded into memory"), std::string::npos)
      << server.output();
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto reports = v1::ReportService::NewStub(channel);
  const std::string device = RefreshDevice(channel, &device_refresh);
  ASSERT_FALSE(device.empty());
  for (const auto& [id, report] : pending) {
    v1::Report out;
    ASSERT_TRUE(Submit(*reports, device, report, &out).ok());
    EXPECT_EQ(out.incident_id(), incident) << "retried " << id;
    acked.emplace(id, report);
  }
  for (int n = 0; n < 20; ++n) {
    v1::Report report = hot_report(rng);
    v1::Report out;
    ASSERT_TRUE(Submit(*reports, device, report, &out).ok());
    EXPECT_EQ(out.incident_id(), incident) << "new report " << n << " after the restart";
    acked.emplace(report.id(), report);
  }
  std::printf("hot incident: %zu reports (%zu retried after kill -9) in %s\n", acked.size(),
              pending.size(), incident.c_str());
  EXPECT_EQ(server.Terminate(), 0);
  absl::StatusOr<int64_t> verified =
      VerifyStoreOffline(dir.path(), [&](storage::Engine& engine) -> absl::Status {
        auto bytes = engine.Get(storage::ColumnFamily::kIncidents,
                                absl::StripPrefix(incident, "incidents/"));
        if (!bytes.ok()) return bytes.status();
        if (!bytes->has_value()) return absl::NotFoundError(incident);
        auto stored = storage::ParseStoredIncident(**bytes);
        if (!stored.ok()) return stored.status();
        if (stored->report_count() != static_cast<int>(acked.size())) {
          return absl::InternalError(absl::StrCat(incident, " counts ", stored->report_count(),
                                                  " reports, not ", acked.size()));
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(verified.ok()) << verified.status();
}

// The event lexicon is data read at start: a malformed or missing file stops the start with a
// message naming the flag and the line, before anything is served or written.
TEST(StartTest, AMalformedEventLexiconStopsTheStart) {
  TempDir dir;
  TempDir files;
  const std::string bad = files.path() + "/lexicon.tsv";
  {
    std::ofstream out(bad);
    out << "# a lexicon with one good and one bad line\n"
        << "kind\tbike_theft\t|fiets gestolen\n"
        << "kind\tbike_thief\t|fiets gejat\n";
  }
  const struct {
    std::string flag;
    std::string named;
  } cases[] = {
      {"--event_lexicon=" + bad, "line 3: 'bike_thief' is not a kind"},
      {"--event_lexicon=" + files.path() + "/missing.tsv", "cannot be read"},
  };
  for (const auto& c : cases) {
    ServerProcess server;
    EXPECT_FALSE(server.Start(WIJKWACHTD_BINARY, dir.path(), {c.flag}));
    EXPECT_NE(server.output().find("--event_lexicon"), std::string::npos) << server.output();
    EXPECT_NE(server.output().find(c.named), std::string::npos) << server.output();
  }
}

}  // namespace
}  // namespace wijkwacht::testing
