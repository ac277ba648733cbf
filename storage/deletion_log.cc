#include "storage/deletion_log.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"
#include "storage/meta_keys.h"

namespace wijkwacht::storage {

absl::StatusOr<v1::Deletion> DeletionLog::Stage(WriteContext& ctx, v1::Deletion entry) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> last,
                      ctx.Get(ColumnFamily::kMeta, meta::kDeletionLogLast));
  uint64_t sequence = 0;
  if (last && !absl::SimpleAtoi(*last, &sequence)) {
    return absl::DataLossError("meta deletion_log_last does not parse");
  }
  ++sequence;
  entry.set_name(absl::StrCat("deletions/", sequence));
  *entry.mutable_delete_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ctx.Now()));
  ctx.Put(ColumnFamily::kDeletionLog, SequenceKey(sequence), entry.SerializeAsString());
  ctx.Put(ColumnFamily::kMeta, meta::kDeletionLogLast, absl::StrCat(sequence));
  return entry;
}

absl::StatusOr<DeletionPage> DeletionLog::List(int page_size,
                                               absl::string_view page_token) const {
  if (page_size < 1 || page_size > kMaxDeletionPageSize) {
    return InvalidFieldError("page_size",
                             absl::StrCat("must be in [1, ", kMaxDeletionPageSize, "]"));
  }
  std::string start = SequenceKey(1);
  if (!page_token.empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(page_token, &raw) || !ParseSequenceKey(raw)) {
      return InvalidFieldError("page_token", "is not a token returned by ListDeletions");
    }
    start = raw;
  }
  DeletionPage page;
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kDeletionLog, start, "", [&](absl::string_view key, absl::string_view value) {
        if (static_cast<int>(page.deletions.size()) >= page_size) {
          page.next_page_token = absl::WebSafeBase64Escape(key);
          return false;
        }
        if (!page.deletions.emplace_back().ParseFromArray(value.data(),
                                                           static_cast<int>(value.size()))) {
          inner = absl::DataLossError("stored deletion-log entry does not parse");
          return false;
        }
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  return page;
}

}  // namespace wijkwacht::storage
