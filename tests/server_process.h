// Runs the real wijkwachtd binary as a child process, for tests that must kill it (kill -9)
// and restart it on the same data dir.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace wijkwacht::testing {

class ServerProcess {
 public:
  // Starts `binary` on 127.0.0.1 port 0 with `data_dir`; returns once it prints its port.
  bool Start(const std::string& binary, const std::string& data_dir,
             std::vector<std::string> extra_flags = {}) {
    int fds[2];
    if (pipe(fds) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    // No HTTP side unless a test asks for it (`--http_listen=127.0.0.1:0` in extra_flags):
    // parallel tests must not compete for its default port.
    std::vector<std::string> args = {binary, "--listen=127.0.0.1:0", "--http_listen=",
                                     absl::StrCat("--data_dir=", data_dir)};
    args.insert(args.end(), extra_flags.begin(), extra_flags.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      return false;
    }
    stderr_ = fdopen(fds[0], "r");
    char line[512];
    while (fgets(line, sizeof line, stderr_) != nullptr) {
      std::string text(line);
      output_ += text;
      constexpr char kMarker[] = "serving on port ";
      size_t at = text.find(kMarker);
      if (at == std::string::npos) continue;
      size_t start = at + sizeof(kMarker) - 1;
      size_t end = text.find(' ', start);
      return absl::SimpleAtoi(text.substr(start, end - start), &port_);
    }
    return false;
  }

  void Kill9() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    Reap();
  }

  // SIGTERM and wait; returns the exit status.
  int Terminate() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    return Reap();
  }

  ~ServerProcess() { Kill9(); }

  int port() const { return port_; }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  const std::string& output() const { return output_; }

  // For failure messages: whether the process still runs or how it ended, followed by all it
  // wrote to stderr so far. Never blocks.
  std::string Describe() {
    std::string state = "running";
    if (pid_ > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        state = WIFSIGNALED(status)
                    ? absl::StrCat("killed by signal ", WTERMSIG(status), " (",
                                   strsignal(WTERMSIG(status)), ")")
                    : absl::StrCat("exited with status ", WEXITSTATUS(status));
      }
    } else {
      state = "not running";
    }
    if (stderr_ != nullptr) {
      int fd = fileno(stderr_);
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      char buffer[4096];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof buffer)) > 0) output_.append(buffer, n);
    }
    return absl::StrCat("wijkwachtd ", state, "; its stderr:\n", output_);
  }

 private:
  int Reap() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (stderr_ != nullptr) fclose(stderr_);
    stderr_ = nullptr;
    return status;
  }

  pid_t pid_ = -1;
  FILE* stderr_ = nullptr;
  int port_ = 0;
  std::string output_;
};

}  // namespace wijkwacht::testing
