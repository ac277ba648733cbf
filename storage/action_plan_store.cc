#include "storage/action_plan_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp Stamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

template <typename Message>
absl::StatusOr<Message> Parse(absl::string_view bytes, absl::string_view what) {
  Message m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
  }
  return m;
}

template <typename Message>
absl::StatusOr<Message> Load(const std::optional<std::string>& bytes, absl::string_view what,
                             absl::string_view name) {
  if (!bytes) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  return Parse<Message>(*bytes, what);
}

// Every value under `prefix`, parsed, in key order.
template <typename Message>
absl::StatusOr<std::vector<Message>> ScanAll(const Engine& engine, const std::string& prefix,
                                             absl::string_view what) {
  std::vector<Message> out;
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine.Scan(ColumnFamily::kActionPlans, prefix, prefix,
                                 [&](absl::string_view, absl::string_view value) {
                                   absl::StatusOr<Message> m = Parse<Message>(value, what);
                                   if (!m.ok()) {
                                     inner = m.status();
                                     return false;
                                   }
                                   out.push_back(*std::move(m));
                                   return true;
                                 }));
  WW_RETURN_IF_ERROR(inner);
  return out;
}

std::string PlanName(int year) { return absl::StrCat("actionPlans/", year); }

}  // namespace

absl::Status ActionPlanStore::CheckMeasure(WriteContext& ctx, const MeasureRef& ref) {
  if (ref.year == 0) return absl::OkStatus();
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      ctx.Get(ColumnFamily::kActionPlans, MeasureKey(ref.year, ref.number)));
  if (!bytes) {
    return absl::NotFoundError(
        absl::StrCat(PlanName(ref.year), "/measures/", ref.number, " does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ActionPlan> ActionPlanStore::CreatePlan(v1::ActionPlan plan,
                                                           const DispatchActor& actor) {
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&plan, &actor](WriteContext& ctx) {
    const std::string key = ActionPlanKey(plan.year());
    WW_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        ctx.Get(ColumnFamily::kActionPlans, key));
    plan.set_name(PlanName(plan.year()));
    if (existing) return absl::AlreadyExistsError(absl::StrCat(plan.name(), " exists already"));
    for (int i = 0; i < plan.priorities_size(); ++i) plan.mutable_priorities(i)->set_rank(i + 1);
    *plan.mutable_create_time() = Stamp(ctx.Now());
    ctx.Put(ColumnFamily::kActionPlans, key, plan.SerializeAsString());
    return AppendAudit(ctx, actor, "CreateActionPlan", plan.name(),
                       absl::StrCat(plan.priorities_size(), " priorities",
                                    plan.published() ? ", published" : ""));
  }));
  return plan;
}

absl::StatusOr<v1::ActionPlan> ActionPlanStore::GetPlan(int year) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine_->Get(ColumnFamily::kActionPlans, ActionPlanKey(year)));
  return Load<v1::ActionPlan>(bytes, "action plan", PlanName(year));
}

absl::StatusOr<std::vector<v1::ActionPlan>> ActionPlanStore::ListPlans() const {
  WW_ASSIGN_OR_RETURN(std::vector<v1::ActionPlan> plans,
                      ScanAll<v1::ActionPlan>(*engine_, ActionPlanPrefix(), "action plan"));
  std::reverse(plans.begin(), plans.end());
  return plans;
}

absl::StatusOr<v1::Measure> ActionPlanStore::CreateMeasure(int year, v1::Measure measure,
                                                           const DispatchActor& actor) {
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([year, &measure, &actor](WriteContext& ctx) {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> plan,
                        ctx.Get(ColumnFamily::kActionPlans, ActionPlanKey(year)));
    if (!plan) return absl::NotFoundError(absl::StrCat(PlanName(year), " does not exist"));
    uint32_t last = 0;
    const std::string prefix = MeasurePrefix(year);
    WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kActionPlans, prefix, prefix,
                                [&last](absl::string_view key, absl::string_view) {
                                  last = ParseMeasureKey(key).value_or(last);
                                  return true;
                                }));
    const uint32_t number = last + 1;
    measure.set_name(absl::StrCat(PlanName(year), "/measures/", number));
    measure.clear_progress_notes();
    if (measure.status() == v1::MEASURE_STATUS_UNSPECIFIED) {
      measure.set_status(v1::MEASURE_PLANNED);
    }
    measure.set_version(1);
    *measure.mutable_create_time() = Stamp(ctx.Now());
    *measure.mutable_update_time() = Stamp(ctx.Now());
    ctx.Put(ColumnFamily::kActionPlans, MeasureKey(year, number), measure.SerializeAsString());
    return AppendAudit(ctx, actor, "CreateMeasure", measure.name(), measure.title());
  }));
  return measure;
}

absl::StatusOr<v1::Measure> ActionPlanStore::UpdateMeasure(int year, uint32_t number,
                                                           int64_t version, MeasureChange apply,
                                                           std::string note, std::string detail,
                                                           const DispatchActor& actor) {
  v1::Measure out;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
    const std::string key = MeasureKey(year, number);
    const std::string name = absl::StrCat(PlanName(year), "/measures/", number);
    WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kActionPlans, key));
    WW_ASSIGN_OR_RETURN(v1::Measure measure, Load<v1::Measure>(bytes, "measure", name));
    if (measure.version() != version) {
      return absl::AbortedError(absl::StrCat("measure.version ", version, " is not the current ",
                                             measure.version(), "; read it again"));
    }
    WW_RETURN_IF_ERROR(apply(measure));
    if (!note.empty()) {
      v1::ProgressNote& n = *measure.add_progress_notes();
      *n.mutable_time() = Stamp(ctx.Now());
      n.set_author(actor.subject);
      n.set_text(note);
    }
    measure.set_version(measure.version() + 1);
    *measure.mutable_update_time() = Stamp(ctx.Now());
    ctx.Put(ColumnFamily::kActionPlans, key, measure.SerializeAsString());
    WW_RETURN_IF_ERROR(AppendAudit(ctx, actor, "UpdateMeasure", name, detail));
    out = std::move(measure);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Measure> ActionPlanStore::GetMeasure(int year, uint32_t number) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine_->Get(ColumnFamily::kActionPlans, MeasureKey(year, number)));
  return Load<v1::Measure>(bytes, "measure",
                           absl::StrCat(PlanName(year), "/measures/", number));
}

absl::StatusOr<std::vector<v1::Measure>> ActionPlanStore::ListMeasures(int year) const {
  return ScanAll<v1::Measure>(*engine_, MeasurePrefix(year), "measure");
}

}  // namespace wijkwacht::storage
