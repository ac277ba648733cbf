// IndicatorStore: figures from other sources on the safety map (police registrations, the
// Veiligheidsmonitor, municipal sources), per area x indicator x period.
//
// ImportAll writes a whole file's rows in ONE synced batch, so an import is all or nothing; a
// row for an (area, indicator, period) already stored replaces it (re-importing a corrected
// file is safe). ForArea lists an area's figures in key order.
//
// Thread safety: all methods may be called concurrently. Errors: UNAVAILABLE /
// RESOURCE_EXHAUSTED from the engine, DATA_LOSS for a stored value that does not parse.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/engine.h"
#include "wijkwacht/v1/map.pb.h"

namespace wijkwacht::storage {

class IndicatorStore {
 public:
  explicit IndicatorStore(Engine* engine) : engine_(engine) {}

  [[nodiscard]] absl::Status ImportAll(const std::vector<v1::IndicatorValue>& values);
  [[nodiscard]] absl::StatusOr<std::vector<v1::IndicatorValue>> ForArea(
      absl::string_view area_code) const;

 private:
  Engine* const engine_;
};

}  // namespace wijkwacht::storage
