// AlertStore: durable alerts of the shopkeepers' alert channel (AlertService) and the
// subscribers' acknowledgements.
//
// Every write is one synced batch through the Engine. Publish writes the alert (CF "alerts")
// and an `alert_published` change event; Resolve and Retract rewrite it and append
// `alert_resolved` / `alert_retracted`; subscribers' streams are cursors over those events.
// Ack writes one record per (subscriber, alert) in CF "alert_acks" (no change event).
// Retention (DeleteEndedBefore) deletes ended alerts with their acks, in the deletion log.
//
// State: a stored alert is ACTIVE, ALERT_RESOLVED or RETRACTED; EXPIRED is never stored but
// derived when reading (EffectiveAlert: ACTIVE and expire_time <= now).
//
// Idempotency: Publish is idempotent on the alert id: the same id, publisher and content
// (type, description, location, photo_ref, ttl) returns the stored alert (replayed = true,
// nothing written); the same id with anything else fails with ALREADY_EXISTS. Resolving an
// alert already resolved with the same outcome, or retracting one already retracted, returns
// it unchanged. Concurrent writes of one alert are serialized by the engine's single writer.
//
// Thread safety: all methods may be called concurrently; `done` callbacks run on the storage
// writer thread (keep them short).
// Errors: NOT_FOUND (no such alert), ALREADY_EXISTS (Publish conflict), PERMISSION_DENIED
// (Resolve by someone other than the publisher or staff), FAILED_PRECONDITION (resolving or
// retracting an alert that expired or was closed otherwise), UNAVAILABLE / RESOURCE_EXHAUSTED
// (engine), DATA_LOSS (a record does not parse).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/sync.pb.h"

namespace wijkwacht::storage {

struct NewAlert {
  // Client fields (validated): id in `name` ("alerts/{id}"), type, description, location,
  // area, photo_ref. publish_time, expire_time and state are set by the store.
  v1::Alert alert;
  std::string id;
  // Every area code of alert.location (gemeente, wijk, buurt, focus areas).
  std::vector<std::string> area_codes;
  std::string publisher;  // "devices/{id}" / "users/{name}" / ""
  absl::Duration ttl;
};

struct PublishOutcome {
  v1::Alert alert;
  bool replayed = false;
};

// `stored.alert()` with state EXPIRED when it is ACTIVE and its expire_time is not after `now`.
[[nodiscard]] v1::Alert EffectiveAlert(const v1::Alert& alert, absl::Time now);

class AlertStore {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // `engine` is not owned and must outlive the store.
  explicit AlertStore(Engine* engine) : engine_(engine) {}

  void PublishAsync(NewAlert alert, Done<PublishOutcome> done);
  // ACTIVE -> ALERT_RESOLVED with `outcome`, by the publisher or staff (`closer_is_staff`).
  void ResolveAsync(std::string id, std::string outcome, std::string closer, bool closer_is_staff,
                    Done<v1::Alert> done);
  // ACTIVE or ALERT_RESOLVED -> RETRACTED (dispatch; the gate checks the role).
  void RetractAsync(std::string id, std::string reason, std::string closer, Done<v1::Alert> done);
  // Records that `subscriber` received (`seen` false) or saw the alert; the first time of each
  // is kept.
  void AckAsync(std::string id, std::string subscriber, bool seen, Done<bool> done);

  [[nodiscard]] absl::StatusOr<internal::StoredAlert> Get(absl::string_view id) const;
  // Every ack of `subscriber`: (alert id, ack), by alert id.
  [[nodiscard]] absl::StatusOr<std::vector<std::pair<std::string, internal::AlertAck>>> AcksOf(
      absl::string_view subscriber) const;

  // Retention: deletes every alert whose expire_time (the latest it can have ended: resolved
  // and retracted alerts end earlier) is before `cutoff`, with every acknowledgement of it,
  // and writes the deletion log (storage/deletion_log.h: "alert" and "alert_ack", actor
  // "retention", `reason`) in the same write. Returns (alerts, acks) deleted. Physical
  // removal is the caller's (Engine::PurgeDeleted of alerts and alert_acks).
  [[nodiscard]] absl::StatusOr<std::pair<int64_t, int64_t>> DeleteEndedBefore(
      absl::Time cutoff, const std::string& reason);

 private:
  Engine* const engine_;
};

}  // namespace wijkwacht::storage
