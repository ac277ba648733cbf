// IncidentPurger: deletes an incident and what its reports said — the one deletion routine of
// PurgeIncident (an unfounded, malicious or duplicate report) and of retention by final
// status (storage/retention.h).
//
// Stage(), inside ONE write, for the incident and every member report:
//   - reports: the record (text, location, follow-up notes, photo references), its
//     reports_by_area (every area + "*"), reports_by_cell and reports_by_reporter entries and
//     its dispatch correction line (corrections, which holds the text);
//   - contact: the sealed contact details left with it (sealed_identities, see
//     SealedIdentityStore::StageDeleteContact);
//   - counters: the report (UncountReport) and the incident (UncountIncident) leave the
//     aggregates with their record keys, so VerifyAggregates stays clean;
//   - the incident: record, members and indexes, and the in-memory open set
//     (IncidentStore::StageRemoval); incidents merged into it (merged_into, kept after a
//     merge with its centre) go too;
//   - change log: the ReportCreated events of its reports lose their S2 leaf cell and
//     category, their ReportAmended events their note and photo reference (sequences stay,
//     so cursors and feeds keep working);
//   - one IncidentChanged event "PurgeIncident" with every member report, report status
//     CLOSED and kPurgedFeedback: each reporter's feed says the report was closed without
//     details; the dispatch queue skips it (the incident no longer exists);
//   - one audit entry "PurgeIncident" (who, reason, counts; no content). Audit entries are
//     never deleted by a purge: they hold who did what to which incident name and the
//     dispatchers' own comments and feedback texts, never a report's text, location or
//     contact, so the hash chain stays verifiable as it is;
//   - the webhook outbox and its dead letters (when an outbox is set): the notifications about
//     the incident, the incidents merged into it and its reports (NotifyOutbox::StageForget);
//     the purge's own "closed without details" notifications are staged after this;
//   - the deletion log (DeletionLog): one entry per record class deleted ("incident",
//     "report", "contact", "photo", "notification") with the count, actor, reason and note.
// Purge() commits that write and then removes the deleted data from disk
// (Engine::PurgeDeleted: flush, bottommost compaction of the families written, obsolete WAL
// and SST files deleted). When that physical step fails, Purge returns its error; the
// logical deletion stands and RocksDB's own compactions drop the data later.
//
// Not covered: change-log events still in ChangeFeed's in-memory tail keep their cell until
// the tail moves on or the server restarts; backups taken before the purge keep everything
// until they are rotated out.
//
// Thread safety: Purge may be called from any thread (one commit); Stage runs on the engine's
// writer thread inside a WriteFn.
// Errors: NOT_FOUND (no such incident), ABORTED (its members changed while purging: retry),
// DATA_LOSS (a stored record that does not parse), UNAVAILABLE / RESOURCE_EXHAUSTED (engine).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"
#include "storage/incident_store.h"
#include "wijkwacht/v1/dispatch.pb.h"

namespace wijkwacht::storage {

class NotifyOutbox;

// The message a reporter's feed shows for a purged report.
inline constexpr char kPurgedFeedback[] =
    "Deze melding is afgesloten en de gegevens ervan zijn verwijderd.";

struct PurgeOrder {
  std::string incident_id;  // without "incidents/"
  std::string actor;        // "users/{name}", or "retention"
  std::string reason;       // "UNFOUNDED", ..., or "retention: <rule>"
  std::string note;         // for the deletion log; never content
};

class IncidentPurger {
 public:
  // Neither is owned; both must outlive the purger.
  IncidentPurger(Engine* engine, const IncidentStore* incidents)
      : engine_(engine), incidents_(incidents) {}

  // Deletes the incident as described above and returns the deletion-log entries written.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Deletion>> Purge(const PurgeOrder& order);

  // The logical deletion inside the caller's WriteFn. `scrub` lists the change-log keys (from
  // FindChangeEvents, read before the write) of events about the member reports; events
  // appended after `scrub.scanned_to` are found here.
  struct ChangeEvents {
    std::vector<std::string> report_ids;  // the members they were looked up for, sorted
    std::vector<std::string> keys;
    std::string scanned_to;  // the last change-log key examined
  };
  [[nodiscard]] absl::StatusOr<std::vector<v1::Deletion>> Stage(WriteContext& ctx,
                                                                const PurgeOrder& order,
                                                                const ChangeEvents& scrub) const;
  // Outside a write: the members of `incident_id` and the change-log events about them.
  [[nodiscard]] absl::StatusOr<ChangeEvents> FindChangeEvents(absl::string_view incident_id) const;
  // The webhook outbox whose entries about a purged incident Stage removes (not owned; null:
  // none). Set before serving.
  void set_notify_outbox(NotifyOutbox* outbox) { outbox_ = outbox; }
  // Removes what Stage deleted from disk (Engine::PurgeDeleted of those families).
  [[nodiscard]] absl::Status PurgeFromDisk();

 private:
  Engine* const engine_;
  const IncidentStore* const incidents_;
  NotifyOutbox* outbox_ = nullptr;
};

}  // namespace wijkwacht::storage
