#include "domain/dispatch/audit_chain.h"

#include <cctype>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace wijkwacht::dispatch {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'717'200'000);

std::vector<AuditEntry> MakeChain(int length) {
  std::vector<AuditEntry> chain;
  chain.reserve(length);
  for (int i = 0; i < length; ++i) {
    AuditEntry entry{.time = kStart + absl::Seconds(i) + absl::Microseconds(i % 7),
                     .actor = absl::StrCat("users/dispatcher", i % 3),
                     .action = i % 2 ? "TransitionIncident" : "ClaimIncident",
                     .target = absl::StrCat("incidents/", i / 4),
                     .detail = i % 5 ? absl::StrCat("step ", i) : ""};
    absl::Status sealed = SealEntry(entry, chain.empty() ? nullptr : &chain.back());
    EXPECT_TRUE(sealed.ok()) << sealed;
    chain.push_back(std::move(entry));
  }
  return chain;
}

// DATA_LOSS whose message names `sequence` as the bad entry.
void ExpectBrokenAt(const absl::Status& status, int64_t sequence, absl::string_view what) {
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << what << ": " << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat("audit entry ", sequence, ": ")))
      << what << ": " << status;
}

TEST(AuditChainTest, SealedChainOfThousandVerifies) {
  std::vector<AuditEntry> chain = MakeChain(1000);
  EXPECT_EQ(chain.front().sequence, 1);
  EXPECT_EQ(chain.front().previous_hash, kGenesisHash);
  EXPECT_EQ(chain.back().sequence, 1000);
  EXPECT_EQ(chain[500].previous_hash, chain[499].hash);
  EXPECT_TRUE(VerifyChain(chain).ok());

  ChainVerifier verifier;
  for (const AuditEntry& entry : chain) ASSERT_TRUE(verifier.Add(entry).ok());
  EXPECT_TRUE(verifier.Finish().ok());
  EXPECT_EQ(verifier.last_sequence(), 1000);
  EXPECT_EQ(verifier.head_hash(), chain.back().hash);
}

TEST(AuditChainTest, EmptyChainVerifies) {
  EXPECT_TRUE(VerifyChain(absl::Span<const AuditEntry>()).ok());
  ChainVerifier verifier;
  EXPECT_TRUE(verifier.Finish().ok());
  EXPECT_EQ(verifier.last_sequence(), 0);
  EXPECT_EQ(verifier.head_hash(), kGenesisHash);
}

TEST(AuditChainTest, HashIsSha256OfPreviousHashAndCanonicalEncoding) {
  AuditEntry entry{
      .time = absl::FromUnixMicros(1), .actor = "a", .action = "b", .target = "", .detail = "d"};
  ASSERT_TRUE(SealEntry(entry, nullptr).ok());
  const std::string expected_encoding =
      absl::StrCat(absl::string_view("\x01", 1),                      // version
                   absl::string_view("\0\0\0\0\0\0\0\x01", 8),        // sequence 1
                   absl::string_view("\0\0\0\0\0\0\0\x01", 8),        // 1 µs after the epoch
                   absl::string_view("\0\0\0\0\0\0\0\x01", 8), "a",   // actor
                   absl::string_view("\0\0\0\0\0\0\0\x01", 8), "b",   // action
                   absl::string_view("\0\0\0\0\0\0\0\0", 8),          // target ""
                   absl::string_view("\0\0\0\0\0\0\0\x01", 8), "d");  // detail
  EXPECT_EQ(CanonicalEncoding(entry), expected_encoding);
  // Python: hashlib.sha256(bytes(32) + encoding).hexdigest()
  EXPECT_EQ(entry.hash, "747c68f2bb72acbd967dfd33904f1a69491d010ad7a848fcb0dd0d485e7bca2d");
}

TEST(AuditChainTest, FieldBoundariesAreUnambiguous) {
  AuditEntry a{.time = kStart, .actor = "ab", .action = "c"};
  AuditEntry b{.time = kStart, .actor = "a", .action = "bc"};
  EXPECT_NE(CanonicalEncoding(a), CanonicalEncoding(b));
}

TEST(AuditChainTest, SealTruncatesTimeAndRefusesBadInput) {
  AuditEntry entry{.time = kStart + absl::Nanoseconds(1500)};
  ASSERT_TRUE(SealEntry(entry, nullptr).ok());
  EXPECT_EQ(entry.time, kStart + absl::Microseconds(1));
  EXPECT_TRUE(VerifyChain(absl::MakeConstSpan(&entry, 1)).ok());

  AuditEntry infinite{.time = absl::InfiniteFuture(), .actor = "x"};
  EXPECT_EQ(SealEntry(infinite, nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(infinite.hash.empty());

  AuditEntry broken_previous = entry;
  broken_previous.hash = "abc";
  AuditEntry next{.time = kStart};
  EXPECT_EQ(SealEntry(next, &broken_previous).code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(next.hash.empty());
}

// Every way of changing one field of one entry is caught at that entry.
TEST(AuditChainTest, ChangingAnyFieldOfAnyEntryIsDetectedThere) {
  std::vector<AuditEntry> chain = MakeChain(1000);
  const std::vector<std::pair<absl::string_view, std::function<void(AuditEntry&)>>> tamperings = {
      {"sequence", [](AuditEntry& e) { e.sequence += 1000; }},
      {"time", [](AuditEntry& e) { e.time += absl::Microseconds(1); }},
      {"time below a microsecond", [](AuditEntry& e) { e.time += absl::Nanoseconds(1); }},
      {"actor", [](AuditEntry& e) { e.actor += "x"; }},
      {"action", [](AuditEntry& e) { e.action = "DeleteEverything"; }},
      {"target", [](AuditEntry& e) { e.target.clear(); }},
      {"detail", [](AuditEntry& e) { e.detail = "rewritten"; }},
      {"previous_hash", [](AuditEntry& e) { e.previous_hash[10] ^= 1; }},
      {"hash", [](AuditEntry& e) { e.hash[63] = e.hash[63] == 'a' ? 'b' : 'a'; }},
      {"hash truncated", [](AuditEntry& e) { e.hash.pop_back(); }},
      {"hash upper case",
       [](AuditEntry& e) {
         for (char& c : e.hash) c = static_cast<char>(std::toupper(c));
       }},
  };
  // Every entry of the first 100, then a stride (each run verifies up to the changed entry).
  for (size_t i = 0; i < chain.size(); i += i < 100 ? 1 : 37) {
    for (const auto& [field, tamper] : tamperings) {
      const AuditEntry original = chain[i];
      tamper(chain[i]);
      ExpectBrokenAt(VerifyChain(chain), original.sequence,
                     absl::StrCat(field, " of entry ", original.sequence));
      chain[i] = original;
    }
  }
  EXPECT_TRUE(VerifyChain(chain).ok());
}

TEST(AuditChainTest, DeletingAnEntryIsDetected) {
  for (size_t i : {0, 1, 500, 998}) {
    std::vector<AuditEntry> chain = MakeChain(1000);
    chain.erase(chain.begin() + i);
    ExpectBrokenAt(VerifyChain(chain), static_cast<int64_t>(i) + 1,
                   absl::StrCat("deleting entry ", i + 1));
  }
}

TEST(AuditChainTest, SwappingTwoEntriesIsDetected) {
  for (auto [i, j] : {std::pair<size_t, size_t>{0, 1}, {10, 11}, {100, 700}, {998, 999}}) {
    std::vector<AuditEntry> chain = MakeChain(1000);
    std::swap(chain[i], chain[j]);
    ExpectBrokenAt(VerifyChain(chain), static_cast<int64_t>(i) + 1,
                   absl::StrCat("swapping ", i + 1, " and ", j + 1));
  }
}

TEST(AuditChainTest, RenumberedAfterDeletionIsStillDetected) {
  // Deleting entry 5 and renumbering the rest keeps sequences consecutive; the link breaks.
  std::vector<AuditEntry> chain = MakeChain(20);
  chain.erase(chain.begin() + 4);
  for (size_t i = 4; i < chain.size(); ++i) chain[i].sequence = static_cast<int64_t>(i) + 1;
  ExpectBrokenAt(VerifyChain(chain), 5, "renumbered");
}

TEST(AuditChainTest, DroppingTheTailNeedsAnAnchor) {
  std::vector<AuditEntry> chain = MakeChain(10);
  const int64_t anchor_sequence = chain.back().sequence;
  const std::string anchor_hash = chain.back().hash;
  chain.pop_back();
  // The shorter chain is self-consistent ...
  ChainVerifier verifier;
  for (const AuditEntry& entry : chain) ASSERT_TRUE(verifier.Add(entry).ok());
  EXPECT_TRUE(verifier.Finish().ok());
  // ... but its head does not reach the anchor kept elsewhere.
  EXPECT_NE(verifier.last_sequence(), anchor_sequence);
  EXPECT_NE(verifier.head_hash(), anchor_hash);
}

TEST(AuditChainTest, VerifierCanContinueFromATrustedEntry) {
  std::vector<AuditEntry> chain = MakeChain(30);
  ChainVerifier from_anchor(chain[19].sequence, chain[19].hash);
  for (size_t i = 20; i < chain.size(); ++i) ASSERT_TRUE(from_anchor.Add(chain[i]).ok());
  EXPECT_EQ(from_anchor.last_sequence(), 30);

  ChainVerifier wrong_anchor(chain[18].sequence, chain[18].hash);
  ExpectBrokenAt(wrong_anchor.Add(chain[20]), 20, "entry after a different anchor");

  ChainVerifier malformed_anchor(20, "not a hash");
  ExpectBrokenAt(malformed_anchor.Add(chain[20]), 21, "malformed anchor");
}

TEST(AuditChainTest, FirstErrorSticks) {
  std::vector<AuditEntry> chain = MakeChain(5);
  ChainVerifier verifier;
  ASSERT_TRUE(verifier.Add(chain[0]).ok());
  absl::Status error = verifier.Add(chain[2]);
  ExpectBrokenAt(error, 2, "skipping entry 2");
  EXPECT_EQ(verifier.Add(chain[1]), error);
  EXPECT_EQ(verifier.Finish(), error);
}

TEST(AuditChainTest, StreamingVerifyPassesReadErrorsAndStopsEarly) {
  std::vector<AuditEntry> chain = MakeChain(50);
  int visited = 0;
  auto stream = [&](AuditEntryVisitor visit) -> absl::Status {
    for (const AuditEntry& entry : chain) {
      ++visited;
      if (absl::Status s = visit(entry); !s.ok()) return s;
    }
    return absl::UnavailableError("disk went away");
  };
  EXPECT_EQ(VerifyChain(stream).code(), absl::StatusCode::kUnavailable);

  chain[9].detail = "tampered";
  visited = 0;
  ExpectBrokenAt(VerifyChain(stream), 10, "streamed");
  EXPECT_EQ(visited, 10);
}

}  // namespace
}  // namespace wijkwacht::dispatch
