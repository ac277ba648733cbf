// Key encodings of the column families (layouts in column_families.h). Big-endian integers
// so that byte order is numeric order; times are microseconds since the Unix epoch.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wijkwacht::storage {

// S2 level of the reports_by_cell index: level 14 cells are ~0.3 km^2 (about 550 m wide at
// Beverwijk's latitude), so a 150 m search radius touches at most a handful of cells.
inline constexpr int kIndexCellLevel = 14;

// The one encoding module of the store (leveldb's util/coding.h is the model): every key and
// small fixed-width value is encoded here.
//
// Big-endian: keys, where byte order must be numeric order. Read* decode the first bytes of
// `in` (nullopt when it is too short).
void AppendBigEndian64(std::string* out, uint64_t v);
[[nodiscard]] std::optional<uint64_t> ReadBigEndian64(absl::string_view in);
void AppendBigEndian32(std::string* out, uint32_t v);
[[nodiscard]] std::optional<uint32_t> ReadBigEndian32(absl::string_view in);
// Little-endian fixed width: values (counter pairs, index hints). Decode* read the first bytes
// of `in`, which the caller has checked is long enough.
void AppendFixed64(std::string* out, uint64_t v);
[[nodiscard]] uint64_t DecodeFixed64(absl::string_view in);
// An IEEE 754 double as its 64 bits, little-endian.
void AppendDouble(std::string* out, double v);
[[nodiscard]] double DecodeDouble(absl::string_view in);

[[nodiscard]] std::string SequenceKey(uint64_t sequence);
[[nodiscard]] std::optional<uint64_t> ParseSequenceKey(absl::string_view key);

// Times before 1970 or after 2^63 µs are clamped; reports are validated long before.
[[nodiscard]] uint64_t TimeToMicros(absl::Time t);

// reports_by_area: oldest first within an area (read backwards for newest first; ascending
// keys keep memtable inserts cheap). The value is the report's theme (one byte), so a theme
// filter needs no report read.
[[nodiscard]] std::string AreaIndexPrefix(absl::string_view area_code);
[[nodiscard]] std::string AreaIndexKey(absl::string_view area_code, absl::Time observed,
                                       absl::string_view report_id);
struct AreaIndexEntry {
  absl::Time observed;
  std::string report_id;
};
// Parses a key produced by AreaIndexKey with the given prefix.
[[nodiscard]] std::optional<AreaIndexEntry> ParseAreaIndexKey(absl::string_view key,
                                                              size_t prefix_size);

// incidents_by_due: due time, then incident id (soonest due first).
[[nodiscard]] std::string IncidentDueKey(absl::Time due, absl::string_view incident_id);
// The incident id of an incidents_by_due key (nullopt when it is too short).
[[nodiscard]] std::optional<std::string> ParseIncidentDueKey(absl::string_view key);

// reporter_dialog: questions by number, ratings by report id, the question counter.
[[nodiscard]] std::string QuestionKey(uint64_t number);     // 'q' number
[[nodiscard]] std::string RatingKey(absl::string_view report_id);  // 'r' report id
[[nodiscard]] std::string QuestionCounterKey();              // "n"

// reports_by_reporter: a reporter's reports, oldest created first.
[[nodiscard]] std::string ReporterIndexPrefix(absl::string_view reporter);
[[nodiscard]] std::string ReporterIndexKey(absl::string_view reporter, absl::Time created,
                                           absl::string_view report_id);

// reports: the stored id of a report whose client id (`client_id`, lower-case UUID text) was
// already another reporter's report, for `reporter`'s `attempt`-th try (0, 1, ...; a later
// try only when the earlier id is taken by something else). A UUID (version 8) from
// SHA-256 over `secret` (ReportStore's, derived from the master key) and the three: stable
// for a retry, different per reporter, and not computable by a caller, so no caller can
// occupy another's alias ids in advance.
inline constexpr int kMaxReportAliasAttempts = 4;
[[nodiscard]] std::string ReportAliasId(absl::string_view secret, absl::string_view reporter,
                                        absl::string_view client_id, int attempt);

// reporter_periods: the marker of `reporter`'s report counted towards k in `theme` and the
// period (a wijkwacht.v1.AggregationPeriod value) starting on day number `start_day`.
[[nodiscard]] std::string ReporterPeriodKey(absl::string_view reporter, int theme, int period,
                                            uint32_t start_day);

// Parent of S2 cell `cell_id` at `level` (S2CellId::parent, without linking S2 here).
[[nodiscard]] uint64_t S2CellParent(uint64_t cell_id, int level);

// reports_by_cell: oldest first within a cell.
[[nodiscard]] std::string CellIndexKey(uint64_t cell_id, absl::Time observed,
                                       absl::string_view report_id);

// action_plans: a plan per year, its measures numbered from 1 within it.
[[nodiscard]] std::string ActionPlanKey(int year);
[[nodiscard]] std::string ActionPlanPrefix();
[[nodiscard]] std::string MeasureKey(int year, uint32_t number);
[[nodiscard]] std::string MeasurePrefix(int year);
// The measure number of a key made by MeasureKey (nullopt when it is not one).
[[nodiscard]] std::optional<uint32_t> ParseMeasureKey(absl::string_view key);

// enforcement: records by the civil day of the action, then number; an index by the
// department's reference; the number counter.
[[nodiscard]] std::string EnforcementDayPrefix(int32_t day);  // "r" day
[[nodiscard]] std::string EnforcementRecordKey(int32_t day, uint64_t number);
[[nodiscard]] std::string EnforcementRecordPrefix();  // "r"
[[nodiscard]] std::string EnforcementRefKey(absl::string_view department,
                                            absl::string_view external_ref);
[[nodiscard]] std::string EnforcementCounterKey();

// polls, poll_answers, poll_markers: everything of a poll begins with its number.
[[nodiscard]] std::string PollKey(uint64_t number);  // polls: 'p' number
[[nodiscard]] std::string PollPrefix();               // polls: "p"
[[nodiscard]] std::string PollCounterKey();           // polls: "n"
// poll_answers and poll_markers: number, then `suffix` (random bytes / the marker).
[[nodiscard]] std::string PollEntryKey(uint64_t number, absl::string_view suffix);

// notify_outbox: by the change-log sequence of the change that caused the notification, then
// its index among that change's notifications, so delivery follows commit order.
[[nodiscard]] std::string OutboxKey(uint64_t change_sequence, uint32_t index);
// "{change_sequence}-{index}" of an outbox key (the API's dead-letter names), and back
// (nullopt when `text` is not one).
[[nodiscard]] std::string OutboxKeyText(absl::string_view key);
[[nodiscard]] std::optional<std::string> ParseOutboxKeyText(absl::string_view text);

// audit_by_incident: incident id, '\0', audit sequence (BE64): an incident's entries in order.
[[nodiscard]] std::string AuditByIncidentPrefix(absl::string_view incident_id);
[[nodiscard]] std::string AuditByIncidentKey(absl::string_view incident_id, uint64_t sequence);
// The sequence of an audit_by_incident key (nullopt when it is not one).
[[nodiscard]] std::optional<uint64_t> ParseAuditByIncidentKey(absl::string_view key);

}  // namespace wijkwacht::storage
