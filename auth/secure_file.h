// Private files for key material: owner-only permissions, atomic replacement.
//
// WriteFileAtomically writes to a temporary file (mode 0600) in the same directory, fsyncs
// it, renames it over `path` and fsyncs the directory, so readers see the old or the new
// contents, never a torn file. ReadPrivateFile refuses files that the group or others may
// access, like ssh does for private keys.
//
// Thread safety: the functions hold no state; concurrent writers to the same path each
// leave a complete file (the last rename wins).
// Errors:
//   NOT_FOUND           the file or directory does not exist;
//   FAILED_PRECONDITION not a regular file/directory, group/other permission bits set, or
//                       larger than `max_size`;
//   PERMISSION_DENIED   the OS refused access (EACCES/EPERM);
//   INTERNAL            any other I/O error (message names the path and errno text).
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::auth {

// Creates `path` (and missing parents) with mode 0700 if absent; an existing `path` must be
// a directory without group/other permission bits.
[[nodiscard]] absl::Status EnsurePrivateDirectory(const std::string& path);

// Replaces `path` with `contents`, mode 0600.
[[nodiscard]] absl::Status WriteFileAtomically(const std::string& path,
                                               absl::string_view contents);

// The contents of `path`, which must be a regular file of at most `max_size` bytes with no
// group/other permission bits (symlinks are followed; the target is checked).
[[nodiscard]] absl::StatusOr<std::string> ReadPrivateFile(const std::string& path,
                                                          size_t max_size = 1 << 20);

}  // namespace wijkwacht::auth
