// A fixed pool of threads running queued closures in FIFO order. Used to keep blocking work
// (index scans) off the gRPC callback threads. ScheduleAfter() runs a closure once a delay has
// passed (stream coalescing).
//
// Thread safety: Schedule() and ScheduleAfter() may be called from any thread. The destructor
// runs every closure already queued (delayed ones immediately), then joins the threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wijkwacht {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Schedule(std::function<void()> work);
  void ScheduleAfter(std::chrono::steady_clock::duration delay, std::function<void()> work);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  // Delayed closures by due time.
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> delayed_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wijkwacht
