#include "services/action_plan_service.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "common/text.h"
#include "domain/plan/enforcement_csv.h"
#include "google/protobuf/util/time_util.h"
#include "services/field_checks.h"
#include "services/report_mapping.h"
#include "wijkwacht/v1/dispatch.pb.h"
#include "storage/aggregate_store.h"

namespace wijkwacht::services {
namespace {

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;
constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxRationaleBytes = 2000;
constexpr size_t kMaxSummaryBytes = 20000;
constexpr size_t kMaxOutputBytes = 500;
constexpr size_t kMaxNoteBytes = 2000;
constexpr int kMaxPriorities = 20;
constexpr int kMaxAreas = 50;
constexpr int kMaxOutputs = 20;
constexpr int kMaxEnforcementCount = 1000;
constexpr size_t kMaxRefBytes = 100;

using google::protobuf::util::TimeUtil;

absl::Time Earliest() { return absl::FromCivil(absl::CivilDay(kMinYear, 1, 1), absl::UTCTimeZone()); }

storage::DispatchActor ActorOf(const Caller& caller) { return {caller.subject}; }

void CheckTheme(int theme, absl::string_view field, std::vector<FieldViolation>* v) {
  if (theme == v1::THEME_UNSPECIFIED || !v1::Theme_IsValid(theme)) {
    v->push_back({std::string(field), "is required: one of the five themes"});
  }
}

void CheckAreas(const google::protobuf::RepeatedPtrField<std::string>& codes,
                absl::string_view field, bool required, const geo::AreaIndex& areas,
                std::vector<FieldViolation>* v) {
  if (codes.empty() && required) v->push_back({std::string(field), "is required"});
  if (codes.size() > kMaxAreas) {
    v->push_back({std::string(field), absl::StrCat("holds more than ", kMaxAreas, " codes")});
    return;
  }
  std::set<std::string> seen;
  for (int i = 0; i < codes.size(); ++i) {
    const std::string path = absl::StrCat(field, "[", i, "]");
    if (areas.Find(codes[i]) == nullptr) {
      v->push_back({path, "is not a known area code"});
    } else if (!seen.insert(codes[i]).second) {
      v->push_back({path, "is listed twice"});
    }
  }
}

void CheckPlan(const v1::ActionPlan& plan, const geo::AreaIndex& areas,
               std::vector<FieldViolation>* v) {
  if (plan.year() < kMinYear || plan.year() > kMaxYear) {
    v->push_back({"action_plan.year", absl::StrCat("must be in [", kMinYear, ", ", kMaxYear, "]")});
  }
  CheckText(plan.title(), "action_plan.title", kMaxTitleBytes, true, false, v);
  CheckText(plan.results_summary(), "action_plan.results_summary", kMaxSummaryBytes, false, true,
            v);
  if (plan.priorities().empty()) v->push_back({"action_plan.priorities", "is required"});
  if (plan.priorities_size() > kMaxPriorities) {
    v->push_back({"action_plan.priorities", absl::StrCat("holds more than ", kMaxPriorities)});
    return;
  }
  for (int i = 0; i < plan.priorities_size(); ++i) {
    const v1::Priority& p = plan.priorities(i);
    const std::string path = absl::StrCat("action_plan.priorities[", i, "]");
    CheckTheme(p.theme(), path + ".theme", v);
    CheckAreas(p.area_codes(), path + ".area_codes", false, areas, v);
    CheckText(p.rationale(), path + ".rationale", kMaxRationaleBytes, false, true, v);
  }
}

// The measure fields a mask may name, and their checks. `all`: every field (creation).
const std::vector<std::string>& MeasurePaths() {
  static const auto* paths = new std::vector<std::string>{
      "title",           "theme",   "area_codes", "owner_department", "start_time",
      "end_time",        "planned_outputs", "status", "published"};
  return *paths;
}

void CheckMeasure(const v1::Measure& m, const std::set<std::string>& fields,
                  const geo::AreaIndex& areas, std::vector<FieldViolation>* v) {
  auto has = [&](absl::string_view f) { return fields.count(std::string(f)) > 0; };
  if (has("title")) CheckText(m.title(), "measure.title", kMaxTitleBytes, true, false, v);
  if (has("theme")) CheckTheme(m.theme(), "measure.theme", v);
  if (has("area_codes")) CheckAreas(m.area_codes(), "measure.area_codes", true, areas, v);
  if (has("owner_department")) {
    CheckText(m.owner_department(), "measure.owner_department", kMaxTitleBytes, true, false, v);
  }
  if (has("start_time") || has("end_time")) {
    absl::StatusOr<absl::Time> start = TimeFromProto(m.start_time(), "measure.start_time");
    absl::StatusOr<absl::Time> end = TimeFromProto(m.end_time(), "measure.end_time");
    if (!m.has_start_time() || !start.ok()) {
      v->push_back({"measure.start_time", "is required: a valid timestamp"});
    }
    if (!m.has_end_time() || !end.ok()) {
      v->push_back({"measure.end_time", "is required: a valid timestamp"});
    }
    if (m.has_start_time() && m.has_end_time() && start.ok() && end.ok() && *end <= *start) {
      v->push_back({"measure.end_time", "must be after start_time"});
    }
  }
  if (has("planned_outputs")) {
    if (m.planned_outputs_size() > kMaxOutputs) {
      v->push_back({"measure.planned_outputs", absl::StrCat("holds more than ", kMaxOutputs)});
    }
    for (int i = 0; i < m.planned_outputs_size() && i < kMaxOutputs; ++i) {
      const v1::PlannedOutput& o = m.planned_outputs(i);
      const std::string path = absl::StrCat("measure.planned_outputs[", i, "]");
      CheckText(o.description(), path + ".description", kMaxOutputBytes, true, false, v);
      if (o.target_count() < 0 || o.target_count() > 1000000) {
        v->push_back({path + ".target_count", "must be in [0, 1000000]"});
      }
      if (!v1::EnforcementActionType_IsValid(o.enforcement_type())) {
        v->push_back({path + ".enforcement_type", "is not an enforcement action type"});
      }
    }
  }
  if (has("status") && !v1::MeasureStatus_IsValid(m.status())) {
    v->push_back({"measure.status", absl::StrCat("has unknown value ", m.status())});
  }
}

bool PublicPlan(const Caller& caller, const v1::ActionPlan& plan) {
  return caller.IsStaff() || plan.published();
}

// What a caller may see of a measure (of a plan it may see): nullopt = nothing.
std::optional<v1::Measure> Visible(const Caller& caller, v1::Measure m) {
  if (caller.IsStaff()) return m;
  if (!m.published()) return std::nullopt;
  for (v1::ProgressNote& note : *m.mutable_progress_notes()) note.clear_author();
  return m;
}


// Checks a record from RecordEnforcement; fills `input` when it is valid.
void CheckRecord(const v1::EnforcementRecord& r, const geo::AreaIndex& areas, absl::Time now,
                 storage::EnforcementInput* input, std::vector<FieldViolation>* v) {
  if (r.type() == v1::ENFORCEMENT_ACTION_TYPE_UNSPECIFIED ||
      !v1::EnforcementActionType_IsValid(r.type())) {
    v->push_back({"record.type", "is required: an enforcement action type"});
  }
  const geo::Area* area = r.area_code().empty() ? nullptr : areas.Find(r.area_code());
  if (area == nullptr) v->push_back({"record.area_code", "is required: a known area code"});
  CheckTheme(r.theme(), "record.theme", v);
  absl::StatusOr<absl::Time> when = TimeFromProto(r.action_time(), "record.action_time");
  if (!r.has_action_time() || !when.ok()) {
    v->push_back({"record.action_time", "is required: a valid timestamp"});
  } else if (*when > now) {
    v->push_back({"record.action_time", "lies in the future"});
  } else if (*when < Earliest()) {
    v->push_back({"record.action_time", "lies before 2000"});
  }
  if (r.count() < 0 || r.count() > kMaxEnforcementCount) {
    v->push_back({"record.count", absl::StrCat("must be in [0, ", kMaxEnforcementCount, "]")});
  }
  CheckText(r.department(), "record.department", kMaxTitleBytes, true, false, v);
  CheckText(r.external_ref(), "record.external_ref", kMaxRefBytes, true, false, v);
  storage::MeasureRef measure;
  if (!r.measure().empty()) {
    absl::StatusOr<std::pair<int, uint32_t>> m = ParseMeasureName(r.measure(), "record.measure");
    if (!m.ok()) {
      v->push_back(GetFieldViolations(m.status()).front());
    } else {
      measure = {m->first, m->second};
    }
  }
  if (!v->empty()) return;
  input->record.set_type(r.type());
  input->record.set_area_code(r.area_code());
  *input->record.mutable_area() = AreaRefOf(areas, *area);
  input->record.set_theme(r.theme());
  *input->record.mutable_action_time() = r.action_time();
  input->record.set_count(r.count());
  input->record.set_measure(r.measure());
  input->record.set_department(r.department());
  input->record.set_external_ref(r.external_ref());
  input->record.set_source(v1::ENFORCEMENT_MANUAL);
  input->measure = measure;
}

}  // namespace

v1::AreaRef AreaRefOf(const geo::AreaIndex& areas, const geo::Area& area) {
  v1::AreaRef ref;
  ref.set_gemeente_code(area.gemeente_code);
  switch (area.level) {
    case geo::AreaLevel::kBuurt:
      ref.set_buurt_code(area.code);
      ref.set_wijk_code(area.parent_code);
      if (ref.gemeente_code().empty()) {
        if (const geo::Area* wijk = areas.Find(area.parent_code)) {
          ref.set_gemeente_code(wijk->parent_code);
        }
      }
      break;
    case geo::AreaLevel::kWijk:
      ref.set_wijk_code(area.code);
      if (ref.gemeente_code().empty()) ref.set_gemeente_code(area.parent_code);
      break;
    case geo::AreaLevel::kFocusArea:
      ref.add_focus_areas(area.code);
      if (ref.gemeente_code().empty()) ref.set_gemeente_code(area.parent_code);
      break;
    case geo::AreaLevel::kGemeente:
      ref.set_gemeente_code(area.code);
      break;
  }
  return ref;
}

bool AreaRefContains(const v1::AreaRef& ref, absl::string_view code) {
  if (code.empty()) return false;
  if (ref.gemeente_code() == code || ref.wijk_code() == code || ref.buurt_code() == code) {
    return true;
  }
  return std::find(ref.focus_areas().begin(), ref.focus_areas().end(), code) !=
         ref.focus_areas().end();
}

absl::StatusOr<storage::DispatchStore::AlsoStage> EnforcementOnResolve(
    const google::protobuf::RepeatedPtrField<v1::EnforcementAction>& actions,
    v1::IncidentStatus target) {
  constexpr int kMaxActions = 20;
  if (actions.empty()) return storage::DispatchStore::AlsoStage();
  std::vector<FieldViolation> v;
  if (target != v1::INCIDENT_RESOLVED) {
    v.push_back({"enforcement", "is only recorded when resolving (target_status INCIDENT_RESOLVED)"});
  }
  if (actions.size() > kMaxActions) {
    v.push_back({"enforcement", absl::StrCat("holds more than ", kMaxActions, " actions")});
  }
  std::vector<std::pair<v1::EnforcementAction, storage::MeasureRef>> checked;
  for (int i = 0; i < actions.size() && i < kMaxActions; ++i) {
    const v1::EnforcementAction& a = actions[i];
    const std::string path = absl::StrCat("enforcement[", i, "]");
    if (a.type() == v1::ENFORCEMENT_ACTION_TYPE_UNSPECIFIED ||
        !v1::EnforcementActionType_IsValid(a.type())) {
      v.push_back({path + ".type", "is required: an enforcement action type"});
    }
    if (a.count() < 0 || a.count() > kMaxEnforcementCount) {
      v.push_back({path + ".count", absl::StrCat("must be in [0, ", kMaxEnforcementCount, "]")});
    }
    storage::MeasureRef measure;
    if (!a.measure().empty()) {
      absl::StatusOr<std::pair<int, uint32_t>> m = ParseMeasureName(a.measure(), path + ".measure");
      if (!m.ok()) {
        v.push_back(GetFieldViolations(m.status()).front());
      } else {
        measure = {m->first, m->second};
      }
    }
    checked.emplace_back(a, measure);
  }
  if (!v.empty()) return InvalidFieldsError(std::move(v));
  return [checked = std::move(checked)](
             storage::WriteContext& ctx,
             const internal::StoredIncident& stored) -> absl::StatusOr<std::string> {
    const v1::Incident& incident = stored.incident();
    const v1::AreaRef& area = incident.area();
    const std::string& code = !area.buurt_code().empty()  ? area.buurt_code()
                              : !area.wijk_code().empty() ? area.wijk_code()
                                                          : area.gemeente_code();
    std::vector<std::string> names;
    for (size_t i = 0; i < checked.size(); ++i) {
      const auto& [action, measure] = checked[i];
      storage::EnforcementInput input;
      v1::EnforcementRecord& r = input.record;
      r.set_type(action.type());
      r.set_count(action.count());
      r.set_measure(action.measure());
      r.set_theme(incident.theme());
      r.set_area_code(code);
      *r.mutable_area() = area;
      *r.mutable_action_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(ctx.Now()));
      r.set_department(incident.assigned_team() != v1::TEAM_UNSPECIFIED
                           ? v1::Team_Name(incident.assigned_team())
                           : "DISPATCH");
      r.set_external_ref(absl::StrCat(incident.name(), "@", incident.version(), "#", i + 1));
      r.set_source(v1::ENFORCEMENT_FROM_DISPATCH);
      r.set_incident(incident.name());
      input.measure = measure;
      v1::EnforcementRecord out;
      WW_RETURN_IF_ERROR(PrefixFieldPaths(storage::EnforcementStore::Stage(ctx, input, &out),
                                          absl::StrCat("enforcement[", i, "]")));
      names.push_back(absl::StrCat(out.name(), " ", v1::EnforcementActionType_Name(out.type()),
                                   " x", out.count()));
    }
    return absl::StrCat("enforcement: ", absl::StrJoin(names, ", "));
  };
}

absl::StatusOr<int> ParseActionPlanName(absl::string_view name, absl::string_view field) {
  absl::string_view rest = name;
  int year = 0;
  if (name.empty()) return InvalidFieldError(field, "is required: \"actionPlans/{year}\"");
  if (!absl::ConsumePrefix(&rest, "actionPlans/") || rest.size() != 4 ||
      !absl::SimpleAtoi(rest, &year) || year < kMinYear || year > kMaxYear) {
    return InvalidFieldError(field, "must be \"actionPlans/{year}\"");
  }
  return year;
}

absl::StatusOr<std::pair<int, uint32_t>> ParseMeasureName(absl::string_view name,
                                                          absl::string_view field) {
  if (name.empty()) {
    return InvalidFieldError(field, "is required: \"actionPlans/{year}/measures/{number}\"");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  uint32_t number = 0;
  if (parts.size() != 4 || parts[2] != "measures" || parts[3].size() > 9 ||
      !absl::SimpleAtoi(parts[3], &number) || number == 0 || parts[3][0] == '+') {
    return InvalidFieldError(field, "must be \"actionPlans/{year}/measures/{number}\"");
  }
  absl::StatusOr<int> year = ParseActionPlanName(absl::StrCat(parts[0], "/", parts[1]), field);
  if (!year.ok()) {
    return InvalidFieldError(field, "must be \"actionPlans/{year}/measures/{number}\"");
  }
  return std::make_pair(*year, number);
}

void ActionPlanServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.ActionPlanService/CreateActionPlan", this, &ActionPlanServiceImpl::CreatePlan);
  table->Unary("/wijkwacht.v1.ActionPlanService/GetActionPlan", this, &ActionPlanServiceImpl::GetPlan);
  table->Unary("/wijkwacht.v1.ActionPlanService/ListActionPlans", this, &ActionPlanServiceImpl::ListPlans);
  table->Unary("/wijkwacht.v1.ActionPlanService/CreateMeasure", this, &ActionPlanServiceImpl::Create);
  table->Unary("/wijkwacht.v1.ActionPlanService/UpdateMeasure", this, &ActionPlanServiceImpl::Update);
  table->Unary("/wijkwacht.v1.ActionPlanService/ListMeasures", this, &ActionPlanServiceImpl::List);
  table->Unary("/wijkwacht.v1.ActionPlanService/RecordEnforcement", this, &ActionPlanServiceImpl::Record);
  table->Unary("/wijkwacht.v1.ActionPlanService/ImportEnforcement", this, &ActionPlanServiceImpl::Import);
  table->Unary("/wijkwacht.v1.ActionPlanService/ListEnforcement", this, &ActionPlanServiceImpl::ListRecords);
}

void ActionPlanServiceImpl::CreatePlan(const Caller& caller,
                                       const v1::CreateActionPlanRequest& request,
                                       v1::ActionPlan* response, UnaryDone done) {
  if (!request.has_action_plan()) return done(InvalidFieldError("action_plan", "is required"));
  std::vector<FieldViolation> v;
  CheckPlan(request.action_plan(), *parts_.areas, &v);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.workers->Schedule([this, caller, plan = request.action_plan(), response,
                            done = std::move(done)] {
    absl::StatusOr<v1::ActionPlan> stored = parts_.plans->CreatePlan(plan, ActorOf(caller));
    if (!stored.ok()) return done(stored.status());
    *response = *std::move(stored);
    done(absl::OkStatus());
  });
}

void ActionPlanServiceImpl::GetPlan(const Caller& caller, const v1::GetActionPlanRequest& request,
                                    v1::ActionPlan* response, UnaryDone done) {
  absl::StatusOr<int> year = ParseActionPlanName(request.name(), "name");
  if (!year.ok()) return done(year.status());
  parts_.workers->Schedule([this, caller, year = *year, response, done = std::move(done)] {
    absl::StatusOr<v1::ActionPlan> plan = parts_.plans->GetPlan(year);
    if (!plan.ok()) return done(plan.status());
    if (!PublicPlan(caller, *plan)) {
      return done(absl::NotFoundError(absl::StrCat(plan->name(), " does not exist")));
    }
    *response = *std::move(plan);
    done(absl::OkStatus());
  });
}

void ActionPlanServiceImpl::ListPlans(const Caller& caller,
                                      const v1::ListActionPlansRequest& request,
                                      v1::ListActionPlansResponse* response, UnaryDone done) {
  absl::StatusOr<int> page_size = PageSizeOf(request.page_size());
  if (!page_size.ok()) return done(page_size.status());
  absl::StatusOr<size_t> offset = PageOffset(request.page_token(), "plans");
  if (!offset.ok()) return done(offset.status());
  parts_.workers->Schedule([this, caller, page_size = *page_size, offset = *offset, response,
                            done = std::move(done)] {
    absl::StatusOr<std::vector<v1::ActionPlan>> plans = parts_.plans->ListPlans();
    if (!plans.ok()) return done(plans.status());
    size_t seen = 0;
    for (v1::ActionPlan& plan : *plans) {
      if (!PublicPlan(caller, plan)) continue;
      if (seen++ < offset) continue;
      if (response->action_plans_size() == page_size) {
        response->set_next_page_token(PageToken("plans", seen - 1));
        break;
      }
      *response->add_action_plans() = std::move(plan);
    }
    done(absl::OkStatus());
  });
}

void ActionPlanServiceImpl::Create(const Caller& caller, const v1::CreateMeasureRequest& request,
                                   v1::Measure* response, UnaryDone done) {
  absl::StatusOr<int> year = ParseActionPlanName(request.parent(), "parent");
  if (!year.ok()) return done(year.status());
  if (!request.has_measure()) return done(InvalidFieldError("measure", "is required"));
  std::vector<FieldViolation> v;
  const std::set<std::string> all(MeasurePaths().begin(), MeasurePaths().end());
  CheckMeasure(request.measure(), all, *parts_.areas, &v);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.workers->Schedule([this, caller, year = *year, measure = request.measure(), response,
                            done = std::move(done)] {
    absl::StatusOr<v1::Measure> stored =
        parts_.plans->CreateMeasure(year, measure, ActorOf(caller));
    if (!stored.ok()) return done(stored.status());
    *response = *std::move(stored);
    done(absl::OkStatus());
  });
}

void ActionPlanServiceImpl::Update(const Caller& caller, const v1::UpdateMeasureRequest& request,
                                   v1::Measure* response, UnaryDone done) {
  absl::StatusOr<std::pair<int, uint32_t>> name =
      ParseMeasureName(request.measure().name(), "measure.name");
  if (!name.ok()) return done(name.status());
  if (request.measure().version() <= 0) {
    return done(InvalidFieldError("measure.version", "is required: the version read"));
  }
  std::vector<FieldViolation> v;
  std::set<std::string> fields;
  for (int i = 0; i < request.update_mask().paths_size(); ++i) {
    const std::string& path = request.update_mask().paths(i);
    if (std::find(MeasurePaths().begin(), MeasurePaths().end(), path) == MeasurePaths().end()) {
      v.push_back({absl::StrCat("update_mask.paths[", i, "]"),
                   absl::StrCat("must be one of: ", absl::StrJoin(MeasurePaths(), ", "))});
    }
    fields.insert(path);
  }
  CheckText(request.progress_note(), "progress_note", kMaxNoteBytes, false, true, &v);
  if (fields.empty() && request.progress_note().empty()) {
    v.push_back({"update_mask", "names no field and progress_note is empty: nothing to change"});
  }
  // start and end are checked together: a mask naming one checks it against the other sent.
  CheckMeasure(request.measure(), fields, *parts_.areas, &v);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  auto apply = [fields, in = request.measure()](v1::Measure& m) {
    auto has = [&fields](const char* f) { return fields.count(f) > 0; };
    if (has("title")) m.set_title(in.title());
    if (has("theme")) m.set_theme(in.theme());
    if (has("area_codes")) *m.mutable_area_codes() = in.area_codes();
    if (has("owner_department")) m.set_owner_department(in.owner_department());
    if (has("start_time")) *m.mutable_start_time() = in.start_time();
    if (has("end_time")) *m.mutable_end_time() = in.end_time();
    if (has("planned_outputs")) *m.mutable_planned_outputs() = in.planned_outputs();
    if (has("status")) {
      m.set_status(in.status() == v1::MEASURE_STATUS_UNSPECIFIED ? v1::MEASURE_PLANNED
                                                                 : in.status());
    }
    if (has("published")) m.set_published(in.published());
    return absl::OkStatus();
  };
  std::string detail = fields.empty() ? "progress note"
                                      : absl::StrCat("changed ", absl::StrJoin(fields, ", "));
  if (!fields.empty() && !request.progress_note().empty()) absl::StrAppend(&detail, "; note");
  parts_.workers->Schedule([this, caller, name = *name, version = request.measure().version(),
                            apply = std::move(apply), note = request.progress_note(),
                            detail = std::move(detail), response, done = std::move(done)] {
    absl::StatusOr<v1::Measure> stored = parts_.plans->UpdateMeasure(
        name.first, name.second, version, apply, note, detail, ActorOf(caller));
    if (!stored.ok()) return done(stored.status());
    *response = *std::move(stored);
    done(absl::OkStatus());
  });
}

void ActionPlanServiceImpl::List(const Caller& caller, const v1::ListMeasuresRequest& request,
                                 v1::ListMeasuresResponse* response, UnaryDone done) {
  absl::StatusOr<int> year = ParseActionPlanName(request.parent(), "parent");
  if (!year.ok()) return done(year.status());
  absl::StatusOr<int> page_size = PageSizeOf(request.page_size());
  if (!page_size.ok()) return done(page_size.status());
  if (!v1::Theme_IsValid(request.theme())) {
    return done(InvalidFieldError("theme", absl::StrCat("has unknown value ", request.theme())));
  }
  const std::string filters = absl::StrCat(request.parent(), "/", request.theme());
  absl::StatusOr<size_t> offset = PageOffset(request.page_token(), filters);
  if (!offset.ok()) return done(offset.status());
  parts_.workers->Schedule([this, caller, year = *year, theme = request.theme(), filters,
                            page_size = *page_size, offset = *offset, response,
                            done = std::move(done)] {
    absl::StatusOr<v1::ActionPlan> plan = parts_.plans->GetPlan(year);
    if (!plan.ok()) return done(plan.status());
    if (!PublicPlan(caller, *plan)) {
      return done(absl::NotFoundError(absl::StrCat(plan->name(), " does not exist")));
    }
    absl::StatusOr<std::vector<v1::Measure>> measures = parts_.plans->ListMeasures(year);
    if (!measures.ok()) return done(measures.status());
    size_t seen = 0;
    for (v1::Measure& m : *measures) {
      if (theme != v1::THEME_UNSPECIFIED && m.theme() != theme) continue;
      std::optional<v1::Measure> visible = Visible(caller, std::move(m));
      if (!visible) continue;
      if (seen++ < offset) continue;
      if (response->measures_size() == page_size) {
        response->set_next_page_token(PageToken(filters, seen - 1));
        break;
      }
      *response->add_measures() = *std::move(visible);
    }
    done(absl::OkStatus());
  });
}

void ActionPlanServiceImpl::Record(const Caller& caller,
                                   const v1::RecordEnforcementRequest& request,
                                   v1::EnforcementRecord* response, UnaryDone done) {
  if (!request.has_record()) return done(InvalidFieldError("record", "is required"));
  std::vector<FieldViolation> v;
  storage::EnforcementInput input;
  const Clock* clock = parts_.clock != nullptr ? parts_.clock : SystemClock();
  CheckRecord(request.record(), *parts_.areas, clock->Now(), &input, &v);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  parts_.workers->Schedule([this, caller, input = std::move(input), response,
                            done = std::move(done)] {
    absl::StatusOr<v1::EnforcementRecord> stored =
        parts_.enforcement->Record(input, ActorOf(caller));
    if (!stored.ok()) return done(stored.status());
    *response = *std::move(stored);
    done(absl::OkStatus());
  });
}

void ActionPlanServiceImpl::Import(const Caller& caller,
                                   const v1::ImportEnforcementRequest& request,
                                   v1::ImportEnforcementResponse* response, UnaryDone done) {
  if (request.csv().empty()) return done(InvalidFieldError("csv", "is required"));
  // Parsed on a worker: a measure named by a row is looked up in the store.
  parts_.workers->Schedule([this, caller, request, response, done = std::move(done)] {
    const geo::AreaIndex* areas = parts_.areas;
    plan::EnforcementCsvOptions options;
    options.time_zone = storage::MapTimeZone();
    options.now = (parts_.clock != nullptr ? parts_.clock : SystemClock())->Now();
    absl::StatusOr<std::vector<plan::EnforcementRow>> rows = plan::ParseEnforcementCsv(
        request.csv(),
        [areas](std::string_view code) {
          return areas->Find(absl::string_view(code.data(), code.size())) != nullptr;
        },
        [this](std::string_view name) {
          absl::StatusOr<std::pair<int, uint32_t>> m =
              ParseMeasureName(absl::string_view(name.data(), name.size()), "measure");
          return m.ok() && parts_.plans->GetMeasure(m->first, m->second).ok();
        },
        options);
    if (!rows.ok()) return done(rows.status());
    std::vector<storage::EnforcementInput> inputs;
    inputs.reserve(rows->size());
    for (const plan::EnforcementRow& row : *rows) {
      storage::EnforcementInput& in = inputs.emplace_back();
      v1::EnforcementRecord& r = in.record;
      r.set_type(static_cast<v1::EnforcementActionType>(row.type));
      r.set_area_code(row.area_code);
      *r.mutable_area() = AreaRefOf(*areas, *areas->Find(row.area_code));
      r.set_theme(static_cast<v1::Theme>(row.theme));
      *r.mutable_action_time() =
          TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(row.action_time));
      r.set_count(row.count);
      r.set_department(row.department);
      r.set_external_ref(row.external_ref);
      r.set_measure(row.measure);
      r.set_source(v1::ENFORCEMENT_IMPORT);
      if (!row.measure.empty()) {
        absl::StatusOr<std::pair<int, uint32_t>> m = ParseMeasureName(row.measure, "measure");
        if (m.ok()) in.measure = {m->first, m->second};
      }
    }
    response->set_imported_rows(static_cast<int>(inputs.size()));
    if (request.validate_only()) return done(absl::OkStatus());
    done(parts_.enforcement->ImportAll(std::move(inputs), ActorOf(caller)));
  });
}

void ActionPlanServiceImpl::ListRecords(const Caller& caller,
                                        const v1::ListEnforcementRequest& request,
                                        v1::ListEnforcementResponse* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<int> page_size = PageSizeOf(request.page_size());
  if (!page_size.ok()) v.push_back(GetFieldViolations(page_size.status()).front());
  if (!request.area_code().empty() && parts_.areas->Find(request.area_code()) == nullptr) {
    v.push_back({"area_code", "is not a known area code"});
  }
  if (!v1::Theme_IsValid(request.theme())) {
    v.push_back({"theme", absl::StrCat("has unknown value ", request.theme())});
  }
  if (!request.measure().empty()) {
    absl::StatusOr<std::pair<int, uint32_t>> m = ParseMeasureName(request.measure(), "measure");
    if (!m.ok()) v.push_back(GetFieldViolations(m.status()).front());
  }
  absl::Time start = Earliest();
  absl::Time end = (parts_.clock != nullptr ? parts_.clock : SystemClock())->Now() + absl::Hours(48);
  if (request.has_start_time()) {
    absl::StatusOr<absl::Time> t = TimeFromProto(request.start_time(), "start_time");
    if (!t.ok()) v.push_back({"start_time", "is not a valid timestamp"});
    else start = std::max(start, *t);
  }
  if (request.has_end_time()) {
    absl::StatusOr<absl::Time> t = TimeFromProto(request.end_time(), "end_time");
    if (!t.ok()) v.push_back({"end_time", "is not a valid timestamp"});
    else end = std::min(end, *t);
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  // Bound to the filters as sent (an open end moves with the clock).
  const std::string filters = absl::StrCat(
      request.area_code(), "/", request.theme(), "/", request.measure(), "/",
      request.has_start_time() ? absl::ToUnixMicros(start) : -1, "/",
      request.has_end_time() ? absl::ToUnixMicros(end) : -1);
  absl::StatusOr<size_t> offset = PageOffset(request.page_token(), filters);
  if (!offset.ok()) return done(offset.status());
  parts_.workers->Schedule([this, request, start, end, filters, page_size = *page_size,
                            offset = *offset, response, done = std::move(done)] {
    std::vector<v1::EnforcementRecord> matching;
    absl::Status s = parts_.enforcement->ForEachInDays(
        storage::MapDay(start), storage::MapDay(end) + 1, [&](const v1::EnforcementRecord& r) {
          const absl::Time t =
              absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(r.action_time()));
          if (t < start || t >= end) return true;
          if (!request.area_code().empty() && !AreaRefContains(r.area(), request.area_code())) {
            return true;
          }
          if (request.theme() != v1::THEME_UNSPECIFIED && r.theme() != request.theme()) return true;
          if (!request.measure().empty() && r.measure() != request.measure()) return true;
          matching.push_back(r);
          return true;
        });
    if (!s.ok()) return done(s);
    std::stable_sort(matching.begin(), matching.end(), [](const auto& a, const auto& b) {
      return TimeUtil::TimestampToMicroseconds(a.action_time()) >
             TimeUtil::TimestampToMicroseconds(b.action_time());
    });
    for (size_t i = offset; i < matching.size(); ++i) {
      if (response->records_size() == page_size) {
        response->set_next_page_token(PageToken(filters, i));
        break;
      }
      *response->add_records() = std::move(matching[i]);
    }
    done(absl::OkStatus());
  });
}

}  // namespace wijkwacht::services
