// DispatchStore: the dispatch desk's reads and actions on incidents, and the hash-chained
// audit log (DispatchService).
//
// Every action is ONE engine Commit (one synced WriteBatch) that, on the writer thread:
//   1. reads the incident(s) as of this group and checks `version` (optimistic concurrency:
//      the caller passes the version it last saw; a mismatch is ABORTED naming the current
//      version; 0 is never accepted for an action that takes a version),
//   2. applies the change to the StoredIncident (status, claimed_by, assigned_team,
//      theme/category, close_time, version + 1, update_time),
//   3. keeps the indexes consistent: incidents_by_cell holds only open incidents
//      (dispatch::IsOpen), so a resolved/rejected/closed incident attracts no new reports and a
//      reopened one does again (SyncCellIndex); incidents_by_status follows the status,
//   4. updates the member reports (Report.status = dispatch::ReportStatusFor, incident_id on
//      merge/split, update_time),
//   5. appends one hash-chained audit entry (audit_log; the head is kept in meta
//      "audit_head", and the single writer makes sequence assignment race-free),
//   6. appends one IncidentChanged change-log event (the dispatch queue and the residents'
//      sync feeds stream it).
// A failed check stages nothing.
//
// Semantics of the actions:
//   Claim      claimed_by = actor. FAILED_PRECONDITION if another dispatcher holds it or the
//              incident is not open; claiming one's own claim again just bumps the version.
//   Assign     assigned_department = "departments/{department_id}" (any status that is open;
//              the caller checks that the department exists); assigned_team = the deprecated
//              Team that department stands for (dispatch::TeamOfDepartment), else unspecified.
//              An incident with a department counts as assigned for the workflow.
//   Transition dispatch::CheckTransition (reopen window kDefaultReopenWindow from close_time);
//              entering CLOSED records close_time, leaving it clears it; entering RESOLVED
//              or REJECTED records handled_time, reopening clears it.
//   Merge      `id` survives (must be open); every absorbed incident (any status, not already
//              merged, not the survivor, no duplicates) gives its member reports to the
//              survivor (incident_members keys and Report.incident_id move, report status
//              follows the survivor) and becomes CLOSED with no members and merged_into =
//              survivor (it is kept, not deleted, so its name still resolves). The survivor's
//              counts, centroid, first/last observed time and review flag are recomputed
//              from all its members; its text vector is the report-count-weighted mean of the
//              merged vectors. Only the survivor's version is checked.
//   Split      moves `report_id` out of `id` (which must keep at least one report) into a new
//              INCIDENT_NEW incident "split-<report id>" (or "split-<report id>-<n>", n = 2,
//              3, ..., if that id was used by an earlier split), whose area is the report's.
//              The old incident's stats are recomputed from its remaining members. Text
//              vectors are kept (the store has no per-report vectors): both incidents keep
//              the old incident's vector — an approximation until the next join.
//   Reclassify sets theme (and category if non-empty), fixes them against later joins
//              (classification_fixed) and stores one classifier correction per member report
//              in `corrections`. Reports keep their own theme.
//   Reclassify also re-routes when given a Reroute: the routing rules and handling target
//              for the new category decide department (kept when no rule matches) and
//              due_time (cleared when no target applies), named in the same audit entry.
//   Overdue    (MarkOverdue, the desk monitor) for each open incident whose due_time has
//              passed and for which OVERDUE was not raised for that due_time: records it
//              (StoredIncident.overdue_raised_for; no version change, nothing a dispatcher
//              sees changes but Incident.overdue), one IncidentChanged "Overdue" event and
//              one audit entry by "system", all in one commit: exactly once per incident
//              and deadline, also across restarts.
//   Feedback   no incident change (no version): an IncidentChanged event carrying the message,
//              all member report ids and their distinct reporters; returns the number of
//              distinct reporters (reports stored without a reporter count as none).
//
// Reads: Get (committed data, member names oldest first), List (incidents_by_status, newest
// created first, filters status/theme from the index and area_code, overdue and department
// from the record, the caller's free-text match (IncidentQuery::text_matches) last, and
// IncidentQuery::visible; at most kMaxIncidentsScanned visible index entries per call, so a filtered page may come back short with a
// next_page_token; the token is bound to the filters), AuditLog (oldest first, ascending
// sequence).
//
// Thread safety: all methods may be called from any thread; actions block until durable.
// Errors: NOT_FOUND (incident or report), ABORTED (version), FAILED_PRECONDITION (workflow,
// claim, merge/split rules), INVALID_ARGUMENT (field named: page_token, page_size,
// target_status, comment, version), DATA_LOSS (stored record does not parse, broken audit
// chain), UNAVAILABLE / RESOURCE_EXHAUSTED (engine).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/dispatch/audit_chain.h"
#include "domain/dispatch/workflow.h"
#include "storage/engine.h"
#include "storage/incident_store.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/dispatch.pb.h"

namespace wijkwacht::storage {

inline constexpr int kMaxIncidentPageSize = 1000;
inline constexpr int kMaxIncidentsScanned = 5000;
inline constexpr int kMaxAuditPageSize = 1000;
// Members returned with an incident (report_count always has the full count).
inline constexpr size_t kMaxMembersReturned = 1000;

struct IncidentQuery {
  int status = 0;  // wijkwacht.v1.IncidentStatus, 0 = any
  int theme = 0;   // 0 = any
  std::string area_code;  // "" = any; matches gemeente, wijk, buurt or focus area
  int page_size = 50;     // 1..kMaxIncidentPageSize
  std::string page_token;
  // Only open incidents whose due_time is at or before `now`.
  bool overdue = false;
  absl::Time now;
  // "departments/{id}" or "" = any.
  std::string department;
  // Free text: when `text` is not empty, only incidents for which `text_matches` holds. It is
  // asked last, for an incident every other filter (and `visible`) kept, and counts against
  // kMaxIncidentsScanned like any examined incident. `text` (the normalised words) is part of
  // what the page token is bound to.
  std::string text;
  std::function<absl::StatusOr<bool>(const internal::StoredIncident&)> text_matches;
  // Need-to-know (services/need_to_know.h): when set, an incident it refuses is treated as
  // absent — not returned, not counted against kMaxIncidentsScanned, never the reason for a
  // next_page_token — so a caller's pages are those of a store without it.
  std::function<bool(const internal::StoredIncident&)> visible;
};

struct IncidentPage {
  std::vector<internal::StoredIncident> incidents;  // without member names
  std::string next_page_token;
};

struct AuditPage {
  std::vector<v1::AuditEntry> entries;
  std::string next_page_token;
};

// What every action records: who did it.
struct DispatchActor {
  std::string subject;  // "users/{name}" ("" when authentication is off: audited as "anonymous")
};

class DispatchStore {
 public:
  // Neither is owned; both must outlive the store.
  DispatchStore(Engine* engine, const IncidentStore* incidents)
      : engine_(engine), incidents_(incidents) {}

  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Get(absl::string_view id) const;
  [[nodiscard]] absl::StatusOr<IncidentPage> List(const IncidentQuery& query) const;

  // Who reported and what, for up to `limit` member reports of incident `id` (oldest first;
  // description "" once retention removed it). For the desk's free-text search.
  struct MemberText {
    std::string reporter;
    std::string description;
  };
  [[nodiscard]] absl::StatusOr<std::vector<MemberText>> MemberTexts(absl::string_view id,
                                                                   size_t limit) const;

  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Claim(absl::string_view id,
                                                               int64_t version,
                                                               const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Assign(absl::string_view id,
                                                                int64_t version,
                                                                absl::string_view department_id,
                                                                const DispatchActor& actor);
  // Stages more writes in the transition's batch (after the status change, before the audit
  // entry), given the incident as changed; its error fails the whole transition. Returns text
  // for the audit entry's detail ("" = nothing to add).
  using AlsoStage =
      std::function<absl::StatusOr<std::string>(WriteContext&, const internal::StoredIncident&)>;
  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Transition(
      absl::string_view id, int64_t version, dispatch::IncidentStatus target,
      absl::string_view comment, const DispatchActor& actor, AlsoStage also = nullptr);
  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Merge(
      absl::string_view id, int64_t version, const std::vector<std::string>& absorbed,
      const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Split(absl::string_view id,
                                                               int64_t version,
                                                               absl::string_view report_id,
                                                               const DispatchActor& actor);
  // What a reclassified incident gets (department "" = keep it); runs on the writer thread.
  using Reroute =
      std::function<IncidentOpening(const internal::StoredIncident&, absl::Time now)>;
  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Reclassify(
      absl::string_view id, int64_t version, int theme, absl::string_view category,
      const DispatchActor& actor, Reroute reroute = nullptr);

  // Raises OVERDUE for up to `limit` incidents due at or before `now` (see Overdue above);
  // returns how many.
  [[nodiscard]] absl::StatusOr<int> MarkOverdue(absl::Time now, int limit);

  // The desk monitor's routing audit: one "RouteIncident" entry by "system" per routing
  // (incident name, routing) and the monitor's cursor (meta kDeskMonitorCursor) in one commit.
  [[nodiscard]] absl::Status RecordRouting(
      const std::vector<std::pair<std::string, internal::RoutingApplied>>& routed,
      uint64_t cursor);
  [[nodiscard]] absl::StatusOr<uint64_t> RoutingCursor() const;
  // Returns the number of distinct reporters the message goes to.
  [[nodiscard]] absl::StatusOr<int> SendFeedback(absl::string_view id, absl::string_view message,
                                                 const DispatchActor& actor);

  // Appends one audit entry on its own, for a read that must be accounted for (e.g. opening
  // a reporter's contact details); durable when it returns.
  [[nodiscard]] absl::Status Audit(const DispatchActor& actor, absl::string_view action,
                                   absl::string_view target, std::string detail);

  // Every incident created in [start, end) (incidents_by_status, all statuses), oldest first,
  // without member names; stops early when `visit` returns false.
  [[nodiscard]] absl::Status ForEachCreated(
      absl::Time start, absl::Time end,
      const std::function<bool(const internal::StoredIncident&)>& visit) const;

  // Oldest first. page_size 1..kMaxAuditPageSize.
  [[nodiscard]] absl::StatusOr<AuditPage> AuditLog(int page_size,
                                                   absl::string_view page_token) const;

  // The audit entries about incident `id` (AuditedIncidents), oldest first, through the
  // audit_by_incident index; entries retention removed are left out. page_size
  // 1..kMaxAuditPageSize; the token is bound to `id` (INVALID_ARGUMENT on page_token for one
  // of another incident or not made here). The caller decides who may read it.
  [[nodiscard]] absl::StatusOr<AuditPage> IncidentHistory(absl::string_view id, int page_size,
                                                          absl::string_view page_token) const;

  // Indexes the audit entries of a data dir written before audit_by_incident existed (once:
  // meta kAuditIncidentIndexBuilt). Call at start, before serving; idempotent.
  [[nodiscard]] absl::Status IndexAuditLog();

 private:
  Engine* const engine_;
  const IncidentStore* const incidents_;
};

// The stored correction line of a report (see the corrections column family).
[[nodiscard]] absl::StatusOr<std::optional<std::string>> GetCorrection(const Engine& engine,
                                                                       absl::string_view report_id);

// Every stored correction line, in report-id order, each followed by a newline: the file
// `wijkwacht train --corrections` reads. Returns the number of lines.
[[nodiscard]] absl::StatusOr<int64_t> ExportCorrections(const Engine& engine, std::string* out);

// Appends one entry (who, what, on which object, details) to the hash-chained audit log
// within the caller's write, so the action and its audit entry commit together. The
// DispatchStore owns the audit log; other stores whose writes are audited (ActionPlanStore,
// EnforcementStore, PollStore, DirectoryStore, account changes) stage their entries only
// through this function. `actor` "" is audited as "anonymous".
// Errors: DATA_LOSS when the chain head does not parse.
[[nodiscard]] absl::Status AppendAudit(WriteContext& ctx, const DispatchActor& actor,
                                       absl::string_view action, absl::string_view target,
                                       std::string detail);

// True while `incident` is open and its due_time is at or before `now` (Incident.overdue).
[[nodiscard]] bool IsOverdue(const v1::Incident& incident, absl::Time now);

// The incidents (ids) an audit entry is about, for an incident's history: its target when
// that is "incidents/{id}", and for MergeIncidents the absorbed incidents and for SplitReport
// the new incident, which the store itself names in the detail (a caller's free text is never
// read for names). AppendAudit indexes an entry under each (audit_by_incident).
[[nodiscard]] std::vector<std::string> AuditedIncidents(const v1::AuditEntry& entry);
// What a caller who may not see an incident reads instead of its name in another incident's
// history.
inline constexpr char kAnotherIncident[] = "another incident";
// Replaces, in `entry`, every incident name the caller may not see (`shown` false for its id)
// by kAnotherIncident: the target, and for MergeIncidents and SplitReport the names the store
// wrote into the detail (as AuditedIncidents reads them). True when anything was replaced.
[[nodiscard]] bool RedactIncidentNames(v1::AuditEntry& entry,
                                       const std::function<bool(absl::string_view id)>& shown);
// Stages the deletion of `entry`'s audit_by_incident keys (retention removing the entry).
void UnindexAudit(WriteContext& ctx, const v1::AuditEntry& entry);

// Conversions between the stored (API) audit entry and the domain's.
[[nodiscard]] dispatch::AuditEntry AuditEntryFromProto(const v1::AuditEntry& entry);
[[nodiscard]] v1::AuditEntry AuditEntryToProto(const dispatch::AuditEntry& entry);

// Runs every stored audit entry through a dispatch::ChainVerifier, in sequence order, then
// checks that the chain ends at the head recorded in meta (so a cut-off tail is detected).
// After retention removed the oldest entries, the chain is checked from the last removed one
// (meta "audit_anchor", see retention.h). OK with the sequence of the last entry; DATA_LOSS
// naming the first bad sequence.
[[nodiscard]] absl::StatusOr<int64_t> VerifyAuditLog(const Engine& engine);

}  // namespace wijkwacht::storage
