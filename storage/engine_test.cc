#include "storage/engine.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/keys.h"
#include "storage/test_util.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {
namespace {

absl::StatusOr<std::unique_ptr<Engine>> OpenAt(const std::string& dir) {
  EngineOptions options;
  options.data_dir = dir;
  return Engine::Open(options);
}

TEST(EngineTest, WriteContextScanMergesStagedChangesWithTheDatabase) {
  testing::TempDir dir;
  auto engine = OpenAt(dir.path());
  ASSERT_TRUE(engine.ok()) << engine.status();
  ASSERT_TRUE((*engine)
                  ->CommitAndWait([](WriteContext& ctx) {
                    for (const char* k : {"a1", "a3", "a5", "b1"}) {
                      ctx.Put(ColumnFamily::kIncidentMembers, k, "db");
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  std::vector<std::string> seen;
  ASSERT_TRUE((*engine)
                  ->CommitAndWait([&](WriteContext& ctx) {
                    ctx.Put(ColumnFamily::kIncidentMembers, "a2", "staged");
                    ctx.Put(ColumnFamily::kIncidentMembers, "a3", "staged");  // overrides
                    ctx.Delete(ColumnFamily::kIncidentMembers, "a5");         // hides
                    ctx.Put(ColumnFamily::kIncidentMembers, "a6", "staged");
                    ctx.Put(ColumnFamily::kReports, "a4", "other column family");
                    return ctx.Scan(ColumnFamily::kIncidentMembers, "a2", "a",
                                    [&](absl::string_view k, absl::string_view v) {
                                      seen.push_back(absl::StrCat(k, "=", v));
                                      return true;
                                    });
                  })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a2=staged", "a3=staged", "a6=staged"}));

  // A WriteFn that fails is rolled back: a later WriteFn of the group no longer sees it.
  std::atomic<int> visible{-1};
  (*engine)->Commit(
      [](WriteContext& ctx) {
        ctx.Put(ColumnFamily::kIncidentMembers, "c1", "x");
        return absl::AbortedError("no");
      },
      [](absl::Status) {});
  ASSERT_TRUE((*engine)
                  ->CommitAndWait([&](WriteContext& ctx) {
                    int n = 0;
                    absl::Status s = ctx.Scan(ColumnFamily::kIncidentMembers, "c", "c",
                                              [&](absl::string_view, absl::string_view) {
                                                return ++n, true;
                                              });
                    visible = n;
                    return s;
                  })
                  .ok());
  EXPECT_EQ(visible.load(), 0);
}

TEST(EngineTest, ConcurrentCommitsAreAllDurableWithGaplessSequences) {
  testing::TempDir dir;
  constexpr int kThreads = 8, kPerThread = 50;
  {
    auto engine = OpenAt(dir.path());
    ASSERT_TRUE(engine.ok()) << engine.status();
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          absl::Status s = (*engine)->CommitAndWait([&](WriteContext& ctx) {
            internal::ChangeEvent event;
            ctx.AppendChange(event);
            ctx.Put(ColumnFamily::kReports, absl::StrCat(t, "/", i), "v");
            return absl::OkStatus();
          });
          if (!s.ok()) ++failures;
        }
      });
    }
    for (std::thread& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ((*engine)->LastSequence(), uint64_t{kThreads * kPerThread});
  }
  auto reopened = OpenAt(dir.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->LastSequence(), uint64_t{kThreads * kPerThread});
  std::set<uint64_t> sequences;
  ASSERT_TRUE((*reopened)
                  ->Scan(ColumnFamily::kChangeLog, "", "",
                         [&](absl::string_view key, absl::string_view value) {
                           internal::ChangeEvent e;
                           EXPECT_TRUE(e.ParseFromArray(value.data(), value.size()));
                           EXPECT_EQ(ParseSequenceKey(key), e.sequence());
                           sequences.insert(e.sequence());
                           return true;
                         })
                  .ok());
  ASSERT_EQ(sequences.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(*sequences.begin(), 1u);
  EXPECT_EQ(*sequences.rbegin(), uint64_t{kThreads * kPerThread});
  auto value = (*reopened)->Get(ColumnFamily::kReports, "3/49");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), "v");
}

TEST(EngineTest, FailedWriteIsRolledBackWithoutHarmingItsGroup) {
  testing::TempDir dir;
  auto engine = OpenAt(dir.path());
  ASSERT_TRUE(engine.ok());
  std::atomic<int> done{0};
  std::vector<absl::Status> results(3);
  // Queue three writes back to back so that they most likely share a group; the outcome must
  // be the same either way.
  for (int i = 0; i < 3; ++i) {
    (*engine)->Commit(
        [i](WriteContext& ctx) {
          internal::ChangeEvent event;
          ctx.AppendChange(event);
          ctx.Put(ColumnFamily::kReports, absl::StrCat("k", i), "v");
          if (i == 1) return absl::InvalidArgumentError("refused");
          return absl::OkStatus();
        },
        [&, i](absl::Status s) {
          results[i] = s;
          ++done;
        });
  }
  while (done.load() < 3) std::this_thread::yield();
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ((*engine)->LastSequence(), 2u);
  EXPECT_FALSE((*engine)->Get(ColumnFamily::kReports, "k1")->has_value());
  EXPECT_TRUE((*engine)->Get(ColumnFamily::kReports, "k2")->has_value());
  EXPECT_TRUE((*engine)->Get(ColumnFamily::kChangeLog, SequenceKey(2))->has_value());
  EXPECT_FALSE((*engine)->Get(ColumnFamily::kChangeLog, SequenceKey(3))->has_value());
}

TEST(EngineTest, WritesInOneGroupSeeEachOther) {
  testing::TempDir dir;
  auto engine = OpenAt(dir.path());
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE((*engine)
                  ->CommitAndWait([](WriteContext& ctx) {
                    ctx.Put(ColumnFamily::kIdempotency, "x", "1");
                    auto seen = ctx.Get(ColumnFamily::kIdempotency, "x");
                    if (!seen.ok() || *seen != std::optional<std::string>("1")) {
                      return absl::InternalError("staged write not visible");
                    }
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST(EngineTest, ListenersHearNewSequencesAndShutdownRefusesWrites) {
  testing::TempDir dir;
  auto engine = OpenAt(dir.path());
  ASSERT_TRUE(engine.ok());
  std::atomic<uint64_t> heard{0};
  (*engine)->AddCommitListener([&](uint64_t last) { heard = last; });
  ASSERT_TRUE((*engine)
                  ->CommitAndWait([](WriteContext& ctx) {
                    internal::ChangeEvent e;
                    ctx.AppendChange(e);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(heard.load(), 1u);
  (*engine)->Shutdown();
  absl::Status after = (*engine)->CommitAndWait([](WriteContext&) { return absl::OkStatus(); });
  EXPECT_EQ(after.code(), absl::StatusCode::kUnavailable);
}

TEST(EngineTest, NewWritesFailFastWhileTheQueueIsBackedUp) {
  testing::TempDir dir;
  // Domain time stands still: queue ages are real elapsed time, never the injected clock.
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  EngineOptions options;
  options.data_dir = dir.path();
  options.clock = &clock;
  options.admission_delay = absl::Milliseconds(200);
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();

  // The writer is held inside a first write; a second one waits in the queue.
  absl::Notification writer_busy, release;
  (*engine)->Commit(
      [&](WriteContext& ctx) {
        writer_busy.Notify();
        release.WaitForNotification();
        ctx.Put(ColumnFamily::kMeta, "first", "1");
        return absl::OkStatus();
      },
      [](absl::Status) {});
  writer_busy.WaitForNotification();
  absl::Notification second_done;
  absl::Status second;
  (*engine)->Commit(
      [](WriteContext& ctx) {
        ctx.Put(ColumnFamily::kMeta, "second", "2");
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        second = s;
        second_done.Notify();
      });
  // A jump of the injected clock changes nothing.
  clock.Advance(absl::Hours(1));
  EXPECT_TRUE((*engine)->CheckAdmission().ok());

  // Once the oldest queued write has really waited longer, new writes are refused at once.
  absl::SleepFor(absl::Milliseconds(400));
  absl::Status refused = (*engine)->CheckAdmission();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_TRUE(GetRetryDelay(refused).has_value()) << refused;
  absl::Notification refused_done;
  (*engine)->Commit([](WriteContext&) { return absl::OkStatus(); },
                    [&](absl::Status s) {
                      refused = s;
                      refused_done.Notify();
                    });
  ASSERT_TRUE(refused_done.HasBeenNotified()) << "a refusal must not wait for the writer";
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;

  // The queued write still runs (it waited less than max_queue_delay), and once the queue is
  // empty new writes are admitted again.
  release.Notify();
  second_done.WaitForNotification();
  EXPECT_TRUE(second.ok()) << second;
  EXPECT_TRUE((*engine)->CommitAndWait([](WriteContext&) { return absl::OkStatus(); }).ok());
}

TEST(EngineTest, ScanHonoursPrefixAndStart) {
  testing::TempDir dir;
  auto engine = OpenAt(dir.path());
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE((*engine)
                  ->CommitAndWait([](WriteContext& ctx) {
                    for (const char* k : {"a1", "a2", "a3", "b1", "a\xff"}) {
                      ctx.Put(ColumnFamily::kMeta, k, "");
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  std::vector<std::string> keys;
  ASSERT_TRUE((*engine)
                  ->Scan(ColumnFamily::kMeta, "a2", "a",
                         [&](absl::string_view k, absl::string_view) {
                           keys.emplace_back(k);
                           return true;
                         })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"a2", "a3", "a\xff"}));
}

TEST(EngineTest, RefusesUnknownSchemaVersion) {
  testing::TempDir dir;
  {
    auto engine = OpenAt(dir.path());
    ASSERT_TRUE(engine.ok());
    ASSERT_TRUE((*engine)
                    ->CommitAndWait([](WriteContext& ctx) {
                      ctx.Put(ColumnFamily::kMeta, "schema_version", "99");
                      return absl::OkStatus();
                    })
                    .ok());
  }
  auto reopened = OpenAt(dir.path());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace wijkwacht::storage
