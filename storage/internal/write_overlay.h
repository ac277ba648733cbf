// The write overlay of one group commit (Engine's WriteContext over RocksDB): staged writes in
// an ordered map that later WriteFns of the group read through (Get, Scan merge it with the
// committed data), an undo log per WriteFn (rollback to a save point, OnAbort callbacks), the
// group's counter increments summed per key, and the batch built from it all. Used by the
// engine's writer thread only.
//
// Thread safety: none; one instance per group, on the writer thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/engine.h"
#include "storage/internal/rocks_options.h"
#include "storage/keys.h"
#include "common/status.h"
#include "storage/rocks_status.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage::internal_rocks {

// Stages a group's writes. Reads see earlier staged writes through an ordered overlay; an undo
// log restores the overlay when one WriteFn is rolled back. A group may be staged while the
// previous group's batch is still being written (Engine::CommitPipelined): Get then also looks
// in that group's overlay (`previous`, immutable meanwhile), and Scan first waits until that
// batch is in RocksDB (`await_previous`; its error fails the Scan). At commit the staged operations
// are written sorted by (column family, key): consecutive memtable inserts then land next to
// each other, so the skip list reuses its last position instead of descending from the top
// (the descents' cache misses dominated the writer thread).
class RocksWriteContext final : public WriteContext {
 public:
  RocksWriteContext(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                    uint64_t* next_sequence, absl::Time now,
                    const RocksWriteContext* previous = nullptr,
                    std::function<absl::Status()> await_previous = nullptr)
      : db_(db),
        handles_(handles),
        next_sequence_(next_sequence),
        now_(now),
        previous_(previous),
        await_previous_(std::move(await_previous)) {}

  absl::StatusOr<std::optional<std::string>> Get(ColumnFamily cf, absl::string_view key) override {
    const std::string staged_key = StagedKey(cf, key);
    if (auto it = staged_.find(staged_key); it != staged_.end()) return it->second;
    if (previous_ != nullptr) {
      if (auto it = previous_->staged_.find(staged_key); it != previous_->staged_.end()) {
        return it->second;
      }
    }
    return PointRead(db_, Handle(cf), key);
  }
  absl::Status Scan(ColumnFamily cf, absl::string_view start, absl::string_view prefix,
                    const ScanVisitor& visit) override {
    if (previous_ != nullptr) {
      // The iterators must see the previous group: wait until its batch is in RocksDB.
      WW_RETURN_IF_ERROR(await_previous_());
      previous_ = nullptr;
    }
    rocksdb::Iterator* it = Iterator(cf);
    it->Seek(rocksdb::Slice(start.data(), start.size()));
    const std::string staged_prefix = StagedKey(cf, prefix);
    auto staged = staged_.lower_bound(StagedKey(cf, start));
    for (;;) {
      const bool db_valid = it->Valid() && it->key().starts_with(rocksdb::Slice(
                                               prefix.data(), prefix.size()));
      const bool staged_valid =
          staged != staged_.end() &&
          absl::string_view(staged->first).substr(0, staged_prefix.size()) == staged_prefix;
      if (!db_valid && !staged_valid) break;
      const absl::string_view db_key =
          db_valid ? absl::string_view(it->key().data(), it->key().size()) : absl::string_view();
      const absl::string_view staged_key =
          staged_valid ? absl::string_view(staged->first).substr(1) : absl::string_view();
      if (staged_valid && (!db_valid || staged_key <= db_key)) {
        if (db_valid && staged_key == db_key) it->Next();  // the staged value wins
        const std::optional<std::string>& value = staged->second;
        ++staged;
        if (value && !visit(staged_key, *value)) break;
      } else {
        if (!visit(db_key, absl::string_view(it->value().data(), it->value().size()))) break;
        it->Next();
      }
    }
    return FromRocks(it->status());
  }
  void Put(ColumnFamily cf, absl::string_view key, absl::string_view value) override {
    Stage(cf, key, std::string(value));
  }
  void Delete(ColumnFamily cf, absl::string_view key) override { Stage(cf, key, std::nullopt); }
  uint64_t AppendChange(internal::ChangeEvent& event) override {
    uint64_t sequence = (*next_sequence_)++;
    event.set_sequence(sequence);
    *event.mutable_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(now_));
    Put(ColumnFamily::kChangeLog, SequenceKey(sequence), event.SerializeAsString());
    if (capture_changes_) appended_.push_back(event);
    return sequence;
  }
  // Keeps a copy of every event appended from now on (Engine::AddChangeStager).
  void CaptureChanges() { capture_changes_ = true; }
  // The events appended since the last call, and forgets them.
  std::vector<internal::ChangeEvent> TakeAppended() { return std::exchange(appended_, {}); }
  absl::Time Now() const override { return now_; }
  void AddToCounters(ColumnFamily cf, absl::string_view key, const Counters& delta) override {
    std::string k = StagedKey(cf, key);
    counters_[k] += delta;
    counter_undo_.push_back({std::move(k), delta});
  }

  void OnAbort(std::function<void()> undo) override { aborts_.push_back(std::move(undo)); }

  // Staging is over: the previous group may be freed from now on.
  void DetachPrevious() {
    previous_ = nullptr;
    await_previous_ = nullptr;
  }

  void SetSavePoint() {
    undo_mark_ = undo_.size();
    counter_undo_mark_ = counter_undo_.size();
    abort_mark_ = aborts_.size();
  }
  // The group's batch failed: every registered undo, newest first.
  void AbortAll() {
    while (!aborts_.empty()) {
      aborts_.back()();
      aborts_.pop_back();
    }
  }
  void RollbackToSavePoint() {
    while (aborts_.size() > abort_mark_) {
      aborts_.back()();
      aborts_.pop_back();
    }
    while (counter_undo_.size() > counter_undo_mark_) {
      CounterUndo& u = counter_undo_.back();
      counters_[u.key] -= u.delta;
      counter_undo_.pop_back();
    }
    while (undo_.size() > undo_mark_) {
      Undo& u = undo_.back();
      if (u.had_entry) {
        staged_[u.key] = std::move(u.previous);
      } else {
        staged_.erase(u.key);
      }
      undo_.pop_back();
    }
  }
  [[nodiscard]] bool empty() const { return staged_.empty() && counters_.empty(); }

  // The group's counter increments (views into this context).
  std::vector<CounterDelta> CounterDeltas() const {
    std::vector<CounterDelta> out;
    out.reserve(counters_.size());
    for (const auto& [staged_key, counts] : counters_) {
      if (counts.zero()) continue;
      out.push_back({static_cast<ColumnFamily>(staged_key[0]),
                     absl::string_view(staged_key).substr(1), counts});
    }
    return out;
  }

  // The staged state as one WriteBatch, sorted by (column family, key).
  rocksdb::WriteBatch BuildBatch() const {
    rocksdb::WriteBatch batch;
    for (const auto& [staged_key, value] : staged_) {
      rocksdb::ColumnFamilyHandle* handle = Handle(static_cast<ColumnFamily>(staged_key[0]));
      rocksdb::Slice key(staged_key.data() + 1, staged_key.size() - 1);
      if (value) {
        batch.Put(handle, key, *value);
      } else {
        batch.Delete(handle, key);
      }
    }
    for (const auto& [staged_key, counts] : counters_) {
      if (counts.zero()) continue;
      rocksdb::Slice key(staged_key.data() + 1, staged_key.size() - 1);
      batch.Merge(Handle(static_cast<ColumnFamily>(staged_key[0])), key, EncodeCounters(counts));
    }
    return batch;
  }

 private:
  bool capture_changes_ = false;
  std::vector<internal::ChangeEvent> appended_;

  struct Undo {
    std::string key;
    bool had_entry;
    std::optional<std::string> previous;
  };

  // Column family byte + key: sorts by column family, then key.
  static std::string StagedKey(ColumnFamily cf, absl::string_view key) {
    std::string k(1, static_cast<char>(cf));
    k.append(key.data(), key.size());
    return k;
  }
  void Stage(ColumnFamily cf, absl::string_view key, std::optional<std::string> value) {
    std::string k = StagedKey(cf, key);
    auto [it, inserted] = staged_.try_emplace(k, value);
    if (inserted) {
      undo_.push_back(Undo{std::move(k), false, std::nullopt});
    } else {
      undo_.push_back(Undo{std::move(k), true, std::move(it->second)});
      it->second = std::move(value);
    }
  }
  rocksdb::ColumnFamilyHandle* Handle(ColumnFamily cf) const {
    return handles_[static_cast<size_t>(cf)];
  }
  // One iterator per column family for the whole group: it sees the state before the group,
  // and the staged changes are merged in by Scan.
  rocksdb::Iterator* Iterator(ColumnFamily cf) {
    std::unique_ptr<rocksdb::Iterator>& it = iterators_[static_cast<size_t>(cf)];
    if (it == nullptr) it.reset(db_->NewIterator(PrefixScanOptions(cf), Handle(cf)));
    return it.get();
  }

  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles_;
  uint64_t* next_sequence_;
  absl::Time now_;
  // The group whose batch is being written while this one is staged (nullptr: none, or it is
  // in RocksDB now), and how to wait for that write.
  const RocksWriteContext* previous_;
  std::function<absl::Status()> await_previous_;
  // Staged key -> value (nullopt = delete), ordered so that scans can merge it with the DB
  // and the batch is written sorted; the last write of a key wins.
  absl::btree_map<std::string, std::optional<std::string>> staged_;
  std::array<std::unique_ptr<rocksdb::Iterator>, kNumColumnFamilies> iterators_;
  // Counter increments of the group, summed per key; written as one merge each.
  struct CounterUndo {
    std::string key;
    Counters delta;
  };
  absl::btree_map<std::string, Counters> counters_;
  std::vector<CounterUndo> counter_undo_;
  size_t counter_undo_mark_ = 0;
  std::vector<Undo> undo_;
  size_t undo_mark_ = 0;
  std::vector<std::function<void()>> aborts_;
  size_t abort_mark_ = 0;
};

}  // namespace wijkwacht::storage::internal_rocks
