// CheckServerOptions: the one validation of ServerOptions (services/server.h), and what it
// made of the settings given as text, for the server's builders (services/server.cc), so
// that nothing is parsed or checked twice.
//
// Errors: INVALID_ARGUMENT whose message begins with the flag's name ("map_suppression_k:
// must be at least 1"); the webhook's secret file may also give the file errors of
// auth::ReadPrivateFile, naming --notify_webhook_secret_file. Nothing else is read.
// Thread safety: a pure function of its argument (and the webhook's secret file).
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "domain/desk/handling_time.h"
#include "services/server.h"
#include "services/webhook_notifier.h"

namespace wijkwacht::services {

struct CheckedServerOptions {
  // map_theme_k: theme value -> k, or kHiddenTheme (services/map_service.h).
  std::map<int, int> theme_k;
  desk::LiberationDay liberation_day = desk::LiberationDay::kLustrumYears;
  std::vector<absl::CivilDay> closing_days;
  // Set when notify.url is.
  std::optional<WebhookTarget> webhook;
  // public_base_url without a trailing slash ("" when not set).
  std::string public_base_url;
};

[[nodiscard]] absl::StatusOr<CheckedServerOptions> CheckServerOptions(const ServerOptions& options);

}  // namespace wijkwacht::services
