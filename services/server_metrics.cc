#include "services/server_metrics.h"

#include <chrono>
#include <utility>
#include <vector>

#include "services/api_methods.h"

namespace wijkwacht::services {
namespace {


constexpr const char* kCodeNames[17] = {
    "OK",        "CANCELLED",         "UNKNOWN",          "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS",    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",     "UNIMPLEMENTED",    "INTERNAL",
    "UNAVAILABLE", "DATA_LOSS",       "UNAUTHENTICATED"};

constexpr char kHandled[] = "wijkwacht_grpc_server_handled_total";
constexpr char kHandledHelp[] = "gRPC calls completed, by method and status code";

class CountingReportStore final : public storage::ForwardingReportStore {
 public:
  CountingReportStore(std::unique_ptr<storage::ReportStore> inner, metrics::Counter* stored)
      : ForwardingReportStore(std::move(inner)), stored_(stored) {}

  void SubmitAsync(storage::NewReport report, SubmitDone done) override {
    inner().SubmitAsync(std::move(report),
                        [stored = stored_, done = std::move(done)](
                            absl::StatusOr<storage::SubmitOutcome> outcome) {
                          if (outcome.ok() && !outcome->replayed) stored->Increment();
                          done(std::move(outcome));
                        });
  }

 private:
  metrics::Counter* stored_;
};

}  // namespace

ServerMetrics::ServerMetrics(metrics::Registry* registry) : registry_(registry) {
  std::vector<ApiMethod> known = ApiMethods();
  for (const ApiMethod& api : known) {
    auto method = std::make_unique<Method>();
    method->path = api.path;
    method->streaming = api.client_streaming || api.server_streaming;
    if (method->streaming) {
      method->active = registry_->GetGauge("wijkwacht_streams_active",
                                           "Server streams open now, by RPC",
                                           {{"kind", api.short_name}});
    } else {
      method->latency = registry_->GetHistogram(
          "wijkwacht_grpc_server_handling_seconds",
          "Unary gRPC call latency from admission to the status being sent, seconds",
          {{"grpc_method", api.path}}, metrics::Histogram::LatencyBounds());
    }
    methods_.emplace(api.path, std::move(method));
  }
  other_.path = "other";
  reports_ = registry_->GetCounter("wijkwacht_reports_ingested_total",
                                   "Reports stored durably (replays of a stored report not counted)");
}

ServerMetrics::Method* ServerMetrics::Find(absl::string_view path) {
  auto it = methods_.find(path);
  return it == methods_.end() ? &other_ : it->second.get();
}

void ServerMetrics::CountCall(Method* method, int code) {
  if (code < 0 || code >= 17) code = grpc::StatusCode::UNKNOWN;
  metrics::Counter* counter = method->by_code[code].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // The registry returns the same series to racing creators.
    counter = registry_->GetCounter(kHandled, kHandledHelp,
                                    {{"grpc_method", method->path}, {"grpc_code", kCodeNames[code]}});
    method->by_code[code].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

void ServerMetrics::UnaryDone(absl::string_view method, int code, double seconds) {
  Method* m = Find(method);
  CountCall(m, code);
  if (m->latency != nullptr) m->latency->Observe(seconds);
}

void ServerMetrics::StreamRefused(absl::string_view method, int code) {
  CountCall(Find(method), code);
}

void ServerMetrics::StreamStarted(absl::string_view method) {
  Method* m = Find(method);
  if (m->active != nullptr) m->active->Add(1);
}

void ServerMetrics::StreamEnded(absl::string_view method, int code) {
  Method* m = Find(method);
  CountCall(m, code);
  if (m->active != nullptr) m->active->Add(-1);
}

std::unique_ptr<storage::ReportStore> ServerMetrics::CountReports(
    std::unique_ptr<storage::ReportStore> store) {
  return std::make_unique<CountingReportStore>(std::move(store), reports_);
}

void ServerMetrics::ExportStore(const storage::Engine* engine) {
  registry_->AddCollector([engine](metrics::Sink& sink) {
    sink.Gauge("wijkwacht_change_log_sequence",
               "Sequence of the newest durable change-log entry (stream cursors count up to it)",
               {}, static_cast<double>(engine->LastSequence()));
    for (const storage::Engine::ColumnFamilyStats& s : engine->Stats()) {
      const metrics::Labels labels = {
          {"cf", storage::kColumnFamilies[static_cast<size_t>(s.cf)].name}};
      sink.Gauge("wijkwacht_rocksdb_estimated_keys",
                 "RocksDB estimate of the keys in a column family", labels,
                 static_cast<double>(s.estimated_keys));
      sink.Gauge("wijkwacht_rocksdb_live_sst_bytes",
                 "Size of the live SST files of a column family, bytes", labels,
                 static_cast<double>(s.live_sst_bytes));
      sink.Gauge("wijkwacht_rocksdb_pending_compaction_bytes",
                 "RocksDB estimate of the bytes compaction still has to rewrite", labels,
                 static_cast<double>(s.pending_compaction_bytes));
    }
  });
}

ServerMetrics::NotifyCounters ServerMetrics::ExportNotifications(
    const storage::NotifyOutbox* outbox) {
  registry_->AddCollector([outbox](metrics::Sink& sink) {
    sink.Gauge("wijkwacht_notify_pending", "Notifications in the outbox, not yet taken by the webhook",
               {}, static_cast<double>(outbox->Pending()));
    sink.Gauge("wijkwacht_notify_dead_letters",
               "Notifications given up on (older than --notify_max_age), kept as dead letters", {},
               static_cast<double>(outbox->DeadLetters()));
  });
  NotifyCounters counters;
  counters.delivered = registry_->GetCounter("wijkwacht_notify_delivered_total",
                                             "Notifications the webhook answered with 2xx");
  counters.failed_attempts = registry_->GetCounter(
      "wijkwacht_notify_failed_attempts_total",
      "Webhook deliveries that failed (no answer, or not 2xx) and will be retried");
  counters.given_up = registry_->GetCounter(
      "wijkwacht_notify_given_up_total",
      "Notifications moved to the dead letters, undelivered after --notify_max_age");
  return counters;
}

}  // namespace wijkwacht::services
