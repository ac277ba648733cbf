#include "storage/purge.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/aggregate_store.h"
#include "storage/deletion_log.h"
#include "storage/dispatch_store.h"
#include "storage/keys.h"
#include "storage/notify_outbox.h"
#include "storage/report_store.h"
#include "storage/sealed_identity_store.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

// The member report ids of `id`, sorted, from an incident_members scan.
template <typename Scanner>
absl::StatusOr<std::vector<std::string>> MemberIds(Scanner& scan, absl::string_view id) {
  const std::string prefix = IncidentMemberPrefix(id);
  std::vector<std::string> ids;
  absl::Status inner;
  WW_RETURN_IF_ERROR(scan(ColumnFamily::kIncidentMembers, prefix, prefix,
                          [&](absl::string_view key, absl::string_view) {
                            if (key.size() <= prefix.size() + 8) {
                              inner = absl::DataLossError("malformed incident_members key");
                              return false;
                            }
                            ids.emplace_back(key.substr(prefix.size() + 8));
                            return true;
                          }));
  WW_RETURN_IF_ERROR(inner);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The report an event is about, if it carries report content (ReportCreated: its cell and
// category; ReportAmended: the note and photo reference).
const std::string* ReportOfEvent(const internal::ChangeEvent& event) {
  if (event.has_report_created()) return &event.report_created().report_id();
  if (event.has_report_amended()) return &event.report_amended().report_id();
  return nullptr;
}

bool About(const internal::ChangeEvent& event, const std::vector<std::string>& sorted_ids) {
  const std::string* id = ReportOfEvent(event);
  return id != nullptr && std::binary_search(sorted_ids.begin(), sorted_ids.end(), *id);
}

// Stages the scrubbed form of the change-log event at `key` (no change when it holds nothing
// of the report any more).
absl::Status ScrubEvent(WriteContext& ctx, const std::string& key) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kChangeLog, key));
  if (!bytes) return absl::OkStatus();  // cut by retention meanwhile
  internal::ChangeEvent event;
  if (!event.ParseFromString(*bytes)) return absl::DataLossError("change-log entry does not parse");
  if (event.has_report_created()) {
    event.mutable_report_created()->clear_s2_cell_id();
    event.mutable_report_created()->clear_category();
  } else if (event.has_report_amended()) {
    event.mutable_report_amended()->clear_amendment();
  }
  ctx.Put(ColumnFamily::kChangeLog, key, event.SerializeAsString());
  return absl::OkStatus();
}

absl::StatusOr<internal::StoredReport> ParseReport(const std::string& bytes) {
  internal::StoredReport stored;
  if (!stored.ParseFromString(bytes)) return absl::DataLossError("stored report does not parse");
  return stored;
}

struct Counts {
  int64_t incidents = 0;
  int64_t reports = 0;
  int64_t contacts = 0;
  int64_t photos = 0;
  int64_t notifications = 0;  // webhook outbox entries and dead letters
};

// Deletes one report and everything that indexes or repeats it.
absl::Status StageReportDeletion(WriteContext& ctx, const internal::StoredReport& stored,
                                 Counts& counts) {
  const v1::Report& report = stored.report();
  const std::string& id = report.id();
  const absl::Time observed = FromTimestamp(report.observed_time());
  const absl::Time created = FromTimestamp(report.create_time());
  UncountReport(ctx, stored);
  ctx.Delete(ColumnFamily::kReports, id);
  ctx.Delete(ColumnFamily::kReportsByArea, AreaIndexKey(kAllAreas, observed, id));
  for (const std::string& code : ReportAreaCodes(report.area())) {
    ctx.Delete(ColumnFamily::kReportsByArea, AreaIndexKey(code, observed, id));
  }
  ctx.Delete(ColumnFamily::kReportsByCell,
             CellIndexKey(S2CellParent(ReportLeafCell(report), kIndexCellLevel), observed, id));
  if (!stored.reporter().empty()) {
    ctx.Delete(ColumnFamily::kReportsByReporter, ReporterIndexKey(stored.reporter(), created, id));
  }
  ctx.Delete(ColumnFamily::kCorrections, id);
  if (IsPseudonym(stored.reporter())) {
    WW_ASSIGN_OR_RETURN(bool had_contact, SealedIdentityStore::StageDeleteContact(
                                              ctx, stored.reporter(), created, id));
    counts.contacts += had_contact ? 1 : 0;
  }
  counts.photos += stored.report().media_url().empty() ? 0 : 1;
  for (const internal::ReportAmendment& amendment : stored.amendments()) {
    counts.photos += amendment.photo_ref().empty() ? 0 : 1;
  }
  ++counts.reports;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<IncidentPurger::ChangeEvents> IncidentPurger::FindChangeEvents(
    absl::string_view incident_id) const {
  auto scan = [this](ColumnFamily cf, absl::string_view start, absl::string_view prefix,
                     const std::function<bool(absl::string_view, absl::string_view)>& visit) {
    return engine_->Scan(cf, start, prefix, visit);
  };
  ChangeEvents found;
  WW_ASSIGN_OR_RETURN(found.report_ids, MemberIds(scan, incident_id));
  if (found.report_ids.empty()) return found;
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kChangeLog, "", "", [&](absl::string_view key, absl::string_view value) {
        internal::ChangeEvent event;
        if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("change-log entry does not parse");
          return false;
        }
        if (About(event, found.report_ids)) found.keys.emplace_back(key);
        found.scanned_to = std::string(key);
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  return found;
}

absl::StatusOr<std::vector<v1::Deletion>> IncidentPurger::Stage(WriteContext& ctx,
                                                                const PurgeOrder& order,
                                                                const ChangeEvents& scrub) const {
  const std::string& id = order.incident_id;
  const std::string name = absl::StrCat("incidents/", id);
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kIncidents, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, ParseStoredIncident(*bytes));
  auto scan = [&ctx](ColumnFamily cf, absl::string_view start, absl::string_view prefix,
                     const std::function<bool(absl::string_view, absl::string_view)>& visit) {
    return ctx.Scan(cf, start, prefix, visit);
  };
  WW_ASSIGN_OR_RETURN(std::vector<std::string> members, MemberIds(scan, id));
  if (members != scrub.report_ids) {
    return absl::AbortedError(absl::StrCat(name, " changed while it was being purged; retry"));
  }

  internal::ChangeEvent event;
  internal::IncidentChanged& change = *event.mutable_incident_changed();
  change.set_incident(name);
  change.set_action("PurgeIncident");
  change.set_status(v1::INCIDENT_CLOSED);
  change.set_version(stored.incident().version() + 1);
  change.set_report_status(v1::CLOSED);
  change.set_feedback_message(kPurgedFeedback);
  change.set_actor(order.actor);
  *change.mutable_count_moved() = CountLocation(stored);  // live maps re-read these counts

  Counts counts;
  std::vector<std::pair<std::string, std::string>> deleted;  // report id, reporter
  // A report stored under an alias is named by the id its device sent in that device's
  // notifications (storage/notify_outbox.h): those go too.
  std::vector<std::pair<std::string, std::string>> sent_names;
  for (const std::string& report_id : members) {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> report_bytes,
                        ctx.Get(ColumnFamily::kReports, report_id));
    if (!report_bytes) continue;
    WW_ASSIGN_OR_RETURN(internal::StoredReport report, ParseReport(*report_bytes));
    WW_RETURN_IF_ERROR(StageReportDeletion(ctx, report, counts));
    deleted.emplace_back(report_id, report.reporter());
    if (!report.client_id().empty()) {
      sent_names.emplace_back(report.reporter(), absl::StrCat("reports/", report.client_id()));
      sent_names.emplace_back(report.reporter(), absl::StrCat("incidents/", report.client_id()));
    }
    // An incident this report opened and that was merged into this one keeps its centre:
    // it goes too.
    WW_ASSIGN_OR_RETURN(std::optional<std::string> absorbed_bytes,
                        ctx.Get(ColumnFamily::kIncidents, report_id));
    if (absorbed_bytes && report_id != id) {
      WW_ASSIGN_OR_RETURN(internal::StoredIncident absorbed, ParseStoredIncident(*absorbed_bytes));
      if (absorbed.merged_into() == name) {
        UncountIncident(ctx, absorbed);
        WW_RETURN_IF_ERROR(incidents_->StageRemoval(ctx, report_id, absorbed));
        ++counts.incidents;
      }
    }
  }
  UncountIncident(ctx, stored);
  WW_RETURN_IF_ERROR(incidents_->StageRemoval(ctx, id, stored));
  ++counts.incidents;
  if (outbox_ != nullptr) {
    // Before this purge's own events are appended: their notifications are staged after.
    NotifyForget forget;
    forget.sent_names = std::move(sent_names);
    forget.incidents.push_back(name);
    for (const std::string& report_id : members) {
      forget.incidents.push_back(absl::StrCat("incidents/", report_id));  // merged into it
      forget.reports.push_back(absl::StrCat("reports/", report_id));
    }
    WW_ASSIGN_OR_RETURN(counts.notifications, outbox_->StageForget(ctx, forget));
  }

  for (const std::string& key : scrub.keys) WW_RETURN_IF_ERROR(ScrubEvent(ctx, key));
  if (!members.empty()) {
    // Events appended since FindChangeEvents looked.
    std::vector<std::string> later;
    absl::Status inner;
    WW_RETURN_IF_ERROR(ctx.Scan(
        ColumnFamily::kChangeLog, scrub.scanned_to, "",
        [&](absl::string_view key, absl::string_view value) {
          if (key == scrub.scanned_to) return true;
          internal::ChangeEvent e;
          if (!e.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("change-log entry does not parse");
            return false;
          }
          if (About(e, members)) later.emplace_back(key);
          return true;
        }));
    WW_RETURN_IF_ERROR(inner);
    for (const std::string& key : later) WW_RETURN_IF_ERROR(ScrubEvent(ctx, key));
  }
  // One event per report, naming its reporter: the reporter's feed no longer finds the
  // report among its own (it is gone), so the event says whose it was.
  for (size_t i = 0; i < deleted.size(); ++i) {
    internal::ChangeEvent per_report = event;
    internal::IncidentChanged& c = *per_report.mutable_incident_changed();
    if (i > 0) c.clear_count_moved();
    c.add_report_ids(deleted[i].first);
    if (!deleted[i].second.empty()) c.add_reporters(deleted[i].second);
    ctx.AppendChange(per_report);
  }
  if (deleted.empty()) ctx.AppendChange(event);

  WW_RETURN_IF_ERROR(AppendAudit(
      ctx, DispatchActor{order.actor}, "PurgeIncident", name,
      absl::StrCat("reason: ", order.reason, "; ", counts.reports, " reports, ", counts.contacts,
                   " contact details, ", counts.photos, " photo references deleted")));

  std::vector<v1::Deletion> written;
  const std::pair<const char*, int64_t> classes[] = {{"incident", counts.incidents},
                                                     {"report", counts.reports},
                                                     {"contact", counts.contacts},
                                                     {"photo", counts.photos},
                                                     {"notification", counts.notifications}};
  for (const auto& [kind, count] : classes) {
    if (count == 0) continue;
    v1::Deletion entry;
    entry.set_record_kind(kind);
    entry.set_count(count);
    entry.set_actor(order.actor);
    entry.set_reason(order.reason);
    entry.set_note(order.note);
    entry.set_target(name);
    WW_ASSIGN_OR_RETURN(v1::Deletion stored_entry, DeletionLog::Stage(ctx, std::move(entry)));
    written.push_back(std::move(stored_entry));
  }
  return written;
}

absl::Status IncidentPurger::PurgeFromDisk() {
  return engine_->PurgeDeleted(
      {ColumnFamily::kReports, ColumnFamily::kReportsByArea, ColumnFamily::kReportsByCell,
       ColumnFamily::kReportsByReporter, ColumnFamily::kCorrections,
       ColumnFamily::kSealedIdentities, ColumnFamily::kIncidents, ColumnFamily::kIncidentMembers,
       ColumnFamily::kIncidentsByCell, ColumnFamily::kIncidentsByStatus, ColumnFamily::kChangeLog,
       ColumnFamily::kNotifyOutbox, ColumnFamily::kNotifyDeadLetters});
}

absl::StatusOr<std::vector<v1::Deletion>> IncidentPurger::Purge(const PurgeOrder& order) {
  WW_ASSIGN_OR_RETURN(ChangeEvents scrub, FindChangeEvents(order.incident_id));
  std::vector<v1::Deletion> written;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_ASSIGN_OR_RETURN(written, Stage(ctx, order, scrub));
    return absl::OkStatus();
  }));
  WW_RETURN_IF_ERROR(PurgeFromDisk());
  return written;
}

}  // namespace wijkwacht::storage
