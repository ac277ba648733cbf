#include "services/operations_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "storage/backup.h"
#include "storage/keys.h"

namespace wijkwacht::services {
namespace {

void ToProto(const storage::BackupInfo& info, v1::Backup* out) {
  out->set_backup_id(info.id);
  *out->mutable_create_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(info.time));
  out->set_size_bytes(info.size_bytes);
  out->set_file_count(info.files);
}

absl::Status NoBackupDir() {
  return absl::FailedPreconditionError(
      "backups are off: start the server with --backup_dir (or back up a stopped server's "
      "data dir with `wijkwacht backup --data_dir`)");
}

constexpr int kDefaultDeadLetterPage = 50;
constexpr int kMaxDeadLetterPage = 1000;
constexpr int kMaxResendNames = 100;
constexpr int kMaxResendAll = 1000;

absl::Status NoOutbox() {
  return absl::FailedPreconditionError("the notification outbox is not available on this server");
}

void ToProto(const storage::NotifyOutbox::Entry& entry, v1::DeadLetter* out) {
  const internal::OutboxNotification& n = entry.notification;
  out->set_name(absl::StrCat("deadLetters/", storage::OutboxKeyText(entry.key)));
  out->set_idempotency_key(n.id());
  out->set_kind(n.kind());
  out->set_incident(n.incident());
  out->set_report(n.report());
  out->set_alert(n.alert());
  out->set_question(n.question());
  out->set_status(n.status());
  out->set_for_device(!n.recipient().empty());
  *out->mutable_change_time() = n.time();
  *out->mutable_give_up_time() = n.gave_up_time();
  out->set_failed_attempts(n.failed_attempts());
}

}  // namespace

void OperationsServiceImpl::Register(MethodTable* table) {
  table->Unary<v1::ListDeadLettersRequest, v1::ListDeadLettersResponse>(
      "/wijkwacht.v1.OperationsService/ListDeadLetters",
      [this](const Caller& caller, const v1::ListDeadLettersRequest& request,
             v1::ListDeadLettersResponse* out, UnaryDone done) {
        if (parts_.outbox == nullptr || parts_.workers == nullptr) return done(NoOutbox());
        if (request.page_size() < 0 || request.page_size() > kMaxDeadLetterPage) {
          return done(InvalidFieldError("page_size",
                                        absl::StrCat("must be in [0, ", kMaxDeadLetterPage, "]")));
        }
        std::string after;
        if (!request.page_token().empty()) {
          std::optional<std::string> key = storage::ParseOutboxKeyText(request.page_token());
          if (!key) {
            return done(InvalidFieldError("page_token", "is not a token returned by ListDeadLetters"));
          }
          after = *std::move(key);
        }
        const int page_size = request.page_size() == 0 ? kDefaultDeadLetterPage : request.page_size();
        parts_.workers->Schedule([this, after = std::move(after), page_size, out,
                                  actor = caller.subject, done = std::move(done)] {
          // What the dead letters concern is personal data: the listing is audited.
          absl::StatusOr<storage::NotifyOutbox::DeadLetterPage> page =
              parts_.outbox->ListDeadLettersAudited(page_size, after, actor);
          if (!page.ok()) return done(page.status());
          for (const storage::NotifyOutbox::Entry& e : page->entries) {
            ToProto(e, out->add_dead_letters());
          }
          if (!page->next.empty()) out->set_next_page_token(storage::OutboxKeyText(page->next));
          out->set_total(parts_.outbox->DeadLetters());
          done(absl::OkStatus());
        });
      });
  table->Unary<v1::ResendDeadLettersRequest, v1::ResendDeadLettersResponse>(
      "/wijkwacht.v1.OperationsService/ResendDeadLetters",
      [this](const Caller& caller, const v1::ResendDeadLettersRequest& request,
             v1::ResendDeadLettersResponse* out, UnaryDone done) {
        std::vector<FieldViolation> v;
        std::vector<std::string> keys;
        if (request.all() && request.names_size() > 0) {
          v.push_back({"all", "names the dead letters, or all of them: not both"});
        } else if (!request.all() && request.names_size() == 0) {
          v.push_back({"names", "is required (\"deadLetters/{id}\"), or set all"});
        } else if (request.names_size() > kMaxResendNames) {
          v.push_back({"names", absl::StrCat("at most ", kMaxResendNames, " per call")});
        }
        for (int i = 0; i < request.names_size() && i < kMaxResendNames; ++i) {
          absl::string_view name = request.names(i);
          std::optional<std::string> key;
          if (absl::ConsumePrefix(&name, "deadLetters/")) key = storage::ParseOutboxKeyText(name);
          if (!key) {
            v.push_back({absl::StrCat("names[", i, "]"), "must be \"deadLetters/{id}\""});
          } else if (std::find(keys.begin(), keys.end(), *key) != keys.end()) {
            v.push_back({absl::StrCat("names[", i, "]"), "is listed twice"});
          } else {
            keys.push_back(*std::move(key));
          }
        }
        if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
        if (parts_.outbox == nullptr || parts_.workers == nullptr) return done(NoOutbox());
        if (!parts_.notifications_on) {
          return done(absl::FailedPreconditionError(
              "notifications are off: start the server with --notify_webhook_url to resend"));
        }
        parts_.workers->Schedule([this, keys = std::move(keys), all = request.all(),
                                  actor = caller.subject, out, done = std::move(done)] {
          absl::StatusOr<std::vector<std::string>> moved =
              parts_.outbox->Resend(keys, all, kMaxResendAll, actor);
          if (!moved.ok()) return done(moved.status());
          for (const std::string& key : *moved) {
            out->add_names(absl::StrCat("deadLetters/", storage::OutboxKeyText(key)));
          }
          out->set_remaining(parts_.outbox->DeadLetters());
          done(absl::OkStatus());
        });
      });
  table->Unary<v1::CreateBackupRequest, v1::Backup>(
      "/wijkwacht.v1.OperationsService/CreateBackup",
      [this](const Caller&, const v1::CreateBackupRequest&, v1::Backup* out, UnaryDone done) {
        if (parts_.backup_dir.empty()) return done(NoBackupDir());
        if (backup_worker_ == nullptr) return done(absl::UnavailableError("server is stopping"));
        backup_worker_->Schedule([this, out, done = std::move(done)] {
          absl::StatusOr<storage::BackupInfo> info =
              parts_.engine->CreateBackup(parts_.backup_dir, parts_.backup_keep);
          if (!info.ok()) return done(info.status());
          ToProto(*info, out);
          done(absl::OkStatus());
        });
      });
  table->Unary<v1::ListBackupsRequest, v1::ListBackupsResponse>(
      "/wijkwacht.v1.OperationsService/ListBackups",
      [this](const Caller&, const v1::ListBackupsRequest&, v1::ListBackupsResponse* out,
             UnaryDone done) {
        if (parts_.backup_dir.empty()) return done(NoBackupDir());
        absl::StatusOr<std::vector<storage::BackupInfo>> backups =
            storage::ListBackups(parts_.backup_dir);
        if (absl::IsNotFound(backups.status())) return done(absl::OkStatus());  // none yet
        if (!backups.ok()) return done(backups.status());
        for (const storage::BackupInfo& info : *backups) ToProto(info, out->add_backups());
        done(absl::OkStatus());
      });
}

}  // namespace wijkwacht::services
