#include "storage/early_warning_store.h"

#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/aggregate_store.h"
#include "storage/keys.h"
#include "storage/meta_keys.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

const absl::CivilDay kEpochDay(1970, 1, 1);

std::string WarningPrefix(absl::string_view area, int theme) {
  std::string key(area);
  key.push_back('\0');
  if (theme != 0) key.push_back(static_cast<char>(theme));
  return key;
}

std::string WarningKey(absl::string_view area, int theme, int64_t day) {
  std::string key = WarningPrefix(area, theme);
  AppendBigEndian32(&key, static_cast<uint32_t>(day));
  return key;
}

}  // namespace

absl::StatusOr<uint64_t> EarlyWarningStore::Cursor() const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> cursor,
                      engine_->Get(ColumnFamily::kMeta, meta::kEarlyWarningCursor));
  uint64_t after = 0;
  if (cursor && !absl::SimpleAtoi(*cursor, &after)) {
    return absl::DataLossError(
        absl::StrCat("meta ", meta::kEarlyWarningCursor, " is not a number"));
  }
  return after;
}

absl::Status EarlyWarningStore::Record(const std::vector<v1::EarlyWarning>& raised,
                                       uint64_t examined) {
  return engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    for (const v1::EarlyWarning& w : raised) {
      const int64_t day =
          MapDay(absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(w.raise_time()))) -
          kEpochDay;
      const std::string key = WarningKey(w.area_code(), w.theme(), day);
      WW_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                          ctx.Get(ColumnFamily::kEarlyWarnings, key));
      if (existing) continue;  // raised once per area x theme x day
      ctx.Put(ColumnFamily::kEarlyWarnings, key, w.SerializeAsString());
      internal::ChangeEvent event;
      internal::EarlyWarningRaised& e = *event.mutable_early_warning_raised();
      e.set_name(w.name());
      e.set_area_code(w.area_code());
      e.set_theme(w.theme());
      e.set_day(static_cast<int32_t>(day));
      e.set_observed(w.observed_count());
      e.set_expected(w.expected_count());
      e.set_p_value(w.p_value());
      ctx.AppendChange(event);
    }
    ctx.Put(ColumnFamily::kMeta, meta::kEarlyWarningCursor, absl::StrCat(examined));
    return absl::OkStatus();
  });
}

absl::StatusOr<EarlyWarningStore::Page> EarlyWarningStore::List(
    absl::string_view area_code, int theme, int page_size, absl::string_view page_token) const {
  Page page;
  std::string after;
  if (!page_token.empty() && !absl::WebSafeBase64Unescape(page_token, &after)) {
    return InvalidFieldError("page_token", "is not a token returned by ListEarlyWarnings");
  }
  const std::string prefix = area_code.empty() ? "" : WarningPrefix(area_code, theme);
  std::string last;
  bool more = false;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kEarlyWarnings, after.empty() ? prefix : after, prefix,
      [&](absl::string_view key, absl::string_view value) {
        if (!after.empty() && key == after) return true;
        v1::EarlyWarning w;
        if (!w.ParseFromArray(value.data(), static_cast<int>(value.size()))) return true;
        if (theme != 0 && w.theme() != theme) return true;
        if (static_cast<int>(page.warnings.size()) == page_size) {
          more = true;
          return false;
        }
        page.warnings.push_back(std::move(w));
        last = std::string(key);
        return true;
      }));
  if (more) page.next_page_token = absl::WebSafeBase64Escape(last);
  return page;
}

}  // namespace wijkwacht::storage
