// wijkwacht.v1.DispatchService over the gRPC callback API: the municipal dispatch desk.
//
// Every unary RPC is a raw callback method served by ServeUnary (services/unary_call.h): the
// CallGate admits the caller (DISPATCHER or ADMIN; GetAuditLog, PurgeIncident and
// ListDeletions ADMIN only, see access_policy.h), the request is parsed with field-named errors, validated here, and the
// work — one storage::DispatchStore call, i.e. one synced commit for an action — runs on the
// worker pool, never on a gRPC thread. Semantics of each action, the version rule (ABORTED on
// a stale `version`, naming the current one; 0 is refused) and the audit log are documented in
// storage/dispatch_store.h. Incident names are "incidents/{id}" with id of [a-z0-9-], at most
// 100 characters.
//
// WatchQueue streams the change log (storage::ChangeFeed via LogStream) from `resume_cursor`
// (empty: the start of the log): a report that opened an incident gives NEW (NEEDS_REVIEW
// when that incident needs review), every dispatch change (IncidentChanged, feedback
// included) gives UPDATED. The incident in each event is read when the event is rendered, so
// it shows the current state (a resumed stream replays old events with today's incident);
// an incident that no longer exists is skipped. Each event's cursor resumes after it.
// ListIncidents' `text` searches the category's name and the member reports' descriptions
// (classify::NormaliseForModel on both sides: case and accents folded; every word must occur,
// also inside a longer word), after every other filter and need-to-know, within the same scan
// budget; its next_page_token is signed (services/page_tokens.h: bound to the caller; a
// forged or altered one is INVALID_ARGUMENT naming page_token). GetAuditLog's tokens are
// signed the same way, GetIncidentHistory's bound to the caller and the incident too.
// ListIncidents answers with `watch_cursor`, the log's position read just before its page:
// a client that lists and then watches from there misses nothing and replays nothing older.
//
// Need-to-know: every RPC answers as if an incident the caller may not see (its theme or
// category restricted to departments the caller is not in; services/need_to_know.h) did not
// exist: NOT_FOUND on direct reads and actions (Get, Claim, Assign, Transition, Merge — any
// named incident —, Split, Reclassify, SendFeedback), absent from ListIncidents pages (pages,
// tokens and their boundaries are those of a store without it), never delivered by
// WatchQueue (the caller's departments and the rules are read when the stream starts).
// GetAuditLog is for admins, who see everything.
//
// GetIncidentHistory (dispatchers and admins) reads one incident's entries of the audit log
// (storage::DispatchStore::IncidentHistory, the audit_by_incident index), for an incident the
// caller may see: NOT_FOUND otherwise, as GetIncident. Entries about reports only (opening a
// reporter's contact details) are not part of it. Another incident an entry names (target, or
// a merge's or split's detail) that the caller may not see, or that no longer exists, reads
// storage::kAnotherIncident, the entry marked `redacted` (storage::RedactIncidentNames).
//
// GetReporterContact (dispatchers and admins; never shopkeepers or analysts) opens the sealed
// contact details a resident left with a report, only for a caller who may see the report
// (need-to-know, as GetReport) and only when the resident consented (ContactDetails.
// may_contact; FAILED_PRECONDITION otherwise). Each call that finds contact details writes an
// audit entry "GetReporterContact" on the report with the outcome and the caller's reason
// before anything is answered; when that write fails, nothing is opened.
//
// PurgeIncident and ListDeletions are for admins (who see everything): the purge deletes the
// incident and its reports' content everywhere (storage/purge.h: IncidentPurger, one write,
// then a flush and compaction) and answers with the deletion-log entries it wrote; a reason
// (UNFOUNDED, MALICIOUS, DUPLICATE_OF_CLOSED, OTHER) is required, and OTHER needs a note (at
// most 500 bytes). ListDeletions pages the deletion log (storage/deletion_log.h), oldest
// first.
//
// Routing and deadlines (services/dispatch_desk.cc; admins set the tables, dispatchers and
// admins read them and ExplainRouting): SetRoutingRules / SetHandlingTargets replace the
// table in force (a new version, the old kept: List... with `version`), validated whole
// (domain/desk and here: categories, areas and departments must exist) and audited.
// An incident gets its department and due_time when it opens (DeskPolicy::Decide, before the
// report is written) and again on ReclassifyIncident (DeskPolicy::Reroute). Incident.department
// is the contract field; assigned_department (deprecated) always holds the same value.
// Incident.overdue is computed when the incident is read (open, due_time passed);
// ListIncidents' `overdue` and `department` filter on the record. WatchQueue gives OVERDUE for
// the "Overdue" event the desk monitor raises once per incident and deadline.
//
// AskReporter (dispatchers, admins; need-to-know as for any incident action) stores the
// question (storage::ReporterDialogStore) and reaches each reporter's app through its sync
// feed; answers (SyncService.AnswerQuestion) come back on WatchQueue as REPORTER_ANSWERED, a
// "not satisfied" rating (SyncService.RateHandling) as REOPEN_REQUESTED, each with the text in
// QueueEvent.detail.
//
// AssignIncident takes a department ("departments/{id}", which must exist) or the deprecated
// team (mapped to its department, dispatch::TeamDepartment); the incident shows both.
//
// Priority (Incident.priority) is dispatch::Priority with no early-warning input yet (the
// early-warning feed is MapService's, not served).
//
// Errors (besides the gate's): INVALID_ARGUMENT naming the field (name, version,
// target_status, team, department, report, reason, note, theme, category, message, merged[i], report,
// page_size, page_token,
// resume_cursor), NOT_FOUND, ABORTED, FAILED_PRECONDITION (workflow: names the allowed
// targets), UNAVAILABLE.
//
// Thread safety: one instance serves all calls concurrently.
#pragma once

#include "absl/container/flat_hash_map.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "domain/catalog/category_catalog.h"
#include "domain/geo/area_index.h"
#include "services/desk_policy.h"
#include "services/method_table.h"
#include "services/need_to_know.h"
#include "services/page_tokens.h"
#include "services/stream_call.h"
#include "services/unary_call.h"
#include "storage/change_feed.h"
#include "storage/deletion_log.h"
#include "storage/dispatch_store.h"
#include "storage/purge.h"
#include "storage/reporter_dialog_store.h"
#include "storage/report_store.h"
#include "storage/sealed_identity_store.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"

namespace wijkwacht::services {

class DispatchServiceImpl final {
 public:
  struct Parts {
    storage::DispatchStore* store = nullptr;
    storage::ChangeFeed* feed = nullptr;
    const catalog::CategoryCatalog* catalog = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
    const Clock* clock = nullptr;  // nullptr: the system clock
    // Need-to-know (services/need_to_know.h); either null: every caller sees everything.
    const storage::IdentityStore* identities = nullptr;
    const storage::DirectoryStore* directory = nullptr;
    // GetReporterContact: the report (its reporter) and the sealed contact details; either
    // null: GetReporterContact answers FAILED_PRECONDITION.
    const storage::ReportStore* reports = nullptr;
    const storage::SealedIdentityStore* sealed = nullptr;
    // PurgeIncident and ListDeletions; either null: they answer FAILED_PRECONDITION.
    storage::IncidentPurger* purger = nullptr;
    const storage::DeletionLog* deletions = nullptr;
    // Routing rules and handling targets (Set/List/Explain, re-routing on reclassification);
    // any null: those RPCs answer FAILED_PRECONDITION and reclassification does not re-route.
    storage::DeskRulesStore* desk_rules = nullptr;
    const DeskPolicy* desk = nullptr;
    const geo::AreaIndex* areas = nullptr;
    // AskReporter; null: it answers FAILED_PRECONDITION.
    storage::ReporterDialogStore* dialog = nullptr;
    // What a reporter must not miss while the app is closed, each called once the change is
    // durable: a question asked (ReporterQuestionAsked) and an incident whose status changed
    // (ReporterStatusChanged; TransitionIncident, the reporter-visible status being
    // dispatch::ReportStatusFor). Null: nobody is told beyond the sync feed.
    std::function<void(const internal::QuestionAsked&)> on_question_asked;
    std::function<void(const internal::StoredIncident&)> on_status_changed;
    // Key of the signed page tokens of ListIncidents, GetAuditLog and GetIncidentHistory
    // (services/page_tokens.h); "" = a random key of this process.
    std::string page_token_key;
  };
  explicit DispatchServiceImpl(Parts parts)
      : parts_(parts), page_tokens_(std::move(parts.page_token_key)) {}

  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);
  // Raw like the unary RPCs, so an unparsable request names its field (stream_call.h).
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchQueue(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request);

  // Typed handlers (after the gate and parsing).
  void Get(const Caller& caller, const v1::GetIncidentRequest& request, v1::Incident* response,
           UnaryDone done);
  void List(const Caller& caller, const v1::ListIncidentsRequest& request,
            v1::ListIncidentsResponse* response, UnaryDone done);
  void Claim(const Caller& caller, const v1::ClaimIncidentRequest& request,
             v1::Incident* response, UnaryDone done);
  void Assign(const Caller& caller, const v1::AssignIncidentRequest& request,
              v1::Incident* response, UnaryDone done);
  void Transition(const Caller& caller, const v1::TransitionIncidentRequest& request,
                  v1::Incident* response, UnaryDone done);
  void Merge(const Caller& caller, const v1::MergeIncidentsRequest& request,
             v1::Incident* response, UnaryDone done);
  void Split(const Caller& caller, const v1::SplitReportRequest& request, v1::Incident* response,
             UnaryDone done);
  void Reclassify(const Caller& caller, const v1::ReclassifyIncidentRequest& request,
                  v1::Incident* response, UnaryDone done);
  void Feedback(const Caller& caller, const v1::SendFeedbackRequest& request,
                v1::SendFeedbackResponse* response, UnaryDone done);
  void AuditLog(const Caller& caller, const v1::GetAuditLogRequest& request,
                v1::GetAuditLogResponse* response, UnaryDone done);
  void History(const Caller& caller, const v1::GetIncidentHistoryRequest& request,
               v1::GetIncidentHistoryResponse* response, UnaryDone done);
  void ReporterContact(const Caller& caller, const v1::GetReporterContactRequest& request,
                       v1::ReporterContact* response, UnaryDone done);
  void Purge(const Caller& caller, const v1::PurgeIncidentRequest& request,
             v1::PurgeIncidentResponse* response, UnaryDone done);
  void Deletions(const Caller& caller, const v1::ListDeletionsRequest& request,
                 v1::ListDeletionsResponse* response, UnaryDone done);
  void AskReporter(const Caller& caller, const v1::AskReporterRequest& request,
                   v1::AskReporterResponse* response, UnaryDone done);
  // services/dispatch_desk.cc: the desk's tables.
  void SetRoutingRules(const Caller& caller, const v1::SetRoutingRulesRequest& request,
                       v1::RoutingRuleSet* response, UnaryDone done);
  void ListRoutingRules(const Caller& caller, const v1::ListRoutingRulesRequest& request,
                        v1::RoutingRuleSet* response, UnaryDone done);
  void ExplainRouting(const Caller& caller, const v1::ExplainRoutingRequest& request,
                      v1::ExplainRoutingResponse* response, UnaryDone done);
  void SetHandlingTargets(const Caller& caller, const v1::SetHandlingTargetsRequest& request,
                          v1::HandlingTargetSet* response, UnaryDone done);
  void ListHandlingTargets(const Caller& caller, const v1::ListHandlingTargetsRequest& request,
                           v1::HandlingTargetSet* response, UnaryDone done);

 private:
  [[nodiscard]] absl::Time Now() const;
  // The API view of a stored incident, with its priority.
  [[nodiscard]] v1::Incident ToProto(const internal::StoredIncident& stored) const;
  [[nodiscard]] absl::StatusOr<Visibility> VisibilityOf(const Caller& caller) const;
  // NOT_FOUND, worded as for a missing incident, unless `caller` may see every incident of
  // `ids` (a missing one is left to the action to report).
  [[nodiscard]] absl::Status CheckNeedToKnow(const Caller& caller,
                                             const std::vector<std::string>& ids) const;
  // Runs `action` on a worker, after CheckNeedToKnow(caller, ids), and answers with the
  // incident it returns.
  void RunAction(const Caller& caller, std::vector<std::string> ids,
                 std::function<absl::StatusOr<internal::StoredIncident>()> action,
                 v1::Incident* response, UnaryDone done);

  // Whether every word of `words` (normalised) is in the incident's title or in one of its
  // reports' descriptions (reporters erased, per `erased`, left out).
  [[nodiscard]] absl::StatusOr<bool> TextMatches(const internal::StoredIncident& stored,
                                                 const std::vector<std::string>& words,
                                                 absl::flat_hash_map<std::string, bool>& erased) const;

  // The two points where a reporter is to be told something (see Parts::on_question_asked).
  void ReporterQuestionAsked(const internal::QuestionAsked& asked) const;
  void ReporterStatusChanged(const internal::StoredIncident& incident) const;

  Parts parts_;
  const PageTokenSigner page_tokens_;
};

}  // namespace wijkwacht::services
