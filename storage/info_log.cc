#include "storage/info_log.h"

#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

namespace wijkwacht::storage {
namespace {

class TolerantInfoLog final : public rocksdb::Logger {
 public:
  TolerantInfoLog(std::string dir, uint64_t max_bytes, rocksdb::InfoLogLevel level)
      : rocksdb::Logger(level), path_(dir + "/LOG"), old_path_(dir + "/LOG.old"),
        max_bytes_(max_bytes) {}

  ~TolerantInfoLog() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (file_ != nullptr) std::fclose(file_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    int prefix = FormatPrefix(line, sizeof line);
    va_list copy;
    va_copy(copy, ap);
    int body = std::vsnprintf(line + prefix, sizeof line - prefix - 1, format, copy);
    va_end(copy);
    if (body < 0) return;
    size_t length = std::min<size_t>(prefix + body, sizeof line - 2);
    if (line[length - 1] != '\n') line[length++] = '\n';

    std::lock_guard<std::mutex> lock(mu_);
    if (file_ != nullptr && size_ >= max_bytes_) {
      std::fclose(file_);
      file_ = nullptr;
      std::rename(path_.c_str(), old_path_.c_str());
    }
    if (file_ == nullptr) {
      file_ = std::fopen(path_.c_str(), "a");
      if (file_ == nullptr) return;  // e.g. no space for a new file: drop the line
      std::fseek(file_, 0, SEEK_END);
      long at = std::ftell(file_);
      size_ = at > 0 ? static_cast<uint64_t>(at) : 0;
    }
    if (std::fwrite(line, 1, length, file_) != length || std::fflush(file_) != 0) {
      // Drop what did not fit; start from a fresh handle next time.
      std::fclose(file_);
      file_ = nullptr;
      return;
    }
    size_ += length;
  }

  size_t GetLogFileSize() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return size_;
  }

 private:
  static int FormatPrefix(char* out, size_t capacity) {
    struct timeval now;
    gettimeofday(&now, nullptr);
    struct tm local;
    localtime_r(&now.tv_sec, &local);
    int n = std::snprintf(out, capacity, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %zx ",
                          local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                          local.tm_min, local.tm_sec, static_cast<long>(now.tv_usec),
                          std::hash<std::thread::id>()(std::this_thread::get_id()) & 0xffffff);
    return n < 0 ? 0 : n;
  }

  const std::string path_;
  const std::string old_path_;
  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  FILE* file_ = nullptr;  // guarded by mu_
  uint64_t size_ = 0;     // guarded by mu_
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewTolerantInfoLog(const std::string& dir, uint64_t max_bytes,
                                                    rocksdb::InfoLogLevel level) {
  return std::make_shared<TolerantInfoLog>(dir, max_bytes, level);
}

}  // namespace wijkwacht::storage
