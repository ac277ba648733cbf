#include "services/report_mapping.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"

namespace wijkwacht::services {

using google::protobuf::util::TimeUtil;

absl::StatusOr<report::ReportDraft> DraftFromProto(const v1::Report& r) {
  report::ReportDraft d;
  d.id = r.id();
  d.reporter_role = r.reporter_role();
  if (r.has_observed_time()) {
    WW_ASSIGN_OR_RETURN(d.observed_time, TimeFromProto(r.observed_time(), "observed_time"));
  }
  d.has_location = r.has_location();
  d.latitude = r.location().latitude();
  d.longitude = r.location().longitude();
  d.accuracy_meters = r.accuracy_meters();
  d.category = r.category();
  d.description = r.description();
  d.media_url = r.media_url();
  if (r.has_contact()) {
    report::ContactDraft& c = d.contact.emplace();
    c.name = r.contact().name();
    c.email = r.contact().email();
    c.phone = r.contact().phone();
    c.may_contact = r.contact().may_contact();
  }
  return d;
}

absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& t,
                                         absl::string_view field) {
  if (t.seconds() < TimeUtil::kTimestampMinSeconds || t.seconds() > TimeUtil::kTimestampMaxSeconds ||
      t.nanos() < 0 || t.nanos() > 999'999'999) {
    return InvalidFieldError(field,
                             "is not a valid timestamp (seconds within years 1-9999, nanos in "
                             "[0, 999999999])");
  }
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

storage::NewReport BuildNewReport(const v1::Report& input, const report::IngestDecision& decision) {
  storage::NewReport out;
  v1::Report& r = out.report;
  r.set_name(absl::StrCat("reports/", decision.id));
  r.set_id(decision.id);
  r.set_reporter_role(static_cast<v1::ReporterRole>(decision.reporter_role));
  *r.mutable_observed_time() = input.observed_time();
  *r.mutable_location() = input.location();
  r.set_accuracy_meters(input.accuracy_meters());
  r.set_category(input.category());
  r.set_description(input.description());
  r.set_media_url(input.media_url());

  v1::AreaRef& area = *r.mutable_area();
  area.set_gemeente_code(decision.area.gemeente_code);
  area.set_wijk_code(decision.area.wijk_code);
  area.set_buurt_code(decision.area.buurt_code);
  for (const std::string& focus : decision.area.focus_areas) area.add_focus_areas(focus);
  r.set_theme(static_cast<v1::Theme>(decision.theme));
  r.set_theme_confidence(decision.theme_confidence);
  r.set_needs_review(decision.needs_review);

  out.fingerprint = decision.fingerprint;
  out.area_codes = decision.area_codes;
  out.s2_cell_id = decision.s2_cell_id;
  out.reporter = decision.reporter;
  out.dedup = report::DedupFeatures(decision);
  if (decision.contact) {
    v1::ContactDetails& contact = out.contact.emplace();
    contact.set_name(decision.contact->name);
    contact.set_email(decision.contact->email);
    contact.set_phone(decision.contact->phone);
    contact.set_may_contact(decision.contact->may_contact);
  }
  return out;
}

v1::IncidentMatch IncidentMatchToProto(const storage::ScoredIncident& match) {
  v1::IncidentMatch out;
  const dedup::IncidentFeatures& incident = match.incident;
  out.set_incident(absl::StrCat("incidents/", incident.id));
  out.set_score(match.score.score);
  out.set_distance_meters(match.score.distance_meters);
  out.set_theme(static_cast<v1::Theme>(incident.theme));
  out.set_category(incident.category);
  *out.mutable_first_observed_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(incident.first_observed));
  *out.mutable_last_observed_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(incident.last_observed));
  out.set_report_count(incident.report_count);
  return out;
}

absl::StatusOr<std::string> ParseReportName(absl::string_view name, absl::string_view field) {
  constexpr absl::string_view kPrefix = "reports/";
  if (name.empty()) return InvalidFieldError(field, "is required: \"reports/{id}\"");
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kPrefix) || !report::IsUuid(id)) {
    return InvalidFieldError(field, "must be \"reports/{id}\" with the report's UUID");
  }
  return absl::AsciiStrToLower(id);
}

absl::Status InOwnTerms(const absl::Status& status, absl::string_view stored_id,
                        absl::string_view client_id) {
  if (status.ok() || stored_id == client_id) return status;
  absl::Status out(status.code(),
                   absl::StrReplaceAll(status.message(), {{stored_id, client_id}}));
  status.ForEachPayload([&out](absl::string_view type_url, const absl::Cord& payload) {
    out.SetPayload(type_url, payload);
  });
  return out;
}

}  // namespace wijkwacht::services
