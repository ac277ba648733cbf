#include "storage/change_feed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

constexpr absl::string_view kCursorPrefix = "c1.";
constexpr absl::string_view kWithinPrefix = "c2.";

}  // namespace

ChangeFeed::ChangeFeed(Engine* engine, Options options) : engine_(engine), options_(options) {
  tail_after_ = tail_upto_ = engine_->LastSequence();
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
  if (options_.tail_events > 0) {
    WW_ASSIGN_OR_RETURN(bool served, ReadTail(after, last, max_events, &events));
    if (served) return events;
  }
  return ReadLog(after, last, max_events);
}

absl::StatusOr<bool> ChangeFeed::ReadTail(uint64_t after, uint64_t last, size_t max_events,
                                          std::vector<internal::ChangeEvent>* out) const {
  auto copy_from_tail = [&] {
    // The first event after `after` (sequences in the tail are increasing).
    auto it = std::upper_bound(
        tail_.begin(), tail_.end(), after,
        [](uint64_t a, const internal::ChangeEvent& e) { return a < e.sequence(); });
    for (; it != tail_.end() && out->size() < max_events && it->sequence() <= last; ++it) {
      out->push_back(*it);
    }
  };
  {
    std::lock_guard<std::mutex> lock(tail_mu_);
    if (after < tail_after_) return false;
    if (tail_upto_ >= last) {
      copy_from_tail();
      return true;
    }
  }
  // New events: one reader loads them into the tail, the others wait and then copy.
  std::lock_guard<std::mutex> fill(fill_mu_);
  uint64_t from;
  {
    std::lock_guard<std::mutex> lock(tail_mu_);
    if (after < tail_after_) return false;
    from = tail_upto_;
  }
  if (from < last) {
    // At most a tail's worth per load; a longer burst is loaded by the next readers.
    WW_ASSIGN_OR_RETURN(std::vector<internal::ChangeEvent> loaded,
                        ReadLog(from, last, options_.tail_events));
    std::lock_guard<std::mutex> lock(tail_mu_);
    const bool complete = loaded.size() < options_.tail_events;
    const uint64_t upto = complete ? last : loaded.back().sequence();
    for (internal::ChangeEvent& event : loaded) tail_.push_back(std::move(event));
    tail_upto_ = upto;
    while (tail_.size() > options_.tail_events) {
      tail_after_ = tail_.front().sequence();
      tail_.pop_front();
    }
  }
  std::lock_guard<std::mutex> lock(tail_mu_);
  if (after < tail_after_) return false;
  copy_from_tail();
  // Nothing in the tail after `after` yet although the log has more: read RocksDB.
  return !out->empty() || tail_upto_ >= last;
}

absl::StatusOr<std::vector<internal::ChangeEvent>> ChangeFeed::ReadLog(uint64_t after,
                                                                       uint64_t last,
                                                                       size_t max_events) const {
  std::vector<internal::ChangeEvent> events;
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
    if (!closed_ && engine_->LastSequence() <= after) {
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

void ChangeFeed::Close() {
  absl::flat_hash_map<WatchId, Waiter> waiters;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    waiters.swap(waiters_);
  }
  for (auto& [id, waiter] : waiters) waiter.wake();
}

bool ChangeFeed::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
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

std::string EncodeCursorWithin(uint64_t sequence, uint32_t delivered) {
  std::string raw;
  AppendBigEndian64(&raw, sequence);
  AppendBigEndian64(&raw, delivered);
  return absl::StrCat(kWithinPrefix, absl::WebSafeBase64Escape(raw));
}

absl::StatusOr<StreamPosition> DecodeStreamCursor(absl::string_view cursor,
                                                  absl::string_view field) {
  if (!absl::StartsWith(cursor, kWithinPrefix)) {
    WW_ASSIGN_OR_RETURN(uint64_t after, DecodeCursor(cursor, field));
    return StreamPosition{after, 0};
  }
  std::string raw;
  if (!absl::WebSafeBase64Unescape(cursor.substr(kWithinPrefix.size()), &raw) ||
      raw.size() != 16) {
    return InvalidFieldError(field, "is not a cursor issued by this server");
  }
  const uint64_t sequence = *ReadBigEndian64(absl::string_view(raw).substr(0, 8));
  const uint64_t delivered = *ReadBigEndian64(absl::string_view(raw).substr(8));
  if (sequence == 0 || delivered == 0 || delivered > UINT32_MAX) {
    return InvalidFieldError(field, "is not a cursor issued by this server");
  }
  return StreamPosition{sequence - 1, static_cast<uint32_t>(delivered)};
}

}  // namespace wijkwacht::storage
