// LogStream: a gRPC server-streaming reactor over the change log (storage/change_feed.h).
//
//   return LogStream<v1::FeedChange>::Start(feed, workers, after_sequence,
//       [](const internal::ChangeEvent& e, std::vector<v1::FeedChange>* out) {
//         if (!ForThisDevice(e)) return absl::OkStatus();       // filter
//         v1::FeedChange& c = out->emplace_back();
//         c.set_cursor(storage::EncodeCursor(e.sequence()));     // resume point
//         ...;
//         return absl::OkStatus();
//       },
//       std::move(snapshot_messages));                            // optional, sent first
//
// From `after` it reads events in order in batches, turns each into zero or more messages
// with `render` (which filters for this subscriber and sets each message's cursor), writes
// them one at a time, and when caught up waits (ChangeFeed::Watch) for the log to advance.
// At most one read batch is held per stream and the log itself is the buffer, so a slow
// client lags in the durable log instead of holding memory or slowing anyone down; a client
// that reconnects with its last cursor misses nothing and sees nothing twice.
//
// The stream ends with: the client's cancellation (CANCELLED), a failed write (the client went
// away), an error from the feed or `render` (mapped with ToGrpcStatus), or server shutdown:
// once the feed is closed (ChangeFeed::Close) the stream finishes after the write in flight
// with UNAVAILABLE, a RetryInfo and ErrorInfo.metadata["resume_cursor"], the cursor after
// everything this client has received (events filtered out for it included). Resuming from it
// (or from the last message's cursor) on a restarted server misses nothing.
//
// A stream holding a StreamLease (Options::lease, services/stream_registry.h) ends at once
// with the registry's status when its caller's streams are ended (a revoked device gets
// UNAUTHENTICATED), and frees its slot when gRPC is done with it.
//
// The reactor is a raw one (ServerWriteReactor<grpc::ByteBuffer>, see stream_call.h): each
// message is serialized when it is written.
//
// Thread safety: reads and rendering run on `workers`; `render` is called from one thread at
// a time per stream.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/worker_pool.h"
#include "grpcpp/support/server_callback.h"
#include "common/status.h"
#include "services/call_gate.h"
#include "services/grpc_status.h"
#include "services/stream_registry.h"
#include "services/unary_call.h"
#include "storage/change_feed.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::services {

template <typename Response>
class LogStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  using Render =
      std::function<absl::Status(const internal::ChangeEvent& event, std::vector<Response>* out)>;
  // Coalescing streams: `render` only collects what changed; after each batch of events
  // `flush` turns it into messages. `last_sequence` is the batch's last event (the cursor to
  // put in the messages).
  using Flush = std::function<absl::Status(uint64_t last_sequence, std::vector<Response>* out)>;

  struct Options {
    Flush flush;  // empty: every message comes from `render`
    // At least this long between the end of one batch of writes and the next read.
    std::chrono::milliseconds min_interval{0};
    // Told when the stream starts and ends (for /metrics); `method` must name a static string.
    CallObserver* observer = nullptr;
    absl::string_view method;
    // The stream's slot in the StreamRegistry; may be null.
    std::shared_ptr<StreamLease> lease;
    // The resume cursor of the shutdown status for a position; empty: storage::EncodeCursor.
    std::function<std::string(uint64_t sequence)> cursor;
  };

  // Events read per batch.
  static constexpr size_t kReadBatch = 256;

  // Starts streaming the events after sequence `after`, preceded by `initial` messages.
  static grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(storage::ChangeFeed* feed, WorkerPool* workers,
                                                   uint64_t after, Render render,
                                                   std::vector<Response> initial = {},
                                                   Options options = {}) {
    if (options.observer != nullptr) options.observer->StreamStarted(options.method);
    std::shared_ptr<StreamLease> lease = options.lease;
    auto* stream = new LogStream(feed, workers, after, std::move(render), std::move(initial),
                                 std::move(options));
    if (lease != nullptr) {
      std::shared_ptr<State> state = stream->state_;
      lease->SetEnd([state](const absl::Status& status) {
        std::lock_guard<std::mutex> lock(state->mu);
        if (state->stream != nullptr) state->stream->EndWith(status);
      });
    }
    stream->SchedulePump();
    return stream;
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (deferred_finish_) return FinishLocked(*std::move(deferred_finish_));
    if (!ok) return FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    ++next_;
    if (feed_->closed()) return FinishLocked(DrainStatusLocked());
    WriteOrPumpLocked();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (watch_ != 0) feed_->Cancel(watch_);
    watch_ = 0;
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    std::shared_ptr<State> state;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (options_.observer != nullptr) {
        options_.observer->StreamEnded(options_.method, finished_ ? finished_code_
                                                                  : grpc::StatusCode::CANCELLED);
      }
      done_ = true;
      if (watch_ != 0) feed_->Cancel(watch_);
      watch_ = 0;
      state = state_;
    }
    // A pump already scheduled on the workers holds `state` and sees it is gone.
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->stream = nullptr;
    }
    delete this;  // frees the stream's lease (its slot) outside every lock of this stream
  }

 private:
  // Shared with scheduled pumps and feed watches, which may outlive the reactor.
  struct State {
    std::mutex mu;
    LogStream* stream;
  };

  LogStream(storage::ChangeFeed* feed, WorkerPool* workers, uint64_t after, Render render,
            std::vector<Response> initial, Options options)
      : feed_(feed),
        workers_(workers),
        after_(after),
        render_(std::move(render)),
        options_(std::move(options)),
        pending_(std::move(initial)),
        resume_before_(pending_.size(), after),
        state_(std::make_shared<State>()) {
    state_->stream = this;
  }

  void SchedulePump(bool after_writes = false) {
    std::shared_ptr<State> state = state_;
    auto pump = [state] {
      std::lock_guard<std::mutex> lock(state->mu);
      if (state->stream != nullptr) state->stream->Pump();
    };
    if (after_writes && options_.min_interval.count() > 0) {
      workers_->ScheduleAfter(options_.min_interval, std::move(pump));
    } else {
      workers_->Schedule(std::move(pump));
    }
  }

  // On a worker: read and render the next batch, or wait for the log to advance.
  void Pump() {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_ || writing_ || deferred_finish_) return;
    if (feed_->closed()) return FinishLocked(DrainStatusLocked());
    if (next_ < pending_.size()) return WriteOrPumpLocked();
    pending_.clear();
    resume_before_.clear();
    next_ = 0;
    absl::StatusOr<std::vector<internal::ChangeEvent>> events = feed_->Read(after_, kReadBatch);
    if (!events.ok()) return FinishLocked(ToGrpcStatus(events.status()));
    const uint64_t batch_before = after_;
    for (const internal::ChangeEvent& event : *events) {
      absl::Status rendered = render_(event, &pending_);
      if (!rendered.ok()) return FinishLocked(ToGrpcStatus(rendered));
      // Undelivered messages of this event: resume just before it.
      resume_before_.resize(pending_.size(), event.sequence() - 1);
      after_ = event.sequence();
    }
    if (options_.flush && !events->empty()) {
      absl::Status flushed = options_.flush(after_, &pending_);
      if (!flushed.ok()) return FinishLocked(ToGrpcStatus(flushed));
      resume_before_.resize(pending_.size(), batch_before);
    }
    if (!pending_.empty()) return WriteOrPumpLocked();
    if (!events->empty()) return SchedulePump();  // all filtered out: read on
    std::shared_ptr<State> state = state_;
    WorkerPool* workers = workers_;
    watch_ = feed_->Watch(after_, [state, workers] {
      workers->Schedule([state] {
        std::lock_guard<std::mutex> lock(state->mu);
        if (state->stream != nullptr) state->stream->OnLogAdvanced();
      });
    });
  }

  // Ends the stream now with `status` (its caller's streams were ended).
  void EndWith(const absl::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (watch_ != 0) feed_->Cancel(watch_);
    watch_ = 0;
    FinishLocked(ToGrpcStatus(status));
  }

  void OnLogAdvanced() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      watch_ = 0;
    }
    Pump();
  }

  // UNAVAILABLE with the cursor after everything written so far.
  grpc::Status DrainStatusLocked() const {
    const uint64_t delivered = next_ < pending_.size() ? resume_before_[next_] : after_;
    return ToGrpcStatus(WithRetryDelay(
        WithResumeCursor(absl::UnavailableError(
                             "server is shutting down; resume from the resume_cursor in the "
                             "error details or the last message's cursor"),
                         options_.cursor ? options_.cursor(delivered)
                                         : storage::EncodeCursor(delivered)),
        absl::Seconds(1)));
  }

  void WriteOrPumpLocked() {
    if (finished_) return;
    if (next_ < pending_.size()) {
      writing_ = true;
      wire_ = SerializeToByteBuffer(pending_[next_]);
      this->StartWrite(&wire_);
      return;
    }
    SchedulePump(/*after_writes=*/true);
  }

  // Finishes now, or after the write in flight completes (Finish must not overlap a write).
  void FinishLocked(grpc::Status status) {
    if (finished_ || done_) return;
    if (writing_) {
      if (!deferred_finish_) deferred_finish_ = std::move(status);
      return;
    }
    finished_ = true;
    finished_code_ = status.error_code();
    this->Finish(status);
  }

  storage::ChangeFeed* const feed_;
  WorkerPool* const workers_;
  std::mutex mu_;
  uint64_t after_;
  Render render_;
  const Options options_;
  std::vector<Response> pending_;
  grpc::ByteBuffer wire_;  // the message being written
  // Per pending message: the cursor to resume from if it is not delivered.
  std::vector<uint64_t> resume_before_;
  size_t next_ = 0;
  bool writing_ = false;
  bool finished_ = false;
  int finished_code_ = 0;
  bool done_ = false;
  std::optional<grpc::Status> deferred_finish_;
  storage::ChangeFeed::WatchId watch_ = 0;
  std::shared_ptr<State> state_;
};

}  // namespace wijkwacht::services
