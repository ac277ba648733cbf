// Open-loop overload burst for wijkwacht_loadgen --mode=overload.
//
// Unlike the closed-loop phases (a fixed number of calls in flight, so the client slows down
// with the server), a burst sends SubmitReport at a fixed rate whatever the server does — the
// way many phones would — for `burst` seconds, then measures how the server came through:
// admitted (OK) and shed (RESOURCE_EXHAUSTED / UNAVAILABLE) counts, the latency of admitted
// calls, the server's peak resident memory (from /proc/<server_pid>/status when given), and
// the recovery time: from the end of the burst until `recovery_probes` back-to-back probe
// submits in a row succeed within `recovered_latency`.
//
//   BurstOptions o{.rate_per_second = 3 * capacity_qps, .burst = absl::Seconds(10), ...};
//   BurstResult r = RunBurst(o, channels, corpus, header_for_channel);
//
// Thread safety: RunBurst() blocks the calling thread; it is not reentrant.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "tools/loadgen/report_gen.h"

namespace wijkwacht::loadgen {

struct BurstOptions {
  double rate_per_second = 0;
  absl::Duration burst = absl::Seconds(10);
  absl::Duration rpc_timeout = absl::Seconds(5);
  // The client never has more calls than this outstanding (calls it could not send are
  // counted as not_sent, so the client's own limit is visible).
  int max_outstanding = 20000;
  pid_t server_pid = 0;  // 0: no memory figures
  int recovery_probes = 20;
  absl::Duration recovered_latency = absl::Milliseconds(200);
  absl::Duration recovery_limit = absl::Seconds(60);
  uint64_t content_seed = 0;
  uint64_t id_seed = 0;
};

struct BurstResult {
  uint64_t offered = 0;   // calls the schedule asked for
  uint64_t not_sent = 0;  // of those, not sent: max_outstanding was reached
  uint64_t admitted = 0;  // OK
  uint64_t shed = 0;      // RESOURCE_EXHAUSTED or UNAVAILABLE
  uint64_t deadline_exceeded = 0;
  uint64_t other_errors = 0;
  std::map<std::string, uint64_t> errors_by_code;
  std::map<std::string, std::string> first_error_message;
  LatencySummary admitted_latency;  // ns
  LatencySummary shed_latency;      // ns: how fast a refusal comes back
  double seconds = 0;               // burst length actually run
  int64_t rss_before_bytes = -1;    // -1: unknown
  int64_t rss_peak_bytes = -1;      // highest VmRSS sampled during burst and recovery
  int64_t rss_after_bytes = -1;     // after recovery
  double drain_seconds = -1;        // end of burst until every burst call had completed
  double recovery_seconds = -1;     // -1: did not recover within recovery_limit
};

// `authorization(channel)` is the value of the authorization header for a call on that
// channel ("" for none).
BurstResult RunBurst(const BurstOptions& options,
                     const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                     std::shared_ptr<const ReportCorpus> corpus,
                     const std::function<std::string(size_t channel)>& authorization);

// VmRSS of a process in bytes, or -1.
int64_t ResidentBytes(pid_t pid);

}  // namespace wijkwacht::loadgen
