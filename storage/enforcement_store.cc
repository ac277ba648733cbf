#include "storage/enforcement_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/aggregate_store.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

int32_t DayNumber(absl::CivilDay day) {
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

}  // namespace

absl::Status EnforcementStore::Stage(WriteContext& ctx, EnforcementInput input,
                                     v1::EnforcementRecord* out) {
  WW_RETURN_IF_ERROR(ActionPlanStore::CheckMeasure(ctx, input.measure));
  v1::EnforcementRecord& record = input.record;
  const std::string ref_key = EnforcementRefKey(record.department(), record.external_ref());
  WW_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                      ctx.Get(ColumnFamily::kEnforcement, ref_key));
  uint64_t number = 0;
  if (existing) {
    // Replace: the number stays, the day (and so the key) may change.
    std::optional<uint64_t> n =
        existing->size() == 13 ? ReadBigEndian64(absl::string_view(*existing).substr(5))
                               : std::nullopt;
    if (!n) return absl::DataLossError("stored enforcement reference does not parse");
    number = *n;
    ctx.Delete(ColumnFamily::kEnforcement, *existing);
  } else {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> counter,
                        ctx.Get(ColumnFamily::kEnforcement, EnforcementCounterKey()));
    number = (counter ? ReadBigEndian64(*counter).value_or(0) : 0) + 1;
    std::string next;
    AppendBigEndian64(&next, number);
    ctx.Put(ColumnFamily::kEnforcement, EnforcementCounterKey(), next);
  }
  record.set_name(absl::StrCat("enforcement/", number));
  if (record.count() == 0) record.set_count(1);
  *record.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(ctx.Now()));
  const absl::Time action = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(record.action_time()));
  const std::string key = EnforcementRecordKey(DayNumber(MapDay(action)), number);
  ctx.Put(ColumnFamily::kEnforcement, key, record.SerializeAsString());
  ctx.Put(ColumnFamily::kEnforcement, ref_key, key);
  if (out != nullptr) *out = std::move(record);
  return absl::OkStatus();
}

absl::StatusOr<v1::EnforcementRecord> EnforcementStore::Record(EnforcementInput input,
                                                               const DispatchActor& actor) {
  v1::EnforcementRecord out;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
    WW_RETURN_IF_ERROR(Stage(ctx, input, &out));
    return AppendAudit(ctx, actor, "RecordEnforcement", out.name(),
                       absl::StrCat(v1::EnforcementActionType_Name(out.type()), " x",
                                    out.count(), " in ", out.area_code(), " (",
                                    out.department(), " ", out.external_ref(), ")"));
  }));
  return out;
}

absl::Status EnforcementStore::ImportAll(std::vector<EnforcementInput> inputs,
                                         const DispatchActor& actor) {
  return engine_->CommitAndWait([&](WriteContext& ctx) {
    for (const EnforcementInput& input : inputs) {
      WW_RETURN_IF_ERROR(Stage(ctx, input, nullptr));
    }
    return AppendAudit(ctx, actor, "ImportEnforcement", "enforcement",
                       absl::StrCat(inputs.size(), " records"));
  });
}

absl::Status EnforcementStore::ForEachInDays(
    absl::CivilDay first, absl::CivilDay end,
    const std::function<bool(const v1::EnforcementRecord&)>& visit) const {
  const std::string stop = EnforcementDayPrefix(DayNumber(end));
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kEnforcement, EnforcementDayPrefix(DayNumber(first)),
      EnforcementRecordPrefix(), [&](absl::string_view key, absl::string_view value) {
        if (key >= stop) return false;
        v1::EnforcementRecord record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("stored enforcement record does not parse");
          return false;
        }
        return visit(record);
      }));
  return inner;
}

}  // namespace wijkwacht::storage
