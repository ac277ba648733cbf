#include "storage/change_feed.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/test_util.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {
namespace {

std::unique_ptr<Engine> OpenAt(const std::string& dir) {
  EngineOptions options;
  options.data_dir = dir;
  options.sync_writes = false;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *std::move(engine) : nullptr;
}

// Appends `n` amended-report events (report ids "r<i>") in one group each.
void Append(Engine& engine, int first, int n) {
  for (int i = first; i < first + n; ++i) {
    ASSERT_TRUE(engine
                    .CommitAndWait([i](WriteContext& ctx) {
                      internal::ChangeEvent event;
                      event.mutable_report_amended()->set_report_id(absl::StrCat("r", i));
                      ctx.AppendChange(event);
                      return absl::OkStatus();
                    })
                    .ok());
  }
}

std::vector<std::string> Ids(const std::vector<internal::ChangeEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& e : events) ids.push_back(absl::StrCat(e.sequence(), ":",
                                                          e.report_amended().report_id()));
  return ids;
}

// Every read through the in-memory tail answers exactly what RocksDB holds: for every cursor
// and batch size, from behind the tail, inside it and at its end, while it evicts.
TEST(ChangeFeedTest, TailAnswersExactlyWhatTheLogHolds) {
  testing::TempDir dir;
  std::unique_ptr<Engine> engine = OpenAt(dir.path());
  ASSERT_NE(engine, nullptr);
  Append(*engine, 0, 5);  // before the feeds exist: never in the tail
  ChangeFeed::Options small;
  small.tail_events = 8;
  ChangeFeed tailed(engine.get(), small);
  ChangeFeed::Options none;
  none.tail_events = 0;
  ChangeFeed plain(engine.get(), none);
  for (int round = 0; round < 6; ++round) {
    Append(*engine, 5 + round * 5, 5);
    const uint64_t last = engine->LastSequence();
    for (uint64_t after = 0; after <= last; ++after) {
      for (size_t max : {1, 3, 100}) {
        auto want = plain.Read(after, max);
        auto got = tailed.Read(after, max);
        ASSERT_TRUE(want.ok() && got.ok());
        EXPECT_EQ(Ids(*got), Ids(*want)) << "after " << after << " max " << max;
      }
    }
  }
  engine->Shutdown();
}

// Thousands of caught-up readers woken by one commit all see the new event.
TEST(ChangeFeedTest, ConcurrentReadersOfTheTailAllSeeNewEvents) {
  testing::TempDir dir;
  std::unique_ptr<Engine> engine = OpenAt(dir.path());
  ASSERT_NE(engine, nullptr);
  ChangeFeed feed(engine.get());
  Append(*engine, 0, 3);
  const uint64_t after = engine->LastSequence();
  Append(*engine, 3, 2);
  std::atomic<int> right{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 8; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto events = feed.Read(after, 10);
        if (events.ok() && Ids(*events) == std::vector<std::string>{"4:r3", "5:r4"}) ++right;
      }
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(right, 8 * 200);
  engine->Shutdown();
}

TEST(ChangeFeedTest, WithinEventCursorsRoundTripAndOthersAreRefused) {
  auto plain = DecodeStreamCursor(EncodeCursor(41), "cursor");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->after, 41u);
  EXPECT_EQ(plain->delivered, 0u);
  auto within = DecodeStreamCursor(EncodeCursorWithin(42, 3), "cursor");
  ASSERT_TRUE(within.ok());
  EXPECT_EQ(within->after, 41u);
  EXPECT_EQ(within->delivered, 3u);
  auto empty = DecodeStreamCursor("", "cursor");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->after, 0u);
  for (const std::string& bad : {std::string("c2."), EncodeCursorWithin(0, 1),
                                 EncodeCursorWithin(5, 0), std::string("c2.AAAA"),
                                 std::string("x")}) {
    auto decoded = DecodeStreamCursor(bad, "cursor");
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  // Only streams that split events issue within-event cursors; elsewhere they are refused.
  EXPECT_FALSE(DecodeCursor(EncodeCursorWithin(42, 3), "cursor").ok());
}

}  // namespace
}  // namespace wijkwacht::storage
