#include "storage/notify_outbox.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/column_families.h"
#include "storage/dispatch_store.h"
#include "storage/keys.h"
#include "storage/sealed_identity_store.h"
#include "wijkwacht/v1/report.pb.h"
#include "wijkwacht/v1/sync.pb.h"

namespace wijkwacht::storage {
namespace {

constexpr size_t kIdBytes = 16;

// Stored report `id` as of this batch (nullopt when it is gone).
absl::StatusOr<std::optional<internal::StoredReport>> StoredOf(WriteContext& ctx,
                                                               absl::string_view id) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kReports, id));
  if (!bytes) return std::nullopt;
  internal::StoredReport report;
  if (!report.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("reports/", id, " does not parse"));
  }
  return report;
}

// Incident `incident` ("incidents/{id}") as `recipient` knows it: an incident is named after
// its first report, and when that is the recipient's own report stored under an alias
// (StoredReport.client_id), the recipient knows it by the id it sent (as ReporterView and
// the sync feed show it), never by the alias. When another reporter's report opened it, the
// recipient knows it by its own report `own_report` (a stored id; its id as sent), as
// ReporterView shows a joined report: the payload never names a stranger's report.
absl::StatusOr<std::string> IncidentSeenBy(WriteContext& ctx, const std::string& incident,
                                           absl::string_view recipient,
                                           absl::string_view own_report) {
  absl::string_view first = incident;
  if (!absl::ConsumePrefix(&first, "incidents/")) return incident;
  WW_ASSIGN_OR_RETURN(std::optional<internal::StoredReport> opener, StoredOf(ctx, first));
  if (opener && opener->reporter() != recipient && !own_report.empty()) {
    WW_ASSIGN_OR_RETURN(std::optional<internal::StoredReport> own, StoredOf(ctx, own_report));
    if (own && own->reporter() == recipient) {
      return absl::StrCat("incidents/", own->client_id().empty() ? own_report : own->client_id());
    }
  }
  if (!opener || opener->reporter() != recipient || opener->client_id().empty()) return incident;
  return absl::StrCat("incidents/", opener->client_id());
}

// The first of `report_ids` that `reporter` sent ("" when none).
absl::StatusOr<std::string> OwnReportAmong(WriteContext& ctx,
                                           const google::protobuf::RepeatedPtrField<std::string>& report_ids,
                                           absl::string_view reporter) {
  for (const std::string& id : report_ids) {
    WW_ASSIGN_OR_RETURN(std::optional<internal::StoredReport> stored, StoredOf(ctx, id));
    if (stored && stored->reporter() == reporter) return id;
  }
  return std::string();
}

std::vector<internal::OutboxNotification> AlertNotification(const internal::AlertChanged& changed) {
  internal::OutboxNotification n;
  n.set_kind("alert");
  n.set_alert(changed.alert().name());
  n.set_status(v1::AlertState_Name(changed.alert().state()));
  n.set_alert_type(v1::AlertType_Name(changed.alert().type()));
  for (const std::string& code : changed.area_codes()) n.add_areas(code);
  return {std::move(n)};
}

}  // namespace

std::vector<internal::OutboxNotification> QuestionNotifications(
    absl::string_view incident, absl::string_view question, absl::string_view text,
    const std::vector<std::string>& reporters) {
  std::vector<internal::OutboxNotification> out;
  std::set<std::string> seen;
  for (const std::string& reporter : reporters) {
    if (!IsPseudonym(reporter) || !seen.insert(reporter).second) continue;
    internal::OutboxNotification& n = out.emplace_back();
    n.set_kind("question");
    n.set_recipient(reporter);
    n.set_incident(std::string(incident));
    n.set_question(std::string(question));
    n.set_message(std::string(text));
  }
  return out;
}

absl::StatusOr<std::vector<internal::OutboxNotification>> NotifyOutbox::NotificationsFor(
    WriteContext& ctx, const internal::ChangeEvent& event) {
  std::vector<internal::OutboxNotification> out;
  switch (event.event_case()) {
    case internal::ChangeEvent::kIncidentChanged: {
      const internal::IncidentChanged& changed = event.incident_changed();
      if (!changed.feedback_message().empty()) {
        std::set<std::string> seen;
        for (const std::string& reporter : changed.reporters()) {
          if (!IsPseudonym(reporter) || !seen.insert(reporter).second) continue;
          WW_ASSIGN_OR_RETURN(std::string own, OwnReportAmong(ctx, changed.report_ids(), reporter));
          WW_ASSIGN_OR_RETURN(std::string incident,
                              IncidentSeenBy(ctx, changed.incident(), reporter, own));
          internal::OutboxNotification& n = out.emplace_back();
          n.set_kind("feedback");
          n.set_recipient(reporter);
          n.set_incident(std::move(incident));
          n.set_message(changed.feedback_message());
        }
      }
      // What changes the status a reporter sees of its own report: a transition (the
      // incident's reports), a merge (the absorbed incident's event: its reports now belong
      // to, and show the status of, the surviving incident) and a split (the new incident's
      // event: the report split off, RECEIVED again). A purge deletes the reports: nobody.
      const std::string& action = changed.action();
      const bool moved = action == "TransitionIncident" ||
                         (action == "MergeIncidents" && !changed.merged_into().empty()) ||
                         action == "SplitReport";
      if (moved && changed.report_status() != 0 &&
          v1::ReportStatus_IsValid(changed.report_status())) {
        const std::string status =
            v1::ReportStatus_Name(static_cast<v1::ReportStatus>(changed.report_status()));
        const std::string& incident =
            changed.merged_into().empty() ? changed.incident() : changed.merged_into();
        for (const std::string& id : changed.report_ids()) {
          WW_ASSIGN_OR_RETURN(std::optional<internal::StoredReport> stored, StoredOf(ctx, id));
          if (!stored || !IsPseudonym(stored->reporter())) continue;
          // Named as the device knows them (ReporterView): a report stored under an alias
          // by the id it sent, so the payload never tells the device its id was taken.
          WW_ASSIGN_OR_RETURN(std::string seen_incident,
                              IncidentSeenBy(ctx, incident, stored->reporter(), id));
          internal::OutboxNotification& n = out.emplace_back();
          n.set_kind("status_changed");
          n.set_recipient(stored->reporter());
          n.set_incident(std::move(seen_incident));
          n.set_report(absl::StrCat(
              "reports/", stored->client_id().empty() ? id : stored->client_id()));
          n.set_status(status);
        }
      }
      return out;
    }
    case internal::ChangeEvent::kQuestionAsked: {
      // The desk's question (DispatchService.AskReporter): once per asked device.
      const internal::QuestionAsked& asked = event.question_asked();
      std::vector<std::string> reporters;  // QuestionNotifications keeps the devices' only
      for (const internal::QuestionRecipient& r : asked.recipients()) {
        reporters.push_back(r.reporter());
      }
      out = QuestionNotifications(asked.incident(), asked.question(), asked.text(), reporters);
      for (internal::OutboxNotification& n : out) {
        std::string own;
        for (const internal::QuestionRecipient& r : asked.recipients()) {
          if (r.reporter() == n.recipient()) {
            own = r.report_id();
            break;
          }
        }
        WW_ASSIGN_OR_RETURN(std::string incident,
                            IncidentSeenBy(ctx, n.incident(), n.recipient(), own));
        n.set_incident(std::move(incident));
      }
      return out;
    }
    case internal::ChangeEvent::kAlertPublished:
      return AlertNotification(event.alert_published());
    case internal::ChangeEvent::kAlertResolved:
      return AlertNotification(event.alert_resolved());
    case internal::ChangeEvent::kAlertRetracted:
      return AlertNotification(event.alert_retracted());
    default:
      return out;
  }
}

absl::Status NotifyOutbox::Stage(WriteContext& ctx, const internal::ChangeEvent& event,
                                 std::vector<internal::OutboxNotification> notifications) {
  if (notifications.empty()) return absl::OkStatus();
  uint32_t index = 0;
  for (internal::OutboxNotification& n : notifications) {
    WW_ASSIGN_OR_RETURN(std::string id, random_->Bytes(kIdBytes));
    n.set_id(absl::BytesToHexString(id));
    *n.mutable_time() = event.time();
    ctx.Put(ColumnFamily::kNotifyOutbox, OutboxKey(event.sequence(), index++),
            n.SerializeAsString());
  }
  const int64_t staged = static_cast<int64_t>(notifications.size());
  pending_.fetch_add(staged);
  ctx.OnAbort([this, staged] { pending_.fetch_sub(staged); });
  generation_.fetch_add(1);
  return absl::OkStatus();
}

absl::Status NotifyOutbox::Attach() {
  WW_RETURN_IF_ERROR(Load());
  engine_->AddChangeStager([this](WriteContext& ctx, const internal::ChangeEvent& event) {
    WW_ASSIGN_OR_RETURN(std::vector<internal::OutboxNotification> notifications,
                        NotificationsFor(ctx, event));
    return Stage(ctx, event, std::move(notifications));
  });
  return absl::OkStatus();
}

absl::Status NotifyOutbox::Load() {
  for (auto [cf, counter] : {std::pair{ColumnFamily::kNotifyOutbox, &pending_},
                             std::pair{ColumnFamily::kNotifyDeadLetters, &dead_}}) {
    int64_t count = 0;
    WW_RETURN_IF_ERROR(engine_->Scan(cf, "", "", [&count](absl::string_view, absl::string_view) {
      ++count;
      return true;
    }));
    counter->store(count);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<NotifyOutbox::Entry>> NotifyOutbox::Oldest(
    int limit, absl::string_view after) const {
  std::vector<Entry> out;
  absl::Status parsed = absl::OkStatus();
  std::string start(after);
  if (!start.empty()) start.push_back('\0');  // the first key after `after`
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kNotifyOutbox, start, "",
      [&](absl::string_view key, absl::string_view value) {
        Entry& entry = out.emplace_back();
        entry.key = std::string(key);
        if (!entry.notification.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parsed = absl::DataLossError("notify_outbox: an entry does not parse");
          return false;
        }
        return static_cast<int>(out.size()) < limit;
      }));
  WW_RETURN_IF_ERROR(parsed);
  return out;
}

absl::Status NotifyOutbox::Remove(absl::string_view key_view) {
  std::string key(key_view);
  bool existed = false;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&key, &existed](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> current,
                        ctx.Get(ColumnFamily::kNotifyOutbox, key));
    existed = current.has_value();
    if (existed) ctx.Delete(ColumnFamily::kNotifyOutbox, key);
    return absl::OkStatus();
  }));
  if (existed) pending_.fetch_sub(1);
  return absl::OkStatus();
}

absl::Status NotifyOutbox::GiveUp(absl::string_view key_view, absl::Time when,
                                 int failed_attempts) {
  std::string key(key_view);
  bool moved = false;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> current,
                        ctx.Get(ColumnFamily::kNotifyOutbox, key));
    moved = current.has_value();
    if (!moved) return absl::OkStatus();
    internal::OutboxNotification n;
    if (!n.ParseFromString(*current)) {
      return absl::DataLossError("notify_outbox: an entry does not parse");
    }
    *n.mutable_gave_up_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(when));
    n.set_failed_attempts(failed_attempts);
    ctx.Delete(ColumnFamily::kNotifyOutbox, key);
    ctx.Put(ColumnFamily::kNotifyDeadLetters, key, n.SerializeAsString());
    return absl::OkStatus();
  }));
  if (moved) {
    pending_.fetch_sub(1);
    dead_.fetch_add(1);
  }
  return absl::OkStatus();
}

}  // namespace wijkwacht::storage

namespace wijkwacht::storage {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

bool Listed(const std::vector<std::string>& list, const std::string& value) {
  return !value.empty() && std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

absl::StatusOr<NotifyOutbox::DeadLetterPage> NotifyOutbox::ListDeadLetters(
    int limit, absl::string_view after) const {
  DeadLetterPage page;
  absl::Status parsed = absl::OkStatus();
  std::string start(after);
  if (!start.empty()) start.push_back('\0');
  bool more = false;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kNotifyDeadLetters, start, "",
      [&](absl::string_view key, absl::string_view value) {
        if (static_cast<int>(page.entries.size()) >= limit) {
          more = true;
          return false;
        }
        Entry& entry = page.entries.emplace_back();
        entry.key = std::string(key);
        if (!entry.notification.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parsed = absl::DataLossError("notify_dead_letters: an entry does not parse");
          return false;
        }
        return true;
      }));
  WW_RETURN_IF_ERROR(parsed);
  if (more) page.next = page.entries.back().key;
  return page;
}

absl::StatusOr<NotifyOutbox::DeadLetterPage> NotifyOutbox::ListDeadLettersAudited(
    int limit, absl::string_view after, absl::string_view actor) {
  WW_ASSIGN_OR_RETURN(DeadLetterPage page, ListDeadLetters(limit, after));
  std::vector<std::string> names;
  for (const Entry& e : page.entries) {
    if (names.size() == 20) break;
    const internal::OutboxNotification& n = e.notification;
    names.push_back(absl::StrCat("deadLetters/", OutboxKeyText(e.key), " (", n.kind(),
                                 n.incident().empty() ? "" : absl::StrCat(", ", n.incident()),
                                 ")"));
  }
  std::string detail = absl::StrCat(page.entries.size(), " shown",
                                     names.empty() ? "" : ": ", absl::StrJoin(names, ", "));
  if (page.entries.size() > names.size()) {
    absl::StrAppend(&detail, ", and ", page.entries.size() - names.size(), " more");
  }
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
    return AppendAudit(ctx, DispatchActor{std::string(actor)}, "ListDeadLetters", "deadLetters",
                       detail);
  }));
  return page;
}

absl::StatusOr<std::vector<std::string>> NotifyOutbox::Resend(const std::vector<std::string>& keys,
                                                              bool all, int limit,
                                                              absl::string_view actor) {
  std::vector<std::string> moved;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    moved.clear();
    std::vector<std::pair<std::string, std::string>> entries;  // key, value
    if (all) {
      WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kNotifyDeadLetters, "", "",
                                  [&](absl::string_view key, absl::string_view value) {
                                    entries.emplace_back(key, value);
                                    return static_cast<int>(entries.size()) < limit;
                                  }));
    } else {
      for (size_t i = 0; i < keys.size(); ++i) {
        WW_ASSIGN_OR_RETURN(std::optional<std::string> value,
                            ctx.Get(ColumnFamily::kNotifyDeadLetters, keys[i]));
        if (!value) {
          return absl::NotFoundError(absl::StrCat("names[", i, "]: deadLetters/",
                                                  OutboxKeyText(keys[i]),
                                                  " is not a dead letter (resent or removed)"));
        }
        entries.emplace_back(keys[i], *std::move(value));
      }
    }
    if (entries.empty()) return absl::OkStatus();
    std::vector<std::string> names;
    for (const auto& [key, value] : entries) {
      internal::OutboxNotification n;
      if (!n.ParseFromString(value)) {
        return absl::DataLossError("notify_dead_letters: an entry does not parse");
      }
      // The same id: a receiver that took an earlier attempt de-duplicates this one.
      n.clear_gave_up_time();
      n.clear_failed_attempts();
      *n.mutable_resend_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(ctx.Now()));
      ctx.Delete(ColumnFamily::kNotifyDeadLetters, key);
      ctx.Put(ColumnFamily::kNotifyOutbox, key, n.SerializeAsString());
      moved.push_back(key);
      if (names.size() < 20) {
        names.push_back(absl::StrCat("deadLetters/", OutboxKeyText(key), " (", n.kind(), ", ",
                                     n.id(), ")"));
      }
    }
    std::string detail = absl::StrCat(moved.size(), " resent: ", absl::StrJoin(names, ", "));
    if (moved.size() > names.size()) absl::StrAppend(&detail, ", and ", moved.size() - names.size(), " more");
    WW_RETURN_IF_ERROR(AppendAudit(ctx, DispatchActor{std::string(actor)}, "ResendDeadLetters",
                                   moved.size() == 1 && !all
                                       ? absl::StrCat("deadLetters/", OutboxKeyText(moved[0]))
                                       : std::string("deadLetters"),
                                   std::move(detail)));
    const int64_t n = static_cast<int64_t>(moved.size());
    pending_.fetch_add(n);
    dead_.fetch_sub(n);
    ctx.OnAbort([this, n] {
      pending_.fetch_sub(n);
      dead_.fetch_add(n);
    });
    generation_.fetch_add(1);  // wakes the delivery worker after the commit
    return absl::OkStatus();
  }));
  return moved;
}

absl::StatusOr<int64_t> NotifyOutbox::StageForget(WriteContext& ctx, const NotifyForget& what) {
  int64_t removed_pending = 0, removed_dead = 0;
  for (auto [cf, removed] : {std::pair{ColumnFamily::kNotifyOutbox, &removed_pending},
                             std::pair{ColumnFamily::kNotifyDeadLetters, &removed_dead}}) {
    std::vector<std::string> doomed;
    absl::Status parsed = absl::OkStatus();
    WW_RETURN_IF_ERROR(ctx.Scan(cf, "", "", [&](absl::string_view key, absl::string_view value) {
      internal::OutboxNotification n;
      if (!n.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        parsed = absl::DataLossError(absl::StrCat(ColumnFamilyName(cf), ": an entry does not parse"));
        return false;
      }
      const auto sent_as = [&](const std::string& name) {
        return !name.empty() && std::find(what.sent_names.begin(), what.sent_names.end(),
                                          std::pair{n.recipient(), name}) != what.sent_names.end();
      };
      if (Listed(what.recipients, n.recipient()) || Listed(what.incidents, n.incident()) ||
          Listed(what.reports, n.report()) || TimeOf(n.time()) < what.before ||
          sent_as(n.report()) || sent_as(n.incident())) {
        doomed.emplace_back(key);
      }
      return true;
    }));
    WW_RETURN_IF_ERROR(parsed);
    for (const std::string& key : doomed) ctx.Delete(cf, key);
    *removed = static_cast<int64_t>(doomed.size());
  }
  pending_.fetch_sub(removed_pending);
  dead_.fetch_sub(removed_dead);
  ctx.OnAbort([this, removed_pending, removed_dead] {
    pending_.fetch_add(removed_pending);
    dead_.fetch_add(removed_dead);
  });
  return removed_pending + removed_dead;
}

absl::StatusOr<int64_t> NotifyOutbox::Forget(const NotifyForget& what) {
  int64_t removed = 0;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(removed, StageForget(ctx, what));
    return absl::OkStatus();
  }));
  return removed;
}

}  // namespace wijkwacht::storage
