#include "tools/loadgen/overload.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "wijkwacht/v1/report.grpc.pb.h"

namespace wijkwacht::loadgen {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t Nanos(SteadyClock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

// Samples a process's VmRSS on its own thread and keeps the peak.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid) : pid_(pid) {
    if (pid_ > 0) thread_ = std::thread([this] { Loop(); });
  }
  ~RssSampler() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  int64_t peak() {
    std::lock_guard<std::mutex> lock(mu_);
    return peak_;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    do {
      lock.unlock();
      const int64_t rss = ResidentBytes(pid_);
      lock.lock();
      peak_ = std::max(peak_, rss);
    } while (!cv_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stop_; }));
  }

  const pid_t pid_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int64_t peak_ = -1;
  std::thread thread_;
};

struct Call {
  grpc::ClientContext context;
  v1::SubmitReportRequest request;
  v1::Report response;
  SteadyClock::time_point sent;
};

class Burst {
 public:
  Burst(const BurstOptions& options, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
        std::shared_ptr<const ReportCorpus> corpus,
        const std::function<std::string(size_t)>& authorization)
      : options_(options),
        authorization_(authorization),
        generator_(std::move(corpus), options.content_seed, options.id_seed) {
    for (const auto& channel : channels) stubs_.push_back(v1::ReportService::NewStub(channel));
  }

  BurstResult Run() {
    BurstResult r;
    r.rss_before_bytes = ResidentBytes(options_.server_pid);
    RssSampler rss(options_.server_pid);
    const auto start = SteadyClock::now();
    const auto end = start + absl::ToChronoNanoseconds(options_.burst);
    uint64_t next_channel = 0;
    for (auto now = start; now < end; now = SteadyClock::now()) {
      const auto due = static_cast<uint64_t>(Seconds(now - start) * options_.rate_per_second);
      while (r.offered < due) {
        ++r.offered;
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (outstanding_ >= options_.max_outstanding) {
            ++r.not_sent;
            continue;
          }
          ++outstanding_;
        }
        Issue(next_channel++ % stubs_.size());
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    const auto burst_end = SteadyClock::now();
    r.seconds = Seconds(burst_end - start);
    r.recovery_seconds = Probe(burst_end);
    {
      std::unique_lock<std::mutex> lock(mu_);
      done_cv_.wait(lock, [this] { return outstanding_ == 0; });
      r.drain_seconds = std::max(0.0, Seconds(last_completion_ - burst_end));
    }
    rss.Stop();
    r.rss_peak_bytes = rss.peak();
    r.rss_after_bytes = ResidentBytes(options_.server_pid);
    Collect(r);
    return r;
  }

 private:
  void Issue(size_t channel) {
    auto* call = new Call;
    generator_.Fill(absl::Now(), call->request.mutable_report());
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.rpc_timeout));
    if (std::string header = authorization_(channel); !header.empty()) {
      call->context.AddMetadata("authorization", header);
    }
    call->sent = SteadyClock::now();
    stubs_[channel]->async()->SubmitReport(&call->context, &call->request, &call->response,
                                           [this, call](grpc::Status status) {
                                             Done(call, status);
                                           });
  }

  void Done(Call* call, const grpc::Status& status) {
    const auto now = SteadyClock::now();
    std::lock_guard<std::mutex> lock(mu_);
    samples_.push_back({Nanos(now - call->sent), status.error_code()});
    if (!status.ok()) first_error_.try_emplace(status.error_code(), status.error_message());
    last_completion_ = std::max(last_completion_, now);
    delete call;
    if (--outstanding_ == 0) done_cv_.notify_all();
  }

  // Seconds from `burst_end` until the first of `recovery_probes` good probes in a row, or -1.
  double Probe(SteadyClock::time_point burst_end) {
    const auto limit = burst_end + absl::ToChronoNanoseconds(options_.recovery_limit);
    const auto good_latency = absl::ToChronoNanoseconds(options_.recovered_latency);
    int in_a_row = 0;
    SteadyClock::time_point first_good;
    while (SteadyClock::now() < limit) {
      Call call;
      generator_.Fill(absl::Now(), call.request.mutable_report());
      call.context.set_deadline(absl::ToChronoTime(absl::Now() + options_.rpc_timeout));
      if (std::string header = authorization_(0); !header.empty()) {
        call.context.AddMetadata("authorization", header);
      }
      const auto sent = SteadyClock::now();
      grpc::Status status = stubs_[0]->SubmitReport(&call.context, call.request, &call.response);
      const auto latency = SteadyClock::now() - sent;
      if (status.ok() && latency <= good_latency) {
        if (in_a_row++ == 0) first_good = sent;
        if (in_a_row == options_.recovery_probes) return Seconds(first_good - burst_end);
      } else {
        in_a_row = 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    return -1;
  }

  void Collect(BurstResult& r) {
    std::vector<int64_t> admitted, shed;
    for (const auto& [latency, code] : samples_) {
      const std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
      switch (code) {
        case grpc::StatusCode::OK:
          ++r.admitted;
          admitted.push_back(latency);
          continue;
        case grpc::StatusCode::RESOURCE_EXHAUSTED:
        case grpc::StatusCode::UNAVAILABLE:
          ++r.shed;
          shed.push_back(latency);
          break;
        case grpc::StatusCode::DEADLINE_EXCEEDED:
          ++r.deadline_exceeded;
          break;
        default:
          ++r.other_errors;
      }
      ++r.errors_by_code[name];
    }
    for (const auto& [code, message] : first_error_) {
      r.first_error_message[absl::StatusCodeToString(static_cast<absl::StatusCode>(code))] =
          message;
    }
    r.admitted_latency = Summarize(admitted);
    r.shed_latency = Summarize(shed);
  }

  const BurstOptions options_;
  const std::function<std::string(size_t)> authorization_;
  ReportGenerator generator_;  // the calling thread only
  std::vector<std::unique_ptr<v1::ReportService::Stub>> stubs_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  int outstanding_ = 0;
  SteadyClock::time_point last_completion_;
  std::vector<std::pair<int64_t, grpc::StatusCode>> samples_;
  std::map<grpc::StatusCode, std::string> first_error_;
};

}  // namespace

int64_t ResidentBytes(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmRSS:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, " kB");
    int64_t kb = 0;
    return absl::SimpleAtoi(rest, &kb) ? kb * 1024 : -1;
  }
  return -1;
}

BurstResult RunBurst(const BurstOptions& options,
                     const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                     std::shared_ptr<const ReportCorpus> corpus,
                     const std::function<std::string(size_t channel)>& authorization) {
  return Burst(options, channels, std::move(corpus), authorization).Run();
}

}  // namespace wijkwacht::loadgen
