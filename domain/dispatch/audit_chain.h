// The hash-chained audit log (DispatchService.GetAuditLog): every entry carries the hash of
// the one before it, so changing, removing or reordering any stored entry breaks the chain at
// that entry.
//
//   hash = lowercase hex(SHA-256(raw(previous_hash) || CanonicalEncoding(entry)))
//
// raw(previous_hash) is the 32 bytes the previous entry's hex hash stands for; the first
// entry (sequence 1) uses kGenesisHash (64 '0' characters, i.e. 32 zero bytes).
//
// CanonicalEncoding(entry), version 1 (all integers big-endian):
//   uint8  version                    = kAuditEncodingVersion (1)
//   int64  sequence
//   int64  time in unix microseconds  (the hash covers whole microseconds only; SealEntry
//                                      truncates the time, the verifier refuses sub-µs parts)
//   for actor, action, target, detail in this order:
//     uint64 length in bytes, then the bytes as stored (no normalization)
// previous_hash and hash are not part of it (previous_hash enters as the raw prefix).
//
// Appending (`last` is the stored last entry, nullptr for an empty log):
//   AuditEntry entry{.time = clock->Now(), .actor = ..., .action = ..., .target = ...};
//   WW_RETURN_IF_ERROR(SealEntry(entry, last));
//   store entry;
// Verifying a stream of any length:
//   ChainVerifier verifier;
//   for each stored entry, in sequence order: WW_RETURN_IF_ERROR(verifier.Add(entry));
//   WW_RETURN_IF_ERROR(verifier.Finish());
//
// Verification errors are DATA_LOSS naming the first bad entry ("audit entry 42: hash does not
// match its contents"). A chain cut off after its last good entry still verifies: compare
// ChainVerifier::last_sequence() / head_hash() with an anchor kept elsewhere to detect that.
//
// Thread safety: the functions are pure; a ChainVerifier is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace wijkwacht::dispatch {

inline constexpr uint8_t kAuditEncodingVersion = 1;
// previous_hash of the first entry.
inline constexpr absl::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// One audit log entry (wijkwacht.v1.AuditEntry).
struct AuditEntry {
  int64_t sequence = 0;  // 1, 2, 3, ... without gaps
  absl::Time time = absl::UnixEpoch();
  std::string actor{};          // "users/{user}"
  std::string action{};         // e.g. "TransitionIncident"
  std::string target{};         // e.g. "incidents/{incident}"
  std::string detail{};         // free text, e.g. "INCIDENT_NEW -> INCIDENT_TRIAGED: duplicate"
  std::string previous_hash{};  // 64 lowercase hex characters
  std::string hash{};           // 64 lowercase hex characters
};

// The bytes hashed for `entry` after the previous hash (layout in the header comment).
[[nodiscard]] std::string CanonicalEncoding(const AuditEntry& entry);

// The hash `entry` should carry given its previous_hash and other fields (`entry.hash` is
// ignored). INVALID_ARGUMENT "previous_hash: ..." if previous_hash is not 64 lowercase hex
// characters; INTERNAL if OpenSSL fails.
[[nodiscard]] absl::StatusOr<std::string> ComputeEntryHash(const AuditEntry& entry);

// Makes `entry` the entry after `previous` (nullptr: the first entry of the log): sets
// sequence, previous_hash and hash, and truncates time to whole microseconds. The other fields
// must be final. INVALID_ARGUMENT "time: ..." if the time is infinite; DATA_LOSS if `previous`
// has a malformed hash; INTERNAL if OpenSSL fails. On error `entry` is unchanged.
[[nodiscard]] absl::Status SealEntry(AuditEntry& entry, const AuditEntry* previous);

// Checks a chain entry by entry, in order, without keeping the entries.
class ChainVerifier {
 public:
  // Expects the log from its first entry (sequence 1, previous_hash kGenesisHash).
  ChainVerifier() = default;
  // Expects the entries after a trusted entry (`sequence`, `hash`), e.g. to verify only what
  // was appended since the last verified anchor.
  ChainVerifier(int64_t sequence, std::string hash)
      : last_sequence_(sequence), head_hash_(std::move(hash)) {}

  // OK if `entry` correctly follows the entries added so far. Otherwise DATA_LOSS naming the
  // entry's expected sequence and what is wrong: unexpected sequence (missing, duplicated or
  // reordered entries), malformed hash or previous_hash, previous_hash not linking to the
  // entry before (or to the anchor), time with a sub-microsecond part, or a hash that does
  // not recompute (a field was changed).
  // INTERNAL if OpenSSL fails. After the first error, every call returns that error.
  [[nodiscard]] absl::Status Add(const AuditEntry& entry);

  // The first error of Add, or OK (also for an empty chain).
  [[nodiscard]] absl::Status Finish() const { return status_; }

  // The sequence and hash of the last verified entry (0 and kGenesisHash before any, or the
  // anchor passed to the constructor).
  [[nodiscard]] int64_t last_sequence() const { return last_sequence_; }
  [[nodiscard]] const std::string& head_hash() const { return head_hash_; }

 private:
  int64_t last_sequence_ = 0;
  std::string head_hash_{kGenesisHash};
  absl::Status status_;
};

// Verifies a whole chain from its first entry. `for_each` must call its argument once per
// stored entry, in sequence order, stop as soon as that returns an error and return it (or its
// own error, e.g. a read failure, which is passed through unchanged).
using AuditEntryVisitor = absl::FunctionRef<absl::Status(const AuditEntry&)>;
[[nodiscard]] absl::Status VerifyChain(absl::FunctionRef<absl::Status(AuditEntryVisitor)> for_each);
// The same for entries in memory.
[[nodiscard]] absl::Status VerifyChain(absl::Span<const AuditEntry> entries);

}  // namespace wijkwacht::dispatch
