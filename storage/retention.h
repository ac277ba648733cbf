// Retention: how long each class of personal data is kept, enforced by a sweep that runs on
// the injected clock (RetentionSweeper::Sweep, scheduled by PeriodicRetention in the server).
//
// | class            | what is removed after its age                                 | default |
// | contact details  | sealed contact details left with a report (sealed_identities) | 365 d   |
// | report free text | Report.description and follow-up notes (set to ""), and the  | 730 d   |
// |                  | dispatch correction line that holds the text (corrections)    |         |
// | photos           | photo references (amendments' photo_ref, Report.media_url)    | 365 d   |
// | audit entries    | dispatch audit entries; the last removed one becomes the      | 2555 d  |
// |                  | chain's anchor (meta "audit_anchor"), `audit verify` starts   |         |
// |                  | there                                                         |         |
// | change log       | change-log events; this bounds how old a sync or stream cursor| 90 d    |
// |                  | may be (older cursors get FAILED_PRECONDITION: resync)        |         |
// | incidents by     | a whole incident with its reports, contact details and index  | REJECTED|
// | final status     | entries (IncidentPurger, as PurgeIncident), counted from when | 365 d,  |
// | (and theme)      | it reached the status (close_time, else update_time); rules   | RESOLVED|
// |                  | per status, optionally per theme (a theme's rule wins); open  | and     |
// |                  | incidents and statuses without a rule are never deleted       | CLOSED  |
// |                  |                                                               | 1826 d  |
// | alerts           | an alert and its acknowledgements, counted from its           | 365 d   |
// |                  | expire_time (AlertStore::DeleteEndedBefore)                   |         |
// | notifications    | webhook outbox entries and dead letters (a device pseudonym, | change  |
// |                  | names, a dispatcher's text) caused by a change the change log| log     |
// |                  | no longer keeps (NotifyOutbox::StageForget), counted from the| (90 d)  |
// |                  | change                                                        |         |
//
// Whole-record deletions (incidents, alerts, notifications) are written to the deletion log
// (storage/deletion_log.h, actor "retention", reason "retention: <rule>") in the same write,
// and the sweep then removes them from disk (Engine::PurgeDeleted).
//
// Ages count from when the server stored the data (report create_time, audit/change time);
// incidents from their final status, alerts from their end.
// The newest change-log event is always kept, so sequences never restart. Reports, their
// areas, themes and the map counters of incidents still kept are not personal data of this
// kind and stay.
// Report sweeps walk the reports_by_area index from a watermark kept in meta, so each report
// is looked at once per class, not once per sweep.
//
// Each sweep first completes the physical purge of an erasure that could not finish it
// (SealedIdentityStore::FinishPendingPurge, e.g. after a full disk).
//
// Thread safety: Sweep() may run concurrently with everything else (writes go through the
// engine's writer); do not run two sweeps at once.
// Errors: UNAVAILABLE / RESOURCE_EXHAUSTED (engine), DATA_LOSS (a record that does not parse).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/change_feed.h"
#include "storage/alert_store.h"
#include "storage/engine.h"
#include "storage/notify_outbox.h"
#include "storage/purge.h"
#include "storage/sealed_identity_store.h"

namespace wijkwacht::storage {

// How long incidents of a final status (wijkwacht.v1.IncidentStatus: RESOLVED, REJECTED or
// CLOSED) and theme (0 = any theme) are kept after reaching it.
struct IncidentRetentionRule {
  int status = 0;
  int theme = 0;
  absl::Duration keep;
  friend bool operator==(const IncidentRetentionRule&, const IncidentRetentionRule&) = default;
};

// The defaults, after Signalen and the Archiefwet selection lists: rejected (unfounded)
// incidents one year, resolved and closed ones five years (1826 days: five years with a leap
// day).
[[nodiscard]] std::vector<IncidentRetentionRule> DefaultIncidentRetention();

struct RetentionOptions {
  absl::Duration contact_details = absl::Hours(24 * 365);
  absl::Duration free_text = absl::Hours(24 * 730);
  absl::Duration photos = absl::Hours(24 * 365);
  absl::Duration audit_entries = absl::Hours(24 * 2555);
  absl::Duration change_log = absl::Hours(24 * 90);
  std::vector<IncidentRetentionRule> incidents = DefaultIncidentRetention();
  absl::Duration alerts = absl::Hours(24 * 365);
  // nullptr = the system clock.
  Clock* clock = nullptr;
};

struct RetentionCounts {
  int64_t contact_details = 0;
  int64_t free_texts = 0;
  int64_t photos = 0;
  int64_t audit_entries = 0;
  int64_t change_events = 0;
  int64_t incidents = 0;
  int64_t alerts = 0;
  int64_t notifications = 0;
};

// The one validation of RetentionOptions: every duration positive; every incident rule for a
// final status (RESOLVED, REJECTED, CLOSED), a known theme (0 = any), at most one rule per
// status and theme. INVALID_ARGUMENT naming the option otherwise.
[[nodiscard]] absl::Status ValidateRetentionOptions(const RetentionOptions& options);

// Parses "STATUS=DURATION[,THEME/STATUS=DURATION...]" (e.g. "REJECTED=8760h,
// SUBVERSION/CLOSED=87600h"; STATUS without "INCIDENT_", THEME a wijkwacht.v1.Theme name,
// DURATION as absl::ParseDuration) into rules; "" gives no rules (nothing deleted).
// INVALID_ARGUMENT naming the bad item.
[[nodiscard]] absl::StatusOr<std::vector<IncidentRetentionRule>> ParseIncidentRetention(
    absl::string_view spec);
// The inverse, for flag defaults and logs.
[[nodiscard]] std::string FormatIncidentRetention(const std::vector<IncidentRetentionRule>& rules);

class RetentionSweeper {
 public:
  // None owned; `sealed`, `feed`, `purger`, `alerts` and `outbox` may be null (that class /
  // cursor bound is then skipped).
  RetentionSweeper(Engine* engine, SealedIdentityStore* sealed, ChangeFeed* feed,
                   RetentionOptions options, IncidentPurger* purger = nullptr,
                   AlertStore* alerts = nullptr, NotifyOutbox* outbox = nullptr);

  // Tells the feed how far the change log was already cut (kept in meta); call at start.
  [[nodiscard]] absl::Status RestoreChangeLogBound();
  // Applies every class's retention once, at the clock's current time.
  [[nodiscard]] absl::StatusOr<RetentionCounts> Sweep();

 private:
  [[nodiscard]] absl::StatusOr<int64_t> SweepReports(bool free_text, absl::Time cutoff);
  [[nodiscard]] absl::StatusOr<int64_t> SweepAudit(absl::Time cutoff);
  [[nodiscard]] absl::StatusOr<int64_t> SweepChangeLog(absl::Time cutoff);
  [[nodiscard]] absl::StatusOr<int64_t> SweepIncidents(absl::Time now);
  [[nodiscard]] absl::StatusOr<int64_t> SweepNotifications(absl::Time cutoff);

  Engine* const engine_;
  SealedIdentityStore* const sealed_;
  ChangeFeed* const feed_;
  IncidentPurger* const purger_;
  AlertStore* const alerts_;
  NotifyOutbox* const outbox_;
  const RetentionOptions options_;
  Clock* const clock_;
};

// Runs `sweeper` every `interval` on its own thread (first run right away) until destroyed;
// failures are logged and retried at the next interval.
class PeriodicRetention {
 public:
  PeriodicRetention(RetentionSweeper* sweeper, absl::Duration interval);
  ~PeriodicRetention();
  PeriodicRetention(const PeriodicRetention&) = delete;
  PeriodicRetention& operator=(const PeriodicRetention&) = delete;

 private:
  RetentionSweeper* const sweeper_;
  const absl::Duration interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wijkwacht::storage
