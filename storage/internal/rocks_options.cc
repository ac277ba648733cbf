#include "storage/internal/rocks_options.h"

#include <cstring>

#include "rocksdb/filter_policy.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/table_properties_collectors.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"

namespace wijkwacht::storage::internal_rocks {

std::string EncodeCounters(const Counters& counters) {
  std::string out;
  out.reserve(8 * kCounterFields);
  for (int64_t f : counters.field) AppendFixed64(&out, static_cast<uint64_t>(f));
  return out;
}

absl::StatusOr<std::optional<std::string>> PointRead(rocksdb::DB* db,
                                                     rocksdb::ColumnFamilyHandle* handle,
                                                     absl::string_view key) {
  std::string value;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(), handle, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s);
  return value;
}

namespace {

// A key's first field up to and including its \0 separator (the area code of reports_by_area
// and aggregates, the reporter of reports_by_reporter, the incident id of incident_members):
// new entries of one such prefix land next to each other, so the memtable keeps an insert hint
// per prefix.
class NulTerminatedPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "wijkwacht.AreaPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const void* nul = memchr(key.data(), '\0', key.size());
    return rocksdb::Slice(key.data(), static_cast<const char*>(nul) - key.data() + 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return memchr(key.data(), '\0', key.size()) != nullptr;
  }
};


// Adds counter pairs: the aggregates are incremented in the same batch as the report that
// changes them, without reading the old value.
class CounterAddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  // The name is kept from when the value held two fields: it is stored in the OPTIONS file,
  // and the operator reads both layouts.
  const char* Name() const override { return "wijkwacht.CounterPairAdd"; }
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    Counters sum = existing ? DecodeCounters(absl::string_view(existing->data(), existing->size()))
                            : Counters{};
    sum += DecodeCounters(absl::string_view(value.data(), value.size()));
    *new_value = EncodeCounters(sum);
    return true;
  }
};

}  // namespace

rocksdb::ColumnFamilyOptions ColumnFamilyOptionsFor(ColumnFamily cf,
                                                    const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  // Insert hints: index entries cluster by area / by cell, so memtable inserts find their
  // place from the previous insert of the same prefix instead of from the top of the list.
  // Point-lookup column families (random UUID keys, never range-scanned on the hot path; the
  // incidents family is read in order only when the open-incident index is rebuilt at start
  // and by `aggregates verify`): a hash memtable makes each insert O(1) instead of a
  // skip-list descent whose cache misses dominated the syncer thread (half of its CPU was
  // the skip list's FindSpliceForLevel). Scans still work (Scan() uses total_order_seek).
  if (cf == ColumnFamily::kReports || cf == ColumnFamily::kIdempotency ||
      cf == ColumnFamily::kIncidents) {
    options.prefix_extractor.reset(rocksdb::NewNoopTransform());
    options.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 18));
  }
  if (cf == ColumnFamily::kReportsByArea || cf == ColumnFamily::kReportsByCell) {
    // Small memtables keep the skip lists shallow and cache-resident; flushes run on a
    // background thread.
    options.write_buffer_size = 8u << 20;
  }
  switch (cf) {
    case ColumnFamily::kReportsByArea:
    case ColumnFamily::kReportsByReporter:
    case ColumnFamily::kIncidentMembers:
    case ColumnFamily::kAggregates:
    case ColumnFamily::kReporterPeriods:
      options.memtable_insert_with_hint_prefix_extractor =
          std::make_shared<NulTerminatedPrefix>();
      break;
    case ColumnFamily::kReportsByCell:  // index cell (BE64)
      options.memtable_insert_with_hint_prefix_extractor.reset(
          rocksdb::NewFixedPrefixTransform(8));
      break;
    case ColumnFamily::kIncidentsByCell:  // cell and theme, as its prefix extractor
      options.memtable_insert_with_hint_prefix_extractor.reset(
          rocksdb::NewFixedPrefixTransform(kIncidentIndexPrefixBytes));
      break;
    case ColumnFamily::kIncidentsByStatus:  // status byte, then creation time: appends
      options.memtable_insert_with_hint_prefix_extractor.reset(
          rocksdb::NewFixedPrefixTransform(1));
      break;
    case ColumnFamily::kChangeLog:  // sequence numbers: every insert is an append
    case ColumnFamily::kAuditLog:
      options.memtable_insert_with_hint_prefix_extractor.reset(
          rocksdb::NewFixedPrefixTransform(0));
      break;
    default:
      break;
  }
  if (cf == ColumnFamily::kAggregates) {
    options.merge_operator = std::make_shared<CounterAddOperator>();
  }
  if (cf == ColumnFamily::kIncidentsByCell) {
    // Scans never cross a cell+theme prefix: prefix Bloom filters (in SSTs and memtables) let
    // a seek skip files that hold nothing of that cell and theme. Entries move on every join
    // (their key holds the last observed time), so deletions trigger compaction before
    // tombstones pile up in the ranges the candidate search reads.
    options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kIncidentIndexPrefixBytes));
    options.memtable_prefix_bloom_size_ratio = 0.05;
    options.write_buffer_size = 16u << 20;
    options.table_properties_collector_factories.push_back(
        rocksdb::NewCompactOnDeletionCollectorFactory(/*sliding_window_size=*/1024,
                                                      /*deletion_trigger=*/256));
  }
  return options;
}

rocksdb::ReadOptions PrefixScanOptions(ColumnFamily cf) {
  rocksdb::ReadOptions read_options;
  if (cf == ColumnFamily::kIncidentsByCell) {
    read_options.prefix_same_as_start = true;
  } else {
    read_options.total_order_seek = true;
  }
  return read_options;
}

}  // namespace wijkwacht::storage::internal_rocks
