#include "storage/open_incidents.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "domain/dispatch/workflow.h"
#include "domain/lexicon/event_lexicon.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

bool IsOpenRecord(const internal::StoredIncident& record) {
  return dispatch::IsOpen(static_cast<dispatch::IncidentStatus>(record.incident().status()));
}


}  // namespace

dedup::IncidentFeatures OpenIncidents::FeaturesOf(absl::string_view id,
                                                  const internal::StoredIncident& stored) {
  const v1::Incident& incident = stored.incident();
  dedup::IncidentFeatures f;
  f.id = std::string(id);
  f.latitude = incident.centroid().latitude();
  f.longitude = incident.centroid().longitude();
  f.first_observed = FromTimestamp(incident.first_observed_time());
  f.last_observed = FromTimestamp(incident.last_observed_time());
  f.theme = static_cast<catalog::Theme>(incident.theme());
  f.category = incident.category();
  f.text_vector.assign(stored.text_vector().begin(), stored.text_vector().end());
  f.event = lexicon::DecodeSignature(stored.event_signature());
  f.stems.assign(stored.text_stems().begin(), stored.text_stems().end());
  f.report_count = stored.report_count();
  return f;
}

absl::Status OpenIncidents::Load(const Engine& engine) {
  struct Indexed {
    std::string id;
    absl::Time day;
  };
  std::vector<Indexed> indexed;
  absl::Time newest_day = absl::InfinitePast();
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine.Scan(
      ColumnFamily::kIncidentsByCell, "", "", [&](absl::string_view key, absl::string_view) {
        const std::optional<uint64_t> day =
            key.size() > kIncidentIndexHeaderBytes ? ReadBigEndian64(key.substr(kIncidentIndexPrefixBytes, 8)) : std::nullopt;
        if (!day) {
          inner = absl::DataLossError("malformed incidents_by_cell key");
          return false;
        }
        // The key holds the start of the UTC day of the last observed report.
        const absl::Time t = absl::FromUnixMicros(static_cast<int64_t>(*day));
        newest_day = std::max(newest_day, t);
        indexed.push_back({std::string(key.substr(kIncidentIndexHeaderBytes)), t});
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  const absl::Time oldest_day = newest_day - horizon_ - absl::Hours(24);
  std::erase_if(indexed, [&](const Indexed& entry) { return entry.day < oldest_day; });
  if (indexed.empty()) return absl::OkStatus();
  // The records in key order, one pass over the incidents family merged with the sorted ids:
  // a sequential read instead of one point lookup per incident (at 300,000 incidents the
  // lookups took seconds, the pass a fraction of that). Records not in reach are skipped.
  std::sort(indexed.begin(), indexed.end(),
            [](const Indexed& a, const Indexed& b) { return a.id < b.id; });
  size_t next = 0;
  WW_RETURN_IF_ERROR(engine.Scan(
      ColumnFamily::kIncidents, indexed.front().id, "",
      [&](absl::string_view key, absl::string_view value) {
        if (key < indexed[next].id) return true;  // an incident out of reach
        if (key > indexed[next].id) {
          inner = absl::DataLossError(
              absl::StrCat("incidents_by_cell names missing incident ", indexed[next].id));
          return false;
        }
        internal::StoredIncident record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError(absl::StrCat("stored incident ", key, " does not parse"));
          return false;
        }
        Put(key, std::move(record));
        // An id indexed twice (in two cells) is read once.
        while (next < indexed.size() && indexed[next].id == key) ++next;
        return next < indexed.size();
      }));
  WW_RETURN_IF_ERROR(inner);
  if (next < indexed.size()) {
    return absl::DataLossError(
        absl::StrCat("incidents_by_cell names missing incident ", indexed[next].id));
  }
  return absl::OkStatus();
}

OpenIncidents::EntryPtr OpenIncidents::Find(absl::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

void OpenIncidents::CollectNear(uint64_t cell, absl::Time observed, const Windows& windows,
                                std::vector<EntryPtr>* out) const {
  std::shared_lock lock(mu_);
  // The writer's walk under the lock; the shared pointer of each entry it visits from by_id_
  // (a reader's search, not the writer's hot path).
  ForEachNearOnWriter(cell, observed, windows, [&](const Entry& entry) {
    if (auto held = by_id_.find(entry.features.id); held != by_id_.end()) {
      out->push_back(held->second);
    }
  });
}

OpenIncidents::EntryPtr OpenIncidents::Put(absl::string_view id,
                                           internal::StoredIncident record) {
  EntryPtr entry;
  if (IsOpenRecord(record)) {
    auto fresh = std::make_shared<Entry>();
    fresh->record = std::move(record);
    fresh->record.mutable_incident()->clear_reports();
    fresh->features = FeaturesOf(id, fresh->record);
    fresh->cell = dedup::IncidentMatcher::IndexCell(fresh->features.latitude,
                                                    fresh->features.longitude);
    entry = std::move(fresh);
  }
  if (entry != nullptr && entry->features.last_observed > newest_) {
    newest_ = entry->features.last_observed;
  }
  std::string key(id);
  EntryPtr previous;
  {
    std::unique_lock lock(mu_);
    if (auto it = by_id_.find(key); it != by_id_.end()) previous = it->second;
    SetLocked(key, std::move(entry));
  }
  // Sweeping costs a pass over every entry: once per hour of data time is plenty.
  if (newest_ - swept_at_ > absl::Hours(1)) Sweep();
  return previous;
}

void OpenIncidents::Restore(absl::string_view id, EntryPtr previous) {
  std::string key(id);
  std::unique_lock lock(mu_);
  SetLocked(key, std::move(previous));
}

size_t OpenIncidents::ThemeSlot(const Entry& entry) {
  const auto t = static_cast<size_t>(entry.features.theme);
  return t < kThemes ? t : 0;
}

void OpenIncidents::FileLocked(const EntryPtr& entry) {
  Cell& cell = by_cell_[entry->cell];
  Slot& slot = cell.themes[ThemeSlot(*entry)];
  slot.by_last.emplace(KeyOf(*entry), entry);
  slot.max_span = std::max(slot.max_span,
                           entry->features.last_observed - entry->features.first_observed);
  ++cell.size;
}

void OpenIncidents::UnfileLocked(const Entry& entry) {
  auto cell = by_cell_.find(entry.cell);
  if (cell == by_cell_.end()) return;
  Slot& slot = cell->second.themes[ThemeSlot(entry)];
  if (slot.by_last.erase(KeyOf(entry)) == 0) return;
  if (slot.by_last.empty()) slot.max_span = absl::ZeroDuration();
  if (--cell->second.size == 0) by_cell_.erase(cell);
}

void OpenIncidents::SetLocked(const std::string& id, EntryPtr entry) {
  auto it = by_id_.find(id);
  if (it != by_id_.end()) {
    // Unfile before the map lets go of the old entry (its key names its address).
    UnfileLocked(*it->second);
    if (entry == nullptr) {
      by_id_.erase(it);
      return;
    }
    it->second = entry;
  } else {
    if (entry == nullptr) return;
    by_id_.emplace(id, entry);
  }
  FileLocked(entry);
}

void OpenIncidents::Sweep() {
  swept_at_ = newest_;
  if (horizon_ == absl::InfiniteDuration()) return;
  const absl::Time oldest = newest_ - horizon_;
  std::vector<std::string> stale;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, entry] : by_id_) {
      if (entry->features.last_observed < oldest) stale.push_back(id);
    }
  }
  if (stale.empty()) return;
  std::unique_lock lock(mu_);
  for (const std::string& id : stale) SetLocked(id, nullptr);
}

size_t OpenIncidents::size() const {
  std::shared_lock lock(mu_);
  return by_id_.size();
}

}  // namespace wijkwacht::storage
