// DeletionLog: the record of what was deleted on purpose (PurgeIncident, and retention of
// whole records): per deletion and record class one wijkwacht.v1.Deletion — what kind of
// record, how many, when, by whom, why, about which object — and never any of the content.
// This class alone writes the deletion_log column family (sequence 1, 2, ... -> Deletion; the
// last sequence in meta "deletion_log_last"). Entries are kept; they hold no personal data
// beyond the acting staff account.
//
// Thread safety: Stage runs inside a WriteFn (the engine's single writer makes sequence
// assignment race-free); List may be called from any thread.
// Errors: INVALID_ARGUMENT (page_size, page_token: field named), DATA_LOSS (a stored entry or
// the meta counter does not parse), UNAVAILABLE (engine).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"
#include "wijkwacht/v1/dispatch.pb.h"

namespace wijkwacht::storage {

inline constexpr int kMaxDeletionPageSize = 1000;

struct DeletionPage {
  std::vector<v1::Deletion> deletions;
  std::string next_page_token;
};

class DeletionLog {
 public:
  // Not owned; must outlive the log.
  explicit DeletionLog(const Engine* engine) : engine_(engine) {}

  // Inside the WriteFn that deletes: appends `entry` with the next sequence (its name) and
  // the write's time (delete_time); returns the entry as stored.
  [[nodiscard]] static absl::StatusOr<v1::Deletion> Stage(WriteContext& ctx, v1::Deletion entry);

  // Oldest first; page_size 1..kMaxDeletionPageSize.
  [[nodiscard]] absl::StatusOr<DeletionPage> List(int page_size,
                                                  absl::string_view page_token) const;

 private:
  const Engine* const engine_;
};

}  // namespace wijkwacht::storage
