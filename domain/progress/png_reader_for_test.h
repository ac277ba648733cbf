// Test-only: a minimal PNG decoder, enough to look at Chromium's screenshots.
//
// Supports what Chromium writes: 8-bit RGB or RGBA, not interlaced. Checks the signature,
// the IHDR chunk and the size of the inflated image data; does not check CRCs.
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace wijkwacht::progress::testing {

struct RgbImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3 bytes, rows top to bottom (alpha dropped)
};

// Errors: INVALID_ARGUMENT for anything but a well-formed 8-bit RGB/RGBA non-interlaced PNG.
[[nodiscard]] absl::StatusOr<RgbImage> DecodePng(const std::string& bytes);

}  // namespace wijkwacht::progress::testing
