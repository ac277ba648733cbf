#include "storage/sync_store.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

absl::StatusOr<internal::StoredReport> ParseStored(absl::string_view bytes) {
  internal::StoredReport stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored report does not parse");
  }
  return stored;
}

}  // namespace

void SyncStore::AmendAsync(std::string id, std::string reporter, std::string photo_ref,
                           std::string note, AmendDone done) {
  auto result = std::make_shared<internal::StoredReport>();
  engine_->Commit(
      [id = std::move(id), reporter = std::move(reporter), photo_ref = std::move(photo_ref),
       note = std::move(note), result](WriteContext& ctx) -> absl::Status {
        WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kReports, id));
        absl::Status not_found = absl::NotFoundError(absl::StrCat("reports/", id, " does not exist"));
        if (!bytes) return not_found;
        WW_ASSIGN_OR_RETURN(internal::StoredReport stored, ParseStored(*bytes));
        if (stored.reporter().empty() || stored.reporter() != reporter) return not_found;
        const int n = stored.amendments_size();
        if (n > 0 && stored.amendments(n - 1).photo_ref() == photo_ref &&
            stored.amendments(n - 1).note() == note) {
          *result = std::move(stored);  // a replay
          return absl::OkStatus();
        }
        internal::ChangeEvent event;
        internal::ReportAmended& amended = *event.mutable_report_amended();
        amended.set_report_id(id);
        amended.set_reporter(reporter);
        internal::ReportAmendment& amendment = *amended.mutable_amendment();
        amendment.set_photo_ref(photo_ref);
        amendment.set_note(note);
        *amendment.mutable_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ctx.Now()));
        amendment.set_sequence(ctx.AppendChange(event));
        *stored.add_amendments() = amendment;
        *stored.mutable_report()->mutable_update_time() = amendment.time();
        ctx.Put(ColumnFamily::kReports, id, stored.SerializeAsString());
        *result = std::move(stored);
        return absl::OkStatus();
      },
      [result, done = std::move(done)](absl::Status status) {
        if (!status.ok()) return done(std::move(status));
        done(std::move(*result));
      });
}

absl::StatusOr<std::vector<internal::StoredReport>> SyncStore::ReportsOf(
    absl::string_view reporter, size_t limit) const {
  std::vector<internal::StoredReport> reports;
  const std::string prefix = ReporterIndexPrefix(reporter);
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kReportsByReporter, prefix, prefix,
      [&](absl::string_view key, absl::string_view) {
        if (reports.size() >= limit) return false;
        if (key.size() < prefix.size() + 8) {
          inner = absl::DataLossError("malformed reports_by_reporter key");
          return false;
        }
        const absl::string_view id = key.substr(prefix.size() + 8);
        absl::StatusOr<std::optional<std::string>> bytes = engine_->Get(ColumnFamily::kReports, id);
        if (!bytes.ok()) {
          inner = bytes.status();
          return false;
        }
        if (!*bytes) {
          inner = absl::DataLossError(absl::StrCat("reports_by_reporter entry without report ", id));
          return false;
        }
        absl::StatusOr<internal::StoredReport> stored = ParseStored(**bytes);
        if (!stored.ok()) {
          inner = stored.status();
          return false;
        }
        reports.push_back(*std::move(stored));
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  return reports;
}

}  // namespace wijkwacht::storage
