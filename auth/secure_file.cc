#include "auth/secure_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wijkwacht::auth {
namespace {

absl::Status ErrnoStatus(int err, absl::string_view what, const std::string& path) {
  std::string message =
      absl::StrCat(what, " ", path, ": ", std::generic_category().message(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

// Closes the descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EnsurePrivateDirectory(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return ErrnoStatus(errno, "stat", path);
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return ErrnoStatus(ec.value(), "create parent of", path);
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoStatus(errno, "mkdir", path);
    if (stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", path);
    // mkdir honours the umask; make the mode exact.
    if (S_ISDIR(st.st_mode) && (st.st_mode & 07777) != 0700) {
      if (chmod(path.c_str(), 0700) != 0) return ErrnoStatus(errno, "chmod", path);
      st.st_mode = (st.st_mode & ~07777) | 0700;
    }
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a directory"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s has mode %04o; key directories must not be accessible to group or others",
        path, st.st_mode & 07777));
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmp = (dir / ("." + target.filename().string() + ".tmpXXXXXX")).string();
  Fd fd(mkstemp(tmp.data()));  // mkstemp creates the file with mode 0600
  if (fd.get() < 0) return ErrnoStatus(errno, "create temporary file for", path);
  absl::Status status = WriteAll(fd.get(), contents, tmp);
  if (status.ok() && fchmod(fd.get(), 0600) != 0) status = ErrnoStatus(errno, "chmod", tmp);
  if (status.ok() && fsync(fd.get()) != 0) status = ErrnoStatus(errno, "fsync", tmp);
  if (status.ok() && close(fd.release()) != 0) status = ErrnoStatus(errno, "close", tmp);
  if (status.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus(errno, "rename onto", path);
  }
  if (!status.ok()) {
    unlink(tmp.c_str());
    return status;
  }
  Fd dir_fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || fsync(dir_fd.get()) != 0) {
    return ErrnoStatus(errno, "fsync directory of", path);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, size_t max_size) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(errno, "open", path);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s has mode %04o; key files must not be accessible to group or others (chmod 600)",
        path, st.st_mode & 07777));
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is larger than ", max_size,
                                                      " bytes"));
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_size) {
      return absl::FailedPreconditionError(absl::StrCat(path, " is larger than ", max_size,
                                                        " bytes"));
    }
  }
  return out;
}

}  // namespace wijkwacht::auth
