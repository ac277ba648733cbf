#include "services/webhook_notifier.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "auth/secure_file.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "httplib.h"

namespace wijkwacht::services {
namespace {

constexpr int kPageSize = 128;
// Upper bound of one sleep, so that a clock that jumps does not strand the worker.
constexpr absl::Duration kMaxSleep = absl::Minutes(1);
constexpr char kUrlFlag[] = "notify_webhook_url";
constexpr char kSecretFlag[] = "notify_webhook_secret_file";

bool IsLoopbackHost(std::string host) {
  host = absl::AsciiStrToLower(host);
  if (host == "localhost" || host == "[::1]") return true;
  std::vector<std::string> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4) return false;
  for (const std::string& o : octets) {
    int v = 0;
    if (o.empty() || o.size() > 3 || !absl::SimpleAtoi(o, &v) || v < 0 || v > 255) return false;
  }
  return octets[0] == "127";
}

absl::Status FlagError(absl::string_view flag, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", what));
}

// httplib takes whole microseconds; a positive timeout stays positive.
absl::Duration AtLeastOneMillisecond(absl::Duration d) { return std::max(d, absl::Milliseconds(1)); }

}  // namespace

absl::StatusOr<WebhookTarget> ValidateWebhookOptions(const WebhookOptions& options) {
  WebhookTarget target;
  target.options = options;
  static const std::regex kUrl(
      R"(^(https?)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(/[^\s#]*)?$)");
  std::smatch m;
  if (!std::regex_match(options.url, m, kUrl)) {
    return FlagError(kUrlFlag,
                     absl::StrCat("\"", options.url,
                                  "\" is not an http(s) URL (scheme://host[:port][/path], no user "
                                  "name or fragment)"));
  }
  const std::string scheme = m[1], host = m[2], port_text = m[3], path = m[4];
  int port = scheme == "https" ? 443 : 80;
  if (!port_text.empty() && (!absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535)) {
    return FlagError(kUrlFlag, absl::StrCat("port ", port_text, " is not in 1..65535"));
  }
  if (scheme == "http" && !options.allow_insecure_http && !IsLoopbackHost(host)) {
    return FlagError(kUrlFlag,
                     absl::StrCat("http is allowed to a loopback host only (", host,
                                  " is not one): use https, or --notify_allow_insecure_http"));
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return FlagError("notify_webhook_timeout", "must be positive");
  }
  if (options.max_age <= absl::ZeroDuration()) {
    return FlagError("notify_max_age", "must be positive");
  }
  if (options.backoff.initial <= absl::ZeroDuration() ||
      options.backoff.max < options.backoff.initial) {
    return FlagError("notify_retry_initial",
                     "must be positive and at most --notify_retry_max");
  }
  if (!options.ca_file.empty() && scheme != "https") {
    return FlagError("notify_webhook_ca_file", "is for an https webhook only");
  }
  target.scheme_host_port = absl::StrCat(scheme, "://", host, ":", port);
  target.path = path.empty() ? "/" : path;
  if (options.secret_file.empty()) {
    return FlagError(kSecretFlag, "is required with --notify_webhook_url");
  }
  absl::StatusOr<std::string> secret = auth::ReadPrivateFile(options.secret_file);
  if (!secret.ok()) {
    return absl::Status(secret.status().code(),
                        absl::StrCat("--", kSecretFlag, ": ", secret.status().message()));
  }
  target.secret = std::string(absl::StripAsciiWhitespace(*secret));
  if (target.secret.empty()) {
    return FlagError(kSecretFlag, absl::StrCat(options.secret_file, " is empty"));
  }
  return target;
}

WebhookNotifier::WebhookNotifier(WebhookTarget target, Parts parts)
    : target_(std::move(target)), parts_(std::move(parts)), wake_(std::make_shared<WakeState>()) {}

WebhookNotifier::~WebhookNotifier() { Stop(); }

void WebhookNotifier::Start() {
  // Commits that staged notifications wake the worker. The listener outlives this object in
  // the engine, so it holds only the shared wake state.
  parts_.engine->AddCommitListener(
      [wake = wake_, outbox = parts_.outbox](uint64_t) { wake->Poke(outbox->staged_generation()); });
  thread_ = std::thread([this] { Run(); });
}

void WebhookNotifier::WakeState::Poke(uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu);
  if (generation == seen_generation || stopped) return;
  seen_generation = generation;
  woken = true;
  cv.notify_one();
}

void WebhookNotifier::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_->mu);
    if (wake_->stopped) return;
    wake_->stopped = true;
    wake_->cv.notify_one();
  }
  {
    std::lock_guard<std::mutex> lock(client_mu_);
    if (client_ != nullptr) client_->stop();
  }
  if (thread_.joinable()) thread_.join();
}

bool WebhookNotifier::stopped() const {
  std::lock_guard<std::mutex> lock(wake_->mu);
  return wake_->stopped;
}

void WebhookNotifier::Run() {
  for (;;) {
    const absl::Time due = Pass();
    std::unique_lock<std::mutex> lock(wake_->mu);
    if (wake_->stopped) return;
    if (!wake_->woken) {
      const absl::Duration wait =
          std::clamp(due - parts_.clock->Now(), absl::ZeroDuration(), kMaxSleep);
      wake_->cv.wait_for(lock, absl::ToChronoNanoseconds(wait),
                         [this] { return wake_->woken || wake_->stopped; });
      if (wake_->stopped) return;
    }
    wake_->woken = false;
  }
}

absl::Time WebhookNotifier::Pass() {
  absl::Time now = parts_.clock->Now();
  if (now < hold_until_) return hold_until_;
  absl::Time next = absl::InfiniteFuture();
  std::string after;
  for (;;) {
    absl::StatusOr<std::vector<storage::NotifyOutbox::Entry>> page =
        parts_.outbox->Oldest(kPageSize, after);
    if (!page.ok()) {
      std::fprintf(stderr, "wijkwachtd: notify outbox: %s\n", page.status().ToString().c_str());
      return now + target_.options.backoff.initial;
    }
    for (const storage::NotifyOutbox::Entry& entry : *page) {
      after = entry.key;
      if (stopped()) return next;
      auto retry = retries_.find(entry.key);
      if (retry != retries_.end() && retry->second.due > now) {
        next = std::min(next, retry->second.due);
        continue;
      }
      // From the change, or from the resend of a dead letter.
      const absl::Duration age =
          now - absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(
                    entry.notification.has_resend_time() ? entry.notification.resend_time()
                                                         : entry.notification.time()));
      if (age >= target_.options.max_age) {
        const int failed = retry != retries_.end() ? retry->second.failed : 0;
        if (absl::Status s = parts_.outbox->GiveUp(entry.key, now, failed); !s.ok()) {
          return now + target_.options.backoff.initial;  // shutting down: next time
        }
        retries_.erase(entry.key);
        if (parts_.given_up != nullptr) parts_.given_up->Increment();
        std::fprintf(stderr,
                     "wijkwachtd: notify: gave up on %s (%s) after %s undelivered, %d failed "
                     "attempts since start; kept as a dead letter (--notify_max_age=%s)\n",
                     entry.notification.id().c_str(), entry.notification.kind().c_str(),
                     absl::FormatDuration(absl::Trunc(age, absl::Seconds(1))).c_str(), failed,
                     absl::FormatDuration(target_.options.max_age).c_str());
        continue;
      }
      const Outcome outcome = Post(entry.notification);
      now = parts_.clock->Now();
      if (outcome == Outcome::kDelivered) {
        if (parts_.delivered != nullptr) parts_.delivered->Increment();
        retries_.erase(entry.key);
        // A failed removal (shutting down) sends it again later: at-least-once.
        if (absl::Status s = parts_.outbox->Remove(entry.key); !s.ok()) {
          return now + target_.options.backoff.initial;
        }
        continue;
      }
      if (parts_.failed_attempts != nullptr) parts_.failed_attempts->Increment();
      Retry& r = retries_[entry.key];
      ++r.failed;
      r.due = now + notify::RetryDelay(r.failed, target_.options.backoff, Jitter());
      next = std::min(next, r.due);
      if (outcome == Outcome::kUnreachable) {
        hold_until_ = r.due;
        return r.due;
      }
    }
    if (static_cast<int>(page->size()) < kPageSize) break;
  }
  return next;
}

WebhookNotifier::Outcome WebhookNotifier::Post(const internal::OutboxNotification& entry) {
  httplib::Client* client = nullptr;
  {
    std::lock_guard<std::mutex> lock(client_mu_);
    if (client_ == nullptr) {
      client_ = std::make_unique<httplib::Client>(target_.scheme_host_port);
      const auto micros = [](absl::Duration d) {
        return std::pair<time_t, time_t>(absl::ToInt64Seconds(d),
                                         absl::ToInt64Microseconds(d) % 1000000);
      };
      const auto [sec, usec] = micros(AtLeastOneMillisecond(target_.options.timeout));
      client_->set_connection_timeout(sec, usec);
      client_->set_read_timeout(sec, usec);
      client_->set_write_timeout(sec, usec);
      client_->set_follow_location(false);
      client_->enable_server_certificate_verification(true);
      if (!target_.options.ca_file.empty()) client_->set_ca_cert_path(target_.options.ca_file);
    }
    client = client_.get();
  }
  notify::Notification n;
  n.id = entry.id();
  n.kind = entry.kind();
  if (!entry.recipient().empty()) {
    n.device = notify::DevicePseudonym(parts_.pseudonym_key, entry.recipient());
  }
  n.incident = entry.incident();
  n.report = entry.report();
  n.status = entry.status();
  n.message = entry.message();
  n.question = entry.question();
  n.alert = entry.alert();
  n.alert_type = entry.alert_type();
  n.areas.assign(entry.areas().begin(), entry.areas().end());
  n.time = absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(entry.time()));
  const std::string body = notify::RenderBody(n);
  httplib::Headers headers = {
      {"X-Wijkwacht-Signature", notify::SignBody(target_.secret, body)},
      {"Idempotency-Key", entry.id()},
      {"User-Agent", "wijkwacht-notify/1"},
  };
  httplib::Result result = client->Post(target_.path, headers, body, "application/json");
  if (!result) return Outcome::kUnreachable;
  return result->status >= 200 && result->status < 300 ? Outcome::kDelivered : Outcome::kRejected;
}

double WebhookNotifier::Jitter() {
  absl::StatusOr<std::string> bytes = parts_.random->Bytes(8);
  if (!bytes.ok() || bytes->size() != 8) return 1.0;  // no jitter: the full delay
  uint64_t v = 0;
  std::memcpy(&v, bytes->data(), 8);
  return static_cast<double>(v >> 11) / static_cast<double>(uint64_t{1} << 53);
}

}  // namespace wijkwacht::services
