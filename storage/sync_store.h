// SyncStore: what the residents' offline-first app reads and changes besides submitting
// reports (SyncService): a reporter's own reports (through the reports_by_reporter index,
// written with each report by ReportStore) and their amendments.
//
// Amend adds a ReportAmendment (photo reference and/or note) to a stored report in ONE synced
// batch with a `report_amended` change event. It never touches the report's status. A replay
// (the newest amendment has the same photo_ref and note) returns the report unchanged and
// writes nothing.
//
// Thread safety: all methods may be called concurrently; AmendAsync's `done` runs on the
// storage writer thread (keep it short).
// Errors: NOT_FOUND (no such report, or it was sent by another reporter: the two are not
// distinguished), UNAVAILABLE / RESOURCE_EXHAUSTED (engine), DATA_LOSS (a record does not
// parse).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

class SyncStore {
 public:
  using AmendDone = std::function<void(absl::StatusOr<internal::StoredReport>)>;

  // `engine` is not owned and must outlive the store.
  explicit SyncStore(Engine* engine) : engine_(engine) {}

  // Adds {photo_ref, note} to report `id` when `reporter` sent it (see above).
  void AmendAsync(std::string id, std::string reporter, std::string photo_ref, std::string note,
                  AmendDone done);

  // The reports `reporter` sent, oldest created first, at most `limit`.
  [[nodiscard]] absl::StatusOr<std::vector<internal::StoredReport>> ReportsOf(
      absl::string_view reporter, size_t limit) const;

 private:
  Engine* const engine_;
};

}  // namespace wijkwacht::storage
