// Helpers shared by the libFuzzer targets in fuzz/: a scratch directory for the whole process
// (in /dev/shm when it exists, so file-backed targets and the store do not wear the disk),
// small file I/O, and a reader that splits one fuzz input into parts.
//
// Thread safety: FuzzDir and ReadWholeFile are safe from any thread; InputReader is not
// shared between threads.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/string_view.h"

namespace wijkwacht::fuzz {

// A directory created on first use and removed when the process exits normally. libFuzzer
// exits through exit() after a campaign, so the atexit cleanup runs then too.
inline const std::string& FuzzDir() {
  static const std::string* dir = [] {
    std::error_code ec;
    const std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0
            ? std::filesystem::path("/dev/shm")
            : std::filesystem::temp_directory_path();
    std::string pattern = (base / "wijkwacht-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) abort();
    auto* path = new std::string(pattern);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(FuzzDir(), ignored);
    });
    return path;
  }();
  return *dir;
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteWholeFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

// Reads a fuzz input front to back: single bytes for choices, then text up to a separator.
class InputReader {
 public:
  InputReader(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next byte (0 when the input is used up).
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Text up to the next `separator` (which is consumed), or everything left.
  absl::string_view Until(char separator) {
    const size_t at = rest_.find(separator);
    absl::string_view part = rest_.substr(0, at);
    rest_.remove_prefix(at == absl::string_view::npos ? rest_.size() : at + 1);
    return part;
  }
  absl::string_view Rest() {
    absl::string_view all = rest_;
    rest_ = {};
    return all;
  }

 private:
  absl::string_view rest_;
};

}  // namespace wijkwacht::fuzz
