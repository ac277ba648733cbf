#include "storage/engine.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
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

// The real file system, except that while the test holds the gate a WAL sync waits for it to
// open (and then fails if the test says so): a test can keep one group inside its synced
// write and see what the writer does meanwhile.
class GatedWalFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  GatedWalFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "GatedWalFileSystem"; }

  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  // Blocks until a WAL sync waits at the gate.
  void AwaitWaitingSync() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&waiting_));
  }
  void Open(bool fail) {
    absl::MutexLock lock(&mu_);
    held_ = false;
    fail_ = fail;
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = std::make_unique<GatedFile>(std::move(*result), this);
    }
    return s;
  }

 private:
  class GatedFile final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    GatedFile(std::unique_ptr<rocksdb::FSWritableFile> file, GatedWalFileSystem* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (!fs_->PassGate()) return rocksdb::IOStatus::IOError("sync failed (test)");
      return target()->Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (!fs_->PassGate()) return rocksdb::IOStatus::IOError("fsync failed (test)");
      return target()->Fsync(options, dbg);
    }

   private:
    GatedWalFileSystem* fs_;
  };

  // False: the sync fails.
  bool PassGate() {
    absl::MutexLock lock(&mu_);
    if (!held_) return !fail_;
    waiting_ = true;
    mu_.Await(absl::Condition(
        +[](bool* held) { return !*held; }, &held_));
    waiting_ = false;
    return !fail_;
  }

  absl::Mutex mu_;
  bool held_ = false;
  bool waiting_ = false;
  bool fail_ = false;
};

struct GatedEngine {
  std::shared_ptr<GatedWalFileSystem> fs = std::make_shared<GatedWalFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  std::unique_ptr<Engine> engine;

  absl::Status Open(const std::string& dir) {
    EngineOptions options;
    options.data_dir = dir;
    options.env = env.get();
    WW_ASSIGN_OR_RETURN(engine, Engine::Open(options));
    return absl::OkStatus();
  }
};

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

TEST(EngineTest, PipelinedWriteIsStagedDuringThePreviousSyncAndAckedAfterIt) {
  testing::TempDir dir;
  GatedEngine gated;
  ASSERT_TRUE(gated.Open(dir.path()).ok());
  Engine& engine = *gated.engine;
  std::atomic<uint64_t> heard{0};
  engine.AddCommitListener([&](uint64_t last) { heard = last; });

  // Group A is held inside its synced write.
  gated.fs->Hold();
  absl::Notification a_done;
  absl::Status a_status;
  engine.Commit(
      [](WriteContext& ctx) {
        internal::ChangeEvent event;
        ctx.AppendChange(event);
        ctx.Put(ColumnFamily::kReports, "a", "from A");
        ctx.Delete(ColumnFamily::kReports, "gone");
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        a_status = s;
        a_done.Notify();
      });
  gated.fs->AwaitWaitingSync();

  // B is staged meanwhile and reads A's values; a write that is not pipelined waits.
  absl::Notification b_staged, b_done, c_staged;
  std::optional<std::string> b_saw_a, b_saw_gone = "unset";
  absl::Status b_status;
  engine.CommitPipelined(
      [&](WriteContext& ctx) -> absl::Status {
        WW_ASSIGN_OR_RETURN(b_saw_a, ctx.Get(ColumnFamily::kReports, "a"));
        WW_ASSIGN_OR_RETURN(b_saw_gone, ctx.Get(ColumnFamily::kReports, "gone"));
        internal::ChangeEvent event;
        EXPECT_EQ(ctx.AppendChange(event), 2u);
        ctx.Put(ColumnFamily::kReports, "b", "from B");
        b_staged.Notify();
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        b_status = s;
        b_done.Notify();
      });
  absl::Notification c_done;
  engine.Commit(
      [&](WriteContext& ctx) {
        c_staged.Notify();
        ctx.Put(ColumnFamily::kReports, "c", "from C");
        return absl::OkStatus();
      },
      [&](absl::Status) { c_done.Notify(); });
  ASSERT_TRUE(b_staged.WaitForNotificationWithTimeout(absl::Seconds(60)))
      << "a pipelined write must be staged while the previous group syncs";
  EXPECT_EQ(b_saw_a, std::optional<std::string>("from A"));
  EXPECT_EQ(b_saw_gone, std::nullopt);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(a_done.HasBeenNotified());
  EXPECT_FALSE(b_done.HasBeenNotified()) << "acknowledged before the previous group is durable";
  EXPECT_FALSE(c_staged.HasBeenNotified()) << "a plain Commit must wait for durability";
  EXPECT_EQ(heard.load(), 0u);

  gated.fs->Open(/*fail=*/false);
  a_done.WaitForNotification();
  b_done.WaitForNotification();
  c_done.WaitForNotification();
  EXPECT_TRUE(a_status.ok()) << a_status;
  EXPECT_TRUE(b_status.ok()) << b_status;
  EXPECT_EQ(engine.LastSequence(), 2u);
  EXPECT_EQ(heard.load(), 2u);
  EXPECT_EQ(engine.Get(ColumnFamily::kReports, "b")->value_or(""), "from B");
  EXPECT_EQ(engine.Get(ColumnFamily::kReports, "c")->value_or(""), "from C");
}

TEST(EngineTest, PipelinedWriteFailsWithThePreviousGroupAndIsUndoneFirst) {
  testing::TempDir dir;
  GatedEngine gated;
  ASSERT_TRUE(gated.Open(dir.path()).ok());
  Engine& engine = *gated.engine;
  std::vector<std::string> undone;  // writer thread only, read after both are done

  gated.fs->Hold();
  absl::Notification a_done, b_done, b_staged;
  absl::Status a_status, b_status;
  engine.Commit(
      [&](WriteContext& ctx) {
        internal::ChangeEvent event;
        ctx.AppendChange(event);
        ctx.Put(ColumnFamily::kReports, "a", "from A");
        ctx.OnAbort([&] { undone.push_back("A"); });
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        a_status = s;
        a_done.Notify();
      });
  gated.fs->AwaitWaitingSync();
  engine.CommitPipelined(
      [&](WriteContext& ctx) {
        internal::ChangeEvent event;
        ctx.AppendChange(event);
        ctx.Put(ColumnFamily::kReports, "b", "from B");
        ctx.OnAbort([&] { undone.push_back("B"); });
        b_staged.Notify();
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        b_status = s;
        b_done.Notify();
      });
  ASSERT_TRUE(b_staged.WaitForNotificationWithTimeout(absl::Seconds(60)));
  gated.fs->Open(/*fail=*/true);
  a_done.WaitForNotification();
  b_done.WaitForNotification();
  EXPECT_EQ(a_status.code(), absl::StatusCode::kUnavailable) << a_status;
  EXPECT_EQ(b_status.code(), absl::StatusCode::kUnavailable) << b_status;
  EXPECT_EQ(undone, (std::vector<std::string>{"B", "A"}));
  EXPECT_EQ(engine.LastSequence(), 0u);
  EXPECT_FALSE(engine.Get(ColumnFamily::kReports, "b")->has_value());
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
