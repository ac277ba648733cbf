// wijkwacht_alert_load: many concurrent AlertService.SubscribeAlerts streams against a local
// wijkwachtd; measures the server's memory per idle stream and publish -> delivered-to-all
// latency.
//
//   wijkwacht_alert_load --target=127.0.0.1:50071 --server_pid=$PID [--streams=10000]
//
// 1. Opens --channels channels (distinct channel args and a local subchannel pool, so each is
//    its own TCP connection; the server allows 1000 concurrent streams per connection) and
//    reads the server's VmRSS and RssAnon from /proc/<server_pid>/status.
// 2. Opens --streams SubscribeAlerts streams spread over the channels, each with a circle
//    geofence around the Breestraat (radius 500-1500 m), starting at the newest change (the
//    cursor of a warm-up alert published first), publishes a second warm-up alert and waits
//    until every stream has received it: then every stream is live and caught up.
// 3. Waits --settle seconds (idle), reads the server's memory again: (after - before) /
//    streams is the memory per idle stream (it includes the connections and everything the
//    server keeps per call).
// 4. Publishes --publishes alerts at the Breestraat, one at a time, --interval apart, and for
//    each records the time from just before PublishAlert is sent until the last stream has
//    received it (delivered to all), and each stream's own delivery time. Prints p50/p99/max.
//
// Authentication: the streams and publishes carry --token (a dispatcher's access token; a
// dispatcher may both publish and subscribe) or nothing for a server started with
// --auth=false. With authentication on, one token holds at most --max_streams_per_caller
// streams and one address --max_streams_per_address: start the server with both at 0 (no
// cap) to measure. Only a loopback --target is contacted.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/loadgen/report_gen.h"
#include "wijkwacht/v1/alert.grpc.pb.h"

ABSL_FLAG(std::string, target, "localhost:50051", "wijkwachtd address (host:port, loopback)");
ABSL_FLAG(int, streams, 10000, "concurrent SubscribeAlerts streams (1-100000)");
ABSL_FLAG(int, channels, 16,
          "channels (TCP connections) the streams are spread over; at most 1000 streams each");
ABSL_FLAG(int, server_pid, 0, "pid of the wijkwachtd to measure (0: no memory figures)");
ABSL_FLAG(int, publishes, 20, "alerts published for the latency measurement (1-1000)");
ABSL_FLAG(absl::Duration, interval, absl::Milliseconds(500), "pause between publishes");
ABSL_FLAG(absl::Duration, settle, absl::Seconds(3),
          "idle time before the memory is read after every stream is live");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(120),
          "longest wait for all streams to open, or for one alert to reach every stream");
ABSL_FLAG(std::string, token, "", "access token (dispatcher) for every call; empty: none");
ABSL_FLAG(bool, allow_remote, false, "allow a --target that is not a loopback address");

namespace wijkwacht::alertload {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr double kBreestraatLat = 52.4870;
constexpr double kBreestraatLon = 4.6578;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

// VmRSS and RssAnon of a process, in KiB (nullopt when unreadable).
struct Memory {
  int64_t rss_kib = 0;
  int64_t anon_kib = 0;
};
std::optional<Memory> ReadMemory(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  if (!in) return std::nullopt;
  Memory m;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (parts.size() < 2) continue;
    if (parts[0] == "VmRSS:") (void)absl::SimpleAtoi(parts[1], &m.rss_kib);
    if (parts[0] == "RssAnon:") (void)absl::SimpleAtoi(parts[1], &m.anon_kib);
  }
  return m;
}

// What every stream records: which alerts (by the index in their description) arrived when.
class Deliveries {
 public:
  explicit Deliveries(int streams, int alerts)
      : streams_(streams), count_(alerts), last_ns_(alerts), per_stream_ns_(alerts) {}

  void Arrived(int alert, int64_t ns) {
    std::lock_guard<std::mutex> lock(mu_);
    if (alert < 0 || alert >= static_cast<int>(count_.size())) return;
    per_stream_ns_[alert].push_back(ns);
    last_ns_[alert] = std::max(last_ns_[alert], ns);
    if (++count_[alert] == streams_) cv_.notify_all();
  }
  // Waits until `alert` reached every stream; false on timeout.
  bool WaitAll(int alert, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                        [&] { return count_[alert] >= streams_ || failed_ > 0; }) &&
           count_[alert] >= streams_;
  }
  void Failed(const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (failed_++ == 0) first_failure_ = message;
    cv_.notify_all();
  }
  int count(int alert) {
    std::lock_guard<std::mutex> lock(mu_);
    return count_[alert];
  }
  int failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }
  std::string first_failure() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_;
  }
  int64_t last_ns(int alert) {
    std::lock_guard<std::mutex> lock(mu_);
    return last_ns_[alert];
  }
  std::vector<int64_t> per_stream_ns(int alert) {
    std::lock_guard<std::mutex> lock(mu_);
    return per_stream_ns_[alert];
  }

 private:
  const int streams_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> count_;
  std::vector<int64_t> last_ns_;
  std::vector<std::vector<int64_t>> per_stream_ns_;
  int failed_ = 0;
  std::string first_failure_;
};

constexpr char kPrefix[] = "Belastingtest melding ";

// One SubscribeAlerts stream: reads until cancelled, reporting each load alert's arrival.
class Stream final : public grpc::ClientReadReactor<v1::AlertEvent> {
 public:
  Stream(v1::AlertService::Stub* stub, const std::string& token,
         const v1::SubscribeAlertsRequest& request, Deliveries* deliveries)
      : deliveries_(deliveries) {
    if (!token.empty()) context_.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    stub->async()->SubscribeAlerts(&context_, &request, this);
    StartRead(&event_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    const int64_t now = NowNs();
    absl::string_view text = event_.alert().description();
    int index;
    if (absl::ConsumePrefix(&text, kPrefix) && absl::SimpleAtoi(text, &index)) {
      deliveries_->Arrived(index, now);
    }
    StartRead(&event_);
  }
  void OnDone(const grpc::Status& status) override {
    if (!cancelled_) {
      deliveries_->Failed(absl::StrCat("stream ended: ", status.error_code(), " ",
                                       status.error_message()));
    }
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  }
  void Cancel() {
    cancelled_ = true;
    context_.TryCancel();
  }
  void WaitDone() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
  }

 private:
  grpc::ClientContext context_;
  v1::AlertEvent event_;
  Deliveries* const deliveries_;
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

// Publishes load alert `index` at the Breestraat; returns the Alert or nullopt.
std::optional<v1::Alert> Publish(v1::AlertService::Stub* stub, const std::string& token,
                                 int index, std::mt19937_64& rng) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::PublishAlertRequest request;
  const uint64_t a = rng(), b = rng();
  request.set_alert_id(absl::StrFormat("%08x-%04x-4%03x-%04x-%012x", a >> 32, (a >> 16) & 0xffff,
                                       a & 0xfff, 0x8000 | ((b >> 48) & 0x3fff),
                                       b & 0xffffffffffffull));
  request.set_type(v1::SHOPLIFTER);
  request.set_description(absl::StrCat(kPrefix, index));
  request.mutable_location()->set_latitude(kBreestraatLat);
  request.mutable_location()->set_longitude(kBreestraatLon);
  v1::Alert alert;
  grpc::Status status = stub->PublishAlert(&context, request, &alert);
  if (!status.ok()) {
    std::cerr << "PublishAlert failed: " << status.error_code() << " " << status.error_message()
              << "\n";
    return std::nullopt;
  }
  return alert;
}

std::string Ms(int64_t ns) { return absl::StrFormat("%.1f", static_cast<double>(ns) / 1e6); }

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Opens many SubscribeAlerts streams against a local wijkwachtd and measures memory per\n"
      "idle stream and publish -> delivered-to-all latency.\n"
      "  wijkwacht_alert_load --target=127.0.0.1:50071 --server_pid=PID [--streams=10000]\n"
      "                       [--channels=16] [--publishes=20] [--token=JWT]\n"
      "Publishes real alerts: point it at a throw-away --data_dir.");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "unexpected argument: " << rest[1] << "\n";
    return 64;
  }
  const std::string target = absl::GetFlag(FLAGS_target);
  const int n_streams = absl::GetFlag(FLAGS_streams);
  const int n_channels = absl::GetFlag(FLAGS_channels);
  const int publishes = absl::GetFlag(FLAGS_publishes);
  const int pid = absl::GetFlag(FLAGS_server_pid);
  const std::string token = absl::GetFlag(FLAGS_token);
  const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
  std::string bad;
  if (n_streams < 1 || n_streams > 100000) bad = "--streams must be in [1, 100000]";
  if (n_channels < 1 || n_channels > 1000) bad = "--channels must be in [1, 1000]";
  if (n_streams > n_channels * 1000) {
    bad = "more than 1000 streams per channel: the server would queue them; raise --channels";
  }
  if (publishes < 1 || publishes > 1000) bad = "--publishes must be in [1, 1000]";
  if (!loadgen::IsLoopbackTarget(target) && !absl::GetFlag(FLAGS_allow_remote)) {
    bad = absl::StrCat("--target ", target, " is not a loopback address (--allow_remote)");
  }
  if (!bad.empty()) {
    std::cerr << "wijkwacht_alert_load: " << bad << "\n";
    return 64;
  }
  // Every stream needs a socket's worth of file descriptors only per channel, but be generous.
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::AlertService::Stub>> stubs;
  for (int i = 0; i < n_channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("wijkwacht.alert_load.channel_index", i);
    args.SetMaxReceiveMessageSize(4 << 20);
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    if (!channels.back()->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(5)))) {
      std::cerr << "wijkwacht_alert_load: cannot connect to " << target << "\n";
      return 1;
    }
    stubs.push_back(v1::AlertService::NewStub(channels.back()));
  }
  // Publishes go over their own connection.
  grpc::ChannelArguments publisher_args;
  publisher_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  publisher_args.SetInt("wijkwacht.alert_load.publisher", 1);
  auto publisher = v1::AlertService::NewStub(
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), publisher_args));
  std::mt19937_64 rng(std::random_device{}());

  // Index 0 and 1 are the warm-ups; the measured alerts are 2..publishes+1.
  Deliveries deliveries(n_streams, publishes + 2);
  std::optional<v1::Alert> first = Publish(publisher.get(), token, 0, rng);
  if (!first) return 1;
  std::optional<Memory> before = pid > 0 ? ReadMemory(pid) : std::nullopt;
  if (pid > 0 && !before) {
    std::cerr << "wijkwacht_alert_load: cannot read /proc/" << pid << "/status\n";
    return 1;
  }

  // Resume after the newest change: a fresh subscriber does not replay history.
  std::string cursor;
  {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::SubscribeAlertsRequest request;
    auto* circle = request.mutable_geofence()->mutable_circle();
    circle->mutable_center()->set_latitude(kBreestraatLat);
    circle->mutable_center()->set_longitude(kBreestraatLon);
    circle->set_radius_meters(100);
    auto reader = publisher->SubscribeAlerts(&context, request);
    v1::AlertEvent event;
    while (reader->Read(&event)) {
      if (event.alert().name() == first->name()) {
        cursor = event.cursor();
        break;
      }
    }
    context.TryCancel();
    while (reader->Read(&event)) {
    }
    (void)reader->Finish();
    if (cursor.empty()) {
      std::cerr << "wijkwacht_alert_load: the warm-up alert did not arrive\n";
      return 1;
    }
  }

  const int64_t open_start = NowNs();
  std::vector<std::unique_ptr<Stream>> streams;
  streams.reserve(n_streams);
  for (int i = 0; i < n_streams; ++i) {
    v1::SubscribeAlertsRequest request;
    auto* circle = request.mutable_geofence()->mutable_circle();
    circle->mutable_center()->set_latitude(kBreestraatLat + (i % 7) * 1e-4);
    circle->mutable_center()->set_longitude(kBreestraatLon - (i % 5) * 1e-4);
    circle->set_radius_meters(500 + i % 1000);
    request.set_resume_cursor(cursor);
    streams.push_back(std::make_unique<Stream>(stubs[i % n_channels].get(), token, request,
                                               &deliveries));
  }
  if (!Publish(publisher.get(), token, 1, rng)) return 1;
  if (!deliveries.WaitAll(1, timeout)) {
    std::cerr << "wijkwacht_alert_load: only " << deliveries.count(1) << " of " << n_streams
              << " streams live after " << absl::FormatDuration(timeout)
              << (deliveries.failed() > 0 ? "; " + deliveries.first_failure() : "") << "\n";
    for (auto& s : streams) s->Cancel();
    for (auto& s : streams) s->WaitDone();
    return 1;
  }
  std::cout << absl::StrFormat("%d streams over %d channels live after %s ms\n", n_streams,
                               n_channels, Ms(NowNs() - open_start));
  absl::SleepFor(absl::GetFlag(FLAGS_settle));
  if (pid > 0) {
    std::optional<Memory> after = ReadMemory(pid);
    if (!after) return 1;
    const double per_rss = (after->rss_kib - before->rss_kib) * 1.0 / n_streams;
    const double per_anon = (after->anon_kib - before->anon_kib) * 1.0 / n_streams;
    std::cout << absl::StrFormat(
        "server memory: VmRSS %d -> %d KiB, RssAnon %d -> %d KiB\n"
        "per idle stream: %.2f KiB RSS, %.2f KiB anon (goal <= 20 KiB)\n",
        before->rss_kib, after->rss_kib, before->anon_kib, after->anon_kib, per_rss, per_anon);
  }

  std::vector<int64_t> to_all, each;
  int missed = 0;
  for (int k = 0; k < publishes; ++k) {
    const int index = k + 2;
    const int64_t sent = NowNs();
    if (!Publish(publisher.get(), token, index, rng)) return 1;
    if (!deliveries.WaitAll(index, timeout)) {
      ++missed;
      std::cerr << "alert " << index << " reached " << deliveries.count(index) << " of "
                << n_streams << " streams\n";
      if (deliveries.failed() > 0) break;
      continue;
    }
    to_all.push_back(deliveries.last_ns(index) - sent);
    for (int64_t ns : deliveries.per_stream_ns(index)) each.push_back(ns - sent);
    absl::SleepFor(absl::GetFlag(FLAGS_interval));
  }
  for (auto& s : streams) s->Cancel();
  for (auto& s : streams) s->WaitDone();
  if (deliveries.failed() > 0) {
    std::cerr << deliveries.failed() << " streams ended early; first: "
              << deliveries.first_failure() << "\n";
  }
  if (to_all.empty()) return 1;
  loadgen::LatencySummary all = loadgen::Summarize(to_all);
  loadgen::LatencySummary per = loadgen::Summarize(each);
  std::cout << absl::StrFormat(
      "publish -> delivered to all %d streams, %d alerts: p50 %s ms, p99 %s ms, max %s ms "
      "(goal p99 <= 1000 ms)\n"
      "publish -> delivered, per stream (%d deliveries): p50 %s ms, p99 %s ms, max %s ms\n",
      n_streams, all.count, Ms(all.p50), Ms(all.p99), Ms(all.max), per.count, Ms(per.p50),
      Ms(per.p99), Ms(per.max));
  return missed == 0 && deliveries.failed() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace wijkwacht::alertload

int main(int argc, char** argv) { return wijkwacht::alertload::Main(argc, argv); }
