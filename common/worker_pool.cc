#include "common/worker_pool.h"

namespace wijkwacht {

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::Schedule(std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
}

void WorkerPool::ScheduleAfter(std::chrono::steady_clock::duration delay,
                               std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    delayed_.emplace(std::chrono::steady_clock::now() + delay, std::move(work));
  }
  cv_.notify_all();
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        // Due delayed closures join the queue (all of them when stopping).
        const auto now = std::chrono::steady_clock::now();
        while (!delayed_.empty() && (stopping_ || delayed_.begin()->first <= now)) {
          queue_.push_back(std::move(delayed_.begin()->second));
          delayed_.erase(delayed_.begin());
        }
        if (!queue_.empty() || stopping_) break;
        if (delayed_.empty()) {
          cv_.wait(lock);
        } else {
          // A copy: wait_until reads the time again after waking, when another worker may
          // already have taken (and freed) the node that holds it.
          const std::chrono::steady_clock::time_point due = delayed_.begin()->first;
          cv_.wait_until(lock, due);
        }
      }
      if (queue_.empty()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace wijkwacht
