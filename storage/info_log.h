// RocksDB's informational LOG, written so that a full disk cannot end the process.
//
// RocksDB 7.8's own file logger aborts (a failed assertion in WritableFileWriter) on the
// append after one that failed, e.g. with ENOSPC, and it logs from inside the write path when
// a write fails. This logger writes <dir>/LOG with plain stdio instead: a line it cannot write
// is dropped and the next line is tried again. At max_bytes the file is renamed to LOG.old
// (replacing the previous one) and a new LOG is started.
//
// Thread safety: all methods may be called concurrently (one mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rocksdb/env.h"

namespace wijkwacht::storage {

[[nodiscard]] std::shared_ptr<rocksdb::Logger> NewTolerantInfoLog(
    const std::string& dir, uint64_t max_bytes = uint64_t{16} << 20,
    rocksdb::InfoLogLevel level = rocksdb::InfoLogLevel::INFO_LEVEL);

}  // namespace wijkwacht::storage
