// RocksDB options per column family and the read options of prefix scans: what each family
// of column_families.h needs from RocksDB (memtable kind, prefix extractors and Bloom filters,
// the counter merge operator, compaction triggers). Used by the engine only.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rocksdb/cache.h"
#include "rocksdb/options.h"
#include "storage/column_families.h"

namespace wijkwacht::storage::internal_rocks {

// The options of `cf`; `cache` is the block cache every family shares.
[[nodiscard]] rocksdb::ColumnFamilyOptions ColumnFamilyOptionsFor(
    ColumnFamily cf, const std::shared_ptr<rocksdb::Cache>& cache);

// Read options of a scan within one prefix of `cf`: prefix seek where the column family has a
// prefix extractor for exactly such scans, total order elsewhere.
[[nodiscard]] rocksdb::ReadOptions PrefixScanOptions(ColumnFamily cf);

// A counter pair as the counter merge operator stores it (see DecodeCounters in engine.h).
[[nodiscard]] std::string EncodeCounters(int64_t first, int64_t second);

}  // namespace wijkwacht::storage::internal_rocks
