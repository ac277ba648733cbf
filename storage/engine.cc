#include "storage/engine.h"

#include <pthread.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/db.h"
#include "rocksdb/listener.h"
#include "rocksdb/options.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/write_batch.h"
#include "common/status.h"
#include "storage/internal/rocks_options.h"
#include "storage/internal/write_overlay.h"
#include "storage/keys.h"
#include "storage/info_log.h"
#include "storage/meta_keys.h"
#include "storage/rocks_status.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {
namespace {

using internal_rocks::ColumnFamilyOptionsFor;
using internal_rocks::EncodeCounters;
using internal_rocks::PrefixScanOptions;
using internal_rocks::RocksWriteContext;

using google::protobuf::util::TimeUtil;

class RocksRangeReader final : public RangeReader {
 public:
  explicit RocksRangeReader(std::unique_ptr<rocksdb::Iterator> it) : it_(std::move(it)) {}
  absl::Status Scan(absl::string_view start, absl::string_view prefix,
                    const ScanVisitor& visit) override {
    for (it_->Seek(rocksdb::Slice(start.data(), start.size())); it_->Valid(); it_->Next()) {
      absl::string_view key(it_->key().data(), it_->key().size());
      if (key.substr(0, prefix.size()) != prefix) break;
      if (!visit(key, absl::string_view(it_->value().data(), it_->value().size()))) break;
    }
    return FromRocks(it_->status());
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

// RocksDB's background-error state as seen by its listener callbacks: set by a failed write
// or flush, cleared when automatic recovery or DB::Resume() succeeds.
class WriteErrorListener final : public rocksdb::EventListener {
 public:
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (error == nullptr || error->ok()) return;
    std::lock_guard<std::mutex> lock(mu_);
    error_ = error->ToString();
  }
  void OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) override {
    if (!info.new_bg_error.ok()) return;
    std::lock_guard<std::mutex> lock(mu_);
    error_.clear();
  }
  // The unrecovered error, or "".
  std::string error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  mutable std::mutex mu_;
  std::string error_;
};

std::shared_ptr<WriteErrorListener> FindWriteErrorListener(rocksdb::DB* db) {
  for (const std::shared_ptr<rocksdb::EventListener>& l : db->GetDBOptions().listeners) {
    if (auto found = std::dynamic_pointer_cast<WriteErrorListener>(l)) return found;
  }
  return nullptr;
}

// One small synced write after every flush of all column families (at open, after a purge).
// RocksDB 7.8 recovers from a failed WAL write by flushing the memtables, and only a flush of
// a non-empty memtable starts a new WAL; with every memtable empty it keeps the failed WAL
// writer, and the next write aborts the process (Debian builds RocksDB with assertions).
// This write keeps one memtable non-empty and also makes RocksDB preallocate the WAL's space.
absl::Status KeepMemtableLive(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocks(db->Put(write_options, meta, storage::meta::kLastFlushAll,
                           absl::StrCat(absl::ToUnixMicros(absl::Now()))));
}

class RocksEngine final : public Engine {
 public:
  RocksEngine(EngineOptions options, std::unique_ptr<rocksdb::DB> db,
              std::vector<rocksdb::ColumnFamilyHandle*> handles, uint64_t last_sequence)
      : options_(std::move(options)),
        clock_(options_.clock ? options_.clock : SystemClock()),
        db_(std::move(db)),
        handles_(std::move(handles)),
        next_sequence_(last_sequence + 1),
        last_durable_sequence_(last_sequence) {
    syncer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "ww-syncer");
      SyncerLoop();
    });
    writer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "ww-writer");
      WriterLoop();
    });
    completer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "ww-completer");
      CompleterLoop();
    });
  }

  ~RocksEngine() override {
    Shutdown();
    for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }

  void Commit(WriteFn write, DoneFn done) override {
    Enqueue(std::move(write), std::move(done), /*pipelined=*/false);
  }
  void CommitPipelined(WriteFn write, DoneFn done) override {
    Enqueue(std::move(write), std::move(done), /*pipelined=*/true);
  }

  void Enqueue(WriteFn write, DoneFn done, bool pipelined) {
    absl::Status refused;
    {
      std::lock_guard<std::mutex> lock(mu_);
      refused = AdmissionLocked();
      if (refused.ok()) {
        queue_.push_back(Pending{std::move(write), std::move(done), SteadyNow(), pipelined});
      }
    }
    if (!refused.ok()) {
      done(std::move(refused));
      return;
    }
    cv_.notify_one();
  }

  absl::Status CheckAdmission() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return AdmissionLocked();
  }

  absl::StatusOr<std::optional<std::string>> Get(ColumnFamily cf,
                                                 absl::string_view key) const override {
    return internal_rocks::PointRead(db_.get(), Handle(cf), key);
  }

  absl::Status Scan(ColumnFamily cf, absl::string_view start, absl::string_view prefix,
                    const ScanVisitor& visit) const override {
    rocksdb::ReadOptions read_options;
    read_options.total_order_seek = true;
    std::string upper = PrefixSuccessor(prefix);
    rocksdb::Slice upper_slice(upper);
    if (!upper.empty()) read_options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, Handle(cf)));
    for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
      absl::string_view key(it->key().data(), it->key().size());
      if (key.substr(0, prefix.size()) != prefix) break;
      if (!visit(key, absl::string_view(it->value().data(), it->value().size()))) break;
    }
    return FromRocks(it->status());
  }

  absl::Status ScanBackward(ColumnFamily cf, absl::string_view last, absl::string_view prefix,
                            const ScanVisitor& visit) const override {
    rocksdb::ReadOptions read_options;
    read_options.total_order_seek = true;
    rocksdb::Slice lower(prefix.data(), prefix.size());
    read_options.iterate_lower_bound = &lower;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, Handle(cf)));
    for (it->SeekForPrev(rocksdb::Slice(last.data(), last.size())); it->Valid(); it->Prev()) {
      absl::string_view key(it->key().data(), it->key().size());
      if (key.substr(0, prefix.size()) != prefix) break;
      if (!visit(key, absl::string_view(it->value().data(), it->value().size()))) break;
    }
    return FromRocks(it->status());
  }

  std::unique_ptr<RangeReader> NewRangeReader(ColumnFamily cf) const override {
    return std::make_unique<RocksRangeReader>(
        std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(PrefixScanOptions(cf), Handle(cf))));
  }

  std::vector<ColumnFamilyStats> Stats() const override {
    std::vector<ColumnFamilyStats> out;
    for (const ColumnFamilySpec& spec : kColumnFamilies) {
      ColumnFamilyStats& stats = out.emplace_back();
      stats.cf = spec.id;
      rocksdb::ColumnFamilyHandle* handle = Handle(spec.id);
      db_->GetIntProperty(handle, "rocksdb.estimate-num-keys", &stats.estimated_keys);
      db_->GetIntProperty(handle, "rocksdb.live-sst-files-size", &stats.live_sst_bytes);
      db_->GetIntProperty(handle, "rocksdb.estimate-pending-compaction-bytes",
                          &stats.pending_compaction_bytes);
    }
    return out;
  }

  absl::Status WriteHealth() const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return absl::UnavailableError("storage is shutting down");
    }
    if (write_errors_ != nullptr) {
      if (std::string error = write_errors_->error(); !error.empty()) {
        return absl::UnavailableError(absl::StrCat("storage refuses writes: ", error));
      }
    }
    uint64_t stopped = 0;
    if (db_->GetIntProperty("rocksdb.is-write-stopped", &stopped) && stopped != 0) {
      return absl::UnavailableError("storage has stopped writes (compaction backlog)");
    }
    return absl::OkStatus();
  }

  uint64_t LastSequence() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return last_durable_sequence_;
  }

  void AddCommitListener(CommitListener listener) override {
    std::lock_guard<std::mutex> lock(mu_);
    listeners_.push_back(std::move(listener));
  }

  void AddCounterListener(CounterListener listener) override {
    std::lock_guard<std::mutex> lock(mu_);
    counter_listeners_.push_back(std::move(listener));
  }

  void AddChangeStager(ChangeStager stager) override {
    std::lock_guard<std::mutex> lock(mu_);
    stagers_.push_back(std::move(stager));
  }

  absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir, int keep) override {
    if (backup_dir.empty()) return absl::InvalidArgumentError("backup_dir: must be set");
    std::unique_lock<std::mutex> backup_lock(backup_mu_, std::try_to_lock);
    if (!backup_lock.owns_lock()) return absl::AbortedError("a backup is already running");
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return absl::UnavailableError("storage is shutting down");
    }
    rocksdb::BackupEngine* raw = nullptr;
    rocksdb::BackupEngineOptions backup_options(backup_dir);
    backup_options.max_background_operations = 1;
    WW_RETURN_IF_ERROR(
        FromRocks(rocksdb::BackupEngine::Open(backup_options, rocksdb::Env::Default(), &raw)));
    std::unique_ptr<rocksdb::BackupEngine> backups(raw);
    // No flush: the live WAL is copied too, so the restored store replays it to one point in
    // time across every column family.
    rocksdb::CreateBackupOptions create;
    create.flush_before_backup = false;
    rocksdb::BackupID id = 0;
    WW_RETURN_IF_ERROR(FromRocks(backups->CreateNewBackupWithMetadata(
        create, db_.get(), absl::StrCat("wijkwacht schema ", kSchemaVersion), &id)));
    if (keep > 0) WW_RETURN_IF_ERROR(FromRocks(backups->PurgeOldBackups(keep)));
    rocksdb::BackupInfo info;
    WW_RETURN_IF_ERROR(FromRocks(backups->GetBackupInfo(id, &info)));
    return BackupInfo{info.backup_id, absl::FromUnixSeconds(info.timestamp), info.size,
                      info.number_files};
  }

  absl::Status PurgeDeleted(const std::vector<ColumnFamily>& cfs) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return absl::UnavailableError("storage is shutting down");
    }
    // Every memtable to SST: the WAL files written so far hold nothing live any more.
    rocksdb::FlushOptions flush;
    flush.wait = true;
    flush.allow_write_stall = true;
    WW_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, handles_)));
    WW_RETURN_IF_ERROR(KeepMemtableLive(db_.get(), Handle(ColumnFamily::kMeta)));
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    compact.exclusive_manual_compaction = false;
    for (ColumnFamily cf : cfs) {
      WW_RETURN_IF_ERROR(FromRocks(db_->CompactRange(compact, Handle(cf), nullptr, nullptr)));
    }
    // Re-enabling file deletions purges obsolete files synchronously (a full scan), instead of
    // leaving them to the next background job.
    WW_RETURN_IF_ERROR(FromRocks(db_->DisableFileDeletions()));
    return FromRocks(db_->EnableFileDeletions(/*force=*/false));
  }

  void Shutdown() override {
    std::call_once(shutdown_once_, [this] {
      {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
      }
      cv_.notify_all();
      writer_.join();
      {
        std::lock_guard<std::mutex> lock(mu_);
        syncer_stopping_ = true;
      }
      sync_cv_.notify_all();
      syncer_.join();
      {
        std::lock_guard<std::mutex> lock(completion_mu_);
        completer_stopping_ = true;
      }
      completion_cv_.notify_all();
      completer_.join();
      // A clean stop leaves nothing to replay: every memtable goes to an SST file now, so the
      // next start does not re-read the WAL (skipped while RocksDB refuses writes, e.g. on a
      // full disk; the WAL still holds everything then).
      if (write_errors_ == nullptr || write_errors_->error().empty()) {
        rocksdb::FlushOptions flush;
        flush.wait = true;
        flush.allow_write_stall = true;
        db_->Flush(flush, handles_).PermitUncheckedError();
      }
    });
  }

 private:
  struct Pending {
    WriteFn write;
    DoneFn done;
    // Queue ages are real elapsed time: the injected clock is domain time (tests move it, and
    // a wall clock may step), which must never make the writer shed.
    std::chrono::steady_clock::time_point enqueued;
    bool pipelined = false;  // CommitPipelined
  };

  static std::chrono::steady_clock::time_point SteadyNow() {
    return std::chrono::steady_clock::now();
  }

  static std::string PrefixSuccessor(absl::string_view prefix) {
    std::string s(prefix);
    while (!s.empty()) {
      if (static_cast<uint8_t>(s.back()) != 0xff) {
        s.back() = static_cast<char>(static_cast<uint8_t>(s.back()) + 1);
        return s;
      }
      s.pop_back();
    }
    return s;  // empty: no upper bound
  }

  rocksdb::ColumnFamilyHandle* Handle(ColumnFamily cf) const {
    return handles_[static_cast<size_t>(cf)];
  }

  // Commit()'s admission bounds; mu_ held.
  absl::Status AdmissionLocked() const {
    if (stopping_) return absl::UnavailableError("storage is shutting down");
    if (static_cast<int>(queue_.size()) >= options_.max_pending_writes) {
      return WithRetryDelay(
          absl::ResourceExhaustedError("server overloaded: too many pending writes; retry later"),
          absl::Milliseconds(100));
    }
    if (!queue_.empty() && absl::FromChrono(SteadyNow() - queue_.front().enqueued) >
                               options_.admission_delay) {
      return WithRetryDelay(
          absl::ResourceExhaustedError("server overloaded: the write queue is backed up; retry later"),
          absl::Milliseconds(250));
    }
    return absl::OkStatus();
  }

  // The writer thread. Stages groups and hands each group's batch to the syncer thread; while
  // the syncer writes and syncs group N, the writer stages group N+1 when every write in it
  // was committed with CommitPipelined (reads through its WriteContext only); any other write
  // waits until every earlier group is durable. Group N's outcome (listeners, completions, or
  // on failure the undo of N+1 and N) is handled here, after N+1 is staged and before N+1 is
  // written: a group is written only once everything it may have read is durable.
  void WriterLoop() {
    std::vector<Pending> taken, shed;
    std::unique_ptr<Group> inflight;
    for (;;) {
      taken.clear();
      shed.clear();
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty() || write_done_; });
        if (inflight != nullptr && (write_done_ || queue_.empty())) {
          // Its outcome first when it is known (or nothing else is left to do).
          cv_.wait(lock, [&] { return write_done_; });
          lock.unlock();
          FinishWritten(std::move(inflight), nullptr);
          continue;
        }
        if (queue_.empty()) return;  // stopping and drained
        const std::chrono::steady_clock::time_point now = SteadyNow();
        while (!queue_.empty() && static_cast<int>(taken.size()) < options_.max_group_size) {
          Pending& next = queue_.front();
          if (inflight != nullptr && !next.pipelined) break;
          (absl::FromChrono(now - next.enqueued) > options_.max_queue_delay ? shed : taken)
              .push_back(std::move(next));
          queue_.pop_front();
        }
        if (taken.empty() && shed.empty()) {
          // A write that must see every earlier group durable: wait for the one in flight.
          cv_.wait(lock, [&] { return write_done_; });
          lock.unlock();
          FinishWritten(std::move(inflight), nullptr);
          continue;
        }
      }
      for (Pending& p : shed) {
        p.done(WithRetryDelay(
            absl::ResourceExhaustedError("server overloaded: the write waited too long; retry later"),
            absl::Milliseconds(500)));
      }
      if (taken.empty()) continue;
      std::unique_ptr<Group> group = StageGroup(taken, inflight.get());
      if (inflight != nullptr) {
        {
          std::unique_lock<std::mutex> lock(mu_);
          cv_.wait(lock, [&] { return write_done_; });
        }
        FinishWritten(std::move(inflight), group.get());
      }
      if (group->failed || group->context->empty()) {
        // Nothing to write (replays, failed writes) or failed with the group before it.
        Complete(std::move(group));
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        write_done_ = false;
        to_write_ = group.get();
      }
      sync_cv_.notify_one();
      inflight = std::move(group);
    }
  }

  // One group of writes from staging to completion.
  struct Group {
    std::vector<Pending> pending;
    std::vector<absl::Status> results;
    std::unique_ptr<RocksWriteContext> context;
    rocksdb::WriteBatch batch;
    uint64_t first_sequence = 0;  // the sequence its first change would get
    uint64_t end_sequence = 0;    // next_sequence_ after it was staged
    absl::Status written;         // set by the syncer
    bool failed = false;          // failed with the group written before it
  };

  // Runs the group's WriteFns against one context (`previous`: the group being written
  // meanwhile, whose staged values reads see) and builds its batch.
  std::unique_ptr<Group> StageGroup(std::vector<Pending>& taken, const Group* previous) {
    auto group = std::make_unique<Group>();
    group->pending = std::move(taken);
    taken = {};
    group->context = std::make_unique<RocksWriteContext>(
        db_.get(), handles_, &next_sequence_, clock_->Now(),
        previous == nullptr ? nullptr : previous->context.get(),
        [this]() -> absl::Status {
          std::unique_lock<std::mutex> lock(mu_);
          cv_.wait(lock, [&] { return write_done_; });
          return written_status_;
        });
    RocksWriteContext& context = *group->context;
    std::vector<ChangeStager> stagers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stagers = stagers_;
    }
    if (!stagers.empty()) context.CaptureChanges();
    group->results.assign(group->pending.size(), absl::OkStatus());
    group->first_sequence = next_sequence_;
    for (size_t i = 0; i < group->pending.size(); ++i) {
      context.SetSavePoint();
      const uint64_t sequence_mark = next_sequence_;
      group->results[i] = group->pending[i].write(context);
      if (!stagers.empty()) {
        // The stagers add their writes for this WriteFn's changes to the same batch; one
        // failing fails the WriteFn.
        for (const internal::ChangeEvent& event : context.TakeAppended()) {
          for (const ChangeStager& stager : stagers) {
            if (group->results[i].ok()) group->results[i] = stager(context, event);
          }
        }
        context.TakeAppended();  // a stager must not append changes; none are kept
      }
      if (!group->results[i].ok()) {
        context.RollbackToSavePoint();
        next_sequence_ = sequence_mark;
      }
    }
    group->end_sequence = next_sequence_;
    context.DetachPrevious();
    if (!context.empty()) group->batch = context.BuildBatch();
    return group;
  }

  // The syncer thread: writes each handed-over batch with one synced write.
  void SyncerLoop() {
    for (;;) {
      Group* group = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        sync_cv_.wait(lock, [&] { return syncer_stopping_ || to_write_ != nullptr; });
        if (to_write_ == nullptr) return;
        group = to_write_;
      }
      ResumeAfterWriteError();
      rocksdb::WriteOptions write_options;
      write_options.sync = options_.sync_writes;
      absl::Status written = CheckFreeSpace();
      if (written.ok()) written = FromRocks(db_->Write(write_options, &group->batch));
      if (!written.ok() && absl::IsUnavailable(written)) {
        // E.g. the disk is full: RocksDB refuses writes until it has resumed.
        resume_needed_ = true;
        written = WithRetryDelay(std::move(written), kResumeInterval);
      }
      group->written = written;
      {
        std::lock_guard<std::mutex> lock(mu_);
        to_write_ = nullptr;
        written_status_ = std::move(written);
        write_done_ = true;
      }
      cv_.notify_one();
    }
  }

  // On the writer thread, once `group`'s write has returned: tells listeners and queues its
  // replies; on failure first undoes `staged_after` (staged on top of it, not written) and
  // fails it too.
  void FinishWritten(std::unique_ptr<Group> written, Group* staged_after) {
    Group& group = *written;
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_done_ = false;
    }
    if (!group.written.ok()) {
      if (staged_after != nullptr) {
        staged_after->context->AbortAll();
        staged_after->failed = true;
        for (absl::Status& r : staged_after->results) {
          if (r.ok()) r = group.written;
        }
      }
      group.context->AbortAll();
      next_sequence_ = group.first_sequence;
      for (absl::Status& r : group.results) {
        if (r.ok()) r = group.written;
      }
      Complete(std::move(written));
      return;
    }
    std::vector<CounterListener> counter_listeners;
    {
      std::lock_guard<std::mutex> lock(mu_);
      counter_listeners = counter_listeners_;
    }
    if (!counter_listeners.empty()) {
      const std::vector<CounterDelta> deltas = group.context->CounterDeltas();
      if (!deltas.empty()) {
        for (const CounterListener& listener : counter_listeners) listener(deltas);
      }
    }
    const uint64_t last = group.end_sequence - 1;
    std::vector<CommitListener> listeners;
    bool advanced = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (last != last_durable_sequence_) {
        last_durable_sequence_ = last;
        advanced = true;
        listeners = listeners_;
      }
    }
    // Readers first: a client that got its ack and then reads a stream finds the change.
    if (advanced) {
      for (const CommitListener& listener : listeners) listener(last);
    }
    Complete(std::move(written));
  }

  // Replies (serializing the answer, finishing the RPC) run on the completion thread, in
  // commit order, while the writer stages the next group; the group is freed there too.
  void Complete(std::unique_ptr<Group> group) {
    Completion completion;
    completion.group = std::move(group);
    {
      std::lock_guard<std::mutex> lock(completion_mu_);
      completions_.push_back(std::move(completion));
    }
    completion_cv_.notify_one();
  }

  // After a failed write, asks RocksDB to leave its background-error state (flush, new WAL)
  // at most once per kResumeInterval; the next write tells whether it worked.
  void ResumeAfterWriteError() {
    if (!resume_needed_) return;
    const absl::Time now = clock_->Now();
    if (now - last_resume_attempt_ < kResumeInterval) return;
    last_resume_attempt_ = now;
    if (db_->Resume().ok()) resume_needed_ = false;
  }

  // UNAVAILABLE while the data dir's file system has less than min_free_disk_bytes free
  // (one statvfs per group commit, about a microsecond): the write is refused before RocksDB
  // sees it, so a full disk rarely fails a WAL write. When one fails anyway (another process
  // filled the disk between the check and the write), RocksDB stops writes until its
  // SstFileManager sees enough free space again, and every write until then gets UNAVAILABLE.
  absl::Status CheckFreeSpace() {
    if (options_.min_free_disk_bytes == 0) return absl::OkStatus();
    struct statvfs fs;
    if (statvfs(options_.data_dir.c_str(), &fs) != 0) return absl::OkStatus();
    const bool low_space =
        static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize < options_.min_free_disk_bytes;
    if (!low_space) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat(
        "storage: disk almost full (less than ", options_.min_free_disk_bytes >> 20,
        " MiB free in the data dir); writes resume when space returns"));
  }

  void CompleterLoop() {
    std::deque<Completion> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(completion_mu_);
        completion_cv_.wait(lock, [&] { return completer_stopping_ || !completions_.empty(); });
        if (completions_.empty()) return;  // stopping and drained
        batch.swap(completions_);
      }
      for (Completion& c : batch) {
        Group& group = *c.group;
        for (size_t i = 0; i < group.pending.size(); ++i) group.pending[i].done(group.results[i]);
      }
      batch.clear();
    }
  }

  const EngineOptions options_;
  Clock* const clock_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  static constexpr absl::Duration kResumeInterval = absl::Milliseconds(250);

  uint64_t next_sequence_;  // writer thread only
  bool resume_needed_ = false;              // syncer thread only
  absl::Time last_resume_attempt_;          // syncer thread only
  std::mutex backup_mu_;                    // one backup at a time

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  uint64_t last_durable_sequence_;
  std::vector<CommitListener> listeners_;
  std::vector<CounterListener> counter_listeners_;
  // The hand-over between writer and syncer (under mu_): the group to write, and once it is
  // written, its status until the writer has taken the outcome.
  std::condition_variable sync_cv_;
  Group* to_write_ = nullptr;
  bool write_done_ = false;
  absl::Status written_status_;
  bool syncer_stopping_ = false;
  std::thread syncer_;
  std::vector<ChangeStager> stagers_;
  std::thread writer_;
  // The `done` callbacks of committed groups, run by completer_ in commit order.
  struct Completion {
    std::unique_ptr<Group> group;
  };
  std::mutex completion_mu_;
  std::condition_variable completion_cv_;
  std::deque<Completion> completions_;
  bool completer_stopping_ = false;
  std::thread completer_;
  std::once_flag shutdown_once_;
  // Registered by Open(); after db_ (declaration order).
  const std::shared_ptr<WriteErrorListener> write_errors_ = FindWriteErrorListener(db_.get());
};

absl::Status CheckOrWriteSchema(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), meta, storage::meta::kSchemaVersion, &value);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return FromRocks(db->Put(write_options, meta, storage::meta::kSchemaVersion, absl::StrCat(kSchemaVersion)));
  }
  if (!s.ok()) return FromRocks(s);
  int version = 0;
  if (!absl::SimpleAtoi(value, &version) || version != kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data dir has schema version '", value, "', this build knows ", kSchemaVersion));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ReadLastSequence(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), log));
  it->SeekToLast();
  if (!it->Valid()) {
    if (!it->status().ok()) return FromRocks(it->status());
    return 0;
  }
  std::optional<uint64_t> sequence =
      ParseSequenceKey(absl::string_view(it->key().data(), it->key().size()));
  if (!sequence) return absl::DataLossError("change log holds a malformed key");
  return *sequence;
}

}  // namespace

Counters DecodeCounters(absl::string_view value) {
  Counters c;
  if (value.size() == 16) {  // the layout before the fields were widened
    c.field[0] = static_cast<int64_t>(DecodeFixed64(value));
    c.field[1] = static_cast<int64_t>(DecodeFixed64(value.substr(8)));
    c.field[4] = c.field[1];
    return c;
  }
  constexpr size_t kFiveFields = 40;  // the layout before field 5
  if (value.size() != 8 * kCounterFields && value.size() != kFiveFields) return c;
  for (int i = 0; i < static_cast<int>(value.size() / 8); ++i) {
    c.field[i] = static_cast<int64_t>(DecodeFixed64(value.substr(8 * i)));
  }
  return c;
}

absl::Status Engine::CommitAndWait(WriteFn write) {
  std::promise<absl::Status> promise;
  std::future<absl::Status> future = promise.get_future();
  Commit(std::move(write), [&promise](absl::Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("data_dir: must be set");
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  // RocksDB's own LOG writer aborts the process after a failed write (e.g. a full disk).
  std::error_code dir_error;
  std::filesystem::create_directories(options.data_dir, dir_error);
  db_options.info_log = NewTolerantInfoLog(options.data_dir);
  // One writer thread commits every group; hash memtables require this to be off.
  db_options.allow_concurrent_memtable_write = false;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.listeners.push_back(std::make_shared<WriteErrorListener>());
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const ColumnFamilySpec& spec : kColumnFamilies) {
    descriptors.emplace_back(spec.name, ColumnFamilyOptionsFor(spec.id, cache));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.data_dir, descriptors, &handles, &raw);
  if (!s.ok()) {
    if (s.IsInvalidArgument()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot open data dir ", options.data_dir, ": ", s.ToString()));
    }
    return FromRocks(s);
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  auto close_handles = [&] {
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  };
  absl::Status schema =
      CheckOrWriteSchema(db.get(), handles[static_cast<size_t>(ColumnFamily::kMeta)]);
  if (schema.ok()) {
    schema = KeepMemtableLive(db.get(), handles[static_cast<size_t>(ColumnFamily::kMeta)]);
  }
  if (!schema.ok()) {
    close_handles();
    return schema;
  }
  absl::StatusOr<uint64_t> last =
      ReadLastSequence(db.get(), handles[static_cast<size_t>(ColumnFamily::kChangeLog)]);
  if (!last.ok()) {
    close_handles();
    return last.status();
  }
  return std::unique_ptr<Engine>(
      new RocksEngine(options, std::move(db), std::move(handles), *last));
}

}  // namespace wijkwacht::storage
