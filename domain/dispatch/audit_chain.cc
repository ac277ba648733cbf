#include "domain/dispatch/audit_chain.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "openssl/evp.h"

namespace wijkwacht::dispatch {
namespace {

constexpr size_t kHashHexLength = 64;

bool IsHashHex(absl::string_view s) {
  if (s.size() != kHashHexLength) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void AppendBigEndian(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void AppendField(std::string& out, absl::string_view field) {
  AppendBigEndian(out, field.size());
  out.append(field.data(), field.size());
}

absl::Status EntryError(int64_t sequence, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat("audit entry ", sequence, ": ", problem));
}

}  // namespace

std::string CanonicalEncoding(const AuditEntry& entry) {
  std::string out;
  out.reserve(1 + 2 * 8 + 4 * 8 + entry.actor.size() + entry.action.size() + entry.target.size() +
              entry.detail.size());
  out.push_back(static_cast<char>(kAuditEncodingVersion));
  AppendBigEndian(out, static_cast<uint64_t>(entry.sequence));
  AppendBigEndian(out, static_cast<uint64_t>(absl::ToUnixMicros(entry.time)));
  AppendField(out, entry.actor);
  AppendField(out, entry.action);
  AppendField(out, entry.target);
  AppendField(out, entry.detail);
  return out;
}

absl::StatusOr<std::string> ComputeEntryHash(const AuditEntry& entry) {
  if (!IsHashHex(entry.previous_hash)) {
    return InvalidFieldError("previous_hash", "must be 64 lowercase hex characters");
  }
  const std::string message =
      absl::StrCat(absl::HexStringToBytes(entry.previous_hash), CanonicalEncoding(entry));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("SHA-256 of an audit entry failed");
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::Status SealEntry(AuditEntry& entry, const AuditEntry* previous) {
  if (entry.time == absl::InfiniteFuture() || entry.time == absl::InfinitePast()) {
    return InvalidFieldError("time", "must be a finite time");
  }
  if (previous != nullptr && !IsHashHex(previous->hash)) {
    return absl::DataLossError(
        absl::StrCat("audit entry ", previous->sequence, ": hash is malformed"));
  }
  AuditEntry sealed = entry;
  sealed.sequence = previous == nullptr ? 1 : previous->sequence + 1;
  sealed.time = absl::FromUnixMicros(absl::ToUnixMicros(entry.time));
  sealed.previous_hash = previous == nullptr ? std::string(kGenesisHash) : previous->hash;
  absl::StatusOr<std::string> hash = ComputeEntryHash(sealed);
  if (!hash.ok()) return hash.status();
  sealed.hash = *std::move(hash);
  entry = std::move(sealed);
  return absl::OkStatus();
}

absl::Status ChainVerifier::Add(const AuditEntry& entry) {
  if (!status_.ok()) return status_;
  const int64_t expected = last_sequence_ + 1;
  if (entry.sequence != expected) {
    status_ = EntryError(expected, absl::StrCat("found sequence ", entry.sequence,
                                                " instead (entries missing or out of order)"));
  } else if (!IsHashHex(entry.hash)) {
    status_ = EntryError(expected, "hash is not 64 lowercase hex characters");
  } else if (!IsHashHex(entry.previous_hash)) {
    status_ = EntryError(expected, "previous_hash is not 64 lowercase hex characters");
  } else if (entry.previous_hash != head_hash_) {
    status_ = EntryError(expected, expected == 1 ? "previous_hash is not the genesis hash"
                                                 : absl::StrCat("previous_hash does not match "
                                                                "the hash of entry ",
                                                                expected - 1));
  } else if (entry.time != absl::FromUnixMicros(absl::ToUnixMicros(entry.time))) {
    status_ = EntryError(expected, "time has a sub-microsecond part, which the hash misses");
  } else {
    absl::StatusOr<std::string> hash = ComputeEntryHash(entry);
    if (!hash.ok()) {
      status_ = hash.status();
    } else if (*hash != entry.hash) {
      status_ = EntryError(expected, "hash does not match its contents");
    } else {
      last_sequence_ = expected;
      head_hash_ = entry.hash;
    }
  }
  return status_;
}

absl::Status VerifyChain(absl::FunctionRef<absl::Status(AuditEntryVisitor)> for_each) {
  ChainVerifier verifier;
  absl::Status visited =
      for_each([&verifier](const AuditEntry& entry) { return verifier.Add(entry); });
  // A broken chain outranks the error `for_each` returns for stopping early.
  if (!verifier.Finish().ok()) return verifier.Finish();
  return visited;
}

absl::Status VerifyChain(absl::Span<const AuditEntry> entries) {
  return VerifyChain([entries](AuditEntryVisitor visit) {
    for (const AuditEntry& entry : entries) WW_RETURN_IF_ERROR(visit(entry));
    return absl::OkStatus();
  });
}

}  // namespace wijkwacht::dispatch
