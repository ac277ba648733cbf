// ActionPlanStore: the Actieplan per year and its measures (the action_plans column family;
// this class alone writes it). Every write commits in ONE synced batch together with its
// audit entry (storage::AppendAudit), so nothing is changed without being audited.
//
// Plans are keyed by year (one per year); measures are numbered 1, 2, ... within their plan
// in the order they were created (the single writer makes numbering race-free). Reads list
// everything of a plan: plans and measures are few (tens per year).
//
// Thread safety: all methods may be called concurrently. Errors: ALREADY_EXISTS (a plan for
// the year exists), NOT_FOUND (no such plan / measure), ABORTED (UpdateMeasure with a version
// that is not the stored one), whatever `apply` returns, UNAVAILABLE / RESOURCE_EXHAUSTED
// from the engine, DATA_LOSS for a stored value that does not parse.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "wijkwacht/v1/action_plan.pb.h"

namespace wijkwacht::storage {

// A measure by its plan year and number (year 0: none).
struct MeasureRef {
  int year = 0;
  uint32_t number = 0;
};

class ActionPlanStore {
 public:
  // Within another store's write: NOT_FOUND naming the measure when `ref` (year != 0) is not
  // a stored measure. Lets records that point at a measure (enforcement) refer only to
  // existing ones.
  [[nodiscard]] static absl::Status CheckMeasure(WriteContext& ctx, const MeasureRef& ref);

  // `engine` is not owned and must outlive the store.
  explicit ActionPlanStore(Engine* engine) : engine_(engine) {}

  // Stores `plan` (validated by the caller) as "actionPlans/{year}" with create_time now.
  [[nodiscard]] absl::StatusOr<v1::ActionPlan> CreatePlan(v1::ActionPlan plan,
                                                          const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<v1::ActionPlan> GetPlan(int year) const;
  // Every plan, newest year first.
  [[nodiscard]] absl::StatusOr<std::vector<v1::ActionPlan>> ListPlans() const;

  // Adds `measure` (validated by the caller) to the plan of `year` with the next number,
  // version 1, status MEASURE_PLANNED when unset, and its times set to now.
  [[nodiscard]] absl::StatusOr<v1::Measure> CreateMeasure(int year, v1::Measure measure,
                                                          const DispatchActor& actor);
  // Runs `apply` on the stored measure when its version is `version`, then stores it with
  // the version increased and update_time now. `note` (when not empty) is appended as a
  // progress note by the actor. `detail` goes into the audit entry.
  using MeasureChange = std::function<absl::Status(v1::Measure&)>;
  [[nodiscard]] absl::StatusOr<v1::Measure> UpdateMeasure(int year, uint32_t number,
                                                          int64_t version, MeasureChange apply,
                                                          std::string note, std::string detail,
                                                          const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<v1::Measure> GetMeasure(int year, uint32_t number) const;
  // The plan's measures in number order (empty when the plan has none or does not exist).
  [[nodiscard]] absl::StatusOr<std::vector<v1::Measure>> ListMeasures(int year) const;

 private:
  Engine* const engine_;
};

}  // namespace wijkwacht::storage
