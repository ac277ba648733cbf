#include "privacy/small_counts.h"

#include <openssl/sha.h>

#include <array>
#include <cstring>

namespace wijkwacht::privacy {
namespace {

// Spreads a cell key (a sum of record keys) over all 64 bits before the table lookup.
uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Offsets -2..+2 by a draw in [0, 100): 10 / 20 / 40 / 20 / 10 %.
int Draw(uint64_t key) {
  const int u = static_cast<int>(Mix(key) % 100);
  if (u < 10) return -2;
  if (u < 30) return -1;
  if (u < 70) return 0;
  if (u < 90) return 1;
  return 2;
}

}  // namespace

uint64_t RecordKey(absl::string_view id) {
  // The hash input starts with a fixed domain label; the record ids themselves are random
  // (client-made UUIDs) and are never published beside a figure, so the keys of other
  // people's records are unknown to a caller of the public map.
  static constexpr absl::string_view kLabel = "wijkwacht map record key v1\n";
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, kLabel.data(), kLabel.size());
  SHA256_Update(&ctx, id.data(), id.size());
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256_Final(digest.data(), &ctx);
  uint64_t key = 0;
  std::memcpy(&key, digest.data(), sizeof(key));
  return key;
}

int Perturbation(int64_t count, uint64_t key, int k) {
  int offset = Draw(key);
  // Never below k (a published figure under k would read as "withheld" and says nothing a
  // withheld cell does not); reflect instead of clamping so the offsets stay spread.
  if (count + offset < k) offset = -offset;
  if (count + offset < k) offset = 0;
  return offset;
}

int ThresholdMargin(uint64_t reporter_keys) {
  // A draw apart from the offsets' (another constant mixed in first).
  return 1 + static_cast<int>(Mix(reporter_keys ^ 0x6a09e667f3bcc909ULL) % kMaxThresholdMargin);
}

PublishedCounts Publish(const CellCounts& counts, int k) {
  PublishedCounts out;
  if (k <= 0) {
    out.incidents = counts.incidents;
    out.reports = counts.reports;
    return out;
  }
  const auto below_k = [k](int64_t n) { return n > 0 && n < k; };
  if (below_k(counts.reports) || below_k(counts.incidents) ||
      (counts.reports > 0 && counts.distinct_reporters >= 0 &&
       counts.distinct_reporters < k + ThresholdMargin(counts.reporter_keys))) {
    out.withheld = true;
    return out;
  }
  out.reports = counts.reports == 0
                    ? 0
                    : counts.reports + Perturbation(counts.reports, counts.report_keys, k);
  // Incidents keyed apart from reports: a cell of one incident's reports must not give the
  // two figures the same offset.
  out.incidents = counts.incidents == 0
                      ? 0
                      : counts.incidents + Perturbation(counts.incidents,
                                                        ~counts.incident_keys, k);
  return out;
}

}  // namespace wijkwacht::privacy
