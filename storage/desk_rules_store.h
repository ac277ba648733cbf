// DeskRulesStore: the dispatch desk's admin-managed tables — the routing table
// (DispatchService.SetRoutingRules) and the handling targets per category
// (SetHandlingTargets) — with their version history. Sole writer of the `routing_rules` and
// `handling_targets` column families.
//
// Each Set writes a new version (1, 2, ...; the highest is in force; older ones stay
// readable) and one hash-chained audit entry (AppendAudit: SetRoutingRules,
// SetHandlingTargets) in one commit. Optimistic concurrency: a Set names the version it
// replaces (0 for the first); another version in force is ABORTED naming it.
//
// The tables in force are also kept in memory as one immutable snapshot (Current()), so the
// report path decides an incident's department and deadline without a RocksDB read; the
// snapshot is replaced after a Set commits (this process is the only writer).
//
// Thread safety: all methods may be called concurrently.
// Errors: ABORTED (version), NOT_FOUND (no such version), DATA_LOSS (a record does not
// parse), UNAVAILABLE / RESOURCE_EXHAUSTED (engine). Validation of input is the caller's.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/desk/handling_time.h"
#include "domain/desk/routing.h"
#include "storage/dispatch_store.h"
#include "storage/engine.h"
#include "wijkwacht/v1/dispatch.pb.h"

namespace wijkwacht::storage {

// The tables in force, in API form and in the domain's form.
struct DeskRules {
  v1::RoutingRuleSet routing;  // version 0: none set
  std::vector<desk::RoutingRule> routing_rules;
  v1::HandlingTargetSet targets;  // version 0: none set
  std::vector<desk::HandlingTarget> handling_targets;
};

class DeskRulesStore {
 public:
  explicit DeskRulesStore(Engine* engine);

  // Reads the versions in force into memory; call once before serving.
  [[nodiscard]] absl::Status Load();
  [[nodiscard]] std::shared_ptr<const DeskRules> Current() const;

  [[nodiscard]] absl::StatusOr<v1::RoutingRuleSet> SetRoutingRules(
      const std::vector<v1::RoutingRule>& rules, int64_t replaces, const DispatchActor& actor);
  // 0 = the version in force.
  [[nodiscard]] absl::StatusOr<v1::RoutingRuleSet> RoutingRules(int64_t version) const;

  [[nodiscard]] absl::StatusOr<v1::HandlingTargetSet> SetHandlingTargets(
      const std::vector<v1::HandlingTarget>& targets, int64_t replaces,
      const DispatchActor& actor);
  [[nodiscard]] absl::StatusOr<v1::HandlingTargetSet> HandlingTargets(int64_t version) const;

 private:
  void Publish(const v1::RoutingRuleSet* routing, const v1::HandlingTargetSet* targets);

  Engine* const engine_;
  mutable std::mutex mu_;
  std::shared_ptr<const DeskRules> current_;
};

// The domain form of an API rule / target. Unparsable clock times become -1 and unknown days
// an out-of-range bit, which desk::ValidateRoutingRules reports.
[[nodiscard]] desk::RoutingRule RoutingRuleFromProto(const v1::RoutingRule& rule);
[[nodiscard]] desk::HandlingTarget HandlingTargetFromProto(const v1::HandlingTarget& target);

}  // namespace wijkwacht::storage
