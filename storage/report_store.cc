#include "storage/report_store.h"

#include <future>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/aggregate_store.h"
#include "storage/keys.h"
#include "wijkwacht/internal/records.pb.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kPageTokenVersion = '\x01';
// Index entries examined per List call at most; a filtered page may come back short.
constexpr int kMaxScannedPerPage = 5000;

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

// FNV-1a over the query's filters: a page token only works with the filters it came from.
uint64_t FilterHash(const ReportQuery& q) {
  std::string s = absl::StrCat(q.area_code, "\x1f", q.theme, "\x1f", q.status, "\x1f",
                               q.start_time ? absl::ToUnixMicros(*q.start_time) : -1, "\x1f",
                               q.end_time ? absl::ToUnixMicros(*q.end_time) : -1);
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string EncodePageToken(const ReportQuery& q, absl::string_view last_key) {
  std::string raw(1, kPageTokenVersion);
  AppendBigEndian64(&raw, FilterHash(q));
  absl::StrAppend(&raw, last_key);
  return absl::WebSafeBase64Escape(raw);
}

// Returns the index key to resume after.
absl::StatusOr<std::string> DecodePageToken(const ReportQuery& q, absl::string_view prefix) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(q.page_token, &raw) || raw.size() < 9 ||
      raw[0] != kPageTokenVersion) {
    return InvalidFieldError("page_token", "is not a token returned by ListReports");
  }
  if (ReadBigEndian64(absl::string_view(raw).substr(1, 8)) != FilterHash(q)) {
    return InvalidFieldError("page_token",
                             "was issued for different filters; keep the filters unchanged "
                             "while paging");
  }
  std::string last_key = raw.substr(9);
  if (absl::string_view(last_key).substr(0, prefix.size()) != prefix) {
    return InvalidFieldError("page_token", "is not a token returned by ListReports");
  }
  return last_key;
}

// Inside a report's WriteFn: the periods (PeriodBit) in which the report `id`, observed at
// `observed`, is `reporter`'s first established report of `theme`, marking them (see
// storage::NewReportCount). Reads and writes through `ctx` only.
absl::StatusOr<uint32_t> ClaimReporterPeriods(WriteContext& ctx, const std::string& reporter,
                                              int theme, absl::Time observed,
                                              const std::string& id) {
  const absl::CivilDay day = MapDay(observed);
  uint32_t claimed = 0;
  for (v1::AggregationPeriod period : {v1::DAY, v1::WEEK, v1::MONTH, v1::HALF_YEAR}) {
    const std::string key =
        ReporterPeriodKey(reporter, theme, period, DaysSinceEpoch(PeriodStart(day, period)));
    WW_ASSIGN_OR_RETURN(std::optional<std::string> marker,
                        ctx.Get(ColumnFamily::kReporterPeriods, key));
    if (marker) continue;
    ctx.Put(ColumnFamily::kReporterPeriods, key, id);
    claimed |= PeriodBit(period);
  }
  return claimed;
}

absl::StatusOr<internal::StoredReport> ParseStored(absl::string_view bytes) {
  internal::StoredReport stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored report does not parse");
  }
  return stored;
}

class EngineReportStore final : public ReportStore {
 public:
  EngineReportStore(Engine* engine, const IncidentStore* incidents,
                    const SealedIdentityStore* sealed)
      : engine_(engine),
        incidents_(incidents),
        sealed_(sealed),
        alias_secret_(sealed != nullptr ? sealed->DerivedSecret("wijkwacht report alias v1")
                                        : std::string()) {}

  void SubmitAsync(NewReport report, SubmitDone done) override {
    auto input = std::make_shared<NewReport>(std::move(report));
    auto outcome = std::make_shared<SubmitOutcome>();
    // Work that needs no stored state is done here, before the writer's serial section.
    auto search_cells = std::make_shared<const std::vector<uint64_t>>(
        incidents_->matcher().SearchCells(input->dedup));
    // Stage reads through the context only (incidents from the writer's in-memory view).
    engine_->CommitPipelined(
        [this, input, outcome, search_cells](WriteContext& ctx) {
          return Stage(*input, *search_cells, ctx, *outcome);
        },
        [outcome, done = std::move(done)](absl::Status status) {
          if (!status.ok()) return done(std::move(status));
          done(std::move(*outcome));
        });
  }

  absl::Status CheckAdmission() const override { return engine_->CheckAdmission(); }

  std::string AliasOf(absl::string_view reporter, absl::string_view client_id,
                      int attempt) const override {
    return ReportAliasId(alias_secret_, reporter, client_id, attempt);
  }

  absl::StatusOr<v1::Report> Get(absl::string_view id) const override {
    WW_ASSIGN_OR_RETURN(internal::StoredReport stored, GetStored(id));
    return std::move(*stored.mutable_report());
  }

  absl::StatusOr<internal::StoredReport> GetStored(absl::string_view id) const override {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, engine_->Get(ColumnFamily::kReports, id));
    if (!bytes) return absl::NotFoundError(absl::StrCat("reports/", id, " does not exist"));
    return ParseStored(*bytes);
  }

  absl::StatusOr<ReportPage> List(const ReportQuery& q) const override {
    if (q.page_size < 1 || q.page_size > kMaxPageSize) {
      return InvalidFieldError("page_size", absl::StrCat("must be in [1, ", kMaxPageSize, "]"));
    }
    const std::string prefix = AreaIndexPrefix(q.area_code.empty() ? kAllAreas : q.area_code);
    // Newest first: walk the index backwards from the newest allowed key.
    std::string last_returned;
    std::string start = prefix;
    if (!q.page_token.empty()) {
      WW_ASSIGN_OR_RETURN(last_returned, DecodePageToken(q, prefix));
      start = last_returned;
    } else if (q.end_time) {
      // No report is observed before the epoch (index keys clamp such times to 0): nothing
      // lies before an end at or before it, and 0 - 1 would wrap around to the newest key.
      const uint64_t end_micros = TimeToMicros(*q.end_time);
      if (end_micros == 0) return ReportPage{};
      AppendBigEndian64(&start, end_micros - 1);
      start.push_back('\xff');  // after every report id at that microsecond
    } else {
      start.append(9, '\xff');
    }

    ReportPage page;
    absl::Status inner = absl::OkStatus();
    int scanned = 0;
    std::string last_key;
    bool more = false;
    absl::Status scan = engine_->ScanBackward(
        ColumnFamily::kReportsByArea, start, prefix,
        [&](absl::string_view key, absl::string_view theme) {
          if (key == last_returned) return true;  // the previous page ended here
          std::optional<AreaIndexEntry> entry = ParseAreaIndexKey(key, prefix.size());
          if (!entry) {
            inner = absl::DataLossError("malformed reports_by_area key");
            return false;
          }
          const bool too_old = q.start_time && entry->observed < *q.start_time;
          std::optional<absl::StatusOr<v1::Report>> loaded;
          if (q.visible && !too_old) {
            // Hidden from this caller: as if absent (ReportQuery::visible).
            loaded = Get(entry->report_id);
            if (!loaded->ok()) {
              inner = loaded->status();
              return false;
            }
            if (!q.visible(**loaded)) return true;
          }
          if (static_cast<int>(page.reports.size()) >= q.page_size || scanned >= kMaxScannedPerPage) {
            more = true;
            return false;
          }
          if (too_old) return false;
          ++scanned;
          last_key = std::string(key);
          if (q.theme != 0 && (theme.size() != 1 || theme[0] != static_cast<char>(q.theme))) {
            return true;
          }
          absl::StatusOr<v1::Report> report = loaded ? *std::move(loaded) : Get(entry->report_id);
          if (!report.ok()) {
            inner = report.status();
            return false;
          }
          if (q.status != 0 && report->status() != q.status) return true;
          page.reports.push_back(*std::move(report));
          return true;
        });
    WW_RETURN_IF_ERROR(scan);
    WW_RETURN_IF_ERROR(inner);
    if (more) page.next_page_token = EncodePageToken(q, last_key);
    return page;
  }

 private:
  // Runs on the engine's writer thread.
  absl::Status Stage(const NewReport& input, const std::vector<uint64_t>& search_cells,
                     WriteContext& ctx, SubmitOutcome& outcome) const {
    const std::string& client_id = input.report.id();
    // Idempotency is per reporter: the stored report carries the fingerprint of the request
    // that created it, so point reads decide. The reporter's own report with this id is looked
    // for under the id itself and under each of its aliases (ReportAliasId) whether or not the
    // id is taken now, so a retry finds its report also after the report that once held the id
    // was purged; a new report goes to the first of those ids that is free. Nothing the caller
    // sees depends on another reporter's report having, or having had, the id. (A fresh id
    // costs one more point read, of alias 0: a memtable probe and Bloom filters.)
    std::string id;
    for (int attempt = -1; attempt < kMaxReportAliasAttempts; ++attempt) {
      const std::string probe =
          attempt < 0 ? client_id : AliasOf(input.reporter, client_id, attempt);
      WW_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                          ctx.Get(ColumnFamily::kReports, probe));
      if (!existing) {
        if (id.empty()) id = probe;
        // Aliases are taken in order, so none after a free one is this reporter's.
        if (attempt >= 0) break;
        continue;
      }
      WW_ASSIGN_OR_RETURN(internal::StoredReport stored, ParseStored(*existing));
      const bool own = stored.reporter() == input.reporter &&
                       (attempt < 0 ? stored.client_id().empty()
                                    : stored.client_id() == client_id);
      if (!own) continue;
      if (stored.content_fingerprint() != input.fingerprint) {
        return absl::AlreadyExistsError(absl::StrCat(
            "report.id: reports/", client_id,
            " already exists with different content; a retry must resend the same report, a "
            "new report needs a new id"));
      }
      outcome.report = ReporterView(stored);
      outcome.replayed = true;
      return absl::OkStatus();
    }
    if (id.empty()) {
      // Only reachable by someone who can compute another reporter's aliases.
      return absl::UnavailableError("the report could not be stored; retry with a new id");
    }

    if (input.contact) {
      if (sealed_ == nullptr || input.reporter.empty()) {
        return absl::FailedPreconditionError(
            "report.contact: contact details cannot be sealed here (no reporter identity); send "
            "the report without them");
      }
      WW_RETURN_IF_ERROR(sealed_->StageContact(ctx, input.reporter, id, *input.contact));
    }
    internal::StoredReport stored;
    v1::Report& report = *stored.mutable_report();
    report = input.report;
    report.set_id(id);
    report.set_name(absl::StrCat("reports/", id));
    report.clear_contact();
    report.set_status(v1::RECEIVED);
    *report.mutable_create_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(ctx.Now()));
    *report.mutable_update_time() = report.create_time();
    const absl::Time observed = FromTimestamp(report.observed_time());

    IncidentMember member;
    member.report_id = id;
    member.features = input.dedup;
    member.area = report.area();
    member.area_codes = input.area_codes;
    member.leaf_cell = ReportLeafCell(report);
    member.needs_review = report.needs_review();
    member.search_cells = search_cells;
    member.opening = input.opening;
    WW_ASSIGN_OR_RETURN(IncidentAssignment assignment, incidents_->Assign(ctx, member));
    report.set_incident_id(absl::StrCat("incidents/", assignment.incident_id));
    if (!assignment.opened && !input.reporter.empty() &&
        !absl::StartsWith(input.reporter, "users/")) {
      WW_ASSIGN_OR_RETURN(std::optional<std::string> opener,
                          ctx.Get(ColumnFamily::kReports, assignment.incident_id));
      if (opener) {
        WW_ASSIGN_OR_RETURN(internal::StoredReport first, ParseStored(*opener));
        if (first.reporter() != input.reporter) stored.set_joined_others_incident(true);
      }
    }

    internal::ChangeEvent event;
    internal::ReportCreated& created = *event.mutable_report_created();
    created.set_report_id(id);
    for (const std::string& code : input.area_codes) created.add_area_codes(code);
    created.set_theme(report.theme());
    created.set_category(report.category());
    *created.mutable_observed_time() = report.observed_time();
    created.set_s2_cell_id(input.s2_cell_id);
    created.set_incident(report.incident_id());
    created.set_incident_opened(assignment.opened);
    if (assignment.count_moved) *created.mutable_incident_count_moved() = *assignment.count_moved;
    created.set_reporter(input.reporter);
    if (id != client_id) created.set_client_id(client_id);
    if (assignment.opened && input.opening.rule_position > 0) {
      internal::RoutingApplied& routing = *created.mutable_routing();
      routing.set_department(input.opening.department);
      routing.set_position(input.opening.rule_position);
      routing.set_rules_version(input.opening.rules_version);
      routing.set_label(input.opening.rule_label);
    }
    NewReportCount count;
    count.report_id = id;
    count.incident_opened = assignment.opened;
    // Towards k: distinct established reporters (aggregate_store.h). Without a reporter
    // (authentication off) every caller sees exact counts and nothing needs counting.
    if (input.established_reporter && !input.reporter.empty()) {
      WW_ASSIGN_OR_RETURN(count.counted_periods, ClaimReporterPeriods(ctx, input.reporter,
                                                                      report.theme(), observed, id));
      if ((count.counted_periods & PeriodBit(v1::HALF_YEAR)) != 0) {
        count.reporter_key = ReporterKey(input.reporter);
      }
    }
    StageReportCounts(ctx, input.area_codes, report.theme(), observed, ReportLeafCell(report),
                      count);
    stored.set_established_reporter(input.established_reporter);
    stored.set_counted_periods(count.counted_periods);
    stored.set_create_sequence(ctx.AppendChange(event));
    stored.set_content_fingerprint(input.fingerprint);
    stored.set_reporter(input.reporter);
    if (id != client_id) stored.set_client_id(client_id);

    ctx.Put(ColumnFamily::kReports, id, stored.SerializeAsString());
    const std::string theme(1, static_cast<char>(report.theme()));
    ctx.Put(ColumnFamily::kReportsByArea, AreaIndexKey(kAllAreas, observed, id), theme);
    for (const std::string& code : input.area_codes) {
      ctx.Put(ColumnFamily::kReportsByArea, AreaIndexKey(code, observed, id), theme);
    }
    if (!input.reporter.empty()) {
      ctx.Put(ColumnFamily::kReportsByReporter,
              ReporterIndexKey(input.reporter, ctx.Now(), id), "");
    }
    std::string leaf;
    AppendBigEndian64(&leaf, input.s2_cell_id);
    ctx.Put(ColumnFamily::kReportsByCell,
            CellIndexKey(S2CellParent(input.s2_cell_id, kIndexCellLevel), observed, id), leaf);

    outcome.report = ReporterView(stored);
    outcome.replayed = false;
    return absl::OkStatus();
  }

  Engine* const engine_;
  const IncidentStore* const incidents_;
  const SealedIdentityStore* const sealed_;
  const std::string alias_secret_;
};

}  // namespace

v1::Report ReporterView(const internal::StoredReport& stored) {
  v1::Report report = stored.report();
  if (stored.joined_others_incident()) {
    report.set_incident_id(absl::StrCat(
        "incidents/", stored.client_id().empty() ? report.id() : stored.client_id()));
  }
  if (stored.client_id().empty()) return report;
  const std::string& stored_id = stored.report().id();
  report.set_id(stored.client_id());
  report.set_name(absl::StrCat("reports/", stored.client_id()));
  if (report.incident_id() == absl::StrCat("incidents/", stored_id)) {
    report.set_incident_id(absl::StrCat("incidents/", stored.client_id()));
  }
  return report;
}

absl::StatusOr<std::string> ResolveOwnReportId(const ReportStore& store, absl::string_view id,
                                               absl::string_view reporter) {
  absl::StatusOr<internal::StoredReport> stored = store.GetStored(id);
  if (stored.ok() && stored->reporter() == reporter) return std::string(id);
  if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
  if (reporter.empty()) return std::string(id);
  for (int attempt = 0; attempt < kMaxReportAliasAttempts; ++attempt) {
    std::string alias = store.AliasOf(reporter, id, attempt);
    absl::StatusOr<internal::StoredReport> aliased = store.GetStored(alias);
    if (absl::IsNotFound(aliased.status())) break;
    if (!aliased.ok()) return aliased.status();
    if (aliased->reporter() == reporter && aliased->client_id() == id) return alias;
  }
  return std::string(id);
}

absl::StatusOr<SubmitOutcome> ReportStore::Submit(NewReport report) {
  std::promise<absl::StatusOr<SubmitOutcome>> promise;
  auto future = promise.get_future();
  SubmitAsync(std::move(report),
              [&promise](absl::StatusOr<SubmitOutcome> r) { promise.set_value(std::move(r)); });
  return future.get();
}

std::unique_ptr<ReportStore> NewReportStore(Engine* engine, const IncidentStore* incidents,
                                            const SealedIdentityStore* sealed) {
  return std::make_unique<EngineReportStore>(engine, incidents, sealed);
}

}  // namespace wijkwacht::storage
