#include "services/sync_service.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/text.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/access_policy.h"
#include "services/grpc_status.h"
#include "services/log_stream.h"
#include "services/report_mapping.h"
#include "services/report_service.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxNoteBytes = 2000;
// Reports read per device for the follow set and the export.
constexpr size_t kMaxReportsPerDevice = 100000;

// buurt code -> sequence of the change that stored the device's first report there.
using FollowSet = absl::flat_hash_map<std::string, uint64_t>;
// Stored id of each of the device's reports -> the id the device sent (the same unless the
// report is stored under an alias; storage/report_store.h).
using OwnReports = absl::flat_hash_map<std::string, std::string>;

bool IsBuurt(absl::string_view code) { return absl::StartsWith(code, "BU"); }

// A feed cursor: after event `sequence`, or (delivered > 0) after the first `delivered`
// messages of event `sequence` + 1. Sealed with `cursors` when given (a failure to seal gives
// "": the client then starts over, never learns the position).
std::string FeedCursor(const PublicCursors* cursors, uint64_t sequence, uint32_t delivered) {
  if (cursors != nullptr) return cursors->Seal(sequence, delivered).value_or(std::string());
  return delivered > 0 ? storage::EncodeCursorWithin(sequence + 1, delivered)
                       : storage::EncodeCursor(sequence);
}

// What one device's feed shows; not thread-safe (one per stream / Pull).
class DeviceFeed {
 public:
  DeviceFeed(std::string subject, FollowSet follows, OwnReports own, const Clock* clock,
             bool alerts, const PublicCursors* cursors)
      : subject_(std::move(subject)),
        follows_(std::move(follows)),
        own_(std::move(own)),
        clock_(clock),
        alerts_(alerts),
        cursors_(cursors) {}

  // The cursor after `sequence` (after the first `delivered` messages of event `sequence` + 1
  // when `delivered` > 0): sealed when the service seals them (public_cursor.h).
  std::string CursorAt(uint64_t sequence, uint32_t delivered = 0) const {
    return FeedCursor(cursors_, sequence, delivered);
  }

  // Appends the change `event` means for this device to `out` (or nothing).
  void Render(const internal::ChangeEvent& event, std::vector<v1::FeedChange>* out) {
    switch (event.event_case()) {
      case internal::ChangeEvent::kReportCreated: {
        const internal::ReportCreated& created = event.report_created();
        if (created.reporter().empty() || created.reporter() != subject_) return;
        own_.try_emplace(created.report_id(), created.client_id().empty() ? created.report_id()
                                                                          : created.client_id());
        for (const std::string& code : created.area_codes()) {
          if (IsBuurt(code)) follows_.try_emplace(code, event.sequence());
        }
        v1::FeedChange& change = Add(event, out);
        change.mutable_report_status()->set_report(Shown(created.report_id()));
        change.mutable_report_status()->set_status(v1::RECEIVED);
        return;
      }
      case internal::ChangeEvent::kIncidentChanged:
        return RenderIncident(event, event.incident_changed(), out);
      case internal::ChangeEvent::kAlertPublished:
        return RenderAlert(event, event.alert_published(), out);
      case internal::ChangeEvent::kAlertResolved:
        return RenderAlert(event, event.alert_resolved(), out);
      case internal::ChangeEvent::kAlertRetracted:
        return RenderAlert(event, event.alert_retracted(), out);
      case internal::ChangeEvent::kQuestionAsked:
        // A question from the desk: to each device asked, once.
        for (const internal::QuestionRecipient& r : event.question_asked().recipients()) {
          if (r.reporter() != subject_) continue;
          v1::ReporterQuestion& question = *Add(event, out).mutable_question();
          question.set_name(event.question_asked().question());
          question.set_report(Shown(r.report_id()));
          question.set_text(event.question_asked().text());
          *question.mutable_ask_time() = event.time();
        }
        return;
      case internal::ChangeEvent::kPollPublished:
        // A flitspeiling goes to every device.
        *Add(event, out).mutable_poll() = event.poll_published();
        return;
      default:
        // report_amended: the device made it itself.
        return;
    }
  }

 private:
  // "reports/{id}" as the device knows its report (the id it sent; see ReporterView).
  std::string Shown(const std::string& id) const {
    auto it = own_.find(id);
    return absl::StrCat("reports/", it == own_.end() ? id : it->second);
  }

  v1::FeedChange& Add(const internal::ChangeEvent& event, std::vector<v1::FeedChange>* out) {
    v1::FeedChange& change = out->emplace_back();
    change.set_cursor(CursorAt(event.sequence()));
    *change.mutable_change_time() = event.time();
    return change;
  }

  // Dispatch changed an incident: a status change and/or feedback for each own report in it.
  // Several own reports in one event give several changes (RenderWithCursors gives each its
  // own resume point).
  void RenderIncident(const internal::ChangeEvent& event, const internal::IncidentChanged& changed,
                      std::vector<v1::FeedChange>* out) {
    // A purge names the one report's reporter: the report is no longer among the own ones.
    const bool purged_own = changed.action() == "PurgeIncident" &&
                            changed.reporters_size() == 1 && changed.reporters(0) == subject_;
    for (const std::string& id : changed.report_ids()) {
      if (!own_.contains(id) && !purged_own) continue;
      const std::string report = Shown(id);
      if (changed.report_status() != 0 && v1::ReportStatus_IsValid(changed.report_status())) {
        v1::ReportStatusChange& status = *Add(event, out).mutable_report_status();
        status.set_report(report);
        status.set_status(static_cast<v1::ReportStatus>(changed.report_status()));
      }
      if (!changed.feedback_message().empty()) {
        v1::Feedback& feedback = *Add(event, out).mutable_feedback();
        feedback.set_report(report);
        // An incident is named after its first report: an own alias is shown as sent, and
        // an incident another reporter opened by this report's own id (as ReporterView).
        feedback.set_incident(changed.incident());
        absl::string_view first = changed.incident();
        if (absl::ConsumePrefix(&first, "incidents/")) {
          if (auto it = own_.find(first); it == own_.end()) {
            feedback.set_incident(absl::StrCat("incidents/", absl::StripPrefix(report, "reports/")));
          } else if (it->second != it->first) {
            feedback.set_incident(absl::StrCat("incidents/", it->second));
          }
        }
        feedback.set_message(changed.feedback_message());
      }
    }
  }

  void RenderAlert(const internal::ChangeEvent& event, const internal::AlertChanged& changed,
                   std::vector<v1::FeedChange>* out) {
    if (!alerts_) return;  // the role may not receive alerts (see MayReceiveAlerts)
    bool followed = false;
    for (const std::string& code : changed.area_codes()) {
      auto it = follows_.find(code);
      if (it != follows_.end() && it->second < event.sequence()) followed = true;
    }
    if (!followed) return;
    v1::Alert alert = storage::EffectiveAlert(changed.alert(), clock_->Now());
    if (alert.state() == v1::EXPIRED) return;
    *Add(event, out).mutable_alert() = std::move(alert);
  }

  const std::string subject_;
  FollowSet follows_;
  OwnReports own_;
  const Clock* const clock_;
  const bool alerts_;
  const PublicCursors* const cursors_;
};

// Alerts (a shopkeeper's description and exact location) go only to the roles the access
// table lets call AlertService.SubscribeAlerts; a resident's feed never carries them.
bool MayReceiveAlerts(const Caller& caller) {
  if (caller.trusted) return true;
  const RpcAccess* subscribe = FindRpcAccess("/wijkwacht.v1.AlertService/SubscribeAlerts");
  return subscribe != nullptr && caller.authenticated &&
         (subscribe->roles & RoleBit(caller.role)) != 0;
}

// The feed of `subject`, knowing its reports stored so far (later ones arrive as events).
absl::StatusOr<std::unique_ptr<DeviceFeed>> LoadFeed(const storage::SyncStore& sync,
                                                     const Caller& caller,
                                                     const Clock* clock,
                                                     const PublicCursors* cursors) {
  const std::string& subject = caller.reporter;
  WW_ASSIGN_OR_RETURN(std::vector<internal::StoredReport> reports,
                      sync.ReportsOf(subject, kMaxReportsPerDevice));
  FollowSet follows;
  OwnReports own;
  for (const internal::StoredReport& r : reports) {
    own.try_emplace(r.report().id(), r.client_id().empty() ? r.report().id() : r.client_id());
    const std::string& buurt = r.report().area().buurt_code();
    if (buurt.empty()) continue;
    auto [it, inserted] = follows.try_emplace(buurt, r.create_sequence());
    if (!inserted) it->second = std::min(it->second, r.create_sequence());
  }
  return std::make_unique<DeviceFeed>(subject, std::move(follows), std::move(own), clock,
                                      MayReceiveAlerts(caller), cursors);
}

absl::Status NeedsDevice(const Caller& caller) {
  if (caller.DeviceId().empty()) {
    return absl::FailedPreconditionError(
        "this RPC works on the calling device's data and needs a device token");
  }
  return absl::OkStatus();
}

// The start of a feed cursor (field `field`); empty = the oldest retained change.
absl::StatusOr<storage::StreamPosition> FeedStart(const storage::ChangeFeed& feed,
                                                  const PublicCursors* cursors,
                                                  absl::string_view cursor,
                                                  absl::string_view field) {
  if (cursor.empty()) return storage::StreamPosition{feed.FirstRetainedSequence(), 0};
  WW_ASSIGN_OR_RETURN(storage::StreamPosition start,
                      cursors != nullptr ? cursors->Open(cursor, field)
                                         : storage::DecodeStreamCursor(cursor, field));
  if (start.after + (start.delivered > 0 ? 1 : 0) > feed.LastSequence()) {
    return InvalidFieldError(field, "lies beyond the newest change");
  }
  return start;
}

// Renders `event` for the device and gives each message the cursor to resume right after it:
// the event's cursor for the last one, a within-event cursor for the others (so a client cut
// off between them gets the rest); then drops the first `delivered` (already sent).
void RenderWithCursors(DeviceFeed& feed, const internal::ChangeEvent& event, uint32_t delivered,
                       std::vector<v1::FeedChange>* out) {
  const size_t first = out->size();
  feed.Render(event, out);
  const size_t n = out->size() - first;
  for (size_t j = 0; j + 1 < n; ++j) {
    (*out)[first + j].set_cursor(
        feed.CursorAt(event.sequence() - 1, static_cast<uint32_t>(j + 1)));
  }
  const size_t drop = std::min<size_t>(delivered, n);
  out->erase(out->begin() + static_cast<std::ptrdiff_t>(first),
             out->begin() + static_cast<std::ptrdiff_t>(first + drop));
}

absl::Status ValidateAmendment(const v1::AmendReportRequest& request) {
  std::vector<FieldViolation> v;
  if (request.photo_ref().empty() && request.note().empty()) {
    v.push_back({"note", "photo_ref or note is required"});
  }
  if (!request.photo_ref().empty()) {
    constexpr absl::string_view kPrefix = "photos/";
    if (!absl::StartsWith(request.photo_ref(), kPrefix) ||
        !report::IsUuid(absl::string_view(request.photo_ref()).substr(kPrefix.size()))) {
      v.push_back({"photo_ref", "must be \"photos/{uuid}\", the reference of an uploaded photo"});
    }
  }
  if (!request.note().empty()) {
    if (request.note().size() > kMaxNoteBytes) {
      v.push_back({"note", absl::StrCat("must be at most ", kMaxNoteBytes, " bytes")});
    } else if (std::string problem = TextProblem(request.note(), false); !problem.empty()) {
      v.push_back({"note", problem});
    }
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> ToJson(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  auto status = google::protobuf::util::MessageToJsonString(message, &text, options);
  if (!status.ok()) return absl::InternalError(status.ToString());
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return absl::InternalError("protobuf JSON does not parse");
  return json;
}

}  // namespace

void SyncServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.SyncService/Push", this, &SyncServiceImpl::DoPush);
  table->Unary("/wijkwacht.v1.SyncService/Pull", this, &SyncServiceImpl::DoPull);
  table->Unary("/wijkwacht.v1.SyncService/AmendReport", this, &SyncServiceImpl::DoAmend);
  table->Unary("/wijkwacht.v1.SyncService/ExportMyData", this, &SyncServiceImpl::DoExport);
  table->Unary("/wijkwacht.v1.SyncService/AnswerQuestion", this, &SyncServiceImpl::DoAnswer);
  table->Unary("/wijkwacht.v1.SyncService/RateHandling", this, &SyncServiceImpl::DoRate);
  table->Stream<v1::SubscribeRequest, v1::FeedChange>(
      "/wijkwacht.v1.SyncService/Subscribe",
      [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
        return Subscribe(context, request);
      });
}

void SyncServiceImpl::DoPush(const Caller& caller, const v1::PushRequest& request,
                             v1::PushResponse* response, UnaryDone done) {
  const int n = request.reports_size();
  if (n == 0) return done(InvalidFieldError("reports", "is required: 1-100 reports"));
  if (n > kMaxPushReports) {
    return done(InvalidFieldError(
        "reports", absl::StrCat("holds ", n, " reports; at most ", kMaxPushReports, " per Push")));
  }
  // Every report is a write: the gate took one token, the batch pays for the rest (up to a
  // bucket's burst) before anything is classified.
  if (absl::Status charged = parts_.gate->ChargeWrites(caller, n - 1); !charged.ok()) {
    return done(charged);
  }
  // Under overload the whole batch is refused before any of it is classified; the client
  // retries it later (every item is idempotent by id).
  if (absl::Status admitted = parts_.reports->CheckAdmission(); !admitted.ok()) {
    return done(admitted);
  }
  for (int i = 0; i < n; ++i) response->add_results()->set_id(request.reports(i).id());

  // Finishes the call when the last item has its result.
  struct Pending {
    std::mutex mu;
    int remaining;
    UnaryDone done;
  };
  auto pending = std::make_shared<Pending>();
  pending->remaining = n;
  pending->done = std::move(done);
  auto finish_one = [pending] {
    UnaryDone to_call;
    {
      std::lock_guard<std::mutex> lock(pending->mu);
      if (--pending->remaining > 0) return;
      to_call = std::move(pending->done);
    }
    to_call(absl::OkStatus());
  };
  // Results are written by their own item only; `response` outlives `done`.
  auto reject = [response](int i, absl::Status status) {
    const std::string prefix = absl::StrCat("reports[", i, "]");
    v1::PushResult& result = *response->mutable_results(i);
    result.set_outcome(v1::PushResult::REJECTED);
    status = PrefixFieldPaths(status, prefix);
    result.set_error_code(static_cast<int32_t>(status.code()));
    result.set_error_message(std::string(status.message()));
    std::vector<FieldViolation> violations = GetFieldViolations(status);
    if (!violations.empty()) {
      result.set_error_field(violations.front().field);
    } else if (absl::IsAlreadyExists(status)) {
      result.set_error_field(absl::StrCat(prefix, ".id"));
    }
  };
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<storage::NewReport> prepared =
        PrepareReport(*parts_.ingest, caller, request.reports(i));
    if (!prepared.ok()) {
      reject(i, prepared.status());
      finish_one();
      continue;
    }
    if (parts_.desk != nullptr) parts_.desk->Decide(*prepared);
    parts_.reports->SubmitAsync(
        *std::move(prepared),
        [response, i, reject, finish_one](absl::StatusOr<storage::SubmitOutcome> outcome) {
          if (!outcome.ok()) {
            reject(i, outcome.status());
          } else {
            v1::PushResult& result = *response->mutable_results(i);
            result.set_outcome(outcome->replayed ? v1::PushResult::REPLAYED
                                                 : v1::PushResult::STORED);
            *result.mutable_report() = std::move(outcome->report);
          }
          finish_one();
        });
  }
}

void SyncServiceImpl::DoPull(const Caller& caller, const v1::PullRequest& request,
                             v1::PullResponse* response, UnaryDone done) {
  if (absl::Status s = NeedsDevice(caller); !s.ok()) return done(s);
  if (request.page_size() < 0) return done(InvalidFieldError("page_size", "must not be negative"));
  const size_t page_size = request.page_size() == 0
                               ? kDefaultPageSize
                               : std::min(request.page_size(), kMaxPageSize);
  absl::StatusOr<storage::StreamPosition> start =
      FeedStart(*parts_.feed, parts_.cursors, request.cursor(), "cursor");
  if (!start.ok()) return done(start.status());
  parts_.workers->Schedule([this, caller, response, page_size, after = start->after,
                            delivered = start->delivered, cursor = request.cursor(),
                            done = std::move(done)]() mutable {
    const uint64_t partial = delivered > 0 ? after + 1 : 0;  // the event partly delivered
    absl::StatusOr<std::unique_ptr<DeviceFeed>> feed =
        LoadFeed(*parts_.sync, caller, parts_.clock, parts_.cursors);
    if (!feed.ok()) return done(feed.status());
    std::vector<v1::FeedChange> changes;
    size_t scanned = 0;
    bool examined = false;
    uint64_t last_rendered = 0;  // the event the last change came from
    while (changes.size() < page_size && scanned < kMaxScannedPerPull) {
      absl::StatusOr<std::vector<internal::ChangeEvent>> events =
          parts_.feed->Read(after, std::min<size_t>(256, kMaxScannedPerPull - scanned));
      if (!events.ok()) return done(events.status());
      if (events->empty()) break;
      for (const internal::ChangeEvent& event : *events) {
        const size_t before = changes.size();
        RenderWithCursors(**feed, event, event.sequence() == partial ? delivered : 0, &changes);
        if (changes.size() > before) last_rendered = event.sequence();
        after = event.sequence();
        examined = true;
        ++scanned;
        if (changes.size() >= page_size) break;
      }
    }
    // The last change's own cursor when the page ends with it (sealed cursors of one
    // position differ, and the next_cursor is documented to equal it).
    if (!changes.empty() && last_rendered == after) {
      response->set_next_cursor(changes.back().cursor());
    } else {
      response->set_next_cursor(examined || cursor.empty() ? (*feed)->CursorAt(after) : cursor);
    }
    for (v1::FeedChange& c : changes) *response->add_changes() = std::move(c);
    done(absl::OkStatus());
  });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* SyncServiceImpl::Subscribe(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request) {
  const auto refuse = RefuseStream;
  v1::SubscribeRequest request_message;
  const v1::SubscribeRequest* request = &request_message;
  std::shared_ptr<StreamLease> lease;
  absl::StatusOr<Caller> caller = AdmitStream(*parts_.gate, "/wijkwacht.v1.SyncService/Subscribe",
                                              *context, *raw_request, &request_message, &lease);
  if (!caller.ok()) return refuse(caller.status());
  if (absl::Status s = NeedsDevice(*caller); !s.ok()) return refuse(s);
  absl::StatusOr<storage::StreamPosition> start =
      FeedStart(*parts_.feed, parts_.cursors, request->cursor(), "cursor");
  if (!start.ok()) return refuse(start.status());
  // Read before the stream starts: every report stored later arrives as an event.
  absl::StatusOr<std::unique_ptr<DeviceFeed>> loaded =
      LoadFeed(*parts_.sync, *caller, parts_.clock, parts_.cursors);
  if (!loaded.ok()) return refuse(loaded.status());
  std::shared_ptr<DeviceFeed> feed = *std::move(loaded);
  const uint64_t partial = start->delivered > 0 ? start->after + 1 : 0;
  const uint32_t delivered = start->delivered;
  LogStream<v1::FeedChange>::Options options;
  options.lease = std::move(lease);
  options.observer = parts_.gate->observer();
  options.method = "/wijkwacht.v1.SyncService/Subscribe";
  options.cursor = [cursors = parts_.cursors](uint64_t sequence) {
    return FeedCursor(cursors, sequence, 0);
  };
  return LogStream<v1::FeedChange>::Start(
      parts_.feed, parts_.workers, start->after,
      [feed, partial, delivered](const internal::ChangeEvent& event,
                                 std::vector<v1::FeedChange>* out) {
        RenderWithCursors(*feed, event, event.sequence() == partial ? delivered : 0, out);
        return absl::OkStatus();
      },
      {}, std::move(options));
}

void SyncServiceImpl::DoAnswer(const Caller& caller, const v1::AnswerQuestionRequest& request,
                               v1::AnswerQuestionResponse* response, UnaryDone done) {
  if (absl::Status s = NeedsDevice(caller); !s.ok()) return done(s);
  std::vector<FieldViolation> v;
  absl::string_view number_text = request.question();
  uint64_t number = 0;
  if (!absl::ConsumePrefix(&number_text, "questions/") || !absl::SimpleAtoi(number_text, &number) ||
      number == 0 || absl::StrCat(number) != number_text) {
    v.push_back({"question", "must be \"questions/{n}\" from FeedChange.question"});
  }
  if (absl::StripAsciiWhitespace(request.answer()).empty() ||
      request.answer().size() > kMaxNoteBytes) {
    v.push_back({"answer", absl::StrCat("must be 1 to ", kMaxNoteBytes, " bytes")});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  if (parts_.dialog == nullptr) {
    return done(absl::FailedPreconditionError("questions are not kept on this server"));
  }
  parts_.workers->Schedule([this, number, reporter = caller.reporter, answer = request.answer(),
                            response, done = std::move(done)] {
    absl::StatusOr<storage::AnswerOutcome> outcome =
        parts_.dialog->Answer(number, reporter, answer);
    if (!outcome.ok()) return done(outcome.status());
    response->set_question(absl::StrCat("questions/", number));
    response->set_answer(outcome->answer);
    *response->mutable_answer_time() =
        TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(outcome->answer_time));
    done(absl::OkStatus());
  });
}

void SyncServiceImpl::DoRate(const Caller& caller, const v1::RateHandlingRequest& request,
                             v1::RateHandlingResponse* response, UnaryDone done) {
  if (absl::Status s = NeedsDevice(caller); !s.ok()) return done(s);
  std::vector<FieldViolation> v;
  absl::StatusOr<std::string> id = ParseReportName(request.report(), "report");
  if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
  if (request.reason().size() > kMaxNoteBytes) {
    v.push_back({"reason", absl::StrCat("must be at most ", kMaxNoteBytes, " bytes")});
  } else if (!request.satisfied() && absl::StripAsciiWhitespace(request.reason()).empty()) {
    v.push_back({"reason", "is required when not satisfied: say what is still wrong"});
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  if (parts_.dialog == nullptr) {
    return done(absl::FailedPreconditionError("ratings are not kept on this server"));
  }
  parts_.workers->Schedule([this, id = *id, reporter = caller.reporter,
                            satisfied = request.satisfied(), reason = request.reason(), response,
                            done = std::move(done)] {
    absl::StatusOr<std::string> own = storage::ResolveOwnReportId(*parts_.reports, id, reporter);
    if (!own.ok()) return done(own.status());
    absl::StatusOr<storage::RateOutcome> outcome =
        parts_.dialog->Rate(*own, reporter, satisfied, reason);
    if (!outcome.ok()) return done(InOwnTerms(outcome.status(), *own, id));
    response->set_report(absl::StrCat("reports/", id));
    response->set_satisfied(outcome->rating.satisfied());
    response->set_reopen_requested(!outcome->rating.satisfied());
    *response->mutable_rate_time() = outcome->rating.rate_time();
    done(absl::OkStatus());
  });
}

void SyncServiceImpl::DoAmend(const Caller& caller, const v1::AmendReportRequest& request,
                              v1::Report* response, UnaryDone done) {
  if (absl::Status s = NeedsDevice(caller); !s.ok()) return done(s);
  absl::StatusOr<std::string> id = ParseReportName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  if (absl::Status s = ValidateAmendment(request); !s.ok()) return done(s);
  id = storage::ResolveOwnReportId(*parts_.reports, *id, caller.reporter);
  if (!id.ok()) return done(id.status());
  // Each amendment rewrites the whole record: a report takes at most so many. Told only to
  // its own reporter (any other caller gets AmendAsync's NOT_FOUND, as for a missing id).
  if (parts_.max_amendments_per_report > 0) {
    absl::StatusOr<internal::StoredReport> stored = parts_.reports->GetStored(*id);
    if (stored.ok() && stored->reporter() == caller.reporter &&
        stored->amendments_size() >= parts_.max_amendments_per_report) {
      const internal::ReportAmendment& newest =
          stored->amendments(stored->amendments_size() - 1);
      if (newest.photo_ref() != request.photo_ref() || newest.note() != request.note()) {
        return done(absl::FailedPreconditionError(absl::StrCat(
            "name: ", request.name(), " already carries ", stored->amendments_size(),
            " amendments, the most one report may have; send a new report")));
      }
    }
  }
  parts_.sync->AmendAsync(*std::move(id), caller.reporter, request.photo_ref(), request.note(),
                          [response, done = std::move(done)](
                              absl::StatusOr<internal::StoredReport> stored) {
                            if (stored.ok()) *response = storage::ReporterView(*stored);
                            done(stored.status());
                          });
}

// What is sealed about the caller (storage/sealed_identity_store.h), opened for them.
nlohmann::json SealedIdentityJson(const storage::RevealedIdentity& sealed,
                                  const OwnReports& own) {
  nlohmann::json out;
  out["erased"] = sealed.erased;
  if (sealed.erased) return out;
  out["device_id"] = sealed.device_id;
  out["registered"] = absl::FormatTime(absl::RFC3339_full, sealed.registered, absl::UTCTimeZone());
  out["contacts"] = nlohmann::json::array();
  for (const storage::RevealedIdentity::Contact& contact : sealed.contacts) {
    auto shown = own.find(contact.report_id);
    out["contacts"].push_back({{"report", absl::StrCat("reports/", shown == own.end()
                                                                       ? contact.report_id
                                                                       : shown->second)},
                               {"time", absl::FormatTime(absl::RFC3339_full, contact.time,
                                                         absl::UTCTimeZone())},
                               {"name", contact.details.name()},
                               {"email", contact.details.email()},
                               {"phone", contact.details.phone()},
                               {"may_contact", contact.details.may_contact()}});
  }
  if (sealed.business) {
    out["business"] = {
        {"kvk_number", sealed.business->kvk_number()},
        {"business_name", sealed.business->business_name()},
        {"verify_time", TimeUtil::ToString(sealed.business->verify_time())}};
  }
  return out;
}

void SyncServiceImpl::DoExport(const Caller& caller, const v1::ExportMyDataRequest& request,
                               v1::ExportMyDataResponse* response, UnaryDone done) {
  if (absl::Status s = NeedsDevice(caller); !s.ok()) return done(s);
  parts_.workers->Schedule([this, caller, response, done = std::move(done)] {
    nlohmann::json out;
    out["subject"] = caller.subject;
    out["export_time"] = TimeUtil::ToString(
        TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(parts_.clock->Now())));
    if (parts_.identities != nullptr) {
      absl::StatusOr<internal::DeviceRecord> device =
          parts_.identities->GetDevice(caller.DeviceId());
      if (!device.ok()) return done(device.status());
      device->clear_refresh_secret_hash();  // secrets, never exported
      device->clear_previous_refresh_secret_hash();
      device->set_device_id(caller.DeviceId());  // stored sealed, not in the record
      absl::StatusOr<nlohmann::json> json = ToJson(*device);
      if (!json.ok()) return done(json.status());
      out["device"] = *std::move(json);
    }
    absl::StatusOr<std::vector<internal::StoredReport>> reports =
        parts_.sync->ReportsOf(caller.reporter, kMaxReportsPerDevice);
    if (!reports.ok()) return done(reports.status());
    OwnReports own;
    out["reports"] = nlohmann::json::array();
    for (internal::StoredReport& r : *reports) {
      // As the device knows them (ReporterView); the rest is internal bookkeeping, not data
      // about the device.
      own.try_emplace(r.report().id(), r.client_id().empty() ? r.report().id() : r.client_id());
      *r.mutable_report() = storage::ReporterView(r);
      r.clear_client_id();
      r.clear_content_fingerprint();
      absl::StatusOr<nlohmann::json> json = ToJson(r);
      if (!json.ok()) return done(json.status());
      out["reports"].push_back(*std::move(json));
    }
    if (parts_.sealed != nullptr && storage::IsPseudonym(caller.reporter)) {
      absl::StatusOr<storage::RevealedIdentity> sealed = parts_.sealed->Reveal(caller.reporter);
      if (!sealed.ok()) return done(sealed.status());
      out["sealed_identity"] = SealedIdentityJson(*sealed, own);
    }
    absl::StatusOr<std::vector<std::pair<std::string, internal::AlertAck>>> acks =
        parts_.alerts->AcksOf(caller.reporter);
    if (!acks.ok()) return done(acks.status());
    out["alert_acks"] = nlohmann::json::array();
    for (const auto& [alert_id, ack] : *acks) {
      absl::StatusOr<nlohmann::json> json = ToJson(ack);
      if (!json.ok()) return done(json.status());
      (*json)["alert"] = absl::StrCat("alerts/", alert_id);
      out["alert_acks"].push_back(*std::move(json));
    }
    response->set_json(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    done(absl::OkStatus());
  });
}

}  // namespace wijkwacht::services
