#include "storage/retention.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/deletion_log.h"
#include "storage/dispatch_store.h"
#include "storage/keys.h"
#include "storage/meta_keys.h"
#include "storage/incident_store.h"
#include "storage/report_store.h"
#include "wijkwacht/internal/records.pb.h"
#include "wijkwacht/v1/common.pb.h"
#include "wijkwacht/v1/dispatch.pb.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

// Records changed or deleted per write.
constexpr size_t kPerWrite = 500;

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

std::string WatermarkKey(bool free_text) {
  return free_text ? meta::kFreeTextClearedAfter : meta::kPhotosClearedAfter;
}

// Clears one class of a stored report; true when something changed.
bool ClearClass(internal::StoredReport& stored, bool free_text) {
  bool changed = false;
  if (free_text && !stored.report().description().empty()) {
    stored.mutable_report()->clear_description();
    changed = true;
  }
  if (!free_text && !stored.report().media_url().empty()) {
    stored.mutable_report()->clear_media_url();
    changed = true;
  }
  for (internal::ReportAmendment& amendment : *stored.mutable_amendments()) {
    std::string* field = free_text ? amendment.mutable_note() : amendment.mutable_photo_ref();
    if (!field->empty()) {
      field->clear();
      changed = true;
    }
  }
  return changed;
}

bool IsFinalStatus(int status) {
  return status == v1::INCIDENT_RESOLVED || status == v1::INCIDENT_REJECTED ||
         status == v1::INCIDENT_CLOSED;
}

std::string StatusName(int status) {
  return std::string(absl::StripPrefix(
      v1::IncidentStatus_Name(static_cast<v1::IncidentStatus>(status)), "INCIDENT_"));
}

int64_t Days(absl::Duration d) { return absl::ToInt64Hours(d) / 24; }

// The rule for an incident of `status` and `theme`: the theme's own, else the any-theme one.
const IncidentRetentionRule* RuleFor(const std::vector<IncidentRetentionRule>& rules, int status,
                                     int theme) {
  const IncidentRetentionRule* any = nullptr;
  for (const IncidentRetentionRule& rule : rules) {
    if (rule.status != status) continue;
    if (rule.theme == theme) return &rule;
    if (rule.theme == 0) any = &rule;
  }
  return any;
}

}  // namespace

std::vector<IncidentRetentionRule> DefaultIncidentRetention() {
  return {{v1::INCIDENT_REJECTED, 0, absl::Hours(24 * 365)},
          {v1::INCIDENT_RESOLVED, 0, absl::Hours(24 * 1826)},
          {v1::INCIDENT_CLOSED, 0, absl::Hours(24 * 1826)}};
}

absl::Status ValidateRetentionOptions(const RetentionOptions& options) {
  const std::pair<const char*, absl::Duration> durations[] = {
      {"retain_contact_details", options.contact_details},
      {"retain_free_text", options.free_text},
      {"retain_photos", options.photos},
      {"retain_audit_entries", options.audit_entries},
      {"retain_change_log", options.change_log},
      {"retain_alerts", options.alerts}};
  for (const auto& [name, d] : durations) {
    if (d <= absl::ZeroDuration()) return InvalidFieldError(name, "must be positive");
  }
  for (size_t i = 0; i < options.incidents.size(); ++i) {
    const IncidentRetentionRule& rule = options.incidents[i];
    if (!IsFinalStatus(rule.status)) {
      return InvalidFieldError("retain_incidents",
                               "rules are for RESOLVED, REJECTED or CLOSED incidents only "
                               "(open incidents are never deleted)");
    }
    if (rule.theme != 0 && (!v1::Theme_IsValid(rule.theme))) {
      return InvalidFieldError("retain_incidents", absl::StrCat("unknown theme ", rule.theme));
    }
    if (rule.keep <= absl::ZeroDuration()) {
      return InvalidFieldError("retain_incidents", "every duration must be positive");
    }
    for (size_t j = 0; j < i; ++j) {
      if (options.incidents[j].status == rule.status && options.incidents[j].theme == rule.theme) {
        return InvalidFieldError("retain_incidents",
                                 absl::StrCat("two rules for ", StatusName(rule.status)));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<IncidentRetentionRule>> ParseIncidentRetention(absl::string_view spec) {
  std::vector<IncidentRetentionRule> rules;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    const std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(item, '=');
    absl::string_view subject = kv.first;
    IncidentRetentionRule rule;
    if (const size_t slash = subject.find('/'); slash != absl::string_view::npos) {
      v1::Theme theme;
      if (!v1::Theme_Parse(std::string(subject.substr(0, slash)), &theme) ||
          theme == v1::THEME_UNSPECIFIED) {
        return InvalidFieldError("retain_incidents", absl::StrCat("unknown theme in \"", item, "\""));
      }
      rule.theme = theme;
      subject.remove_prefix(slash + 1);
    }
    v1::IncidentStatus status;
    if (!v1::IncidentStatus_Parse(absl::StrCat("INCIDENT_", subject), &status)) {
      return InvalidFieldError("retain_incidents", absl::StrCat("unknown status in \"", item, "\""));
    }
    rule.status = status;
    if (!absl::ParseDuration(kv.second, &rule.keep)) {
      return InvalidFieldError("retain_incidents",
                               absl::StrCat("no duration (e.g. 8760h) in \"", item, "\""));
    }
    rules.push_back(rule);
  }
  return rules;
}

std::string FormatIncidentRetention(const std::vector<IncidentRetentionRule>& rules) {
  return absl::StrJoin(rules, ",", [](std::string* out, const IncidentRetentionRule& rule) {
    if (rule.theme != 0) {
      absl::StrAppend(out, v1::Theme_Name(static_cast<v1::Theme>(rule.theme)), "/");
    }
    absl::StrAppend(out, StatusName(rule.status), "=", absl::FormatDuration(rule.keep));
  });
}

RetentionSweeper::RetentionSweeper(Engine* engine, SealedIdentityStore* sealed, ChangeFeed* feed,
                                   RetentionOptions options, IncidentPurger* purger,
                                   AlertStore* alerts, NotifyOutbox* outbox)
    : engine_(engine),
      sealed_(sealed),
      feed_(feed),
      purger_(purger),
      alerts_(alerts),
      outbox_(outbox),
      options_(options),
      clock_(options.clock ? options.clock : SystemClock()) {}

absl::Status RetentionSweeper::RestoreChangeLogBound() {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> value,
                      engine_->Get(ColumnFamily::kMeta, meta::kChangeLogRetainedAfter));
  uint64_t after = 0;
  if (value && !absl::SimpleAtoi(*value, &after)) {
    return absl::DataLossError("meta retention/change_log_after does not parse");
  }
  if (feed_ != nullptr && after > 0) feed_->SetRetainedAfter(after);
  return absl::OkStatus();
}

absl::StatusOr<RetentionCounts> RetentionSweeper::Sweep() {
  const absl::Time now = clock_->Now();
  RetentionCounts counts;
  if (sealed_ != nullptr) {
    WW_RETURN_IF_ERROR(sealed_->FinishPendingPurge());
    WW_ASSIGN_OR_RETURN(int contacts, sealed_->DeleteContactsBefore(now - options_.contact_details));
    counts.contact_details = contacts;
  }
  WW_ASSIGN_OR_RETURN(counts.free_texts, SweepReports(/*free_text=*/true, now - options_.free_text));
  WW_ASSIGN_OR_RETURN(counts.photos, SweepReports(/*free_text=*/false, now - options_.photos));
  WW_ASSIGN_OR_RETURN(counts.audit_entries, SweepAudit(now - options_.audit_entries));
  WW_ASSIGN_OR_RETURN(counts.change_events, SweepChangeLog(now - options_.change_log));
  WW_ASSIGN_OR_RETURN(counts.incidents, SweepIncidents(now));
  if (alerts_ != nullptr) {
    WW_ASSIGN_OR_RETURN(
        auto deleted,
        alerts_->DeleteEndedBefore(now - options_.alerts,
                                   absl::StrCat("retention: alerts ", Days(options_.alerts),
                                                " d after their end")));
    counts.alerts = deleted.first;
  }
  if (outbox_ != nullptr) {
    WW_ASSIGN_OR_RETURN(counts.notifications, SweepNotifications(now - options_.change_log));
  }
  if (counts.incidents > 0 || counts.alerts > 0 || counts.notifications > 0) {
    WW_RETURN_IF_ERROR(engine_->PurgeDeleted(
        {ColumnFamily::kNotifyOutbox, ColumnFamily::kNotifyDeadLetters, ColumnFamily::kAlerts, ColumnFamily::kAlertAcks, ColumnFamily::kReports,
         ColumnFamily::kReportsByArea, ColumnFamily::kReportsByCell,
         ColumnFamily::kReportsByReporter, ColumnFamily::kCorrections,
         ColumnFamily::kSealedIdentities, ColumnFamily::kIncidents,
         ColumnFamily::kIncidentMembers, ColumnFamily::kIncidentsByCell,
         ColumnFamily::kIncidentsByStatus, ColumnFamily::kChangeLog}));
  }
  return counts;
}

absl::StatusOr<int64_t> RetentionSweeper::SweepNotifications(absl::Time cutoff) {
  int64_t removed = 0;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    NotifyForget forget;
    forget.before = cutoff;
    WW_ASSIGN_OR_RETURN(removed, outbox_->StageForget(ctx, forget));
    if (removed == 0) return absl::OkStatus();
    v1::Deletion entry;
    entry.set_record_kind("notification");
    entry.set_count(removed);
    entry.set_actor("retention");
    entry.set_reason(absl::StrCat("retention: notifications ", Days(options_.change_log),
                                  " d after their change"));
    entry.set_target("notifications");
    return DeletionLog::Stage(ctx, std::move(entry)).status();
  }));
  return removed;
}

absl::StatusOr<int64_t> RetentionSweeper::SweepReports(bool free_text, absl::Time cutoff) {
  const std::string prefix = AreaIndexPrefix(kAllAreas);
  const std::string watermark_key = WatermarkKey(free_text);
  WW_ASSIGN_OR_RETURN(std::optional<std::string> watermark,
                      engine_->Get(ColumnFamily::kMeta, watermark_key));
  std::string start = watermark.value_or(prefix);
  std::optional<std::string> held;  // first index key not yet due; the watermark stops there
  int64_t changed = 0;
  for (;;) {
    // Reports observed before the cutoff, in index order. A report is stored at most a few
    // weeks after it was observed, so one observed before the cutoff may still be younger
    // than the cutoff by create_time: it holds the watermark back until it is due.
    std::vector<std::pair<std::string, std::string>> batch;  // index key, report id
    bool more = false;
    WW_RETURN_IF_ERROR(engine_->Scan(
        ColumnFamily::kReportsByArea, start, prefix,
        [&](absl::string_view key, absl::string_view) {
          std::optional<AreaIndexEntry> entry = ParseAreaIndexKey(key, prefix.size());
          if (!entry || entry->observed >= cutoff) return false;
          if (batch.size() >= kPerWrite) {
            more = true;
            return false;
          }
          batch.emplace_back(std::string(key), entry->report_id);
          return true;
        }));
    if (batch.empty()) break;
    std::optional<std::string> held_here;
    int64_t changed_here = 0;
    WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
      for (const auto& [index_key, report_id] : batch) {
        WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                            ctx.Get(ColumnFamily::kReports, report_id));
        if (!bytes) continue;
        internal::StoredReport stored;
        if (!stored.ParseFromString(*bytes)) {
          return absl::DataLossError(absl::StrCat("stored report ", report_id, " does not parse"));
        }
        if (FromTimestamp(stored.report().create_time()) >= cutoff) {
          if (!held_here) held_here = index_key;
          continue;
        }
        if (free_text) ctx.Delete(ColumnFamily::kCorrections, report_id);
        if (!ClearClass(stored, free_text)) continue;
        ctx.Put(ColumnFamily::kReports, report_id, stored.SerializeAsString());
        ++changed_here;
      }
      std::string next =
          held ? *held : held_here.value_or(batch.back().first + std::string(1, '\0'));
      if (next != watermark.value_or("")) ctx.Put(ColumnFamily::kMeta, watermark_key, next);
      watermark = std::move(next);
      return absl::OkStatus();
    }));
    changed += changed_here;
    if (!held) held = std::move(held_here);
    if (!more) break;
    start = batch.back().first + std::string(1, '\0');
  }
  return changed;
}

absl::StatusOr<int64_t> RetentionSweeper::SweepAudit(absl::Time cutoff) {
  int64_t removed = 0;
  for (;;) {
    std::vector<std::string> keys;
    std::vector<v1::AuditEntry> entries;
    std::string anchor;
    bool more = false;
    absl::Status inner;
    WW_RETURN_IF_ERROR(engine_->Scan(
        ColumnFamily::kAuditLog, "", "", [&](absl::string_view key, absl::string_view value) {
          v1::AuditEntry entry;
          if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("audit entry does not parse");
            return false;
          }
          if (FromTimestamp(entry.time()) >= cutoff) return false;
          if (keys.size() >= kPerWrite) {
            more = true;
            return false;
          }
          keys.emplace_back(key);
          entries.push_back(std::move(entry));
          anchor = std::string(value);
          return true;
        }));
    WW_RETURN_IF_ERROR(inner);
    if (keys.empty()) break;
    WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
      for (const std::string& key : keys) ctx.Delete(ColumnFamily::kAuditLog, key);
      for (const v1::AuditEntry& entry : entries) UnindexAudit(ctx, entry);  // its history keys
      // The last removed entry: `audit verify` checks the retained chain from here.
      ctx.Put(ColumnFamily::kMeta, meta::kAuditAnchor, anchor);
      return absl::OkStatus();
    }));
    removed += static_cast<int64_t>(keys.size());
    if (!more) break;
  }
  return removed;
}

absl::StatusOr<int64_t> RetentionSweeper::SweepChangeLog(absl::Time cutoff) {
  const uint64_t last = engine_->LastSequence();
  int64_t removed = 0;
  for (;;) {
    std::vector<std::string> keys;
    uint64_t last_removed = 0;
    bool more = false;
    absl::Status inner;
    WW_RETURN_IF_ERROR(engine_->Scan(
        ColumnFamily::kChangeLog, "", "", [&](absl::string_view key, absl::string_view value) {
          std::optional<uint64_t> sequence = ParseSequenceKey(key);
          internal::ChangeEvent event;
          if (!sequence || !event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("change-log entry does not parse");
            return false;
          }
          // The newest event stays: the next sequence is derived from it at start.
          if (*sequence >= last || FromTimestamp(event.time()) >= cutoff) return false;
          if (keys.size() >= kPerWrite) {
            more = true;
            return false;
          }
          keys.emplace_back(key);
          last_removed = *sequence;
          return true;
        }));
    WW_RETURN_IF_ERROR(inner);
    if (keys.empty()) break;
    // Cursors at or before the cut are refused from now on, before the events disappear.
    if (feed_ != nullptr) feed_->SetRetainedAfter(last_removed);
    WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
      for (const std::string& key : keys) ctx.Delete(ColumnFamily::kChangeLog, key);
      ctx.Put(ColumnFamily::kMeta, meta::kChangeLogRetainedAfter, absl::StrCat(last_removed));
      return absl::OkStatus();
    }));
    removed += static_cast<int64_t>(keys.size());
    if (!more) break;
  }
  return removed;
}

absl::StatusOr<int64_t> RetentionSweeper::SweepIncidents(absl::Time now) {
  if (purger_ == nullptr) return 0;
  int64_t purged = 0;
  for (int status : {v1::INCIDENT_RESOLVED, v1::INCIDENT_REJECTED, v1::INCIDENT_CLOSED}) {
    absl::Duration shortest = absl::InfiniteDuration();
    for (const IncidentRetentionRule& rule : options_.incidents) {
      if (rule.status == status) shortest = std::min(shortest, rule.keep);
    }
    if (shortest == absl::InfiniteDuration()) continue;  // kept
    // Final status comes after creation: nothing created after now - shortest is due.
    const absl::Time created_before = now - shortest;
    const std::string prefix(1, static_cast<char>(status));
    std::vector<PurgeOrder> due;
    absl::Status inner;
    WW_RETURN_IF_ERROR(engine_->Scan(
        ColumnFamily::kIncidentsByStatus, prefix, prefix,
        [&](absl::string_view key, absl::string_view) {
          if (key.size() <= 9) {
            inner = absl::DataLossError("malformed incidents_by_status key");
            return false;
          }
          const std::optional<uint64_t> micros = ReadBigEndian64(key.substr(1, 8));
          if (!micros || absl::FromUnixMicros(static_cast<int64_t>(*micros)) >= created_before) {
            return false;
          }
          const std::string id(key.substr(9));
          absl::StatusOr<std::optional<std::string>> bytes =
              engine_->Get(ColumnFamily::kIncidents, id);
          if (!bytes.ok() || !bytes->has_value()) {
            inner = bytes.ok() ? absl::OkStatus() : bytes.status();
            return bytes.ok();
          }
          absl::StatusOr<internal::StoredIncident> stored = ParseStoredIncident(**bytes);
          if (!stored.ok()) {
            inner = stored.status();
            return false;
          }
          const v1::Incident& incident = stored->incident();
          if (incident.status() != status) return true;  // moved on meanwhile
          const IncidentRetentionRule* rule = RuleFor(options_.incidents, status, incident.theme());
          if (rule == nullptr) return true;
          const absl::Time final_since =
              stored->has_close_time() ? FromTimestamp(stored->close_time())
                                       : FromTimestamp(incident.update_time());
          if (now - final_since < rule->keep) return true;
          due.push_back(PurgeOrder{
              id, "retention",
              absl::StrCat("retention: ", StatusName(status),
                           rule->theme != 0
                               ? absl::StrCat(" ", v1::Theme_Name(static_cast<v1::Theme>(rule->theme)))
                               : std::string(),
                           " after ", Days(rule->keep), " d"),
              ""});
          return true;
        }));
    WW_RETURN_IF_ERROR(inner);
    for (const PurgeOrder& order : due) {
      WW_ASSIGN_OR_RETURN(IncidentPurger::ChangeEvents scrub,
                          purger_->FindChangeEvents(order.incident_id));
      absl::Status staged = engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
        return purger_->Stage(ctx, order, scrub).status();
      });
      // Gone meanwhile (a PurgeIncident) or changed (retried at the next sweep): skip it.
      if (absl::IsNotFound(staged) || absl::IsAborted(staged)) continue;
      WW_RETURN_IF_ERROR(staged);
      ++purged;
    }
  }
  return purged;
}

PeriodicRetention::PeriodicRetention(RetentionSweeper* sweeper, absl::Duration interval)
    : sweeper_(sweeper), interval_(interval) {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      absl::StatusOr<RetentionCounts> counts = sweeper_->Sweep();
      if (!counts.ok()) std::cerr << "retention sweep failed: " << counts.status() << "\n";
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoSeconds(interval_), [this] { return stopping_; });
    }
  });
}

PeriodicRetention::~PeriodicRetention() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace wijkwacht::storage
