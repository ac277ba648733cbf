#include "services/desk_policy.h"

#include <utility>

#include "google/protobuf/util/time_util.h"
#include "storage/aggregate_store.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

storage::IncidentOpening OpeningOf(const storage::DeskRules& rules,
                                   const desk::RoutingDecision& decision) {
  storage::IncidentOpening opening;
  if (!decision.rule) return opening;
  opening.department = decision.department;
  opening.rule_position = *decision.rule + 1;
  opening.rules_version = rules.routing.version();
  opening.rule_label = rules.routing_rules[*decision.rule].label;
  return opening;
}

// Category and Report carry the same three handling fields.
template <typename Message>
void SetHandling(const desk::HandlingTarget* target, Message& message) {
  if (target == nullptr) return;
  message.set_handling_message(target->message);
  message.set_expected_handling_days(target->days);
  message.set_expected_handling_unit(static_cast<v1::HandlingDayUnit>(target->unit));
}

}  // namespace

DeskPolicy::DeskPolicy(const storage::DeskRulesStore* rules, const catalog::CategoryCatalog* catalog,
                       desk::HolidayCalendar calendar, const Clock* clock)
    : rules_(rules),
      catalog_(catalog),
      calendar_(std::move(calendar)),
      clock_(clock != nullptr ? clock : SystemClock()),
      zone_(storage::MapTimeZone()) {}

desk::RoutingDecision DeskPolicy::Route(const storage::DeskRules& rules, const std::string& category,
                                        int theme, std::vector<std::string> area_codes,
                                        absl::Time now) const {
  desk::RoutingInput input;
  input.category = category;
  if (const catalog::Category* c = catalog_ != nullptr ? catalog_->Find(category) : nullptr) {
    input.category_group = static_cast<int>(c->group);
  }
  input.theme = theme;
  input.area_codes = std::move(area_codes);
  input.time = now;
  return desk::Route(rules.routing_rules, input, zone_);
}

std::optional<absl::Time> DeskPolicy::Due(const storage::DeskRules& rules,
                                          absl::string_view category, absl::Time received) const {
  const desk::HandlingTarget* target = desk::FindTarget(rules.handling_targets, category);
  if (target == nullptr) return std::nullopt;
  return desk::DueTime(received, target->days, target->unit, calendar_, zone_);
}

void DeskPolicy::Decide(storage::NewReport& report) const {
  const std::shared_ptr<const storage::DeskRules> rules = Rules();
  if (rules->routing_rules.empty() && rules->handling_targets.empty()) return;
  const absl::Time now = clock_->Now();
  report.opening = OpeningOf(*rules, Route(*rules, report.report.category(), report.report.theme(),
                                           report.area_codes, now));
  report.opening.due_time = Due(*rules, report.report.category(), now);
}

storage::DispatchStore::Reroute DeskPolicy::Reroute() const {
  return [this, rules = Rules()](const internal::StoredIncident& stored, absl::Time now) {
    const v1::Incident& incident = stored.incident();
    std::vector<std::string> areas = storage::ReportAreaCodes(incident.area());
    areas.insert(areas.end(), stored.area_codes().begin(), stored.area_codes().end());
    storage::IncidentOpening opening =
        OpeningOf(*rules, Route(*rules, incident.category(), incident.theme(), std::move(areas), now));
    opening.due_time = Due(*rules, incident.category(),
                           absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(incident.create_time())));
    return opening;
  };
}

void DeskPolicy::FillHandling(const storage::DeskRules& rules, v1::Category& category) const {
  SetHandling(desk::FindTarget(rules.handling_targets, category.code()), category);
}

void DeskPolicy::FillHandling(const storage::DeskRules& rules, v1::Report& report) const {
  SetHandling(desk::FindTarget(rules.handling_targets, report.category()), report);
}

}  // namespace wijkwacht::services
