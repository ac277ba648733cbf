#include "storage/dispatch_store.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "domain/lexicon/event_lexicon.h"
#include "domain/catalog/theme.h"
#include "google/protobuf/util/time_util.h"
#include "storage/aggregate_store.h"
#include "storage/keys.h"
#include "storage/meta_keys.h"
#include "storage/retention.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kListTokenVersion = '\x01';
constexpr char kAuditTokenVersion = '\x02';
constexpr char kHistoryTokenVersion = '\x03';
// Audit entries indexed per commit when the index is built for an older data dir.
constexpr int kIndexBatch = 1000;
// Split ids tried per report ("split-<id>", "split-<id>-2", ...).
constexpr int kMaxSplitSuffix = 1000;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

std::string IncidentName(absl::string_view id) { return absl::StrCat("incidents/", id); }

std::string StatusName(int status) {
  return std::string(dispatch::IncidentStatusName(static_cast<dispatch::IncidentStatus>(status)));
}

std::string ActorOf(const DispatchActor& actor) {
  return actor.subject.empty() ? "anonymous" : actor.subject;
}

uint64_t Fnv1a(absl::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

absl::StatusOr<internal::StoredReport> ParseReport(absl::string_view bytes) {
  internal::StoredReport stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored report does not parse");
  }
  return stored;
}

// ---- writer-side helpers (run inside a WriteFn) ----

absl::StatusOr<internal::StoredIncident> LoadIncident(WriteContext& ctx, absl::string_view id) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kIncidents, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat(IncidentName(id), " does not exist"));
  return ParseStoredIncident(*bytes);
}

absl::StatusOr<internal::StoredReport> LoadReport(WriteContext& ctx, absl::string_view id) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kReports, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("reports/", id, " does not exist"));
  return ParseReport(*bytes);
}

absl::Status CheckVersion(const internal::StoredIncident& stored, int64_t version) {
  if (version <= 0) {
    return InvalidFieldError("version", "is required: pass the version of the incident you read");
  }
  if (stored.incident().version() != version) {
    return absl::AbortedError(absl::StrCat(
        stored.incident().name(), " has changed: its version is ", stored.incident().version(),
        ", not ", version, "; read it again and retry"));
  }
  return absl::OkStatus();
}

void Touch(internal::StoredIncident& stored, absl::Time now) {
  v1::Incident& incident = *stored.mutable_incident();
  incident.set_version(incident.version() + 1);
  *incident.mutable_update_time() = ToTimestamp(now);
}

struct Member {
  std::string key;  // incident_members key
  absl::Time observed;
  std::string report_id;
};

absl::StatusOr<std::vector<Member>> Members(WriteContext& ctx, absl::string_view id) {
  const std::string prefix = IncidentMemberPrefix(id);
  std::vector<Member> out;
  absl::Status inner;
  WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kIncidentMembers, prefix, prefix,
                              [&](absl::string_view key, absl::string_view) {
                                if (key.size() <= prefix.size() + 8) {
                                  inner = absl::DataLossError("malformed incident_members key");
                                  return false;
                                }
                                std::optional<uint64_t> micros =
                                    ReadBigEndian64(key.substr(prefix.size(), 8));
                                out.push_back({std::string(key),
                                               absl::FromUnixMicros(static_cast<int64_t>(*micros)),
                                               std::string(key.substr(prefix.size() + 8))});
                                return true;
                              }));
  WW_RETURN_IF_ERROR(inner);
  return out;
}

// Sets the visible status (and optionally the incident) of member reports.
absl::Status UpdateReports(WriteContext& ctx, const std::vector<Member>& members,
                           v1::ReportStatus status, const std::string* incident_name) {
  for (const Member& m : members) {
    WW_ASSIGN_OR_RETURN(internal::StoredReport stored, LoadReport(ctx, m.report_id));
    v1::Report& report = *stored.mutable_report();
    bool changed = false;
    if (report.status() != status) {
      report.set_status(status);
      changed = true;
    }
    if (incident_name != nullptr && report.incident_id() != *incident_name) {
      report.set_incident_id(*incident_name);
      changed = true;
    }
    if (!changed) continue;
    *report.mutable_update_time() = ToTimestamp(ctx.Now());
    ctx.Put(ColumnFamily::kReports, m.report_id, stored.SerializeAsString());
  }
  return absl::OkStatus();
}

template <typename Map, typename Key>
Key Dominant(const Map& counts, Key current) {
  auto it = counts.find(current);
  int best = it == counts.end() ? 0 : it->second;
  for (const auto& [key, count] : counts) {
    if (count > best) {
      best = count;
      current = key;
    }
  }
  return current;
}

// Recomputes counts, centroid, observed times and review flag from the member reports.
absl::Status Recompute(WriteContext& ctx, absl::string_view id, internal::StoredIncident& stored) {
  WW_ASSIGN_OR_RETURN(std::vector<Member> members, Members(ctx, id));
  v1::Incident& incident = *stored.mutable_incident();
  stored.set_report_count(0);
  stored.set_latitude_sum(0);
  stored.set_longitude_sum(0);
  stored.clear_category_counts();
  stored.clear_theme_counts();
  stored.set_review_count(0);
  incident.set_needs_review(false);
  incident.clear_first_observed_time();
  incident.clear_last_observed_time();
  int count = 0;
  for (const Member& m : members) {
    WW_ASSIGN_OR_RETURN(internal::StoredReport r, LoadReport(ctx, m.report_id));
    const v1::Report& report = r.report();
    ++count;
    stored.set_latitude_sum(stored.latitude_sum() + report.location().latitude());
    stored.set_longitude_sum(stored.longitude_sum() + report.location().longitude());
    const absl::Time observed = FromTimestamp(report.observed_time());
    if (count == 1 || observed < FromTimestamp(incident.first_observed_time())) {
      *incident.mutable_first_observed_time() = report.observed_time();
    }
    if (count == 1 || observed > FromTimestamp(incident.last_observed_time())) {
      *incident.mutable_last_observed_time() = report.observed_time();
    }
    ++(*stored.mutable_category_counts())[report.category()];
    ++(*stored.mutable_theme_counts())[static_cast<int>(report.theme())];
    if (report.needs_review()) {
      stored.set_review_count(stored.review_count() + 1);
      incident.set_needs_review(true);
    }
  }
  stored.set_report_count(count);
  if (count > 0) {
    incident.mutable_centroid()->set_latitude(stored.latitude_sum() / count);
    incident.mutable_centroid()->set_longitude(stored.longitude_sum() / count);
    if (!stored.classification_fixed()) {
      incident.set_category(Dominant(stored.category_counts(), incident.category()));
      incident.set_theme(static_cast<v1::Theme>(
          Dominant(stored.theme_counts(), static_cast<int32_t>(incident.theme()))));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsOverdue(const v1::Incident& incident, absl::Time now) {
  return incident.has_due_time() &&
         dispatch::IsOpen(static_cast<dispatch::IncidentStatus>(incident.status())) &&
         FromTimestamp(incident.due_time()) <= now;
}

namespace {

bool IsIncidentIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

std::vector<std::string> AuditedIncidents(const v1::AuditEntry& entry) {
  std::vector<std::string> ids;
  const auto add = [&ids](absl::string_view id) {
    if (id.empty() || !std::all_of(id.begin(), id.end(), IsIncidentIdChar)) return;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.emplace_back(id);
  };
  absl::string_view target = entry.target();
  if (absl::ConsumePrefix(&target, "incidents/")) add(target);
  // The details of these two are written by the store, never by a caller: the absorbed
  // incidents ("absorbed incidents/a (2 reports), ...") and the new one ("reports/r ->
  // incidents/split-r").
  if (entry.action() == "MergeIncidents" || entry.action() == "SplitReport") {
    absl::string_view rest = entry.detail();
    for (size_t at = rest.find("incidents/"); at != absl::string_view::npos;
         at = rest.find("incidents/")) {
      rest.remove_prefix(at + sizeof("incidents/") - 1);
      size_t end = 0;
      while (end < rest.size() && IsIncidentIdChar(rest[end])) ++end;
      add(rest.substr(0, end));
      rest.remove_prefix(end);
    }
  }
  return ids;
}

bool RedactIncidentNames(v1::AuditEntry& entry,
                         const std::function<bool(absl::string_view id)>& shown) {
  bool redacted = false;
  absl::string_view target = entry.target();
  if (absl::ConsumePrefix(&target, "incidents/") && !shown(target)) {
    entry.set_target(kAnotherIncident);
    redacted = true;
  }
  if (entry.action() != "MergeIncidents" && entry.action() != "SplitReport") return redacted;
  // The same reading of the store's own detail as AuditedIncidents.
  static constexpr char kPrefix[] = "incidents/";
  constexpr size_t kPrefixBytes = sizeof(kPrefix) - 1;
  const std::string& detail = entry.detail();
  std::string out;
  size_t copied = 0;
  for (size_t at = detail.find(kPrefix); at != std::string::npos;
       at = detail.find(kPrefix, at)) {
    size_t end = at + kPrefixBytes;
    while (end < detail.size() && IsIncidentIdChar(detail[end])) ++end;
    const absl::string_view id =
        absl::string_view(detail).substr(at + kPrefixBytes, end - at - kPrefixBytes);
    if (!id.empty() && !shown(id)) {
      absl::StrAppend(&out, absl::string_view(detail).substr(copied, at - copied),
                      kAnotherIncident);
      copied = end;
      redacted = true;
    }
    at = end;
  }
  if (copied > 0) {
    absl::StrAppend(&out, absl::string_view(detail).substr(copied));
    entry.set_detail(std::move(out));
  }
  return redacted;
}

void UnindexAudit(WriteContext& ctx, const v1::AuditEntry& entry) {
  for (const std::string& id : AuditedIncidents(entry)) {
    ctx.Delete(ColumnFamily::kAuditByIncident,
               AuditByIncidentKey(id, static_cast<uint64_t>(entry.sequence())));
  }
}

namespace {

void IndexAudit(WriteContext& ctx, const v1::AuditEntry& entry) {
  for (const std::string& id : AuditedIncidents(entry)) {
    ctx.Put(ColumnFamily::kAuditByIncident,
            AuditByIncidentKey(id, static_cast<uint64_t>(entry.sequence())), "");
  }
}

}  // namespace

absl::Status AppendAudit(WriteContext& ctx, const DispatchActor& actor, absl::string_view action,
                         absl::string_view target, std::string detail) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> head_bytes,
                      ctx.Get(ColumnFamily::kMeta, meta::kAuditHead));
  std::optional<dispatch::AuditEntry> previous;
  if (head_bytes) {
    v1::AuditEntry head;
    if (!head.ParseFromString(*head_bytes)) return absl::DataLossError("audit head does not parse");
    previous = AuditEntryFromProto(head);
  }
  dispatch::AuditEntry entry{.time = ctx.Now(),
                             .actor = ActorOf(actor),
                             .action = std::string(action),
                             .target = std::string(target),
                             .detail = std::move(detail)};
  WW_RETURN_IF_ERROR(dispatch::SealEntry(entry, previous ? &*previous : nullptr));
  const v1::AuditEntry stored = AuditEntryToProto(entry);
  const std::string bytes = stored.SerializeAsString();
  ctx.Put(ColumnFamily::kAuditLog, SequenceKey(static_cast<uint64_t>(entry.sequence)), bytes);
  ctx.Put(ColumnFamily::kMeta, meta::kAuditHead, bytes);
  IndexAudit(ctx, stored);
  return absl::OkStatus();
}

namespace {

internal::IncidentChanged& NewChange(internal::ChangeEvent& event,
                                     const internal::StoredIncident& stored,
                                     absl::string_view action, const DispatchActor& actor) {
  internal::IncidentChanged& c = *event.mutable_incident_changed();
  c.set_incident(stored.incident().name());
  c.set_action(std::string(action));
  c.set_status(stored.incident().status());
  c.set_version(stored.incident().version());
  c.set_actor(ActorOf(actor));
  if (action == "MergeIncidents" || action == "SplitReport" || action == "ReclassifyIncident") {
    *c.mutable_count_moved() = CountLocation(stored);  // its theme or membership changed
  }
  return c;
}

absl::string_view RoleToken(int role) {
  switch (role) {
    case v1::RESIDENT:
      return "resident";
    case v1::ENTREPRENEUR:
      return "entrepreneur";
    case v1::STAFF:
      return "staff";
    default:
      return "unspecified";
  }
}

// One fastText training line (domain/classify labelled-file format), on one line.
std::string CorrectionLine(int theme, absl::string_view category, const v1::Report& report) {
  std::string text = report.description();
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return absl::StrCat("__label__", catalog::ThemeName(static_cast<catalog::Theme>(theme)),
                      " __cat__", category.empty() ? "none" : category, " __role__",
                      RoleToken(report.reporter_role()), " ", text);
}


}  // namespace

dispatch::AuditEntry AuditEntryFromProto(const v1::AuditEntry& e) {
  return dispatch::AuditEntry{.sequence = e.sequence(),
                              .time = FromTimestamp(e.time()),
                              .actor = e.actor(),
                              .action = e.action(),
                              .target = e.target(),
                              .detail = e.detail(),
                              .previous_hash = e.previous_hash(),
                              .hash = e.hash()};
}

v1::AuditEntry AuditEntryToProto(const dispatch::AuditEntry& e) {
  v1::AuditEntry out;
  out.set_sequence(e.sequence);
  *out.mutable_time() = ToTimestamp(e.time);
  out.set_actor(e.actor);
  out.set_action(e.action);
  out.set_target(e.target);
  out.set_detail(e.detail);
  out.set_hash(e.hash);
  out.set_previous_hash(e.previous_hash);
  return out;
}

absl::StatusOr<internal::StoredIncident> DispatchStore::Get(absl::string_view id) const {
  return incidents_->Get(id, kMaxMembersReturned);
}

absl::StatusOr<IncidentPage> DispatchStore::List(const IncidentQuery& q) const {
  if (q.page_size < 1 || q.page_size > kMaxIncidentPageSize) {
    return InvalidFieldError("page_size",
                             absl::StrCat("must be in [1, ", kMaxIncidentPageSize, "]"));
  }
  const std::string prefix(1, static_cast<char>(q.status));
  const uint64_t filters = Fnv1a(absl::StrCat(q.status, "\x1f", q.theme, "\x1f", q.area_code,
                                              q.overdue ? "\x1foverdue" : "", "\x1f",
                                              q.department,
                                              q.text.empty() ? "" : "\x1ftext\x1f", q.text));
  std::string last_returned;
  std::string start = prefix;
  if (!q.page_token.empty()) {
    std::string raw;
    // version, filters (8), then an incidents_by_status key: status, create micros (8), id.
    if (!absl::WebSafeBase64Unescape(q.page_token, &raw) || raw.size() < 19 ||
        raw[0] != kListTokenVersion || raw.substr(9, 1) != prefix ||
        !std::all_of(raw.begin() + 18, raw.end(), IsIncidentIdChar)) {
      return InvalidFieldError("page_token", "is not a token returned by ListIncidents");
    }
    if (ReadBigEndian64(absl::string_view(raw).substr(1, 8)) != filters) {
      return InvalidFieldError("page_token",
                               "was issued for different filters; keep the filters unchanged "
                               "while paging");
    }
    last_returned = raw.substr(9);
    start = last_returned;
  } else {
    start.append(9, '\xff');
  }
  IncidentPage page;
  absl::Status inner;
  int scanned = 0;
  bool more = false;
  std::string last_key;
  WW_RETURN_IF_ERROR(engine_->ScanBackward(
      ColumnFamily::kIncidentsByStatus, start, prefix,
      [&](absl::string_view key, absl::string_view theme) {
        if (key == last_returned) return true;
        if (key.size() <= 9) {
          inner = absl::DataLossError("malformed incidents_by_status key");
          return false;
        }
        std::optional<absl::StatusOr<internal::StoredIncident>> loaded;
        if (q.visible) {
          // An incident the caller may not see is as if absent: it neither counts against the
          // scan budget nor ends a page, so pages and tokens do not depend on it.
          loaded = incidents_->Get(key.substr(9), 0);
          if (!loaded->ok()) {
            inner = loaded->status();
            return false;
          }
          if (!q.visible(**loaded)) return true;
        }
        if (static_cast<int>(page.incidents.size()) >= q.page_size ||
            scanned >= kMaxIncidentsScanned) {
          more = true;
          return false;
        }
        ++scanned;
        last_key = std::string(key);
        if (q.theme != 0 && (theme.size() != 1 || theme[0] != static_cast<char>(q.theme))) {
          return true;
        }
        absl::StatusOr<internal::StoredIncident> stored =
            loaded ? *std::move(loaded) : incidents_->Get(key.substr(9), 0);
        if (!stored.ok()) {
          inner = stored.status();
          return false;
        }
        if (!q.area_code.empty()) {
          std::vector<std::string> codes = ReportAreaCodes(stored->incident().area());
          codes.insert(codes.end(), stored->area_codes().begin(), stored->area_codes().end());
          if (std::find(codes.begin(), codes.end(), q.area_code) == codes.end()) return true;
        }
        if (q.overdue && !IsOverdue(stored->incident(), q.now)) return true;
        if (!q.department.empty() && stored->incident().department() != q.department &&
            stored->incident().assigned_department() != q.department) {
          return true;
        }
        if (!q.text.empty() && q.text_matches) {
          absl::StatusOr<bool> match = q.text_matches(*stored);
          if (!match.ok()) {
            inner = match.status();
            return false;
          }
          if (!*match) return true;
        }
        page.incidents.push_back(*std::move(stored));
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  if (more) {
    std::string raw(1, kListTokenVersion);
    AppendBigEndian64(&raw, filters);
    raw += last_key;
    page.next_page_token = absl::WebSafeBase64Escape(raw);
  }
  return page;
}

absl::StatusOr<std::vector<DispatchStore::MemberText>> DispatchStore::MemberTexts(
    absl::string_view id, size_t limit) const {
  WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, incidents_->Get(id, limit));
  std::vector<MemberText> out;
  for (absl::string_view name : stored.incident().reports()) {
    absl::ConsumePrefix(&name, "reports/");
    WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, engine_->Get(ColumnFamily::kReports, name));
    if (!bytes) continue;
    internal::StoredReport report;
    if (!report.ParseFromString(*bytes)) {
      return absl::DataLossError(absl::StrCat("reports/", name, " does not parse"));
    }
    out.push_back({report.reporter(), report.report().description()});
  }
  return out;
}

absl::StatusOr<internal::StoredIncident> DispatchStore::Claim(absl::string_view id_view,
                                                              int64_t version,
                                                              const DispatchActor& actor) {
  std::string id(id_view);
  return CommitForResult<internal::StoredIncident>(
      engine_, [id, version, actor, incidents = incidents_](WriteContext& ctx, internal::StoredIncident& out) {
        WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, LoadIncident(ctx, id));
        WW_RETURN_IF_ERROR(CheckVersion(stored, version));
        v1::Incident& incident = *stored.mutable_incident();
        const std::string who = ActorOf(actor);
        if (!dispatch::IsOpen(static_cast<dispatch::IncidentStatus>(incident.status()))) {
          return absl::FailedPreconditionError(
              absl::StrCat(incident.name(), " is ", StatusName(incident.status()),
                           "; only open incidents can be claimed"));
        }
        if (!incident.claimed_by().empty() && incident.claimed_by() != who) {
          return absl::FailedPreconditionError(
              absl::StrCat(incident.name(), " is already claimed by ", incident.claimed_by()));
        }
        const std::string previous = incident.claimed_by();
        incident.set_claimed_by(who);
        Touch(stored, ctx.Now());
        WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, id, incident.status(), stored));
        WW_RETURN_IF_ERROR(AppendAudit(
            ctx, actor, "ClaimIncident", incident.name(),
            absl::StrCat("claimed_by ", previous.empty() ? "(none)" : previous, " -> ", who)));
        internal::ChangeEvent event;
        NewChange(event, stored, "ClaimIncident", actor);
        ctx.AppendChange(event);
        out = std::move(stored);
        return absl::OkStatus();
      });
}

absl::StatusOr<internal::StoredIncident> DispatchStore::Assign(absl::string_view id_view,
                                                               int64_t version,
                                                               absl::string_view department_view,
                                                               const DispatchActor& actor) {
  std::string id(id_view), department(department_view);
  return CommitForResult<internal::StoredIncident>(
      engine_, [id, version, department, actor, incidents = incidents_](WriteContext& ctx, internal::StoredIncident& out) {
        WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, LoadIncident(ctx, id));
        WW_RETURN_IF_ERROR(CheckVersion(stored, version));
        v1::Incident& incident = *stored.mutable_incident();
        if (!dispatch::IsOpen(static_cast<dispatch::IncidentStatus>(incident.status()))) {
          return absl::FailedPreconditionError(
              absl::StrCat(incident.name(), " is ", StatusName(incident.status()),
                           "; only open incidents can be assigned"));
        }
        const std::string previous =
            incident.assigned_department().empty() ? "none" : incident.assigned_department();
        incident.set_department(absl::StrCat("departments/", department));
        incident.set_assigned_department(incident.department());
        incident.set_assigned_team(static_cast<v1::Team>(dispatch::TeamOfDepartment(department)));
        Touch(stored, ctx.Now());
        WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, id, incident.status(), stored));
        WW_RETURN_IF_ERROR(AppendAudit(ctx, actor, "AssignIncident", incident.name(),
                                       absl::StrCat("department ", previous, " -> ",
                                                    incident.assigned_department())));
        internal::ChangeEvent event;
        NewChange(event, stored, "AssignIncident", actor);
        ctx.AppendChange(event);
        out = std::move(stored);
        return absl::OkStatus();
      });
}

absl::StatusOr<internal::StoredIncident> DispatchStore::Transition(
    absl::string_view id_view, int64_t version, dispatch::IncidentStatus target,
    absl::string_view comment_view, const DispatchActor& actor, AlsoStage also) {
  std::string id(id_view), comment(comment_view);
  return CommitForResult<internal::StoredIncident>(
      engine_,
      [id, version, target, comment, actor, incidents = incidents_, also = std::move(also)](
          WriteContext& ctx, internal::StoredIncident& out) {
        WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, LoadIncident(ctx, id));
        WW_RETURN_IF_ERROR(CheckVersion(stored, version));
        v1::Incident& incident = *stored.mutable_incident();
        const auto from = static_cast<dispatch::IncidentStatus>(incident.status());
        dispatch::TransitionContext context{
            .comment = comment,
            .assigned_team = static_cast<dispatch::Team>(incident.assigned_team())};
        context.assigned_to_department = !incident.assigned_department().empty();
        if (stored.has_close_time()) context.closed_time = FromTimestamp(stored.close_time());
        context.now = ctx.Now();
        if (!stored.merged_into().empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              incident.name(), " was merged into incidents/", stored.merged_into(),
              "; change that incident instead"));
        }
        WW_RETURN_IF_ERROR(dispatch::CheckTransition(from, target, context));
        const int old_status = incident.status();
        incident.set_status(static_cast<v1::IncidentStatus>(target));
        if (target == dispatch::IncidentStatus::kClosed) {
          *stored.mutable_close_time() = ToTimestamp(ctx.Now());
        } else {
          stored.clear_close_time();
        }
        if (target == dispatch::IncidentStatus::kResolved ||
            target == dispatch::IncidentStatus::kRejected) {
          *stored.mutable_handled_time() = ToTimestamp(ctx.Now());
        } else if (dispatch::IsOpen(target)) {
          stored.clear_handled_time();  // reopened
        }
        Touch(stored, ctx.Now());
        WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, id, old_status, stored));
        internal::ChangeEvent event;
        internal::IncidentChanged& change = NewChange(event, stored, "TransitionIncident", actor);
        change.set_reason(comment);
        const dispatch::ReportStatus before = dispatch::ReportStatusFor(from);
        const dispatch::ReportStatus after = dispatch::ReportStatusFor(target);
        if (before != after) {
          WW_ASSIGN_OR_RETURN(std::vector<Member> members, Members(ctx, id));
          WW_RETURN_IF_ERROR(
              UpdateReports(ctx, members, static_cast<v1::ReportStatus>(after), nullptr));
          for (const Member& m : members) change.add_report_ids(m.report_id);
          change.set_report_status(static_cast<int>(after));
        }
        std::string detail = absl::StrCat(dispatch::IncidentStatusName(from), " -> ",
                                          dispatch::IncidentStatusName(target));
        if (!comment.empty()) absl::StrAppend(&detail, ": ", comment);
        if (also) {
          WW_ASSIGN_OR_RETURN(std::string more, also(ctx, stored));
          if (!more.empty()) absl::StrAppend(&detail, "; ", more);
        }
        WW_RETURN_IF_ERROR(
            AppendAudit(ctx, actor, "TransitionIncident", incident.name(), std::move(detail)));
        ctx.AppendChange(event);
        out = std::move(stored);
        return absl::OkStatus();
      });
}

absl::StatusOr<internal::StoredIncident> DispatchStore::Merge(
    absl::string_view id_view, int64_t version, const std::vector<std::string>& absorbed,
    const DispatchActor& actor) {
  std::string id(id_view);
  return CommitForResult<internal::StoredIncident>(
      engine_,
      [id, version, absorbed, actor, incidents = incidents_](WriteContext& ctx, internal::StoredIncident& out) {
        if (absorbed.empty()) return InvalidFieldError("merged", "must name at least one incident");
        WW_ASSIGN_OR_RETURN(internal::StoredIncident survivor, LoadIncident(ctx, id));
        WW_RETURN_IF_ERROR(CheckVersion(survivor, version));
        v1::Incident& incident = *survivor.mutable_incident();
        if (!dispatch::IsOpen(static_cast<dispatch::IncidentStatus>(incident.status()))) {
          return absl::FailedPreconditionError(
              absl::StrCat(incident.name(), " is ", StatusName(incident.status()),
                           "; only an open incident can absorb others"));
        }
        // Check everything before staging anything.
        std::vector<internal::StoredIncident> others;
        std::set<std::string> seen;
        for (size_t i = 0; i < absorbed.size(); ++i) {
          const std::string field = absl::StrCat("merged[", i, "]");
          if (absorbed[i] == id) return InvalidFieldError(field, "is the surviving incident");
          if (!seen.insert(absorbed[i]).second) return InvalidFieldError(field, "is listed twice");
          WW_ASSIGN_OR_RETURN(internal::StoredIncident other, LoadIncident(ctx, absorbed[i]));
          if (!other.merged_into().empty()) {
            return absl::FailedPreconditionError(
                absl::StrCat(other.incident().name(), " was already merged into incidents/",
                             other.merged_into()));
          }
          others.push_back(std::move(other));
        }
        const std::string survivor_name = incident.name();
        const auto report_status = static_cast<v1::ReportStatus>(dispatch::ReportStatusFor(
            static_cast<dispatch::IncidentStatus>(incident.status())));
        // Report-count-weighted mean of the text vectors.
        std::vector<double> sum(survivor.text_vector().begin(), survivor.text_vector().end());
        for (double& x : sum) x *= std::max(1, survivor.report_count());
        std::vector<std::string> details;
        std::vector<internal::ChangeEvent> events;
        for (size_t i = 0; i < others.size(); ++i) {
          internal::StoredIncident& other = others[i];
          const std::string& other_id = absorbed[i];
          WW_ASSIGN_OR_RETURN(std::vector<Member> members, Members(ctx, other_id));
          for (const Member& m : members) {
            incidents->RemoveMember(ctx, m.key);
            incidents->StageMember(ctx, id, m.observed, m.report_id);
          }
          WW_RETURN_IF_ERROR(UpdateReports(ctx, members, report_status, &survivor_name));
          lexicon::EventSignature signature =
              lexicon::DecodeSignature(survivor.event_signature());
          signature.Merge(lexicon::DecodeSignature(other.event_signature()));
          survivor.set_event_signature(lexicon::EncodeSignature(signature));
          const std::vector<uint32_t> stems = lexicon::MergeStems(
              {survivor.text_stems().begin(), survivor.text_stems().end()},
              {other.text_stems().begin(), other.text_stems().end()}, lexicon::kMaxIncidentStems);
          survivor.mutable_text_stems()->Assign(stems.begin(), stems.end());
          if (other.text_vector_size() == static_cast<int>(sum.size()) || sum.empty()) {
            if (sum.empty()) sum.assign(other.text_vector_size(), 0.0);
            for (int k = 0; k < other.text_vector_size(); ++k) {
              sum[k] += static_cast<double>(other.text_vector(k)) * other.report_count();
            }
          }
          details.push_back(
              absl::StrCat(other.incident().name(), " (", members.size(), " reports)"));
          const int old_status = other.incident().status();
          other.mutable_incident()->set_status(v1::INCIDENT_CLOSED);
          *other.mutable_close_time() = ToTimestamp(ctx.Now());
          other.set_merged_into(id);
          const internal::MapCountMoved was_counted = CountLocation(other);
          UncountIncident(ctx, other);  // its reports now count towards the survivor
          other.set_report_count(0);
          other.set_latitude_sum(0);
          other.set_longitude_sum(0);
          other.clear_category_counts();
          other.clear_theme_counts();
          other.set_review_count(0);
          Touch(other, ctx.Now());
          WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, other_id, old_status, other));
          internal::ChangeEvent& event = events.emplace_back();
          internal::IncidentChanged& change = NewChange(event, other, "MergeIncidents", actor);
          change.set_merged_into(survivor_name);
          *change.mutable_count_moved() = was_counted;
          for (const Member& m : members) change.add_report_ids(m.report_id);
          change.set_report_status(report_status);
        }
        WW_RETURN_IF_ERROR(Recompute(ctx, id, survivor));
        double norm = 0;
        for (double x : sum) norm += x * x;
        survivor.clear_text_vector();
        for (double x : sum) {
          survivor.add_text_vector(static_cast<float>(norm > 0 ? x / std::sqrt(norm) : x));
        }
        Touch(survivor, ctx.Now());
        WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, id, incident.status(), survivor));
        WW_RETURN_IF_ERROR(AppendAudit(ctx, actor, "MergeIncidents", survivor_name,
                                       absl::StrCat("absorbed ", absl::StrJoin(details, ", "))));
        for (internal::ChangeEvent& event : events) ctx.AppendChange(event);
        internal::ChangeEvent event;
        NewChange(event, survivor, "MergeIncidents", actor);
        ctx.AppendChange(event);
        out = std::move(survivor);
        return absl::OkStatus();
      });
}

absl::StatusOr<internal::StoredIncident> DispatchStore::Split(absl::string_view id_view,
                                                              int64_t version,
                                                              absl::string_view report_view,
                                                              const DispatchActor& actor) {
  std::string id(id_view), report_id(report_view);
  return CommitForResult<internal::StoredIncident>(
      engine_,
      [id, version, report_id, actor, incidents = incidents_](WriteContext& ctx, internal::StoredIncident& out) {
        WW_ASSIGN_OR_RETURN(internal::StoredIncident old, LoadIncident(ctx, id));
        WW_RETURN_IF_ERROR(CheckVersion(old, version));
        WW_ASSIGN_OR_RETURN(internal::StoredReport report, LoadReport(ctx, report_id));
        const absl::Time observed = FromTimestamp(report.report().observed_time());
        const std::string member_key = IncidentMemberKey(id, observed, report_id);
        WW_ASSIGN_OR_RETURN(std::optional<std::string> is_member,
                            ctx.Get(ColumnFamily::kIncidentMembers, member_key));
        if (!is_member) {
          return absl::FailedPreconditionError(absl::StrCat(
              "reports/", report_id, " is not a report of ", old.incident().name()));
        }
        if (old.report_count() <= 1) {
          return absl::FailedPreconditionError(absl::StrCat(
              "reports/", report_id, " is the only report of ", old.incident().name(),
              "; there is nothing to split it from"));
        }
        std::string new_id;
        for (int n = 1; n <= kMaxSplitSuffix && new_id.empty(); ++n) {
          std::string candidate = n == 1 ? absl::StrCat("split-", report_id)
                                         : absl::StrCat("split-", report_id, "-", n);
          WW_ASSIGN_OR_RETURN(std::optional<std::string> taken,
                              ctx.Get(ColumnFamily::kIncidents, candidate));
          if (!taken) new_id = std::move(candidate);
        }
        if (new_id.empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("reports/", report_id, " was split off too often"));
        }
        // The old incident without the report.
        incidents->RemoveMember(ctx, member_key);
        WW_RETURN_IF_ERROR(Recompute(ctx, id, old));
        Touch(old, ctx.Now());
        WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, id, old.incident().status(), old));

        // The new incident: the report alone, to be triaged afresh.
        internal::StoredIncident fresh;
        v1::Incident& incident = *fresh.mutable_incident();
        const v1::Report& r = report.report();
        incident.set_name(IncidentName(new_id));
        incident.set_status(v1::INCIDENT_NEW);
        incident.set_theme(r.theme());
        incident.set_category(r.category());
        *incident.mutable_area() = r.area();
        *incident.mutable_create_time() = ToTimestamp(ctx.Now());
        // Counted on the map like an incident the report had opened itself.
        for (const std::string& code : ReportAreaCodes(r.area())) fresh.add_area_codes(code);
        *fresh.mutable_text_vector() = old.text_vector();
        fresh.set_event_signature(old.event_signature());
        *fresh.mutable_text_stems() = old.text_stems();
        incidents->StageMember(ctx, new_id, observed, report_id);
        WW_RETURN_IF_ERROR(Recompute(ctx, new_id, fresh));
        incident.set_version(1);
        *incident.mutable_update_time() = incident.create_time();
        CountIncident(ctx, fresh, observed, ReportLeafCell(r));
        WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, new_id, 0, fresh));
        const std::string new_name = incident.name();
        WW_RETURN_IF_ERROR(UpdateReports(ctx, {Member{member_key, observed, report_id}},
                                         v1::RECEIVED, &new_name));

        WW_RETURN_IF_ERROR(AppendAudit(ctx, actor, "SplitReport", old.incident().name(),
                                       absl::StrCat("reports/", report_id, " -> ", new_name)));
        internal::ChangeEvent old_event;
        NewChange(old_event, old, "SplitReport", actor);
        ctx.AppendChange(old_event);
        internal::ChangeEvent new_event;
        internal::IncidentChanged& change = NewChange(new_event, fresh, "SplitReport", actor);
        change.add_report_ids(report_id);
        change.set_report_status(v1::RECEIVED);
        ctx.AppendChange(new_event);
        out = std::move(fresh);
        return absl::OkStatus();
      });
}

absl::StatusOr<internal::StoredIncident> DispatchStore::Reclassify(
    absl::string_view id_view, int64_t version, int theme, absl::string_view category_view,
    const DispatchActor& actor, Reroute reroute) {
  std::string id(id_view), category(category_view);
  return CommitForResult<internal::StoredIncident>(
      engine_,
      [id, version, theme, category, actor, incidents = incidents_,
       reroute = std::move(reroute)](WriteContext& ctx, internal::StoredIncident& out) {
        WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, LoadIncident(ctx, id));
        WW_RETURN_IF_ERROR(CheckVersion(stored, version));
        v1::Incident& incident = *stored.mutable_incident();
        const std::string before =
            absl::StrCat(catalog::ThemeName(static_cast<catalog::Theme>(incident.theme())), "/",
                         incident.category());
        incident.set_theme(static_cast<v1::Theme>(theme));
        if (!category.empty()) incident.set_category(category);
        stored.set_classification_fixed(true);
        std::string routed;
        if (reroute) {
          const IncidentOpening opening = reroute(stored, ctx.Now());
          if (!opening.department.empty()) {
            incident.set_department(absl::StrCat("departments/", opening.department));
            incident.set_assigned_department(incident.department());
            incident.set_assigned_team(
                static_cast<v1::Team>(dispatch::TeamOfDepartment(opening.department)));
            routed = absl::StrCat("; routed by rule ", opening.rule_position, " of version ",
                                  opening.rules_version, " -> ", incident.department());
          }
          if (opening.due_time) {
            *incident.mutable_due_time() = ToTimestamp(*opening.due_time);
            absl::StrAppend(&routed, "; due ", absl::FormatTime(absl::RFC3339_sec, *opening.due_time,
                                                                absl::UTCTimeZone()));
          } else if (incident.has_due_time()) {
            incident.clear_due_time();
            absl::StrAppend(&routed, "; no handling target");
          }
        }
        Touch(stored, ctx.Now());
        WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, id, incident.status(), stored));
        WW_ASSIGN_OR_RETURN(std::vector<Member> members, Members(ctx, id));
        internal::ChangeEvent event;
        internal::IncidentChanged& change = NewChange(event, stored, "ReclassifyIncident", actor);
        for (const Member& m : members) {
          WW_ASSIGN_OR_RETURN(internal::StoredReport report, LoadReport(ctx, m.report_id));
          ctx.Put(ColumnFamily::kCorrections, m.report_id,
                  CorrectionLine(theme, incident.category(), report.report()));
          change.add_report_ids(m.report_id);
        }
        WW_RETURN_IF_ERROR(AppendAudit(
            ctx, actor, "ReclassifyIncident", incident.name(),
            absl::StrCat(before, " -> ",
                         catalog::ThemeName(static_cast<catalog::Theme>(incident.theme())), "/",
                         incident.category(), " (", members.size(), " corrections)", routed)));
        ctx.AppendChange(event);
        out = std::move(stored);
        return absl::OkStatus();
      });
}

absl::StatusOr<int> DispatchStore::MarkOverdue(absl::Time now, int limit) {
  const std::string end = IncidentDueKey(now + absl::Microseconds(1), "");
  bool any = false;  // most checks find nothing: no write then
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kIncidentsByDue, "", "",
                                   [&](absl::string_view key, absl::string_view) {
                                     any = key < end;
                                     return false;
                                   }));
  if (!any) return 0;
  return CommitForResult<int>(engine_, [end, limit, incidents = incidents_](WriteContext& ctx,
                                                                      int& out) -> absl::Status {
    std::vector<std::string> due;
    WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kIncidentsByDue, "", "",
                                [&](absl::string_view key, absl::string_view) {
                                  if (key >= end || static_cast<int>(due.size()) >= limit) {
                                    return false;
                                  }
                                  if (std::optional<std::string> id = ParseIncidentDueKey(key)) {
                                    due.push_back(*std::move(id));
                                  }
                                  return true;
                                }));
    const DispatchActor system{"system"};
    for (const std::string& id : due) {
      WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, LoadIncident(ctx, id));
      const v1::Incident& incident = stored.incident();
      stored.set_overdue_raised_for(
          static_cast<int64_t>(TimeToMicros(FromTimestamp(incident.due_time()))));
      WW_RETURN_IF_ERROR(incidents->StageIncident(ctx, id, incident.status(), stored));
      internal::ChangeEvent event;
      internal::IncidentChanged& change = NewChange(event, stored, "Overdue", system);
      *change.mutable_due_time() = incident.due_time();
      WW_RETURN_IF_ERROR(AppendAudit(
          ctx, system, "Overdue", incident.name(),
          absl::StrCat("due ", TimeUtil::ToString(incident.due_time()), ", still ",
                       StatusName(incident.status()))));
      ctx.AppendChange(event);
    }
    out = static_cast<int>(due.size());
    return absl::OkStatus();
  });
}

absl::Status DispatchStore::RecordRouting(
    const std::vector<std::pair<std::string, internal::RoutingApplied>>& routed,
    uint64_t cursor) {
  return engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    const DispatchActor system{"system"};
    for (const auto& [incident, r] : routed) {
      WW_RETURN_IF_ERROR(AppendAudit(
          ctx, system, "RouteIncident", incident,
          absl::StrCat("rule ", r.position(), " of routing-table version ", r.rules_version(),
                       r.label().empty() ? "" : absl::StrCat(" (", r.label(), ")"),
                       " -> departments/", r.department())));
    }
    ctx.Put(ColumnFamily::kMeta, meta::kDeskMonitorCursor, absl::StrCat(cursor));
    return absl::OkStatus();
  });
}

absl::StatusOr<uint64_t> DispatchStore::RoutingCursor() const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> text,
                      engine_->Get(ColumnFamily::kMeta, meta::kDeskMonitorCursor));
  uint64_t cursor = 0;
  if (text && !absl::SimpleAtoi(*text, &cursor)) {
    return absl::DataLossError("desk monitor cursor does not parse");
  }
  return cursor;
}

absl::StatusOr<int> DispatchStore::SendFeedback(absl::string_view id_view,
                                                absl::string_view message_view,
                                                const DispatchActor& actor) {
  std::string id(id_view), message(message_view);
  return CommitForResult<int>(engine_, [id, message, actor](WriteContext& ctx, int& out) {
    WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, LoadIncident(ctx, id));
    WW_ASSIGN_OR_RETURN(std::vector<Member> members, Members(ctx, id));
    internal::ChangeEvent event;
    internal::IncidentChanged& change = NewChange(event, stored, "SendFeedback", actor);
    change.set_feedback_message(message);
    std::set<std::string> reporters;
    for (const Member& m : members) {
      WW_ASSIGN_OR_RETURN(internal::StoredReport report, LoadReport(ctx, m.report_id));
      change.add_report_ids(m.report_id);
      if (!report.reporter().empty()) reporters.insert(report.reporter());
    }
    for (const std::string& r : reporters) change.add_reporters(r);
    WW_RETURN_IF_ERROR(AppendAudit(
        ctx, actor, "SendFeedback", stored.incident().name(),
        absl::StrCat(reporters.size(), " recipients (", message.size(), " bytes): ", message)));
    ctx.AppendChange(event);
    out = static_cast<int>(reporters.size());
    return absl::OkStatus();
  });
}

absl::Status DispatchStore::Audit(const DispatchActor& actor, absl::string_view action,
                                  absl::string_view target, std::string detail) {
  return engine_->CommitAndWait([&](WriteContext& ctx) {
    return AppendAudit(ctx, actor, action, target, detail);
  });
}

absl::Status DispatchStore::ForEachCreated(
    absl::Time start, absl::Time end,
    const std::function<bool(const internal::StoredIncident&)>& visit) const {
  const std::string prefix(1, '\0');
  const std::string last = IncidentStatusIndexKey(0, end, "");
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kIncidentsByStatus, IncidentStatusIndexKey(0, start, ""), prefix,
      [&](absl::string_view key, absl::string_view) {
        if (key >= last) return false;
        if (key.size() <= 9) {
          inner = absl::DataLossError("malformed incidents_by_status key");
          return false;
        }
        absl::StatusOr<internal::StoredIncident> stored = incidents_->Get(key.substr(9), 0);
        if (absl::IsNotFound(stored.status())) return true;
        if (!stored.ok()) {
          inner = stored.status();
          return false;
        }
        return visit(*stored);
      }));
  return inner;
}

absl::StatusOr<AuditPage> DispatchStore::AuditLog(int page_size,
                                                  absl::string_view page_token) const {
  if (page_size < 1 || page_size > kMaxAuditPageSize) {
    return InvalidFieldError("page_size", absl::StrCat("must be in [1, ", kMaxAuditPageSize, "]"));
  }
  uint64_t first = 1;
  if (!page_token.empty()) {
    std::string raw;
    std::optional<uint64_t> seq;
    if (!absl::WebSafeBase64Unescape(page_token, &raw) || raw.size() != 9 ||
        raw[0] != kAuditTokenVersion || !(seq = ReadBigEndian64(absl::string_view(raw).substr(1)))) {
      return InvalidFieldError("page_token", "is not a token returned by GetAuditLog");
    }
    first = *seq;
  }
  AuditPage page;
  absl::Status inner;
  bool more = false;
  uint64_t next = 0;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kAuditLog, SequenceKey(first), "",
      [&](absl::string_view key, absl::string_view value) {
        if (static_cast<int>(page.entries.size()) >= page_size) {
          more = true;
          next = ParseSequenceKey(key).value_or(0);
          return false;
        }
        v1::AuditEntry& entry = page.entries.emplace_back();
        if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("stored audit entry does not parse");
          return false;
        }
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  if (more) {
    std::string raw(1, kAuditTokenVersion);
    AppendBigEndian64(&raw, next);
    page.next_page_token = absl::WebSafeBase64Escape(raw);
  }
  return page;
}

absl::StatusOr<AuditPage> DispatchStore::IncidentHistory(absl::string_view id, int page_size,
                                                         absl::string_view page_token) const {
  if (page_size < 1 || page_size > kMaxAuditPageSize) {
    return InvalidFieldError("page_size", absl::StrCat("must be in [1, ", kMaxAuditPageSize, "]"));
  }
  const uint64_t bound = Fnv1a(id);
  uint64_t first = 0;
  if (!page_token.empty()) {
    std::string raw;
    std::optional<uint64_t> seq;
    if (!absl::WebSafeBase64Unescape(page_token, &raw) || raw.size() != 17 ||
        raw[0] != kHistoryTokenVersion ||
        !(seq = ReadBigEndian64(absl::string_view(raw).substr(9)))) {
      return InvalidFieldError("page_token", "is not a token returned by GetIncidentHistory");
    }
    if (ReadBigEndian64(absl::string_view(raw).substr(1, 8)) != bound) {
      return InvalidFieldError("page_token",
                               "was issued for another incident; page one incident at a time");
    }
    first = *seq;
  }
  AuditPage page;
  absl::Status inner;
  bool more = false;
  uint64_t next = 0;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kAuditByIncident, AuditByIncidentKey(id, first), AuditByIncidentPrefix(id),
      [&](absl::string_view key, absl::string_view) {
        const std::optional<uint64_t> sequence = ParseAuditByIncidentKey(key);
        if (!sequence) {
          inner = absl::DataLossError("malformed audit_by_incident key");
          return false;
        }
        if (static_cast<int>(page.entries.size()) >= page_size) {
          more = true;
          next = *sequence;
          return false;
        }
        absl::StatusOr<std::optional<std::string>> bytes =
            engine_->Get(ColumnFamily::kAuditLog, SequenceKey(*sequence));
        if (!bytes.ok()) {
          inner = bytes.status();
          return false;
        }
        if (!bytes->has_value()) return true;  // removed by retention a moment ago
        v1::AuditEntry& entry = page.entries.emplace_back();
        if (!entry.ParseFromString(**bytes)) {
          inner = absl::DataLossError("stored audit entry does not parse");
          return false;
        }
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  if (more) {
    std::string raw(1, kHistoryTokenVersion);
    AppendBigEndian64(&raw, bound);
    AppendBigEndian64(&raw, next);
    page.next_page_token = absl::WebSafeBase64Escape(raw);
  }
  return page;
}

absl::Status DispatchStore::IndexAuditLog() {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> built,
                      engine_->Get(ColumnFamily::kMeta, meta::kAuditIncidentIndexBuilt));
  if (built) return absl::OkStatus();
  uint64_t from = 0;
  for (;;) {
    std::vector<v1::AuditEntry> entries;
    absl::Status inner;
    bool more = false;
    WW_RETURN_IF_ERROR(engine_->Scan(
        ColumnFamily::kAuditLog, SequenceKey(from), "",
        [&](absl::string_view key, absl::string_view value) {
          if (static_cast<int>(entries.size()) >= kIndexBatch) {
            more = true;
            from = ParseSequenceKey(key).value_or(0);
            return false;
          }
          if (!entries.emplace_back().ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("stored audit entry does not parse");
            return false;
          }
          return true;
        }));
    WW_RETURN_IF_ERROR(inner);
    const bool last = !more;
    WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
      for (const v1::AuditEntry& entry : entries) IndexAudit(ctx, entry);
      if (last) ctx.Put(ColumnFamily::kMeta, meta::kAuditIncidentIndexBuilt, "1");
      return absl::OkStatus();
    }));
    if (last) return absl::OkStatus();
  }
}

absl::StatusOr<std::optional<std::string>> GetCorrection(const Engine& engine,
                                                         absl::string_view report_id) {
  return engine.Get(ColumnFamily::kCorrections, report_id);
}

absl::StatusOr<int64_t> ExportCorrections(const Engine& engine, std::string* out) {
  int64_t lines = 0;
  WW_RETURN_IF_ERROR(engine.Scan(ColumnFamily::kCorrections, "", "",
                                 [&](absl::string_view, absl::string_view line) {
                                   absl::StrAppend(out, line, "\n");
                                   ++lines;
                                   return true;
                                 }));
  return lines;
}

absl::StatusOr<int64_t> VerifyAuditLog(const Engine& engine) {
  // Retention may have removed the oldest entries; the last removed one anchors the rest.
  dispatch::ChainVerifier verifier;
  WW_ASSIGN_OR_RETURN(std::optional<std::string> anchor_bytes,
                      engine.Get(ColumnFamily::kMeta, meta::kAuditAnchor));
  if (anchor_bytes) {
    v1::AuditEntry anchor;
    if (!anchor.ParseFromString(*anchor_bytes)) {
      return absl::DataLossError("audit anchor does not parse");
    }
    verifier = dispatch::ChainVerifier(anchor.sequence(), anchor.hash());
  }
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine.Scan(ColumnFamily::kAuditLog, "", "",
                                 [&](absl::string_view key, absl::string_view value) {
                                   v1::AuditEntry entry;
                                   if (!entry.ParseFromArray(value.data(),
                                                             static_cast<int>(value.size()))) {
                                     inner = absl::DataLossError(absl::StrCat(
                                         "audit entry ", ParseSequenceKey(key).value_or(0),
                                         ": does not parse"));
                                     return false;
                                   }
                                   inner = verifier.Add(AuditEntryFromProto(entry));
                                   return inner.ok();
                                 }));
  WW_RETURN_IF_ERROR(inner);
  WW_RETURN_IF_ERROR(verifier.Finish());
  WW_ASSIGN_OR_RETURN(std::optional<std::string> head_bytes,
                      engine.Get(ColumnFamily::kMeta, meta::kAuditHead));
  if (head_bytes) {
    v1::AuditEntry head;
    if (!head.ParseFromString(*head_bytes)) return absl::DataLossError("audit head does not parse");
    if (head.sequence() != verifier.last_sequence() || head.hash() != verifier.head_hash()) {
      return absl::DataLossError(absl::StrCat(
          "audit entry ", verifier.last_sequence() + 1, ": the log ends at sequence ",
          verifier.last_sequence(), " but its recorded head is sequence ", head.sequence(),
          " (entries were removed or the head was changed)"));
    }
  } else if (verifier.last_sequence() != 0) {
    return absl::DataLossError("audit log has entries but no recorded head");
  }
  return verifier.last_sequence();
}

}  // namespace wijkwacht::storage
