// OpenIncidents: the incident family's working set in memory — every open incident that a
// report may still join, by S2 index cell, with its parsed record and the features the
// matcher scores. The candidate search and a join read it instead of RocksDB; RocksDB stays
// the durable truth it is rebuilt from at start (Load, from incidents_by_cell and the
// incident records).
//
// It mirrors the WRITER's view: IncidentStore updates it while it stages an incident record
// (Put), inside the WriteFn, so a later WriteFn of the same group sees the change like it
// sees staged RocksDB values; the previous entry is handed back so that the stager can
// restore it (WriteContext::OnAbort) when the WriteFn is rolled back or the group fails.
// Entries are immutable and shared: a reader keeps the ones it visits alive while it scores.
//
// Which incidents it holds: open ones (dispatch::IsOpen) whose last observed report is no
// older than `horizon` before the newest last-observed time among them, where horizon = the
// longest dedup window + the oldest observed time a report may carry (+ a day). A new report
// is observed no earlier than that newest time minus its allowed age, so an incident older
// than the horizon can never be a candidate again and dropping it changes no decision. The
// measure is data time, never the wall clock: decisions depend on the stored data only.
//
// Thread safety: Put, Restore and Sweep run on the engine's writer thread only (the only
// mutator); ForEachInCell and Find may be called from any thread (shared lock).
// Errors: Load returns DATA_LOSS for a record that does not parse, UNAVAILABLE from the
// engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/dedup/incident_matcher.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

class OpenIncidents {
 public:
  struct Entry {
    internal::StoredIncident record;    // as last staged; no member list (incident.reports)
    dedup::IncidentFeatures features;   // what the matcher scores, derived from `record`
    uint64_t cell = 0;                  // dedup::IncidentMatcher::IndexCell of the centre
  };
  using EntryPtr = std::shared_ptr<const Entry>;

  explicit OpenIncidents(absl::Duration horizon) : horizon_(horizon) {}
  OpenIncidents(const OpenIncidents&) = delete;
  OpenIncidents& operator=(const OpenIncidents&) = delete;

  // Fills the set from the committed store: every incidents_by_cell entry whose last
  // observed day is within the horizon of the newest one, with its record. Call before
  // writes.
  [[nodiscard]] absl::Status Load(const Engine& engine);

  // The entry of `id`, or nullptr when it is not held (closed, too old, or absent).
  [[nodiscard]] EntryPtr Find(absl::string_view id) const;

  // Visits the incidents whose centre lies in `cell`, in id order; stops when `visit`
  // returns false.
  void ForEachInCell(uint64_t cell, const std::function<bool(const Entry&)>& visit) const;
  // Writer thread only (the one mutator, so nothing changes under it): the same without the
  // lock and without copying the cell's entries (`visit` is inlined: no std::function call
  // per candidate).
  template <typename Visit>
  void ForEachInCellOnWriter(uint64_t cell, Visit&& visit) const {
    auto it = by_cell_.find(cell);
    if (it == by_cell_.end()) return;
    for (const auto& [id, entry] : it->second) {
      if (!visit(*entry)) return;
    }
  }

  // Writer: makes `id` hold `record` (dropped when the record is not open). Returns the
  // previous entry (nullptr if none) for Restore.
  EntryPtr Put(absl::string_view id, internal::StoredIncident record);
  // Writer: puts `previous` back for `id` (nullptr: `id` is not held).
  void Restore(absl::string_view id, EntryPtr previous);

  [[nodiscard]] size_t size() const;
  [[nodiscard]] absl::Duration horizon() const { return horizon_; }

  // The features of a stored incident (exposed for FindMatches on records read elsewhere).
  [[nodiscard]] static dedup::IncidentFeatures FeaturesOf(absl::string_view id,
                                                          const internal::StoredIncident& stored);

 private:
  void SetLocked(const std::string& id, EntryPtr entry);
  // Writer: drops incidents last observed more than the horizon before `newest_`.
  void Sweep();

  const absl::Duration horizon_;
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, EntryPtr> by_id_;
  absl::flat_hash_map<uint64_t, absl::btree_map<std::string, EntryPtr>> by_cell_;
  // Writer only: the newest last-observed time put, and where the last sweep measured from.
  absl::Time newest_ = absl::InfinitePast();
  absl::Time swept_at_ = absl::InfinitePast();
};

}  // namespace wijkwacht::storage
