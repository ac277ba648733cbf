#include "services/desk_monitor.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace wijkwacht::services {
namespace {

constexpr int kOverdueBatch = 200;
constexpr size_t kEventsPerRead = 512;

}  // namespace

DeskMonitor::DeskMonitor(Parts parts)
    : parts_(parts),
      follower_(parts.feed, parts.workers, kEventsPerRead,
                [this](const std::vector<internal::ChangeEvent>& events) {
                  return AuditRouting(events);
                }) {}

absl::StatusOr<int> DeskMonitor::CheckDeadlines() {
  int total = 0;
  for (;;) {
    WW_ASSIGN_OR_RETURN(int raised, parts_.store->MarkOverdue(parts_.clock->Now(), kOverdueBatch));
    total += raised;
    if (raised < kOverdueBatch) return total;
  }
}

absl::Status DeskMonitor::Start() {
  WW_ASSIGN_OR_RETURN(const uint64_t after, parts_.store->RoutingCursor());
  WW_RETURN_IF_ERROR(CheckDeadlines().status());
  follower_.Start(after);
  deadlines_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_) {
      cv_.wait_for(lock, absl::ToChronoMilliseconds(parts_.check_interval));
      if (stopped_) break;
      lock.unlock();
      if (absl::StatusOr<int> raised = CheckDeadlines(); !raised.ok()) {
        std::fprintf(stderr, "wijkwachtd: deadline check failed: %s\n",
                     raised.status().ToString().c_str());
      }
      lock.lock();
    }
  });
  return absl::OkStatus();
}

void DeskMonitor::Stop() {
  follower_.Stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
  if (deadlines_.joinable()) deadlines_.join();
}

absl::Status DeskMonitor::AuditRouting(const std::vector<internal::ChangeEvent>& events) {
  std::vector<std::pair<std::string, internal::RoutingApplied>> routed;
  for (const internal::ChangeEvent& e : events) {
    if (e.has_report_created() && e.report_created().has_routing()) {
      routed.emplace_back(e.report_created().incident(), e.report_created().routing());
    }
  }
  // Batches without a routing write nothing: re-reading them after a restart audits nothing.
  if (routed.empty()) return absl::OkStatus();
  return parts_.store->RecordRouting(routed, events.back().sequence());
}

}  // namespace wijkwacht::services
