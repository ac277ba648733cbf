// wijkwacht_loadgen: closed-loop load against a local wijkwachtd.
//
// Keeps --in_flight unary RPCs outstanding over --channels separate TCP connections with the
// gRPC callback API, first against grpc.health.v1.Health/Check (the cost of a bare RPC on
// this server), then against ReportService.SubmitReport with realistic, unique Beverwijk
// reports (a durable, fsynced write each). Prints QPS, exact latency percentiles and errors
// by status code per phase and the ratio of the two throughputs.
//
// Authentication: before measuring, each channel registers its own anonymous device
// (AuthService.RegisterDevice, no token needed) and every SubmitReport on that channel carries
// the device's access token; a background thread renews tokens with RefreshToken before they
// expire (they live 15 minutes). Health checks and ListCategories go without a token.
// --token sends a given token instead, --no_auth none (a server started with --auth=false).
//
// Bounded: each phase stops issuing after --warmup + --duration seconds, every RPC has a
// --rpc_timeout deadline, and only the given --target is ever contacted (loopback unless
// --allow_remote).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tools/loadgen/overload.h"
#include "tools/loadgen/report_gen.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

ABSL_FLAG(std::string, target, "localhost:50051", "wijkwachtd address (host:port, loopback)");
ABSL_FLAG(int, in_flight, 128, "RPCs kept outstanding at all times (1-10000)");
ABSL_FLAG(int, channels, 4, "separate channels, each its own TCP connection (1-64)");
ABSL_FLAG(int, duration, 10, "measured seconds per phase (1-3600)");
ABSL_FLAG(int, warmup, 2, "unmeasured seconds before each phase (0-600)");
ABSL_FLAG(std::string, mode, "both",
          "health | submit | push | both (health, submit) | all (health, submit, push) | "
          "overload (submit capacity, then an open-loop burst at --overload_factor x capacity) | "
          "ready (seconds from --since_unix_ns to the first SERVING health check and the first "
          "stored SubmitReport: a restart's time to serving)");
ABSL_FLAG(double, overload_factor, 3, "overload: burst rate as a multiple of measured capacity");
ABSL_FLAG(int, burst, 10, "overload: burst seconds (1-600)");
ABSL_FLAG(int, max_outstanding, 20000, "overload: most calls the client keeps outstanding");
ABSL_FLAG(int, server_pid, 0, "overload: wijkwachtd's pid, for its memory figures (0 = none)");
ABSL_FLAG(std::string, scenario, "mix",
          "reports of submit/push phases: mix (spread over Beverwijk, many kinds), hot (one "
          "event: within 50 m and 10 minutes, same kind; all should join one incident) or "
          "spread (a store's history: events over the buurten and --spread_days, "
          "--new_event_share of the reports a new event, the rest more reports of one)");
ABSL_FLAG(int, spread_days, 182, "spread: observed times lie in this many days before now");
ABSL_FLAG(double, new_event_share, 0.3,
          "spread: share of reports that describe a new event (0-1]");
ABSL_FLAG(int64_t, reports, 0,
          "submit/push: stop after issuing this many reports (0 = run for --duration); the "
          "figures then cover the whole phase from its start, --warmup is ignored");
ABSL_FLAG(int64_t, since_unix_ns, 0,
          "ready: the instant (Unix nanoseconds) the times are measured from (0 = now)");
ABSL_FLAG(int, batch, 100, "reports per SyncService.Push call in the push phase (1-100)");
ABSL_FLAG(std::optional<uint64_t>, seed, std::nullopt,
          "seed for report contents (places, texts, categories, times); default random. "
          "Report ids are always fresh so a rerun never collides with stored reports");
ABSL_FLAG(bool, json, false, "print one JSON line with all figures on stdout (text goes to stderr)");
ABSL_FLAG(absl::Duration, rpc_timeout, absl::Seconds(5), "deadline of every RPC");
ABSL_FLAG(bool, allow_remote, false, "allow a --target that is not a loopback address");
ABSL_FLAG(std::string, token, "",
          "access token for every SubmitReport instead of registering one device per channel");
ABSL_FLAG(bool, no_auth, false,
          "send no token at all (for a server started with --auth=false)");

namespace wijkwacht::loadgen {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr char kHealthMethod[] = "/grpc.health.v1.Health/Check";
// HealthCheckResponse{status: SERVING}: field 1, varint 1.
constexpr char kServingResponse[] = "\x08\x01";
// Pseudo status code for a Health/Check that answered OK but not SERVING.
constexpr int kNotServing = -1;

enum class Kind { kHealth, kSubmit, kPush };
enum class Scenario { kMix, kHot, kSpread };

int64_t Nanos(SteadyClock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

std::string CodeName(int code) {
  if (code == kNotServing) return "NOT_SERVING";
  if (code >= 0 && code <= 16) return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return absl::StrCat("CODE_", code);
}

struct Sample {
  int64_t end_ns;      // since phase start
  int64_t latency_ns;
  int code;            // grpc::StatusCode or kNotServing
};

struct PhaseResult {
  std::string name;
  std::string method;
  double seconds = 0;
  uint64_t ok = 0;
  uint64_t errors = 0;
  double qps = 0;  // OK completions per second in the measured window
  LatencySummary latency;  // over all completions (OK and errors) in the window
  std::map<std::string, uint64_t> errors_by_code;
  std::map<std::string, std::string> first_error_message;
  uint64_t issued_total = 0;  // including warmup and the drain after the window
  // Push: items STORED per second in the window, items STORED over the whole run (fewer than
  // calls x batch means items were REJECTED, e.g. shed under overload), the first rejection.
  int batch = 1;
  double reports_per_second = 0;
  uint64_t reports_stored_total = 0;
  std::string first_item_error;
  // Submit/push: distinct incidents the stored reports joined or opened (whole run), and
  // per theme (v1::Theme number) the reports stored and the distinct incidents.
  size_t distinct_incidents = 0;
  std::map<int, uint64_t> reports_by_theme;
  std::map<int, uint64_t> incidents_by_theme;
};

uint64_t RandomU64() {
  uint64_t v = 0;
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (urandom.read(reinterpret_cast<char*>(&v), sizeof(v))) return v;
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// The access token one channel's SubmitReports carry; renewed by a TokenRefresher.
class ChannelToken {
 public:
  ChannelToken(std::string access_token, absl::Time expire_time, std::string refresh_token)
      : header_(absl::StrCat("Bearer ", access_token)),
        expire_time_(expire_time),
        refresh_token_(std::move(refresh_token)) {}

  // "Bearer <token>".
  std::string Header() const {
    std::lock_guard<std::mutex> lock(mu_);
    return header_;
  }
  absl::Time ExpireTime() const {
    std::lock_guard<std::mutex> lock(mu_);
    return expire_time_;
  }
  // The refresh token rotates: each refresh hands out the next one (empty: keep the old one).
  void Set(const std::string& access_token, absl::Time expire_time,
           const std::string& refresh_token) {
    std::lock_guard<std::mutex> lock(mu_);
    header_ = absl::StrCat("Bearer ", access_token);
    expire_time_ = expire_time;
    if (!refresh_token.empty()) refresh_token_ = refresh_token;
  }
  // Empty for a --token (it cannot be renewed).
  std::string refresh_token() const {
    std::lock_guard<std::mutex> lock(mu_);
    return refresh_token_;
  }

 private:
  mutable std::mutex mu_;
  std::string header_;
  absl::Time expire_time_;
  std::string refresh_token_;
};

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// Registers one anonymous device per channel (over that channel) and returns their tokens.
std::optional<std::vector<std::shared_ptr<ChannelToken>>> RegisterDevices(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels, absl::Duration timeout) {
  std::vector<std::shared_ptr<ChannelToken>> tokens;
  for (size_t i = 0; i < channels.size(); ++i) {
    auto stub = v1::AuthService::NewStub(channels[i]);
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    v1::RegisterDeviceRequest request;
    request.set_platform("loadgen");
    v1::RegisterDeviceResponse response;
    grpc::Status s = stub->RegisterDevice(&ctx, request, &response);
    if (!s.ok()) {
      std::cerr << "wijkwacht_loadgen: RegisterDevice failed (channel " << i
                << "): " << CodeName(s.error_code()) << ": " << s.error_message() << "\n";
      if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        std::cerr << "  the server has no AuthService: started with --auth=false? Then pass "
                     "--no_auth.\n";
      } else if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        std::cerr << "  RegisterDevice counts against the per-address registration and write "
                     "limits: raise --device_registration_burst and "
                     "--peer_writes_per_second/--peer_write_burst on wijkwachtd.\n";
      }
      return std::nullopt;
    }
    tokens.push_back(std::make_shared<ChannelToken>(response.access().access_token(),
                                                    FromTimestamp(response.access().expire_time()),
                                                    response.refresh_token()));
  }
  return tokens;
}

// The "exp" of a JWT, if it has one that parses (the signature is the server's business).
std::optional<absl::Time> JwtExpiry(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string payload;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &payload)) return std::nullopt;
  nlohmann::json claims = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number()) {
    return std::nullopt;
  }
  return absl::FromUnixSeconds(claims["exp"].get<int64_t>());
}

// Renews every channel's token with RefreshToken once it has less than kRenewBefore left, so a
// token attached to an RPC (deadline at most 1 minute) is always valid for its whole life.
class TokenRefresher {
 public:
  static constexpr absl::Duration kRenewBefore = absl::Minutes(3);

  TokenRefresher(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                 std::vector<std::shared_ptr<ChannelToken>> tokens, absl::Duration timeout)
      : tokens_(std::move(tokens)), timeout_(timeout) {
    for (const auto& ch : channels) stubs_.push_back(v1::AuthService::NewStub(ch));
    thread_ = std::thread([this] { Loop(); });
  }
  ~TokenRefresher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  int refreshed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return refreshed_;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
      lock.unlock();
      for (size_t i = 0; i < tokens_.size(); ++i) Renew(i);
      lock.lock();
    }
  }

  void Renew(size_t i) {
    ChannelToken& token = *tokens_[i];
    if (token.refresh_token().empty() || token.ExpireTime() - absl::Now() > kRenewBefore) return;
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    v1::RefreshTokenRequest request;
    request.set_refresh_token(token.refresh_token());
    v1::TokenResponse response;
    grpc::Status s = stubs_[i % stubs_.size()]->RefreshToken(&ctx, request, &response);
    if (!s.ok()) {  // tried again next second; SubmitReport errors show if it never works
      std::cerr << "wijkwacht_loadgen: RefreshToken failed (channel " << i
                << "): " << CodeName(s.error_code()) << ": " << s.error_message() << "\n";
      return;
    }
    token.Set(response.access_token(), FromTimestamp(response.expire_time()),
              response.refresh_token());
    std::lock_guard<std::mutex> lock(mu_);
    ++refreshed_;
  }

  std::vector<std::unique_ptr<v1::AuthService::Stub>> stubs_;
  const std::vector<std::shared_ptr<ChannelToken>> tokens_;
  const absl::Duration timeout_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int refreshed_ = 0;
  std::thread thread_;
};

// One closed-loop phase: `in_flight` slots, each issuing its next RPC from the completion
// callback of the previous one until the phase ends.
class Phase {
 public:
  struct Options {
    Kind kind;
    int in_flight;
    absl::Duration warmup;
    absl::Duration duration;
    absl::Duration rpc_timeout;
    uint64_t content_seed;
    uint64_t id_seed;
    int batch = 1;  // reports per Push
    Scenario scenario = Scenario::kMix;
    absl::Duration spread = absl::Hours(24 * 182);  // kSpread: observed times span
    double new_event_share = 0.3;                    // kSpread
    int64_t total_reports = 0;  // > 0: stop after issuing this many reports
  };

  // `tokens`: one per channel for SubmitReport, or empty (no authorization metadata).
  Phase(Options options, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
        std::shared_ptr<const ReportCorpus> corpus,
        std::vector<std::shared_ptr<ChannelToken>> tokens)
      : options_(options), tokens_(std::move(tokens)) {
    for (const auto& ch : channels) {
      generic_stubs_.push_back(std::make_unique<grpc::GenericStub>(ch));
      stubs_.push_back(v1::ReportService::NewStub(ch));
      sync_stubs_.push_back(v1::SyncService::NewStub(ch));
    }
    grpc::Slice empty("", 0);
    health_request_ = grpc::ByteBuffer(&empty, 1);
    for (int i = 0; i < options_.in_flight; ++i) {
      auto slot = std::make_unique<Slot>();
      slot->channel = static_cast<size_t>(i) % channels.size();
      if (options_.kind != Kind::kHealth) {
        slot->generator.emplace(corpus, options_.content_seed + static_cast<uint64_t>(i),
                                options_.id_seed + static_cast<uint64_t>(i));
      }
      slots_.push_back(std::move(slot));
    }
  }

  // Runs the phase to completion (all RPCs finished) and returns the figures.
  PhaseResult Run() {
    start_ = SteadyClock::now();
    measure_from_ = start_ + absl::ToChronoNanoseconds(options_.warmup);
    stop_at_ = measure_from_ + absl::ToChronoNanoseconds(options_.duration);
    active_ = static_cast<int>(slots_.size());
    for (auto& slot : slots_) {
      if (!IssueNext(*slot, start_)) Retire();
    }
    {
      // Every RPC has a deadline, so this wait ends at most rpc_timeout after stop_at_.
      std::unique_lock<std::mutex> lock(mu_);
      done_cv_.wait(lock, [this] { return active_ == 0; });
    }
    end_ = SteadyClock::now();
    return Collect();
  }

 private:
  struct Slot {
    size_t channel = 0;
    std::unique_ptr<grpc::ClientContext> context;
    SteadyClock::time_point sent;
    grpc::ByteBuffer health_response;
    v1::SubmitReportRequest submit_request;
    v1::Report submit_response;
    v1::PushRequest push_request;
    v1::PushResponse push_response;
    std::optional<ReportGenerator> generator;
    std::vector<Sample> samples;
    std::map<int, std::string> first_error;  // code -> message
    uint64_t issued = 0;
    uint64_t reports_stored = 0;   // push: items STORED, whole run
    std::vector<std::pair<int64_t, int>> stored_at;  // push: (end_ns, items STORED) per call
    std::map<std::string, int> incidents;  // incident_id -> theme, of each stored report
    std::map<int, uint64_t> reports_by_theme;
    int reports_now = 1;  // reports in the call in flight
    std::string first_item_error;  // push: the first item not STORED

  };

  // Issues the slot's next call unless the phase is over (time, or --reports issued).
  bool IssueNext(Slot& slot, SteadyClock::time_point now) {
    if (now >= stop_at_) return false;
    slot.reports_now = options_.batch;
    if (options_.total_reports > 0) {
      const int64_t before = reserved_.fetch_add(options_.batch);
      if (before >= options_.total_reports) return false;
      slot.reports_now =
          static_cast<int>(std::min<int64_t>(options_.batch, options_.total_reports - before));
    }
    Issue(slot);
    return true;
  }

  void Retire() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--active_ == 0) done_cv_.notify_all();
  }

  void FillOne(Slot& slot, absl::Time now, v1::Report* report) {
    switch (options_.scenario) {
      case Scenario::kHot:
        return slot.generator->FillHotIncident(hot_event_start_, report);
      case Scenario::kSpread:
        return slot.generator->FillSpread(now, options_.spread, options_.new_event_share, report);
      case Scenario::kMix:
        return slot.generator->Fill(now, report);
    }
  }

  void Issue(Slot& slot) {
    slot.context = std::make_unique<grpc::ClientContext>();
    slot.context->set_deadline(absl::ToChronoTime(absl::Now() + options_.rpc_timeout));
    ++slot.issued;
    if (options_.kind == Kind::kHealth) {
      slot.health_response.Clear();
      slot.sent = SteadyClock::now();
      generic_stubs_[slot.channel]->UnaryCall(
          slot.context.get(), health_method_, grpc::StubOptions(), &health_request_,
          &slot.health_response, [this, &slot](grpc::Status s) { Done(slot, s); });
    } else if (options_.kind == Kind::kSubmit) {
      FillOne(slot, absl::Now(), slot.submit_request.mutable_report());
      slot.submit_response.Clear();
      if (!tokens_.empty()) {
        slot.context->AddMetadata("authorization", tokens_[slot.channel]->Header());
      }
      slot.sent = SteadyClock::now();
      stubs_[slot.channel]->async()->SubmitReport(
          slot.context.get(), &slot.submit_request, &slot.submit_response,
          [this, &slot](grpc::Status s) { Done(slot, s); });
    } else {
      // A phone's offline queue: `batch` fresh reports in one Push.
      slot.push_request.clear_reports();
      const absl::Time now = absl::Now();
      for (int i = 0; i < slot.reports_now; ++i) {
        FillOne(slot, now, slot.push_request.add_reports());
      }
      slot.push_response.Clear();
      if (!tokens_.empty()) {
        slot.context->AddMetadata("authorization", tokens_[slot.channel]->Header());
      }
      slot.sent = SteadyClock::now();
      sync_stubs_[slot.channel]->async()->Push(
          slot.context.get(), &slot.push_request, &slot.push_response,
          [this, &slot](grpc::Status s) { Done(slot, s); });
    }
  }

  // Runs on a gRPC callback thread; a slot has at most one RPC outstanding, so its fields
  // are only touched by one thread at a time.
  void Done(Slot& slot, const grpc::Status& status) {
    const auto now = SteadyClock::now();
    int code = status.error_code();
    if (status.ok() && options_.kind == Kind::kHealth && !IsServing(slot.health_response)) {
      code = kNotServing;
    }
    if (status.ok() && options_.kind == Kind::kPush) {
      int stored = 0;
      for (const v1::PushResult& result : slot.push_response.results()) {
        if (result.outcome() == v1::PushResult::STORED) {
          ++stored;
          Tally(slot, result.report());
        } else if (slot.first_item_error.empty()) {
          slot.first_item_error = result.error_message();
        }
      }
      slot.reports_stored += stored;
      slot.stored_at.emplace_back(Nanos(now - start_), stored);
    }
    if (status.ok() && options_.kind == Kind::kSubmit) Tally(slot, slot.submit_response);
    if (code != grpc::StatusCode::OK && !slot.first_error.count(code)) {
      slot.first_error[code] = code == kNotServing ? "health status is not SERVING"
                                                   : status.error_message();
    }
    slot.samples.push_back({Nanos(now - start_), Nanos(now - slot.sent), code});
    if (!IssueNext(slot, now)) Retire();
  }

  static void Tally(Slot& slot, const v1::Report& stored) {
    ++slot.reports_by_theme[stored.theme()];
    if (!stored.incident_id().empty()) slot.incidents.emplace(stored.incident_id(), stored.theme());
  }

  static bool IsServing(const grpc::ByteBuffer& response) {
    std::vector<grpc::Slice> slices;
    if (!response.Dump(&slices).ok()) return false;
    std::string bytes;
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    return bytes == absl::string_view(kServingResponse, 2);
  }

  PhaseResult Collect() {
    PhaseResult r;
    // A phase of --reports covers everything from its start to its last completion.
    const bool counted = options_.total_reports > 0;
    const int64_t from = counted ? 0 : Nanos(measure_from_ - start_);
    const int64_t to = counted ? Nanos(end_ - start_) : Nanos(stop_at_ - start_);
    r.seconds = counted ? static_cast<double>(to) / 1e9 : absl::ToDoubleSeconds(options_.duration);
    std::vector<int64_t> latencies;
    std::map<std::string, int> incidents;
    for (const auto& slot : slots_) {
      r.issued_total += slot->issued;
      for (const Sample& s : slot->samples) {
        if (s.end_ns < from || s.end_ns > to) continue;
        latencies.push_back(s.latency_ns);
        if (s.code == grpc::StatusCode::OK) {
          ++r.ok;
        } else {
          ++r.errors;
          ++r.errors_by_code[CodeName(s.code)];
        }
      }
      for (const auto& [code, message] : slot->first_error) {
        r.first_error_message.try_emplace(CodeName(code), message);
      }
      r.reports_stored_total += slot->reports_stored;
      for (const auto& [end_ns, stored] : slot->stored_at) {
        if (end_ns >= from && end_ns <= to) r.reports_per_second += stored / r.seconds;
      }
      if (r.first_item_error.empty()) r.first_item_error = slot->first_item_error;
      incidents.insert(slot->incidents.begin(), slot->incidents.end());
      for (const auto& [theme, n] : slot->reports_by_theme) r.reports_by_theme[theme] += n;
    }
    r.distinct_incidents = incidents.size();
    for (const auto& [id, theme] : incidents) ++r.incidents_by_theme[theme];
    r.qps = static_cast<double>(r.ok) / r.seconds;
    r.latency = Summarize(latencies);
    return r;
  }

  const Options options_;
  const std::vector<std::shared_ptr<ChannelToken>> tokens_;
  std::vector<std::unique_ptr<grpc::GenericStub>> generic_stubs_;
  std::vector<std::unique_ptr<v1::ReportService::Stub>> stubs_;
  std::vector<std::unique_ptr<v1::SyncService::Stub>> sync_stubs_;
  grpc::ByteBuffer health_request_;
  // Outlives every call: the channel may keep a pointer to the method name (not a copy).
  const std::string health_method_ = kHealthMethod;
  std::vector<std::unique_ptr<Slot>> slots_;
  SteadyClock::time_point start_, measure_from_, stop_at_, end_;
  std::atomic<int64_t> reserved_{0};  // reports of the calls issued (--reports)
  // --scenario=hot: the event's first minute (reports fall in the 10 minutes after it).
  const absl::Time hot_event_start_ = absl::Now() - absl::Minutes(15);
  std::mutex mu_;
  std::condition_variable done_cv_;
  int active_ = 0;
};

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int n) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    // Own subchannel pool plus a distinct arg: each channel gets its own TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("wijkwacht.loadgen.channel_index", i);
    channels.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

// All categories, following next_page_token.
std::optional<std::vector<v1::Category>> FetchCategories(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  auto stub = v1::ReportService::NewStub(channel);
  std::vector<v1::Category> out;
  v1::ListCategoriesRequest request;
  request.set_page_size(1000);
  for (int page = 0; page < 100; ++page) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    v1::ListCategoriesResponse response;
    grpc::Status s = stub->ListCategories(&ctx, request, &response);
    if (!s.ok()) {
      std::cerr << "ListCategories failed: " << CodeName(s.error_code()) << ": "
                << s.error_message() << "\n";
      return std::nullopt;
    }
    for (auto& c : *response.mutable_categories()) out.push_back(std::move(c));
    if (response.next_page_token().empty()) return out;
    request.set_page_token(response.next_page_token());
  }
  std::cerr << "ListCategories: more than 100 pages, giving up\n";
  return std::nullopt;
}

std::string Ms(int64_t ns) { return absl::StrFormat("%.3f", static_cast<double>(ns) / 1e6); }

void PrintPhase(std::ostream& out, const PhaseResult& r) {
  out << absl::StrFormat("%-7s %s\n", r.name, r.method);
  out << absl::StrFormat("  window %.0fs: ok %d, errors %d, qps %.1f\n", r.seconds, r.ok,
                         r.errors, r.qps);
  if (r.distinct_incidents > 0) {
    uint64_t stored = 0;
    for (const auto& [theme, n] : r.reports_by_theme) stored += n;
    out << absl::StrFormat(
        "  %d reports stored in all joined or opened %d incidents (%.1f %% of the reports)\n",
        stored, r.distinct_incidents, 100.0 * r.distinct_incidents / std::max<uint64_t>(stored, 1));
    for (const auto& [theme, n] : r.reports_by_theme) {
      const auto it = r.incidents_by_theme.find(theme);
      out << absl::StrFormat("    %-13s %9d reports %9d incidents\n",
                             v1::Theme_Name(static_cast<v1::Theme>(theme)), n,
                             it == r.incidents_by_theme.end() ? 0 : it->second);
    }
  }
  if (r.batch > 1) {
    out << absl::StrFormat("  %d reports per call: %.1f reports stored/s; %d stored in all\n",
                           r.batch, r.reports_per_second, r.reports_stored_total);
    if (!r.first_item_error.empty()) {
      out << "  items rejected (first: \"" << r.first_item_error << "\")\n";
    }
  }
  if (r.latency.count > 0) {
    out << "  latency ms: p50 " << Ms(r.latency.p50) << "  p90 " << Ms(r.latency.p90)
        << "  p99 " << Ms(r.latency.p99) << "  max " << Ms(r.latency.max) << "  mean "
        << Ms(static_cast<int64_t>(r.latency.mean)) << "\n";
  } else {
    out << "  latency: no completions in the window\n";
  }
  for (const auto& [code, n] : r.errors_by_code) {
    out << "  error " << code << ": " << n;
    auto it = r.first_error_message.find(code);
    if (it != r.first_error_message.end()) out << " (first: \"" << it->second << "\")";
    out << "\n";
  }
  if (r.errors_by_code.count("RESOURCE_EXHAUSTED")) {
    out << "  hint: write rate limits hit; for a throughput measurement start wijkwachtd with\n"
           "  --device_writes_per_second=1e9 --device_write_burst=1e9 "
           "--peer_writes_per_second=1e9 --peer_write_burst=1e9\n";
  }
  if (r.errors_by_code.count("UNAUTHENTICATED") || r.errors_by_code.count("PERMISSION_DENIED")) {
    out << "  hint: the server refused the token (or its absence): --no_auth only works "
           "against\n  wijkwachtd --auth=false; --token must be a device or dispatcher/admin "
           "token that has not expired\n";
  }
}

nlohmann::json PhaseJson(const PhaseResult& r) {
  nlohmann::json j;
  j["method"] = r.method;
  j["seconds"] = r.seconds;
  j["ok"] = r.ok;
  j["errors"] = r.errors;
  j["qps"] = r.qps;
  j["latency_ms"] = {{"count", r.latency.count},
                     {"p50", r.latency.p50 / 1e6},
                     {"p90", r.latency.p90 / 1e6},
                     {"p99", r.latency.p99 / 1e6},
                     {"max", r.latency.max / 1e6},
                     {"mean", r.latency.mean / 1e6}};
  j["errors_by_code"] = r.errors_by_code;
  j["issued_total"] = r.issued_total;
  if (r.distinct_incidents > 0) {
    j["distinct_incidents"] = r.distinct_incidents;
    nlohmann::json themes;
    for (const auto& [theme, n] : r.reports_by_theme) {
      const auto it = r.incidents_by_theme.find(theme);
      themes[v1::Theme_Name(static_cast<v1::Theme>(theme))] = {
          {"reports", n}, {"incidents", it == r.incidents_by_theme.end() ? 0 : it->second}};
    }
    j["by_theme"] = themes;
  }
  if (r.batch > 1) {
    j["batch"] = r.batch;
    j["reports_per_second"] = r.reports_per_second;
    j["reports_stored_total"] = r.reports_stored_total;
  }
  return j;
}

// --mode=overload after the capacity phase: a burst at --overload_factor x the capacity.
int RunOverload(const PhaseResult& capacity,
                const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                std::shared_ptr<const ReportCorpus> corpus,
                const std::vector<std::shared_ptr<ChannelToken>>& tokens, uint64_t seed,
                uint64_t id_seed, std::ostream& text, nlohmann::json& out) {
  if (capacity.qps <= 0) {
    text << "overload: the capacity phase stored nothing; no burst\n";
    return 1;
  }
  BurstOptions o;
  o.rate_per_second = absl::GetFlag(FLAGS_overload_factor) * capacity.qps;
  o.burst = absl::Seconds(absl::GetFlag(FLAGS_burst));
  o.rpc_timeout = absl::GetFlag(FLAGS_rpc_timeout);
  o.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  o.server_pid = absl::GetFlag(FLAGS_server_pid);
  // Recovered: probes as fast as the admitted calls at full capacity were.
  o.recovered_latency = absl::Nanoseconds(std::max<int64_t>(capacity.latency.p99, 1000000));
  o.content_seed = seed + 1;
  o.id_seed = id_seed + (2ull << 40);
  auto header = [&tokens](size_t channel) {
    return tokens.empty() ? std::string() : tokens[channel % tokens.size()]->Header();
  };
  text << absl::StrFormat("overload: %.0f submits/s open loop for %ds (%.1fx capacity %.0f/s)\n",
                          o.rate_per_second, absl::GetFlag(FLAGS_burst),
                          absl::GetFlag(FLAGS_overload_factor), capacity.qps);
  BurstResult r = RunBurst(o, channels, std::move(corpus), header);
  const double ms = 1e-6;
  text << absl::StrFormat(
      "  offered %d, not sent (client limit) %d, admitted %d, shed %d, deadline exceeded %d, "
      "other errors %d\n",
      r.offered, r.not_sent, r.admitted, r.shed, r.deadline_exceeded, r.other_errors);
  for (const auto& [code, n] : r.errors_by_code) {
    text << "    " << code << ": " << n << " (first: " << r.first_error_message[code] << ")\n";
  }
  text << absl::StrFormat(
      "  admitted latency ms: p50 %.1f p90 %.1f p99 %.1f max %.1f (capacity phase p99 %.1f)\n",
      r.admitted_latency.p50 * ms, r.admitted_latency.p90 * ms, r.admitted_latency.p99 * ms,
      r.admitted_latency.max * ms, capacity.latency.p99 * ms);
  text << absl::StrFormat("  shed answered in ms: p50 %.1f p99 %.1f\n", r.shed_latency.p50 * ms,
                          r.shed_latency.p99 * ms);
  if (r.rss_peak_bytes >= 0) {
    text << absl::StrFormat("  server RSS MiB: before %.1f, peak %.1f, after %.1f\n",
                            r.rss_before_bytes / 1048576.0, r.rss_peak_bytes / 1048576.0,
                            r.rss_after_bytes / 1048576.0);
  }
  text << absl::StrFormat("  admitted/s during burst %.0f = %.2fx capacity\n",
                          r.admitted / r.seconds, r.admitted / r.seconds / capacity.qps);
  if (r.recovery_seconds >= 0) {
    text << absl::StrFormat(
        "  recovered %.2f s after the burst (%d probes in a row within %.1f ms); burst calls "
        "all answered %.2f s after it\n",
        r.recovery_seconds, o.recovery_probes, absl::ToDoubleMilliseconds(o.recovered_latency),
        r.drain_seconds);
  } else {
    text << "  NOT recovered within " << absl::FormatDuration(o.recovery_limit) << "\n";
  }
  nlohmann::json j;
  j["rate_per_second"] = o.rate_per_second;
  j["factor"] = absl::GetFlag(FLAGS_overload_factor);
  j["capacity_qps"] = capacity.qps;
  j["capacity_p99_ms"] = capacity.latency.p99 * ms;
  j["offered"] = r.offered;
  j["not_sent"] = r.not_sent;
  j["admitted"] = r.admitted;
  j["shed"] = r.shed;
  j["deadline_exceeded"] = r.deadline_exceeded;
  j["other_errors"] = r.other_errors;
  j["errors_by_code"] = r.errors_by_code;
  j["admitted_p50_ms"] = r.admitted_latency.p50 * ms;
  j["admitted_p99_ms"] = r.admitted_latency.p99 * ms;
  j["admitted_max_ms"] = r.admitted_latency.max * ms;
  j["shed_p99_ms"] = r.shed_latency.p99 * ms;
  j["rss_before_bytes"] = r.rss_before_bytes;
  j["rss_peak_bytes"] = r.rss_peak_bytes;
  j["rss_after_bytes"] = r.rss_after_bytes;
  j["drain_seconds"] = r.drain_seconds;
  j["recovery_seconds"] = r.recovery_seconds;
  out["overload"] = j;
  out["submit"] = PhaseJson(capacity);
  return r.admitted > 0 && r.recovery_seconds >= 0 ? 0 : 1;
}

Scenario ScenarioFlag() {
  const std::string s = absl::GetFlag(FLAGS_scenario);
  return s == "hot" ? Scenario::kHot : s == "spread" ? Scenario::kSpread : Scenario::kMix;
}

// --mode=ready: a (re)starting server's time to serving, from --since_unix_ns (taken by the
// caller just before it started the server): the first Health/Check answered SERVING, then
// the first SubmitReport stored (the write path open: store, index, classifier loaded). Tries
// every 5 ms, each try with a short deadline and a channel that reconnects at once, for at
// most two minutes.
int RunReady(const std::string& target, bool no_auth, const std::string& given_token,
             std::ostream& text, bool json) {
  const int64_t since_ns = absl::GetFlag(FLAGS_since_unix_ns);
  const absl::Time since = since_ns > 0 ? absl::FromUnixNanos(since_ns) : absl::Now();
  const absl::Time give_up = absl::Now() + absl::Minutes(2);
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 5);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 20);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); };
  grpc::GenericStub health(channel);
  grpc::Slice empty("", 0);
  const grpc::ByteBuffer health_request(&empty, 1);
  std::optional<absl::Duration> serving;
  while (!serving && absl::Now() < give_up) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(200)));
    ctx.set_wait_for_ready(true);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    health.UnaryCall(&ctx, kHealthMethod, grpc::StubOptions(), &health_request, &response,
                     [&done](grpc::Status s) { done.set_value(std::move(s)); });
    grpc::Status s = done.get_future().get();
    std::vector<grpc::Slice> slices;
    if (s.ok() && response.Dump(&slices).ok() && slices.size() == 1 &&
        absl::string_view(reinterpret_cast<const char*>(slices[0].begin()), slices[0].size()) ==
            absl::string_view(kServingResponse, 2)) {
      serving = absl::Now() - since;
    } else {
      pause();
    }
  }
  if (!serving) {
    std::cerr << "wijkwacht_loadgen: no SERVING health check within two minutes\n";
    return 1;
  }
  std::optional<std::vector<v1::Category>> categories;
  while (!categories && absl::Now() < give_up) {
    categories = FetchCategories(channel, absl::Seconds(1));
    if (!categories) pause();
  }
  if (!categories || categories->empty()) return 1;
  auto corpus = std::make_shared<const ReportCorpus>(*categories);
  std::string header;
  if (!given_token.empty()) header = absl::StrCat("Bearer ", given_token);
  if (!no_auth && given_token.empty()) {
    auto tokens = RegisterDevices({channel}, absl::Seconds(5));
    if (!tokens) return 1;
    header = (*tokens)[0]->Header();
  }
  ReportGenerator generator(corpus, RandomU64(), RandomU64());
  auto stub = v1::ReportService::NewStub(channel);
  std::optional<absl::Duration> stored;
  grpc::Status last;
  while (!stored && absl::Now() < give_up) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    if (!header.empty()) ctx.AddMetadata("authorization", header);
    v1::SubmitReportRequest request;
    generator.Fill(absl::Now(), request.mutable_report());
    v1::Report response;
    last = stub->SubmitReport(&ctx, request, &response);
    if (last.ok()) {
      stored = absl::Now() - since;
    } else {
      pause();
    }
  }
  if (!stored) {
    std::cerr << "wijkwacht_loadgen: no SubmitReport stored within two minutes (last: "
              << CodeName(last.error_code()) << ": " << last.error_message() << ")\n";
    return 1;
  }
  text << absl::StrFormat("ready: health SERVING after %.3f s, first SubmitReport stored after %.3f s\n",
                          absl::ToDoubleSeconds(*serving), absl::ToDoubleSeconds(*stored));
  if (json) {
    nlohmann::json out;
    out["mode"] = "ready";
    out["health_serving_s"] = absl::ToDoubleSeconds(*serving);
    out["submit_stored_s"] = absl::ToDoubleSeconds(*stored);
    std::cout << out.dump() << std::endl;
  }
  return 0;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Closed-loop load generator for a local wijkwachtd.\n"
      "  wijkwacht_loadgen [--target=localhost:50051] [--mode=both|all|health|submit|push]\n"
      "                    [--batch=100] [--scenario=mix|hot|spread] [--reports=N]\n"
      "  wijkwacht_loadgen --mode=ready --since_unix_ns=NS   (a restart's time to serving)\n"
      "  wijkwacht_loadgen --mode=overload [--overload_factor=3] [--burst=10]\n"
      "                    [--server_pid=PID] [--max_outstanding=20000]\n"
      "                    [--in_flight=128] [--channels=4] [--warmup=2] [--duration=10]\n"
      "                    [--seed=N] [--json] [--token=JWT | --no_auth]\n"
      "SubmitReport stores real reports: point it at a throw-away --data_dir.\n"
      "Each channel registers its own device and sends its token; the server's write rate\n"
      "limits must be raised for a throughput measurement (see tools/loadgen/README.md).");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "unexpected argument: " << rest[1] << "\n";
    return 64;
  }
  const std::string target = absl::GetFlag(FLAGS_target);
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const int n_channels = absl::GetFlag(FLAGS_channels);
  const int duration = absl::GetFlag(FLAGS_duration);
  const int warmup = absl::GetFlag(FLAGS_warmup);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const int batch = absl::GetFlag(FLAGS_batch);
  const absl::Duration rpc_timeout = absl::GetFlag(FLAGS_rpc_timeout);
  const bool json = absl::GetFlag(FLAGS_json);
  const std::string given_token = absl::GetFlag(FLAGS_token);
  const bool no_auth = absl::GetFlag(FLAGS_no_auth);

  std::string bad;
  if (in_flight < 1 || in_flight > 10000) bad = "--in_flight must be in [1, 10000]";
  if (n_channels < 1 || n_channels > 64) bad = "--channels must be in [1, 64]";
  if (duration < 1 || duration > 3600) bad = "--duration must be in [1, 3600] seconds";
  if (warmup < 0 || warmup > 600) bad = "--warmup must be in [0, 600] seconds";
  if (mode != "health" && mode != "submit" && mode != "push" && mode != "both" &&
      mode != "all" && mode != "overload" && mode != "ready") {
    bad = "--mode must be health, submit, push, both, all, overload or ready";
  }
  if (const std::string scenario = absl::GetFlag(FLAGS_scenario);
      scenario != "mix" && scenario != "hot" && scenario != "spread") {
    bad = "--scenario must be mix, hot or spread";
  }
  if (absl::GetFlag(FLAGS_spread_days) < 1 || absl::GetFlag(FLAGS_spread_days) > 3650) {
    bad = "--spread_days must be in [1, 3650]";
  }
  if (!(absl::GetFlag(FLAGS_new_event_share) > 0 && absl::GetFlag(FLAGS_new_event_share) <= 1)) {
    bad = "--new_event_share must be in (0, 1]";
  }
  if (absl::GetFlag(FLAGS_reports) < 0) bad = "--reports must not be negative";
  if (absl::GetFlag(FLAGS_overload_factor) <= 0 || absl::GetFlag(FLAGS_burst) < 1 ||
      absl::GetFlag(FLAGS_burst) > 600 || absl::GetFlag(FLAGS_max_outstanding) < 1) {
    bad = "--overload_factor must be positive, --burst in [1, 600], --max_outstanding >= 1";
  }
  if (batch < 1 || batch > 100) bad = "--batch must be in [1, 100]";
  if (rpc_timeout <= absl::ZeroDuration() || rpc_timeout > absl::Minutes(1)) {
    bad = "--rpc_timeout must be in (0, 1m]";
  }
  if (!IsLoopbackTarget(target) && !absl::GetFlag(FLAGS_allow_remote)) {
    bad = absl::StrCat("--target ", target,
                       " is not a loopback address; pass --allow_remote to load it anyway");
  }
  if (no_auth && !given_token.empty()) bad = "--token and --no_auth exclude each other";
  // A given token cannot be renewed: it must outlive the whole run.
  const bool submits = mode != "health" && mode != "ready";
  if (submits && !given_token.empty() && bad.empty()) {
    const int phases = mode == "all" ? 3 : mode == "both" ? 2 : 1;
    absl::Time end = absl::Now() + phases * (absl::Seconds(warmup + duration) + rpc_timeout);
    if (mode == "overload") end += absl::Seconds(absl::GetFlag(FLAGS_burst) + 60);
    if (std::optional<absl::Time> exp = JwtExpiry(given_token); !exp) {
      std::cerr << "wijkwacht_loadgen: warning: --token has no readable exp claim; it is sent "
                   "as is\n";
    } else if (*exp < end) {
      bad = absl::StrCat("--token expires at ", absl::FormatTime(*exp),
                         ", before this run ends; get a fresh one or shorten --duration");
    }
  }
  if (!bad.empty()) {
    std::cerr << "wijkwacht_loadgen: " << bad << "\n";
    return 64;
  }
  const uint64_t seed = absl::GetFlag(FLAGS_seed).value_or(RandomU64());
  const uint64_t id_seed = RandomU64();
  std::ostream& text = json ? std::cerr : std::cout;
  if (mode == "ready") return RunReady(target, no_auth, given_token, text, json);

  auto channels = MakeChannels(target, n_channels);
  for (size_t i = 0; i < channels.size(); ++i) {
    if (!channels[i]->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(5)))) {
      std::cerr << "wijkwacht_loadgen: cannot connect to " << target << " (channel " << i
                << ")\n";
      return 1;
    }
  }
  text << absl::StrFormat(
      "target %s, %d channels, %d in flight, warmup %ds, duration %ds, seed %d\n", target,
      n_channels, in_flight, warmup, duration, seed);

  std::shared_ptr<const ReportCorpus> corpus;
  if (mode != "health") {
    auto categories = FetchCategories(channels[0], rpc_timeout);
    if (!categories) return 1;
    if (categories->empty()) {
      std::cerr << "wijkwacht_loadgen: the server lists no categories\n";
      return 1;
    }
    text << "categories: " << categories->size() << " from ListCategories\n";
    corpus = std::make_shared<const ReportCorpus>(*categories);
  }

  // Tokens for SubmitReport: one registered device per channel, a given token, or none.
  std::vector<std::shared_ptr<ChannelToken>> tokens;
  std::string auth_mode = "none";
  if (submits && !no_auth) {
    if (!given_token.empty()) {
      auto token = std::make_shared<ChannelToken>(
          given_token, JwtExpiry(given_token).value_or(absl::InfiniteFuture()), "");
      tokens.assign(channels.size(), token);
      auth_mode = "token";
      text << "auth: the --token on every SubmitReport\n";
    } else {
      auto registered = RegisterDevices(channels, rpc_timeout);
      if (!registered) return 1;
      tokens = *std::move(registered);
      auth_mode = "devices";
      text << "auth: " << tokens.size()
           << " anonymous devices registered (one per channel), tokens renewed before expiry\n";
    }
  } else if (submits) {
    text << "auth: none (--no_auth)\n";
  }
  std::optional<TokenRefresher> refresher;
  if (auth_mode == "devices") refresher.emplace(channels, tokens, rpc_timeout);

  auto run = [&](Kind kind) {
    Phase::Options o{.kind = kind,
                     .in_flight = in_flight,
                     .warmup = absl::Seconds(warmup),
                     .duration = absl::Seconds(duration),
                     .rpc_timeout = rpc_timeout,
                     .content_seed = seed,
                     .id_seed = id_seed + (kind == Kind::kPush ? (1ull << 40) : 0),
                     .batch = kind == Kind::kPush ? batch : 1,
                     .scenario = ScenarioFlag(),
                     .spread = absl::Hours(24) * absl::GetFlag(FLAGS_spread_days),
                     .new_event_share = absl::GetFlag(FLAGS_new_event_share),
                     .total_reports = kind == Kind::kHealth ? 0 : absl::GetFlag(FLAGS_reports)};
    PhaseResult r =
        Phase(o, channels, corpus,
              kind != Kind::kHealth ? tokens : std::vector<std::shared_ptr<ChannelToken>>())
            .Run();
    r.name = kind == Kind::kHealth ? "health" : kind == Kind::kSubmit ? "submit" : "push";
    r.method = kind == Kind::kHealth   ? "grpc.health.v1.Health/Check"
               : kind == Kind::kSubmit ? "wijkwacht.v1.ReportService/SubmitReport"
                                       : "wijkwacht.v1.SyncService/Push";
    r.batch = o.batch;
    PrintPhase(text, r);
    return r;
  };

  nlohmann::json out;
  out["target"] = target;
  out["in_flight"] = in_flight;
  out["channels"] = n_channels;
  out["warmup_s"] = warmup;
  out["duration_s"] = duration;
  out["seed"] = seed;
  out["mode"] = mode;
  out["auth"] = auth_mode;  // "devices" | "token" | "none"
  std::optional<PhaseResult> health, submit, push;
  if (mode == "health" || mode == "both" || mode == "all") health = run(Kind::kHealth);
  if (mode == "submit" || mode == "both" || mode == "all" || mode == "overload") {
    submit = run(Kind::kSubmit);
  }
  if (mode == "overload") {
    const int code = RunOverload(*submit, channels, corpus, tokens, seed, id_seed, text, out);
    refresher.reset();
    if (json) std::cout << out.dump() << std::endl;
    return code;
  }
  if (mode == "push" || mode == "all") push = run(Kind::kPush);
  if (refresher) out["token_refreshes"] = refresher->refreshed();
  refresher.reset();
  if (health) out["health"] = PhaseJson(*health);
  if (submit) out["submit"] = PhaseJson(*submit);
  if (push) out["push"] = PhaseJson(*push);
  if (health && submit) {
    const double ratio = health->qps > 0 ? submit->qps / health->qps : 0;
    out["ratio_submit_health_qps"] = ratio;
    // Fixed last line for scripts; two decimals unless that would round to zero.
    const int decimals = ratio >= 0.01 || ratio == 0 ? 2 : 4;
    text << absl::StrFormat("ratio submit/health qps: %.*f\n", decimals, ratio);
  }
  if (push && submit && submit->qps > 0) {
    const double ratio = push->reports_per_second / submit->qps;
    out["ratio_push_reports_submit_qps"] = ratio;
    text << absl::StrFormat("ratio push reports/s / submit qps: %.2f\n", ratio);
  }
  if (push && health && health->qps > 0) {
    const double ratio = push->reports_per_second / health->qps;
    out["ratio_push_reports_health_qps"] = ratio;
    text << absl::StrFormat("ratio push reports/s / health qps: %.2f\n", ratio);
  }
  if (json) std::cout << out.dump() << std::endl;
  const bool any_ok = (!health || health->ok > 0) && (!submit || submit->ok > 0) &&
                      (!push || push->ok > 0);
  return any_ok ? 0 : 1;
}

}  // namespace
}  // namespace wijkwacht::loadgen

int main(int argc, char** argv) { return wijkwacht::loadgen::Main(argc, argv); }
