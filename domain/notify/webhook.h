// The webhook's side of a notification, without storage or transport: what the receiver gets
// (the JSON body and its signature) and when a failed delivery is tried again.
//
// The body (one JSON object, UTF-8; absent fields are left out):
//   {
//     "id": "9f0c...",                  idempotency key (32 hex digits), also the
//                                       Idempotency-Key header; the same on every retry
//     "kind": "status_changed" | "feedback" | "question" | "alert",
//     "device": "3a7e...",              the recipient device's pseudonym: HMAC-SHA256 under a
//                                       server key (64 hex digits), stable per device, not
//                                       its id (every kind but "alert")
//     "incident": "incidents/{id}",
//     "report": "reports/{id}",         status_changed: the device's report
//     "status": "IN_PROGRESS",          status_changed: wijkwacht.v1.ReportStatus name;
//                                       alert: wijkwacht.v1.AlertState name
//     "message": "...",                 feedback / question: the dispatcher's text
//     "question": "questions/{id}",     question
//     "alert": "alerts/{id}",           alert
//     "alert_type": "THEFT",            alert: wijkwacht.v1.AlertType name
//     "areas": ["GM0375", ...],         alert: the areas it lies in (the receivers' topics)
//     "time": "2026-12-07T01:02:03Z"    when the change was committed (RFC 3339, UTC)
//   }
// Nothing else: no device id, no location, no report text or description, no reporter
// contact details.
//
// The signature: lowercase hex of HMAC-SHA256(secret, body bytes), sent as the
// X-Wijkwacht-Signature header; the receiver recomputes it over the raw body.
//
// Retries: after the n-th failed attempt the next one waits RetryDelay(n): the ceiling
// min(max, initial * 2^(n-1)) halved plus a random part of up to the other half ("equal
// jitter"), so that retries of many notifications spread out but never come sooner than half
// the ceiling.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wijkwacht::notify {

struct Notification {
  std::string id;
  std::string kind;
  std::string device;  // the pseudonym of the payload (already keyed), "" for alerts
  std::string incident;
  std::string report;
  std::string status;
  std::string message;
  std::string question;
  std::string alert;
  std::string alert_type;
  std::vector<std::string> areas;
  absl::Time time;
};

// The JSON body described above.
[[nodiscard]] std::string RenderBody(const Notification& notification);

// Lowercase hex HMAC-SHA256 of `body` under `secret`.
[[nodiscard]] std::string SignBody(absl::string_view secret, absl::string_view body);

// The device pseudonym of the payload: lowercase hex HMAC-SHA256 of the device's internal
// pseudonym under `key` (a server key that never leaves the server).
[[nodiscard]] std::string DevicePseudonym(absl::string_view key, absl::string_view device);

struct BackoffOptions {
  absl::Duration initial = absl::Seconds(1);
  absl::Duration max = absl::Minutes(5);
};

// Wait before the next attempt after `failed_attempts` (>= 1) failures; `uniform` in [0, 1)
// is the jitter (injected randomness).
[[nodiscard]] absl::Duration RetryDelay(int failed_attempts, const BackoffOptions& options,
                                        double uniform);

}  // namespace wijkwacht::notify
