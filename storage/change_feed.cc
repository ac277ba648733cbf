#include "storage/change_feed.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

constexpr absl::string_view kCursorPrefix = "c1.";

}  // namespace

ChangeFeed::ChangeFeed(Engine* engine) : engine_(engine) {
  engine_->AddCommitListener([this](uint64_t last) { OnCommit(last); });
}

uint64_t ChangeFeed::FirstRetainedSequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return retained_after_;
}

void ChangeFeed::SetRetainedAfter(uint64_t sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  retained_after_ = std::max(retained_after_, sequence);
}

absl::StatusOr<std::vector<internal::ChangeEvent>> ChangeFeed::Read(uint64_t after,
                                                                    size_t max_events) const {
  const uint64_t last = engine_->LastSequence();
  if (after > last) {
    return InvalidFieldError("cursor", "lies beyond the newest change; it was not issued by "
                                       "this server");
  }
  if (after < FirstRetainedSequence()) {
    return absl::FailedPreconditionError(
        "cursor: the changes after this cursor are no longer retained; resync from a fresh "
        "snapshot (start without a cursor)");
  }
  std::vector<internal::ChangeEvent> events;
  if (after == last || max_events == 0) return events;
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kChangeLog, SequenceKey(after + 1), "",
      [&](absl::string_view key, absl::string_view value) {
        std::optional<uint64_t> sequence = ParseSequenceKey(key);
        if (!sequence) {
          inner = absl::DataLossError("change log holds a malformed key");
          return false;
        }
        // Only what is durable: a group being written may already be visible in RocksDB.
        if (*sequence > last) return false;
        internal::ChangeEvent& event = events.emplace_back();
        if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("change log entry does not parse");
          return false;
        }
        return events.size() < max_events;
      }));
  WW_RETURN_IF_ERROR(inner);
  return events;
}

ChangeFeed::WatchId ChangeFeed::Watch(uint64_t after, std::function<void()> wake) {
  WatchId id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    if (engine_->LastSequence() <= after) {
      waiters_.emplace(id, Waiter{after, std::move(wake)});
      return id;
    }
  }
  wake();
  return id;
}

void ChangeFeed::Cancel(WatchId id) {
  std::lock_guard<std::mutex> lock(mu_);
  waiters_.erase(id);
}

void ChangeFeed::OnCommit(uint64_t last_sequence) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.after < last_sequence) {
        ready.push_back(std::move(it->second.wake));
        waiters_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  for (auto& wake : ready) wake();
}

std::string EncodeCursor(uint64_t sequence) {
  std::string raw;
  AppendBigEndian64(&raw, sequence);
  return absl::StrCat(kCursorPrefix, absl::WebSafeBase64Escape(raw));
}

absl::StatusOr<uint64_t> DecodeCursor(absl::string_view cursor, absl::string_view field) {
  if (cursor.empty()) return 0;
  std::string raw;
  if (!absl::StartsWith(cursor, kCursorPrefix) ||
      !absl::WebSafeBase64Unescape(cursor.substr(kCursorPrefix.size()), &raw) ||
      raw.size() != 8) {
    return InvalidFieldError(field, "is not a cursor issued by this server");
  }
  return *ReadBigEndian64(raw);
}

}  // namespace wijkwacht::storage
