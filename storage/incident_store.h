// IncidentStore: incidents (reports of one event, grouped by deduplication) and the index
// the grouping reads.
//
// Every report belongs to exactly one incident. While a report is written (inside the same
// WriteFn, so in the same synced WriteBatch), Assign() scores the open incidents near it with
// the dedup::IncidentMatcher and either adds the report to the best one or opens a new
// incident whose id is the report's id. Candidates and the records being joined come from
// memory (OpenIncidents), so a decision and a join cost no RocksDB read and O(1) in the
// incident's member count. The incidents_by_cell index (open incidents only, keyed by the S2
// cell of their centre, their theme and their last observed day; value: centre and first
// observed time) is what that working set is rebuilt from at start.
//
// This class alone writes the incident family: records (StageIncident, Assign), members,
// incidents_by_cell, incidents_by_status and incidents_by_due (open incidents with a due_time
// whose OVERDUE has not been raised for it: kept in step with every record written); dispatch actions stage incident records through
// StageIncident.
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
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/dedup/incident_matcher.h"
#include "storage/engine.h"
#include "storage/open_incidents.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/common.pb.h"

namespace wijkwacht::storage {

struct ScoredIncident {
  dedup::IncidentFeatures incident;
  dedup::MatchScore score;
};

// What an incident gets when a report opens it, decided before the write (routing rules and
// the category's handling target; services/desk_policy.h): applied only when the report
// opens a new incident, ignored when it joins one.
struct IncidentOpening {
  std::string department;  // department id; "" = unassigned
  int rule_position = 0;   // 1-based position of the routing rule that decided; 0 = none
  int64_t rules_version = 0;
  std::string rule_label;
  std::optional<absl::Time> due_time;
};

// What Assign needs of the report being written.
struct IncidentMember {
  std::string report_id;
  dedup::ReportFeatures features;
  v1::AreaRef area;
  std::vector<std::string> area_codes;
  uint64_t leaf_cell = 0;  // S2 leaf cell of the report location (where the map counts it)
  bool needs_review = false;
  // matcher().SearchCells(features), computed before the writer's serial section (empty:
  // Assign computes it).
  std::vector<uint64_t> search_cells;
  IncidentOpening opening;
};

struct IncidentAssignment {
  std::string incident_id;
  bool opened = false;  // the report opened a new incident
  // Set when the join moved the incident's map count to another theme (where it is counted).
  std::optional<internal::MapCountMoved> count_moved;
};

class IncidentStore {
 public:
  // Neither is owned; both must outlive the store. `max_report_age`: the oldest observed time
  // a report may carry (report::IngestLimits::max_age) plus any clock skew it allows; open
  // incidents last observed more than that plus the matcher's longest window before the
  // newest report are dropped from memory (they can never be joined again). Infinite: keep
  // every open incident in memory.
  IncidentStore(Engine* engine, const dedup::IncidentMatcher* matcher,
                absl::Duration max_report_age = absl::InfiniteDuration());

  // Builds the in-memory working set (OpenIncidents) from the committed store. Runs once;
  // later calls return the first result. Called by the first read or write that needs it
  // if the owner did not call it at start.
  [[nodiscard]] absl::Status Load() const;

  // Open incidents the report would be compared with on submit, eligible ones only, best
  // first, at most `limit`, with score >= `min_score`. Reads the in-memory working set (which
  // may include changes of a group being committed).
  [[nodiscard]] absl::StatusOr<std::vector<ScoredIncident>> FindMatches(
      const dedup::ReportFeatures& report, size_t limit, double min_score) const;

  // The incident with up to `max_members` member report names (oldest observed first) in
  // incident.reports; report_count always has the full count.
  [[nodiscard]] absl::StatusOr<internal::StoredIncident> Get(absl::string_view id,
                                                             size_t max_members = 1000) const;

  // Inside a WriteFn: joins the report into the best matching open incident or opens one,
  // staging the incident record, its member entry and its index entries in `ctx`. Reads no
  // RocksDB: candidates and the joined record come from memory. The incident is flagged
  // needs_review when the report is (an unsure theme) or the match is unsure
  // (IncidentMatcher::Unsure: a join or a near miss within the review margin).
  [[nodiscard]] absl::StatusOr<IncidentAssignment> Assign(WriteContext& ctx,
                                                          const IncidentMember& member) const;

  // Inside a WriteFn: the one way to write an incident record. Stages `stored` as the record
  // of `id`, moves its map count to its current theme (RecountIncident), keeps
  // incidents_by_cell and incidents_by_status in step (`old_status`: the status it was
  // indexed under, 0 = none) and updates the in-memory working set (undone if the write is
  // not committed).
  [[nodiscard]] absl::Status StageIncident(WriteContext& ctx, absl::string_view id,
                                           int old_status,
                                           internal::StoredIncident& stored) const;

  // Inside a WriteFn: the incident_members entries (dispatch's merge and split move
  // reports between incidents through these).
  void StageMember(WriteContext& ctx, absl::string_view incident_id, absl::Time observed,
                   absl::string_view report_id) const;
  void RemoveMember(WriteContext& ctx, absl::string_view member_key) const;

  // Inside a purge's WriteFn: deletes the incident `id` (as `stored`, read in this write)
  // entirely — record, every incident_members entry, its incidents_by_cell and
  // incidents_by_status entries — and drops it from the in-memory working set (put back if
  // the write is not committed). Counters are the caller's (UncountIncident).
  [[nodiscard]] absl::Status StageRemoval(WriteContext& ctx, absl::string_view id,
                                          const internal::StoredIncident& stored) const;

  // Open incidents held in memory now.
  [[nodiscard]] size_t OpenInMemory() const;

  [[nodiscard]] const dedup::IncidentMatcher& matcher() const { return *matcher_; }

 private:
  // Stages the record and its cell index entry and updates the working set (which takes
  // `stored` over).
  void WriteRecord(WriteContext& ctx, absl::string_view id,
                   internal::StoredIncident&& stored) const;

  Engine* const engine_;
  const dedup::IncidentMatcher* const matcher_;
  const std::unique_ptr<OpenIncidents> open_;
  mutable std::once_flag load_once_;
  mutable absl::Status load_status_;
};

// incident_members keys: the members of an incident, oldest observed first.
[[nodiscard]] std::string IncidentMemberPrefix(absl::string_view incident_id);
[[nodiscard]] std::string IncidentMemberKey(absl::string_view incident_id, absl::Time observed,
                                            absl::string_view report_id);

// The stored incident record; DATA_LOSS if it does not parse.
[[nodiscard]] absl::StatusOr<internal::StoredIncident> ParseStoredIncident(absl::string_view bytes);

// incidents_by_status key: status (1 byte, 0 = the all-incidents list), create time, id.
[[nodiscard]] std::string IncidentStatusIndexKey(int status, absl::Time create_time,
                                                 absl::string_view incident_id);

// incidents_by_cell key of an incident.
[[nodiscard]] std::string IncidentIndexKey(uint64_t cell_id, int theme, absl::Time last_observed,
                                           absl::string_view incident_id);

}  // namespace wijkwacht::storage
