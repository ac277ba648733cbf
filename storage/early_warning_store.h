// EarlyWarningStore: the raised early warnings (early_warnings) and how far the monitor has
// examined the change log (meta kEarlyWarningCursor) — the one writer of both. The monitor
// (services/early_warning_monitor.h) decides what to raise; this class stores it.
//
// A warning is stored once per area x theme x day: Record() skips one already raised and
// writes, in one batch with the new cursor, each new warning and its change-log event
// (EarlyWarningRaised), so a restart neither loses nor repeats one.
//
// Thread safety: all methods may be called concurrently. Errors: DATA_LOSS (a cursor that is
// not a number), INVALID_ARGUMENT (page_token), UNAVAILABLE from the engine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"
#include "wijkwacht/v1/map.pb.h"

namespace wijkwacht::storage {

class EarlyWarningStore {
 public:
  // `engine` is not owned and must outlive the store.
  explicit EarlyWarningStore(Engine* engine) : engine_(engine) {}

  // The change-log sequence examined so far (0: nothing yet).
  [[nodiscard]] absl::StatusOr<uint64_t> Cursor() const;

  // Stores each of `raised` not stored before (keyed by area, theme and the civil day of its
  // raise_time) with its change-log event, and the cursor `examined`, in one synced write.
  [[nodiscard]] absl::Status Record(const std::vector<v1::EarlyWarning>& raised,
                                    uint64_t examined);

  // Stored warnings in (area, theme, day) order, optionally for one area and/or theme (0 =
  // any); at most `page_size` after `page_token`.
  struct Page {
    std::vector<v1::EarlyWarning> warnings;
    std::string next_page_token;
  };
  [[nodiscard]] absl::StatusOr<Page> List(absl::string_view area_code, int theme, int page_size,
                                          absl::string_view page_token) const;

 private:
  Engine* const engine_;
};

}  // namespace wijkwacht::storage
