// WebhookNotifier: delivers the notification outbox (storage/notify_outbox.h) to one webhook,
// for a push gateway or mail relay: an HTTP POST per notification, the JSON body and the
// X-Wijkwacht-Signature header of domain/notify/webhook.h, an Idempotency-Key header equal to
// the body's "id", Content-Type application/json.
//
// Delivery: its own thread, oldest change first. A 2xx answer deletes the entry; anything
// else (another status, a refused connection, a timeout, a TLS failure) counts a failed
// attempt and retries that entry after notify::RetryDelay (exponential, capped, equal jitter
// from the injected randomness, timed by the injected clock). A failure without an HTTP answer
// holds back every entry until that retry (the receiver is down: no point in knocking per
// entry); an HTTP error answer holds back only its entry. Entries are retried for as long as
// they are younger than `max_age` (by the injected clock, from the time of their change, or of
// their resend from the dead letters):
// at-least-once, the receiver de-duplicates by the idempotency key (also after a crash between
// its 2xx and the deletion). An older entry, due for an attempt, is given up instead
// (NotifyOutbox::GiveUp: moved to the dead letters), counted and logged with its id, kind and
// age (nothing personal). Entries left at a restart are resumed (retry counts start over).
// Redirects are not followed.
//
// Options are validated once (ValidateWebhookOptions): the URL must be http or https with a
// host; http only to a loopback host (localhost, 127.0.0.0/8, ::1) unless
// allow_insecure_http; https verifies the server certificate and host name against the
// system's CAs (or `ca_file`) through OpenSSL; the secret file must be readable, owner-only
// (auth/secure_file.h) and not empty (surrounding whitespace is trimmed). Errors name the flag
// (INVALID_ARGUMENT, or the file errors of auth::ReadPrivateFile).
//
// Metrics (services/server_metrics.h): wijkwacht_notify_pending, _delivered_total,
// _failed_attempts_total, _dead_letters (gauge), _given_up_total.
//
// Thread safety: Start() and Stop() from one thread; Stop() is idempotent and returns once the
// thread has ended (an attempt in flight is cut short).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "auth/random.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "domain/notify/webhook.h"
#include "storage/engine.h"
#include "storage/notify_outbox.h"

namespace httplib {
class Client;
}

namespace wijkwacht::services {

struct WebhookOptions {
  // Where notifications go (--notify_webhook_url); empty: no notifications are kept.
  std::string url;
  // File holding the HMAC secret (--notify_webhook_secret_file).
  std::string secret_file;
  // Allow http:// to a host other than loopback (--notify_allow_insecure_http).
  bool allow_insecure_http = false;
  // PEM CA certificates for an https webhook; empty: the system's (--notify_webhook_ca_file).
  std::string ca_file;
  // Connecting and waiting for the answer, each (--notify_webhook_timeout).
  absl::Duration timeout = absl::Seconds(10);
  // Retry schedule (--notify_retry_initial, --notify_retry_max).
  notify::BackoffOptions backoff;
  // A notification not delivered this long after its change is given up: moved to the dead
  // letters, never retried again (--notify_max_age). A push about a status of days ago is
  // news no more, and a receiver gone for good must not keep the outbox growing.
  absl::Duration max_age = absl::Hours(72);
};

// What ValidateWebhookOptions made of the options.
struct WebhookTarget {
  std::string scheme_host_port;  // "https://push.example.nl:443"
  std::string path;              // "/hooks/wijkwacht" ("/" when the URL has none)
  std::string secret;
  WebhookOptions options;
};

[[nodiscard]] absl::StatusOr<WebhookTarget> ValidateWebhookOptions(const WebhookOptions& options);

class WebhookNotifier {
 public:
  struct Parts {
    storage::NotifyOutbox* outbox = nullptr;
    storage::Engine* engine = nullptr;  // its commits wake the worker
    // Key of the devices' payload pseudonyms (notify::DevicePseudonym).
    std::string pseudonym_key;
    const Clock* clock = nullptr;
    auth::RandomSource* random = nullptr;  // jitter
    metrics::Counter* delivered = nullptr;
    metrics::Counter* failed_attempts = nullptr;
    metrics::Counter* given_up = nullptr;
  };
  WebhookNotifier(WebhookTarget target, Parts parts);
  ~WebhookNotifier();

  void Start();
  void Stop();

 private:
  struct Retry {
    int failed = 0;
    absl::Time due;
  };
  enum class Outcome { kDelivered, kRejected, kUnreachable };
  // Shared with the engine's commit listener, which may outlive the notifier.
  struct WakeState {
    std::mutex mu;
    std::condition_variable cv;
    bool stopped = false;
    bool woken = false;
    uint64_t seen_generation = 0;
    void Poke(uint64_t generation);
  };

  void Run();
  // One pass over the outbox; returns when the next attempt is due (InfiniteFuture: none).
  absl::Time Pass();
  Outcome Post(const internal::OutboxNotification& entry);
  double Jitter();
  bool stopped() const;

  const WebhookTarget target_;
  Parts parts_;
  const std::shared_ptr<WakeState> wake_;
  std::mutex client_mu_;
  std::unique_ptr<httplib::Client> client_;  // made by the worker; stop() by Stop()
  absl::flat_hash_map<std::string, Retry> retries_;  // worker thread only
  absl::Time hold_until_ = absl::InfinitePast();       // worker thread only
  std::thread thread_;
};

}  // namespace wijkwacht::services
