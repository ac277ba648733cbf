// wijkwacht.v1.OperationsService over the gRPC callback API: online backups of the store and
// the webhook's dead letters (admin only; roles in services/access_policy.h).
//
// CreateBackup runs Engine::CreateBackup on the service's own backup thread (never on the
// gRPC or stream workers, as copying the store takes a while) into `backup_dir`, keeping the
// newest `keep` backups. Without a backup dir: FAILED_PRECONDITION naming --backup_dir; a
// second request while one runs: ABORTED; I/O errors: UNAVAILABLE. ListBackups lists them.
//
// ListDeadLetters and ResendDeadLetters read and move the notifications the webhook gave up
// on (storage::NotifyOutbox), on the worker pool; a resend is one write with its audit entry
// (actor the admin). Resending needs a webhook (`notifications_on`): FAILED_PRECONDITION
// naming --notify_webhook_url otherwise; listing works without one. A listing is audited too
// (action "ListDeadLetters", actor the admin, which entries were shown): what the dead letters
// concern is personal data, and a listing nobody can write down is refused.
//
// Thread safety: one instance serves all calls concurrently.
#pragma once

#include <memory>
#include <string>

#include "common/worker_pool.h"
#include "services/method_table.h"
#include "services/unary_call.h"
#include "storage/engine.h"
#include "storage/notify_outbox.h"
#include "wijkwacht/v1/operations.grpc.pb.h"

namespace wijkwacht::services {

class OperationsServiceImpl final {
 public:
  struct Parts {
    storage::Engine* engine = nullptr;
    const CallGate* gate = nullptr;
    std::string backup_dir;  // empty: backups are off
    int backup_keep = 0;     // 0 = keep all
    // The dead letters; null: ListDeadLetters and ResendDeadLetters answer FAILED_PRECONDITION.
    storage::NotifyOutbox* outbox = nullptr;
    bool notifications_on = false;  // a webhook delivers the outbox
    WorkerPool* workers = nullptr;
  };

  explicit OperationsServiceImpl(Parts parts)
      : parts_(std::move(parts)), backup_worker_(std::make_unique<WorkerPool>(1)) {}

  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);

  // Waits for a backup in progress (call before the engine shuts down).
  void Stop() { backup_worker_.reset(); }

 private:
  const Parts parts_;
  std::unique_ptr<WorkerPool> backup_worker_;
};

}  // namespace wijkwacht::services
