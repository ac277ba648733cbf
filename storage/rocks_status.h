// The one place where RocksDB statuses become absl::Status (storage/ only).
#pragma once

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace wijkwacht::storage {

// NotFound -> NOT_FOUND; Corruption -> DATA_LOSS; IOError (including a full disk), Busy,
// TimedOut, TryAgain, ShutdownInProgress -> UNAVAILABLE (the caller may retry later);
// anything else -> INTERNAL. The RocksDB text is kept in the message.
[[nodiscard]] absl::Status FromRocks(const rocksdb::Status& status);

}  // namespace wijkwacht::storage
