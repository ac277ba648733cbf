#include "cmd/wijkwachtd/flags.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status.h"

namespace wijkwacht::services {

// --tls_client_certs: none, optional or require.
bool AbslParseFlag(absl::string_view text, ServerOptions::ClientCertificates* mode,
                   std::string* error) {
  using Mode = ServerOptions::ClientCertificates;
  if (text == "none") {
    *mode = Mode::kNone;
  } else if (text == "optional") {
    *mode = Mode::kOptional;
  } else if (text == "require") {
    *mode = Mode::kRequire;
  } else {
    *error = "must be none, optional or require";
    return false;
  }
  return true;
}

std::string AbslUnparseFlag(ServerOptions::ClientCertificates mode) {
  using Mode = ServerOptions::ClientCertificates;
  switch (mode) {
    case Mode::kOptional: return "optional";
    case Mode::kRequire: return "require";
    case Mode::kNone: break;
  }
  return "none";
}

}  // namespace wijkwacht::services

namespace wijkwacht::wijkwachtd {

const services::ServerOptions& Defaults() {
  static const services::ServerOptions* const defaults = [] {
    auto* options = new services::ServerOptions;
    services::UseShippedData(WIJKWACHT_DEFAULT_DATA, options);
    options->theme_model_path = WIJKWACHT_DEFAULT_THEME_MODEL;
    options->match_model_path = WIJKWACHT_DEFAULT_MATCH_MODEL;
    options->http_assets_dir = WIJKWACHT_DEFAULT_WEB_SITE;
    return options;
  }();
  return *defaults;
}

}  // namespace wijkwacht::wijkwachtd

using wijkwacht::wijkwachtd::Defaults;

ABSL_FLAG(std::string, listen, Defaults().listen, "gRPC listen address, host:port (port 0 = any)");
ABSL_FLAG(std::string, data_dir, Defaults().data_dir, "RocksDB data folder (created if missing)");
ABSL_FLAG(std::vector<std::string>, areas, Defaults().area_paths,
          "CBS wijk- en buurtkaart GeoJSON: files or folders, comma-separated");
ABSL_FLAG(std::string, focus_areas, Defaults().focus_areas_path,
          "GeoJSON of the focus areas (empty = none)");
ABSL_FLAG(std::string, categories, Defaults().categories_dir,
          "folder with the category tables");
ABSL_FLAG(std::string, theme_model, Defaults().theme_model_path,
          "fastText theme model (its .calibration.json beside it); empty = category hint only");
ABSL_FLAG(std::string, match_model, Defaults().match_model_path,
          "fastText model whose sentence vectors the incident matcher compares (kept apart from "
          "the theme model, so retraining that one does not move incident decisions); empty = "
          "the theme model's");
ABSL_FLAG(std::string, event_lexicon, Defaults().event_lexicon_path,
          "event lexicon (data/lexicon/README.md); the theme model was trained with the "
          "shipped one");
ABSL_FLAG(double, review_threshold, Defaults().review_threshold,
          "reports whose theme confidence is below this are flagged for human review");
ABSL_FLAG(double, dedup_radius_meters, Defaults().dedup.radius_meters,
          "reports within this distance of an open incident's centre may join it (beyond "
          "150 m only when both texts name a common kind of event)");
ABSL_FLAG(double, dedup_threshold, Defaults().dedup.threshold,
          "minimum match score in [0, 1] for a report to join an incident");
ABSL_FLAG(std::string, dedup_windows, wijkwacht::dedup::FormatTimeWindows(Defaults().dedup),
          "time window per theme, THEME=duration,... (themes left out keep their default)");
ABSL_FLAG(int, map_suppression_k, Defaults().map_suppression_k,
          "map counts below this are withheld from callers without a staff role");
ABSL_FLAG(std::string, map_theme_k, Defaults().map_theme_k,
          "per theme, a higher map threshold for callers without a staff role, or `hidden`: "
          "THEME=K|hidden,... (empty: none)");
ABSL_FLAG(absl::Duration, map_established_device_age,
          Defaults().map_established_device_age,
          "a device's reports count towards the map threshold, and it may answer a "
          "flitspeiling, once it is this old");
ABSL_FLAG(int, poll_min_respondents, Defaults().poll_min_respondents,
          "flitspeiling: respondents an area needs before any figure of it is shown (>= 1)");
ABSL_FLAG(int, map_public_max_cell_level, Defaults().map_public_max_cell_level,
          "finest S2 heatmap cell level served to callers without a staff role (0-16)");
ABSL_FLAG(std::string, http_listen, Defaults().http_listen,
          "HTTP address of the map page and /healthz, host:port (port 0 = any; empty = no HTTP)");
ABSL_FLAG(std::string, ops_http_listen, Defaults().ops_http_listen,
          "HTTP address of /healthz and /metrics on their own listener, host:port (empty = "
          "none; /metrics is never served on --http_listen)");
ABSL_FLAG(int, http_event_streams_per_address, Defaults().http_event_streams_per_address,
          "map page event streams (SSE) one client address (IPv6: /64) may hold");
ABSL_FLAG(int, http_connections_per_address, Defaults().http_connections_per_address,
          "HTTP connections one client address (IPv6: /64) may hold at once (trusted proxies "
          "excepted); more are closed at once");
ABSL_FLAG(absl::Duration, http_request_deadline, Defaults().http_request_deadline,
          "time an HTTP request's line, headers and body may take to arrive (at least 1s); a "
          "slower request gets 400 and its connection is closed");
ABSL_FLAG(int, http_max_event_streams, Defaults().http_max_event_streams,
          "event streams (SSE) without a token (the map page's) open at once");
ABSL_FLAG(int, http_max_token_event_streams, Defaults().http_max_token_event_streams,
          "event streams (SSE) with a token (devices' feeds, staff) open at once, a budget "
          "apart from those without");
ABSL_FLAG(bool, http_dev_plain_cookies, Defaults().http_dev_plain_cookies,
          "plain-HTTP development only: the login's known-device cookie without Secure and "
          "without the __Host- prefix, so a browser keeps it from an http:// origin other than "
          "localhost; never for a site served to the public");
ABSL_FLAG(std::vector<std::string>, trusted_proxies, Defaults().trusted_proxies,
          "addresses of reverse proxies whose X-Forwarded-For names the client for every "
          "per-address limit, comma-separated (empty = the header is ignored)");
ABSL_FLAG(std::string, public_base_url, Defaults().public_base_url,
          "where the public reaches the HTTP side, e.g. https://meldingen.example.nl: the base "
          "of absolute links (OGC API, Open311); empty = from the request's Host, and a "
          "trusted proxy's X-Forwarded-Proto and X-Forwarded-Host");
ABSL_FLAG(double, device_registrations_per_hour, Defaults().device_registrations_per_hour,
          "RegisterDevice per client address (IPv6: /64), refill rate");
ABSL_FLAG(double, device_registration_burst, Defaults().device_registration_burst,
          "RegisterDevice per client address (IPv6: /64), burst");
ABSL_FLAG(double, global_device_registrations_per_hour,
          Defaults().global_device_registrations_per_hour,
          "RegisterDevice from all addresses together, refill rate");
ABSL_FLAG(double, global_device_registration_burst, Defaults().global_device_registration_burst,
          "RegisterDevice from all addresses together, burst");
ABSL_FLAG(absl::Duration, partner_last_use_interval, Defaults().partner_last_use_interval,
          "a partner key's last use is written to disk at most once per key per this long "
          "(ListPartners shows it exactly while the server runs)");
ABSL_FLAG(int, max_streams_per_caller, Defaults().stream_limits.max_per_subject,
          "open server streams per device or staff account (0 = no cap)");
ABSL_FLAG(int, max_streams_per_address, Defaults().stream_limits.max_per_address,
          "open server streams with a token per client address (0 = no cap)");
ABSL_FLAG(int, max_anonymous_streams, Defaults().stream_limits.max_anonymous,
          "open server streams without a token, in all (0 = no cap)");
ABSL_FLAG(int, max_anonymous_streams_per_address,
          Defaults().stream_limits.max_anonymous_per_address,
          "open server streams without a token per client address (0 = no cap)");
ABSL_FLAG(uint64_t, anonymous_max_replay, Defaults().anonymous_max_replay,
          "StreamAggregates without a token resumes at most this many changes behind (0 = any)");
ABSL_FLAG(absl::Duration, map_stream_interval,
          absl::FromChrono(Defaults().map_stream_min_interval),
          "StreamAggregates sends a staff caller at most one update per this (coalesced)");
ABSL_FLAG(absl::Duration, map_public_stream_interval,
          absl::FromChrono(Defaults().map_public_stream_interval),
          "StreamAggregates and the map page send public callers at most one update per this");
ABSL_FLAG(int, max_pending_unknown_logins, Defaults().max_pending_unknown_logins,
          "logins for unknown usernames waiting for the password hasher, at most");
ABSL_FLAG(int, max_pending_logins_per_address, Defaults().max_pending_logins_per_address,
          "logins from one client address waiting for the password hasher, at most");
ABSL_FLAG(absl::Duration, refresh_token_lifetime, Defaults().refresh_token_lifetime,
          "a refresh token is good for one refresh within this long of its issue");
ABSL_FLAG(int, max_amendments_per_report, Defaults().max_amendments_per_report,
          "AmendReport: amendments one report may carry (0 = no cap)");
ABSL_FLAG(std::string, http_assets, Defaults().http_assets_dir,
          "folder of the map page's files (built into build/web/site)");
ABSL_FLAG(std::string, map_tile_url, Defaults().map_tile_url,
          "tile URL template for the map page's background, e.g. "
          "https://tiles.example.org/{z}/{x}/{y}.png (empty = polygons on a plain background)");
ABSL_FLAG(int, map_memory_days, Defaults().map_memory_days,
          "map counts of the last this many days are kept in memory; older periods are read "
          "from RocksDB");
ABSL_FLAG(bool, pipeline_only, Defaults().pipeline_only,
          "benchmarks only: SubmitReport runs the whole pipeline but stores nothing");
ABSL_FLAG(bool, rpc_metrics, Defaults().rpc_metrics,
          "count every gRPC call by method and status, with unary latency histograms, on /metrics");
ABSL_FLAG(absl::Duration, max_report_age, Defaults().limits.max_age,
          "oldest observed_time accepted, e.g. 720h");
ABSL_FLAG(int, max_message_bytes, Defaults().max_receive_message_bytes,
          "largest request message accepted");
ABSL_FLAG(absl::Duration, keepalive_min_time, Defaults().keepalive_min_time,
          "clients pinging more often than this are disconnected");
ABSL_FLAG(absl::Duration, shutdown_grace, Defaults().shutdown_grace,
          "on SIGTERM/SIGINT, time in-flight calls get to finish");
ABSL_FLAG(bool, auth, Defaults().auth_enabled,
          "require access tokens (off only for local experiments: every caller is trusted)");
ABSL_FLAG(std::string, signing_keys_dir, Defaults().signing_keys_dir,
          "folder of the token signing keys (default <data_dir>/keys; created 0700)");
ABSL_FLAG(std::string, signing_key_file, Defaults().signing_key_file,
          "PEM Ed25519 private key that signs tokens (instead of --signing_keys_dir)");
ABSL_FLAG(std::string, token_issuer, Defaults().token_issuer, "iss of access tokens");
ABSL_FLAG(std::string, token_audience, Defaults().token_audience, "aud of access tokens");
ABSL_FLAG(std::string, bootstrap_admin, Defaults().bootstrap_admin,
          "create this admin account at start when no staff account exists");
ABSL_FLAG(std::string, bootstrap_admin_password_file, "",
          "file holding the bootstrap admin's password (at least 12 bytes)");
ABSL_FLAG(double, device_writes_per_second, Defaults().device_writes_per_second,
          "write rate limit per device (refill rate)");
ABSL_FLAG(double, device_write_burst, Defaults().device_write_burst,
          "write rate limit per device (burst)");
ABSL_FLAG(double, peer_writes_per_second, Defaults().peer_writes_per_second,
          "write rate limit per client address");
ABSL_FLAG(double, peer_write_burst, Defaults().peer_write_burst, "write burst per client address");
ABSL_FLAG(std::string, backup_dir, Defaults().backup_dir,
          "OperationsService.CreateBackup writes online backups here (empty = backups off)");
ABSL_FLAG(int, backup_keep, Defaults().backup_keep,
          "backups kept in --backup_dir (older ones are purged; 0 = all)");
ABSL_FLAG(int, max_pending_writes, Defaults().max_pending_writes,
          "overload: writes queued beyond this get RESOURCE_EXHAUSTED at once");
ABSL_FLAG(absl::Duration, max_write_queue_delay, Defaults().max_write_queue_delay,
          "overload: a write queued longer than this gets RESOURCE_EXHAUSTED instead of running");
ABSL_FLAG(absl::Duration, write_admission_delay, Defaults().write_admission_delay,
          "overload: while the oldest queued write has waited this long, new writes get "
          "RESOURCE_EXHAUSTED at once (inf = off)");
ABSL_FLAG(int64_t, min_free_disk_mb, Defaults().min_free_disk_bytes >> 20,
          "disk full: writes get UNAVAILABLE while the data dir has less free space (0 = no check)");
ABSL_FLAG(int64_t, grpc_memory_mb, Defaults().grpc_memory_bytes >> 20,
          "memory gRPC may use for connections and calls (ResourceQuota), MiB");
ABSL_FLAG(std::string, master_key_file, Defaults().master_key_file,
          "master key that wraps every reporter's data key (64 hex digits, mode 0600); default "
          "<data_dir>/keys/master.key, generated on first start");
ABSL_FLAG(absl::Duration, retain_contact_details, Defaults().retention.contact_details,
          "retention of the contact details left with a report");
ABSL_FLAG(absl::Duration, retain_free_text, Defaults().retention.free_text,
          "retention of report descriptions and follow-up notes (then emptied)");
ABSL_FLAG(absl::Duration, retain_photos, Defaults().retention.photos,
          "retention of photo references added to reports");
ABSL_FLAG(absl::Duration, retain_audit_entries, Defaults().retention.audit_entries,
          "retention of dispatch audit entries (the chain stays verifiable)");
ABSL_FLAG(absl::Duration, retain_change_log, Defaults().retention.change_log,
          "retention of the change log: the age of the oldest usable sync/stream cursor");
ABSL_FLAG(std::string, retain_incidents,
          wijkwacht::storage::FormatIncidentRetention(Defaults().retention.incidents),
          "retention of whole incidents by final status, optionally per theme: "
          "STATUS=DURATION[,THEME/STATUS=DURATION...] with STATUS one of RESOLVED, REJECTED, "
          "CLOSED (open incidents are never deleted); a status without a rule is kept");
ABSL_FLAG(absl::Duration, retain_alerts, Defaults().retention.alerts,
          "retention of alerts and their acknowledgements, from the alert's expiry");
ABSL_FLAG(std::string, liberation_day, Defaults().liberation_day,
          "when Bevrijdingsdag (5 May) counts as a day off for handling deadlines: lustrum "
          "(years divisible by 5), every_year or never");
ABSL_FLAG(std::string, local_closing_days, Defaults().local_closing_days,
          "the municipality's own closing days for handling deadlines, YYYY-MM-DD,...");
ABSL_FLAG(absl::Duration, deadline_check_interval, Defaults().deadline_check_interval,
          "how often incidents past their due time are looked for (OVERDUE)");
ABSL_FLAG(absl::Duration, clock_offset, absl::ZeroDuration(),
          "runs the server's clock this far ahead of the real time (deadline drills and "
          "tests; never in production)");
ABSL_FLAG(absl::Duration, retention_sweep_interval, Defaults().retention_sweep_interval,
          "how often the retention sweep runs (0 = never)");
ABSL_FLAG(std::string, notify_webhook_url, Defaults().notify.url,
          "webhook that gets notifications out (status changes, dispatcher feedback and "
          "questions for a device, shopkeeper alerts) as signed JSON POSTs from a durable "
          "outbox; https, or http to a loopback host; empty: no notifications");
ABSL_FLAG(std::string, notify_webhook_secret_file, Defaults().notify.secret_file,
          "file (mode 0600) with the secret of the X-Wijkwacht-Signature header "
          "(hex HMAC-SHA256 of the body); required with --notify_webhook_url");
ABSL_FLAG(bool, notify_allow_insecure_http, Defaults().notify.allow_insecure_http,
          "allow an http:// webhook on a host other than loopback");
ABSL_FLAG(std::string, notify_webhook_ca_file, Defaults().notify.ca_file,
          "PEM CA certificates that sign an https webhook's certificate (default: the system's)");
ABSL_FLAG(absl::Duration, notify_webhook_timeout, Defaults().notify.timeout,
          "webhook connect and answer timeout, each");
ABSL_FLAG(absl::Duration, notify_retry_initial, Defaults().notify.backoff.initial,
          "wait before the first retry of a failed delivery (then doubling, with jitter)");
ABSL_FLAG(absl::Duration, notify_retry_max, Defaults().notify.backoff.max,
          "cap of the wait between retries of a failed delivery");
ABSL_FLAG(absl::Duration, notify_max_age, Defaults().notify.max_age,
          "a notification still undelivered this long after its change is given up: moved to "
          "the dead letters (metric wijkwacht_notify_dead_letters), never retried again");
ABSL_FLAG(std::string, tls_cert, Defaults().tls_cert_file,
          "PEM certificate chain: turns TLS on (with --tls_key)");
ABSL_FLAG(std::string, tls_key, Defaults().tls_key_file, "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, Defaults().tls_client_ca_file,
          "PEM CA that signs client certificates (mTLS)");
ABSL_FLAG(wijkwacht::services::ServerOptions::ClientCertificates, tls_client_certs,
          Defaults().client_certificates,
          "client certificates: none, optional (verified when sent) or require");


namespace wijkwacht::wijkwachtd {

absl::StatusOr<services::ServerOptions> ServerOptionsFromFlags() {
  services::ServerOptions options = Defaults();
  options.listen = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.area_paths = absl::GetFlag(FLAGS_areas);
  options.focus_areas_path = absl::GetFlag(FLAGS_focus_areas);
  options.categories_dir = absl::GetFlag(FLAGS_categories);
  options.limits.max_age = absl::GetFlag(FLAGS_max_report_age);
  options.theme_model_path = absl::GetFlag(FLAGS_theme_model);
  options.match_model_path = absl::GetFlag(FLAGS_match_model);
  options.event_lexicon_path = absl::GetFlag(FLAGS_event_lexicon);
  options.review_threshold = absl::GetFlag(FLAGS_review_threshold);
  options.dedup.radius_meters = absl::GetFlag(FLAGS_dedup_radius_meters);
  options.dedup.threshold = absl::GetFlag(FLAGS_dedup_threshold);
  if (absl::Status s = dedup::ParseTimeWindows(absl::GetFlag(FLAGS_dedup_windows), &options.dedup);
      !s.ok()) {
    return InvalidFieldError("dedup_windows", s.message());
  }
  options.map_suppression_k = absl::GetFlag(FLAGS_map_suppression_k);
  options.map_theme_k = absl::GetFlag(FLAGS_map_theme_k);
  options.map_established_device_age = absl::GetFlag(FLAGS_map_established_device_age);
  options.poll_min_respondents = absl::GetFlag(FLAGS_poll_min_respondents);
  options.map_memory_days = absl::GetFlag(FLAGS_map_memory_days);
  options.pipeline_only = absl::GetFlag(FLAGS_pipeline_only);
  options.map_public_max_cell_level = absl::GetFlag(FLAGS_map_public_max_cell_level);
  options.http_listen = absl::GetFlag(FLAGS_http_listen);
  options.http_assets_dir = absl::GetFlag(FLAGS_http_assets);
  options.map_tile_url = absl::GetFlag(FLAGS_map_tile_url);
  options.rpc_metrics = absl::GetFlag(FLAGS_rpc_metrics);
  options.max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.keepalive_min_time = absl::GetFlag(FLAGS_keepalive_min_time);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.auth_enabled = absl::GetFlag(FLAGS_auth);
  options.signing_keys_dir = absl::GetFlag(FLAGS_signing_keys_dir);
  options.signing_key_file = absl::GetFlag(FLAGS_signing_key_file);
  options.token_issuer = absl::GetFlag(FLAGS_token_issuer);
  options.token_audience = absl::GetFlag(FLAGS_token_audience);
  options.bootstrap_admin = absl::GetFlag(FLAGS_bootstrap_admin);
  if (const std::string file = absl::GetFlag(FLAGS_bootstrap_admin_password_file); !file.empty()) {
    std::ifstream in(file);
    if (!std::getline(in, options.bootstrap_admin_password)) {
      return InvalidFieldError("bootstrap_admin_password_file", absl::StrCat("cannot read ", file));
    }
  }
  options.device_writes_per_second = absl::GetFlag(FLAGS_device_writes_per_second);
  options.device_write_burst = absl::GetFlag(FLAGS_device_write_burst);
  options.peer_writes_per_second = absl::GetFlag(FLAGS_peer_writes_per_second);
  options.peer_write_burst = absl::GetFlag(FLAGS_peer_write_burst);
  options.ops_http_listen = absl::GetFlag(FLAGS_ops_http_listen);
  options.http_event_streams_per_address = absl::GetFlag(FLAGS_http_event_streams_per_address);
  options.http_connections_per_address = absl::GetFlag(FLAGS_http_connections_per_address);
  options.http_request_deadline = absl::GetFlag(FLAGS_http_request_deadline);
  options.http_max_event_streams = absl::GetFlag(FLAGS_http_max_event_streams);
  options.http_max_token_event_streams = absl::GetFlag(FLAGS_http_max_token_event_streams);
  options.http_dev_plain_cookies = absl::GetFlag(FLAGS_http_dev_plain_cookies);
  options.trusted_proxies = absl::GetFlag(FLAGS_trusted_proxies);
  options.public_base_url = absl::GetFlag(FLAGS_public_base_url);
  options.device_registrations_per_hour = absl::GetFlag(FLAGS_device_registrations_per_hour);
  options.device_registration_burst = absl::GetFlag(FLAGS_device_registration_burst);
  options.global_device_registrations_per_hour =
      absl::GetFlag(FLAGS_global_device_registrations_per_hour);
  options.global_device_registration_burst = absl::GetFlag(FLAGS_global_device_registration_burst);
  options.partner_last_use_interval = absl::GetFlag(FLAGS_partner_last_use_interval);
  options.stream_limits.max_per_subject = absl::GetFlag(FLAGS_max_streams_per_caller);
  options.stream_limits.max_per_address = absl::GetFlag(FLAGS_max_streams_per_address);
  options.stream_limits.max_anonymous = absl::GetFlag(FLAGS_max_anonymous_streams);
  options.stream_limits.max_anonymous_per_address =
      absl::GetFlag(FLAGS_max_anonymous_streams_per_address);
  options.anonymous_max_replay = absl::GetFlag(FLAGS_anonymous_max_replay);
  options.map_stream_min_interval =
      absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_map_stream_interval));
  options.map_public_stream_interval = absl::ToChronoMilliseconds(
      absl::GetFlag(FLAGS_map_public_stream_interval));
  options.max_pending_unknown_logins = absl::GetFlag(FLAGS_max_pending_unknown_logins);
  options.max_pending_logins_per_address = absl::GetFlag(FLAGS_max_pending_logins_per_address);
  options.refresh_token_lifetime = absl::GetFlag(FLAGS_refresh_token_lifetime);
  options.max_amendments_per_report = absl::GetFlag(FLAGS_max_amendments_per_report);
  options.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  options.backup_keep = absl::GetFlag(FLAGS_backup_keep);
  options.max_pending_writes = absl::GetFlag(FLAGS_max_pending_writes);
  options.max_write_queue_delay = absl::GetFlag(FLAGS_max_write_queue_delay);
  options.write_admission_delay = absl::GetFlag(FLAGS_write_admission_delay);
  // MiB; values whose bytes would overflow are made negative, which the validation refuses.
  const auto mebibytes = [](int64_t mb) { return mb > (INT64_MAX >> 20) ? -1 : mb << 20; };
  options.grpc_memory_bytes = mebibytes(absl::GetFlag(FLAGS_grpc_memory_mb));
  options.min_free_disk_bytes = mebibytes(absl::GetFlag(FLAGS_min_free_disk_mb));
  options.master_key_file = absl::GetFlag(FLAGS_master_key_file);
  options.retention.contact_details = absl::GetFlag(FLAGS_retain_contact_details);
  options.retention.free_text = absl::GetFlag(FLAGS_retain_free_text);
  options.retention.photos = absl::GetFlag(FLAGS_retain_photos);
  options.retention.audit_entries = absl::GetFlag(FLAGS_retain_audit_entries);
  options.retention.change_log = absl::GetFlag(FLAGS_retain_change_log);
  options.retention.alerts = absl::GetFlag(FLAGS_retain_alerts);
  WW_ASSIGN_OR_RETURN(options.retention.incidents,
                      storage::ParseIncidentRetention(absl::GetFlag(FLAGS_retain_incidents)));
  options.retention_sweep_interval = absl::GetFlag(FLAGS_retention_sweep_interval);
  options.liberation_day = absl::GetFlag(FLAGS_liberation_day);
  options.local_closing_days = absl::GetFlag(FLAGS_local_closing_days);
  options.deadline_check_interval = absl::GetFlag(FLAGS_deadline_check_interval);
  if (const absl::Duration offset = absl::GetFlag(FLAGS_clock_offset);
      offset != absl::ZeroDuration()) {
    std::fprintf(stderr, "wijkwachtd: WARNING --clock_offset: the server's clock runs %s ahead\n",
                 absl::FormatDuration(offset).c_str());
    options.clock = new OffsetClock(offset);  // lives as long as the process
  }
  options.notify.url = absl::GetFlag(FLAGS_notify_webhook_url);
  options.notify.secret_file = absl::GetFlag(FLAGS_notify_webhook_secret_file);
  options.notify.allow_insecure_http = absl::GetFlag(FLAGS_notify_allow_insecure_http);
  options.notify.ca_file = absl::GetFlag(FLAGS_notify_webhook_ca_file);
  options.notify.timeout = absl::GetFlag(FLAGS_notify_webhook_timeout);
  options.notify.backoff.initial = absl::GetFlag(FLAGS_notify_retry_initial);
  options.notify.backoff.max = absl::GetFlag(FLAGS_notify_retry_max);
  options.notify.max_age = absl::GetFlag(FLAGS_notify_max_age);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.client_certificates = absl::GetFlag(FLAGS_tls_client_certs);
  return options;
}

}  // namespace wijkwacht::wijkwachtd
