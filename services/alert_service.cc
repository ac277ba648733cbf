#include "services/alert_service.h"

#include <cmath>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/text.h"
#include "domain/report/ingest.h"
#include "google/protobuf/util/time_util.h"
#include "services/grpc_status.h"
#include "services/log_stream.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::Duration kDefaultTtl = absl::Minutes(30);
constexpr absl::Duration kMinTtl = absl::Minutes(1);
constexpr absl::Duration kMaxTtl = absl::Hours(24);

// Adds a violation when `text` (field `field`) is empty but required, too long or not clean.
void CheckText(std::vector<FieldViolation>* v, absl::string_view field, const std::string& text,
               bool required, size_t max_bytes) {
  if (text.empty()) {
    if (required) v->push_back({std::string(field), "is required"});
    return;
  }
  if (text.size() > max_bytes) {
    v->push_back({std::string(field), absl::StrCat("must be at most ", max_bytes, " bytes")});
  } else if (std::string problem = TextProblem(text, false); !problem.empty()) {
    v->push_back({std::string(field), problem});
  }
}

bool ValidLatLng(const v1::LatLng& p) {
  return std::isfinite(p.latitude()) && std::isfinite(p.longitude()) &&
         std::abs(p.latitude()) <= 90 && std::abs(p.longitude()) <= 180;
}

double DistanceMeters(const v1::LatLng& a, const v1::LatLng& b) {
  constexpr double kEarthRadius = 6371008.8;
  constexpr double kRad = 3.14159265358979323846 / 180;
  const double dlat = (b.latitude() - a.latitude()) * kRad;
  const double dlon = (b.longitude() - a.longitude()) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude() * kRad) * std::cos(b.latitude() * kRad) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

absl::StatusOr<std::string> ParseAlertName(absl::string_view name) {
  constexpr absl::string_view kPrefix = "alerts/";
  if (name.empty()) return InvalidFieldError("name", "is required");
  if (!absl::StartsWith(name, kPrefix) || !report::IsUuid(name.substr(kPrefix.size()))) {
    return InvalidFieldError("name", "must be \"alerts/{uuid}\"");
  }
  return std::string(name.substr(kPrefix.size()));
}

// A subscriber's filter.
struct AlertFilter {
  std::optional<v1::Geofence::Circle> circle;
  absl::flat_hash_set<std::string> areas;
  absl::flat_hash_set<int> types;

  bool Matches(const internal::AlertChanged& changed) const {
    const v1::Alert& alert = changed.alert();
    if (!types.empty() && !types.contains(alert.type())) return false;
    if (circle) return DistanceMeters(circle->center(), alert.location()) <= circle->radius_meters();
    for (const std::string& code : changed.area_codes()) {
      if (areas.contains(code)) return true;
    }
    return false;
  }
};

absl::StatusOr<AlertFilter> ParseFilter(const geo::AreaIndex& index,
                                        const v1::SubscribeAlertsRequest& request) {
  std::vector<FieldViolation> v;
  AlertFilter filter;
  const v1::Geofence& fence = request.geofence();
  switch (fence.shape_case()) {
    case v1::Geofence::kCircle: {
      const v1::Geofence::Circle& c = fence.circle();
      if (!c.has_center() || !ValidLatLng(c.center())) {
        v.push_back({"geofence.circle.center", "is required: a WGS84 latitude and longitude"});
      }
      if (!(c.radius_meters() > 0 && c.radius_meters() <= AlertServiceImpl::kMaxRadiusMeters)) {
        v.push_back({"geofence.circle.radius_meters",
                     absl::StrCat("must be in (0, ", AlertServiceImpl::kMaxRadiusMeters, "]")});
      }
      filter.circle = c;
      break;
    }
    case v1::Geofence::kAreas: {
      const auto& codes = fence.areas().codes();
      if (codes.empty() || codes.size() > AlertServiceImpl::kMaxAreaCodes) {
        v.push_back({"geofence.areas.codes",
                     absl::StrCat("must hold 1-", AlertServiceImpl::kMaxAreaCodes, " area codes")});
      }
      for (int i = 0; i < codes.size(); ++i) {
        if (index.Find(codes[i]) == nullptr) {
          v.push_back({absl::StrCat("geofence.areas.codes[", i, "]"), "is not a known area code"});
        }
        filter.areas.insert(codes[i]);
      }
      break;
    }
    default:
      v.push_back({"geofence", "is required: a circle or area codes"});
  }
  for (int i = 0; i < request.types_size(); ++i) {
    if (request.types(i) == v1::ALERT_TYPE_UNSPECIFIED || !v1::AlertType_IsValid(request.types(i))) {
      v.push_back({absl::StrCat("types[", i, "]"), "is not an alert type"});
    }
    filter.types.insert(request.types(i));
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  return filter;
}

}  // namespace

void AlertServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.AlertService/PublishAlert", this, &AlertServiceImpl::Publish);
  table->Unary("/wijkwacht.v1.AlertService/AckAlert", this, &AlertServiceImpl::Ack);
  table->Unary("/wijkwacht.v1.AlertService/ResolveAlert", this, &AlertServiceImpl::Resolve);
  table->Unary("/wijkwacht.v1.AlertService/RetractAlert", this, &AlertServiceImpl::Retract);
  table->Stream<v1::SubscribeAlertsRequest, v1::AlertEvent>(
      "/wijkwacht.v1.AlertService/SubscribeAlerts",
      [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
        return SubscribeAlerts(context, request);
      });
}

void AlertServiceImpl::Publish(const Caller& caller, const v1::PublishAlertRequest& request,
                               v1::Alert* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  if (request.alert_id().empty()) {
    v.push_back({"alert_id", "is required: a client-generated UUID"});
  } else if (!report::IsUuid(request.alert_id())) {
    v.push_back({"alert_id", "must be a UUID (8-4-4-4-12 hex digits)"});
  }
  if (request.type() == v1::ALERT_TYPE_UNSPECIFIED || !v1::AlertType_IsValid(request.type())) {
    v.push_back({"type", "is required: an alert type"});
  }
  CheckText(&v, "description", request.description(), true, kMaxTextBytes);
  std::optional<geo::AreaMatch> match;
  if (!request.has_location()) {
    v.push_back({"location", "is required"});
  } else {
    absl::StatusOr<geo::AreaMatch> m =
        parts_.areas->Locate(request.location().latitude(), request.location().longitude());
    if (m.ok()) {
      match = *std::move(m);
    } else if (absl::IsNotFound(m.status())) {
      v.push_back({"location", "lies outside the gemeenten this service covers"});
    } else {
      std::vector<FieldViolation> inner = GetFieldViolations(m.status());
      if (inner.empty()) return done(m.status());
      for (FieldViolation& f : inner) v.push_back({"location." + f.field, f.description});
    }
  }
  if (!request.photo_ref().empty() &&
      (!absl::StartsWith(request.photo_ref(), "photos/") ||
       !report::IsUuid(absl::string_view(request.photo_ref()).substr(7)))) {
    v.push_back({"photo_ref", "must be \"photos/{uuid}\", the reference of an uploaded photo"});
  }
  absl::Duration ttl = kDefaultTtl;
  if (request.has_ttl()) {
    const google::protobuf::Duration& d = request.ttl();
    if (d.nanos() <= -1000000000 || d.nanos() >= 1000000000 ||
        (d.seconds() > 0 && d.nanos() < 0) || (d.seconds() < 0 && d.nanos() > 0)) {
      v.push_back({"ttl", "is not a valid duration"});
    } else {
      ttl = absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
      if (ttl < kMinTtl || ttl > kMaxTtl) {
        v.push_back({"ttl", "must be between 1 minute and 24 hours"});
      }
    }
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));

  storage::NewAlert input;
  input.id = request.alert_id();
  input.ttl = ttl;
  input.publisher = caller.reporter;
  v1::Alert& alert = input.alert;
  alert.set_type(request.type());
  alert.set_description(request.description());
  *alert.mutable_location() = request.location();
  alert.set_photo_ref(request.photo_ref());
  v1::AreaRef& area = *alert.mutable_area();
  area.set_gemeente_code(match->gemeente_code);
  area.set_wijk_code(match->wijk_code);
  area.set_buurt_code(match->buurt_code);
  for (const std::string& code :
       {match->gemeente_code, match->wijk_code, match->buurt_code}) {
    if (!code.empty()) input.area_codes.push_back(code);
  }
  for (const std::string& code : match->focus_areas) {
    area.add_focus_areas(code);
    input.area_codes.push_back(code);
  }
  parts_.alerts->PublishAsync(std::move(input), [response, done = std::move(done)](
                                                    absl::StatusOr<storage::PublishOutcome> out) {
    if (out.ok()) *response = std::move(out->alert);
    done(out.status());
  });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* AlertServiceImpl::SubscribeAlerts(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  const auto refuse = RefuseStream;
  v1::SubscribeAlertsRequest request_message;
  const v1::SubscribeAlertsRequest* request = &request_message;
  std::shared_ptr<StreamLease> lease;
  absl::StatusOr<Caller> caller = AdmitStream(*parts_.gate, "/wijkwacht.v1.AlertService/SubscribeAlerts",
                                              *context, *raw_request, &request_message, &lease);
  if (!caller.ok()) return refuse(caller.status());
  absl::StatusOr<AlertFilter> filter = ParseFilter(*parts_.areas, *request);
  if (!filter.ok()) return refuse(filter.status());
  uint64_t after = parts_.feed->FirstRetainedSequence();
  if (!request->resume_cursor().empty()) {
    absl::StatusOr<uint64_t> resume =
        storage::DecodeCursor(request->resume_cursor(), "resume_cursor");
    if (!resume.ok()) return refuse(resume.status());
    if (*resume > parts_.feed->LastSequence()) {
      return refuse(InvalidFieldError("resume_cursor", "lies beyond the newest change"));
    }
    after = *resume;
  }
  auto f = std::make_shared<const AlertFilter>(*std::move(filter));
  const Clock* clock = parts_.clock;
  LogStream<v1::AlertEvent>::Options options;
  options.lease = std::move(lease);
  options.observer = parts_.gate->observer();
  options.method = "/wijkwacht.v1.AlertService/SubscribeAlerts";
  return LogStream<v1::AlertEvent>::Start(
      parts_.feed, parts_.workers, after,
      [f, clock](const internal::ChangeEvent& event, std::vector<v1::AlertEvent>* out) {
        const internal::AlertChanged* changed = nullptr;
        switch (event.event_case()) {
          case internal::ChangeEvent::kAlertPublished:
            changed = &event.alert_published();
            break;
          case internal::ChangeEvent::kAlertResolved:
            changed = &event.alert_resolved();
            break;
          case internal::ChangeEvent::kAlertRetracted:
            changed = &event.alert_retracted();
            break;
          default:
            return absl::OkStatus();
        }
        if (!f->Matches(*changed)) return absl::OkStatus();
        v1::Alert alert = storage::EffectiveAlert(changed->alert(), clock->Now());
        if (alert.state() == v1::EXPIRED) return absl::OkStatus();
        v1::AlertEvent& e = out->emplace_back();
        e.set_cursor(storage::EncodeCursor(event.sequence()));
        *e.mutable_alert() = std::move(alert);
        return absl::OkStatus();
      },
      {}, std::move(options));
}

void AlertServiceImpl::Ack(const Caller& caller, const v1::AckAlertRequest& request,
                           v1::AckAlertResponse* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseAlertName(request.name());
  if (!id.ok()) return done(id.status());
  if (request.kind() != v1::AckAlertRequest::DELIVERED &&
      request.kind() != v1::AckAlertRequest::SEEN) {
    return done(InvalidFieldError("kind", "is required: DELIVERED or SEEN"));
  }
  parts_.alerts->AckAsync(*std::move(id), caller.reporter,
                          request.kind() == v1::AckAlertRequest::SEEN,
                          [done = std::move(done)](absl::StatusOr<bool> ok) { done(ok.status()); });
}

void AlertServiceImpl::Resolve(const Caller& caller, const v1::ResolveAlertRequest& request,
                               v1::Alert* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseAlertName(request.name());
  if (!id.ok()) return done(id.status());
  std::vector<FieldViolation> v;
  CheckText(&v, "outcome", request.outcome(), true, kMaxTextBytes);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.alerts->ResolveAsync(*std::move(id), request.outcome(), caller.reporter, caller.IsStaff(),
                              [response, done = std::move(done)](absl::StatusOr<v1::Alert> a) {
                                if (a.ok()) *response = *std::move(a);
                                done(a.status());
                              });
}

void AlertServiceImpl::Retract(const Caller& caller, const v1::RetractAlertRequest& request,
                               v1::Alert* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseAlertName(request.name());
  if (!id.ok()) return done(id.status());
  std::vector<FieldViolation> v;
  CheckText(&v, "reason", request.reason(), false, kMaxTextBytes);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.alerts->RetractAsync(*std::move(id), request.reason(), caller.reporter,
                              [response, done = std::move(done)](absl::StatusOr<v1::Alert> a) {
                                if (a.ok()) *response = *std::move(a);
                                done(a.status());
                              });
}

}  // namespace wijkwacht::services
