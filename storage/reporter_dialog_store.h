// ReporterDialogStore: the desk talking with reporters about an incident — questions
// (DispatchService.AskReporter), their answers (SyncService.AnswerQuestion) and the
// reporters' ratings of how it was handled (SyncService.RateHandling). Sole writer of the
// `reporter_dialog` column family.
//
// Each call is one engine commit that also appends the change event the feeds and the queue
// stream (a QuestionAsked event, delivered by each recipient's sync feed exactly once through
// its cursor; an IncidentChanged "AnswerQuestion", "RateHandling" or, when not satisfied,
// "RequestReopen" with the text in `reason`) and one hash-chained audit entry, so the question
// and answers are part of the incident's history.
//
// Ask: the recipients are the distinct reporters of the incident's reports (or of the one
// report named), each with the first of their reports in it; reports without a reporter (sent
// with authentication off) or sent by staff ("users/...": they have no app feed) have none,
// nor have reporters `reachable` refuses (erased). Answer: only a recipient (by reporter) may answer; once:
// the same text again is a replay (nothing written), another text ALREADY_EXISTS. Rate: only
// the report's reporter, only while its incident is RESOLVED or CLOSED, once per report
// (replay / ALREADY_EXISTS as for answers).
//
// Thread safety: all methods may be called concurrently; each blocks until durable.
// Errors: NOT_FOUND (incident, report, question — also for a caller who is not a recipient or
// not the reporter, worded as for a missing one), FAILED_PRECONDITION (no reporter to ask;
// incident not resolved), ALREADY_EXISTS, DATA_LOSS, UNAVAILABLE / RESOURCE_EXHAUSTED.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "storage/incident_store.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {

struct AskOutcome {
  internal::QuestionAsked asked;  // with the question's name and every recipient
};

struct AnswerOutcome {
  std::string incident;  // "incidents/{id}"
  std::string answer;
  absl::Time answer_time;
  bool replayed = false;
};

struct RateOutcome {
  internal::StoredRating rating;
  bool replayed = false;
};

class ReporterDialogStore {
 public:
  ReporterDialogStore(Engine* engine, const IncidentStore* incidents)
      : engine_(engine), incidents_(incidents) {}

  // `report_id` "" = every reporter of the incident. `reachable` (optional) leaves out
  // reporters who can no longer be reached (an erased identity); it runs on the writer.
  using Reachable = std::function<absl::StatusOr<bool>(const std::string& reporter)>;
  [[nodiscard]] absl::StatusOr<AskOutcome> Ask(absl::string_view incident_id,
                                               absl::string_view report_id,
                                               absl::string_view text, const DispatchActor& actor,
                                               Reachable reachable = nullptr);
  [[nodiscard]] absl::StatusOr<AnswerOutcome> Answer(uint64_t question, absl::string_view reporter,
                                                     absl::string_view answer);
  [[nodiscard]] absl::StatusOr<RateOutcome> Rate(absl::string_view report_id,
                                                 absl::string_view reporter, bool satisfied,
                                                 absl::string_view reason);

 private:
  Engine* const engine_;
  const IncidentStore* const incidents_;
};

}  // namespace wijkwacht::storage
