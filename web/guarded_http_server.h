// An httplib::Server that a slow or greedy client cannot take over: the two defences against
// "slowloris" clients (connections that send a request a byte every few seconds, each holding
// one of the listener's worker threads) that cpp-httplib lacks.
//
//  - A request deadline: a request's line, headers and body must all arrive within
//    `request_deadline` of its first byte (cpp-httplib only bounds each single read, so a
//    client sending one byte per read timeout held a thread for as long as it liked). A
//    request that misses it gets 400 and its connection is closed. Responses, including
//    event streams, are not limited by it: it bounds reading only.
//  - A cap on the connections one client address holds at once (IPv6: per /64, see
//    common/address.h AddressBucket): a connection beyond `max_connections_per_address` gets
//    a fixed 503 (Retry-After: 1, Connection: close) as soon as a worker takes it up, before
//    anything is read, and is closed. Addresses in
//    `exempt_addresses` (trusted reverse proxies, which carry many clients and limit them
//    themselves) are not capped.
//
// Keep-alive, timeouts and everything else behave as httplib::Server's own (the settings are
// the same members: set_keep_alive_timeout, set_keep_alive_max_count, set_read_timeout,
// set_write_timeout).
//
// Thread safety: as httplib::Server; the per-address counts are guarded by a mutex.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace wijkwacht::web {

struct ConnectionLimits {
  std::chrono::milliseconds request_deadline{10000};
  int max_connections_per_address = 64;
  std::vector<std::string> exempt_addresses;
};

class GuardedHttpServer final : public httplib::Server {
 public:
  explicit GuardedHttpServer(ConnectionLimits limits) : limits_(std::move(limits)) {}

  // Connections refused by the per-address cap, and requests cut off by the deadline, so far.
  [[nodiscard]] uint64_t refused_connections() const;
  [[nodiscard]] uint64_t expired_requests() const;

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Takes a place for `key`; false when it has none left.
  [[nodiscard]] bool Admit(const std::string& key);
  void Release(const std::string& key);

  const ConnectionLimits limits_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, int> open_by_address_;  // guarded by mu_
  uint64_t refused_ = 0;                                  // guarded by mu_
  uint64_t expired_ = 0;                                  // guarded by mu_
};

}  // namespace wijkwacht::web
