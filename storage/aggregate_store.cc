#include "storage/aggregate_store.h"

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

const absl::CivilDay kEpochDay(1970, 1, 1);

void AppendBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

uint32_t DayNumber(absl::CivilDay day) {
  const int64_t n = day - kEpochDay;
  return n < 0 ? 0 : static_cast<uint32_t>(n);
}

std::string AggregatePrefix(absl::string_view area_code, int theme) {
  std::string key(area_code);
  key.push_back('\0');
  key.push_back(static_cast<char>(theme));
  return key;
}

std::string AggregateKey(absl::string_view area_code, int theme, absl::CivilDay day) {
  std::string key = AggregatePrefix(area_code, theme);
  AppendBigEndian32(&key, DayNumber(day));
  return key;
}

}  // namespace

const absl::TimeZone& MapTimeZone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Amsterdam", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

absl::CivilDay MapDay(absl::Time t) { return absl::ToCivilDay(t, MapTimeZone()); }

void StageReportCounts(WriteContext& ctx, const std::vector<std::string>& area_codes, int theme,
                       absl::Time observed, bool incident_opened) {
  const absl::CivilDay day = MapDay(observed);
  for (const std::string& code : area_codes) {
    ctx.AddToCounters(ColumnFamily::kAggregates, AggregateKey(code, theme, day),
                      incident_opened ? 1 : 0, 1);
  }
}

absl::Status AggregateStore::ForEachDay(absl::string_view area_code, int theme,
                                        absl::CivilDay first, absl::CivilDay end,
                                        const DayVisitor& visit) const {
  const std::string prefix = AggregatePrefix(area_code, theme);
  const uint32_t end_number = DayNumber(end);
  return engine_->Scan(ColumnFamily::kAggregates, AggregateKey(area_code, theme, first), prefix,
                       [&](absl::string_view key, absl::string_view value) {
                         if (key.size() != prefix.size() + 4) return true;
                         uint32_t n = 0;
                         for (size_t i = prefix.size(); i < key.size(); ++i) {
                           n = (n << 8) | static_cast<uint8_t>(key[i]);
                         }
                         if (n >= end_number) return false;
                         const CounterPair c = DecodeCounters(value);
                         visit(kEpochDay + n, DayCounts{c.first, c.second});
                         return true;
                       });
}

absl::StatusOr<std::vector<std::string>> VerifyAggregates(const Engine& engine,
                                                          size_t max_differences) {
  // Recompute: key -> (incidents, reports).
  absl::btree_map<std::string, CounterPair> expected;
  absl::Status inner = absl::OkStatus();
  absl::Status scanned = engine.Scan(
      ColumnFamily::kReports, "", "", [&](absl::string_view, absl::string_view value) {
        internal::StoredReport stored;
        if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("stored report does not parse");
          return false;
        }
        absl::StatusOr<std::optional<std::string>> bytes =
            engine.Get(ColumnFamily::kChangeLog, SequenceKey(stored.create_sequence()));
        if (!bytes.ok()) {
          inner = bytes.status();
          return false;
        }
        internal::ChangeEvent event;
        if (!*bytes || !event.ParseFromString(**bytes) || !event.has_report_created()) {
          inner = absl::DataLossError(absl::StrCat("report ", stored.report().id(),
                                                   " has no ReportCreated change-log entry"));
          return false;
        }
        const internal::ReportCreated& created = event.report_created();
        const absl::Time observed =
            absl::FromUnixSeconds(created.observed_time().seconds()) +
            absl::Nanoseconds(created.observed_time().nanos());
        for (const std::string& code : created.area_codes()) {
          CounterPair& c = expected[AggregateKey(code, created.theme(), MapDay(observed))];
          c.first += created.incident_opened() ? 1 : 0;
          c.second += 1;
        }
        return true;
      });
  WW_RETURN_IF_ERROR(scanned);
  WW_RETURN_IF_ERROR(inner);

  std::vector<std::string> differences;
  auto describe = [](absl::string_view key, CounterPair stored, CounterPair recomputed) {
    const size_t nul = key.find('\0');
    const std::string area(key.substr(0, nul));
    const int theme = nul + 1 < key.size() ? static_cast<uint8_t>(key[nul + 1]) : 0;
    uint32_t n = 0;
    for (size_t i = nul + 2; i < key.size(); ++i) n = (n << 8) | static_cast<uint8_t>(key[i]);
    const absl::CivilDay day = kEpochDay + n;
    return absl::StrCat(area, " theme ", theme, " ", absl::FormatCivilTime(day), ": stored ",
                        stored.first, "/", stored.second, ", recomputed ", recomputed.first, "/",
                        recomputed.second, " (incidents/reports)");
  };
  auto it = expected.begin();
  absl::Status compared = engine.Scan(
      ColumnFamily::kAggregates, "", "", [&](absl::string_view key, absl::string_view value) {
        const CounterPair stored = DecodeCounters(value);
        while (it != expected.end() && it->first < key) {
          differences.push_back(describe(it->first, {}, it->second));
          ++it;
        }
        CounterPair recomputed;
        if (it != expected.end() && it->first == key) recomputed = (it++)->second;
        if (stored.first != recomputed.first || stored.second != recomputed.second) {
          differences.push_back(describe(key, stored, recomputed));
        }
        return differences.size() < max_differences;
      });
  WW_RETURN_IF_ERROR(compared);
  for (; it != expected.end() && differences.size() < max_differences; ++it) {
    differences.push_back(describe(it->first, {}, it->second));
  }
  return differences;
}

}  // namespace wijkwacht::storage
