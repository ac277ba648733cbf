// DispatchService: the desk's tables — routing rules and handling targets (see
// dispatch_service.h, "Routing and deadlines").
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "domain/access/need_to_know.h"
#include "google/protobuf/util/time_util.h"
#include "services/dispatch_service.h"
#include "services/report_mapping.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

storage::DispatchActor ActorOf(const Caller& caller) { return {caller.subject}; }

absl::Status NoDeskTables() {
  return absl::FailedPreconditionError("routing rules and handling targets are not kept here");
}

// `code` and its enclosing areas (buurt -> wijk -> gemeente; focus area -> gemeente).
std::vector<std::string> WithEnclosing(const geo::AreaIndex& areas, const std::string& code) {
  std::vector<std::string> out;
  for (const geo::Area* a = areas.Find(code); a != nullptr && out.size() < 8;
       a = a->parent_code.empty() ? nullptr : areas.Find(a->parent_code)) {
    out.push_back(a->code);
  }
  return out;
}

}  // namespace

void DispatchServiceImpl::SetRoutingRules(const Caller& caller,
                                          const v1::SetRoutingRulesRequest& request,
                                          v1::RoutingRuleSet* response, UnaryDone done) {
  if (parts_.desk_rules == nullptr || parts_.directory == nullptr) return done(NoDeskTables());
  std::vector<desk::RoutingRule> rules;
  for (const v1::RoutingRule& r : request.rules()) rules.push_back(storage::RoutingRuleFromProto(r));
  std::vector<FieldViolation> v = desk::ValidateRoutingRules(rules);
  if (request.version() < 0) v.push_back({"version", "must not be negative"});
  for (int i = 0; i < request.rules_size() && request.rules_size() <= desk::kMaxRoutingRules; ++i) {
    const v1::RoutingRule& r = request.rules(i);
    const std::string at = absl::StrCat("rules[", i, "]");
    if (!r.category().empty() && parts_.catalog != nullptr &&
        parts_.catalog->Find(r.category()) == nullptr) {
      v.push_back({absl::StrCat(at, ".category"), "is not a known category code (see ListCategories)"});
    }
    if (!v1::CategoryGroup_IsValid(r.category_group())) {
      v.push_back({absl::StrCat(at, ".category_group"), "has an unknown value"});
    }
    if (!v1::Theme_IsValid(r.theme())) v.push_back({absl::StrCat(at, ".theme"), "has an unknown value"});
    if (!r.area_code().empty() && parts_.areas != nullptr && parts_.areas->Find(r.area_code()) == nullptr) {
      v.push_back({absl::StrCat(at, ".area_code"),
                   "is not a known gemeente, wijk, buurt or focus-area code (see ListAreas)"});
    }
    if (!r.department().empty()) {
      absl::StatusOr<std::string> id =
          access::ParseDepartmentName(r.department(), absl::StrCat(at, ".department"));
      if (!id.ok()) v.push_back(GetFieldViolations(id.status()).front());
    }
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  std::vector<v1::RoutingRule> given(request.rules().begin(), request.rules().end());
  parts_.workers->Schedule([this, given = std::move(given), rules = std::move(rules),
                            version = request.version(), actor = ActorOf(caller), response,
                            done = std::move(done)] {
    std::vector<FieldViolation> missing;
    for (size_t i = 0; i < rules.size(); ++i) {
      absl::StatusOr<bool> exists = parts_.directory->HasDepartment(rules[i].department);
      if (!exists.ok()) return done(exists.status());
      if (!*exists) {
        missing.push_back({absl::StrCat("rules[", i, "].department"),
                           "is not an existing department (see ListDepartments)"});
      }
    }
    if (!missing.empty()) return done(InvalidFieldsError(std::move(missing)));
    absl::StatusOr<v1::RoutingRuleSet> set = parts_.desk_rules->SetRoutingRules(given, version, actor);
    if (!set.ok()) return done(set.status());
    *response = *std::move(set);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::ListRoutingRules(const Caller&, const v1::ListRoutingRulesRequest& request,
                                           v1::RoutingRuleSet* response, UnaryDone done) {
  if (parts_.desk_rules == nullptr) return done(NoDeskTables());
  if (request.version() < 0) return done(InvalidFieldError("version", "must not be negative"));
  parts_.workers->Schedule([this, version = request.version(), response, done = std::move(done)] {
    absl::StatusOr<v1::RoutingRuleSet> set = parts_.desk_rules->RoutingRules(version);
    if (!set.ok()) return done(set.status());
    *response = *std::move(set);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::ExplainRouting(const Caller&, const v1::ExplainRoutingRequest& request,
                                         v1::ExplainRoutingResponse* response, UnaryDone done) {
  if (parts_.desk == nullptr || parts_.areas == nullptr) return done(NoDeskTables());
  std::vector<FieldViolation> v;
  const catalog::Category* category =
      parts_.catalog != nullptr ? parts_.catalog->Find(request.category()) : nullptr;
  if (request.category().empty()) {
    v.push_back({"category", "is required: a category code (see ListCategories)"});
  } else if (category == nullptr) {
    v.push_back({"category", "is not a known category code (see ListCategories)"});
  }
  if (!v1::Theme_IsValid(request.theme())) v.push_back({"theme", "has an unknown value"});
  std::vector<std::string> areas;
  if (request.has_location() == !request.area_code().empty()) {
    v.push_back({"location", "give exactly one of location and area_code"});
  } else if (request.has_location()) {
    absl::StatusOr<geo::AreaMatch> match =
        parts_.areas->Locate(request.location().latitude(), request.location().longitude());
    if (!match.ok()) {
      v.push_back({"location", "lies outside every gemeente this service covers"});
    } else {
      for (const std::string* code : {&match->gemeente_code, &match->wijk_code, &match->buurt_code}) {
        if (!code->empty()) areas.push_back(*code);
      }
      for (const std::string& focus : match->focus_areas) areas.push_back(focus);
    }
  } else {
    areas = WithEnclosing(*parts_.areas, request.area_code());
    if (areas.empty()) {
      v.push_back({"area_code", "is not a known gemeente, wijk, buurt or focus-area code"});
    }
  }
  absl::Time when = Now();
  if (request.has_time()) {
    absl::StatusOr<absl::Time> time = TimeFromProto(request.time(), "time");
    if (!time.ok()) {
      v.push_back(GetFieldViolations(time.status()).front());
    } else {
      when = *time;
    }
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  const int theme = request.theme() != v1::THEME_UNSPECIFIED ? static_cast<int>(request.theme())
                                                             : static_cast<int>(category->theme_hint);
  const std::shared_ptr<const storage::DeskRules> rules = parts_.desk->Rules();
  const desk::RoutingDecision decision =
      parts_.desk->Route(*rules, request.category(), theme, areas, when);
  response->set_rules_version(rules->routing.version());
  for (const std::string& code : areas) response->add_area_codes(code);
  for (size_t i = 0; i < decision.outcomes.size(); ++i) {
    v1::RoutingCheck& check = *response->add_checks();
    check.set_position(static_cast<int>(i) + 1);
    check.set_matched(decision.outcomes[i].matched);
    check.set_reason(decision.outcomes[i].reason);
  }
  if (decision.rule) {
    response->set_department(access::DepartmentName(decision.department));
    response->set_matched_position(*decision.rule + 1);
    *response->mutable_matched_rule() = rules->routing.rules(*decision.rule);
  }
  if (std::optional<absl::Time> due = parts_.desk->Due(*rules, request.category(), when)) {
    *response->mutable_due_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(*due));
  }
  done(absl::OkStatus());
}

void DispatchServiceImpl::SetHandlingTargets(const Caller& caller,
                                             const v1::SetHandlingTargetsRequest& request,
                                             v1::HandlingTargetSet* response, UnaryDone done) {
  if (parts_.desk_rules == nullptr) return done(NoDeskTables());
  std::vector<desk::HandlingTarget> targets;
  for (const v1::HandlingTarget& t : request.targets()) {
    targets.push_back(storage::HandlingTargetFromProto(t));
  }
  std::vector<FieldViolation> v = desk::ValidateHandlingTargets(targets);
  if (request.version() < 0) v.push_back({"version", "must not be negative"});
  for (int i = 0; i < request.targets_size() && request.targets_size() <= desk::kMaxHandlingTargets;
       ++i) {
    const std::string& code = request.targets(i).category();
    if (!code.empty() && parts_.catalog != nullptr && parts_.catalog->Find(code) == nullptr) {
      v.push_back({absl::StrCat("targets[", i, "].category"),
                   "is not a known category code (see ListCategories)"});
    }
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  std::vector<v1::HandlingTarget> given(request.targets().begin(), request.targets().end());
  parts_.workers->Schedule([this, given = std::move(given), version = request.version(),
                            actor = ActorOf(caller), response, done = std::move(done)] {
    absl::StatusOr<v1::HandlingTargetSet> set =
        parts_.desk_rules->SetHandlingTargets(given, version, actor);
    if (!set.ok()) return done(set.status());
    *response = *std::move(set);
    done(absl::OkStatus());
  });
}

void DispatchServiceImpl::ListHandlingTargets(const Caller&,
                                              const v1::ListHandlingTargetsRequest& request,
                                              v1::HandlingTargetSet* response, UnaryDone done) {
  if (parts_.desk_rules == nullptr) return done(NoDeskTables());
  if (request.version() < 0) return done(InvalidFieldError("version", "must not be negative"));
  parts_.workers->Schedule([this, version = request.version(), response, done = std::move(done)] {
    absl::StatusOr<v1::HandlingTargetSet> set = parts_.desk_rules->HandlingTargets(version);
    if (!set.ok()) return done(set.status());
    *response = *std::move(set);
    done(absl::OkStatus());
  });
}

}  // namespace wijkwacht::services
