#include "storage/incident_store.h"

#include <algorithm>
#include <limits>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "domain/lexicon/event_lexicon.h"
#include "domain/dispatch/workflow.h"
#include "storage/aggregate_store.h"
#include "storage/keys.h"
#include "storage/open_incidents.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;


google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

// The value of an incidents_by_cell entry: the centre and first observed time when it was
// last written, so the search can skip incidents out of reach without reading their record.
// Encoded as three little-endian 64-bit words (latitude, longitude as IEEE doubles; micros).
struct IndexHint {
  double latitude = 0;
  double longitude = 0;
  int64_t first_observed_micros = 0;
};
constexpr size_t kIndexHintBytes = 24;
// The entry is rewritten once the centre has moved this far from the indexed one, so a hint
// is never further than this from the true centre.
constexpr double kHintDriftMeters = 10;

std::string EncodeIndexHint(const IndexHint& hint) {
  std::string out;
  out.reserve(kIndexHintBytes);
  AppendDouble(&out, hint.latitude);
  AppendDouble(&out, hint.longitude);
  AppendFixed64(&out, static_cast<uint64_t>(hint.first_observed_micros));
  return out;
}

// nullopt for entries written without a hint.
std::optional<IndexHint> DecodeIndexHint(absl::string_view value) {
  if (value.size() != kIndexHintBytes) return std::nullopt;
  IndexHint hint;
  hint.latitude = DecodeDouble(value);
  hint.longitude = DecodeDouble(value.substr(8));
  hint.first_observed_micros = static_cast<int64_t>(DecodeFixed64(value.substr(16)));
  return hint;
}

// Start of the UTC day of `t`: index keys hold last-observed times at day granularity, so an
// incident's entry moves at most once a day (not on every report that joins it).
absl::Time IndexDay(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  return absl::FromUnixSeconds(seconds - ((seconds % 86400) + 86400) % 86400);
}

// The cheap bounds of a candidate before Score() decides eligibility exactly: the report's
// search window per incident theme (computed once per report, not per candidate) and its
// reach.
class CandidateBounds {
 public:
  CandidateBounds(const dedup::IncidentMatcher& matcher, const dedup::ReportFeatures& report)
      : report_(report),
        reach_(matcher.ReachMeters(report)),
        flat_(std::abs(report.latitude) <= kFlatMaxLatitude && reach_ <= kFlatMaxReachMeters),
        cos_latitude_(std::cos(report.latitude * kRadiansPerDegree)),
        flat_reach_squared_(std::pow(reach_ * 1.01 + 1, 2)) {
    for (size_t t = 0; t < windows_.size(); ++t) {
      windows_[t] = matcher.SearchWindow(report, static_cast<catalog::Theme>(t));
    }
  }
  // The distance to `f`'s centre when `f` may be eligible (for Score, which would otherwise
  // compute it again), nullopt when it cannot be.
  [[nodiscard]] std::optional<double> MayMatch(const dedup::IncidentFeatures& f) const {
    const auto t = static_cast<size_t>(f.theme);
    const absl::Duration window = t < windows_.size() ? windows_[t] : windows_[0];
    if (f.last_observed < report_.observed - window) return std::nullopt;
    if (f.first_observed > report_.observed + window) return std::nullopt;
    if (flat_ && FlatDistanceSquared(f) > flat_reach_squared_) return std::nullopt;
    const double distance =
        dedup::DistanceMeters(report_.latitude, report_.longitude, f.latitude, f.longitude);
    if (distance > reach_) return std::nullopt;
    return distance;
  }
  // The windows per incident theme (IncidentMatcher::SearchWindow).
  [[nodiscard]] const OpenIncidents::Windows& windows() const { return windows_; }

 private:
  static constexpr double kRadiansPerDegree = M_PI / 180;
  static constexpr double kEarthRadiusMeters = 6371010;  // S2Earth's mean radius
  static constexpr double kFlatMaxLatitude = 70;
  static constexpr double kFlatMaxReachMeters = 10000;

  // The squared equirectangular distance (longitude scaled at the report's latitude), which
  // skips the trigonometry of the exact distance for the many candidates of the search
  // cells that lie clearly out of reach. It rejects only what is beyond reach by 1 % and a
  // metre: within 10 km and below 70 degrees latitude it errs by far less (a degree of
  // longitude differs in length by under 0.5 % between the two latitudes, the flat
  // approximation itself by parts per million), so the candidates kept, and the decisions,
  // are those of the exact distance alone.
  [[nodiscard]] double FlatDistanceSquared(const dedup::IncidentFeatures& f) const {
    double dlng = f.longitude - report_.longitude;
    if (dlng > 180) dlng -= 360;
    if (dlng < -180) dlng += 360;
    const double x = dlng * kRadiansPerDegree * cos_latitude_ * kEarthRadiusMeters;
    const double y = (f.latitude - report_.latitude) * kRadiansPerDegree * kEarthRadiusMeters;
    return x * x + y * y;
  }

  const dedup::ReportFeatures& report_;
  const double reach_;
  const bool flat_;
  const double cos_latitude_;
  const double flat_reach_squared_;
  OpenIncidents::Windows windows_;
};

// A candidate within the cheap bounds: its entry, its distance to the report and the
// position of its search cell.
struct Candidate {
  const OpenIncidents::Entry* entry;
  double distance;
  size_t cell_index;
};

// At most `max` candidates (DedupOptions::max_candidates): when more lie within the bounds,
// the first in the order of their search cells and then ids, so which ones count never
// depends on the order in which the set hands them out.
void KeepFirst(std::vector<Candidate>& candidates, size_t max) {
  if (candidates.size() <= max) return;
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.cell_index != b.cell_index) return a.cell_index < b.cell_index;
    return a.entry->features.id < b.entry->features.id;
  });
  candidates.resize(max);
}

// Scores the open incidents in memory that can be eligible for `report` (not sorted). For
// readers other than the writer (it copies what it scores).
std::vector<ScoredIncident> ScoreCandidates(const OpenIncidents& open,
                                            const dedup::IncidentMatcher& matcher,
                                            const dedup::ReportFeatures& report) {
  const CandidateBounds bounds(matcher, report);
  const dedup::IncidentMatcher::ReportScorer scorer(matcher, report);
  const std::vector<uint64_t> cells = matcher.SearchCells(report);
  std::vector<OpenIncidents::EntryPtr> held;  // keeps the visited entries alive
  std::vector<Candidate> candidates;
  for (size_t c = 0; c < cells.size(); ++c) {
    const size_t from = held.size();
    open.CollectNear(cells[c], report.observed, bounds.windows(), &held);
    for (size_t i = from; i < held.size(); ++i) {
      const std::optional<double> distance = bounds.MayMatch(held[i]->features);
      if (distance) candidates.push_back({held[i].get(), *distance, c});
    }
  }
  KeepFirst(candidates, static_cast<size_t>(matcher.options().max_candidates));
  std::vector<ScoredIncident> out;
  out.reserve(candidates.size());
  for (const Candidate& c : candidates) {
    out.push_back({c.entry->features, scorer.Score(c.entry->features, c.distance)});
  }
  return out;
}

// On the writer thread (the set's one mutator, so entries stay put): the incident the report
// joins — matcher.Choose over the same candidates as ScoreCandidates, without copying them —
// or nullptr. `search_cells`: matcher.SearchCells(report), computed before the writer.
const OpenIncidents::Entry* BestCandidateOnWriter(const OpenIncidents& open,
                                                  const dedup::IncidentMatcher& matcher,
                                                  const dedup::ReportFeatures& report,
                                                  const std::vector<uint64_t>& search_cells,
                                                  bool& unsure) {
  const double threshold = matcher.options().threshold;
  const CandidateBounds bounds(matcher, report);
  // The writer's one buffer, reused report after report.
  static thread_local std::vector<Candidate> candidates;
  candidates.clear();
  for (size_t c = 0; c < search_cells.size(); ++c) {
    open.ForEachNearOnWriter(search_cells[c], report.observed, bounds.windows(),
                             [&](const OpenIncidents::Entry& entry) {
                               const std::optional<double> distance =
                                   bounds.MayMatch(entry.features);
                               if (distance) candidates.push_back({&entry, *distance, c});
                             });
  }
  KeepFirst(candidates, static_cast<size_t>(matcher.options().max_candidates));
  // Only the decision is needed: eligibility and score (ReportScorer::Decide). The best
  // ties to the smaller id, so the order of the candidates does not matter.
  const dedup::IncidentMatcher::ReportScorer scorer(matcher, report);
  const OpenIncidents::Entry* best = nullptr;
  double best_score = 0;
  double best_below = -std::numeric_limits<double>::infinity();  // eligible, not joinable
  for (const Candidate& c : candidates) {
    const dedup::MatchScore s = scorer.Decide(c.entry->features, c.distance);
    if (!s.eligible) continue;
    if (s.score < threshold) {
      best_below = std::max(best_below, s.score);
      continue;
    }
    if (best == nullptr || s.score > best_score ||
        (s.score == best_score && c.entry->features.id < best->features.id)) {
      best = c.entry;
      best_score = s.score;
    }
  }
  unsure = matcher.Unsure(best == nullptr ? std::nullopt : std::optional<double>(best_score),
                          best_below);
  return best;
}

// The most common key of `counts`; `current` stays unless another key has strictly more
// members, so the shown value never flips on a tie.
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

// `review`: the report asks for the desk's review (an unsure theme or an unsure match).
void AddMember(internal::StoredIncident& stored, const IncidentMember& member, bool review,
               absl::Time now) {
  v1::Incident& incident = *stored.mutable_incident();
  const dedup::ReportFeatures& f = member.features;
  const int previous_count = stored.report_count();
  const int count = previous_count + 1;
  stored.set_report_count(count);
  stored.set_latitude_sum(stored.latitude_sum() + f.latitude);
  stored.set_longitude_sum(stored.longitude_sum() + f.longitude);
  incident.mutable_centroid()->set_latitude(stored.latitude_sum() / count);
  incident.mutable_centroid()->set_longitude(stored.longitude_sum() / count);
  if (previous_count == 0 || f.observed < FromTimestamp(incident.first_observed_time())) {
    *incident.mutable_first_observed_time() = ToTimestamp(f.observed);
  }
  if (previous_count == 0 || f.observed > FromTimestamp(incident.last_observed_time())) {
    *incident.mutable_last_observed_time() = ToTimestamp(f.observed);
  }
  ++(*stored.mutable_category_counts())[f.category];
  ++(*stored.mutable_theme_counts())[static_cast<int>(f.theme)];
  if (!stored.classification_fixed()) {  // a dispatcher's reclassification wins
    incident.set_category(Dominant(stored.category_counts(), incident.category()));
    incident.set_theme(static_cast<v1::Theme>(
        Dominant(stored.theme_counts(), static_cast<int32_t>(incident.theme()))));
  }
  std::vector<float> previous(stored.text_vector().begin(), stored.text_vector().end());
  std::vector<float> combined = dedup::CombineVectors(previous, previous_count, f.text_vector);
  stored.mutable_text_vector()->Assign(combined.begin(), combined.end());
  lexicon::EventSignature event = lexicon::DecodeSignature(stored.event_signature());
  event.Merge(f.event);
  stored.set_event_signature(lexicon::EncodeSignature(event));
  const std::vector<uint32_t> stems = lexicon::MergeStems(
      {stored.text_stems().begin(), stored.text_stems().end()}, f.stems,
      lexicon::kMaxIncidentStems);
  stored.mutable_text_stems()->Assign(stems.begin(), stems.end());
  if (review) {
    stored.set_review_count(stored.review_count() + 1);
    incident.set_needs_review(true);
  }
  incident.set_version(incident.version() + 1);
  *incident.mutable_update_time() = ToTimestamp(now);
}

}  // namespace

absl::StatusOr<internal::StoredIncident> ParseStoredIncident(absl::string_view bytes) {
  internal::StoredIncident stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored incident does not parse");
  }
  return stored;
}

std::string IncidentStatusIndexKey(int status, absl::Time create_time,
                                   absl::string_view incident_id) {
  std::string key(1, static_cast<char>(status));
  AppendBigEndian64(&key, TimeToMicros(create_time));
  key.append(incident_id.data(), incident_id.size());
  return key;
}

namespace {

// Indexes `stored` under status 0 and its current status (value: theme), removing the entry of
// `old_status` (0 = none to remove) when the status changed.
void StageStatusIndex(WriteContext& ctx, absl::string_view id, int old_status,
                      const internal::StoredIncident& stored) {
  const v1::Incident& incident = stored.incident();
  const absl::Time created = FromTimestamp(incident.create_time());
  const std::string theme(1, static_cast<char>(incident.theme()));
  if (old_status != 0 && old_status != incident.status()) {
    ctx.Delete(ColumnFamily::kIncidentsByStatus, IncidentStatusIndexKey(old_status, created, id));
  }
  ctx.Put(ColumnFamily::kIncidentsByStatus, IncidentStatusIndexKey(0, created, id), theme);
  ctx.Put(ColumnFamily::kIncidentsByStatus, IncidentStatusIndexKey(incident.status(), created, id),
          theme);
}

// Makes incidents_by_cell agree with `stored`: indexed under the key of its current centre,
// theme and last observed time while its status is open (dispatch::IsOpen), absent with
// index_key cleared otherwise, so closed, resolved and rejected incidents attract no new
// reports and a reopened one does again.
void SyncCellIndex(WriteContext& ctx, absl::string_view id, internal::StoredIncident& stored) {
  const v1::Incident& incident = stored.incident();
  if (!dispatch::IsOpen(static_cast<dispatch::IncidentStatus>(incident.status()))) {
    if (!stored.index_key().empty()) ctx.Delete(ColumnFamily::kIncidentsByCell, stored.index_key());
    stored.clear_index_key();
    stored.clear_index_value();
    return;
  }
  const std::string index_key = IncidentIndexKey(
      dedup::IncidentMatcher::IndexCell(incident.centroid().latitude(),
                                        incident.centroid().longitude()),
      incident.theme(), FromTimestamp(incident.last_observed_time()), id);
  IndexHint hint;
  hint.latitude = incident.centroid().latitude();
  hint.longitude = incident.centroid().longitude();
  hint.first_observed_micros = TimeToMicros(FromTimestamp(incident.first_observed_time()));
  if (stored.index_key() == index_key) {
    // Rewriting an unchanged entry on every joining report would only pile up versions.
    const std::optional<IndexHint> indexed = DecodeIndexHint(stored.index_value());
    if (indexed && indexed->first_observed_micros == hint.first_observed_micros &&
        dedup::DistanceMeters(indexed->latitude, indexed->longitude, hint.latitude,
                              hint.longitude) < kHintDriftMeters) {
      return;
    }
  } else if (!stored.index_key().empty()) {
    ctx.Delete(ColumnFamily::kIncidentsByCell, stored.index_key());
  }
  stored.set_index_key(index_key);
  stored.set_index_value(EncodeIndexHint(hint));
  ctx.Put(ColumnFamily::kIncidentsByCell, index_key, stored.index_value());
}

// Makes incidents_by_due agree with `stored`: one entry while it is open, has a due_time and
// OVERDUE has not been raised for that due_time; none otherwise.
void SyncDueIndex(WriteContext& ctx, absl::string_view id, internal::StoredIncident& stored) {
  const v1::Incident& incident = stored.incident();
  std::string want;
  if (incident.has_due_time() &&
      dispatch::IsOpen(static_cast<dispatch::IncidentStatus>(incident.status()))) {
    const absl::Time due = FromTimestamp(incident.due_time());
    if (stored.overdue_raised_for() != static_cast<int64_t>(TimeToMicros(due))) {
      want = IncidentDueKey(due, id);
    }
  }
  if (want == stored.due_index_key()) return;
  if (!stored.due_index_key().empty()) ctx.Delete(ColumnFamily::kIncidentsByDue, stored.due_index_key());
  if (!want.empty()) ctx.Put(ColumnFamily::kIncidentsByDue, want, "");
  stored.set_due_index_key(want);
}

}  // namespace

std::string IncidentMemberPrefix(absl::string_view incident_id) {
  std::string key(incident_id);
  key.push_back('\0');
  return key;
}

std::string IncidentMemberKey(absl::string_view incident_id, absl::Time observed,
                              absl::string_view report_id) {
  std::string key = IncidentMemberPrefix(incident_id);
  AppendBigEndian64(&key, TimeToMicros(observed));
  key.append(report_id.data(), report_id.size());
  return key;
}

std::string IncidentIndexKey(uint64_t cell_id, int theme, absl::Time last_observed,
                             absl::string_view incident_id) {
  std::string key;
  key.reserve(kIncidentIndexHeaderBytes + incident_id.size());
  AppendBigEndian64(&key, cell_id);
  key.push_back(static_cast<char>(theme));
  AppendBigEndian64(&key, TimeToMicros(IndexDay(last_observed)));
  key.append(incident_id.data(), incident_id.size());
  return key;
}

IncidentStore::IncidentStore(Engine* engine, const dedup::IncidentMatcher* matcher,
                             absl::Duration max_report_age)
    : engine_(engine),
      matcher_(matcher),
      // A day more: index days are UTC days, and a report may carry a slightly future time.
      open_(std::make_unique<OpenIncidents>(matcher->MaxWindow() + max_report_age +
                                            absl::Hours(24))) {}

absl::Status IncidentStore::Load() const {
  std::call_once(load_once_, [this] { load_status_ = open_->Load(*engine_); });
  return load_status_;
}

size_t IncidentStore::OpenInMemory() const { return open_->size(); }

absl::StatusOr<std::vector<ScoredIncident>> IncidentStore::FindMatches(
    const dedup::ReportFeatures& report, size_t limit, double min_score) const {
  WW_RETURN_IF_ERROR(Load());
  std::vector<ScoredIncident> scored = ScoreCandidates(*open_, *matcher_, report);
  std::erase_if(scored, [&](const ScoredIncident& s) {
    return !s.score.eligible || s.score.score < min_score;
  });
  std::sort(scored.begin(), scored.end(), [](const ScoredIncident& a, const ScoredIncident& b) {
    if (a.score.score != b.score.score) return a.score.score > b.score.score;
    return a.incident.id < b.incident.id;
  });
  if (scored.size() > limit) scored.resize(limit);
  return scored;
}

absl::StatusOr<internal::StoredIncident> IncidentStore::Get(absl::string_view id,
                                                            size_t max_members) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      engine_->Get(ColumnFamily::kIncidents, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("incidents/", id, " does not exist"));
  WW_ASSIGN_OR_RETURN(internal::StoredIncident stored, ParseStoredIncident(*bytes));
  if (max_members == 0) return stored;
  const std::string prefix = IncidentMemberPrefix(id);
  v1::Incident& incident = *stored.mutable_incident();
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kIncidentMembers, prefix, prefix,
      [&](absl::string_view key, absl::string_view) {
        if (key.size() > prefix.size() + 8) {
          incident.add_reports(absl::StrCat("reports/", key.substr(prefix.size() + 8)));
        }
        return static_cast<size_t>(incident.reports_size()) < max_members;
      }));
  return stored;
}

void IncidentStore::WriteRecord(WriteContext& ctx, absl::string_view id,
                                internal::StoredIncident&& stored) const {
  SyncCellIndex(ctx, id, stored);
  SyncDueIndex(ctx, id, stored);
  ctx.Put(ColumnFamily::kIncidents, id, stored.SerializeAsString());
  OpenIncidents::EntryPtr previous = open_->Put(id, std::move(stored));
  ctx.OnAbort([open = open_.get(), key = std::string(id), previous = std::move(previous)] {
    open->Restore(key, previous);
  });
}

absl::Status IncidentStore::StageIncident(WriteContext& ctx, absl::string_view id,
                                          int old_status,
                                          internal::StoredIncident& stored) const {
  WW_RETURN_IF_ERROR(Load());
  RecountIncident(ctx, stored);  // the map counts it under its current theme
  StageStatusIndex(ctx, id, old_status, stored);
  SyncCellIndex(ctx, id, stored);  // the caller's record shows its index entry too
  internal::StoredIncident copy = stored;
  WriteRecord(ctx, id, std::move(copy));
  return absl::OkStatus();
}

void IncidentStore::StageMember(WriteContext& ctx, absl::string_view incident_id,
                                absl::Time observed, absl::string_view report_id) const {
  ctx.Put(ColumnFamily::kIncidentMembers, IncidentMemberKey(incident_id, observed, report_id),
          "");
}

void IncidentStore::RemoveMember(WriteContext& ctx, absl::string_view member_key) const {
  ctx.Delete(ColumnFamily::kIncidentMembers, member_key);
}

absl::Status IncidentStore::StageRemoval(WriteContext& ctx, absl::string_view id,
                                        const internal::StoredIncident& stored) const {
  WW_RETURN_IF_ERROR(Load());
  const v1::Incident& incident = stored.incident();
  const absl::Time created = FromTimestamp(incident.create_time());
  ctx.Delete(ColumnFamily::kIncidentsByStatus, IncidentStatusIndexKey(0, created, id));
  ctx.Delete(ColumnFamily::kIncidentsByStatus,
             IncidentStatusIndexKey(incident.status(), created, id));
  if (!stored.index_key().empty()) ctx.Delete(ColumnFamily::kIncidentsByCell, stored.index_key());
  if (!stored.due_index_key().empty()) {
    ctx.Delete(ColumnFamily::kIncidentsByDue, stored.due_index_key());
  }
  const std::string prefix = IncidentMemberPrefix(id);
  std::vector<std::string> members;
  WW_RETURN_IF_ERROR(ctx.Scan(ColumnFamily::kIncidentMembers, prefix, prefix,
                              [&](absl::string_view key, absl::string_view) {
                                members.emplace_back(key);
                                return true;
                              }));
  for (const std::string& key : members) RemoveMember(ctx, key);
  ctx.Delete(ColumnFamily::kIncidents, id);
  // A record that is not open leaves the working set.
  internal::StoredIncident gone;
  gone.mutable_incident()->set_status(v1::INCIDENT_CLOSED);
  OpenIncidents::EntryPtr previous = open_->Put(id, gone);
  ctx.OnAbort([open = open_.get(), key = std::string(id), previous = std::move(previous)] {
    open->Restore(key, previous);
  });
  return absl::OkStatus();
}

absl::StatusOr<IncidentAssignment> IncidentStore::Assign(WriteContext& ctx,
                                                         const IncidentMember& member) const {
  WW_RETURN_IF_ERROR(Load());
  bool unsure_match = false;
  const OpenIncidents::Entry* best = BestCandidateOnWriter(
      *open_, *matcher_, member.features,
      member.search_cells.empty() ? matcher_->SearchCells(member.features) : member.search_cells,
      unsure_match);

  IncidentAssignment assignment;
  internal::StoredIncident stored;
  if (best != nullptr) {
    assignment.incident_id = best->features.id;
    stored = best->record;
  } else {
    assignment.incident_id = member.report_id;
    assignment.opened = true;
    v1::Incident& incident = *stored.mutable_incident();
    incident.set_name(absl::StrCat("incidents/", member.report_id));
    incident.set_status(v1::INCIDENT_NEW);
    incident.set_theme(static_cast<v1::Theme>(member.features.theme));
    incident.set_category(member.features.category);
    *incident.mutable_area() = member.area;
    *incident.mutable_create_time() = ToTimestamp(ctx.Now());
    for (const std::string& code : member.area_codes) stored.add_area_codes(code);
    const IncidentOpening& opening = member.opening;
    if (!opening.department.empty()) {
      incident.set_department(absl::StrCat("departments/", opening.department));
      incident.set_assigned_department(incident.department());
      incident.set_assigned_team(
          static_cast<v1::Team>(dispatch::TeamOfDepartment(opening.department)));
    }
    if (opening.due_time) *incident.mutable_due_time() = ToTimestamp(*opening.due_time);
  }
  const int old_theme = stored.incident().theme();
  AddMember(stored, member, member.needs_review || unsure_match, ctx.Now());
  if (assignment.opened) {
    MarkIncidentCounted(stored, member.features.observed, member.leaf_cell);
  } else {
    // A join can change the majority theme.
    if (RecountIncident(ctx, stored)) assignment.count_moved = CountLocation(stored);
  }
  if (assignment.opened || stored.incident().theme() != old_theme) {
    StageStatusIndex(ctx, assignment.incident_id, 0, stored);  // the value carries the theme
  }
  WriteRecord(ctx, assignment.incident_id, std::move(stored));
  StageMember(ctx, assignment.incident_id, member.features.observed, member.report_id);
  return assignment;
}

}  // namespace wijkwacht::storage
