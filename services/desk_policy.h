// DeskPolicy: the dispatch desk's tables (storage::DeskRulesStore: routing rules and handling
// targets) applied to an incident, a report about to be stored, or a category. The one place
// the services turn those tables into a department, a deadline or a handling message:
// SubmitReport and SyncService.Push (Decide, before the write, so the report writer only
// copies the result into an incident it opens), ReclassifyIncident (Reroute), ExplainRouting
// (Route) and ListCategories / the SubmitReport answer (FillHandling).
//
// Routing input: the category code, its group (the catalogue), the theme, every area code
// (gemeente, wijk, buurt, focus areas) and the time of the decision, read in Europe/Amsterdam.
// Deadlines: desk::DueTime from when the incident came in (its creation), the category's
// target (or the default target), the holiday calendar of the server's options.
//
// Thread safety: immutable after construction; all methods may be called concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/catalog/category_catalog.h"
#include "domain/desk/handling_time.h"
#include "domain/desk/routing.h"
#include "storage/desk_rules_store.h"
#include "storage/dispatch_store.h"
#include "storage/incident_store.h"
#include "storage/report_store.h"
#include "wijkwacht/v1/report.pb.h"

namespace wijkwacht::services {

class DeskPolicy {
 public:
  // No pointer is owned; all must outlive the policy. `clock` null: the system clock.
  DeskPolicy(const storage::DeskRulesStore* rules, const catalog::CategoryCatalog* catalog,
             desk::HolidayCalendar calendar, const Clock* clock);

  [[nodiscard]] std::shared_ptr<const storage::DeskRules> Rules() const { return rules_->Current(); }

  // The first matching rule for an incident of `category`/`theme` in `area_codes` at `now`.
  [[nodiscard]] desk::RoutingDecision Route(const storage::DeskRules& rules,
                                            const std::string& category, int theme,
                                            std::vector<std::string> area_codes,
                                            absl::Time now) const;
  // The deadline of an incident of `category` that came in at `received`; none without a
  // target.
  [[nodiscard]] std::optional<absl::Time> Due(const storage::DeskRules& rules,
                                              absl::string_view category,
                                              absl::Time received) const;

  // Department and deadline for the incident `report` opens if it opens one, decided now.
  void Decide(storage::NewReport& report) const;
  // For ReclassifyIncident: department (from the rules, at `now`) and deadline (from the
  // incident's creation) for the incident as reclassified.
  [[nodiscard]] storage::DispatchStore::Reroute Reroute() const;

  // Category.handling_message / expected_handling_days / expected_handling_unit.
  void FillHandling(const storage::DeskRules& rules, v1::Category& category) const;
  // The same on SubmitReport's answer, for the report's category.
  void FillHandling(const storage::DeskRules& rules, v1::Report& report) const;

 private:
  const storage::DeskRulesStore* const rules_;
  const catalog::CategoryCatalog* const catalog_;
  const desk::HolidayCalendar calendar_;
  const Clock* const clock_;
  absl::TimeZone zone_;
};

}  // namespace wijkwacht::services
