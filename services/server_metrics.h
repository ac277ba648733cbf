// ServerMetrics: what wijkwachtd exports on /metrics (common/metrics.h), gathered where it
// happens and nowhere else.
//
//   wijkwacht_grpc_server_handled_total{grpc_method,grpc_code}  every call, by final status
//   wijkwacht_grpc_server_handling_seconds{grpc_method}         unary calls: admission to status
//   wijkwacht_streams_active{kind}                              open server streams per RPC
//   wijkwacht_reports_ingested_total                            reports stored (replays not)
//   wijkwacht_change_log_sequence                               newest durable change-log entry
//   wijkwacht_rocksdb_estimated_keys{cf}, _live_sst_bytes{cf}, _pending_compaction_bytes{cf}
//   wijkwacht_notify_pending, _delivered_total, _failed_attempts_total   the webhook outbox
//
// Calls are counted where the server handles them (it is the CallGate's CallObserver:
// ServeUnary, AdmitStream and LogStream report each outcome), so the gate's refusals, the
// handlers' errors and the streams of every API service are counted the same way, without a
// per-call gRPC interceptor. Health checks, reflection and methods outside the API are not
// counted (a client cannot grow the label set). Per-call cost: a hash lookup of the method (a
// table built once) and a few relaxed atomic adds.
//
// Thread safety: all methods may be called concurrently; the object must outlive the gRPC
// server and the store it wraps.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "common/metrics.h"
#include "services/call_gate.h"
#include "storage/engine.h"
#include "storage/notify_outbox.h"
#include "storage/report_store.h"

namespace wijkwacht::services {

class ServerMetrics final : public CallObserver {
 public:
  explicit ServerMetrics(metrics::Registry* registry);

  // CallObserver.
  void UnaryDone(absl::string_view method, int code, double seconds) override;
  void StreamRefused(absl::string_view method, int code) override;
  void StreamStarted(absl::string_view method) override;
  void StreamEnded(absl::string_view method, int code) override;
  // `store` with every stored (not replayed) report counted.
  [[nodiscard]] std::unique_ptr<storage::ReportStore> CountReports(
      std::unique_ptr<storage::ReportStore> store);
  // Exports the change-log position and RocksDB figures of `engine` (not owned).
  void ExportStore(const storage::Engine* engine);
  // The webhook's figures: wijkwacht_notify_pending (entries in `outbox`, read when scraped;
  // not owned), and the counters the notifier increments.
  struct NotifyCounters {
    metrics::Counter* delivered = nullptr;        // wijkwacht_notify_delivered_total
    metrics::Counter* failed_attempts = nullptr;  // wijkwacht_notify_failed_attempts_total
    metrics::Counter* given_up = nullptr;         // wijkwacht_notify_given_up_total
  };
  [[nodiscard]] NotifyCounters ExportNotifications(const storage::NotifyOutbox* outbox);

  // One RPC's series; created once, then only read (atomics inside).
  struct Method {
    std::string path;
    bool streaming = false;
    std::array<std::atomic<metrics::Counter*>, 17> by_code{};  // created on first use
    metrics::Histogram* latency = nullptr;                     // unary only
    metrics::Gauge* active = nullptr;                          // streaming only
  };
  [[nodiscard]] Method* Find(absl::string_view path);
  void CountCall(Method* method, int code);

 private:
  metrics::Registry* registry_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_;
  Method other_;
  metrics::Counter* reports_ = nullptr;
};

}  // namespace wijkwacht::services
