// Every RocksDB column family of the store, declared once (the kvrocks habit): the enum is
// what code uses, the table gives each its on-disk name and its key/value layout.
#pragma once

#include <array>
#include <cstddef>

namespace wijkwacht::storage {

enum class ColumnFamily : int {
  kDefault = 0,
  kMeta,
  kReports,
  kIdempotency,
  kReportsByArea,
  kReportsByCell,
  kChangeLog,
  kDevices,
  kUsers,
  kIncidents,
  kIncidentsByCell,
  kIncidentMembers,
  kAggregates,
  kReportsByReporter,
  kAlerts,
  kAlertAcks,
  kAuditLog,
  kCorrections,
  kIncidentsByStatus,
  kIndicators,
  kEarlyWarnings,
  kReporterKeys,
  kSealedIdentities,
  kActionPlans,
  kEnforcement,
  kPolls,
  kPollAnswers,
  kPollMarkers,
  kDepartments,
  kAccessRules,
  kDeletionLog,
  kRoutingRules,
  kHandlingTargets,
  kIncidentsByDue,
  kReporterDialog,
  kNotifyOutbox,
  kAuditByIncident,
  kNotifyDeadLetters,
  kReporterPeriods,
  kPartners,
};

struct ColumnFamilySpec {
  ColumnFamily id;
  const char* name;    // on-disk name; never rename
  const char* layout;  // key -> value, for readers of this table
};

inline constexpr std::array<ColumnFamilySpec, 40> kColumnFamilies = {{
    {ColumnFamily::kDefault, "default", "unused (RocksDB requires it)"},
    {ColumnFamily::kMeta, "meta", "name -> value: the keys of storage/meta_keys.h"},
    {ColumnFamily::kReports, "reports",
     "report id -> wijkwacht.internal.StoredReport"},
    {ColumnFamily::kIdempotency, "idempotency",
     "\"<kind>/<client id>\" -> SHA-256 content fingerprint of the first accepted request; no "
     "longer written (a report's fingerprint is in its record), kept so that older data dirs "
     "open"},
    {ColumnFamily::kReportsByArea, "reports_by_area",
     "area code \\0 observed_micros(BE64) report id -> theme (1 byte)"},
    {ColumnFamily::kReportsByCell, "reports_by_cell",
     "S2 cell id at kIndexCellLevel (BE64) observed_micros(BE64) report id -> leaf cell id (BE64)"},
    {ColumnFamily::kChangeLog, "change_log",
     "sequence (BE64) -> wijkwacht.internal.ChangeEvent"},
    {ColumnFamily::kDevices, "devices",
     "SHA-256(device id) (privacy::DeviceKey) -> wijkwacht.internal.DeviceRecord"},
    {ColumnFamily::kUsers, "users", "username -> wijkwacht.internal.UserRecord"},
    {ColumnFamily::kIncidents, "incidents",
     "incident id -> wijkwacht.internal.StoredIncident"},
    {ColumnFamily::kIncidentsByCell, "incidents_by_cell",
     "S2 cell id of the centre at dedup::kIncidentCellLevel (BE64) theme (1 byte) "
     "start of the UTC day of the last observed report, micros (BE64) "
     "incident id -> empty (the incident record holds what the matcher needs); open incidents "
     "only"},
    {ColumnFamily::kIncidentMembers, "incident_members",
     "incident id \\0 observed_micros(BE64) report id -> empty"},
    {ColumnFamily::kAggregates, "aggregates",
     "area code \\0 theme (1 byte) civil day in Europe/Amsterdam (BE32, days since "
     "1970-01-01) -> incident count, report count (2 x int64 little-endian; merge operator "
     "adds)"},
    {ColumnFamily::kReportsByReporter, "reports_by_reporter",
     "reporter (pseudonym \"p...\" of a device / \"users/{name}\") \\0 create_micros(BE64) "
     "report id -> empty"},
    {ColumnFamily::kAlerts, "alerts", "alert id -> wijkwacht.internal.StoredAlert"},
    {ColumnFamily::kAlertAcks, "alert_acks",
     "subscriber (pseudonym of a device / \"users/{name}\") \\0 alert id -> "
     "wijkwacht.internal.AlertAck"},
    {ColumnFamily::kAuditLog, "audit_log",
     "sequence (BE64, 1, 2, ...) -> wijkwacht.v1.AuditEntry (hash-chained, see "
     "domain/dispatch/audit_chain.h); the chain head is also kept in meta under audit_head"},
    {ColumnFamily::kCorrections, "corrections",
     "report id -> fastText line \"__label__<THEME> __cat__<code> __role__<role> <text>\" "
     "(dispatch reclassifications, for `wijkwacht train --corrections`)"},
    {ColumnFamily::kIncidentsByStatus, "incidents_by_status",
     "status (1 byte; 0 = every incident) create_micros(BE64) incident id -> theme (1 byte)"},
    {ColumnFamily::kIndicators, "indicators",
     "area code \\0 indicator \\0 period -> wijkwacht.v1.IndicatorValue (imported figures)"},
    {ColumnFamily::kEarlyWarnings, "early_warnings",
     "area code \\0 theme (1 byte) day (BE32, days since 1970-01-01) -> wijkwacht.v1.EarlyWarning"},
    {ColumnFamily::kReporterKeys, "reporter_keys",
     "reporter pseudonym -> its data key, wrapped by the master key (privacy/sealer.h); "
     "deleted and purged on erasure (crypto-shredding), small files of its own"},
    {ColumnFamily::kSealedIdentities, "sealed_identities",
     "pseudonym \\0 \"identity\" -> sealed wijkwacht.internal.SealedIdentity; pseudonym \\0 "
     "\"contact\" \\0 create_micros(BE64) report id -> sealed wijkwacht.internal.SealedContact "
     "(AES-256-GCM under the reporter's data key, AAD = the key)"},
    {ColumnFamily::kActionPlans, "action_plans",
     "'p' year (BE32) -> wijkwacht.v1.ActionPlan; 'm' year (BE32) measure number (BE32) -> "
     "wijkwacht.v1.Measure (storage::ActionPlanStore)"},
    {ColumnFamily::kEnforcement, "enforcement",
     "'r' civil day of the action in Europe/Amsterdam (BE32, days since 1970-01-01) record "
     "number (BE64) -> wijkwacht.v1.EnforcementRecord; 'x' department \\0 external_ref -> the "
     "record's 'r' key; \"n\" -> the last record number (BE64) (storage::EnforcementStore)"},
    {ColumnFamily::kPolls, "polls",
     "'p' poll number (BE64) -> wijkwacht.internal.StoredPoll (with its marker key); \"n\" -> "
     "the last poll number (BE64) (storage::PollStore)"},
    {ColumnFamily::kPollAnswers, "poll_answers",
     "poll number (BE64) 16 random bytes -> wijkwacht.internal.PollAnswer (no device, "
     "pseudonym, marker or time; key order is random) (storage::PollStore)"},
    {ColumnFamily::kPollMarkers, "poll_markers",
     "poll number (BE64) HMAC-SHA256(poll's marker key, device id) -> HMAC-SHA256(marker key, "
     "\"answer\" + the answer's bytes): once per device per poll, kept apart from the answers "
     "(storage::PollStore)"},
    {ColumnFamily::kDepartments, "departments",
     "department id -> wijkwacht.internal.DepartmentRecord (storage::DirectoryStore)"},
    {ColumnFamily::kAccessRules, "access_rules",
     "\"rules\" -> wijkwacht.internal.AccessRulesRecord (storage::DirectoryStore); absent: the "
     "default rules of domain/access/need_to_know.h"},
    {ColumnFamily::kDeletionLog, "deletion_log",
     "sequence (BE64, 1, 2, ...) -> wijkwacht.v1.Deletion (what kind of record, when, by whom, "
     "why; no content) (storage::DeletionLog)"},
    {ColumnFamily::kRoutingRules, "routing_rules",
     "version (BE64, 1, 2, ...) -> wijkwacht.v1.RoutingRuleSet; the highest is in force "
     "(storage::DeskRulesStore)"},
    {ColumnFamily::kHandlingTargets, "handling_targets",
     "version (BE64, 1, 2, ...) -> wijkwacht.v1.HandlingTargetSet; the highest is in force "
     "(storage::DeskRulesStore)"},
    {ColumnFamily::kIncidentsByDue, "incidents_by_due",
     "due_time micros (BE64) incident id -> empty: open incidents whose OVERDUE is still to "
     "come (storage::IncidentStore)"},
    {ColumnFamily::kReporterDialog, "reporter_dialog",
     "'q' question number (BE64) -> wijkwacht.internal.StoredQuestion (with its recipients' "
     "answers); 'r' report id -> wijkwacht.internal.StoredRating; \"n\" -> the last question "
     "number (BE64) (storage::ReporterDialogStore)"},
    {ColumnFamily::kNotifyOutbox, "notify_outbox",
     "change-log sequence of the causing change (BE64) index within it (BE32) -> "
     "wijkwacht.internal.OutboxNotification, until the webhook took it (storage::NotifyOutbox)"},
    {ColumnFamily::kAuditByIncident, "audit_by_incident",
     "incident id \\0 audit sequence (BE64) -> empty: the audit entries about an incident "
     "(storage::AuditedIncidents; written with the entry by storage::AppendAudit)"},
    {ColumnFamily::kNotifyDeadLetters, "notify_dead_letters",
     "the notify_outbox key of a notification given up on -> wijkwacht.internal."
     "OutboxNotification with gave_up_time and failed_attempts (storage::NotifyOutbox)"},
    {ColumnFamily::kReporterPeriods, "reporter_periods",
     "reporter \\0 theme (1) period (1, wijkwacht.v1.AggregationPeriod) period start day "
     "(BE32, days since 1970-01-01) -> id of the reporter's report counted towards k there "
     "(ReportStore; see storage::NewReportCount)"},
    {ColumnFamily::kPartners, "partners",
     "partner id -> wijkwacht.internal.PartnerRecord (storage::IdentityStore)"},
}};

inline constexpr std::size_t kNumColumnFamilies = kColumnFamilies.size();

// incidents_by_cell scans stay within one cell + theme: the first 9 bytes of its keys.
inline constexpr std::size_t kIncidentIndexPrefixBytes = 9;
// incidents_by_cell keys: cell (8), theme (1), last observed day (8), then the incident id.
inline constexpr std::size_t kIncidentIndexHeaderBytes = 17;

constexpr bool ColumnFamilyTableMatchesEnum() {
  for (std::size_t i = 0; i < kColumnFamilies.size(); ++i) {
    if (static_cast<std::size_t>(kColumnFamilies[i].id) != i) return false;
  }
  return true;
}
static_assert(ColumnFamilyTableMatchesEnum(), "kColumnFamilies must list the enum in order");

constexpr const char* ColumnFamilyName(ColumnFamily cf) {
  return kColumnFamilies[static_cast<std::size_t>(cf)].name;
}

// Layout version of everything above; stored in meta under "schema_version". Adding a column
// family is compatible (older data dirs gain it empty); changing a layout is not.
// Version 2: devices keyed by the hash of their id, reporters referenced by pseudonym (no
// migration from 1: an older data dir is refused).
inline constexpr int kSchemaVersion = 2;

}  // namespace wijkwacht::storage
