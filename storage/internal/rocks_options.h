// RocksDB options per column family and the read options of prefix scans: what each family
// of column_families.h needs from RocksDB (memtable kind, prefix extractors and Bloom filters,
// the counter merge operator, compaction triggers); and the engine's point read. Used by the
// engine only.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "storage/column_families.h"
#include "storage/engine.h"

namespace wijkwacht::storage::internal_rocks {

// The options of `cf`; `cache` is the block cache every family shares.
[[nodiscard]] rocksdb::ColumnFamilyOptions ColumnFamilyOptionsFor(
    ColumnFamily cf, const std::shared_ptr<rocksdb::Cache>& cache);

// Read options of a scan within one prefix of `cf`: prefix seek where the column family has a
// prefix extractor for exactly such scans, total order elsewhere.
[[nodiscard]] rocksdb::ReadOptions PrefixScanOptions(ColumnFamily cf);

// A point read: the value, nullopt when absent, or the error (FromRocks).
[[nodiscard]] absl::StatusOr<std::optional<std::string>> PointRead(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle, absl::string_view key);

// Counters as the counter merge operator stores them (see DecodeCounters in engine.h).
[[nodiscard]] std::string EncodeCounters(const Counters& counters);

}  // namespace wijkwacht::storage::internal_rocks
