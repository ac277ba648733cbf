// Every key of the `meta` column family, in one place (name -> value, all small). A new key
// is added here, never spelled out where it is used.
//
// Thread safety: constants only.
#pragma once

namespace wijkwacht::storage::meta {

// Layout version of the store (column_families.h kSchemaVersion), as decimal text.
inline constexpr char kSchemaVersion[] = "schema_version";
// Time of the engine's last flush of every column family, micros as decimal text (written to
// keep a memtable non-empty; see engine.cc KeepMemtableLive).
inline constexpr char kLastFlushAll[] = "engine/last_flush_all";
// Newest audit entry's hash (chain head) and the hash the oldest retained entry chains to.
inline constexpr char kAuditHead[] = "audit_head";
inline constexpr char kAuditAnchor[] = "audit_anchor";
// "1" once every audit entry written before audit_by_incident existed has been indexed.
inline constexpr char kAuditIncidentIndexBuilt[] = "audit_by_incident_built";
// Retention watermarks: the change-log sequence retained after, and per report data class
// the create time (micros) up to which it has been cleared.
inline constexpr char kChangeLogRetainedAfter[] = "retention/change_log_after";
inline constexpr char kFreeTextClearedAfter[] = "retention/free_text_after";
inline constexpr char kPhotosClearedAfter[] = "retention/photos_after";
// "1" while an erasure's purge of deleted data from disk is still to be completed.
inline constexpr char kPurgePending[] = "erasure/purge_pending";
// Change-log sequence the early-warning monitor has examined, as decimal text.
inline constexpr char kEarlyWarningCursor[] = "early_warning_cursor";
// Change-log sequence the desk monitor has examined (routing audit entries), decimal text.
inline constexpr char kDeskMonitorCursor[] = "desk_monitor_cursor";
// Sequence of the newest deletion-log entry (storage::DeletionLog), as decimal text.
inline constexpr char kDeletionLogLast[] = "deletion_log_last";

}  // namespace wijkwacht::storage::meta
