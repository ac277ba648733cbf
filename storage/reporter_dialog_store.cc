#include "storage/reporter_dialog_store.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/column_families.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

template <typename Record>
absl::StatusOr<std::optional<Record>> Load(WriteContext& ctx, absl::string_view key,
                                           absl::string_view what) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kReporterDialog, key));
  if (!bytes) return std::optional<Record>();
  Record record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
  }
  return std::optional<Record>(std::move(record));
}

template <typename Record>
absl::StatusOr<Record> LoadFrom(WriteContext& ctx, ColumnFamily cf, absl::string_view key,
                                absl::Status missing) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(cf, key));
  if (!bytes) return missing;
  Record record;
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored record does not parse");
  return record;
}

// An IncidentChanged event about `incident` that changes nothing in it.
void AppendIncidentNote(WriteContext& ctx, const v1::Incident& incident, absl::string_view action,
                        std::string reason, absl::string_view actor) {
  internal::ChangeEvent event;
  internal::IncidentChanged& c = *event.mutable_incident_changed();
  c.set_incident(incident.name());
  c.set_action(std::string(action));
  c.set_status(incident.status());
  c.set_version(incident.version());
  c.set_reason(std::move(reason));
  c.set_actor(std::string(actor));
  ctx.AppendChange(event);
}

std::string ReporterActor(absl::string_view report_id) {
  return absl::StrCat("reporter of reports/", report_id);
}


}  // namespace

absl::StatusOr<AskOutcome> ReporterDialogStore::Ask(absl::string_view incident_view,
                                                    absl::string_view report_view,
                                                    absl::string_view text_view,
                                                    const DispatchActor& actor,
                                                    Reachable reachable) {
  const std::string incident_id(incident_view), report_only(report_view), text(text_view);
  return CommitForResult<AskOutcome>(engine_, [=](WriteContext& ctx, AskOutcome& out) -> absl::Status {
    WW_ASSIGN_OR_RETURN(internal::StoredIncident stored,
                        (LoadFrom<internal::StoredIncident>(
                            ctx, ColumnFamily::kIncidents, incident_id,
                            absl::NotFoundError(absl::StrCat("incidents/", incident_id,
                                                             " does not exist")))));
    const std::string prefix = IncidentMemberPrefix(incident_id);
    std::vector<std::string> members;
    WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kIncidentMembers, prefix, prefix,
                                [&](absl::string_view key, absl::string_view) {
                                  if (key.size() > prefix.size() + 8) {
                                    members.emplace_back(key.substr(prefix.size() + 8));
                                  }
                                  return true;
                                }));
    if (!report_only.empty() &&
        std::find(members.begin(), members.end(), report_only) == members.end()) {
      return absl::NotFoundError(absl::StrCat("report: reports/", report_only, " is not a report of ",
                                              stored.incident().name()));
    }
    internal::QuestionAsked& asked = out.asked;
    std::set<std::string> reporters;
    for (const std::string& id : members) {
      if (!report_only.empty() && id != report_only) continue;
      WW_ASSIGN_OR_RETURN(internal::StoredReport report,
                          (LoadFrom<internal::StoredReport>(
                              ctx, ColumnFamily::kReports, id,
                              absl::DataLossError(absl::StrCat("member reports/", id, " is missing")))));
      // Only the app answers: reports without a reporter or by staff ("users/...") have none.
      if (report.reporter().empty() || absl::StartsWith(report.reporter(), "users/") ||
          !reporters.insert(report.reporter()).second) {
        continue;
      }
      if (reachable) {
        WW_ASSIGN_OR_RETURN(bool can_reach, reachable(report.reporter()));
        if (!can_reach) continue;
      }
      internal::QuestionRecipient& r = *asked.add_recipients();
      r.set_reporter(report.reporter());
      r.set_report_id(id);
    }
    if (asked.recipients_size() == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          stored.incident().name(), " has no reporter who can be asked (its reports came "
                                    "from staff or without a device)"));
    }
    WW_ASSIGN_OR_RETURN(std::optional<std::string> counter,
                        ctx.Get(ColumnFamily::kReporterDialog, QuestionCounterKey()));
    const uint64_t number = (counter ? ReadBigEndian64(*counter).value_or(0) : 0) + 1;
    std::string next;
    AppendBigEndian64(&next, number);
    ctx.Put(ColumnFamily::kReporterDialog, QuestionCounterKey(), next);
    asked.set_question(absl::StrCat("questions/", number));
    asked.set_incident(stored.incident().name());
    asked.set_text(text);
    internal::StoredQuestion question;
    *question.mutable_asked() = asked;
    *question.mutable_ask_time() = ToTimestamp(ctx.Now());
    question.set_asked_by(actor.subject);
    ctx.Put(ColumnFamily::kReporterDialog, QuestionKey(number), question.SerializeAsString());
    internal::ChangeEvent event;
    *event.mutable_question_asked() = asked;
    ctx.AppendChange(event);
    return AppendAudit(ctx, actor, "AskReporter", stored.incident().name(),
                       absl::StrCat(asked.question(), " to ", asked.recipients_size(),
                                    " reporter(s): ", text));
  });
}

absl::StatusOr<AnswerOutcome> ReporterDialogStore::Answer(uint64_t number,
                                                          absl::string_view reporter_view,
                                                          absl::string_view answer_view) {
  const std::string reporter(reporter_view), answer(answer_view);
  return CommitForResult<AnswerOutcome>(engine_, [=](WriteContext& ctx, AnswerOutcome& out) -> absl::Status {
    const absl::Status missing = absl::NotFoundError(absl::StrCat("questions/", number, " does not exist"));
    WW_ASSIGN_OR_RETURN(std::optional<internal::StoredQuestion> question,
                        Load<internal::StoredQuestion>(ctx, QuestionKey(number), "question"));
    if (!question || reporter.empty()) return missing;
    internal::QuestionRecipient* recipient = nullptr;
    for (internal::QuestionRecipient& r : *question->mutable_asked()->mutable_recipients()) {
      if (r.reporter() == reporter) recipient = &r;
    }
    if (recipient == nullptr) return missing;  // not asked: as if there were no such question
    out.incident = question->asked().incident();
    if (!recipient->answer().empty()) {
      if (recipient->answer() != answer) {
        return absl::AlreadyExistsError(absl::StrCat(
            "questions/", number, " was already answered differently; an answer cannot be "
                                  "changed"));
      }
      out.answer = recipient->answer();
      out.answer_time = absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(recipient->answer_time()));
      out.replayed = true;
      return absl::OkStatus();
    }
    recipient->set_answer(answer);
    *recipient->mutable_answer_time() = ToTimestamp(ctx.Now());
    ctx.Put(ColumnFamily::kReporterDialog, QuestionKey(number), question->SerializeAsString());
    absl::string_view incident_id = question->asked().incident();
    incident_id.remove_prefix(std::min(incident_id.size(), sizeof("incidents/") - 1));
    WW_ASSIGN_OR_RETURN(std::optional<std::string> incident_bytes,
                        ctx.Get(ColumnFamily::kIncidents, incident_id));
    const std::string actor = ReporterActor(recipient->report_id());
    if (incident_bytes) {  // purged incidents keep no history
      WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, ParseStoredIncident(*incident_bytes));
      AppendIncidentNote(ctx, stored.incident(), "AnswerQuestion",
                         absl::StrCat("questions/", number, ": ", answer), actor);
    }
    out.answer = answer;
    out.answer_time = ctx.Now();
    return AppendAudit(ctx, {actor}, "AnswerQuestion", question->asked().incident(),
                       absl::StrCat("questions/", number, ": ", answer));
  });
}

absl::StatusOr<RateOutcome> ReporterDialogStore::Rate(absl::string_view report_view,
                                                      absl::string_view reporter_view,
                                                      bool satisfied,
                                                      absl::string_view reason_view) {
  const std::string report_id(report_view), reporter(reporter_view), reason(reason_view);
  return CommitForResult<RateOutcome>(engine_, [=](WriteContext& ctx, RateOutcome& out) -> absl::Status {
    const absl::Status missing =
        absl::NotFoundError(absl::StrCat("reports/", report_id, " does not exist"));
    WW_ASSIGN_OR_RETURN(internal::StoredReport report,
                        (LoadFrom<internal::StoredReport>(ctx, ColumnFamily::kReports, report_id,
                                                          missing)));
    if (reporter.empty() || report.reporter() != reporter) return missing;
    absl::string_view incident_id = report.report().incident_id();
    incident_id.remove_prefix(std::min(incident_id.size(), sizeof("incidents/") - 1));
    WW_ASSIGN_OR_RETURN(internal::StoredIncident stored,
                        (LoadFrom<internal::StoredIncident>(ctx, ColumnFamily::kIncidents,
                                                            incident_id, missing)));
    WW_ASSIGN_OR_RETURN(std::optional<internal::StoredRating> earlier,
                        Load<internal::StoredRating>(ctx, RatingKey(report_id), "rating"));
    if (earlier) {
      if (earlier->satisfied() != satisfied || earlier->reason() != reason) {
        return absl::AlreadyExistsError(absl::StrCat(
            "reports/", report_id, " was already rated differently; a rating cannot be changed"));
      }
      out.rating = *std::move(earlier);
      out.replayed = true;
      return absl::OkStatus();
    }
    const v1::IncidentStatus status = stored.incident().status();
    if (status != v1::INCIDENT_RESOLVED && status != v1::INCIDENT_CLOSED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "reports/", report_id, " has not been resolved yet; rate it once it is"));
    }
    internal::StoredRating& rating = out.rating;
    rating.set_report_id(report_id);
    rating.set_incident(stored.incident().name());
    rating.set_satisfied(satisfied);
    rating.set_reason(reason);
    *rating.mutable_rate_time() = ToTimestamp(ctx.Now());
    ctx.Put(ColumnFamily::kReporterDialog, RatingKey(report_id), rating.SerializeAsString());
    const std::string actor = ReporterActor(report_id);
    const std::string detail = absl::StrCat("reports/", report_id, ": ",
                                            satisfied ? "satisfied" : "not satisfied",
                                            reason.empty() ? "" : absl::StrCat(": ", reason));
    AppendIncidentNote(ctx, stored.incident(), satisfied ? "RateHandling" : "RequestReopen", detail,
                       actor);
    return AppendAudit(ctx, {actor}, satisfied ? "RateHandling" : "RequestReopen",
                       stored.incident().name(), detail);
  });
}

}  // namespace wijkwacht::storage
