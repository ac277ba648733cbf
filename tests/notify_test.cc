// Notifications out, end to end: the real wijkwachtd (tests/server_process.h) with its webhook
// pointed at a receiver on loopback (an httplib::Server in this test) that answers the first
// attempts with 503 and is down while the server is killed with -9 and restarted. Every
// notification arrives; after de-duplication by the Idempotency-Key each arrives once; the
// receiver checks every X-Wijkwacht-Signature with the secret; and no body carries a device
// id, report text, alert description or location.
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/ops_support.h"
#include "tests/test_certs.h"
#include "wijkwacht/v1/operations.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr char kSecret[] = "webhook-geheim-7f3a9c";
constexpr char kDispatcher[] = "meldkamer";

std::string HexHmac(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(mac), length));
}

// A webhook receiver on 127.0.0.1 that verifies signatures and records every request.
class Receiver {
 public:
  struct Request {
    std::string key;   // Idempotency-Key header
    std::string body;
    bool signed_ok = false;
    bool accepted = false;  // answered 2xx
  };

  // From now on speak https with this certificate and key (PEM files).
  void UseTls(std::string cert_file, std::string key_file) {
    cert_file_ = std::move(cert_file);
    key_file_ = std::move(key_file);
  }

  // Listens on `port` (0: any free one); returns the port (0 on failure).
  int Up(int port = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cert_file_.empty()) {
      server_ = std::make_unique<httplib::Server>();
    } else {
      server_ = std::make_unique<httplib::SSLServer>(cert_file_.c_str(), key_file_.c_str());
    }
    server_->Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      Request r;
      r.key = req.get_header_value("Idempotency-Key");
      r.body = req.body;
      r.signed_ok = req.get_header_value("X-Wijkwacht-Signature") == HexHmac(kSecret, req.body) &&
                    req.get_header_value("Content-Type") == "application/json";
      std::lock_guard<std::mutex> lock(mu_);
      r.accepted = fail_next_ == 0;
      if (fail_next_ > 0) --fail_next_;
      res.status = r.accepted ? 200 : 503;
      requests_.push_back(std::move(r));
    });
    if (port == 0) {
      port = server_->bind_to_any_port("127.0.0.1");
    } else if (!server_->bind_to_port("127.0.0.1", port)) {
      return 0;
    }
    thread_ = std::thread([server = server_.get()] { server->listen_after_bind(); });
    return port;
  }

  void Down() {
    std::unique_ptr<httplib::Server> server;
    {
      std::lock_guard<std::mutex> lock(mu_);
      server = std::move(server_);
    }
    if (server == nullptr) return;
    server->stop();
    thread_.join();
  }

  void FailNext(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = n;
  }

  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  size_t distinct_accepted() {
    std::set<std::string> keys;
    for (const Request& r : requests()) {
      if (r.accepted) keys.insert(r.key);
    }
    return keys.size();
  }

  ~Receiver() { Down(); }

 private:
  std::mutex mu_;
  std::string cert_file_, key_file_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int fail_next_ = 0;
  std::vector<Request> requests_;
};

struct Device {
  std::string id;  // "devices/{id}"
  std::string token;
};

Device RegisterDevice(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  v1::RegisterDeviceResponse response;
  grpc::Status status = v1::AuthService::NewStub(channel)->RegisterDevice(&context, {}, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.device(), response.access().access_token()};
}

// Waits (polling) until `done` holds; false after a minute. Only a bound on a hang: nothing
// is measured.
bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

class Desk {
 public:
  Desk(const std::shared_ptr<grpc::Channel>& channel, std::string token)
      : stub_(v1::DispatchService::NewStub(channel)), token_(std::move(token)) {}

  v1::Incident Get(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    grpc::Status status = stub_->GetIncident(&context, request, &incident);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return incident;
  }
  void Transition(const std::string& name, v1::IncidentStatus target) {
    grpc::ClientContext context;
    WithToken(context, token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::TransitionIncidentRequest request;
    request.set_name(name);
    request.set_version(Get(name).version());
    request.set_target_status(target);
    v1::Incident out;
    grpc::Status status = stub_->TransitionIncident(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // MergeIncidents (`absorbed` into `name`) or SplitReport (`report` out of `name`), at the
  // incident's current version; the incident the call answers with.
  v1::Incident Merge(const std::string& name, const std::string& absorbed) {
    return Act(name, [&](grpc::ClientContext* context, int64_t version, v1::Incident* out) {
      v1::MergeIncidentsRequest request;
      request.set_name(name);
      request.set_version(version);
      request.add_merged(absorbed);
      return stub_->MergeIncidents(context, request, out);
    });
  }
  v1::Incident Split(const std::string& name, const std::string& report) {
    return Act(name, [&](grpc::ClientContext* context, int64_t version, v1::Incident* out) {
      v1::SplitReportRequest request;
      request.set_incident(name);
      request.set_version(version);
      request.set_report(report);
      return stub_->SplitReport(context, request, out);
    });
  }
  void Feedback(const std::string& name, const std::string& message) {
    grpc::ClientContext context;
    WithToken(context, token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::SendFeedbackRequest request;
    request.set_name(name);
    request.set_message(message);
    v1::SendFeedbackResponse out;
    grpc::Status status = stub_->SendFeedback(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

 private:
  v1::Incident Act(const std::string& name,
                   const std::function<grpc::Status(grpc::ClientContext*, int64_t,
                                                    v1::Incident*)>& call) {
    grpc::ClientContext context;
    WithToken(context, token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::Incident out;
    grpc::Status status = call(&context, Get(name).version(), &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  std::unique_ptr<v1::DispatchService::Stub> stub_;
  std::string token_;
};

// The webhook secret in a file of `dir` (mode 0600, with a trailing newline); returns its path.
std::string WriteSecret(const std::string& dir) {
  const std::string path = dir + "/webhook-secret";
  std::ofstream(path) << kSecret << "\n";
  chmod(path.c_str(), 0600);
  return path;
}

// The value of an unlabelled series on /metrics of the ops listener at `port` (-1: none).
double Metric(int port, const std::string& name) {
  httplib::Client client("127.0.0.1", port);
  httplib::Result result = client.Get("/metrics");
  if (!result || result->status != 200) return -1;
  for (absl::string_view line : absl::StrSplit(result->body, '\n')) {
    if (!absl::ConsumePrefix(&line, name + " ")) continue;
    double v = 0;
    return absl::SimpleAtod(line, &v) ? v : -1;
  }
  return -1;
}

// An in-process server with /metrics, its webhook at `url` signed with kSecret.
void NotifyServer(ServerFixture& server, const std::string& secrets_dir, const std::string& url) {
  const std::string secret_file = WriteSecret(secrets_dir);
  server.options().http_listen = "127.0.0.1:0";
  server.options().ops_http_listen = "127.0.0.1:0";
  server.options().http_assets_dir = secrets_dir;  // no page is fetched
  server.options().notify.url = url;
  server.options().notify.secret_file = secret_file;
  server.options().notify.backoff = {.initial = absl::Milliseconds(10),
                                     .max = absl::Milliseconds(40)};
}

// An in-process server (NotifyServer) whose webhook is a Receiver on loopback that refuses
// its first `refuse` requests; `configure` may change the options before the start.
struct NotifySetup {
  TempDir dir;
  TempDir secrets;
  Receiver receiver;
  std::unique_ptr<ServerFixture> server;

  void Start(int refuse, const std::function<void(services::ServerOptions&)>& configure = {}) {
    const int port = receiver.Up();
    ASSERT_NE(port, 0);
    receiver.FailNext(refuse);
    server = std::make_unique<ServerFixture>(dir.path());
    NotifyServer(*server, secrets.path(), absl::StrCat("http://127.0.0.1:", port, "/hook"));
    if (configure) configure(server->options());
    const absl::Status started = server->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  // Start() with a receiver that refuses everything and notifications given up after
  // `max_age` by `clock`.
  void StartGivingUp(FakeClock* clock, absl::Duration max_age) {
    Start(1000000, [&](services::ServerOptions& options) {
      options.clock = clock;
      options.notify.max_age = max_age;
    });
  }
  double MetricValue(const std::string& name) const {
    return Metric(server->server()->ops_http_port(), name);
  }
};

std::vector<std::string> NotifyFlags(const std::string& secrets_dir, int port) {
  const std::string secret_file = WriteSecret(secrets_dir);
  std::vector<std::string> flags = OpsServerFlags(secrets_dir);
  flags.push_back(absl::StrCat("--notify_webhook_url=http://127.0.0.1:", port, "/hook"));
  flags.push_back("--notify_webhook_secret_file=" + secret_file);
  flags.push_back("--notify_retry_initial=20ms");
  flags.push_back("--notify_retry_max=500ms");
  return flags;
}

TEST(NotifyTest, EveryNotificationArrivesOnceAcrossFailuresAndKill9) {
  TempDir dir;
  TempDir secrets;
  Receiver receiver;
  const int port = receiver.Up();
  ASSERT_NE(port, 0);
  receiver.FailNext(3);
  const std::vector<std::string> flags = NotifyFlags(secrets.path(), port);
  std::mt19937_64 rng(18);

  // What each notification is about -> the device pseudonym it must carry ("" for alerts).
  // Filled as the test goes; the device pseudonyms are checked per device below.
  std::map<std::string, std::string> expected;  // "kind|subject|status-or-message" -> device id
  std::map<std::string, std::string> report_device;  // report name -> device id
  const std::string text_a = "Fiets gestolen bij de Breestraat, zwarte Gazelle met rode tas";
  const std::string text_b = "Zelfde fietsendief gezien, jongen met groene jas bij de Breestraat";
  std::vector<std::string> incidents;  // of the two reports (one, if they were grouped)
  std::vector<std::string> secrets_in_reports = {text_a, text_b, "Winkeldief richting station"};
  std::set<std::string> device_ids;

  const auto expect_status = [&](Desk& desk, v1::IncidentStatus target, const char* shown) {
    for (const std::string& incident : incidents) {
      desk.Transition(incident, target);
      const v1::Incident now = desk.Get(incident);
      for (const std::string& report : now.reports()) {
        expected[absl::StrCat("status_changed|", report, "|", shown)] = report_device[report];
      }
    }
  };
  const auto expect_feedback = [&](Desk& desk, const std::string& message) {
    for (const std::string& incident : incidents) {
      desk.Feedback(incident, message);
      std::set<std::string> devices;
      const v1::Incident now = desk.Get(incident);
      for (const std::string& report : now.reports()) devices.insert(report_device[report]);
      for (const std::string& device : devices) {
        expected[absl::StrCat("feedback|", incident, "|", message, "|", device)] = device;
      }
    }
  };

  std::string dispatcher;
  const auto connect = [&](ServerProcess& server) {
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    const std::string admin = AdminToken(channel);
    dispatcher = NewDispatcherToken(channel, admin, kDispatcher);
    return channel;
  };
  const auto wait_for_all = [&] {
    return Eventually([&] { return receiver.distinct_accepted() >= expected.size(); });
  };

  // 1. The receiver answers the first three attempts with 503.
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
    auto channel = connect(server);
    auto reports = v1::ReportService::NewStub(channel);
    const Device a = RegisterDevice(channel);
    const Device b = RegisterDevice(channel);
    device_ids = {a.id, b.id};
    v1::Report out_a, out_b;
    v1::Report report_a = BreestraatReport(NewUuid(rng), text_a);
    ASSERT_TRUE(Submit(*reports, a.token, report_a, &out_a).ok());
    v1::Report report_b = BreestraatReport(NewUuid(rng), text_b);
    ASSERT_TRUE(Submit(*reports, b.token, report_b, &out_b).ok());
    report_device[absl::StrCat("reports/", report_a.id())] = a.id;
    report_device[absl::StrCat("reports/", report_b.id())] = b.id;
    // The shared incident as staff see it (a device sees its own id for a joined one).
    const std::string incident_a = IncidentAsStaff(*reports, dispatcher, out_a.name());
    const std::string incident_b = IncidentAsStaff(*reports, dispatcher, out_b.name());
    ASSERT_FALSE(incident_a.empty());
    incidents = {incident_a};
    if (incident_b != incident_a) incidents.push_back(incident_b);

    Desk desk(channel, dispatcher);
    expect_status(desk, v1::INCIDENT_TRIAGED, "TRIAGED");
    expect_feedback(desk, "Dank voor uw melding, we kijken ernaar.");
    auto alerts = v1::AlertService::NewStub(channel);
    v1::Alert alert;
    ASSERT_TRUE(PublishAlert(*alerts, dispatcher, NewUuid(rng), &alert).ok());
    expected[absl::StrCat("alert|", alert.name(), "|ACTIVE")] = "";
    ASSERT_TRUE(wait_for_all()) << receiver.distinct_accepted() << " of " << expected.size();

    // 2. The receiver goes down; more changes; kill -9 right after they are acknowledged.
    receiver.Down();
    expect_status(desk, v1::INCIDENT_IN_PROGRESS, "IN_PROGRESS");
    expect_feedback(desk, "Een medewerker is onderweg.");
    server.Kill9();
  }
  // 3. Restarted while the receiver is still down: one more change, then the receiver comes
  // back (refusing its first two requests again).
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
    auto channel = connect(server);
    Desk desk(channel, dispatcher);
    expect_status(desk, v1::INCIDENT_RESOLVED, "RESOLVED");
    receiver.FailNext(2);
    ASSERT_EQ(receiver.Up(port), port);
    ASSERT_TRUE(wait_for_all()) << receiver.distinct_accepted() << " of " << expected.size();
    EXPECT_EQ(server.Terminate(), 0) << server.output();
  }

  // Every request signed; the failed ones were retried under the same key.
  const std::vector<Receiver::Request> requests = receiver.requests();
  std::map<std::string, std::string> body_of;  // idempotency key -> body
  int refused = 0;
  for (const Receiver::Request& r : requests) {
    EXPECT_TRUE(r.signed_ok) << r.body;
    if (!r.accepted) {
      ++refused;
      continue;
    }
    auto [it, first] = body_of.emplace(r.key, r.body);
    if (!first) EXPECT_EQ(it->second, r.body) << "a retry must resend the same body";
  }
  EXPECT_EQ(refused, 5);
  for (const Receiver::Request& r : requests) {
    if (!r.accepted) EXPECT_TRUE(body_of.contains(r.key)) << "refused, never delivered: " << r.key;
  }

  // After de-duplication: exactly the expected notifications, each under one key.
  std::map<std::string, std::set<std::string>> keys_of;  // what -> keys
  std::map<std::string, std::set<std::string>> pseudonyms_of;  // device id -> "device" values
  const std::set<std::string> allowed = {"id",      "kind",  "device",     "incident",
                                         "report",  "status", "message",   "question",
                                         "alert",   "alert_type", "areas", "time"};
  for (const auto& [key, raw] : body_of) {
    const nlohmann::json body = nlohmann::json::parse(raw);
    EXPECT_EQ(body["id"], key);
    for (const auto& [field, value] : body.items()) {
      EXPECT_TRUE(allowed.contains(field)) << field << " in " << raw;
    }
    const std::string kind = body["kind"];
    std::string what;
    if (kind == "status_changed") {
      what = absl::StrCat(kind, "|", body["report"].get<std::string>(), "|",
                          body["status"].get<std::string>());
      EXPECT_TRUE(std::find(incidents.begin(), incidents.end(),
                            body["incident"].get<std::string>()) != incidents.end());
    } else if (kind == "feedback") {
      continue;  // matched below, once every device's pseudonym is known
    } else if (kind == "alert") {
      what = absl::StrCat(kind, "|", body["alert"].get<std::string>(), "|",
                          body["status"].get<std::string>());
      EXPECT_FALSE(body.contains("device"));
      EXPECT_EQ(body["alert_type"], "SHOPLIFTER");
      EXPECT_FALSE(body["areas"].empty());
    } else {
      ADD_FAILURE() << "unexpected kind: " << raw;
    }
    if (kind == "status_changed") {
      // Learn each device's pseudonym from its status notifications.
      const std::string device = report_device[body["report"].get<std::string>()];
      pseudonyms_of[device].insert(body["device"].get<std::string>());
    }
    keys_of[what].insert(key);
  }
  // Feedback second: the pseudonyms are known by now.
  for (const auto& [key, raw] : body_of) {
    const nlohmann::json body = nlohmann::json::parse(raw);
    if (body["kind"] != "feedback") continue;
    std::string what = absl::StrCat("feedback?|", raw);
    for (const auto& [w, device] : expected) {
      if (absl::StartsWith(w, absl::StrCat("feedback|", body["incident"].get<std::string>(), "|",
                                           body["message"].get<std::string>(), "|")) &&
          pseudonyms_of[device].contains(body["device"].get<std::string>())) {
        what = w;
      }
    }
    keys_of[what].insert(key);
  }
  std::set<std::string> wanted, got;
  for (const auto& [w, device] : expected) wanted.insert(w);
  for (const auto& [w, keys] : keys_of) {
    got.insert(w);
    EXPECT_EQ(keys.size(), 1u) << w << " arrived under " << keys.size() << " keys";
  }
  EXPECT_EQ(got, wanted);
  EXPECT_EQ(body_of.size(), expected.size());

  // The device pseudonym: one per device, the same before and after the restart, not the id.
  ASSERT_EQ(pseudonyms_of.size(), device_ids.size());
  std::set<std::string> all_pseudonyms;
  for (const auto& [device, pseudonyms] : pseudonyms_of) {
    EXPECT_EQ(pseudonyms.size(), 1u) << device;
    const std::string& p = *pseudonyms.begin();
    EXPECT_EQ(p.size(), 64u);
    EXPECT_EQ(p.find_first_not_of("0123456789abcdef"), std::string::npos) << p;
    all_pseudonyms.insert(p);
  }
  EXPECT_EQ(all_pseudonyms.size(), device_ids.size());

  // Attack: nothing personal in any body.
  for (const Receiver::Request& r : requests) {
    for (const std::string& id : device_ids) {
      EXPECT_FALSE(absl::StrContains(r.body, id)) << r.body;
      EXPECT_FALSE(absl::StrContains(r.body, std::string(absl::StripPrefix(id, "devices/"))))
          << r.body;
    }
    for (const std::string& text : secrets_in_reports) {
      EXPECT_FALSE(absl::StrContains(r.body, text)) << r.body;
    }
    for (const char* leak : {"52.4", "4.65", "latitude", "longitude", "location", "Breestraat",
                             "reporter", "contact", "description", "\"p"}) {
      EXPECT_FALSE(absl::StrContains(r.body, leak)) << leak << " in " << r.body;
    }
  }
}

// The outbox's figures on /metrics while the receiver refuses, then takes, a notification.
TEST(NotifyTest, MetricsCountPendingDeliveredAndFailedAttempts) {
  NotifySetup setup;
  ASSERT_NO_FATAL_FAILURE(setup.Start(1000000));
  ServerFixture& server = *setup.server;
  Receiver& receiver = setup.receiver;
  const auto metric = [&](const std::string& name) { return setup.MetricValue(name); };
  EXPECT_EQ(metric("wijkwacht_notify_pending"), 0);

  std::mt19937_64 rng(7);
  v1::Report stored;
  ASSERT_TRUE(server.SubmitAsResident(BreestraatReport(NewUuid(rng), "Auto opengebroken"), &stored)
                  .ok());
  Desk desk(server.channel(), NewDispatcherToken(server.channel(), server.admin_token(), kDispatcher));
  desk.Feedback(stored.incident_id(), "We gaan erop af.");
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_failed_attempts_total") >= 3; }));
  EXPECT_EQ(metric("wijkwacht_notify_pending"), 1);
  EXPECT_EQ(metric("wijkwacht_notify_delivered_total"), 0);

  receiver.FailNext(0);
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_pending") == 0; }));
  EXPECT_EQ(metric("wijkwacht_notify_delivered_total"), 1);
  EXPECT_EQ(receiver.distinct_accepted(), 1u);
  // Every retry carried the same key.
  std::set<std::string> keys;
  for (const Receiver::Request& r : receiver.requests()) keys.insert(r.key);
  EXPECT_EQ(keys.size(), 1u);
}

// An https webhook: its certificate is verified (here against a CA of the test's own); one
// from a CA the server was not given is refused, and nothing reaches the receiver.
TEST(NotifyTest, HttpsWebhookCertificateIsVerified) {
  TempDir dir;
  TempDir secrets;
  const Credential ca = Issue(Kind::kCa, "wijkwacht notify test CA", nullptr);
  const Credential other_ca = Issue(Kind::kCa, "another CA", nullptr);
  const Credential cert = Issue(Kind::kServer, "localhost", &ca);
  const auto write = [&](const std::string& name, const std::string& pem) {
    const std::string path = secrets.path() + "/" + name;
    std::ofstream(path) << pem;
    return path;
  };
  const std::string ca_file = write("ca.pem", ca.cert_pem);
  const std::string other_ca_file = write("other-ca.pem", other_ca.cert_pem);
  Receiver receiver;
  receiver.UseTls(write("server.pem", cert.cert_pem), write("server.key", cert.key_pem));
  const int port = receiver.Up();
  ASSERT_NE(port, 0);
  const std::string url = absl::StrCat("https://127.0.0.1:", port, "/hook");
  std::mt19937_64 rng(11);
  {
    ServerFixture server(dir.path());
    NotifyServer(server, secrets.path(), url);
    server.options().notify.ca_file = other_ca_file;
    const absl::Status started = server.Start();
    ASSERT_TRUE(started.ok()) << started;
    v1::Report stored;
    ASSERT_TRUE(
        server.SubmitAsResident(BreestraatReport(NewUuid(rng), "Ruit ingegooid"), &stored).ok());
    Desk desk(server.channel(),
              NewDispatcherToken(server.channel(), server.admin_token(), kDispatcher));
    desk.Feedback(stored.incident_id(), "We komen kijken.");
    ASSERT_TRUE(Eventually([&] {
      return Metric(server.server()->ops_http_port(), "wijkwacht_notify_failed_attempts_total") >= 2;
    }));
    EXPECT_EQ(Metric(server.server()->ops_http_port(), "wijkwacht_notify_pending"), 1);
    EXPECT_TRUE(receiver.requests().empty());
  }
  ServerFixture server(dir.path());
  NotifyServer(server, secrets.path(), url);
  server.options().notify.ca_file = ca_file;
  const absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  ASSERT_TRUE(Eventually([&] { return receiver.distinct_accepted() == 1; }));
  const std::vector<Receiver::Request> requests = receiver.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_TRUE(requests[0].signed_ok);
  EXPECT_TRUE(absl::StrContains(requests[0].body, "We komen kijken."));
}

// A device learns its notification pseudonym from RegisterDevice, and — registered before
// notifications were switched on — from its next RefreshToken: the very value the webhook
// body carries as "device" for that device's status change. Another device learns its own,
// never this one.
TEST(NotifyTest, DeviceLearnsItsNotificationPseudonym) {
  TempDir dir;
  TempDir secrets;
  Receiver receiver;
  const int port = receiver.Up();
  ASSERT_NE(port, 0);
  const std::string url = absl::StrCat("http://127.0.0.1:", port, "/hook");
  const auto register_device = [](const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    v1::RegisterDeviceResponse response;
    grpc::Status status =
        v1::AuthService::NewStub(channel)->RegisterDevice(&context, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  const auto refresh = [](const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& refresh_token) {
    grpc::ClientContext context;
    v1::RefreshTokenRequest request;
    request.set_refresh_token(refresh_token);
    v1::TokenResponse response;
    grpc::Status status =
        v1::AuthService::NewStub(channel)->RefreshToken(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };

  // 1. Without a webhook: no pseudonym is handed out.
  v1::RegisterDeviceResponse early;
  {
    ServerFixture server(dir.path());
    const absl::Status started = server.Start();
    ASSERT_TRUE(started.ok()) << started;
    early = register_device(server.channel());
    EXPECT_EQ(early.notify_pseudonym(), "");
    EXPECT_EQ(early.access().notify_pseudonym(), "");
  }
  // 2. With the webhook: a new device gets its pseudonym at registration, the early one at
  // its next refresh; staff get none.
  ServerFixture server(dir.path());
  NotifyServer(server, secrets.path(), url);
  const absl::Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started;
  const v1::RegisterDeviceResponse late = register_device(server.channel());
  ASSERT_EQ(late.notify_pseudonym().size(), 64u);
  EXPECT_EQ(late.access().notify_pseudonym(), late.notify_pseudonym());
  const v1::TokenResponse early_refreshed = refresh(server.channel(), early.refresh_token());
  ASSERT_EQ(early_refreshed.notify_pseudonym().size(), 64u);
  EXPECT_NE(early_refreshed.notify_pseudonym(), late.notify_pseudonym());
  // Stable: the next refresh gives the same.
  EXPECT_EQ(refresh(server.channel(), late.refresh_token()).notify_pseudonym(),
            late.notify_pseudonym());
  {
    grpc::ClientContext context;
    v1::LoginRequest login;
    login.set_username(kAdminName);
    login.set_password(kAdminPassword);
    v1::TokenResponse staff;
    ASSERT_TRUE(v1::AuthService::NewStub(server.channel())->Login(&context, login, &staff).ok());
    EXPECT_EQ(staff.notify_pseudonym(), "");
  }

  // Each device reports; the desk moves both incidents on; each webhook body names the
  // reporting device by the pseudonym that device was given.
  std::mt19937_64 rng(29);
  auto reports = v1::ReportService::NewStub(server.channel());
  std::map<std::string, std::string> pseudonym_of_report;
  const struct {
    const v1::TokenResponse& access;
    std::string pseudonym;
    const char* text;
  } devices[] = {
      {early_refreshed, early_refreshed.notify_pseudonym(), "Fietsendief bij het station"},
      {late.access(), late.notify_pseudonym(), "Graffiti op de muur van de bibliotheek"},
  };
  Desk desk(server.channel(),
            NewDispatcherToken(server.channel(), server.admin_token(), kDispatcher));
  std::set<std::string> incidents;  // one, if the two reports were grouped
  for (const auto& d : devices) {
    v1::Report report = BreestraatReport(NewUuid(rng), d.text);
    v1::Report stored;
    ASSERT_TRUE(Submit(*reports, d.access.access_token(), report, &stored).ok());
    pseudonym_of_report[absl::StrCat("reports/", report.id())] = d.pseudonym;
    incidents.insert(IncidentAsStaff(*reports, server.admin_token(), stored.name()));
  }
  for (const std::string& incident : incidents) desk.Transition(incident, v1::INCIDENT_TRIAGED);
  ASSERT_TRUE(Eventually([&] {
    std::set<std::string> seen;
    for (const Receiver::Request& r : receiver.requests()) {
      const nlohmann::json body = nlohmann::json::parse(r.body);
      if (body["kind"] == "status_changed") seen.insert(body["report"].get<std::string>());
    }
    return seen.size() == pseudonym_of_report.size();
  }));
  for (const Receiver::Request& r : receiver.requests()) {
    const nlohmann::json body = nlohmann::json::parse(r.body);
    if (body["kind"] != "status_changed") continue;
    const std::string report = body["report"];
    ASSERT_TRUE(pseudonym_of_report.contains(report)) << r.body;
    EXPECT_EQ(body["device"], pseudonym_of_report[report]) << r.body;
  }
}

// A merge moves the absorbed incident's reports into the survivor, a split moves a report
// into a new incident: each moved report's reporter gets status_changed naming the incident it
// is in now, staged in the same write as the merge or split (pending on /metrics the moment
// the call returns, while the receiver refuses everything), and signed like the rest.
TEST(NotifyTest, MergeAndSplitNotifyTheMovedReportsReporters) {
  NotifySetup setup;
  ASSERT_NO_FATAL_FAILURE(setup.Start(1000000));
  ServerFixture& server = *setup.server;
  Receiver& receiver = setup.receiver;
  const auto pending = [&] { return setup.MetricValue("wijkwacht_notify_pending"); };
  auto auth = v1::AuthService::NewStub(server.channel());
  auto reports = v1::ReportService::NewStub(server.channel());
  const std::string dispatcher =
      NewDispatcherToken(server.channel(), server.admin_token(), kDispatcher);
  std::mt19937_64 rng(41);
  // Two devices, two incidents a kilometre apart.
  struct Reporter {
    v1::RegisterDeviceResponse device;
    v1::Report report;
  } a, b;
  for (Reporter* r : {&a, &b}) {
    grpc::ClientContext context;
    ASSERT_TRUE(auth->RegisterDevice(&context, {}, &r->device).ok());
  }
  v1::Report report_a = BreestraatReport(NewUuid(rng), "Winkeldief in de Breestraat");
  ASSERT_TRUE(Submit(*reports, a.device.access().access_token(), report_a, &a.report).ok());
  v1::Report report_b = BreestraatReport(NewUuid(rng), "Blikjes gestolen bij de supermarkt");
  report_b.mutable_location()->set_latitude(52.4795);
  report_b.mutable_location()->set_longitude(4.6470);
  ASSERT_TRUE(Submit(*reports, b.device.access().access_token(), report_b, &b.report).ok());
  ASSERT_NE(a.report.incident_id(), b.report.incident_id());
  Desk desk(server.channel(), dispatcher);
  desk.Transition(a.report.incident_id(), v1::INCIDENT_TRIAGED);
  EXPECT_EQ(pending(), 1);  // a's status change

  desk.Merge(a.report.incident_id(), b.report.incident_id());
  EXPECT_EQ(pending(), 2);  // in the merge's own write
  const std::string split = desk.Split(a.report.incident_id(), b.report.name()).name();
  ASSERT_FALSE(split.empty());
  EXPECT_EQ(pending(), 3);  // in the split's own write

  receiver.FailNext(0);
  ASSERT_TRUE(Eventually([&] { return receiver.distinct_accepted() == 3; }));
  // Delivered in any order (each entry has its own retry time): found by report and incident.
  std::set<std::string> keys;
  std::map<std::string, nlohmann::json> by_subject;  // "report|incident" -> body
  for (const Receiver::Request& r : receiver.requests()) {
    EXPECT_TRUE(r.signed_ok) << r.body;
    if (!r.accepted || !keys.insert(r.key).second) continue;
    const nlohmann::json body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["kind"], "status_changed") << body;
    by_subject[absl::StrCat(body["report"].get<std::string>(), "|",
                            body["incident"].get<std::string>())] = body;
  }
  ASSERT_EQ(by_subject.size(), 3u);
  const nlohmann::json transition =
      by_subject[absl::StrCat(a.report.name(), "|", a.report.incident_id())];
  EXPECT_EQ(transition["device"], a.device.notify_pseudonym());
  // b's report, merged into a's incident: it shows the survivor's status, named by b's own
  // report (a's incident is named after a's report, which is no business of b's device).
  const nlohmann::json merged =
      by_subject[absl::StrCat(b.report.name(), "|incidents/", b.report.id())];
  EXPECT_EQ(merged["device"], b.device.notify_pseudonym());
  EXPECT_FALSE(transition["status"].is_null());
  EXPECT_EQ(merged["status"], transition["status"]);
  // ... then split off into an incident of its own: RECEIVED again.
  const nlohmann::json split_off = by_subject[absl::StrCat(b.report.name(), "|", split)];
  EXPECT_EQ(split_off["device"], b.device.notify_pseudonym());
  EXPECT_EQ(split_off["status"], "RECEIVED");
}

// A notification the receiver never takes is given up once it is older than --notify_max_age
// (by the injected clock): moved to the dead letters, counted on /metrics, never sent again;
// the outbox goes on with what is new.
TEST(NotifyTest, UndeliverableNotificationsAreGivenUpAfterTheMaximumAge) {
  FakeClock clock(absl::Now());
  NotifySetup setup;
  ASSERT_NO_FATAL_FAILURE(setup.StartGivingUp(&clock, absl::Hours(6)));
  ServerFixture& server = *setup.server;
  Receiver& receiver = setup.receiver;
  const auto metric = [&](const std::string& name) { return setup.MetricValue(name); };
  std::mt19937_64 rng(5);
  v1::Report stored;
  ASSERT_TRUE(
      server.SubmitAsResident(BreestraatReport(NewUuid(rng), "Brommer gestolen"), &stored).ok());
  {
    Desk desk(server.channel(), server.admin_token());
    desk.Feedback(stored.incident_id(), "Te laat voor de ontvanger.");
  }
  // The clock stands still: one attempt, its retry not due yet.
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_failed_attempts_total") >= 1; }));
  // Just short of the maximum age: still retried, not given up. The count is read before the
  // clock moves: the one retry the jump makes due may come before any read after it, and the
  // stopped clock makes no other.
  const double attempts = metric("wijkwacht_notify_failed_attempts_total");
  clock.Advance(absl::Hours(6) - absl::Minutes(1));
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_failed_attempts_total") > attempts; }));
  EXPECT_EQ(metric("wijkwacht_notify_pending"), 1);
  EXPECT_EQ(metric("wijkwacht_notify_dead_letters"), 0);

  clock.Advance(absl::Minutes(2));
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_dead_letters") == 1; }));
  EXPECT_EQ(metric("wijkwacht_notify_pending"), 0);
  EXPECT_EQ(metric("wijkwacht_notify_given_up_total"), 1);
  EXPECT_EQ(metric("wijkwacht_notify_delivered_total"), 0);
  const std::set<std::string> tried = [&] {
    std::set<std::string> keys;
    for (const Receiver::Request& r : receiver.requests()) keys.insert(r.key);
    return keys;
  }();
  EXPECT_EQ(tried.size(), 1u);

  // The receiver is back; a new notification goes through, the dead letter never again.
  receiver.FailNext(0);
  absl::StatusOr<std::string> admin = server.Login(kAdminName, kAdminPassword);  // after the jump
  ASSERT_TRUE(admin.ok()) << admin.status();
  Desk(server.channel(), *admin).Feedback(stored.incident_id(), "Nieuw bericht.");
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_pending") == 0; }));
  EXPECT_EQ(metric("wijkwacht_notify_delivered_total"), 1);
  for (const Receiver::Request& r : receiver.requests()) {
    if (r.accepted) {
      EXPECT_FALSE(tried.contains(r.key)) << "a dead letter was sent again";
      EXPECT_TRUE(absl::StrContains(r.body, "Nieuw bericht.")) << r.body;
    }
  }
  // Counted again after a restart (the dead letters are stored).
  server.Stop();
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(metric("wijkwacht_notify_dead_letters"), 1);
  EXPECT_EQ(metric("wijkwacht_notify_pending"), 0);
}

// Dead letters, for admins: listed (paged, what they are about, never the device or the text),
// resent with their idempotency key (one audit entry each time), and gone with what they
// concern: a device's erasure removes its own, a purge those about the incident.
TEST(NotifyTest, DeadLettersAreListedResentAndGoWithTheErasedDeviceAndThePurgedIncident) {
  FakeClock clock(absl::Now());
  NotifySetup setup;
  ASSERT_NO_FATAL_FAILURE(setup.StartGivingUp(&clock, absl::Hours(6)));
  ServerFixture& server = *setup.server;
  Receiver& receiver = setup.receiver;
  const auto metric = [&](const std::string& name) { return setup.MetricValue(name); };
  std::mt19937_64 rng(6);
  // Three reporters, three incidents far apart, one feedback each.
  const Device leaver = RegisterDevice(server.channel());
  const Device other = RegisterDevice(server.channel());
  std::vector<std::string> incidents;
  for (const std::string* token : {&leaver.token, &other.token, &server.resident_token()}) {
    v1::Report report = BreestraatReport(NewUuid(rng), "Brommer gestolen bij de flat");
    report.mutable_location()->set_latitude(52.470 + 0.01 * static_cast<double>(incidents.size()));
    v1::Report stored;
    grpc::Status status = server.Submit(*token, report, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    incidents.push_back(stored.incident_id());
  }
  ASSERT_EQ(std::set<std::string>(incidents.begin(), incidents.end()).size(), 3u);
  {
    Desk desk(server.channel(), server.admin_token());
    for (const std::string& incident : incidents) desk.Feedback(incident, "Wij komen kijken.");
  }
  // All three queued and tried once before the jump (the stopped clock makes no retry due):
  // a notification queued only after it would be young and never given up.
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_failed_attempts_total") >= 3; }));
  clock.Advance(absl::Hours(7));
  ASSERT_TRUE(Eventually([&] { return metric("wijkwacht_notify_dead_letters") == 3; }));
  absl::StatusOr<std::string> admin = server.Login(kAdminName, kAdminPassword);  // after the jump
  ASSERT_TRUE(admin.ok()) << admin.status();
  auto operations = v1::OperationsService::NewStub(server.channel());
  const auto list = [&](const std::string& token, int page_size, const std::string& page_token,
                        v1::ListDeadLettersResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::ListDeadLettersRequest request;
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return operations->ListDeadLetters(&context, request, out);
  };
  const auto all = [&] {
    std::vector<v1::DeadLetter> out;
    std::string token;
    do {
      v1::ListDeadLettersResponse page;
      grpc::Status status = list(*admin, 2, token, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(page.dead_letters_size(), 2);
      out.insert(out.end(), page.dead_letters().begin(), page.dead_letters().end());
      token = page.next_page_token();
    } while (!token.empty());
    return out;
  };
  const std::vector<v1::DeadLetter> dead = all();
  ASSERT_EQ(dead.size(), 3u);
  std::set<std::string> about;
  for (const v1::DeadLetter& d : dead) {
    EXPECT_TRUE(absl::StartsWith(d.name(), "deadLetters/")) << d.name();
    EXPECT_EQ(d.kind(), "feedback");
    EXPECT_TRUE(d.for_device());
    EXPECT_EQ(d.idempotency_key().size(), 32u);
    EXPECT_TRUE(d.has_give_up_time());
    EXPECT_GE(d.failed_attempts(), 0);
    about.insert(d.incident());
  }
  EXPECT_EQ(about, std::set<std::string>(incidents.begin(), incidents.end()));
  {  // Admins only; a bad token names the field.
    v1::ListDeadLettersResponse out;
    const std::string dispatcher =
        NewDispatcherToken(server.channel(), *admin, kDispatcher);
    EXPECT_EQ(list(dispatcher, 10, "", &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    grpc::Status bad = list(*admin, 10, "not-a-token", &out);
    EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(bad), std::vector<std::string>{"page_token"});
  }
  {  // The JSON API alike, and nothing of the text or the device in it.
    httplib::Client http("127.0.0.1", server.server()->http_port());
    httplib::Result page = http.Get("/v1/deadLetters", {{"Authorization", "Bearer " + *admin}});
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200) << page->body;
    EXPECT_EQ(nlohmann::json::parse(page->body)["deadLetters"].size(), 3u) << page->body;
    EXPECT_FALSE(absl::StrContains(page->body, "Wij komen kijken")) << page->body;
    EXPECT_FALSE(absl::StrContains(page->body, leaver.id)) << page->body;
  }

  // The leaving device is erased: its dead letter goes with it.
  {
    grpc::ClientContext context;
    WithToken(context, *admin);
    v1::RevokeDeviceRequest request;
    request.set_device(leaver.id);
    request.set_erase(true);
    v1::RevokeDeviceResponse response;
    grpc::Status status = server.auth().RevokeDevice(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::vector<v1::DeadLetter> left = all();
  ASSERT_EQ(left.size(), 2u);
  for (const v1::DeadLetter& d : left) EXPECT_NE(d.incident(), incidents[0]);
  // The second incident is purged: its dead letter goes, counted in the deletion log.
  {
    grpc::ClientContext context;
    WithToken(context, *admin);
    v1::PurgeIncidentRequest request;
    request.set_name(incidents[1]);
    request.set_reason(v1::PurgeIncidentRequest::UNFOUNDED);
    v1::PurgeIncidentResponse response;
    grpc::Status status =
        v1::DispatchService::NewStub(server.channel())->PurgeIncident(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    bool counted = false;
    for (const v1::Deletion& d : response.deletions()) {
      if (d.record_kind() == "notification") counted = d.count() == 1;
    }
    EXPECT_TRUE(counted) << response.DebugString();
  }
  left = all();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].incident(), incidents[2]);
  EXPECT_EQ(metric("wijkwacht_notify_dead_letters"), 1);

  const auto resend = [&](const std::vector<std::string>& names, bool every,
                          v1::ResendDeadLettersResponse* out) {
    grpc::ClientContext context;
    WithToken(context, *admin);
    v1::ResendDeadLettersRequest request;
    for (const std::string& n : names) request.add_names(n);
    request.set_all(every);
    return operations->ResendDeadLetters(&context, request, out);
  };
  {  // Bad input names the field; a name that is no dead letter is NOT_FOUND.
    v1::ResendDeadLettersResponse out;
    grpc::Status none = resend({}, false, &out);
    EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(none), std::vector<std::string>{"names"});
    grpc::Status bad = resend({"deadLetters/x"}, false, &out);
    EXPECT_EQ(ViolatedFields(bad), std::vector<std::string>{"names[0]"});
    grpc::Status both = resend({left[0].name()}, true, &out);
    EXPECT_EQ(ViolatedFields(both), std::vector<std::string>{"all"});
    grpc::Status gone = resend({dead[0].name() == left[0].name() ? dead[1].name() : dead[0].name()},
                               false, &out);
    EXPECT_EQ(gone.error_code(), grpc::StatusCode::NOT_FOUND) << gone.error_message();
  }
  // Resent, with the receiver back: it arrives under the idempotency key tried before.
  receiver.FailNext(0);
  const size_t tried_before = receiver.requests().size();
  bool tried = false;
  for (const Receiver::Request& r : receiver.requests()) tried |= r.key == left[0].idempotency_key();
  EXPECT_TRUE(tried);
  v1::ResendDeadLettersResponse resent;
  grpc::Status status = resend({left[0].name()}, false, &resent);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(resent.names_size(), 1);
  EXPECT_EQ(resent.remaining(), 0);
  ASSERT_TRUE(Eventually([&] {
    const std::vector<Receiver::Request> requests = receiver.requests();
    for (size_t i = tried_before; i < requests.size(); ++i) {
      if (requests[i].accepted && requests[i].key == left[0].idempotency_key()) return true;
    }
    return false;
  }));
  EXPECT_TRUE(all().empty());
  {  // Audited: who resent what.
    grpc::ClientContext context;
    WithToken(context, *admin);
    v1::GetAuditLogRequest request;
    request.set_page_size(1000);
    v1::GetAuditLogResponse log;
    ASSERT_TRUE(v1::DispatchService::NewStub(server.channel())->GetAuditLog(&context, request, &log).ok());
    int audited = 0;
    for (const v1::AuditEntry& e : log.entries()) {
      if (e.action() != "ResendDeadLetters") continue;
      ++audited;
      EXPECT_EQ(e.actor(), absl::StrCat("users/", kAdminName));
      EXPECT_EQ(e.target(), left[0].name());
      EXPECT_TRUE(absl::StrContains(e.detail(), left[0].idempotency_key())) << e.detail();
    }
    EXPECT_EQ(audited, 1);
    // Listing them is audited too (what they concern is personal data): who saw which.
    std::set<std::string> listed;
    for (const v1::AuditEntry& e : log.entries()) {
      if (e.action() != "ListDeadLetters") continue;
      EXPECT_EQ(e.actor(), absl::StrCat("users/", kAdminName));
      EXPECT_EQ(e.target(), "deadLetters");
      for (const v1::DeadLetter& d : dead) {
        if (absl::StrContains(e.detail(), d.name())) listed.insert(d.name());
      }
    }
    EXPECT_EQ(listed.size(), dead.size()) << "every dead letter shown is named in an entry";
  }
}

// A webhook that cannot be used is a start-up error naming the flag.
TEST(NotifyTest, BadWebhookOptionsStopTheServerNamingTheFlag) {
  TempDir dir;
  TempDir secrets;
  const std::string empty_secret = secrets.path() + "/empty";
  std::ofstream(empty_secret) << "  \n";
  chmod(empty_secret.c_str(), 0600);
  const std::string good_secret = secrets.path() + "/secret";
  std::ofstream(good_secret) << kSecret;
  chmod(good_secret.c_str(), 0600);
  const struct {
    std::vector<std::string> flags;
    const char* named;
  } cases[] = {
      {{"--notify_webhook_url=ftp://127.0.0.1/hook", "--notify_webhook_secret_file=" + good_secret},
       "--notify_webhook_url"},
      {{"--notify_webhook_url=http://push.example.nl/hook",
        "--notify_webhook_secret_file=" + good_secret},
       "--notify_webhook_url"},
      {{"--notify_webhook_url=https://user@push.example.nl/hook",
        "--notify_webhook_secret_file=" + good_secret},
       "--notify_webhook_url"},
      {{"--notify_webhook_url=https://push.example.nl/hook"}, "--notify_webhook_secret_file"},
      {{"--notify_webhook_url=https://push.example.nl/hook",
        "--notify_webhook_secret_file=" + secrets.path() + "/missing"},
       "--notify_webhook_secret_file"},
      {{"--notify_webhook_url=https://push.example.nl/hook",
        "--notify_webhook_secret_file=" + empty_secret},
       "--notify_webhook_secret_file"},
      {{"--notify_webhook_secret_file=" + good_secret}, "--notify_webhook_secret_file"},
      {{"--notify_webhook_url=https://push.example.nl/hook",
        "--notify_webhook_secret_file=" + good_secret, "--notify_max_age=0s"},
       "--notify_max_age"},
  };
  for (const auto& c : cases) {
    ServerProcess server;
    EXPECT_FALSE(server.Start(WIJKWACHTD_BINARY, dir.path(), c.flags));
    EXPECT_TRUE(absl::StrContains(server.output(), c.named))
        << c.flags[0] << ": " << server.output();
  }
}

}  // namespace
}  // namespace wijkwacht::testing
