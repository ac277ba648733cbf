// wijkwacht.v1.AlertService over the gRPC callback API: the shopkeepers' real-time alert
// channel (veilig ondernemen). Roles per RPC: services/access_policy.h.
//
// PublishAlert: alert_id (REQUIRED) is a client-generated UUID and the idempotency key (a
// resend returns the stored alert; other content under the same id: ALREADY_EXISTS). type
// (REQUIRED, not UNSPECIFIED), description (1-500 bytes UTF-8, no control characters other
// than tab/newline/CR), location (REQUIRED, inside a gemeente this server serves: else
// INVALID_ARGUMENT on "location"), photo_ref (OPTIONAL, "photos/{uuid}"), ttl (OPTIONAL, 1
// minute to 24 hours, default 30 minutes). The
// publisher is the caller; per-publisher write limits are the call gate's.
//
// SubscribeAlerts: a cursor over the change log (LogStream) delivering alert events
// (published, resolved with its outcome, retracted) that match the subscriber's filter:
// geofence (REQUIRED) = a circle (center + radius_meters in (0, 50000]) around the alert's
// location, or area codes (1-50 known codes, any level, e.g. the focus area FA037501 De Drie
// Straatjes) one of which contains the alert's location; types (empty = all). An event whose
// alert has expired (expire_time <= now when the event is read) is not delivered, so a
// resolution reaches exactly the subscribers whose filter matches the alert while it is live.
// Each AlertEvent carries a cursor; resume_cursor continues after it (empty = from the oldest
// retained change; beyond the newest change: INVALID_ARGUMENT; older than the retained log:
// FAILED_PRECONDITION, resync).
//
// AckAlert: records DELIVERED or SEEN for the calling subscriber (first time kept).
// ResolveAlert: the publisher or a dispatcher, while ACTIVE (FAILED_PRECONDITION otherwise,
// PERMISSION_DENIED for another entrepreneur); outcome 1-500 bytes. RetractAlert: dispatch;
// reason optional (at most 500 bytes); also delivered to matching subscribers.
// Names are "alerts/{uuid}"; unknown alerts: NOT_FOUND.
//
// Thread safety: one instance serves all calls concurrently.
#pragma once

#include "common/clock.h"
#include "common/worker_pool.h"
#include "domain/geo/area_index.h"
#include "services/method_table.h"
#include "services/stream_call.h"
#include "services/unary_call.h"
#include "storage/alert_store.h"
#include "storage/change_feed.h"
#include "wijkwacht/v1/alert.grpc.pb.h"

namespace wijkwacht::services {

class AlertServiceImpl final {
 public:
  struct Parts {
    const geo::AreaIndex* areas = nullptr;
    storage::AlertStore* alerts = nullptr;
    storage::ChangeFeed* feed = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
    const Clock* clock = nullptr;
  };
  static constexpr size_t kMaxTextBytes = 500;
  static constexpr double kMaxRadiusMeters = 50000;
  static constexpr int kMaxAreaCodes = 50;

  explicit AlertServiceImpl(Parts parts) : parts_(parts) {}

  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);
  grpc::ServerWriteReactor<grpc::ByteBuffer>* SubscribeAlerts(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request);

  void Publish(const Caller& caller, const v1::PublishAlertRequest& request, v1::Alert* response,
               UnaryDone done);
  void Ack(const Caller& caller, const v1::AckAlertRequest& request,
           v1::AckAlertResponse* response, UnaryDone done);
  void Resolve(const Caller& caller, const v1::ResolveAlertRequest& request, v1::Alert* response,
               UnaryDone done);
  void Retract(const Caller& caller, const v1::RetractAlertRequest& request, v1::Alert* response,
               UnaryDone done);

 private:
  Parts parts_;
};

}  // namespace wijkwacht::services
