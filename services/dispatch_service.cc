#include "services/dispatch_service.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/action_plan_service.h"
#include "services/log_stream.h"
#include "services/report_mapping.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 50;
constexpr size_t kMaxIncidentIdBytes = 100;
constexpr size_t kMaxFeedbackBytes = 2000;
constexpr size_t kMaxCommentBytes = 2000;
constexpr int kMaxMerged = 100;

// "incidents/{id}" -> id.
absl::StatusOr<std::string> ParseIncidentName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  if (name.empty()) return InvalidFieldError(field, "is required: \"incidents/{id}\"");
  if (!absl::ConsumePrefix(&id, "incidents/") || id.empty() || id.size() > kMaxIncidentIdBytes) {
    return InvalidFieldError(field, "must be \"incidents/{id}\"");
  }
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return InvalidFieldError(field, "must be \"incidents/{id}\" (id of a-z, 0-9 and '-')");
    }
  }
  return std::string(id);
}

storage::DispatchActor ActorOf(const Caller& caller) { return {caller.subject}; }

int PageSize(int requested, int max) {
  return requested == 0 ? kDefaultPageSize : std::min(requested, max);
}

}  // namespace

void DispatchServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.DispatchService/GetIncident", this, &DispatchServiceImpl::Get);
  table->Unary("/wijkwacht.v1.DispatchService/ListIncidents", this, &DispatchServiceImpl::List);
  table->Unary("/wijkwacht.v1.DispatchService/ClaimIncident", this, &DispatchServiceImpl::Claim);
  table->Unary("/wijkwacht.v1.DispatchService/AssignIncident", this, &DispatchServiceImpl::Assign);
  table->Unary("/wijkwacht.v1.DispatchService/TransitionIncident", this, &DispatchServiceImpl::Transition);
  table->Unary("/wijkwacht.v1.DispatchService/MergeIncidents", this, &DispatchServiceImpl::Merge);
  table->Unary("/wijkwacht.v1.DispatchService/SplitReport", this, &DispatchServiceImpl::Split);
  table->Unary("/wijkwacht.v1.DispatchService/ReclassifyIncident", this, &DispatchServiceImpl::Reclassify);
  table->Unary("/wijkwacht.v1.DispatchService/SendFeedback", this, &DispatchServiceImpl::Feedback);
  table->Unary("/wijkwacht.v1.DispatchService/GetAuditLog", this, &DispatchServiceImpl::AuditLog);
  table->Stream<v1::WatchQueueRequest, v1::QueueEvent>(
      "/wijkwacht.v1.DispatchService/WatchQueue",
      [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
        return WatchQueue(context, request);
      });
}

absl::Time DispatchServiceImpl::Now() const {
  return (parts_.clock != nullptr ? parts_.clock : SystemClock())->Now();
}

v1::Incident DispatchServiceImpl::ToProto(const internal::StoredIncident& stored) const {
  v1::Incident incident = stored.incident();
  const absl::Time created =
      absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(incident.create_time()));
  incident.set_priority(dispatch::Priority(static_cast<catalog::Theme>(incident.theme()),
                                           stored.report_count(), incident.needs_review(),
                                           /*early_warning=*/false, Now() - created));
  return incident;
}

void DispatchServiceImpl::RunAction(
    std::function<absl::StatusOr<internal::StoredIncident>()> action, v1::Incident* response,
    UnaryDone done) {
  parts_.workers->Schedule([this, action = std::move(action), response, done = std::move(done)] {
    absl::StatusOr<internal::StoredIncident> stored = action();
    if (!stored.ok()) return done(stored.status());
    if (stored->incident().reports_size() == 0 && stored->report_count() > 0) {
      // Actions return the record as written; the answer lists the members like GetIncident.
      absl::string_view id = stored->incident().name();
      id.remove_prefix(std::min(id.size(), sizeof("incidents/") - 1));
      absl::StatusOr<internal::StoredIncident> with_members = parts_.store->Get(id);
      if (with_members.ok()) stored = std::move(with_members);
    }
    *response = ToProto(*stored);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::Get(const Caller&, const v1::GetIncidentRequest& request,
                              v1::Incident* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  RunAction([this, id = *id] { return parts_.store->Get(id); }, response, std::move(done));
}

void DispatchServiceImpl::List(const Caller&, const v1::ListIncidentsRequest& request,
                               v1::ListIncidentsResponse* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  if (request.page_size() < 0) v.push_back({"page_size", "must not be negative"});
  if (!v1::IncidentStatus_IsValid(request.status())) {
    v.push_back({"status", absl::StrCat("has unknown value ", request.status())});
  }
  if (!v1::Theme_IsValid(request.theme())) {
    v.push_back({"theme", absl::StrCat("has unknown value ", request.theme())});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  storage::IncidentQuery query;
  query.status = request.status();
  query.theme = request.theme();
  query.area_code = request.area_code();
  query.page_size = PageSize(request.page_size(), storage::kMaxIncidentPageSize);
  query.page_token = request.page_token();
  parts_.workers->Schedule([this, query = std::move(query), response, done = std::move(done)] {
    absl::StatusOr<storage::IncidentPage> page = parts_.store->List(query);
    if (!page.ok()) return done(page.status());
    for (const internal::StoredIncident& stored : page->incidents) {
      *response->add_incidents() = ToProto(stored);
    }
    response->set_next_page_token(page->next_page_token);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::Claim(const Caller& caller, const v1::ClaimIncidentRequest& request,
                                v1::Incident* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  RunAction([this, id = *id, version = request.version(), actor = ActorOf(caller)] {
    return parts_.store->Claim(id, version, actor);
  }, response, std::move(done));
}

void DispatchServiceImpl::Assign(const Caller& caller, const v1::AssignIncidentRequest& request,
                                 v1::Incident* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  if (request.team() == v1::TEAM_UNSPECIFIED || !v1::Team_IsValid(request.team())) {
    v.push_back({"team", "is required: HANDHAVING, POLICE_LIAISON or PUBLIC_SPACE"});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  RunAction([this, id = *id, version = request.version(),
             team = static_cast<dispatch::Team>(request.team()), actor = ActorOf(caller)] {
    return parts_.store->Assign(id, version, team, actor);
  }, response, std::move(done));
}

void DispatchServiceImpl::Transition(const Caller& caller,
                                     const v1::TransitionIncidentRequest& request,
                                     v1::Incident* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  if (request.comment().size() > kMaxCommentBytes) {
    v.push_back({"comment", absl::StrCat("must be at most ", kMaxCommentBytes, " bytes")});
  }
  // Enforcement outcomes of a resolution (services/action_plan_service.h).
  absl::StatusOr<storage::DispatchStore::AlsoStage> enforcement =
      EnforcementOnResolve(request.enforcement(), request.target_status());
  if (!enforcement.ok()) {
    for (FieldViolation& f : GetFieldViolations(enforcement.status())) v.push_back(std::move(f));
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  // target_status is checked by dispatch::CheckTransition (field-named INVALID_ARGUMENT).
  RunAction([this, id = *id, version = request.version(),
             target = static_cast<dispatch::IncidentStatus>(request.target_status()),
             comment = request.comment(), actor = ActorOf(caller),
             also = *std::move(enforcement)] {
    return parts_.store->Transition(id, version, target, comment, actor, also);
  }, response, std::move(done));
}

void DispatchServiceImpl::Merge(const Caller& caller, const v1::MergeIncidentsRequest& request,
                                v1::Incident* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  std::vector<std::string> merged;
  if (request.merged_size() == 0) v.push_back({"merged", "must name at least one incident"});
  if (request.merged_size() > kMaxMerged) {
    v.push_back({"merged", absl::StrCat("may name at most ", kMaxMerged, " incidents")});
  }
  for (int i = 0; i < request.merged_size(); ++i) {
    absl::StatusOr<std::string> m =
        ParseIncidentName(request.merged(i), absl::StrCat("merged[", i, "]"));
    if (!m.ok()) {
      v.push_back(GetFieldViolations(m.status()).front());
    } else {
      merged.push_back(*m);
    }
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  RunAction([this, id = *id, version = request.version(), merged = std::move(merged),
             actor = ActorOf(caller)] {
    return parts_.store->Merge(id, version, merged, actor);
  }, response, std::move(done));
}

void DispatchServiceImpl::Split(const Caller& caller, const v1::SplitReportRequest& request,
                                v1::Incident* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.incident(), "incident");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  absl::StatusOr<std::string> report = ParseReportName(request.report(), "report");
  if (!report.ok()) v.push_back(GetFieldViolations(report.status()).front());
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  RunAction([this, id = *id, version = request.version(), report = *report,
             actor = ActorOf(caller)] {
    return parts_.store->Split(id, version, report, actor);
  }, response, std::move(done));
}

void DispatchServiceImpl::Reclassify(const Caller& caller,
                                     const v1::ReclassifyIncidentRequest& request,
                                     v1::Incident* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  if (request.theme() == v1::THEME_UNSPECIFIED || !v1::Theme_IsValid(request.theme())) {
    v.push_back({"theme", "is required: LIVEABILITY, YOUTH, SUBVERSION, PHYSICAL_BUSINESS or "
                          "OTHER"});
  }
  if (!request.category().empty() && parts_.catalog != nullptr &&
      parts_.catalog->Find(request.category()) == nullptr) {
    v.push_back({"category", "is not a known category code (see ListCategories)"});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  RunAction([this, id = *id, version = request.version(), theme = static_cast<int>(request.theme()),
             category = request.category(), actor = ActorOf(caller)] {
    return parts_.store->Reclassify(id, version, theme, category, actor);
  }, response, std::move(done));
}

void DispatchServiceImpl::Feedback(const Caller& caller, const v1::SendFeedbackRequest& request,
                                   v1::SendFeedbackResponse* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  // Valid UTF-8 is guaranteed by parsing (ParseRequest names the field otherwise).
  if (request.message().empty() || request.message().size() > kMaxFeedbackBytes) {
    v.push_back({"message", absl::StrCat("must be 1 to ", kMaxFeedbackBytes, " bytes")});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.workers->Schedule([this, id = *id, message = request.message(), actor = ActorOf(caller),
                            response, done = std::move(done)] {
    absl::StatusOr<int> recipients = parts_.store->SendFeedback(id, message, actor);
    if (!recipients.ok()) return done(recipients.status());
    response->set_recipients(*recipients);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::AuditLog(const Caller&, const v1::GetAuditLogRequest& request,
                                   v1::GetAuditLogResponse* response, UnaryDone done) {
  if (request.page_size() < 0) return done(InvalidFieldError("page_size", "must not be negative"));
  const int page_size = PageSize(request.page_size(), storage::kMaxAuditPageSize);
  parts_.workers->Schedule([this, page_size, token = request.page_token(), response,
                            done = std::move(done)] {
    absl::StatusOr<storage::AuditPage> page = parts_.store->AuditLog(page_size, token);
    if (!page.ok()) return done(page.status());
    for (v1::AuditEntry& e : page->entries) *response->add_entries() = std::move(e);
    response->set_next_page_token(page->next_page_token);
    done(absl::OkStatus());
  });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* DispatchServiceImpl::WatchQueue(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  const auto refuse = RefuseStream;
  v1::WatchQueueRequest request_message;
  const v1::WatchQueueRequest* request = &request_message;
  std::shared_ptr<StreamLease> lease;
  absl::StatusOr<Caller> caller = AdmitStream(*parts_.gate, "/wijkwacht.v1.DispatchService/WatchQueue",
                                              *context, *raw_request, &request_message, &lease);
  if (!caller.ok()) return refuse(caller.status());
  absl::StatusOr<uint64_t> after =
      storage::DecodeCursor(request->resume_cursor(), "resume_cursor");
  if (!after.ok()) return refuse(after.status());
  if (*after > parts_.feed->LastSequence()) {
    return refuse(InvalidFieldError("resume_cursor", "lies beyond the newest change"));
  }
  LogStream<v1::QueueEvent>::Options options;
  options.lease = std::move(lease);
  options.observer = parts_.gate->observer();
  options.method = "/wijkwacht.v1.DispatchService/WatchQueue";
  return LogStream<v1::QueueEvent>::Start(
      parts_.feed, parts_.workers, *after,
      [this](const internal::ChangeEvent& event, std::vector<v1::QueueEvent>* out) {
        std::string incident_name;
        v1::QueueEvent::Reason reason = v1::QueueEvent::UPDATED;
        if (event.has_report_created()) {
          if (!event.report_created().incident_opened()) return absl::OkStatus();
          incident_name = event.report_created().incident();
          reason = v1::QueueEvent::NEW;
        } else if (event.has_incident_changed()) {
          incident_name = event.incident_changed().incident();
        } else {
          return absl::OkStatus();
        }
        absl::string_view id = incident_name;
        if (!absl::ConsumePrefix(&id, "incidents/")) return absl::OkStatus();
        absl::StatusOr<internal::StoredIncident> stored = parts_.store->Get(id);
        if (absl::IsNotFound(stored.status())) return absl::OkStatus();
        if (!stored.ok()) return stored.status();
        if (reason == v1::QueueEvent::NEW && stored->incident().needs_review()) {
          reason = v1::QueueEvent::NEEDS_REVIEW;
        }
        v1::QueueEvent& e = out->emplace_back();
        e.set_cursor(storage::EncodeCursor(event.sequence()));
        e.set_reason(reason);
        *e.mutable_incident() = ToProto(*stored);
        return absl::OkStatus();
      },
      {}, std::move(options));
}

}  // namespace wijkwacht::services
