#include "services/public_cursor.h"

#include <openssl/sha.h>

#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "privacy/aead.h"
#include "storage/keys.h"

namespace wijkwacht::services {
namespace {

constexpr absl::string_view kPrefix = "s1.";

}  // namespace

PublicCursors::PublicCursors(absl::string_view purpose, absl::string_view secret,
                             auth::RandomSource* random)
    : purpose_(purpose), random_(random != nullptr ? random : auth::SystemRandom()) {
  std::string material(secret);
  if (material.empty()) {
    absl::StatusOr<std::string> bytes = random_->Bytes(privacy::kKeyBytes);
    if (bytes.ok()) material = *std::move(bytes);
  }
  // Without key material Seal fails INTERNAL: no cursor is better than a guessable one.
  if (material.empty()) return;
  const std::string input = absl::StrCat(purpose_, "\n", material);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  key_.assign(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::StatusOr<std::string> PublicCursors::Seal(uint64_t sequence, uint32_t delivered) const {
  if (key_.empty()) return absl::InternalError("no key for sealed cursors");
  std::string plain;
  storage::AppendBigEndian64(&plain, sequence);
  storage::AppendBigEndian32(&plain, delivered);
  WW_ASSIGN_OR_RETURN(std::string sealed, privacy::Seal(key_, plain, purpose_, random_));
  std::string text;
  absl::WebSafeBase64Escape(sealed, &text);
  return absl::StrCat(kPrefix, text);
}

absl::StatusOr<storage::StreamPosition> PublicCursors::Open(absl::string_view cursor,
                                                            absl::string_view field) const {
  if (cursor.empty()) return storage::StreamPosition{0, 0};
  const absl::Status refused = InvalidFieldError(
      field, "is not a cursor this server issued here (or it is from before a restart); start "
             "without one");
  std::string sealed;
  if (key_.empty() || !absl::StartsWith(cursor, kPrefix) ||
      !absl::WebSafeBase64Unescape(cursor.substr(kPrefix.size()), &sealed)) {
    return refused;
  }
  absl::StatusOr<std::string> plain = privacy::Open(key_, sealed, purpose_);
  if (!plain.ok() || plain->size() != 12) return refused;
  const absl::string_view bytes = *plain;
  std::optional<uint64_t> sequence = storage::ReadBigEndian64(bytes.substr(0, 8));
  std::optional<uint32_t> delivered = storage::ReadBigEndian32(bytes.substr(8, 4));
  if (!sequence || !delivered) return refused;
  return storage::StreamPosition{*sequence, *delivered};
}

}  // namespace wijkwacht::services
