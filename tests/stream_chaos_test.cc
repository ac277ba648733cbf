// Chaos test of the resumable streams: under concurrent load (residents submitting and
// pushing reports, alerts published and resolved, the dispatch desk transitioning incidents
// and sending feedback) subscribers on SyncService.Subscribe, AlertService.SubscribeAlerts and
// DispatchService.WatchQueue have their streams cut at random points and resume from their
// last cursor, many times:
//   - client side: TryCancel after a random number of messages, and deadlines at random times;
//   - server side: the real server is shut down (its streams cancelled) and restarted on the
//     same data dir and port several times while everything runs.
// Load ends with sentinel events (a report that opens a fresh incident and feedback on it, then
// an alert every sync and alert subscriber matches). Each subscriber then holds what it received up to its sentinel; this
// must equal, message for message and in order, what one uncut stream from the start of the
// log delivers to the same caller and filter (the ground truth, read once at the end).
//
// The seed is logged; WIJKWACHT_CHAOS_SEED=<n> reruns a failing schedule.
#include <atomic>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

constexpr double kBreestraatLat = 52.4870;
constexpr double kBreestraatLon = 4.6578;
constexpr char kDeskPassword[] = "a long enough password";
constexpr char kSentinelText[] = "Einde van de oefening: dit bericht sluit de test af";

// A channel with its own connection (distinct args) that reconnects quickly after a restart.
std::shared_ptr<grpc::Channel> NewChannel(int port, int id) {
  grpc::ChannelArguments args;
  args.SetInt("wijkwacht.test.channel", id);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  return grpc::CreateCustomChannel(absl::StrFormat("127.0.0.1:%d", port),
                                   grpc::InsecureChannelCredentials(), args);
}

// What a subscriber compares: one line per message (cursor + what it says). A device feed's
// cursors are sealed with a fresh nonce each time (services/public_cursor.h), so the same
// message has another cursor in every stream: there the line is what it says and when.
std::string Key(const v1::FeedChange& c) {
  const std::string when = absl::StrCat(c.change_time().seconds(), ".", c.change_time().nanos());
  if (c.has_report_status()) {
    return absl::StrCat(when, " status ", c.report_status().report(), " ",
                        v1::ReportStatus_Name(c.report_status().status()));
  }
  if (c.has_feedback()) {
    return absl::StrCat(when, " feedback ", c.feedback().report(), " ", c.feedback().message());
  }
  return absl::StrCat(when, " alert ", c.alert().name(), " ",
                      v1::AlertState_Name(c.alert().state()));
}
std::string Key(const v1::AlertEvent& e) {
  return absl::StrCat(e.cursor(), " ", e.alert().name(), " ",
                      v1::AlertState_Name(e.alert().state()));
}
// The queue shows each incident as it is when read, so only the event itself is compared.
std::string Key(const v1::QueueEvent& e) {
  return absl::StrCat(e.cursor(), " ", v1::QueueEvent::Reason_Name(e.reason()), " ",
                      e.incident().name());
}

class StreamChaosTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* env = std::getenv("WIJKWACHT_CHAOS_SEED");
    seed_ = env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device()();
    std::cout << "stream chaos seed: " << seed_ << " (rerun with WIJKWACHT_CHAOS_SEED=" << seed_
              << ")" << std::endl;
    options_ = services::DefaultServerOptions(DataRoot());
    options_.scrypt_log2_n = 10;
    options_.theme_model_path = WIJKWACHT_THEME_MODEL;
    options_.bootstrap_admin = kAdminName;
    options_.bootstrap_admin_password = kAdminPassword;
    options_.device_write_burst = 1e9;
    options_.device_writes_per_second = 1e9;
    options_.peer_write_burst = 1e9;
    options_.peer_writes_per_second = 1e9;
    // Cut connections are reopened at once, before the server has seen the old stream go:
    // one identity briefly holds more streams than the default per-caller cap.
    options_.stream_limits.max_per_subject = 64;
    options_.data_dir = dir_.path();
    options_.listen = "127.0.0.1:0";
    StartServer();
    if (HasFatalFailure()) return;
    options_.listen = absl::StrFormat("127.0.0.1:%d", server_->port());
    port_ = server_->port();
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }

  void StartServer() {
    auto server = services::WijkwachtServer::Start(options_);
    if (!server.ok()) std::cerr << "server did not start: " << server.status() << std::endl;
    ASSERT_TRUE(server.ok());
    server_ = *std::move(server);
  }

  // Shuts the server down (cancelling every stream after a short grace) and starts it again on
  // the same data dir and port.
  void Restart() {
    server_->Shutdown(absl::Milliseconds(100));
    server_.reset();
    StartServer();
  }

  uint64_t seed_ = 0;
  TempDir dir_;
  services::ServerOptions options_;
  std::unique_ptr<services::WijkwachtServer> server_;
  int port_ = 0;
};

// One subscriber: opens its stream from its last cursor again and again, cutting it at random
// points, until it has read its sentinel.
struct Subscriber {
  std::string name;
  std::vector<std::string> seen;  // keys, in arrival order
  std::string cursor;             // of the last message received
  int connections = 0;
  int client_cuts = 0;
  int server_cuts = 0;
  std::vector<std::string> errors;
  bool finished = false;
};

template <typename Message>
using OpenStream = std::function<std::unique_ptr<grpc::ClientReader<Message>>(
    grpc::ClientContext* context, const std::shared_ptr<grpc::Channel>& channel,
    const std::string& cursor)>;

// Reads one connection's messages into `seen` until the sentinel, the end of the stream, or a
// cut. Returns true once the sentinel arrived.
template <typename Message>
bool ReadOnce(const OpenStream<Message>& open, const std::function<bool(const Message&)>& is_end,
              const std::shared_ptr<grpc::Channel>& channel, std::mt19937_64* rng, bool cut,
              Subscriber* s) {
  grpc::ClientContext context;
  int cut_after = -1;
  if (cut) {
    // Half the connections are cut after a few messages, the others at a random time.
    if ((*rng)() % 2 == 0) {
      cut_after = 1 + static_cast<int>((*rng)() % 6);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    } else {
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::milliseconds(20 + (*rng)() % 400));
    }
  } else {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  }
  ++s->connections;
  std::unique_ptr<grpc::ClientReader<Message>> reader = open(&context, channel, s->cursor);
  Message m;
  int read = 0;
  bool ended = false;
  while (reader->Read(&m)) {
    s->seen.push_back(Key(m));
    s->cursor = m.cursor();
    ++read;
    if (is_end(m)) {
      ended = true;
      break;
    }
    if (read == cut_after) break;
  }
  if (ended || read == cut_after) {
    context.TryCancel();
    ++s->client_cuts;
  }
  while (reader->Read(&m)) {
  }
  grpc::Status status = reader->Finish();
  switch (status.error_code()) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNAVAILABLE:
      if (!ended && read != cut_after) ++s->server_cuts;
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      ++s->client_cuts;
      break;
    default:
      s->errors.push_back(absl::StrCat("code ", static_cast<int>(status.error_code()), ": ",
                                       status.error_message(), " (cursor \"", s->cursor, "\")"));
  }
  return ended;
}

template <typename Message>
void RunSubscriber(int port, int id, uint64_t seed, OpenStream<Message> open,
                   std::function<bool(const Message&)> is_end, const std::atomic<bool>* stop,
                   Subscriber* s) {
  std::mt19937_64 rng(seed);
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  while (!*stop && absl::Now() < give_up) {
    std::shared_ptr<grpc::Channel> channel = NewChannel(port, id * 1000 + s->connections);
    if (ReadOnce(open, is_end, channel, &rng, /*cut=*/true, s)) {
      s->finished = true;
      return;
    }
    if (s->errors.size() > 20) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 30));
  }
}

template <typename T>
struct MessageOf;
template <typename M>
struct MessageOf<std::function<bool(const M&)>> {
  using type = M;
};

// The ground truth: one uncut stream from the start of the log.
template <typename Message>
std::vector<std::string> ReadTruth(int port, OpenStream<Message> open,
                                   std::function<bool(const Message&)> is_end) {
  Subscriber truth;
  std::mt19937_64 rng(0);
  ReadOnce(open, is_end, NewChannel(port, 999999), &rng, /*cut=*/false, &truth);
  EXPECT_TRUE(truth.errors.empty()) << absl::StrJoin(truth.errors, "\n");
  return truth.seen;
}

TEST_F(StreamChaosTest, EverySubscriberGetsEveryEventExactlyOnceInOrderDespiteCuts) {
  ASSERT_NE(server_, nullptr);
  std::mt19937_64 rng(seed_);
  std::shared_ptr<grpc::Channel> setup = NewChannel(port_, 1);
  auto auth = v1::AuthService::NewStub(setup);
  auto login = [&](const std::string& user, const std::string& password) {
    grpc::ClientContext context;
    v1::LoginRequest request;
    request.set_username(user);
    request.set_password(password);
    v1::TokenResponse response;
    grpc::Status status = auth->Login(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.access_token();
  };
  const std::string admin = login(kAdminName, kAdminPassword);
  {
    grpc::ClientContext context;
    WithToken(context, admin);
    v1::CreateAccountRequest account;
    account.set_username("desk");
    account.set_role(v1::ROLE_DISPATCHER);
    account.set_password(kDeskPassword);
    v1::Account created;
    ASSERT_TRUE(auth->CreateAccount(&context, account, &created).ok());
  }
  const std::string desk = login("desk", kDeskPassword);
  ASSERT_FALSE(desk.empty());

  // Shopkeepers' phones (only roles that may subscribe to alerts get them in their sync
  // feed); each first reports at the Breestraat, so each follows its buurt.
  constexpr int kResidents = 4;
  std::vector<std::string> residents;
  auto reports = v1::ReportService::NewStub(setup);
  for (int i = 0; i < kResidents; ++i) {
    grpc::ClientContext context;
    v1::RegisterDeviceResponse device;
    ASSERT_TRUE(auth->RegisterDevice(&context, v1::RegisterDeviceRequest(), &device).ok());
    {
      grpc::ClientContext verify_context;
      WithToken(verify_context, admin);
      v1::VerifyEntrepreneurRequest verify;
      verify.set_device(device.device());
      verify.set_kvk_number(absl::StrCat("1234567", i));
      verify.set_business_name(absl::StrCat("Winkel ", i));
      v1::VerifyEntrepreneurResponse verified;
      ASSERT_TRUE(auth->VerifyEntrepreneur(&verify_context, verify, &verified).ok());
    }
    grpc::ClientContext refresh_context;
    v1::RefreshTokenRequest refresh;
    refresh.set_refresh_token(device.refresh_token());
    v1::TokenResponse shopkeeper;
    ASSERT_TRUE(auth->RefreshToken(&refresh_context, refresh, &shopkeeper).ok());
    residents.push_back(shopkeeper.access_token());
    grpc::ClientContext submit;
    WithToken(submit, residents.back());
    v1::SubmitReportRequest request;
    *request.mutable_report() = BreestraatReport(NewUuid(rng), "Winkeldief bij de bakker");
    v1::Report stored;
    grpc::Status status = reports->SubmitReport(&submit, request, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // --- Subscribers ---
  std::atomic<bool> stop_subscribers{false};
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  std::vector<std::thread> threads;
  std::vector<std::function<std::vector<std::string>()>> truths;  // per subscriber

  auto add = [&](const std::string& name, auto open, auto is_end) {
    using Message = typename MessageOf<decltype(is_end)>::type;
    subscribers.push_back(std::make_unique<Subscriber>());
    Subscriber* s = subscribers.back().get();
    s->name = name;
    const int id = static_cast<int>(subscribers.size());
    threads.emplace_back(RunSubscriber<Message>, port_, id, seed_ * 7919 + id, open, is_end,
                         &stop_subscribers, s);
    truths.push_back([this, open, is_end] { return ReadTruth<Message>(port_, open, is_end); });
  };

  // The sentinel alert ends every alert and sync feed; the sentinel incident the queue.
  std::string sentinel_incident;
  std::mutex sentinel_mu;
  auto is_sentinel_incident = [&](const std::string& incident) {
    std::lock_guard<std::mutex> lock(sentinel_mu);
    return !sentinel_incident.empty() && incident == sentinel_incident;
  };
  for (int i = 0; i < 3; ++i) {
    const std::string token = residents[i];
    OpenStream<v1::FeedChange> open = [token](grpc::ClientContext* context,
                                             const std::shared_ptr<grpc::Channel>& channel,
                                             const std::string& cursor) {
      WithToken(*context, token);
      v1::SubscribeRequest request;
      request.set_cursor(cursor);
      return v1::SyncService::NewStub(channel)->Subscribe(context, request);
    };
    add(absl::StrCat("sync[", i, "]"), open, std::function<bool(const v1::FeedChange&)>(
        [](const v1::FeedChange& c) { return c.alert().description() == kSentinelText; }));
  }
  std::vector<v1::SubscribeAlertsRequest> fences(3);
  fences[0].mutable_geofence()->mutable_circle()->mutable_center()->set_latitude(kBreestraatLat);
  fences[0].mutable_geofence()->mutable_circle()->mutable_center()->set_longitude(kBreestraatLon);
  fences[0].mutable_geofence()->mutable_circle()->set_radius_meters(2000);
  fences[1].mutable_geofence()->mutable_areas()->add_codes("FA037501");  // De Drie Straatjes
  fences[2] = fences[0];
  fences[2].add_types(v1::SHOPLIFTER);
  fences[2].add_types(v1::ALERT_OTHER);
  for (size_t i = 0; i < fences.size(); ++i) {
    const v1::SubscribeAlertsRequest fence = fences[i];
    OpenStream<v1::AlertEvent> open = [desk, fence](grpc::ClientContext* context,
                                                    const std::shared_ptr<grpc::Channel>& channel,
                                                    const std::string& cursor) {
      WithToken(*context, desk);
      v1::SubscribeAlertsRequest request = fence;
      request.set_resume_cursor(cursor);
      return v1::AlertService::NewStub(channel)->SubscribeAlerts(context, request);
    };
    add(absl::StrCat("alerts[", i, "]"), open, std::function<bool(const v1::AlertEvent&)>(
        [](const v1::AlertEvent& e) { return e.alert().description() == kSentinelText; }));
  }
  for (int i = 0; i < 2; ++i) {
    OpenStream<v1::QueueEvent> open = [desk](grpc::ClientContext* context,
                                            const std::shared_ptr<grpc::Channel>& channel,
                                            const std::string& cursor) {
      WithToken(*context, desk);
      v1::WatchQueueRequest request;
      request.set_resume_cursor(cursor);
      return v1::DispatchService::NewStub(channel)->WatchQueue(context, request);
    };
    add(absl::StrCat("queue[", i, "]"), open, std::function<bool(const v1::QueueEvent&)>(
        [&is_sentinel_incident](const v1::QueueEvent& e) {
          return e.reason() == v1::QueueEvent::UPDATED &&
                 is_sentinel_incident(e.incident().name());
        }));
  }

  // --- Load: residents report, the desk publishes alerts and works incidents ---
  std::atomic<bool> stop_load{false};
  std::atomic<int> stored{0}, alerts_published{0}, desk_actions{0};
  std::mutex incidents_mu;
  std::vector<std::string> incidents;
  std::vector<std::thread> load;
  for (int i = 0; i < kResidents; ++i) {
    load.emplace_back([&, i] {
      std::mt19937_64 r(seed_ * 31 + i);
      std::shared_ptr<grpc::Channel> channel = NewChannel(port_, 100 + i);
      auto sync = v1::SyncService::NewStub(channel);
      while (!stop_load) {
        // A batch of 1-3 reports near the Breestraat, so several join one incident.
        v1::PushRequest push;
        const int n = 1 + static_cast<int>(r() % 3);
        for (int k = 0; k < n; ++k) {
          v1::Report report = BreestraatReport(
              NewUuid(r), absl::StrCat("Winkeldief gezien bij winkel ", r() % 20,
                                       ", liep richting de Zeestraat"));
          report.mutable_location()->set_latitude(kBreestraatLat + (r() % 100) * 1e-5);
          report.mutable_location()->set_longitude(kBreestraatLon + (r() % 100) * 1e-5);
          *push.add_reports() = report;
        }
        grpc::ClientContext context;
        WithToken(context, residents[i]);
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        v1::PushResponse response;
        if (sync->Push(&context, push, &response).ok()) {
          std::lock_guard<std::mutex> lock(incidents_mu);
          for (const v1::PushResult& result : response.results()) {
            if (result.outcome() != v1::PushResult::STORED) continue;
            ++stored;
            incidents.push_back(result.report().incident_id());
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + r() % 60));
      }
    });
  }
  load.emplace_back([&] {
    std::mt19937_64 r(seed_ * 37);
    std::shared_ptr<grpc::Channel> channel = NewChannel(port_, 200);
    auto alerts = v1::AlertService::NewStub(channel);
    std::vector<std::string> active;
    while (!stop_load) {
      grpc::ClientContext context;
      WithToken(context, desk);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      v1::Alert alert;
      if (!active.empty() && r() % 3 == 0) {
        v1::ResolveAlertRequest request;
        request.set_name(active.back());
        request.set_outcome("De verdachte is aangehouden");
        if (alerts->ResolveAlert(&context, request, &alert).ok()) ++alerts_published;
        active.pop_back();
      } else {
        v1::PublishAlertRequest request;
        request.set_alert_id(NewUuid(r));
        request.set_type(static_cast<v1::AlertType>(1 + r() % 7));
        request.set_description(absl::StrCat("Let op: verdachte persoon ", r() % 100));
        // Inside the Drie Straatjes or a little outside, so filters differ.
        request.mutable_location()->set_latitude(kBreestraatLat + (r() % 60) * 1e-4 - 0.003);
        request.mutable_location()->set_longitude(kBreestraatLon + (r() % 60) * 1e-4 - 0.003);
        if (alerts->PublishAlert(&context, request, &alert).ok()) {
          ++alerts_published;
          active.push_back(alert.name());
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(30 + r() % 60));
    }
  });
  load.emplace_back([&] {
    std::mt19937_64 r(seed_ * 41);
    std::shared_ptr<grpc::Channel> channel = NewChannel(port_, 300);
    auto dispatch = v1::DispatchService::NewStub(channel);
    while (!stop_load) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + r() % 50));
      std::string name;
      {
        std::lock_guard<std::mutex> lock(incidents_mu);
        if (incidents.empty()) continue;
        name = incidents[r() % incidents.size()];
      }
      grpc::ClientContext context;
      WithToken(context, desk);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      if (r() % 2 == 0) {
        v1::SendFeedbackRequest request;
        request.set_name(name);
        request.set_message(absl::StrCat("Bericht ", r() % 1000, " van de meldkamer"));
        v1::SendFeedbackResponse response;
        if (dispatch->SendFeedback(&context, request, &response).ok()) ++desk_actions;
        continue;
      }
      v1::GetIncidentRequest get;
      get.set_name(name);
      v1::Incident incident;
      if (!dispatch->GetIncident(&context, get, &incident).ok()) continue;
      static const v1::IncidentStatus kNext[] = {
          v1::INCIDENT_STATUS_UNSPECIFIED, v1::INCIDENT_TRIAGED,     v1::INCIDENT_DISPATCHED,
          v1::INCIDENT_IN_PROGRESS,        v1::INCIDENT_RESOLVED,    v1::INCIDENT_CLOSED,
          v1::INCIDENT_CLOSED,             v1::INCIDENT_STATUS_UNSPECIFIED};
      const v1::IncidentStatus next = kNext[incident.status() % 8];
      if (next == v1::INCIDENT_STATUS_UNSPECIFIED) continue;
      grpc::ClientContext transition;
      WithToken(transition, desk);
      transition.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      v1::TransitionIncidentRequest request;
      request.set_name(name);
      request.set_version(incident.version());
      request.set_target_status(next);
      if (dispatch->TransitionIncident(&transition, request, &incident).ok()) ++desk_actions;
    }
  });

  // --- Server-side cuts: restart the server on the same data dir a few times ---
  constexpr int kRestarts = 3;
  for (int i = 0; i < kRestarts; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500 + rng() % 1500));
    Restart();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop_load = true;
  for (std::thread& t : load) t.join();

  // --- Sentinels: a report that opens its own incident (by the station, far from the load),
  // then an alert at the Breestraat that every subscriber's filter matches ---
  {
    v1::Report report = BreestraatReport(NewUuid(rng), "Grofvuil gedumpt achter het station");
    report.set_category("signalen.afval.grofvuil");
    report.mutable_location()->set_latitude(52.4790);
    report.mutable_location()->set_longitude(4.6560);
    grpc::ClientContext context;
    WithToken(context, residents[kResidents - 1]);
    v1::SubmitReportRequest request;
    *request.mutable_report() = report;
    v1::Report stored_report;
    grpc::Status status = v1::ReportService::NewStub(NewChannel(port_, 400))
                              ->SubmitReport(&context, request, &stored_report);
    ASSERT_TRUE(status.ok()) << status.error_message();
    {
      std::lock_guard<std::mutex> lock(sentinel_mu);
      sentinel_incident = stored_report.incident_id();
    }
    // The queue's sentinel is this incident's next change, which comes after the name is known
    // (its NEW event may reach a subscriber before the SubmitReport response does).
    grpc::ClientContext feedback_context;
    WithToken(feedback_context, desk);
    v1::SendFeedbackRequest feedback;
    feedback.set_name(stored_report.incident_id());
    feedback.set_message("Bedankt, we gaan kijken");
    v1::SendFeedbackResponse sent;
    status = v1::DispatchService::NewStub(NewChannel(port_, 402))
                 ->SendFeedback(&feedback_context, feedback, &sent);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    WithToken(context, desk);
    v1::PublishAlertRequest request;
    request.set_alert_id(NewUuid(rng));
    request.set_type(v1::ALERT_OTHER);
    request.set_description(kSentinelText);
    request.mutable_location()->set_latitude(kBreestraatLat);
    request.mutable_location()->set_longitude(kBreestraatLon);
    v1::Alert alert;
    grpc::Status status =
        v1::AlertService::NewStub(NewChannel(port_, 401))->PublishAlert(&context, request, &alert);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (std::thread& t : threads) t.join();
  stop_subscribers = true;

  std::cout << "load: " << stored << " reports stored, " << alerts_published
            << " alert publishes/resolutions, " << desk_actions << " desk actions, " << kRestarts
            << " restarts" << std::endl;
  for (size_t i = 0; i < subscribers.size(); ++i) {
    const Subscriber& s = *subscribers[i];
    std::vector<std::string> truth = truths[i]();
    std::cout << s.name << ": " << s.seen.size() << " messages over " << s.connections
              << " connections (" << s.client_cuts << " client cuts, " << s.server_cuts
              << " server cuts); ground truth " << truth.size() << std::endl;
    EXPECT_TRUE(s.finished) << s.name << " never reached its sentinel";
    EXPECT_TRUE(s.errors.empty()) << s.name << ":\n" << absl::StrJoin(s.errors, "\n");
    EXPECT_GT(truth.size(), 1u) << s.name;
    EXPECT_GT(s.connections, 5) << s.name;
    // Exactly once, in order: the same sequence of messages.
    size_t first_difference = 0;
    while (first_difference < truth.size() && first_difference < s.seen.size() &&
           truth[first_difference] == s.seen[first_difference]) {
      ++first_difference;
    }
    EXPECT_TRUE(first_difference == truth.size() && truth.size() == s.seen.size())
        << s.name << " differs from the ground truth at message " << first_difference
        << ":\n  received: "
        << (first_difference < s.seen.size() ? s.seen[first_difference] : "(end)")
        << "\n  expected: "
        << (first_difference < truth.size() ? truth[first_difference] : "(end)");
  }
}

}  // namespace
}  // namespace wijkwacht::testing
