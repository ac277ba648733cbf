// wijkwacht_map_bench: the safety-map feed's figures, measured in one run on one machine.
//
//   1. GetAggregates over every buurt of Beverwijk (--gemeente; its buurt codes from
//      ListAreas) x all themes x 26 weeks (period WEEK), with
//      the counters of --reports reports stored (default 1 M), against a bare health check
//      in the same run. The counters are staged through storage::StageReportCounts, the code
//      the report write uses; the reports themselves are not written, since no map query
//      ever reads them (the query cost depends on the counter keys only).
//   2. Ingest throughput (closed loop, --writers blocking SubmitReport callers) with no
//      StreamAggregates subscriber and with --subscribers attached.
//   3. Submit -> update latency: reports sent open-loop at --rate per second while the
//      subscribers listen; for each acknowledged report, the time until a stream message
//      shows its cell's report count reaching it (updates carry absolute counts, so the n-th
//      acknowledged report of a cell is seen once that cell's count reaches baseline + n).
//
// The server runs in-process on 127.0.0.1 (port 0), authentication off (every caller is
// trusted, so counts are exact), with a fresh RocksDB under --data_dir (default: a new
// temporary folder, removed afterwards). Output: text on stderr, one JSON line on stdout.
//
// With --target=host:port it measures a running wijkwachtd instead (started with
// --auth=false, e.g. by tools/bench/scale.sh on a store loaded through the write path):
// nothing is seeded and phase 1 queries what that store holds. --rate_of_capacity=0.8 paces
// phase 3 at that fraction of the rate phase 2 measured without subscribers.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <future>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "domain/geo/area_index.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "s2/s2cell_id.h"
#include "s2/s2latlng.h"
#include "services/server.h"
#include "storage/aggregate_store.h"
#include "storage/engine.h"
#include "tools/loadgen/report_gen.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"

ABSL_FLAG(int64_t, reports, 1000000, "reports whose counters are stored before the query phase");
ABSL_FLAG(int, weeks, 26, "weeks the stored reports and the query span");
ABSL_FLAG(int, queries, 30, "GetAggregates calls measured");
ABSL_FLAG(int, writers, 32, "blocking SubmitReport callers in the throughput phases");
ABSL_FLAG(int, subscribers, 50, "StreamAggregates subscribers attached in phases 2b and 3");
ABSL_FLAG(double, rate, 300, "reports per second sent open-loop in the latency phase");
ABSL_FLAG(double, rate_of_capacity, 0,
          "when > 0, the latency phase sends this fraction of the ingest rate measured without "
          "subscribers instead of --rate (e.g. 0.8)");
ABSL_FLAG(std::string, target, "",
          "measure a running wijkwachtd (host:port, started with --auth=false) instead of an "
          "in-process server: nothing is seeded, the store is what it holds");
ABSL_FLAG(std::string, gemeente, "GM0375", "the query selects this gemeente's buurten");
ABSL_FLAG(int, duration, 10, "seconds per ingest phase");
ABSL_FLAG(int, stream_interval_ms, 100, "the server's map_stream_min_interval");
ABSL_FLAG(std::string, data_dir, "", "RocksDB folder (default: a new temporary folder)");
ABSL_FLAG(uint64_t, seed, 7, "seed of the synthetic counters and reports");

namespace wijkwacht::tools {
namespace {

using google::protobuf::util::TimeUtil;
using Clock = std::chrono::steady_clock;

google::protobuf::Timestamp Ts(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

double Ms(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

std::string Describe(const loadgen::LatencySummary& s) {
  return absl::StrFormat("n %d  p50 %.2f ms  p99 %.2f ms  max %.2f ms", s.count, Ms(s.p50),
                         Ms(s.p99), Ms(s.max));
}

nlohmann::json Json(const loadgen::LatencySummary& s) {
  return {{"count", s.count}, {"p50_ms", Ms(s.p50)}, {"p99_ms", Ms(s.p99)}, {"max_ms", Ms(s.max)}};
}

// Phase 1a: the counters of `reports` reports spread over the buurten of GM0375, five themes
// and `weeks` weeks, staged in batches through the report write's own counter code.
absl::Status SeedCounters(const std::string& data_dir, const geo::AreaIndex& areas,
                          int64_t reports, int weeks, uint64_t seed) {
  std::vector<const geo::Area*> buurten;
  for (const geo::Area& a : areas.areas()) {
    if (a.level == geo::AreaLevel::kBuurt && a.gemeente_code == "GM0375") buurten.push_back(&a);
  }
  if (buurten.empty()) return absl::NotFoundError("no buurten of GM0375 in the area data");
  storage::EngineOptions options;
  options.data_dir = data_dir;
  options.sync_writes = false;
  absl::StatusOr<std::unique_ptr<storage::Engine>> engine = storage::Engine::Open(options);
  if (!engine.ok()) return engine.status();
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> jitter(0, 0.001);
  const absl::Time end = absl::Now();
  const int64_t span_seconds = int64_t{weeks} * 7 * 86400;
  constexpr int64_t kBatch = 5000;
  for (int64_t done = 0; done < reports; done += kBatch) {
    const int64_t n = std::min(kBatch, reports - done);
    absl::Status s = (*engine)->CommitAndWait([&](storage::WriteContext& ctx) {
      for (int64_t i = 0; i < n; ++i) {
        const geo::Area& b = *buurten[rng() % buurten.size()];
        const std::vector<std::string> codes = {b.gemeente_code, b.parent_code, b.code};
        const uint64_t leaf = S2CellId(S2LatLng::FromDegrees(b.centroid_lat + jitter(rng),
                                                             b.centroid_lon + jitter(rng)))
                                  .id();
        const int theme = 1 + static_cast<int>(rng() % 5);
        const absl::Time observed =
            end - absl::Seconds(static_cast<int64_t>(rng() % static_cast<uint64_t>(span_seconds)));
        storage::StageReportCounts(
            ctx, codes, theme, observed, leaf,
            storage::NewReportCount{absl::StrCat("bench-", done + i), 0, 0,
                                    rng() % 10 < 4});
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  (*engine)->Shutdown();
  return absl::OkStatus();
}

// The codes of `gemeente`'s buurten (BU + its four digits + four), from ListAreas.
absl::StatusOr<std::vector<std::string>> BuurtenOf(const std::shared_ptr<grpc::Channel>& channel,
                                                   const std::string& gemeente) {
  auto map = v1::MapService::NewStub(channel);
  v1::ListAreasRequest request;
  request.set_level(v1::BUURT);
  request.set_page_size(1000);
  std::vector<std::string> codes;
  while (true) {
    grpc::ClientContext context;
    v1::ListAreasResponse response;
    grpc::Status status = map->ListAreas(&context, request, &response);
    if (!status.ok()) return absl::UnavailableError(absl::StrCat("ListAreas: ", status.error_message()));
    for (const v1::Area& a : response.areas()) {
      if (a.code().rfind(absl::StrCat("BU", gemeente.substr(2)), 0) == 0) codes.push_back(a.code());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (codes.empty()) return absl::NotFoundError(absl::StrCat("no buurten of ", gemeente));
  return codes;
}

v1::AggregateSelection AllBuurtenWeeks(int weeks, const std::vector<std::string>& buurten) {
  v1::AggregateSelection s;
  s.set_level(v1::BUURT);
  for (const std::string& code : buurten) s.add_area_codes(code);
  s.set_period(v1::WEEK);
  *s.mutable_start_time() = Ts(absl::Now() - absl::Hours(24 * 7 * weeks));
  *s.mutable_end_time() = Ts(absl::Now() + absl::Hours(1));
  return s;
}

// Phase 1b.
nlohmann::json MeasureQueries(const std::shared_ptr<grpc::Channel>& channel, int queries,
                              int weeks, const std::vector<std::string>& buurten) {
  auto map = v1::MapService::NewStub(channel);
  grpc::GenericStub health(channel);
  grpc::Slice empty("", 0);
  const grpc::ByteBuffer health_request(&empty, 1);
  std::vector<int64_t> query_ns, health_ns;
  int cells = 0;
  for (int i = 0; i < queries; ++i) {
    {
      grpc::ClientContext context;
      grpc::ByteBuffer response;
      std::promise<void> done;
      const auto start = Clock::now();
      health.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                       &health_request, &response, [&done](grpc::Status) { done.set_value(); });
      done.get_future().wait();
      health_ns.push_back((Clock::now() - start).count());
    }
    grpc::ClientContext context;
    v1::GetAggregatesRequest request;
    *request.mutable_selection() = AllBuurtenWeeks(weeks, buurten);
    v1::GetAggregatesResponse response;
    const auto start = Clock::now();
    grpc::Status status = map->GetAggregates(&context, request, &response);
    query_ns.push_back((Clock::now() - start).count());
    if (!status.ok()) {
      std::fprintf(stderr, "GetAggregates failed: %s\n", status.error_message().c_str());
      return {{"error", status.error_message()}};
    }
    cells = response.cells_size();
  }
  const loadgen::LatencySummary q = loadgen::Summarize(query_ns);
  const loadgen::LatencySummary h = loadgen::Summarize(health_ns);
  std::fprintf(stderr, "GetAggregates (%zu buurten x themes x %d weeks, %d cells): %s\n",
               buurten.size(), weeks, cells, Describe(q).c_str());
  std::fprintf(stderr, "health check (baseline):                              %s\n",
               Describe(h).c_str());
  std::fprintf(stderr, "ratio p50 query/health: %.1f\n",
               static_cast<double>(q.p50) / std::max<int64_t>(1, h.p50));
  return {{"get_aggregates", Json(q)}, {"health", Json(h)}, {"cells", cells},
          {"buurten", buurten.size()}};
}

// The probe's cell key: theme and civil-day start of a report, as the stream reports them.
using CellKey = std::pair<int, int64_t>;

CellKey KeyOf(int theme, absl::Time observed) {
  const absl::CivilDay day = storage::MapDay(observed);
  return {theme, absl::ToUnixSeconds(absl::FromCivil(day, storage::MapTimeZone()))};
}

// Acknowledged reports per cell and how far the stream has shown each cell.
class DeltaProbe {
 public:
  void Baseline(const v1::AggregateUpdate& update) { Observe(update, /*measure=*/false); }
  void Acked(CellKey key, Clock::time_point at) {
    std::lock_guard<std::mutex> lock(mu_);
    Cell& c = cells_[key];
    c.acks.push_back(at);
    Drain(c, at);
  }
  void Observe(const v1::AggregateUpdate& update, bool measure = true) {
    const Clock::time_point now = Clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    for (const v1::AggregateCell& cell : update.cells()) {
      Cell& c = cells_[{cell.theme(), cell.period_start().seconds()}];
      if (!measure) {
        c.baseline = cell.report_count();
        c.shown = cell.report_count();
        continue;
      }
      c.shown = std::max(c.shown, cell.report_count());
      Drain(c, now);
    }
  }
  std::vector<int64_t> TakeLatencies() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(latencies_);
  }
  int64_t Unseen() {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t n = 0;
    for (auto& [key, c] : cells_) n += static_cast<int64_t>(c.acks.size()) - c.seen;
    return n;
  }

 private:
  struct Cell {
    int64_t baseline = 0;
    int64_t shown = 0;
    int64_t seen = 0;  // acks already matched
    std::vector<Clock::time_point> acks;
  };
  // Matches acks the shown count covers; an update that came before the ack counts as 0.
  void Drain(Cell& c, Clock::time_point now) {
    while (c.seen < static_cast<int64_t>(c.acks.size()) && c.baseline + c.seen < c.shown) {
      latencies_.push_back(std::max<int64_t>(0, (now - c.acks[c.seen]).count()));
      ++c.seen;
    }
  }
  std::mutex mu_;
  std::map<CellKey, Cell> cells_;
  std::vector<int64_t> latencies_;
};

class Subscribers {
 public:
  Subscribers(const std::shared_ptr<grpc::Channel>& channel, int count, DeltaProbe* probe) {
    for (int i = 0; i < count; ++i) {
      contexts_.push_back(std::make_unique<grpc::ClientContext>());
    }
    std::atomic<int> ready{0};
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this, channel, i, probe, &ready] {
        auto map = v1::MapService::NewStub(channel);
        v1::StreamAggregatesRequest request;
        v1::AggregateSelection& s = *request.mutable_selection();
        s.set_level(v1::GEMEENTE);
        s.add_area_codes("GM0375");
        s.set_period(v1::DAY);
        *s.mutable_start_time() = Ts(absl::Now() - absl::Hours(24 * 31));
        *s.mutable_end_time() = Ts(absl::Now() + absl::Hours(24));
        auto reader = map->StreamAggregates(contexts_[i].get(), request);
        v1::AggregateUpdate update;
        bool first = true;
        while (reader->Read(&update)) {
          messages_.fetch_add(1, std::memory_order_relaxed);
          if (i == 0 && probe != nullptr) {
            if (update.snapshot()) {
              probe->Baseline(update);
            } else {
              probe->Observe(update);
            }
          }
          if (first) {
            first = false;
            ready.fetch_add(1);
          }
        }
        (void)reader->Finish();
      });
    }
    while (ready.load() < count) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~Subscribers() {
    for (auto& c : contexts_) c->TryCancel();
    for (std::thread& t : threads_) t.join();
  }
  int64_t messages() const { return messages_.load(); }

 private:
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_;
  std::vector<std::thread> threads_;
  std::atomic<int64_t> messages_{0};
};

struct IngestResult {
  int64_t ok = 0;
  int64_t errors = 0;
  double qps = 0;
  std::vector<int64_t> latencies;
};

// Sends reports for `seconds`: closed loop with `writers` callers when rate <= 0, otherwise
// paced at `rate` per second in total. Every acknowledged report is passed to `probe`.
IngestResult Ingest(const std::shared_ptr<grpc::Channel>& channel,
                    const std::shared_ptr<const loadgen::ReportCorpus>& corpus, int writers,
                    double rate, int seconds, uint64_t seed, DeltaProbe* probe) {
  IngestResult result;
  std::mutex mu;
  const Clock::time_point start = Clock::now();
  const Clock::time_point stop = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      auto reports = v1::ReportService::NewStub(channel);
      loadgen::ReportGenerator generator(corpus, seed * 1000 + w, seed * 7919 + w + 1);
      const std::chrono::nanoseconds gap(rate > 0 ? static_cast<int64_t>(1e9 * writers / rate) : 0);
      Clock::time_point next = start + gap * w / writers;
      std::vector<int64_t> latencies;
      int64_t ok = 0, errors = 0;
      while (true) {
        if (rate > 0) {
          std::this_thread::sleep_until(next);
          next += gap;
        }
        if (Clock::now() >= stop) break;
        v1::SubmitReportRequest request;
        generator.Fill(absl::Now(), request.mutable_report());
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        v1::Report out;
        const Clock::time_point sent = Clock::now();
        grpc::Status status = reports->SubmitReport(&context, request, &out);
        const Clock::time_point acked = Clock::now();
        if (!status.ok()) {
          ++errors;
          continue;
        }
        ++ok;
        latencies.push_back((acked - sent).count());
        if (probe != nullptr) {
          probe->Acked(KeyOf(out.theme(), absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(
                                               out.observed_time()))),
                       acked);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      result.ok += ok;
      result.errors += errors;
      result.latencies.insert(result.latencies.end(), latencies.begin(), latencies.end());
    });
  }
  for (std::thread& t : threads) t.join();
  result.qps = static_cast<double>(result.ok) /
               std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

int Run() {
  const int weeks = absl::GetFlag(FLAGS_weeks);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const bool temporary = data_dir.empty();
  if (temporary) {
    data_dir = (std::filesystem::temp_directory_path() /
                absl::StrCat("wijkwacht-map-bench-", getpid()))
                   .string();
  }
  services::ServerOptions options = services::DefaultServerOptions(WIJKWACHT_DATA_DIR);
  options.theme_model_path = WIJKWACHT_THEME_MODEL;
  options.data_dir = data_dir;
  options.listen = "127.0.0.1:0";
  options.auth_enabled = false;
  options.http_listen = "";
  options.peer_writes_per_second = 1e9;
  options.peer_write_burst = 1e9;
  options.max_concurrent_streams = 10000;
  options.map_stream_min_interval =
      std::chrono::milliseconds(absl::GetFlag(FLAGS_stream_interval_ms));

  geo::AreaIndexOptions area_options;
  area_options.area_paths = options.area_paths;
  area_options.focus_areas_path = options.focus_areas_path;
  absl::StatusOr<std::unique_ptr<geo::AreaIndex>> areas = geo::AreaIndex::Load(area_options);
  if (!areas.ok()) {
    std::fprintf(stderr, "areas: %s\n", areas.status().ToString().c_str());
    return 1;
  }
  const int64_t reports = absl::GetFlag(FLAGS_reports);
  std::string target = absl::GetFlag(FLAGS_target);
  absl::StatusOr<std::unique_ptr<services::WijkwachtServer>> server;
  if (target.empty()) {
    std::fprintf(stderr, "staging the counters of %lld reports over %d weeks...\n",
                 static_cast<long long>(reports), weeks);
    const absl::Time seed_start = absl::Now();
    if (absl::Status s = SeedCounters(data_dir, **areas, reports, weeks, seed); !s.ok()) {
      std::fprintf(stderr, "seeding: %s\n", s.ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "staged in %.1f s\n", absl::ToDoubleSeconds(absl::Now() - seed_start));
    server = services::WijkwachtServer::Start(options);
    if (!server.ok()) {
      std::fprintf(stderr, "server: %s\n", server.status().ToString().c_str());
      return 1;
    }
    target = absl::StrCat("127.0.0.1:", (*server)->port());
  }
  auto channel_for = [&](int n) {
    grpc::ChannelArguments args;
    args.SetInt("wijkwacht.bench.channel", n);  // its own connection
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  };
  nlohmann::json out;
  if (absl::GetFlag(FLAGS_target).empty()) out["reports_stored"] = reports;
  absl::StatusOr<std::vector<std::string>> buurten =
      BuurtenOf(channel_for(0), absl::GetFlag(FLAGS_gemeente));
  if (!buurten.ok()) {
    std::fprintf(stderr, "%s\n", buurten.status().ToString().c_str());
    return 1;
  }
  out["query"] = MeasureQueries(channel_for(0), absl::GetFlag(FLAGS_queries), weeks, *buurten);

  std::vector<v1::Category> categories;
  {
    auto stub = v1::ReportService::NewStub(channel_for(0));
    grpc::ClientContext context;
    v1::ListCategoriesResponse response;
    grpc::Status status = stub->ListCategories(&context, v1::ListCategoriesRequest(), &response);
    if (!status.ok()) {
      std::fprintf(stderr, "ListCategories: %s\n", status.error_message().c_str());
      return 1;
    }
    categories.assign(response.categories().begin(), response.categories().end());
  }
  auto corpus = std::make_shared<const loadgen::ReportCorpus>(categories);
  const int writers = absl::GetFlag(FLAGS_writers);
  const int seconds = absl::GetFlag(FLAGS_duration);
  const int subscribers = absl::GetFlag(FLAGS_subscribers);

  IngestResult alone = Ingest(channel_for(1), corpus, writers, 0, seconds, seed + 1, nullptr);
  std::fprintf(stderr, "ingest, no subscribers:  %.0f reports/s (%lld errors), %s\n", alone.qps,
               static_cast<long long>(alone.errors), Describe(loadgen::Summarize(alone.latencies)).c_str());
  double with_qps = 0;
  {
    Subscribers attached(channel_for(2), subscribers, nullptr);
    IngestResult with = Ingest(channel_for(1), corpus, writers, 0, seconds, seed + 2, nullptr);
    with_qps = with.qps;
    std::fprintf(stderr, "ingest, %d subscribers: %.0f reports/s (%lld errors), %s; %lld stream messages\n",
                 subscribers, with.qps, static_cast<long long>(with.errors),
                 Describe(loadgen::Summarize(with.latencies)).c_str(),
                 static_cast<long long>(attached.messages()));
    out["ingest_with_subscribers"] = {{"subscribers", subscribers}, {"qps", with.qps},
                                      {"errors", with.errors}};
  }
  out["ingest_alone"] = {{"qps", alone.qps}, {"errors", alone.errors}};
  std::fprintf(stderr, "ratio with/without subscribers: %.2f\n", with_qps / std::max(1.0, alone.qps));

  DeltaProbe probe;
  {
    Subscribers attached(channel_for(2), subscribers, &probe);
    const double rate = absl::GetFlag(FLAGS_rate_of_capacity) > 0
                            ? absl::GetFlag(FLAGS_rate_of_capacity) * alone.qps
                            : absl::GetFlag(FLAGS_rate);
    IngestResult paced = Ingest(channel_for(1), corpus, writers, rate, seconds, seed + 3, &probe);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // let the last updates arrive
    std::vector<int64_t> deltas = probe.TakeLatencies();
    const loadgen::LatencySummary d = loadgen::Summarize(deltas);
    const loadgen::LatencySummary s = loadgen::Summarize(paced.latencies);
    std::fprintf(stderr,
                 "paced at %.0f/s (achieved %.0f/s), %d subscribers, stream interval %d ms:\n"
                 "  submit ack:          %s\n  ack -> stream update: %s (%lld never seen)\n",
                 rate, paced.qps, subscribers, absl::GetFlag(FLAGS_stream_interval_ms),
                 Describe(s).c_str(), Describe(d).c_str(),
                 static_cast<long long>(probe.Unseen()));
    out["delta"] = {{"rate", rate},        {"achieved", paced.qps},
                    {"submit", Json(s)},   {"ack_to_update", Json(d)},
                    {"unseen", probe.Unseen()}, {"stream_interval_ms", absl::GetFlag(FLAGS_stream_interval_ms)}};
  }
  if (server.ok() && *server != nullptr) {
    (*server)->Shutdown(absl::Seconds(5));
    (*server)->Wait();
    if (temporary) std::filesystem::remove_all(data_dir);
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace wijkwacht::tools

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return wijkwacht::tools::Run();
}
