#include "storage/retention.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"
#include "storage/meta_keys.h"
#include "storage/report_store.h"
#include "wijkwacht/internal/records.pb.h"
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
  for (internal::ReportAmendment& amendment : *stored.mutable_amendments()) {
    std::string* field = free_text ? amendment.mutable_note() : amendment.mutable_photo_ref();
    if (!field->empty()) {
      field->clear();
      changed = true;
    }
  }
  return changed;
}

}  // namespace

RetentionSweeper::RetentionSweeper(Engine* engine, SealedIdentityStore* sealed, ChangeFeed* feed,
                                   RetentionOptions options)
    : engine_(engine),
      sealed_(sealed),
      feed_(feed),
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
  return counts;
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
          anchor = std::string(value);
          return true;
        }));
    WW_RETURN_IF_ERROR(inner);
    if (keys.empty()) break;
    WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
      for (const std::string& key : keys) ctx.Delete(ColumnFamily::kAuditLog, key);
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
