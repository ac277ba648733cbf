#include "common/worker_pool.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace wijkwacht {
namespace {

// Workers wait for the earliest delayed closure while others take it off the schedule; with
// the sanitizers on, a worker that kept a reference into the schedule would fail here.
TEST(WorkerPoolTest, DelayedClosuresRunOnceWhileWorkersRaceForThem) {
  std::atomic<int> ran{0};
  constexpr int kThreads = 4, kPerThread = 500;
  {
    WorkerPool pool(4);
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
      producers.emplace_back([&pool, &ran, t] {
        for (int i = 0; i < kPerThread; ++i) {
          pool.ScheduleAfter(std::chrono::microseconds((i * 7 + t * 13) % 300),
                             [&ran] { ran.fetch_add(1); });
          if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
      });
    }
    for (std::thread& p : producers) p.join();
  }
  EXPECT_EQ(ran.load(), kThreads * kPerThread);
}

TEST(WorkerPoolTest, DestructorRunsDelayedClosuresAtOnce) {
  std::atomic<int> ran{0};
  const auto start = std::chrono::steady_clock::now();
  {
    WorkerPool pool(2);
    pool.ScheduleAfter(std::chrono::hours(1), [&ran] { ran.fetch_add(1); });
    pool.Schedule([&ran] { ran.fetch_add(1); });
  }
  EXPECT_EQ(ran.load(), 2);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::minutes(1));
}

}  // namespace
}  // namespace wijkwacht
