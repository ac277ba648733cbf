#include "services/report_service.h"
#include "services/partner_keys.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "s2/s2cell_id.h"
#include "s2/s2latlng.h"
#include "services/grpc_status.h"
#include "services/map_service.h"
#include "privacy/small_counts.h"
#include "storage/aggregate_store.h"
#include "absl/container/flat_hash_set.h"
#include "services/report_mapping.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 50;
// PreviewReport shows at most this many incidents, from this score on: a little below the
// joining threshold, so the reporter can still pick one the server would not join on its own.
constexpr size_t kMaxPreviewMatches = 5;
constexpr double kMinPreviewScore = 0.40;
// For callers without a staff role: how far from each search point incidents are looked for
// (the matcher caps it at its radius plus its accuracy slack), and how many are examined.
constexpr double kPreviewReachMeters = 5000;
constexpr size_t kMaxScannedForPublic = 20;

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return InvalidFieldError("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, storage::kMaxPageSize);
}

absl::StatusOr<std::optional<absl::Time>> OptionalTime(const v1::ListReportsRequest& request,
                                                       bool start) {
  if (start ? !request.has_start_time() : !request.has_end_time()) return std::nullopt;
  return TimeFromProto(start ? request.start_time() : request.end_time(),
                       start ? "start_time" : "end_time");
}

absl::StatusOr<storage::ReportQuery> QueryFromRequest(const v1::ListReportsRequest& request) {
  storage::ReportQuery q;
  WW_ASSIGN_OR_RETURN(q.page_size, PageSize(request.page_size()));
  q.page_token = request.page_token();
  q.area_code = request.area_code();
  if (!v1::Theme_IsValid(request.theme())) {
    return InvalidFieldError("theme", absl::StrCat("has unknown value ", request.theme()));
  }
  q.theme = request.theme();
  if (!v1::ReportStatus_IsValid(request.status())) {
    return InvalidFieldError("status", absl::StrCat("has unknown value ", request.status()));
  }
  q.status = request.status();
  WW_ASSIGN_OR_RETURN(q.start_time, OptionalTime(request, true));
  WW_ASSIGN_OR_RETURN(q.end_time, OptionalTime(request, false));
  if (q.start_time && q.end_time && *q.start_time >= *q.end_time) {
    return InvalidFieldError("end_time", "must be after start_time");
  }
  return q;
}

v1::Category CategoryToProto(const catalog::Category& c) {
  v1::Category out;
  out.set_name(absl::StrCat("categories/", c.code));
  out.set_code(c.code);
  out.set_display_name(c.name);
  out.set_description(c.description);
  out.set_group(static_cast<v1::CategoryGroup>(c.group));
  out.set_theme_hint(static_cast<v1::Theme>(c.theme_hint));
  out.set_source(c.source);
  for (const std::string& term : c.search_terms) out.add_search_terms(term);
  return out;
}

// Category page tokens: web-safe base64 of "<group>:<offset>".
std::string CategoryPageToken(int group, size_t offset) {
  return absl::WebSafeBase64Escape(absl::StrCat(group, ":", offset));
}

absl::StatusOr<size_t> CategoryOffset(const std::string& token, int group) {
  if (token.empty()) return 0;
  std::string raw;
  size_t colon;
  int token_group = 0;
  size_t offset = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) || (colon = raw.find(':')) == std::string::npos ||
      !absl::SimpleAtoi(raw.substr(0, colon), &token_group) ||
      !absl::SimpleAtoi(raw.substr(colon + 1), &offset)) {
    return InvalidFieldError("page_token", "is not a token returned by ListCategories");
  }
  if (token_group != group) {
    return InvalidFieldError("page_token", "was issued for a different group filter");
  }
  return offset;
}

}  // namespace

// The reporter role a token implies: staff report as STAFF.
static v1::ReporterRole ReporterRoleOf(auth::Role role) {
  switch (role) {
    case auth::Role::kResident:
      return v1::RESIDENT;
    case auth::Role::kEntrepreneur:
      return v1::ENTREPRENEUR;
    default:
      return v1::STAFF;
  }
}

absl::StatusOr<storage::NewReport> PrepareReport(const report::ReportIngest& ingest,
                                                 const Caller& caller, const v1::Report& report) {
  absl::StatusOr<report::ReportDraft> draft = DraftFromProto(report);
  if (!draft.ok()) return draft.status();
  if (caller.authenticated) {
    draft->reporter_role = ReporterRoleOf(caller.role);
    draft->reporter = caller.reporter;
  }
  absl::StatusOr<report::IngestDecision> decision = ingest.Decide(*draft);
  if (!decision.ok()) return decision.status();
  storage::NewReport out = BuildNewReport(report, *decision);
  out.established_reporter = caller.established;
  // A partner account's report names it (for staff and the partner; devices stay unnamed).
  if (absl::StartsWith(caller.reporter, kPartnerPrefix)) {
    out.report.set_submitted_by(caller.reporter);
  }
  return out;
}

absl::StatusOr<storage::NewReport> ReportServiceImpl::Prepare(const Caller& caller,
                                                              const v1::Report* report,
                                                              bool has_report) const {
  if (!has_report) return InvalidFieldError("report", "is required");
  absl::StatusOr<storage::NewReport> prepared = PrepareReport(*parts_.ingest, caller, *report);
  if (!prepared.ok()) return PrefixFieldPaths(prepared.status(), "report");
  return prepared;
}

void ReportServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.ReportService/SubmitReport", this, &ReportServiceImpl::Submit);
  table->Unary("/wijkwacht.v1.ReportService/PreviewReport", this, &ReportServiceImpl::Preview);
  table->Unary("/wijkwacht.v1.ReportService/GetReport", this, &ReportServiceImpl::Get);
  table->Unary("/wijkwacht.v1.ReportService/ListReports", this, &ReportServiceImpl::List);
  table->Unary("/wijkwacht.v1.ReportService/ListCategories", this, &ReportServiceImpl::Categories);
}

void ReportServiceImpl::Submit(const Caller& caller, const v1::SubmitReportRequest& request,
                               v1::Report* response, UnaryDone done) {
  // Under overload, refuse before classifying: a refusal must cost next to nothing.
  if (absl::Status admitted = parts_.store->CheckAdmission(); !admitted.ok()) {
    return done(admitted);
  }
  absl::StatusOr<storage::NewReport> prepared =
      Prepare(caller, &request.report(), request.has_report());
  if (!prepared.ok()) return done(prepared.status());
  // What the app shows after submission, looked up now: `done` runs on the storage writer.
  v1::Report handling;
  handling.set_category(prepared->report.category());
  if (parts_.desk != nullptr) {
    parts_.desk->Decide(*prepared);
    parts_.desk->FillHandling(*parts_.desk->Rules(), handling);
  }
  parts_.store->SubmitAsync(
      *std::move(prepared), [response, handling = std::move(handling), done = std::move(done)](
                                absl::StatusOr<storage::SubmitOutcome> outcome) {
        if (outcome.ok()) {
          *response = std::move(outcome->report);
          response->set_handling_message(handling.handling_message());
          response->set_expected_handling_days(handling.expected_handling_days());
          response->set_expected_handling_unit(handling.expected_handling_unit());
        }
        done(outcome.status());
      });
}

void ReportServiceImpl::Preview(const Caller& caller, const v1::PreviewReportRequest& request,
                                v1::PreviewReportResponse* response, UnaryDone done) {
  absl::StatusOr<storage::NewReport> prepared =
      Prepare(caller, &request.report(), request.has_report());
  if (!prepared.ok()) return done(prepared.status());
  *response->mutable_report() = std::move(prepared->report);
  if (caller.IsStaff()) {
    parts_.workers->Schedule([this, caller, response, done = std::move(done),
                              features = std::move(prepared->dedup)] {
      absl::StatusOr<Visibility> visibility =
          VisibilityFor(caller, parts_.identities, parts_.directory);
      if (!visibility.ok()) return done(visibility.status());
      absl::StatusOr<std::vector<storage::ScoredIncident>> matches =
          parts_.incidents->FindMatches(features, kMaxPreviewMatches, kMinPreviewScore);
      if (!matches.ok()) return done(matches.status());
      for (const storage::ScoredIncident& m : *matches) {
        v1::Incident seen;
        seen.set_theme(static_cast<v1::Theme>(m.incident.theme));
        seen.set_category(m.incident.category);
        if (!visibility->MaySee(seen)) continue;
        *response->add_matching_incidents() = IncidentMatchToProto(m);
      }
      done(absl::OkStatus());
    });
    return;
  }
  // The same question for every point of the public cell and every moment of the hour: looked
  // for from the centres of the cell's four children (so the matcher's reach covers the
  // cell), counting only incidents whose centre lies in the cell.
  dedup::ReportFeatures features = std::move(prepared->dedup);
  const S2CellId cell = S2CellId(S2LatLng::FromDegrees(features.latitude, features.longitude))
                            .parent(parts_.public_cell_level);
  features.accuracy_meters = kPreviewReachMeters;
  features.observed = absl::FromUnixSeconds(absl::ToUnixSeconds(features.observed) / 3600 * 3600);
  parts_.workers->Schedule([this, response, done = std::move(done), cell,
                            features = std::move(features)]() mutable {
    for (int i = 0; i < 4; ++i) {
      const S2LatLng centre = cell.child(i).ToLatLng();
      features.latitude = centre.lat().degrees();
      features.longitude = centre.lng().degrees();
      absl::StatusOr<std::vector<storage::ScoredIncident>> matches =
          parts_.incidents->FindMatches(features, kMaxScannedForPublic, kMinPreviewScore);
      if (!matches.ok()) return done(matches.status());
      for (const storage::ScoredIncident& m : *matches) {
        const S2CellId incident_cell =
            S2CellId(S2LatLng::FromDegrees(m.incident.latitude, m.incident.longitude))
                .parent(parts_.public_cell_level);
        if (incident_cell != cell) continue;
        absl::StatusOr<bool> may_name =
            PublicMayName(m.incident.id, static_cast<int>(m.incident.theme));
        if (!may_name.ok()) return done(may_name.status());
        if (!*may_name) continue;
        // That a similar open report exists, and of what kind: nothing that names, locates,
        // times or counts it.
        v1::IncidentMatch& match = *response->add_matching_incidents();
        match.set_theme(static_cast<v1::Theme>(m.incident.theme));
        match.set_category(m.incident.category);
        return done(absl::OkStatus());
      }
    }
    done(absl::OkStatus());
  });
}

absl::StatusOr<bool> ReportServiceImpl::PublicMayName(const std::string& incident_id,
                                                     int theme) const {
  auto it = parts_.theme_k.find(theme);
  if (it != parts_.theme_k.end() && it->second == kHiddenTheme) return false;
  const int k = it != parts_.theme_k.end() ? std::max(parts_.public_k, it->second) : parts_.public_k;
  if (k <= 0) return true;
  absl::StatusOr<internal::StoredIncident> incident = parts_.incidents->Get(incident_id);
  if (absl::IsNotFound(incident.status())) return false;
  if (!incident.ok()) return incident.status();
  // The incident's reporters as the map counts a cell's: distinct established ones, keyed.
  privacy::CellCounts counts;
  counts.distinct_reporters = 0;
  absl::flat_hash_set<std::string> reporters;
  for (const std::string& name : incident->incident().reports()) {
    absl::string_view id = name;
    absl::ConsumePrefix(&id, "reports/");
    absl::StatusOr<internal::StoredReport> stored = parts_.store->GetStored(id);
    if (absl::IsNotFound(stored.status())) continue;
    if (!stored.ok()) return stored.status();
    ++counts.reports;
    if (!stored->established_reporter() || stored->reporter().empty() ||
        !reporters.insert(stored->reporter()).second) {
      continue;
    }
    ++counts.distinct_reporters;
    counts.reporter_keys += storage::ReporterKey(stored->reporter());
  }
  return counts.reports > 0 && !privacy::Publish(counts, k).withheld;
}

void ReportServiceImpl::Get(const Caller& caller, const v1::GetReportRequest& request,
                            v1::Report* response, UnaryDone done) {
  absl::StatusOr<std::string> id = ParseReportName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  // One answer for "no such report" and "someone else's": the caller's own id first (an
  // alias when the id was another reporter's, see storage/report_store.h).
  const absl::Status not_found = absl::NotFoundError(absl::StrCat("reports/", *id, " does not exist"));
  absl::StatusOr<std::string> own = storage::ResolveOwnReportId(*parts_.store, *id, caller.reporter);
  if (!own.ok()) return done(own.status());
  absl::StatusOr<internal::StoredReport> stored = parts_.store->GetStored(*own);
  if (absl::IsNotFound(stored.status())) return done(not_found);
  if (!stored.ok()) return done(stored.status());
  const bool owner = !stored->reporter().empty() && stored->reporter() == caller.reporter;
  if (!caller.IsStaff() && !owner) return done(not_found);
  if (caller.IsStaff()) {
    absl::StatusOr<Visibility> visibility =
        VisibilityFor(caller, parts_.identities, parts_.directory);
    if (!visibility.ok()) return done(visibility.status());
    absl::StatusOr<bool> may_see = MaySee(*visibility, stored->report());
    if (!may_see.ok()) return done(may_see.status());
    if (!*may_see) return done(not_found);
  }
  absl::flat_hash_map<std::string, bool> erased;
  v1::Report report = owner ? storage::ReporterView(*stored) : stored->report();
  if (absl::Status s = MaskIfErased(stored->reporter(), &report, &erased); !s.ok()) return done(s);
  *response = std::move(report);
  done(absl::OkStatus());
}

absl::StatusOr<bool> ReportServiceImpl::MaySee(const Visibility& visibility,
                                               const v1::Report& report) const {
  if (visibility.SeesEverything()) return true;
  absl::string_view incident_id = report.incident_id();
  if (!absl::ConsumePrefix(&incident_id, "incidents/") || parts_.incidents == nullptr) {
    return visibility.MaySeeReport(report, nullptr);
  }
  absl::StatusOr<internal::StoredIncident> incident = parts_.incidents->Get(incident_id, 0);
  if (absl::IsNotFound(incident.status())) return visibility.MaySeeReport(report, nullptr);
  if (!incident.ok()) return incident.status();
  return visibility.MaySeeReport(report, &incident->incident());
}

absl::Status ReportServiceImpl::MaskIfErased(const std::string& reporter, v1::Report* report,
                                             absl::flat_hash_map<std::string, bool>* erased) const {
  if (parts_.sealed == nullptr || !storage::IsPseudonym(reporter)) return absl::OkStatus();
  auto [it, inserted] = erased->try_emplace(reporter, false);
  if (inserted) {
    // Erasure deletes the reporter's wrapped data key; nothing needs opening to see that.
    WW_ASSIGN_OR_RETURN(it->second, parts_.sealed->IsErased(reporter));
  }
  if (!it->second) return absl::OkStatus();
  report->set_description("");
  const S2LatLng centre =
      S2CellId(S2LatLng::FromDegrees(report->location().latitude(), report->location().longitude()))
          .parent(parts_.public_cell_level)
          .ToLatLng();
  report->mutable_location()->set_latitude(centre.lat().degrees());
  report->mutable_location()->set_longitude(centre.lng().degrees());
  report->set_accuracy_meters(0);
  return absl::OkStatus();
}

void ReportServiceImpl::List(const Caller& caller, const v1::ListReportsRequest& request,
                             v1::ListReportsResponse* response, UnaryDone done) {
  absl::StatusOr<storage::ReportQuery> query = QueryFromRequest(request);
  if (!query.ok()) return done(query.status());
  parts_.workers->Schedule([this, caller, response, done = std::move(done),
                            query = *std::move(query)]() mutable {
    absl::StatusOr<Visibility> visibility =
        VisibilityFor(caller, parts_.identities, parts_.directory);
    if (!visibility.ok()) return done(visibility.status());
    absl::Status hidden_error;
    if (!visibility->SeesEverything()) {
      query.visible = [this, visibility = *visibility, &hidden_error](const v1::Report& r) {
        absl::StatusOr<bool> may_see = MaySee(visibility, r);
        if (!may_see.ok()) {
          hidden_error = may_see.status();
          return false;
        }
        return *may_see;
      };
    }
    absl::StatusOr<storage::ReportPage> page = parts_.store->List(query);
    if (!hidden_error.ok()) return done(hidden_error);
    if (!page.ok()) return done(page.status());
    absl::flat_hash_map<std::string, bool> erased;
    for (v1::Report& r : page->reports) {
      if (parts_.sealed != nullptr) {
        // Who reported it is in the stored record only.
        absl::StatusOr<internal::StoredReport> stored = parts_.store->GetStored(r.id());
        if (!stored.ok()) return done(stored.status());
        if (absl::Status s = MaskIfErased(stored->reporter(), &r, &erased); !s.ok()) return done(s);
      }
      *response->add_reports() = std::move(r);
    }
    response->set_next_page_token(page->next_page_token);
    done(absl::OkStatus());
  });
}

void ReportServiceImpl::Categories(const Caller& caller, const v1::ListCategoriesRequest& request,
                                   v1::ListCategoriesResponse* response, UnaryDone done) {
  absl::StatusOr<int> page_size = PageSize(request.page_size());
  if (!page_size.ok()) return done(page_size.status());
  if (!v1::CategoryGroup_IsValid(request.group())) {
    return done(InvalidFieldError("group", absl::StrCat("has unknown value ", request.group())));
  }
  absl::StatusOr<size_t> offset = CategoryOffset(request.page_token(), request.group());
  if (!offset.ok()) return done(offset.status());

  // Offsets count the categories that pass the filter, in catalog order.
  const std::shared_ptr<const storage::DeskRules> rules =
      parts_.desk != nullptr ? parts_.desk->Rules() : nullptr;
  size_t seen = 0;
  for (const catalog::Category& c : parts_.catalog->categories()) {
    if (!c.active) continue;
    if (request.group() != 0 && static_cast<int>(c.group) != request.group()) continue;
    if (seen++ < *offset) continue;
    if (response->categories_size() == *page_size) {
      response->set_next_page_token(CategoryPageToken(request.group(), seen - 1));
      break;
    }
    v1::Category& category = *response->add_categories() = CategoryToProto(c);
    if (rules != nullptr) parts_.desk->FillHandling(*rules, category);
  }
  done(absl::OkStatus());
}

}  // namespace wijkwacht::services
