#include "domain/notify/webhook.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "privacy/sealer.h"

namespace wijkwacht::notify {

std::string RenderBody(const Notification& n) {
  nlohmann::ordered_json body;
  body["id"] = n.id;
  body["kind"] = n.kind;
  const auto put = [&body](const char* name, const std::string& value) {
    if (!value.empty()) body[name] = value;
  };
  put("device", n.device);
  put("incident", n.incident);
  put("report", n.report);
  put("status", n.status);
  put("message", n.message);
  put("question", n.question);
  put("alert", n.alert);
  put("alert_type", n.alert_type);
  if (!n.areas.empty()) body["areas"] = n.areas;
  body["time"] = absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", n.time, absl::UTCTimeZone());
  return body.dump();
}

std::string SignBody(absl::string_view secret, absl::string_view body) {
  return absl::BytesToHexString(privacy::KeyedMarker(secret, body));
}

std::string DevicePseudonym(absl::string_view key, absl::string_view device) {
  return absl::BytesToHexString(privacy::KeyedMarker(key, device));
}

absl::Duration RetryDelay(int failed_attempts, const BackoffOptions& options, double uniform) {
  absl::Duration ceiling = options.initial;
  for (int i = 1; i < failed_attempts && ceiling < options.max; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, options.max);
  uniform = std::clamp(uniform, 0.0, 1.0);
  return ceiling / 2 + (ceiling / 2) * uniform;
}

}  // namespace wijkwacht::notify
