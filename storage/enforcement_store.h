// EnforcementStore: enforcement (handhaving) actions per area x theme x day, from the dispatch
// desk, manual entry and department imports (the enforcement column family; this class alone
// writes it).
//
// A record is identified by (department, external_ref): storing a record with a reference
// already stored replaces that record (so re-importing a corrected file, or recording the
// same action twice, does not count it twice); a new reference gets the next number
// ("enforcement/{number}"). Records point at a measure only when it exists
// (ActionPlanStore::CheckMeasure, NOT_FOUND otherwise). Record and ImportAll commit in ONE
// synced batch with their audit entry; Stage writes within a caller's batch (a dispatch
// transition, audited there).
//
// Records are read by the civil day of their action (Europe/Amsterdam): ForEachInDays visits
// [first, end) in day order.
//
// Thread safety: all methods may be called concurrently. Errors: NOT_FOUND (measure),
// UNAVAILABLE / RESOURCE_EXHAUSTED (engine), DATA_LOSS (a stored value does not parse).
#pragma once

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "storage/action_plan_store.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "wijkwacht/v1/action_plan.pb.h"

namespace wijkwacht::storage {

// A record to store, validated by the caller (area resolved, action_time set).
struct EnforcementInput {
  v1::EnforcementRecord record;
  MeasureRef measure;  // parsed from record.measure()
};

class EnforcementStore {
 public:
  // `engine` is not owned and must outlive the store.
  explicit EnforcementStore(Engine* engine) : engine_(engine) {}

  [[nodiscard]] absl::StatusOr<v1::EnforcementRecord> Record(EnforcementInput input,
                                                             const DispatchActor& actor);
  // Every record, one batch, one audit entry ("ImportEnforcement", n records).
  [[nodiscard]] absl::Status ImportAll(std::vector<EnforcementInput> inputs,
                                       const DispatchActor& actor);
  // Stages `input` within the caller's write; `out` (may be null) gets the stored record.
  [[nodiscard]] static absl::Status Stage(WriteContext& ctx, EnforcementInput input,
                                          v1::EnforcementRecord* out);

  // Visits the records whose action day is in [first, end), in day order; stops when
  // `visit` returns false.
  [[nodiscard]] absl::Status ForEachInDays(
      absl::CivilDay first, absl::CivilDay end,
      const std::function<bool(const v1::EnforcementRecord&)>& visit) const;

 private:
  Engine* const engine_;
};

}  // namespace wijkwacht::storage
