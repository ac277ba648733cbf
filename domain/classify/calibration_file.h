// Internal: file helpers and the calibration file ("<model>.calibration.json"):
//   {"format": "wijkwacht-theme-calibration/1", "temperature": 1.23,
//    "model_sha256": "<hex of the model file>", ...training facts for people...}
// Only "format", "temperature" and "model_sha256" are read back.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::classify::internal {

inline constexpr absl::string_view kCalibrationFormat = "wijkwacht-theme-calibration/1";

struct CalibrationRecord {
  double temperature = 1;
  std::string model_sha256;  // lower-case hex
};

// The whole file. NOT_FOUND if missing, the errno status if unreadable, INVALID_ARGUMENT
// above 2 GiB.
[[nodiscard]] absl::StatusOr<std::string> ReadWholeFile(const std::string& path);
// Lower-case hex SHA-256.
[[nodiscard]] std::string Sha256Hex(absl::string_view bytes);
// Errors: those of ReadWholeFile; INVALID_ARGUMENT "<path>: <problem>" if malformed.
[[nodiscard]] absl::StatusOr<CalibrationRecord> ReadCalibrationFile(const std::string& path);

}  // namespace wijkwacht::classify::internal
