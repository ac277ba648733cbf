// Fuzz target: stream cursors and the base64url decoding under them (storage/change_feed.h,
// auth/base64url.h). Any input must decode or be refused with INVALID_ARGUMENT; whatever
// decodes must survive a round trip through the encoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "auth/base64url.h"
#include "storage/change_feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<uint64_t> sequence = wijkwacht::storage::DecodeCursor(input, "resume_cursor");
  if (sequence.ok()) {
    absl::StatusOr<uint64_t> again =
        wijkwacht::storage::DecodeCursor(wijkwacht::storage::EncodeCursor(*sequence), "c");
    if (!again.ok() || *again != *sequence) abort();
  } else if (sequence.status().code() != absl::StatusCode::kInvalidArgument) {
    abort();
  }

  absl::StatusOr<std::string> bytes = wijkwacht::auth::Base64UrlDecode(input);
  if (bytes.ok()) {
    absl::StatusOr<std::string> again =
        wijkwacht::auth::Base64UrlDecode(wijkwacht::auth::Base64UrlEncode(*bytes));
    if (!again.ok() || *again != *bytes) abort();
  }
  absl::StatusOr<std::string> plain = wijkwacht::auth::Base64DecodeUnpadded(input);
  if (plain.ok()) {
    absl::StatusOr<std::string> again =
        wijkwacht::auth::Base64DecodeUnpadded(wijkwacht::auth::Base64EncodeUnpadded(*plain));
    if (!again.ok() || *again != *plain) abort();
  }
  return 0;
}
