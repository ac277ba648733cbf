// wijkwacht.v1.SyncService over the gRPC callback API: the residents' and shopkeepers'
// offline-first app (device tokens only; see access_policy.h).
//
// Push (1-100 reports; more or none: INVALID_ARGUMENT on "reports"). Every item goes through
// exactly SubmitReport's validation and classification (PrepareReport) and ReportStore, so
// each is idempotent on its report id. One result per item, in request order: STORED (new),
// REPLAYED (already stored with the same content; nothing written), or REJECTED with
// error_code (the google.rpc.Code number), error_message and error_field, a path into the
// request ("reports[3].location.latitude"; "reports[3].id" when the caller used the id for
// other content). A bad item never fails the batch; the call fails only when the batch itself
// is unusable. Rate limit: every report is a write: the call gate takes one token and the
// batch the rest (n - 1, at most a bucket's burst) from the device's and the address's
// buckets; short of them the whole batch gets RESOURCE_EXHAUSTED with a retry delay.
//
// Pull(cursor, page_size) and Subscribe(cursor): the calling device's feed, a filtered cursor
// over the change log (storage/change_feed.h). It holds:
//   - report_status: RECEIVED when one of the device's own reports was stored;
//   - alert: only for a device whose role may call AlertService.SubscribeAlerts (a verified
//     shopkeeper; a resident's feed never carries alerts): an alert (published, resolved or
//     retracted; the message carries its state and outcome) whose location lies in a buurt
//     the device follows. Rule: a device follows the
//     buurt of every report it has sent, from the change that stored that report on; so the
//     answer for a given change never depends on when the device asks. Alerts whose
//     expire_time has passed when the feed is read are not delivered.
//   - poll: a flitspeiling (PollService.CreatePoll), in every device's feed;
//   - report_status / feedback: dispatch changed the incident of one of its reports
//     (ChangeEvent.incident_changed: the new visible status, and SendFeedback's message);
//     a purged report (PurgeIncident) shows CLOSED and storage::kPurgedFeedback.
//     Several own reports in one incident change give several messages; each but the last
//     carries a within-event cursor, so a Subscribe client cut off between them resumes with
//     the rest of that change (Pull pages always end on a change boundary).
// Cursors are opaque: pass a change's cursor back to continue after it. An empty cursor starts
// at the oldest retained change. They are sealed (Parts::cursors, services/public_cursor.h):
// a free device must not read the change log's position from them (it would time-stamp every
// write anywhere), so two cursors of one position differ and a cursor not issued here is
// refused the same way wherever it would point. Errors: INVALID_ARGUMENT on "cursor" for a
// cursor this server did not produce or that lies beyond the newest change,
// FAILED_PRECONDITION for a cursor older than the retained log (resync), INVALID_ARGUMENT on
// "page_size" when negative (0 = 50, at most 500). Pull examines at most 10000 log entries per
// call, so a page may come back short; its next_cursor then lies after the last examined
// entry (possibly after the last returned change), so the next Pull goes on from there.
//
// AmendReport(name, photo_ref, note): only on the caller's own report (any other id:
// NOT_FOUND, whether or not it exists). photo_ref: "photos/{uuid}" (the app's upload
// reference; RFC 4122 text form). note: 1-2000 bytes of UTF-8 without control characters
// other than tab, newline and carriage return. At least one of the two is required. The
// amendment is stored with the report (internal::StoredReport.amendments, not on the public
// Report), report.update_time moves, and a report_amended change event is appended. Status
// can never be changed by a client. Repeating the newest amendment changes nothing. A report
// carries at most `max_amendments_per_report` amendments (FAILED_PRECONDITION beyond, for
// its own reporter only).
//
// ExportMyData: everything stored about the calling device as JSON: its device record (the
// refresh-token hash left out), its reports with their amendments, and its alert
// acknowledgements. Alerts the device published are not included yet.
//
// Thread safety: one instance serves all calls concurrently; the parts must be thread-safe and
// outlive the service.
#pragma once

#include "common/worker_pool.h"
#include "domain/report/ingest.h"
#include "services/desk_policy.h"
#include "storage/reporter_dialog_store.h"
#include "services/method_table.h"
#include "services/public_cursor.h"
#include "services/stream_call.h"
#include "services/unary_call.h"
#include "storage/alert_store.h"
#include "storage/change_feed.h"
#include "storage/identity_store.h"
#include "storage/report_store.h"
#include "storage/sealed_identity_store.h"
#include "storage/sync_store.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::services {

class SyncServiceImpl final {
 public:
  struct Parts {
    const report::ReportIngest* ingest = nullptr;
    storage::ReportStore* reports = nullptr;
    storage::SyncStore* sync = nullptr;
    const storage::AlertStore* alerts = nullptr;
    const storage::IdentityStore* identities = nullptr;  // null when authentication is off
    storage::ChangeFeed* feed = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
    const Clock* clock = nullptr;
    // ExportMyData opens the caller's own sealed identity and contact details; may be null.
    const storage::SealedIdentityStore* sealed = nullptr;
    // AmendReport: amendments one report may carry (0 = no cap); set by the server from
    // ServerOptions.
    int max_amendments_per_report = 0;
    // Push: routing and deadline of an incident a report opens (services/desk_policy.h);
    // null: none.
    const DeskPolicy* desk = nullptr;
    // AnswerQuestion and RateHandling; null: they answer FAILED_PRECONDITION.
    storage::ReporterDialogStore* dialog = nullptr;
    // Seals the feed cursors of Pull and Subscribe (services/public_cursor.h), so that they
    // do not tell a device the change log's position; null: plain cursors.
    const PublicCursors* cursors = nullptr;
  };
  static constexpr int kMaxPushReports = 100;
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 500;
  static constexpr size_t kMaxScannedPerPull = 10000;

  explicit SyncServiceImpl(Parts parts) : parts_(parts) {}

  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* raw_request);

  // The typed handlers.
  void DoPush(const Caller& caller, const v1::PushRequest& request, v1::PushResponse* response,
              UnaryDone done);
  void DoPull(const Caller& caller, const v1::PullRequest& request, v1::PullResponse* response,
              UnaryDone done);
  void DoAmend(const Caller& caller, const v1::AmendReportRequest& request, v1::Report* response,
               UnaryDone done);
  void DoAnswer(const Caller& caller, const v1::AnswerQuestionRequest& request,
                v1::AnswerQuestionResponse* response, UnaryDone done);
  void DoRate(const Caller& caller, const v1::RateHandlingRequest& request,
              v1::RateHandlingResponse* response, UnaryDone done);
  void DoExport(const Caller& caller, const v1::ExportMyDataRequest& request,
                v1::ExportMyDataResponse* response, UnaryDone done);

 private:
  Parts parts_;
};

}  // namespace wijkwacht::services
