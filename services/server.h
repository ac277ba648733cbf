// WijkwachtServer: loads the areas and categories, opens the store and serves every v1
// service over gRPC (callback API) with health checking and server reflection.
//
//   ServerOptions options;              // defaults: the embedded configuration
//   options.listen = "127.0.0.1:0";     // port 0: pick a free port (see port())
//   auto server = WijkwachtServer::Start(options);
//   ...
//   (*server)->Shutdown(absl::Seconds(5));  // in-flight calls finish, then the store closes
//
// Thread safety: Shutdown() and Wait() may be called from any thread, once each.
// Start() errors: whatever loading areas (NOT_FOUND / INVALID_ARGUMENT), categories or the
// data dir (FAILED_PRECONDITION / UNAVAILABLE / DATA_LOSS) returned; UNAVAILABLE when the
// listen address cannot be bound.
#pragma once

#include <chrono>
#include <cstdint>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/classify/theme_classifier.h"
#include "domain/dedup/incident_matcher.h"
#include "domain/trend/rise_detector.h"
#include "domain/report/ingest.h"
#include "services/stream_registry.h"
#include "services/webhook_notifier.h"
#include "storage/engine.h"
#include "storage/retention.h"

namespace wijkwacht::services {

// Every setting of the server, one member each. The member initialisers ARE the defaults of
// wijkwachtd's flags (cmd/wijkwachtd/flags.cc defines each flag from them; deploy/README.md
// documents them and tests/server_options_test.cc checks that it does so truly); only the
// paths into the source and build trees are the binary's (UseShippedData). Checked once, by
// ValidateServerOptions (Start calls it first); errors name the flag.
struct ServerOptions {
  std::string listen = "localhost:50051";
  std::string data_dir = "wijkwacht-data";
  // GeoJSON files or directories (CBS wijk- en buurtkaart); see geo::AreaIndexOptions.
  std::vector<std::string> area_paths;
  std::string focus_areas_path;
  std::string categories_dir;
  // The theme classifier (fastText model with "<model>.calibration.json" beside it); empty:
  // themes come from the category's theme hint, unscored.
  std::string theme_model_path;
  // The model whose sentence vectors the incident matcher compares (domain/dedup), kept apart
  // from the theme model so that retraining that one (more writers, dispatch corrections)
  // does not move incident decisions or make the vectors stored in open incidents
  // incomparable with new reports'. Empty: the theme model's. wijkwachtd's default is the
  // built models/match_vectors.bin (domain/classify/CMakeLists.txt).
  std::string match_model_path;
  // The event lexicon (data/lexicon/README.md), installed process-wide at start
  // (lexicon::InstallLexicon) by wijkwachtd; the shipped one by default (UseShippedData).
  std::string event_lexicon_path;
  double review_threshold = classify::ClassifierOptions{}.review_threshold;
  report::IngestLimits limits;
  // Grouping of reports into incidents (radius, time window per theme, threshold).
  dedup::DedupOptions dedup;
  // MapService: counts below this are withheld from callers without a staff role.
  int map_suppression_k = 5;
  // MapService: per theme, a higher threshold for callers without a staff role, or "hidden"
  // (the theme is left off the public map): "THEME=K|hidden", comma-separated, "" = none.
  // Ondermijning reports name addresses and people, so by default they need twice k.
  std::string map_theme_k = "SUBVERSION=10";
  // MapService: a device counts towards k on the public map once it is this old, so that
  // devices minted to top a withheld cell up to k do not (privacy/small_counts.h).
  // PollService: a device may answer a poll once it is this old (services/poll_service.h).
  absl::Duration map_established_device_age = absl::Hours(72);
  // PollService: respondents an area needs before any figure of it is shown (every caller).
  int poll_min_respondents = 10;
  // MapService: the finest heatmap cell level (S2) served to callers without a staff role
  // (14: cells of about 600 m; 0: no heatmap cells for them).
  int map_public_max_cell_level = 14;
  // Map counts of the last this many days (from the server's start) are also kept in memory
  // (storage::AggregateStore::OpenWithMemory); older periods are read from RocksDB.
  int map_memory_days = 400;
  // StreamAggregates sends at most one update per this interval to a subscriber.
  std::chrono::milliseconds map_stream_min_interval{1000};
  // ... and at most one per this interval to a caller without a staff role (public updates
  // come in batches, so that none time-stamps a single report).
  std::chrono::milliseconds map_public_stream_interval{std::chrono::minutes(60)};
  // The HTTP side (web/http_server.h): the map page and /healthz on their own port,
  // host:port (port 0 = any, see http_port()); empty: not served (DefaultServerOptions). The page's files come from
  // `http_assets_dir`; `map_tile_url` ({z}/{x}/{y}) puts tiles under the polygons.
  std::string http_listen = "localhost:8080";
  std::string http_assets_dir;
  std::string map_tile_url;
  // Benchmark ceiling only: SubmitReport runs the whole pipeline (validation, area, theme,
  // text vector, the dedup decision in memory) but stores nothing (PipelineOnlyStore).
  bool pipeline_only = false;
  // Per-call counters and unary latency histograms on /metrics (counted where calls are served).
  // /healthz and /metrics on a listener of their own (host:port, port 0 = any, see
  // ops_http_port()), served by the HTTP side (so only with http_listen); empty: none.
  // /metrics is served only there, never on http_listen.
  std::string ops_http_listen;
  // Map page event streams (SSE) one client address may hold, and in all.
  int http_event_streams_per_address = 4;
  // HTTP connections one client address (IPv6: /64) may hold at once, trusted proxies
  // excepted, and how long a request's line, headers and body may take to arrive
  // (web/guarded_http_server.h: the slow-header defence).
  int http_connections_per_address = 64;
  absl::Duration http_request_deadline = absl::Seconds(10);
  int http_max_event_streams = 64;        // anonymous (the map page's)
  int http_max_token_event_streams = 64;  // with a token (devices, staff), a budget apart
  // Plain-HTTP development only: the Login answer's known-device cookie without Secure (and
  // so without the __Host- prefix), which a browser keeps from an http:// origin. Off: the
  // cookie is "__Host-wijkwacht_known_device", Secure, for a site served over HTTPS (a TLS
  // proxy in front of http_listen, or localhost, which browsers treat as secure).
  bool http_dev_plain_cookies = false;
  bool rpc_metrics = true;
  // The gemeente whose wijken the half-year progress report covers.
  std::string report_gemeente_code = "GM0375";
  // Early warning test per area x theme (comparisons is set from the number of areas).
  trend::RiseDetectorOptions early_warning;
  int max_receive_message_bytes = 4 << 20;
  // Clients may ping at most this often; faster pings get the connection closed.
  absl::Duration keepalive_min_time = absl::Seconds(10);
  // Server-side keepalive ping interval on idle connections.
  absl::Duration keepalive_time = absl::Minutes(1);
  int max_concurrent_streams = 1000;
  // OperationsService.CreateBackup writes backups here (empty: backups are off) and keeps the
  // newest `backup_keep` of them (0 = all).
  std::string backup_dir;
  int backup_keep = 7;
  // Overload shedding (see storage/engine.h): writes beyond `max_pending_writes` queued, or
  // queued longer than `max_write_queue_delay`, get RESOURCE_EXHAUSTED with a retry delay.
  int max_pending_writes = storage::EngineOptions{}.max_pending_writes;
  absl::Duration max_write_queue_delay = storage::EngineOptions{}.max_queue_delay;
  // New writes are refused at once while the oldest queued write has waited this long
  // (storage::EngineOptions::admission_delay).
  absl::Duration write_admission_delay = storage::EngineOptions{}.admission_delay;
  // Memory gRPC may use for connections and calls (grpc::ResourceQuota); beyond it gRPC
  // stops reading from clients until calls complete.
  int64_t grpc_memory_bytes = int64_t{1} << 30;
  // Writes get UNAVAILABLE while the data dir has less free space than this (0 = no check).
  int64_t min_free_disk_bytes =
      static_cast<int64_t>(storage::EngineOptions{}.min_free_disk_bytes);
  int worker_threads = 2;
  // What Shutdown() is given by wijkwachtd on SIGTERM/SIGINT: how long in-flight unary calls
  // get to finish.
  absl::Duration shutdown_grace = absl::Seconds(5);
  Clock* clock = nullptr;  // nullptr = SystemClock()

  // Sealed reporter identities (storage/sealed_identity_store.h): the master key that wraps
  // every reporter's data key. `master_key` (32 raw bytes, for tests) wins over
  // `master_key_file` (64 hex digits); with neither, <data_dir>/keys/master.key is used,
  // generated (0600) on first start.
  std::string master_key;
  std::string master_key_file;
  // Retention per data class (storage/retention.h; its clock is `clock`) and how often the
  // sweep runs (zero: never).
  storage::RetentionOptions retention;
  absl::Duration retention_sweep_interval = absl::Hours(1);

  // Authentication (see services/call_gate.h). Off only for local experiments.
  bool auth_enabled = true;
  // Signing keys: a directory (created 0700, keys 0600; default <data_dir>/keys) or an
  // explicit PEM file (e.g. a mounted secret), which then wins.
  std::string signing_keys_dir;
  std::string signing_key_file;
  std::string token_issuer = "wijkwacht";
  std::string token_audience = "wijkwacht-api";
  int scrypt_log2_n = 15;  // tests lower it
  // The first admin account, created at start when no staff account exists.
  std::string bootstrap_admin;
  std::string bootstrap_admin_password;
  // Write rate limits (SubmitReport, Push, PublishAlert, ...): per device and per peer.
  double device_writes_per_second = 5;
  double device_write_burst = 50;
  double peer_writes_per_second = 500;
  double peer_write_burst = 2000;
  // RegisterDevice per client address (IPv6: per /64): free devices are what every
  // per-device limit counts, so their minting is limited first.
  double device_registrations_per_hour = 60;
  double device_registration_burst = 30;
  // RegisterDevice from all addresses together: one bucket over the per-address ones, so
  // many addresses cannot mint devices in bulk either.
  double global_device_registrations_per_hour = 3600;
  double global_device_registration_burst = 200;
  // A partner key's last use (AuthService.ListPartners) is written to its record at most
  // once per key per this long (services/partner_keys.h PartnerUsage), off the request's
  // path; after a restart the shown time is at most this much older than the real one.
  absl::Duration partner_last_use_interval = absl::Minutes(10);
  // Reverse proxies (bare addresses, e.g. "10.0.0.2") whose x-forwarded-for names
  // the client for every per-address limit; empty: the header is ignored.
  std::vector<std::string> trusted_proxies;
  // The address the public reaches the HTTP side at ("https://meldingen.example.nl", maybe
  // with a path prefix): the base of every absolute link the HTTP API writes (OGC API
  // Features, Open311 discovery). Empty: from the request, http://{Host}, or behind a proxy in
  // `trusted_proxies` its X-Forwarded-Proto and X-Forwarded-Host; other callers' forwarding
  // headers are ignored.
  std::string public_base_url;
  // Open server streams per caller (services/stream_registry.h).
  StreamLimits stream_limits;
  // StreamAggregates without a token: resumes at most this many changes behind the newest
  // (0 = any); their streams, and GetAggregates and GetPollResults calls without a token,
  // run on `anonymous_stream_threads` threads of their own.
  uint64_t anonymous_max_replay = 10000;
  int anonymous_stream_threads = 1;
  // Login admission (services/auth_service.h).
  int max_pending_unknown_logins = 4;
  int max_pending_logins_per_address = 2;
  // A refresh token is good for one refresh within this long of its issue.
  absl::Duration refresh_token_lifetime = absl::Hours(24 * 90);
  // SyncService.AmendReport: amendments one report may carry.
  int max_amendments_per_report = 20;
  // Handling deadlines (domain/desk/handling_time.h): when Bevrijdingsdag (5 May) is a day
  // off ("lustrum": years divisible by 5, "every_year", "never"), the municipality's own
  // closing days ("YYYY-MM-DD,..."), and how often overdue incidents are looked for.
  std::string liberation_day = "lustrum";
  std::string local_closing_days;
  absl::Duration deadline_check_interval = absl::Minutes(1);

  // Notifications out (services/webhook_notifier.h): a webhook gets what reporters and
  // shopkeepers must not miss; empty url: none are kept.
  WebhookOptions notify;

  // TLS: with a certificate and key the port speaks TLS only. client_ca enables client
  // certificates: kOptional verifies one when sent, kRequire refuses clients without one.
  enum class ClientCertificates { kNone, kOptional, kRequire };
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  ClientCertificates client_certificates = ClientCertificates::kNone;
};

// Points the reference data (areas, focus areas, categories) at `data_root` (the shipped
// data/ folder).
void UseShippedData(const std::string& data_root, ServerOptions* options);

// For tests and tools that embed the server: the defaults with the shipped data under
// `data_root`, and no HTTP side (http_listen empty, so that embedded servers never compete
// for the default HTTP port).
[[nodiscard]] ServerOptions DefaultServerOptions(const std::string& data_root);

// The one validation of the options: ranges, combinations, and the settings given as text
// (map_theme_k, liberation_day, local_closing_days, the webhook, which reads its secret
// file). INVALID_ARGUMENT whose message names the flag (e.g. "map_suppression_k: must be at
// least 1"); OK otherwise. Reads nothing else and touches nothing; Start() calls it first.
[[nodiscard]] absl::Status ValidateServerOptions(const ServerOptions& options);

class WijkwachtServer {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WijkwachtServer>> Start(
      const ServerOptions& options);
  virtual ~WijkwachtServer() = default;

  // The bound port (useful with port 0).
  [[nodiscard]] virtual int port() const = 0;
  // True when the port speaks TLS; false for plaintext.
  [[nodiscard]] virtual bool tls() const = 0;
  // The bound HTTP port; 0 when http_listen is empty.
  [[nodiscard]] virtual int http_port() const = 0;
  // The bound port of ops_http_listen; 0 when it is empty.
  [[nodiscard]] virtual int ops_http_port() const = 0;
  // Ends every server stream with UNAVAILABLE carrying its resume cursor (see
  // services/log_stream.h), stops accepting calls, lets in-flight unary calls finish for up to
  // `grace` (then cancels them), then drains and closes the store. Idempotent.
  virtual void Shutdown(absl::Duration grace) = 0;
  // Blocks until Shutdown() has completed.
  virtual void Wait() = 0;
};

}  // namespace wijkwacht::services
