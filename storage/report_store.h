// ReportStore: durable, idempotent storage of reports and their indexes.
//
// Submit writes, in ONE synced batch (see Engine): the report (with the fingerprint of the
// request, its idempotency record), the sealed contact details the reporter left (if any; see
// SealedIdentityStore), its area+time and S2 cell+time index entries, its incident (joined or opened, see
// IncidentStore; the report's incident_id is set in the same write), its map counters, the
// reporter_periods markers of the periods in which it is its reporter's first established
// report of its theme (so the map counts distinct reporters towards k; see
// storage::NewReportCount; this store alone writes that family, and a purge leaves the
// markers) and a change-log event. It is idempotent on the
// report id per reporter: the same reporter's same id with the same content fingerprint
// returns the stored report (replayed = true, nothing written); with another fingerprint it
// fails with ALREADY_EXISTS. An id that is already ANOTHER reporter's report is no conflict:
// the report is stored under ReportAliasId(reporter, id) (StoredReport.client_id keeps the
// id sent), and its reporter sees it under the id it sent (ReporterView, ResolveOwnReportId),
// exactly as a fresh id, so no answer tells whether someone else's report has that id. The
// reporter's own report is looked for under the id and its aliases alike, so a retry after
// the other report was purged is still a replay (never a second copy under the freed id):
// nothing a reporter sees depends on whether another report has, or had, its id. Two
// submits of one id racing each other are serialized by the engine's single writer, so
// exactly one is stored.
//
// List reads the reports_by_area index (newest observed first) and never scans all reports.
//
// Thread safety: all methods may be called concurrently.
// Errors: INVALID_ARGUMENT (page_token / page_size, field named), NOT_FOUND (Get),
// ALREADY_EXISTS (Submit conflict), FAILED_PRECONDITION (contact details for a reporter
// without a data key), UNAVAILABLE / RESOURCE_EXHAUSTED (engine), DATA_LOSS.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/dedup/incident_matcher.h"
#include "storage/engine.h"
#include "storage/incident_store.h"
#include "storage/sealed_identity_store.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::storage {

// Area key under which every report is indexed, for unfiltered lists.
inline constexpr char kAllAreas[] = "*";

struct NewReport {
  // Client fields (normalised) and derived fields (name, area, theme, ...). status,
  // create_time and update_time are set by the store.
  v1::Report report;
  // SHA-256 of the client-supplied content (see report/ingest.h).
  std::string fingerprint;
  // Every area code the report lies in (gemeente, wijk, buurt, focus areas).
  std::vector<std::string> area_codes;
  // S2 leaf cell of report.location.
  uint64_t s2_cell_id = 0;
  // A device's pseudonym / "users/{name}" / "" (see internal::StoredReport.reporter).
  std::string reporter;
  // Sent by an established reporter (see storage::NewReportCount): its report counts towards
  // k in each period where it is the reporter's first of its theme (the store decides).
  bool established_reporter = true;
  // Contact details the reporter left; sealed under the reporter's data key in the same
  // batch (SealedIdentityStore::StageContact), never stored with the report.
  std::optional<v1::ContactDetails> contact;
  // What deduplication compares (location, time, theme, category, text vector).
  dedup::ReportFeatures dedup;
  // Department and deadline the incident gets if this report opens one (decided before the
  // write; services/desk_policy.h). Default: unassigned, no deadline.
  IncidentOpening opening;
};

struct SubmitOutcome {
  v1::Report report;  // as its reporter sees it (ReporterView)
  bool replayed = false;
};

struct ReportQuery {
  std::string area_code;  // empty = all areas
  int theme = 0;          // 0 = any
  int status = 0;         // 0 = any
  std::optional<absl::Time> start_time;  // inclusive
  std::optional<absl::Time> end_time;    // exclusive
  int page_size = 50;                    // 1..kMaxPageSize (callers default it)
  std::string page_token;
  // Need-to-know (services/need_to_know.h): when set, a report it refuses is treated as
  // absent — not returned, not counted against the scan budget, never the reason for a
  // next_page_token — so a caller's pages are those of a store without it.
  std::function<bool(const v1::Report&)> visible;
};

struct ReportPage {
  std::vector<v1::Report> reports;
  std::string next_page_token;
};

inline constexpr int kMaxPageSize = 1000;

class ReportStore {
 public:
  using SubmitDone = std::function<void(absl::StatusOr<SubmitOutcome>)>;

  virtual ~ReportStore() = default;
  // `done` runs once the outcome is durable (on the storage writer thread; keep it short).
  virtual void SubmitAsync(NewReport report, SubmitDone done) = 0;
  // Engine::CheckAdmission(): whether a submit would be queued now (call before preparing it).
  [[nodiscard]] virtual absl::Status CheckAdmission() const = 0;
  [[nodiscard]] absl::StatusOr<SubmitOutcome> Submit(NewReport report);

  [[nodiscard]] virtual absl::StatusOr<v1::Report> Get(absl::string_view id) const = 0;
  // The report with its storage-only fields (reporter).
  [[nodiscard]] virtual absl::StatusOr<internal::StoredReport> GetStored(
      absl::string_view id) const = 0;
  [[nodiscard]] virtual absl::StatusOr<ReportPage> List(const ReportQuery& query) const = 0;
  // The id `reporter`'s report sent as `client_id` is stored under when that id was already
  // another reporter's (ReportAliasId with this store's secret), for the `attempt`-th try.
  [[nodiscard]] virtual std::string AliasOf(absl::string_view reporter,
                                            absl::string_view client_id, int attempt) const = 0;
};

// A ReportStore that passes every call to `inner`: decorators (metrics, benchmark modes)
// derive from it and override what they change.
class ForwardingReportStore : public ReportStore {
 public:
  explicit ForwardingReportStore(std::unique_ptr<ReportStore> inner) : inner_(std::move(inner)) {}
  void SubmitAsync(NewReport report, SubmitDone done) override {
    inner_->SubmitAsync(std::move(report), std::move(done));
  }
  absl::Status CheckAdmission() const override { return inner_->CheckAdmission(); }
  absl::StatusOr<v1::Report> Get(absl::string_view id) const override { return inner_->Get(id); }
  absl::StatusOr<internal::StoredReport> GetStored(absl::string_view id) const override {
    return inner_->GetStored(id);
  }
  absl::StatusOr<ReportPage> List(const ReportQuery& query) const override {
    return inner_->List(query);
  }
  std::string AliasOf(absl::string_view reporter, absl::string_view client_id,
                      int attempt) const override {
    return inner_->AliasOf(reporter, client_id, attempt);
  }

 protected:
  [[nodiscard]] ReportStore& inner() const { return *inner_; }

 private:
  std::unique_ptr<ReportStore> inner_;
};

// A ReportStore over `engine` that groups reports through `incidents` and seals contact
// details through `sealed` (none owned; all must outlive the store). Without `sealed`, a
// report with contact details fails FAILED_PRECONDITION, and alias ids are derived without a
// secret (for tests and tools).
[[nodiscard]] std::unique_ptr<ReportStore> NewReportStore(
    Engine* engine, const IncidentStore* incidents, const SealedIdentityStore* sealed = nullptr);

// The report as its own reporter sees it: under the id it sent (StoredReport.client_id when
// set, also in incident_id when the report opened its incident). A device's (or partner's)
// report that joined an incident another reporter opened shows its own id as incident_id
// (StoredReport.joined_others_incident): the server groups it, but its reporter is told
// nothing it could not know without the stranger's report. Everyone else sees
// stored.report().
[[nodiscard]] v1::Report ReporterView(const internal::StoredReport& stored);

// The stored id of the report `reporter` sent as `id`: `id` itself when it is that reporter's,
// else its alias when one exists, else `id` (whose reads then fail NOT_FOUND for the reporter
// as for a missing report). Errors: storage errors of the reads.
[[nodiscard]] absl::StatusOr<std::string> ResolveOwnReportId(const ReportStore& store,
                                                             absl::string_view id,
                                                             absl::string_view reporter);

}  // namespace wijkwacht::storage
