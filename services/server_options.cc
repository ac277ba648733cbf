#include "services/server_options.h"

#include <cmath>
#include <regex>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "domain/catalog/theme.h"
#include "services/map_service.h"
#include "storage/aggregate_store.h"

namespace wijkwacht::services {
namespace {

// map_theme_k: "THEME=K|hidden,..." -> theme value -> k (or kHiddenTheme).
absl::StatusOr<std::map<int, int>> ParseThemeThresholds(absl::string_view spec) {
  std::map<int, int> out;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(item, '=');
    const std::optional<catalog::Theme> theme =
        catalog::ParseTheme(absl::StripAsciiWhitespace(kv.first));
    const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    int k = 0;
    if (!theme || *theme == catalog::Theme::kUnspecified) {
      return InvalidFieldError("map_theme_k",
                               absl::StrCat("\"", item, "\": unknown theme (LIVEABILITY, YOUTH, "
                                            "SUBVERSION, PHYSICAL_BUSINESS, OTHER)"));
    }
    if (value == "hidden") {
      k = kHiddenTheme;
    } else if (!absl::SimpleAtoi(value, &k) || k < 1) {
      return InvalidFieldError("map_theme_k",
                               absl::StrCat("\"", item, "\": expected THEME=K (K >= 1) or "
                                            "THEME=hidden"));
    }
    out[static_cast<int>(*theme)] = k;
  }
  return out;
}

// ValidateDedupOptions names the option's member; the flags that set them are named here.
absl::Status DedupError(const absl::Status& status) {
  std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) return status;
  for (FieldViolation& v : violations) {
    if (v.field == "radius_meters" || v.field == "threshold") {
      v.field = "dedup_" + v.field;
    } else if (absl::StartsWith(v.field, "time_window")) {
      v.field = "dedup_windows";
    } else {
      v.field = "dedup." + v.field;  // no flag: set by code embedding the server
    }
  }
  return InvalidFieldsError(std::move(violations));
}

// A token bucket's refill rate and size (auth/rate_limiter.h): finite, rate > 0, burst >= 1.
absl::Status CheckRate(double rate, absl::string_view rate_flag, double burst,
                       absl::string_view burst_flag) {
  if (!(std::isfinite(rate) && rate > 0)) return InvalidFieldError(rate_flag, "must be positive");
  if (!(std::isfinite(burst) && burst >= 1)) return InvalidFieldError(burst_flag, "must be at least 1");
  return absl::OkStatus();
}

absl::Status AtLeast(int64_t value, int64_t least, absl::string_view flag) {
  if (value >= least) return absl::OkStatus();
  return InvalidFieldError(flag, absl::StrCat("must be at least ", least));
}

absl::Status Positive(absl::Duration d, absl::string_view flag) {
  if (d > absl::ZeroDuration()) return absl::OkStatus();
  return InvalidFieldError(flag, "must be positive");
}

absl::Status NotNegative(absl::Duration d, absl::string_view flag) {
  if (d >= absl::ZeroDuration()) return absl::OkStatus();
  return InvalidFieldError(flag, "must not be negative");
}

absl::Status CheckRanges(const ServerOptions& o) {
  if (!(o.review_threshold >= 0 && o.review_threshold <= 1)) {
    return InvalidFieldError("review_threshold", "must be in [0, 1]");
  }
  if (absl::Status s = dedup::ValidateDedupOptions(o.dedup); !s.ok()) return DedupError(s);
  WW_RETURN_IF_ERROR(Positive(o.limits.max_age, "max_report_age"));
  WW_RETURN_IF_ERROR(AtLeast(o.map_suppression_k, 1, "map_suppression_k"));
  WW_RETURN_IF_ERROR(NotNegative(o.map_established_device_age, "map_established_device_age"));
  WW_RETURN_IF_ERROR(AtLeast(o.poll_min_respondents, 1, "poll_min_respondents"));
  if (o.map_public_max_cell_level < 0 || o.map_public_max_cell_level > storage::kHeatmapCellLevel) {
    return InvalidFieldError("map_public_max_cell_level",
                             absl::StrCat("must be in [0, ", storage::kHeatmapCellLevel, "]"));
  }
  WW_RETURN_IF_ERROR(AtLeast(o.map_memory_days, 0, "map_memory_days"));
  if (o.map_stream_min_interval < std::chrono::milliseconds(0)) {
    return InvalidFieldError("map_stream_interval", "must not be negative");
  }
  if (o.map_public_stream_interval < std::chrono::milliseconds(0)) {
    return InvalidFieldError("map_public_stream_interval", "must not be negative");
  }
  WW_RETURN_IF_ERROR(AtLeast(o.http_event_streams_per_address, 1, "http_event_streams_per_address"));
  WW_RETURN_IF_ERROR(AtLeast(o.http_connections_per_address, 1, "http_connections_per_address"));
  if (o.http_request_deadline < absl::Seconds(1)) {
    return absl::InvalidArgumentError("http_request_deadline: must be at least 1s");
  }
  WW_RETURN_IF_ERROR(AtLeast(o.http_max_event_streams, 1, "http_max_event_streams"));
  WW_RETURN_IF_ERROR(AtLeast(o.http_max_token_event_streams, 1, "http_max_token_event_streams"));
  WW_RETURN_IF_ERROR(AtLeast(o.max_receive_message_bytes, 1, "max_message_bytes"));
  WW_RETURN_IF_ERROR(NotNegative(o.keepalive_min_time, "keepalive_min_time"));
  WW_RETURN_IF_ERROR(NotNegative(o.shutdown_grace, "shutdown_grace"));
  WW_RETURN_IF_ERROR(AtLeast(o.backup_keep, 0, "backup_keep"));
  WW_RETURN_IF_ERROR(AtLeast(o.max_pending_writes, 1, "max_pending_writes"));
  WW_RETURN_IF_ERROR(Positive(o.max_write_queue_delay, "max_write_queue_delay"));
  WW_RETURN_IF_ERROR(Positive(o.write_admission_delay, "write_admission_delay"));
  WW_RETURN_IF_ERROR(AtLeast(o.grpc_memory_bytes, 1, "grpc_memory_mb"));
  WW_RETURN_IF_ERROR(AtLeast(o.min_free_disk_bytes, 0, "min_free_disk_mb"));
  WW_RETURN_IF_ERROR(storage::ValidateRetentionOptions(o.retention));
  WW_RETURN_IF_ERROR(NotNegative(o.retention_sweep_interval, "retention_sweep_interval"));
  WW_RETURN_IF_ERROR(CheckRate(o.device_writes_per_second, "device_writes_per_second",
                               o.device_write_burst, "device_write_burst"));
  WW_RETURN_IF_ERROR(CheckRate(o.peer_writes_per_second, "peer_writes_per_second",
                               o.peer_write_burst, "peer_write_burst"));
  WW_RETURN_IF_ERROR(CheckRate(o.device_registrations_per_hour, "device_registrations_per_hour",
                               o.device_registration_burst, "device_registration_burst"));
  WW_RETURN_IF_ERROR(CheckRate(o.global_device_registrations_per_hour,
                               "global_device_registrations_per_hour",
                               o.global_device_registration_burst,
                               "global_device_registration_burst"));
  WW_RETURN_IF_ERROR(Positive(o.partner_last_use_interval, "partner_last_use_interval"));
  WW_RETURN_IF_ERROR(AtLeast(o.stream_limits.max_per_subject, 0, "max_streams_per_caller"));
  WW_RETURN_IF_ERROR(AtLeast(o.stream_limits.max_per_address, 0, "max_streams_per_address"));
  WW_RETURN_IF_ERROR(AtLeast(o.stream_limits.max_anonymous, 0, "max_anonymous_streams"));
  WW_RETURN_IF_ERROR(AtLeast(o.stream_limits.max_anonymous_per_address, 0,
                             "max_anonymous_streams_per_address"));
  WW_RETURN_IF_ERROR(AtLeast(o.max_pending_unknown_logins, 0, "max_pending_unknown_logins"));
  WW_RETURN_IF_ERROR(AtLeast(o.max_pending_logins_per_address, 1, "max_pending_logins_per_address"));
  WW_RETURN_IF_ERROR(Positive(o.refresh_token_lifetime, "refresh_token_lifetime"));
  WW_RETURN_IF_ERROR(AtLeast(o.max_amendments_per_report, 0, "max_amendments_per_report"));
  WW_RETURN_IF_ERROR(Positive(o.deadline_check_interval, "deadline_check_interval"));
  return absl::OkStatus();
}

// The port speaks TLS with a certificate and its key; client certificates need a CA.
absl::Status CheckTls(const ServerOptions& o) {
  using Mode = ServerOptions::ClientCertificates;
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return InvalidFieldError(o.tls_cert_file.empty() ? "tls_cert" : "tls_key",
                             "tls_cert and tls_key go together");
  }
  const bool tls = !o.tls_cert_file.empty();
  if (!tls && !o.tls_client_ca_file.empty()) {
    return InvalidFieldError("tls_client_ca", "needs tls_cert and tls_key");
  }
  if (!tls && o.client_certificates != Mode::kNone) {
    return InvalidFieldError("tls_client_certs", "needs tls_cert and tls_key");
  }
  if (o.client_certificates != Mode::kNone && o.tls_client_ca_file.empty()) {
    return InvalidFieldError("tls_client_ca", "is needed to verify client certificates");
  }
  return absl::OkStatus();
}

// public_base_url: "" or http(s)://host[:port][/path] (no query, fragment, user name or
// whitespace); returned without a trailing slash.
absl::StatusOr<std::string> CheckPublicBaseUrl(absl::string_view url) {
  if (url.empty()) return std::string();
  static const std::regex kBaseUrl(
      R"(^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$)");
  if (!std::regex_match(url.begin(), url.end(), kBaseUrl)) {
    return InvalidFieldError(
        "public_base_url",
        absl::StrCat("\"", url,
                     "\" is not an http(s) base URL (scheme://host[:port][/path], no query, "
                     "fragment or user name)"));
  }
  std::string base(url);
  while (base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

absl::StatusOr<CheckedServerOptions> CheckServerOptions(const ServerOptions& o) {
  WW_RETURN_IF_ERROR(CheckRanges(o));
  WW_RETURN_IF_ERROR(CheckTls(o));
  CheckedServerOptions checked;
  WW_ASSIGN_OR_RETURN(checked.theme_k, ParseThemeThresholds(o.map_theme_k));
  const std::optional<desk::LiberationDay> liberation = desk::ParseLiberationDay(o.liberation_day);
  if (!liberation) {
    return InvalidFieldError("liberation_day", "must be lustrum, every_year or never");
  }
  checked.liberation_day = *liberation;
  WW_ASSIGN_OR_RETURN(checked.closing_days,
                      desk::ParseClosingDays(o.local_closing_days, "local_closing_days"));
  WW_ASSIGN_OR_RETURN(checked.public_base_url, CheckPublicBaseUrl(o.public_base_url));
  if (!o.notify.url.empty()) {
    WW_ASSIGN_OR_RETURN(checked.webhook, ValidateWebhookOptions(o.notify));
  } else if (!o.notify.secret_file.empty()) {
    return absl::InvalidArgumentError(
        "--notify_webhook_secret_file: set without --notify_webhook_url");
  }
  return checked;
}

absl::Status ValidateServerOptions(const ServerOptions& options) {
  return CheckServerOptions(options).status();
}

}  // namespace wijkwacht::services
