#include "services/dispatch_service.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "domain/classify/theme_classifier.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/action_plan_service.h"
#include "services/log_stream.h"
#include "services/report_mapping.h"
#include "domain/access/need_to_know.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 50;
constexpr char kListIncidents[] = "ListIncidents";
constexpr char kGetAuditLog[] = "GetAuditLog";
constexpr char kGetIncidentHistory[] = "GetIncidentHistory";
constexpr size_t kMaxSearchTextBytes = 200;
constexpr size_t kMaxReportsSearched = 200;
constexpr size_t kMaxIncidentIdBytes = 100;
constexpr size_t kMaxFeedbackBytes = 2000;
constexpr size_t kMaxQuestionBytes = 1000;
constexpr size_t kMaxCommentBytes = 2000;
constexpr int kMaxMerged = 100;
constexpr size_t kMinReasonBytes = 5;
constexpr size_t kMaxReasonBytes = 500;

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
  table->Unary("/wijkwacht.v1.DispatchService/GetIncidentHistory", this,
               &DispatchServiceImpl::History);
  table->Unary("/wijkwacht.v1.DispatchService/GetReporterContact", this,
               &DispatchServiceImpl::ReporterContact);
  table->Unary("/wijkwacht.v1.DispatchService/PurgeIncident", this, &DispatchServiceImpl::Purge);
  table->Unary("/wijkwacht.v1.DispatchService/ListDeletions", this,
               &DispatchServiceImpl::Deletions);
  table->Unary("/wijkwacht.v1.DispatchService/AskReporter", this,
               &DispatchServiceImpl::AskReporter);
  table->Unary("/wijkwacht.v1.DispatchService/SetRoutingRules", this,
               &DispatchServiceImpl::SetRoutingRules);
  table->Unary("/wijkwacht.v1.DispatchService/ListRoutingRules", this,
               &DispatchServiceImpl::ListRoutingRules);
  table->Unary("/wijkwacht.v1.DispatchService/ExplainRouting", this,
               &DispatchServiceImpl::ExplainRouting);
  table->Unary("/wijkwacht.v1.DispatchService/SetHandlingTargets", this,
               &DispatchServiceImpl::SetHandlingTargets);
  table->Unary("/wijkwacht.v1.DispatchService/ListHandlingTargets", this,
               &DispatchServiceImpl::ListHandlingTargets);
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
  // Records written before `department` existed carry only assigned_department.
  if (incident.department().empty()) incident.set_department(incident.assigned_department());
  incident.set_overdue(storage::IsOverdue(incident, Now()));
  return incident;
}

absl::StatusOr<Visibility> DispatchServiceImpl::VisibilityOf(const Caller& caller) const {
  return VisibilityFor(caller, parts_.identities, parts_.directory);
}

absl::Status DispatchServiceImpl::CheckNeedToKnow(const Caller& caller,
                                                  const std::vector<std::string>& ids) const {
  WW_ASSIGN_OR_RETURN(Visibility visibility, VisibilityOf(caller));
  if (visibility.SeesEverything()) return absl::OkStatus();
  for (const std::string& id : ids) {
    absl::StatusOr<internal::StoredIncident> stored = parts_.store->Get(id);
    if (absl::IsNotFound(stored.status())) continue;
    WW_RETURN_IF_ERROR(stored.status());
    if (!visibility.MaySee(stored->incident())) {
      return absl::NotFoundError(absl::StrCat("incidents/", id, " does not exist"));
    }
  }
  return absl::OkStatus();
}

void DispatchServiceImpl::RunAction(
    const Caller& caller, std::vector<std::string> ids,
    std::function<absl::StatusOr<internal::StoredIncident>()> action, v1::Incident* response,
    UnaryDone done) {
  parts_.workers->Schedule([this, caller, ids = std::move(ids), action = std::move(action),
                            response, done = std::move(done)] {
    if (absl::Status allowed = CheckNeedToKnow(caller, ids); !allowed.ok()) return done(allowed);
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

void DispatchServiceImpl::Get(const Caller& caller, const v1::GetIncidentRequest& request,
                              v1::Incident* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  RunAction(caller, {*id}, [this, id = *id] { return parts_.store->Get(id); }, response,
            std::move(done));
}

void DispatchServiceImpl::List(const Caller& caller, const v1::ListIncidentsRequest& request,
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
  absl::StatusOr<std::string> token =
      page_tokens_.Open(kListIncidents, caller.subject, request.page_token());
  if (!token.ok()) return done(token.status());
  query.page_token = *std::move(token);
  query.overdue = request.overdue();
  query.now = Now();
  if (!request.text().empty()) {
    if (request.text().size() > kMaxSearchTextBytes) {
      return done(InvalidFieldError("text", absl::StrCat("must be at most ", kMaxSearchTextBytes,
                                                         " bytes")));
    }
    query.text = classify::NormaliseForModel(request.text());
    if (query.text.empty()) {
      return done(InvalidFieldError("text", "has no letters or digits to search for"));
    }
  }
  if (!request.department().empty()) {
    absl::StatusOr<std::string> department =
        access::ParseDepartmentName(request.department(), "department");
    if (!department.ok()) return done(department.status());
    query.department = request.department();
  }
  parts_.workers->Schedule([this, caller, query = std::move(query), response,
                            done = std::move(done)]() mutable {
    absl::StatusOr<Visibility> visibility = VisibilityOf(caller);
    if (!visibility.ok()) return done(visibility.status());
    if (!visibility->SeesEverything()) {
      query.visible = [visibility = *visibility](const internal::StoredIncident& stored) {
        return visibility.MaySee(stored.incident());
      };
    }
    absl::flat_hash_map<std::string, bool> erased;  // per reporter, for this call
    if (!query.text.empty()) {
      query.text_matches = [this, words = std::vector<std::string>(absl::StrSplit(query.text, ' ')),
                            &erased](const internal::StoredIncident& stored) {
        return TextMatches(stored, words, erased);
      };
    }
    // Taken before the read: whatever the page misses comes after this position.
    const uint64_t position = parts_.feed->LastSequence();
    absl::StatusOr<storage::IncidentPage> page = parts_.store->List(query);
    if (!page.ok()) return done(page.status());
    for (const internal::StoredIncident& stored : page->incidents) {
      *response->add_incidents() = ToProto(stored);
    }
    response->set_next_page_token(
        page_tokens_.Sign(kListIncidents, caller.subject, page->next_page_token));
    response->set_watch_cursor(storage::EncodeCursor(position));
    done(absl::OkStatus());
  });
}

absl::StatusOr<bool> DispatchServiceImpl::TextMatches(
    const internal::StoredIncident& stored, const std::vector<std::string>& words,
    absl::flat_hash_map<std::string, bool>& erased) const {
  std::vector<bool> found(words.size(), false);
  size_t left = words.size();
  const auto look = [&](absl::string_view text) {
    const std::string normalised = classify::NormaliseForModel(text);
    for (size_t i = 0; i < words.size(); ++i) {
      if (!found[i] && absl::StrContains(normalised, words[i])) {
        found[i] = true;
        --left;
      }
    }
    return left == 0;
  };
  // The title the desk sees: the category's name (and the code, which the app may show).
  if (const catalog::Category* category = parts_.catalog != nullptr
                                              ? parts_.catalog->Find(stored.incident().category())
                                              : nullptr) {
    if (look(category->name)) return true;
  }
  absl::string_view id = stored.incident().name();
  absl::ConsumePrefix(&id, "incidents/");
  WW_ASSIGN_OR_RETURN(std::vector<storage::DispatchStore::MemberText> members,
                      parts_.store->MemberTexts(id, kMaxReportsSearched));
  for (const storage::DispatchStore::MemberText& m : members) {
    if (m.description.empty()) continue;
    // A reporter's erasure hides their reports' text (ReportService): not searched either.
    if (parts_.sealed != nullptr && storage::IsPseudonym(m.reporter)) {
      auto [it, inserted] = erased.try_emplace(m.reporter, false);
      if (inserted) {
        WW_ASSIGN_OR_RETURN(it->second, parts_.sealed->IsErased(m.reporter));
      }
      if (it->second) continue;
    }
    if (look(m.description)) return true;
  }
  return false;
}

void DispatchServiceImpl::Claim(const Caller& caller, const v1::ClaimIncidentRequest& request,
                                v1::Incident* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  RunAction(caller, {*id}, [this, id = *id, version = request.version(), actor = ActorOf(caller)] {
    return parts_.store->Claim(id, version, actor);
  }, response, std::move(done));
}

void DispatchServiceImpl::Assign(const Caller& caller, const v1::AssignIncidentRequest& request,
                                 v1::Incident* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  std::string department;
  if (!request.department().empty()) {
    absl::StatusOr<std::string> parsed =
        access::ParseDepartmentName(request.department(), "department");
    if (!parsed.ok()) {
      v.push_back(GetFieldViolations(parsed.status()).front());
    } else {
      department = *std::move(parsed);
    }
    if (request.team() != v1::TEAM_UNSPECIFIED) {
      v.push_back({"team", "must be unset when department is set (team is deprecated)"});
    }
  } else if (request.team() == v1::TEAM_UNSPECIFIED || !v1::Team_IsValid(request.team())) {
    v.push_back({"department", "is required: \"departments/{id}\" (or the deprecated team: "
                               "HANDHAVING, POLICE_LIAISON or PUBLIC_SPACE)"});
  } else {
    department = std::string(dispatch::TeamDepartment(static_cast<dispatch::Team>(request.team())));
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  RunAction(caller, {*id}, [this, id = *id, version = request.version(), department,
                            actor = ActorOf(caller)]() -> absl::StatusOr<internal::StoredIncident> {
    if (parts_.directory != nullptr) {
      absl::StatusOr<bool> exists = parts_.directory->HasDepartment(department);
      if (!exists.ok()) return exists.status();
      if (!*exists) {
        return InvalidFieldError("department",
                                 "is not an existing department (see ListDepartments)");
      }
    }
    return parts_.store->Assign(id, version, department, actor);
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
  RunAction(caller, {*id}, [this, id = *id, version = request.version(),
             target = static_cast<dispatch::IncidentStatus>(request.target_status()),
             comment = request.comment(), actor = ActorOf(caller),
             also = *std::move(enforcement)]() -> absl::StatusOr<internal::StoredIncident> {
    absl::StatusOr<internal::StoredIncident> changed =
        parts_.store->Transition(id, version, target, comment, actor, also);
    if (changed.ok()) ReporterStatusChanged(*changed);
    return changed;
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
  std::vector<std::string> named = merged;
  named.push_back(*id);
  RunAction(caller, std::move(named), [this, id = *id, version = request.version(), merged = std::move(merged),
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
  RunAction(caller, {*id}, [this, id = *id, version = request.version(), report = *report,
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
  RunAction(caller, {*id}, [this, id = *id, version = request.version(), theme = static_cast<int>(request.theme()),
             category = request.category(), actor = ActorOf(caller)] {
    return parts_.store->Reclassify(id, version, theme, category, actor,
                                    parts_.desk != nullptr ? parts_.desk->Reroute() : nullptr);
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
  parts_.workers->Schedule([this, caller, id = *id, message = request.message(),
                            actor = ActorOf(caller), response, done = std::move(done)] {
    if (absl::Status allowed = CheckNeedToKnow(caller, {id}); !allowed.ok()) return done(allowed);
    absl::StatusOr<int> recipients = parts_.store->SendFeedback(id, message, actor);
    if (!recipients.ok()) return done(recipients.status());
    response->set_recipients(*recipients);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::ReporterQuestionAsked(const internal::QuestionAsked& asked) const {
  if (parts_.on_question_asked) parts_.on_question_asked(asked);
}

void DispatchServiceImpl::ReporterStatusChanged(const internal::StoredIncident& incident) const {
  if (parts_.on_status_changed) parts_.on_status_changed(incident);
}

void DispatchServiceImpl::AskReporter(const Caller& caller, const v1::AskReporterRequest& request,
                                      v1::AskReporterResponse* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  std::string report;
  if (!request.report().empty()) {
    absl::StatusOr<std::string> parsed = ParseReportName(request.report(), "report");
    if (!parsed.ok()) {
      v.push_back(GetFieldViolations(parsed.status()).front());
    } else {
      report = *parsed;
    }
  }
  if (absl::StripAsciiWhitespace(request.question()).empty() ||
      request.question().size() > kMaxQuestionBytes) {
    v.push_back({"question", absl::StrCat("must be 1 to ", kMaxQuestionBytes, " bytes")});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  if (parts_.dialog == nullptr) {
    return done(absl::FailedPreconditionError("questions are not kept on this server"));
  }
  parts_.workers->Schedule([this, caller, id = *id, report, question = request.question(),
                            actor = ActorOf(caller), response, done = std::move(done)] {
    if (absl::Status allowed = CheckNeedToKnow(caller, {id}); !allowed.ok()) return done(allowed);
    storage::ReporterDialogStore::Reachable reachable;
    if (parts_.sealed != nullptr) {
      reachable = [sealed = parts_.sealed](const std::string& reporter) -> absl::StatusOr<bool> {
        if (!storage::IsPseudonym(reporter)) return true;
        absl::StatusOr<bool> erased = sealed->IsErased(reporter);
        if (!erased.ok()) return erased.status();
        return !*erased;
      };
    }
    absl::StatusOr<storage::AskOutcome> asked =
        parts_.dialog->Ask(id, report, question, actor, std::move(reachable));
    if (!asked.ok()) return done(asked.status());
    ReporterQuestionAsked(asked->asked);
    response->set_question(asked->asked.question());
    response->set_recipients(asked->asked.recipients_size());
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::AuditLog(const Caller& caller, const v1::GetAuditLogRequest& request,
                                   v1::GetAuditLogResponse* response, UnaryDone done) {
  if (request.page_size() < 0) return done(InvalidFieldError("page_size", "must not be negative"));
  const int page_size = PageSize(request.page_size(), storage::kMaxAuditPageSize);
  absl::StatusOr<std::string> token =
      page_tokens_.Open(kGetAuditLog, caller.subject, request.page_token());
  if (!token.ok()) return done(token.status());
  parts_.workers->Schedule([this, page_size, token = *std::move(token), subject = caller.subject,
                            response, done = std::move(done)] {
    absl::StatusOr<storage::AuditPage> page = parts_.store->AuditLog(page_size, token);
    if (!page.ok()) return done(page.status());
    for (v1::AuditEntry& e : page->entries) *response->add_entries() = std::move(e);
    response->set_next_page_token(page_tokens_.Sign(kGetAuditLog, subject, page->next_page_token));
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::History(const Caller& caller,
                                  const v1::GetIncidentHistoryRequest& request,
                                  v1::GetIncidentHistoryResponse* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  if (request.page_size() < 0) return done(InvalidFieldError("page_size", "must not be negative"));
  const int page_size = PageSize(request.page_size(), storage::kMaxAuditPageSize);
  // The token is bound to the caller and to this incident.
  const std::string rpc = absl::StrCat(kGetIncidentHistory, " for incidents/", *id);
  absl::StatusOr<std::string> token = page_tokens_.Open(rpc, caller.subject, request.page_token());
  if (!token.ok()) return done(token.status());
  parts_.workers->Schedule([this, caller, id = *id, page_size, token = *std::move(token), rpc,
                            response, done = std::move(done)] {
    // Exists and the caller may see it: otherwise NOT_FOUND, the same for both.
    absl::StatusOr<internal::StoredIncident> stored = parts_.store->Get(id);
    if (!stored.ok()) return done(stored.status());
    absl::StatusOr<Visibility> visibility = VisibilityOf(caller);
    if (!visibility.ok()) return done(visibility.status());
    if (!visibility->SeesEverything() && !visibility->MaySee(stored->incident())) {
      return done(absl::NotFoundError(absl::StrCat("incidents/", id, " does not exist")));
    }
    absl::StatusOr<storage::AuditPage> page = parts_.store->IncidentHistory(id, page_size, token);
    if (!page.ok()) return done(page.status());
    // Need-to-know inside the entries: a merge or split names other incidents, which this
    // caller may not see (a missing one is not shown either).
    absl::flat_hash_map<std::string, bool> shown_cache;
    const auto shown = [&](absl::string_view other) {
      if (visibility->SeesEverything() || other == id) return true;
      auto [it, inserted] = shown_cache.try_emplace(other, false);
      if (inserted) {
        absl::StatusOr<internal::StoredIncident> o = parts_.store->Get(other);
        it->second = o.ok() && visibility->MaySee(o->incident());
      }
      return it->second;
    };
    for (v1::AuditEntry& e : page->entries) {
      if (storage::RedactIncidentNames(e, shown)) e.set_redacted(true);
      *response->add_entries() = std::move(e);
    }
    response->set_next_page_token(page_tokens_.Sign(rpc, caller.subject, page->next_page_token));
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::ReporterContact(const Caller& caller,
                                          const v1::GetReporterContactRequest& request,
                                          v1::ReporterContact* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseReportName(request.report(), "report");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  const absl::string_view reason = absl::StripAsciiWhitespace(request.reason());
  if (reason.size() < kMinReasonBytes || request.reason().size() > kMaxReasonBytes) {
    v.push_back({"reason", absl::StrCat("must say why, in ", kMinReasonBytes, " to ",
                                        kMaxReasonBytes, " bytes")});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  if (parts_.reports == nullptr || parts_.sealed == nullptr) {
    return done(absl::FailedPreconditionError(
        "contact details are not sealed on this server (no identity sealing)"));
  }
  parts_.workers->Schedule([this, caller, id = *id, reason = std::string(reason), response,
                            done = std::move(done)] {
    const std::string name = absl::StrCat("reports/", id);
    const absl::Status missing = absl::NotFoundError(absl::StrCat(name, " does not exist"));
    absl::StatusOr<internal::StoredReport> stored = parts_.reports->GetStored(id);
    if (!stored.ok()) return done(stored.status());
    absl::StatusOr<Visibility> visibility = VisibilityOf(caller);
    if (!visibility.ok()) return done(visibility.status());
    std::optional<v1::Incident> incident;
    absl::string_view incident_id = stored->report().incident_id();
    if (absl::ConsumePrefix(&incident_id, "incidents/")) {
      absl::StatusOr<internal::StoredIncident> found = parts_.store->Get(incident_id);
      if (found.ok()) {
        incident = found->incident();
      } else if (!absl::IsNotFound(found.status())) {
        return done(found.status());
      }
    }
    if (!visibility->MaySeeReport(stored->report(), incident ? &*incident : nullptr)) {
      return done(missing);
    }
    const absl::Status no_contact =
        absl::NotFoundError(absl::StrCat(name, " has no contact details"));
    if (!storage::IsPseudonym(stored->reporter())) return done(no_contact);
    absl::StatusOr<storage::RevealedIdentity> revealed = parts_.sealed->Reveal(stored->reporter());
    if (!revealed.ok()) return done(revealed.status());
    const storage::RevealedIdentity::Contact* contact = nullptr;
    for (const storage::RevealedIdentity::Contact& c : revealed->contacts) {
      if (c.report_id == id) contact = &c;
    }
    if (revealed->erased || contact == nullptr) return done(no_contact);
    const bool consent = contact->details.may_contact();
    if (absl::Status audited = parts_.store->Audit(
            ActorOf(caller), "GetReporterContact", name,
            absl::StrCat(consent ? "opened" : "refused: no consent", "; reason: ", reason));
        !audited.ok()) {
      return done(audited);
    }
    if (!consent) {
      return done(absl::FailedPreconditionError(absl::StrCat(
          name, ": the reporter did not consent to be contacted (contact.may_contact)")));
    }
    response->set_report(name);
    *response->mutable_contact() = contact->details;
    *response->mutable_create_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(contact->time));
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::Purge(const Caller& caller, const v1::PurgeIncidentRequest& request,
                                v1::PurgeIncidentResponse* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseIncidentName(request.name(), "name");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  const auto reason = request.reason();
  if (reason == v1::PurgeIncidentRequest::REASON_UNSPECIFIED ||
      !v1::PurgeIncidentRequest::Reason_IsValid(reason)) {
    v.push_back({"reason", "must be UNFOUNDED, MALICIOUS, DUPLICATE_OF_CLOSED or OTHER"});
  }
  const absl::string_view note = absl::StripAsciiWhitespace(request.note());
  if (request.note().size() > kMaxReasonBytes) {
    v.push_back({"note", absl::StrCat("must be at most ", kMaxReasonBytes, " bytes")});
  } else if (reason == v1::PurgeIncidentRequest::OTHER && note.size() < kMinReasonBytes) {
    v.push_back({"note", absl::StrCat("must say why (reason OTHER), in ", kMinReasonBytes,
                                      " to ", kMaxReasonBytes, " bytes")});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  if (parts_.purger == nullptr) {
    return done(absl::FailedPreconditionError("purging is not available on this server"));
  }
  storage::PurgeOrder order{*id, caller.subject.empty() ? "anonymous" : caller.subject,
                            v1::PurgeIncidentRequest::Reason_Name(reason), std::string(note)};
  parts_.workers->Schedule([this, order = std::move(order), response, done = std::move(done)] {
    absl::StatusOr<std::vector<v1::Deletion>> written = parts_.purger->Purge(order);
    if (!written.ok()) return done(written.status());
    for (v1::Deletion& d : *written) *response->add_deletions() = std::move(d);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::Deletions(const Caller&, const v1::ListDeletionsRequest& request,
                                    v1::ListDeletionsResponse* response, UnaryDone done) {
  if (request.page_size() < 0) return done(InvalidFieldError("page_size", "must not be negative"));
  if (parts_.deletions == nullptr) {
    return done(absl::FailedPreconditionError("there is no deletion log on this server"));
  }
  const int page_size = PageSize(request.page_size(), storage::kMaxDeletionPageSize);
  parts_.workers->Schedule([this, page_size, token = request.page_token(), response,
                            done = std::move(done)] {
    absl::StatusOr<storage::DeletionPage> page = parts_.deletions->List(page_size, token);
    if (!page.ok()) return done(page.status());
    for (v1::Deletion& d : page->deletions) *response->add_deletions() = std::move(d);
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
  absl::StatusOr<Visibility> visibility = VisibilityOf(*caller);
  if (!visibility.ok()) return refuse(visibility.status());
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
      [this, visibility = *std::move(visibility)](const internal::ChangeEvent& event,
                                                  std::vector<v1::QueueEvent>* out) {
        std::string incident_name;
        v1::QueueEvent::Reason reason = v1::QueueEvent::UPDATED;
        if (event.has_report_created()) {
          if (!event.report_created().incident_opened()) return absl::OkStatus();
          incident_name = event.report_created().incident();
          reason = v1::QueueEvent::NEW;
        } else if (event.has_incident_changed()) {
          incident_name = event.incident_changed().incident();
          const std::string& action = event.incident_changed().action();
          if (action == "Overdue") reason = v1::QueueEvent::OVERDUE;
          if (action == "AnswerQuestion") reason = v1::QueueEvent::REPORTER_ANSWERED;
          if (action == "RequestReopen") reason = v1::QueueEvent::REOPEN_REQUESTED;
        } else {
          return absl::OkStatus();
        }
        absl::string_view id = incident_name;
        if (!absl::ConsumePrefix(&id, "incidents/")) return absl::OkStatus();
        absl::StatusOr<internal::StoredIncident> stored = parts_.store->Get(id);
        if (absl::IsNotFound(stored.status())) return absl::OkStatus();
        if (!stored.ok()) return stored.status();
        if (!visibility.MaySee(stored->incident())) return absl::OkStatus();
        if (reason == v1::QueueEvent::NEW && stored->incident().needs_review()) {
          reason = v1::QueueEvent::NEEDS_REVIEW;
        }
        v1::QueueEvent& e = out->emplace_back();
        e.set_cursor(storage::EncodeCursor(event.sequence()));
        e.set_reason(reason);
        *e.mutable_incident() = ToProto(*stored);
        if (event.has_incident_changed() && reason != v1::QueueEvent::UPDATED) {
          e.set_detail(event.incident_changed().reason());
        }
        return absl::OkStatus();
      },
      {}, std::move(options));
}

}  // namespace wijkwacht::services
