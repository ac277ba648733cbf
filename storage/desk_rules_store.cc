#include "storage/desk_rules_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/column_families.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

template <typename Set>
absl::StatusOr<Set> ParseSet(absl::string_view bytes, absl::string_view what) {
  Set set;
  if (!set.ParseFromString(std::string(bytes))) {
    return absl::DataLossError(absl::StrCat("stored ", what, " do not parse"));
  }
  return set;
}

// The newest version stored in `cf` (an empty Set when none).
template <typename Set>
absl::StatusOr<Set> Newest(const Engine& engine, ColumnFamily cf, absl::string_view what) {
  std::optional<std::string> bytes;
  WW_RETURN_IF_ERROR(engine.ScanBackward(cf, std::string(9, '\xff'), "",
                                         [&](absl::string_view, absl::string_view value) {
                                           bytes = std::string(value);
                                           return false;
                                         }));
  if (!bytes) return Set();
  return ParseSet<Set>(*bytes, what);
}

template <typename Set>
absl::StatusOr<Set> Version(const Engine& engine, ColumnFamily cf, int64_t version,
                            absl::string_view what, absl::string_view field) {
  if (version == 0) return Newest<Set>(engine, cf, what);
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine.Get(cf, SequenceKey(static_cast<uint64_t>(version))));
  if (!bytes) {
    return absl::NotFoundError(absl::StrCat(field, ": there is no version ", version, " of the ",
                                            what));
  }
  return ParseSet<Set>(*bytes, what);
}

// Stages `set` as version replaces + 1 of `cf` after checking that `replaces` is in force.
template <typename Set>
absl::Status StageVersion(WriteContext& ctx, ColumnFamily cf, int64_t replaces, Set& set,
                          absl::string_view what) {
  if (replaces < 0) return InvalidFieldError("version", "must not be negative");
  WW_ASSIGN_OR_RETURN(std::optional<std::string> next,
                      ctx.Get(cf, SequenceKey(static_cast<uint64_t>(replaces + 1))));
  bool exists = replaces == 0;
  if (!exists) {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> current,
                        ctx.Get(cf, SequenceKey(static_cast<uint64_t>(replaces))));
    exists = current.has_value();
  }
  if (next || !exists) {
    return absl::AbortedError(absl::StrCat(
        "version: ", replaces, " is not the version of the ", what,
        " in force; read them again (List...) and pass the version you changed"));
  }
  set.set_version(replaces + 1);
  *set.mutable_update_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ctx.Now()));
  ctx.Put(cf, SequenceKey(static_cast<uint64_t>(set.version())), set.SerializeAsString());
  return absl::OkStatus();
}

std::string DescribeRule(const v1::RoutingRule& r) {
  std::vector<std::string> when;
  if (!r.category().empty()) when.push_back(absl::StrCat("category ", r.category()));
  if (r.category_group() != 0) when.push_back(v1::CategoryGroup_Name(r.category_group()));
  if (r.theme() != 0) when.push_back(v1::Theme_Name(r.theme()));
  if (!r.area_code().empty()) when.push_back(absl::StrCat("in ", r.area_code()));
  for (const desk::WeeklyWindow& w : RoutingRuleFromProto(r).windows) {
    when.push_back(desk::DescribeWindow(w));
  }
  return absl::StrCat(when.empty() ? "always" : absl::StrJoin(when, " "), " -> ", r.department());
}

}  // namespace

desk::RoutingRule RoutingRuleFromProto(const v1::RoutingRule& rule) {
  desk::RoutingRule out;
  out.label = rule.label();
  out.category = rule.category();
  out.category_group = rule.category_group();
  out.theme = rule.theme();
  out.area_code = rule.area_code();
  absl::string_view department = rule.department();
  absl::ConsumePrefix(&department, "departments/");
  out.department = std::string(department);
  for (const v1::WeeklyWindow& w : rule.windows()) {
    desk::WeeklyWindow window;
    for (int day : w.days()) {
      // MONDAY = 1 ... SUNDAY = 7; absl::Weekday monday = 0.
      window.days |= (day >= 1 && day <= 7) ? desk::WeekdayBit(static_cast<absl::Weekday>(day - 1))
                                            : uint32_t{1} << 7;
    }
    window.start_minute = desk::ParseClock(w.start_time()).value_or(-1);
    window.end_minute = desk::ParseClock(w.end_time()).value_or(-1);
    out.windows.push_back(window);
  }
  return out;
}

desk::HandlingTarget HandlingTargetFromProto(const v1::HandlingTarget& target) {
  return desk::HandlingTarget{.category = target.category(),
                              .days = target.days(),
                              .unit = static_cast<desk::DayCount>(target.unit()),
                              .message = target.handling_message()};
}

DeskRulesStore::DeskRulesStore(Engine* engine)
    : engine_(engine), current_(std::make_shared<const DeskRules>()) {}

absl::Status DeskRulesStore::Load() {
  WW_ASSIGN_OR_RETURN(v1::RoutingRuleSet routing,
                      Newest<v1::RoutingRuleSet>(*engine_, ColumnFamily::kRoutingRules,
                                                 "routing rules"));
  WW_ASSIGN_OR_RETURN(v1::HandlingTargetSet targets,
                      Newest<v1::HandlingTargetSet>(*engine_, ColumnFamily::kHandlingTargets,
                                                    "handling targets"));
  Publish(&routing, &targets);
  return absl::OkStatus();
}

std::shared_ptr<const DeskRules> DeskRulesStore::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void DeskRulesStore::Publish(const v1::RoutingRuleSet* routing,
                             const v1::HandlingTargetSet* targets) {
  std::lock_guard<std::mutex> lock(mu_);
  auto next = std::make_shared<DeskRules>(*current_);
  // Two Sets commit in order but may publish out of order: keep the newer.
  if (routing != nullptr && routing->version() >= next->routing.version()) {
    next->routing = *routing;
    next->routing_rules.clear();
    for (const v1::RoutingRule& r : routing->rules()) {
      next->routing_rules.push_back(RoutingRuleFromProto(r));
    }
  }
  if (targets != nullptr && targets->version() >= next->targets.version()) {
    next->targets = *targets;
    next->handling_targets.clear();
    for (const v1::HandlingTarget& t : targets->targets()) {
      next->handling_targets.push_back(HandlingTargetFromProto(t));
    }
  }
  current_ = std::move(next);
}

absl::StatusOr<v1::RoutingRuleSet> DeskRulesStore::SetRoutingRules(
    const std::vector<v1::RoutingRule>& rules, int64_t replaces, const DispatchActor& actor) {
  v1::RoutingRuleSet set;
  std::vector<std::string> described;
  for (size_t i = 0; i < rules.size(); ++i) {
    *set.add_rules() = rules[i];
    described.push_back(absl::StrCat(i + 1, ". ", DescribeRule(rules[i])));
  }
  set.set_updated_by(actor.subject);
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_RETURN_IF_ERROR(
        StageVersion(ctx, ColumnFamily::kRoutingRules, replaces, set, "routing rules"));
    return AppendAudit(ctx, actor, "SetRoutingRules", "routingRules",
                       absl::StrCat("version ", set.version(), ": ",
                                    described.empty() ? "no rules" : absl::StrJoin(described, "; ")));
  }));
  Publish(&set, nullptr);
  return set;
}

absl::StatusOr<v1::RoutingRuleSet> DeskRulesStore::RoutingRules(int64_t version) const {
  return Version<v1::RoutingRuleSet>(*engine_, ColumnFamily::kRoutingRules, version,
                                     "routing rules", "version");
}

absl::StatusOr<v1::HandlingTargetSet> DeskRulesStore::SetHandlingTargets(
    const std::vector<v1::HandlingTarget>& targets, int64_t replaces, const DispatchActor& actor) {
  v1::HandlingTargetSet set;
  std::vector<std::string> described;
  for (const v1::HandlingTarget& t : targets) {
    *set.add_targets() = t;
    described.push_back(absl::StrCat(t.category().empty() ? "default" : t.category(), " ",
                                     t.days(), " ",
                                     t.unit() == v1::CALENDAR_DAYS ? "calendar" : "working",
                                     " days"));
  }
  set.set_updated_by(actor.subject);
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    WW_RETURN_IF_ERROR(
        StageVersion(ctx, ColumnFamily::kHandlingTargets, replaces, set, "handling targets"));
    return AppendAudit(ctx, actor, "SetHandlingTargets", "handlingTargets",
                       absl::StrCat("version ", set.version(), ": ",
                                    described.empty() ? "no targets"
                                                      : absl::StrJoin(described, "; ")));
  }));
  Publish(nullptr, &set);
  return set;
}

absl::StatusOr<v1::HandlingTargetSet> DeskRulesStore::HandlingTargets(int64_t version) const {
  return Version<v1::HandlingTargetSet>(*engine_, ColumnFamily::kHandlingTargets, version,
                                        "handling targets", "version");
}

}  // namespace wijkwacht::storage
