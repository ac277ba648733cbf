// IncidentStore: incidents (reports of one event, grouped by deduplication) and the index
// the grouping reads.
//
// Every report belongs to exactly one incident. While a report is written (inside the same
// WriteFn, so in the same synced WriteBatch), Assign() reads the open incidents indexed near
// it, scores them with the dedup::IncidentMatcher and either adds the report to the best one
// or opens a new incident whose id is the report's id. The incidents_by_cell index holds only
// open incidents, keyed by the S2 cell of their centre, their theme and their last observed
// day (so each theme is read only as far back as its own time window reaches). Its value is
// the centre and first observed time as last indexed (rewritten when the centre drifts more
// than 10 m), so incidents out of reach are skipped without reading their record: a
// candidate search is one short range read per covering cell plus one point read per
// incident in reach, never a scan of reports.
//
// Determinism: the decision depends only on stored data and the report (observed time, not
// processing time). A replayed report id is answered from the idempotency record before
// Assign() runs, so replays never change the grouping.
//
// Thread safety: FindMatches/Get may be called from any thread; Assign runs on the engine's
// writer thread (inside a WriteFn). Errors: DATA_LOSS for a stored record that does not
// parse; UNAVAILABLE from the engine; NOT_FOUND from Get.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/dedup/incident_matcher.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/common.pb.h"

namespace wijkwacht::storage {

struct ScoredIncident {
  dedup::IncidentFeatures incident;
  dedup::MatchScore score;
};

// What Assign needs of the report being written.
struct IncidentMember {
  std::string report_id;
  dedup::ReportFeatures features;
  v1::AreaRef area;
  std::vector<std::string> area_codes;
  uint64_t leaf_cell = 0;  // S2 leaf cell of the report location (where the map counts it)
  bool needs_review = false;
};

struct IncidentAssignment {
  std::string incident_id;
  bool opened = false;  // the report opened a new incident
  // Set when the join moved the incident's map count to another theme (where it is counted).
  std::optional<internal::MapCountMoved> count_moved;
};

class IncidentStore {
 public:
  // Neither is owned; both must outlive the store.
  IncidentStore(Engine* engine, const dedup::IncidentMatcher* matcher)
      : engine_(engine), matcher_(matcher) {}

  // Open incidents the report would be compared with on submit, eligible ones only, best
  // first, at most `limit`, with score >= `min_score`. Reads committed data only.
  [[nodiscard]] absl::StatusOr<std::vector<ScoredIncident>> FindMatches(
      const dedup::ReportFeatures& report, size_t limit, double min_score) const;

  // The incident with up to `max_members` member report names (oldest observed first) in
  // incident.reports; report_count always has the full count.
  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Get(absl::string_view id,
                                                             size_t max_members = 1000) const;

  // Inside a WriteFn: joins the report into the best matching open incident or opens one,
  // staging the incident record and its index entry in `ctx`.
  [[nodiscard]] absl::StatusOr<IncidentAssignment> Assign(WriteContext& ctx,
                                                          const IncidentMember& member) const;

  [[nodiscard]] const dedup::IncidentMatcher& matcher() const { return *matcher_; }

 private:
  Engine* const engine_;
  const dedup::IncidentMatcher* const matcher_;
};

// incident_members keys: the members of an incident, oldest observed first.
[[nodiscard]] std::string IncidentMemberPrefix(absl::string_view incident_id);
[[nodiscard]] std::string IncidentMemberKey(absl::string_view incident_id, absl::Time observed,
                                            absl::string_view report_id);

// The stored incident record; DATA_LOSS if it does not parse.
[[nodiscard]] absl::StatusOr<internal::StoredIncident> ParseStoredIncident(absl::string_view bytes);

// Inside a WriteFn: makes incidents_by_cell agree with `stored` (whose record the caller
// writes): indexed under the key of its current centre, theme and last observed time while
// its status is open (dispatch::IsOpen), absent with index_key cleared otherwise, so closed,
// resolved and rejected incidents attract no new reports and a reopened one does again.
void SyncCellIndex(WriteContext& ctx, absl::string_view id, internal::StoredIncident& stored);

// incidents_by_status key: status (1 byte, 0 = the all-incidents list), create time, id.
[[nodiscard]] std::string IncidentStatusIndexKey(int status, absl::Time create_time,
                                                 absl::string_view incident_id);
// Inside a WriteFn: indexes `stored` under status 0 and its current status (value: theme),
// removing the entry of `old_status` (0 = none to remove) when the status changed.
void StageStatusIndex(WriteContext& ctx, absl::string_view id, int old_status,
                      const internal::StoredIncident& stored);

// incidents_by_cell key of an incident.
[[nodiscard]] std::string IncidentIndexKey(uint64_t cell_id, int theme, absl::Time last_observed,
                                           absl::string_view incident_id);

}  // namespace wijkwacht::storage
