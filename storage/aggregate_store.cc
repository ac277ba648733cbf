#include "storage/aggregate_store.h"

#include "absl/strings/str_cat.h"

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

}  // namespace wijkwacht::storage
