#include "storage/indicator_store.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wijkwacht::storage {
absl::Status IndicatorStore::ImportAll(const std::vector<v1::IndicatorValue>& values) {
  return engine_->CommitAndWait([&values](WriteContext& ctx) {
    for (const v1::IndicatorValue& v : values) {
      std::string key = absl::StrCat(v.area_code());
      key.push_back('\0');
      absl::StrAppend(&key, v.indicator());
      key.push_back('\0');
      absl::StrAppend(&key, v.period());
      ctx.Put(ColumnFamily::kIndicators, key, v.SerializeAsString());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::IndicatorValue>> IndicatorStore::ForArea(
    absl::string_view area_code) const {
  std::string prefix(area_code);
  prefix.push_back('\0');
  std::vector<v1::IndicatorValue> out;
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kIndicators, prefix, prefix,
                                   [&](absl::string_view, absl::string_view value) {
                                     if (!out.emplace_back().ParseFromArray(
                                             value.data(), static_cast<int>(value.size()))) {
                                       inner = absl::DataLossError("stored indicator does not parse");
                                       return false;
                                     }
                                     return true;
                                   }));
  WW_RETURN_IF_ERROR(inner);
  return out;
}

}  // namespace wijkwacht::storage
