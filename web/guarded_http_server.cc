#include "web/guarded_http_server.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "common/address.h"

namespace wijkwacht::web {
namespace {

using Clock = std::chrono::steady_clock;

// Waits up to `timeout` for `events` on `sock`: > 0 ready, 0 timed out, < 0 error.
int Wait(socket_t sock, short events, std::chrono::milliseconds timeout) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(timeout.count(), 0)));
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

// The numeric address (and port) of one end of `sock`: the peer's with getpeername, ours with
// getsockname; "" when unknown.
std::string EndAddress(socket_t sock, int (*get)(int, sockaddr*, socklen_t*), int* port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (get(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> serv{};
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host.data(), host.size(),
                    serv.data(), serv.size(), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "";
  }
  if (port != nullptr) *port = std::atoi(serv.data());
  return host.data();
}

std::string PeerAddress(socket_t sock, int* port) { return EndAddress(sock, ::getpeername, port); }

// One connection's socket as httplib reads and writes it (the same buffering and liveness
// test as httplib's own socket stream), with a deadline on reading the current request.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, std::chrono::milliseconds read_timeout,
                 std::chrono::milliseconds write_timeout)
      : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  // The next request must be read by `deadline`.
  void StartRequest(Clock::time_point deadline) { deadline_ = deadline; }
  [[nodiscard]] bool expired() const { return expired_; }

  bool is_readable() const override {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      expired_ = true;
      return false;
    }
    if (Wait(sock_, POLLIN, std::min(read_timeout_, left)) > 0) return true;
    if (Clock::now() >= deadline_) expired_ = true;
    return false;
  }

  bool is_writable() const override {
    return Wait(sock_, POLLOUT, write_timeout_) > 0 && Alive();
  }

  ssize_t read(char* ptr, size_t size) override {
    if (offset_ < filled_) {
      const size_t n = std::min(size, filled_ - offset_);
      std::memcpy(ptr, buffer_.data() + offset_, n);
      offset_ += n;
      return static_cast<ssize_t>(n);
    }
    if (!is_readable()) return -1;
    offset_ = filled_ = 0;
    if (size >= buffer_.size()) return Receive(ptr, size, 0);
    const ssize_t n = Receive(buffer_.data(), buffer_.size(), 0);
    if (n <= 0) return n;
    const size_t take = std::min(size, static_cast<size_t>(n));
    std::memcpy(ptr, buffer_.data(), take);
    offset_ = take;
    filled_ = static_cast<size_t>(n);
    return static_cast<ssize_t>(take);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    for (;;) {
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = PeerAddress(sock_, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = EndAddress(sock_, ::getsockname, &port);
  }
  socket_t socket() const override { return sock_; }

 private:
  ssize_t Receive(char* ptr, size_t size, int flags) const {
    for (;;) {
      const ssize_t n = ::recv(sock_, ptr, size, flags);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }
  // Whether the peer is still there: nothing to read (idle), or something (not a close).
  bool Alive() const {
    const int ready = Wait(sock_, POLLIN, std::chrono::milliseconds(0));
    if (ready == 0) return true;
    if (ready < 0) return false;
    char byte;
    return Receive(&byte, 1, MSG_PEEK) > 0;
  }

  const socket_t sock_;
  const std::chrono::milliseconds read_timeout_, write_timeout_;
  Clock::time_point deadline_ = Clock::time_point::max();
  mutable bool expired_ = false;
  std::array<char, 4096> buffer_{};
  size_t offset_ = 0, filled_ = 0;
};

}  // namespace

uint64_t GuardedHttpServer::refused_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_;
}

uint64_t GuardedHttpServer::expired_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return expired_;
}

bool GuardedHttpServer::Admit(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  int& open = open_by_address_[key];
  if (open >= limits_.max_connections_per_address) {
    if (open == 0) open_by_address_.erase(key);
    ++refused_;
    return false;
  }
  ++open;
  return true;
}

void GuardedHttpServer::Release(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_by_address_.find(key);
  if (it != open_by_address_.end() && --it->second <= 0) open_by_address_.erase(it);
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  const std::string peer = PeerAddress(sock, nullptr);
  const bool exempt = std::find(limits_.exempt_addresses.begin(), limits_.exempt_addresses.end(),
                                peer) != limits_.exempt_addresses.end();
  const std::string key = AddressBucket(peer);
  bool ok = false;
  const bool admitted = exempt || Admit(key);
  if (admitted) {
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    DeadlineStream stream(
        sock,
        std::chrono::duration_cast<milliseconds>(seconds(read_timeout_sec_)) +
            std::chrono::duration_cast<milliseconds>(std::chrono::microseconds(read_timeout_usec_)),
        std::chrono::duration_cast<milliseconds>(seconds(write_timeout_sec_)) +
            std::chrono::duration_cast<milliseconds>(
                std::chrono::microseconds(write_timeout_usec_)));
    for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
      // Idle until the next request's first byte (or the keep-alive timeout, or a stop).
      const auto idle_until = Clock::now() + seconds(keep_alive_timeout_sec_);
      bool ready = false;
      while (!ready && svr_sock_ != INVALID_SOCKET && Clock::now() < idle_until) {
        const int n = Wait(sock, POLLIN, milliseconds(50));
        if (n < 0) break;
        ready = n > 0;
      }
      if (!ready) break;
      stream.StartRequest(Clock::now() + limits_.request_deadline);
      bool closed = false;
      ok = process_request(stream, /*close_connection=*/left == 1, closed, nullptr);
      if (stream.expired()) {
        std::lock_guard<std::mutex> lock(mu_);
        ++expired_;
        break;
      }
      if (!ok || closed) break;
    }
    if (!exempt) Release(key);
  }
  if (!admitted) {
    static constexpr char kBusy[] =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
        "Content-Type: text/plain\r\nContent-Length: 46\r\n\r\n"
        "too many connections from this address; retry\n";
    (void)::send(sock, kBusy, sizeof(kBusy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace wijkwacht::web
