// Engine: the one owner of the RocksDB instance. Nothing outside storage/ sees RocksDB.
//
// Writes go through Commit(): each caller hands over a WriteFn that stages its changes into a
// WriteContext. One writer thread collects the pending WriteFns into a group, runs them one
// after another against a single batch, and a syncer thread commits the group with ONE synced
// WriteBatch (WAL fsync) — group commit, so concurrent writers share an fsync. While group N
// is being synced, the writer stages group N+1 if its writes came through CommitPipelined
// (they read only through the WriteContext), so staging overlaps the fsync; N+1 is written
// once N is durable, and fails with N. A WriteFn sees the
// changes staged by earlier WriteFns of the same group (Get reads batch + DB), and a WriteFn
// that fails has its staged changes rolled back without affecting the rest of the group.
// `done` runs on the engine's completion thread after the batch is durable (or failed), in
// commit order, so the writer stages the next group meanwhile: keep it short. (A write
// refused before it is staged — shed, shutting down — gets `done` on the thread that
// refused it.)
//
// The change log: WriteContext::AppendChange() gives each event the next monotonic sequence
// (no gaps, in commit order) and writes it in the same batch. After a group is durable,
// listeners registered with AddCommitListener() are told the new last sequence (before the
// group's `done` callbacks run, so an acknowledged change is already visible); streams are
// cursors over this log.
//
// Thread safety: all public methods may be called from any thread. Errors: Open() returns
// FAILED_PRECONDITION for a schema version it does not know, DATA_LOSS for corruption,
// UNAVAILABLE for I/O errors. Commit() fails with UNAVAILABLE when the engine is shutting
// down or the disk write fails, or with whatever the WriteFn returned.
//
// Disk full: while the data dir's file system has less than min_free_disk_bytes free, groups
// fail UNAVAILABLE (with a retry delay) before reaching RocksDB; reads keep working and writes
// succeed again as soon as space returns, without a restart. Should a write still fail (e.g.
// ENOSPC from another process filling the reserve), RocksDB enters its background-error
// state, the group fails UNAVAILABLE, and later groups fail UNAVAILABLE too until RocksDB has
// recovered: by itself once its SstFileManager sees 64 MiB free (the largest memtable set),
// or through DB::Resume for other I/O errors. Nothing half-written becomes visible. RocksDB's
// info LOG is written by storage/info_log.h, which drops lines on a full disk instead of
// aborting.
//
// Backups: CreateBackup() takes an online, point-in-time consistent copy while writes go on
// (RocksDB BackupEngine, WAL included, incremental); storage/backup.h restores one.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/column_families.h"

namespace rocksdb {
class Env;
}

namespace wijkwacht::internal {
class ChangeEvent;
}

namespace wijkwacht::storage {

struct EngineOptions {
  std::string data_dir;
  // Sync the WAL before acknowledging (tests of non-durable paths may turn it off).
  bool sync_writes = true;
  // At most this many WriteFns share one batch.
  int max_group_size = 512;
  // Overload shedding (admission bounds): pending writes beyond this are refused at once, and
  // a write that waited longer than max_queue_delay before its group started is refused
  // instead of run — both RESOURCE_EXHAUSTED with a retry delay, nothing written — so the
  // latency of admitted writes stays bounded and a burst drains by itself.
  int max_pending_writes = 20000;
  absl::Duration max_queue_delay = absl::Seconds(1);  // InfiniteDuration(): never shed
  // Fail fast: while the oldest queued write has waited longer than this, a new write is
  // refused at once (RESOURCE_EXHAUSTED with a retry delay) instead of joining the standing
  // queue, so a burst costs the writes it cannot serve almost nothing and the admitted ones
  // wait about this long at most. InfiniteDuration(): off (only max_queue_delay sheds).
  absl::Duration admission_delay = absl::Milliseconds(250);
  // Writes are refused with UNAVAILABLE while the data dir's file system has less free space
  // than this (0 = no check), before RocksDB would fail them mid-write.
  uint64_t min_free_disk_bytes = uint64_t{64} << 20;
  // Injected parts; nullptr = the real ones.
  Clock* clock = nullptr;
  rocksdb::Env* env = nullptr;
  // RocksDB block cache size.
  size_t block_cache_bytes = 128u << 20;
};

// The counters stored under one key of a counter column family, as WriteContext::AddToCounters
// adds them: kCounterFields 64-bit fields, each added on its own with two's-complement wrap
// (so a field may also hold a sum modulo 2^64). What each field means is the owner's (the
// aggregates family: storage/aggregate_store.h).
inline constexpr int kCounterFields = 6;
struct Counters {
  std::array<int64_t, kCounterFields> field{};

  Counters& operator+=(const Counters& other) {
    for (int i = 0; i < kCounterFields; ++i) {
      field[i] = static_cast<int64_t>(static_cast<uint64_t>(field[i]) +
                                      static_cast<uint64_t>(other.field[i]));
    }
    return *this;
  }
  Counters& operator-=(const Counters& other) {
    for (int i = 0; i < kCounterFields; ++i) {
      field[i] = static_cast<int64_t>(static_cast<uint64_t>(field[i]) -
                                      static_cast<uint64_t>(other.field[i]));
    }
    return *this;
  }
  [[nodiscard]] bool zero() const {
    for (int64_t f : field) {
      if (f != 0) return false;
    }
    return true;
  }
  friend bool operator==(const Counters& a, const Counters& b) { return a.field == b.field; }
  friend bool operator!=(const Counters& a, const Counters& b) { return !(a == b); }
};
// Decodes a stored counter value; all zero for a malformed one. A 16-byte value from before
// the fields were widened holds the first two fields; field 4 then equals the second (the
// aggregates family's reporters counted towards k: every report counted before the
// distinction existed is treated as one). A 40-byte value from before field 5 existed holds
// fields 0-4 (field 5 zero).
[[nodiscard]] Counters DecodeCounters(absl::string_view value);

class WriteContext {
 public:
  virtual ~WriteContext() = default;
  // The current value including changes staged earlier in this group; nullopt if absent.
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(ColumnFamily cf,
                                                                      absl::string_view key) = 0;
  // Visits keys >= `start` that begin with `prefix`, in order, including changes staged
  // earlier in this group (a staged delete hides the key); stops when `visit` returns false.
  // The visitor must not stage changes. In incidents_by_cell, `prefix` must be at least
  // kIncidentIndexPrefixBytes long (prefix seek).
  [[nodiscard]] virtual absl::Status Scan(ColumnFamily cf, absl::string_view start,
                                          absl::string_view prefix,
                                          const std::function<bool(absl::string_view key,
                                                                   absl::string_view value)>&
                                              visit) = 0;
  virtual void Put(ColumnFamily cf, absl::string_view key, absl::string_view value) = 0;
  virtual void Delete(ColumnFamily cf, absl::string_view key) = 0;
  // Adds `delta`, field by field, to the counters stored under `key` in a counter column
  // family (aggregates; see Counters). Merged by RocksDB, never read back within the group.
  virtual void AddToCounters(ColumnFamily cf, absl::string_view key, const Counters& delta) = 0;
  // Stamps `event` with the next sequence and time, and stages it in the change log.
  virtual uint64_t AppendChange(internal::ChangeEvent& event) = 0;
  // The time of this group's commit (one value for the whole group).
  [[nodiscard]] virtual absl::Time Now() const = 0;
  // Registers `undo` to run on the writer thread if what the current WriteFn staged is not
  // committed: the WriteFn fails (rolled back) or the group's batch fails to write. Undos run
  // newest first. Lets the owner of an in-memory structure that mirrors staged values (e.g.
  // storage::OpenIncidents) keep it in step with what is durable.
  virtual void OnAbort(std::function<void()> undo) = 0;
};


// One counter increment of a committed group (WriteContext::AddToCounters, summed per key).
struct CounterDelta {
  ColumnFamily cf;
  absl::string_view key;  // valid during the listener call only
  Counters delta;
};

// One backup in a backup directory.
struct BackupInfo {
  uint32_t id = 0;
  absl::Time time;
  uint64_t size_bytes = 0;  // of the files this backup references (shared ones included)
  uint32_t files = 0;
};

// Iteration callback: return false to stop.
using ScanVisitor = std::function<bool(absl::string_view key, absl::string_view value)>;

// A cursor over one column family's committed data, for callers that read many short
// ranges: each Scan() reuses one RocksDB iterator (a snapshot taken at creation) instead of
// creating one. In incidents_by_cell, prefixes must be at least kIncidentIndexPrefixBytes
// long (prefix seek). Not thread-safe; use one per thread.
class RangeReader {
 public:
  virtual ~RangeReader() = default;
  // As Engine::Scan, within this reader's column family.
  [[nodiscard]] virtual absl::Status Scan(absl::string_view start, absl::string_view prefix,
                                          const ScanVisitor& visit) = 0;
};

class Engine {
 public:
  using WriteFn = std::function<absl::Status(WriteContext&)>;
  using DoneFn = std::function<void(absl::Status)>;
  using CommitListener = std::function<void(uint64_t last_sequence)>;

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  virtual ~Engine() = default;

  // Queues `write`; `done` gets its status once the group is durable. Never blocks on I/O.
  // `write` is staged only after every earlier group is durable, so it may also read the
  // committed data directly (Engine::Get/Scan).
  virtual void Commit(WriteFn write, DoneFn done) = 0;
  // The same for a write that reads only through its WriteContext: it may be staged while the
  // previous group's batch is still being synced (the context's Get sees that group's values;
  // its Scan waits for that write). Its group is written only after the previous one is
  // durable, and fails with it. For the hot path (report submits).
  virtual void CommitPipelined(WriteFn write, DoneFn done) = 0;
  // What Commit() would answer right now before queuing: OK, RESOURCE_EXHAUSTED (with a retry
  // delay) when the queue is full or backed up, UNAVAILABLE when shutting down. Lets a caller
  // refuse a write before doing costly work for it.
  [[nodiscard]] virtual absl::Status CheckAdmission() const = 0;
  // Commit() and wait.
  [[nodiscard]] absl::Status CommitAndWait(WriteFn write);

  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily cf, absl::string_view key) const = 0;
  // Visits keys >= `start` in order while they begin with `prefix`, stopping when the
  // visitor returns false.
  [[nodiscard]] virtual absl::Status Scan(ColumnFamily cf, absl::string_view start,
                                          absl::string_view prefix,
                                          const ScanVisitor& visit) const = 0;

  // Monitoring: RocksDB's own estimates per column family, read at call time (cheap).
  struct ColumnFamilyStats {
    ColumnFamily cf = ColumnFamily::kDefault;
    uint64_t estimated_keys = 0;            // rocksdb.estimate-num-keys
    uint64_t live_sst_bytes = 0;            // rocksdb.live-sst-files-size
    uint64_t pending_compaction_bytes = 0;  // rocksdb.estimate-pending-compaction-bytes
  };
  [[nodiscard]] virtual std::vector<ColumnFamilyStats> Stats() const { return {}; }
  // OK while writes are accepted; UNAVAILABLE after Shutdown(), while RocksDB is in its
  // background-error state (e.g. a failed write on a full disk, until it has resumed) or has
  // stopped writes.
  [[nodiscard]] virtual absl::Status WriteHealth() const { return absl::OkStatus(); }

  // Visits keys <= `last` in descending order while they begin with `prefix`.
  [[nodiscard]] virtual absl::Status ScanBackward(ColumnFamily cf, absl::string_view last,
                                                  absl::string_view prefix,
                                                  const ScanVisitor& visit) const = 0;

  [[nodiscard]] virtual std::unique_ptr<RangeReader> NewRangeReader(ColumnFamily cf) const = 0;

  // Sequence of the newest durable change-log entry (0 when empty).
  [[nodiscard]] virtual uint64_t LastSequence() const = 0;
  virtual void AddCommitListener(CommitListener listener) = 0;
  // `listener` gets every group's counter increments once the group is durable (on the
  // writer thread), before the commit listeners and the group's `done` callbacks run: an
  // in-memory mirror of a counter column family (AggregateStore) then always holds what
  // RocksDB holds, and an acknowledged write is already counted. Keep it short.
  using CounterListener = std::function<void(const std::vector<CounterDelta>& deltas)>;
  virtual void AddCounterListener(CounterListener listener) = 0;
  // `stager` runs on the writer thread for every change event a WriteFn appended, right
  // after that WriteFn succeeded, and stages writes of its own into the same batch: what the
  // change causes (e.g. a notification in the outbox, storage/notify_outbox.h) commits or is
  // lost together with it. A stager's error fails that WriteFn (rolled back; its caller gets
  // the error). A stager must not append change events. Register before the first write.
  using ChangeStager =
      std::function<absl::Status(WriteContext& ctx, const internal::ChangeEvent& event)>;
  virtual void AddChangeStager(ChangeStager stager) = 0;

  // Takes a backup into `backup_dir` (created if missing) and then keeps only the newest
  // `keep` backups there (0 = all). Writes are not blocked. Errors: ABORTED while another
  // backup runs; UNAVAILABLE for I/O errors (e.g. the backup disk is full) or after
  // Shutdown(); INVALID_ARGUMENT when `backup_dir` is empty.
  [[nodiscard]] virtual absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir,
                                                                int keep) = 0;

  // Makes deleted data of `cfs` physically gone from the data dir (crypto-shredding): flushes
  // every column family, so that no live WAL file still holds the deleted values, compacts
  // `cfs` to the bottommost level (tombstones and the values they hide are dropped) and then
  // deletes the obsolete WAL and SST files at once. Values that an open snapshot or iterator
  // still sees survive until it is released. Errors: UNAVAILABLE (I/O, shutting down).
  [[nodiscard]] virtual absl::Status PurgeDeleted(const std::vector<ColumnFamily>& cfs) = 0;

  // Finishes queued writes, then stops the writer and flushes every memtable (so the next
  // Open replays no WAL); later Commit() calls fail UNAVAILABLE.
  virtual void Shutdown() = 0;
};

// Runs `stage(ctx, result)` as one commit (Engine::CommitAndWait) and returns the `T` it filled
// in, or its error.
template <typename T, typename Fn>
[[nodiscard]] absl::StatusOr<T> CommitForResult(Engine* engine, Fn stage) {
  auto result = std::make_shared<T>();
  absl::Status status = engine->CommitAndWait(
      [result, stage = std::move(stage)](WriteContext& ctx) { return stage(ctx, *result); });
  if (!status.ok()) return status;
  return std::move(*result);
}

}  // namespace wijkwacht::storage
