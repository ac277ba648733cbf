// wijkwacht.v1.ActionPlanService over the gRPC callback API: the yearly Actieplan with its
// ranked priorities and its measures (storage/action_plan_store.h holds them).
//
// Validation (INVALID_ARGUMENT naming every bad field, e.g. "measure.area_codes[2]"): text
// fields are UTF-8 without control characters (tab and newlines allowed in long text) within
// the lengths stated in action_plan.proto; themes are one of the five; area codes are known
// areas (buurt, wijk, focus area or the gemeente); start_time < end_time. Names:
// "actionPlans/{year}", "actionPlans/{year}/measures/{number}".
//
// Authorization: writes (CreateActionPlan, CreateMeasure, UpdateMeasure) by the roles of
// services/access_policy.h (analysts and admins: the municipality's policy staff), each
// audited in the same batch. Reads are open to anyone, but callers without a staff role see
// only published plans and, in them, published measures (anything else is NOT_FOUND, as if
// it did not exist), and progress notes without their author.
//
// Enforcement (storage/enforcement_store.h): RecordEnforcement and ImportEnforcement (CSV,
// domain/plan/enforcement_csv.h: every bad row reported as "csv.line[N].<column>", a file
// with any bad row stores nothing) by the roles of the access table, audited; a measure named
// by a record must exist (NOT_FOUND). A record's area_code is a buurt, wijk, focus area or
// the gemeente; its `area` is filled from the area index. ListEnforcement (staff) lists
// records newest action first, filtered by area (any level), theme, measure and time range.
// Enforcement counts reach the public only as k-anonymised counts (MapService layer).
//
// Lists page with an opaque page_token bound to the request's filters (default 50, max
// 1000 per page).
//
// Thread safety: one instance serves all calls concurrently; storage calls run on `workers`.
#pragma once

#include "common/worker_pool.h"
#include "domain/geo/area_index.h"
#include "services/method_table.h"
#include "services/unary_call.h"
#include "common/clock.h"
#include "storage/action_plan_store.h"
#include "storage/enforcement_store.h"
#include "wijkwacht/v1/action_plan.grpc.pb.h"

namespace wijkwacht::services {

class ActionPlanServiceImpl final {
 public:
  struct Parts {
    storage::ActionPlanStore* plans = nullptr;
    const geo::AreaIndex* areas = nullptr;
    WorkerPool* workers = nullptr;
    const CallGate* gate = nullptr;
    storage::EnforcementStore* enforcement = nullptr;
    const Clock* clock = nullptr;  // nullptr: the system clock
  };
  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);

  explicit ActionPlanServiceImpl(Parts parts) : parts_(parts) {}

 private:
  void CreatePlan(const Caller& caller, const v1::CreateActionPlanRequest& request,
                  v1::ActionPlan* response, UnaryDone done);
  void GetPlan(const Caller& caller, const v1::GetActionPlanRequest& request,
               v1::ActionPlan* response, UnaryDone done);
  void ListPlans(const Caller& caller, const v1::ListActionPlansRequest& request,
                 v1::ListActionPlansResponse* response, UnaryDone done);
  void Create(const Caller& caller, const v1::CreateMeasureRequest& request,
              v1::Measure* response, UnaryDone done);
  void Update(const Caller& caller, const v1::UpdateMeasureRequest& request,
              v1::Measure* response, UnaryDone done);
  void List(const Caller& caller, const v1::ListMeasuresRequest& request,
            v1::ListMeasuresResponse* response, UnaryDone done);
  void Record(const Caller& caller, const v1::RecordEnforcementRequest& request,
              v1::EnforcementRecord* response, UnaryDone done);
  void Import(const Caller& caller, const v1::ImportEnforcementRequest& request,
              v1::ImportEnforcementResponse* response, UnaryDone done);
  void ListRecords(const Caller& caller, const v1::ListEnforcementRequest& request,
                   v1::ListEnforcementResponse* response, UnaryDone done);

  Parts parts_;
};

// The dispatch desk's hook (DispatchService.TransitionIncident): checks `actions` (field paths
// "enforcement[i].type", ...; they need `target` INCIDENT_RESOLVED) and returns what stages
// them as enforcement records of the incident (theme, areas; the action time is the commit's,
// the department the assigned team) in the transition's write; nullptr when there are none.
[[nodiscard]] absl::StatusOr<storage::DispatchStore::AlsoStage> EnforcementOnResolve(
    const google::protobuf::RepeatedPtrField<v1::EnforcementAction>& actions,
    v1::IncidentStatus target);

// "actionPlans/{year}" -> year; INVALID_ARGUMENT on `field` otherwise.
[[nodiscard]] absl::StatusOr<int> ParseActionPlanName(absl::string_view name,
                                                      absl::string_view field);
// The areas `code` (a known area) lies in: itself, and for a buurt its wijk, for every level
// its gemeente.
[[nodiscard]] v1::AreaRef AreaRefOf(const geo::AreaIndex& areas, const geo::Area& area);
// True when `ref` names `code` at any level (gemeente, wijk, buurt, focus area).
[[nodiscard]] bool AreaRefContains(const v1::AreaRef& ref, absl::string_view code);

// "actionPlans/{year}/measures/{number}" -> (year, number); INVALID_ARGUMENT on `field`.
[[nodiscard]] absl::StatusOr<std::pair<int, uint32_t>> ParseMeasureName(absl::string_view name,
                                                                        absl::string_view field);

}  // namespace wijkwacht::services
