#include "storage/keys.h"

#include <cstring>

#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text.h"

namespace wijkwacht::storage {

void AppendBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

std::optional<uint64_t> ReadBigEndian64(absl::string_view in) {
  if (in.size() < 8) return std::nullopt;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

void AppendBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

std::optional<uint32_t> ReadBigEndian32(absl::string_view in) {
  if (in.size() < 4) return std::nullopt;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

void AppendFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t DecodeFixed64(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

void AppendDouble(std::string* out, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  AppendFixed64(out, bits);
}

double DecodeDouble(absl::string_view in) {
  const uint64_t bits = DecodeFixed64(in);
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

std::string IncidentDueKey(absl::Time due, absl::string_view incident_id) {
  std::string key;
  AppendBigEndian64(&key, TimeToMicros(due));
  key.append(incident_id.data(), incident_id.size());
  return key;
}

std::optional<std::string> ParseIncidentDueKey(absl::string_view key) {
  if (key.size() <= 8) return std::nullopt;
  return std::string(key.substr(8));
}

std::string SequenceKey(uint64_t sequence) {
  std::string key;
  AppendBigEndian64(&key, sequence);
  return key;
}

std::optional<uint64_t> ParseSequenceKey(absl::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return ReadBigEndian64(key);
}

std::string OutboxKey(uint64_t change_sequence, uint32_t index) {
  std::string key;
  AppendBigEndian64(&key, change_sequence);
  AppendBigEndian32(&key, index);
  return key;
}

std::string OutboxKeyText(absl::string_view key) {
  if (key.size() != 12) return "";
  return absl::StrCat(ReadBigEndian64(key.substr(0, 8)).value_or(0), "-",
                      ReadBigEndian32(key.substr(8, 4)).value_or(0));
}

std::optional<std::string> ParseOutboxKeyText(absl::string_view text) {
  const size_t dash = text.find('-');
  if (dash == absl::string_view::npos) return std::nullopt;
  uint64_t sequence = 0;
  uint32_t index = 0;
  const absl::string_view seq_text = text.substr(0, dash), index_text = text.substr(dash + 1);
  const auto digits = [](absl::string_view t) {
    return !t.empty() && t.size() <= 20 && (t.size() == 1 || t[0] != '0') &&
           std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(seq_text) || !digits(index_text) || !absl::SimpleAtoi(seq_text, &sequence) ||
      !absl::SimpleAtoi(index_text, &index)) {
    return std::nullopt;
  }
  return OutboxKey(sequence, index);
}

std::string AuditByIncidentPrefix(absl::string_view incident_id) {
  std::string key(incident_id);
  key.push_back('\0');
  return key;
}

std::string AuditByIncidentKey(absl::string_view incident_id, uint64_t sequence) {
  std::string key = AuditByIncidentPrefix(incident_id);
  AppendBigEndian64(&key, sequence);
  return key;
}

std::optional<uint64_t> ParseAuditByIncidentKey(absl::string_view key) {
  if (key.size() < 9 || key[key.size() - 9] != '\0') return std::nullopt;
  return ReadBigEndian64(key.substr(key.size() - 8));
}

uint64_t TimeToMicros(absl::Time t) {
  int64_t micros = absl::ToUnixMicros(t);
  return micros < 0 ? 0 : static_cast<uint64_t>(micros);
}

std::string AreaIndexPrefix(absl::string_view area_code) {
  std::string key(area_code);
  key.push_back('\0');
  return key;
}

std::string AreaIndexKey(absl::string_view area_code, absl::Time observed,
                         absl::string_view report_id) {
  std::string key = AreaIndexPrefix(area_code);
  AppendBigEndian64(&key, TimeToMicros(observed));
  absl::StrAppend(&key, report_id);
  return key;
}

std::string ReporterIndexPrefix(absl::string_view reporter) {
  std::string key(reporter);
  key.push_back('\0');
  return key;
}

std::string ReporterIndexKey(absl::string_view reporter, absl::Time created,
                             absl::string_view report_id) {
  std::string key = ReporterIndexPrefix(reporter);
  AppendBigEndian64(&key, TimeToMicros(created));
  absl::StrAppend(&key, report_id);
  return key;
}

std::string ReporterPeriodKey(absl::string_view reporter, int theme, int period,
                              uint32_t start_day) {
  std::string key(reporter);
  key.push_back('\0');
  key.push_back(static_cast<char>(theme));
  key.push_back(static_cast<char>(period));
  AppendBigEndian32(&key, start_day);
  return key;
}

std::string ReportAliasId(absl::string_view secret, absl::string_view reporter,
                          absl::string_view client_id, int attempt) {
  static constexpr absl::string_view kLabel = "wijkwacht report alias v1\n";
  std::string input(kLabel);
  AppendBigEndian32(&input, static_cast<uint32_t>(secret.size()));
  absl::StrAppend(&input, secret);
  AppendBigEndian32(&input, static_cast<uint32_t>(reporter.size()));
  absl::StrAppend(&input, reporter, client_id);
  AppendBigEndian32(&input, static_cast<uint32_t>(attempt));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  // Version 8: application-defined.
  return FormatUuid(absl::string_view(reinterpret_cast<const char*>(digest), 16), 8);
}

std::optional<AreaIndexEntry> ParseAreaIndexKey(absl::string_view key, size_t prefix_size) {
  if (key.size() < prefix_size + 8) return std::nullopt;
  std::optional<uint64_t> micros = ReadBigEndian64(key.substr(prefix_size, 8));
  if (!micros) return std::nullopt;
  return AreaIndexEntry{absl::FromUnixMicros(static_cast<int64_t>(*micros)),
                        std::string(key.substr(prefix_size + 8))};
}

std::string CellIndexKey(uint64_t cell_id, absl::Time observed, absl::string_view report_id) {
  std::string key;
  AppendBigEndian64(&key, cell_id);
  AppendBigEndian64(&key, TimeToMicros(observed));
  absl::StrAppend(&key, report_id);
  return key;
}

uint64_t S2CellParent(uint64_t cell_id, int level) {
  const uint64_t lsb = uint64_t{1} << (2 * (30 - level));
  return (cell_id & (~lsb + 1)) | lsb;
}

std::string ActionPlanKey(int year) {
  std::string key = ActionPlanPrefix();
  AppendBigEndian32(&key, static_cast<uint32_t>(year));
  return key;
}

std::string ActionPlanPrefix() { return "p"; }

std::string MeasurePrefix(int year) {
  std::string key = "m";
  AppendBigEndian32(&key, static_cast<uint32_t>(year));
  return key;
}

std::string MeasureKey(int year, uint32_t number) {
  std::string key = MeasurePrefix(year);
  AppendBigEndian32(&key, number);
  return key;
}

std::optional<uint32_t> ParseMeasureKey(absl::string_view key) {
  if (key.size() != 9 || key[0] != 'm') return std::nullopt;
  return ReadBigEndian32(key.substr(5));
}

std::string EnforcementRecordPrefix() { return "r"; }

std::string EnforcementDayPrefix(int32_t day) {
  std::string key = EnforcementRecordPrefix();
  AppendBigEndian32(&key, static_cast<uint32_t>(day));
  return key;
}

std::string EnforcementRecordKey(int32_t day, uint64_t number) {
  std::string key = EnforcementDayPrefix(day);
  AppendBigEndian64(&key, number);
  return key;
}

std::string EnforcementRefKey(absl::string_view department, absl::string_view external_ref) {
  std::string key = "x";
  key.append(department.data(), department.size());
  key.push_back('\0');
  key.append(external_ref.data(), external_ref.size());
  return key;
}

std::string EnforcementCounterKey() { return "n"; }

std::string PollPrefix() { return "p"; }

std::string PollKey(uint64_t number) {
  std::string key = PollPrefix();
  AppendBigEndian64(&key, number);
  return key;
}

std::string PollCounterKey() { return "n"; }

std::string QuestionKey(uint64_t number) {
  std::string key = "q";
  AppendBigEndian64(&key, number);
  return key;
}

std::string RatingKey(absl::string_view report_id) { return absl::StrCat("r", report_id); }

std::string QuestionCounterKey() { return "n"; }

std::string PollEntryKey(uint64_t number, absl::string_view suffix) {
  std::string key;
  AppendBigEndian64(&key, number);
  key.append(suffix.data(), suffix.size());
  return key;
}

}  // namespace wijkwacht::storage
