// PublicCursors: the resume cursors the change log gives callers without a staff role — the
// public map stream (MapService.StreamAggregates) and the devices' feeds (SyncService.Pull and
// Subscribe) — sealed so that they do not count the writes.
//
// A plain cursor (storage::EncodeCursor) is the change log's sequence number: every report,
// amendment and desk action anywhere moves it by one. Given to the public, a snapshot taken
// every few seconds would time-stamp each single write, also one inside a withheld cell, and
// a forged cursor "beyond the newest change" would find the sequence by bisection. A sealed
// cursor is that number under AES-256-GCM (privacy/aead.h) with a fresh random nonce: two
// cursors of the same position differ, nothing in one tells the position, and a cursor that
// was not issued by this key does not open (INVALID_ARGUMENT naming the field, the same
// answer whatever the position), so it cannot be forged.
//
// The key is derived from the server's master key (SealedIdentityStore::DerivedSecret), so
// sealed cursors outlive a restart; without one (tests, tools) it is random per process and a
// cursor from before a restart is refused like a forged one (the map page then starts over
// with a snapshot, as for any cursor it cannot resume from).
//
// A position is a sequence and, for the devices' feeds, how many of that event's messages were
// delivered (storage::StreamPosition). Each use has its own `purpose`: a cursor of one does
// not open in another. Format: "s1." + base64url(nonce || ciphertext of the 8-byte big-endian
// sequence and 4-byte delivered count || tag).
//
// Thread safety: Seal and Open may be called concurrently (`random` must allow it).
// Errors: Seal: INTERNAL when the random source fails. Open: INVALID_ARGUMENT on `field`.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/random.h"
#include "storage/change_feed.h"

namespace wijkwacht::services {

class PublicCursors {
 public:
  // `purpose`: what the cursors are for (the AAD). `secret`: the key material (any length;
  // hashed with `purpose` to the key), or "" for a random key of this process. `random` (not
  // owned): nonces, and the random key; nullptr = SystemRandom().
  PublicCursors(absl::string_view purpose, absl::string_view secret, auth::RandomSource* random);

  [[nodiscard]] absl::StatusOr<std::string> Seal(uint64_t sequence, uint32_t delivered = 0) const;
  // The position sealed in `cursor`; {0, 0} for "".
  [[nodiscard]] absl::StatusOr<storage::StreamPosition> Open(absl::string_view cursor,
                                                             absl::string_view field) const;

 private:
  std::string purpose_;
  std::string key_;
  auth::RandomSource* random_;
};

}  // namespace wijkwacht::services
