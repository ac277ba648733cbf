// Signed page tokens: a next_page_token a client can hand back but neither forge nor alter.
//
// The store's own token (a position and a hash of the filters, readable by anyone who
// base64-decodes it) is sent as "<store token>.<MAC>", the MAC being the first 16 bytes of
// HMAC-SHA256 under a server key over the RPC, the caller's subject and the store token. A
// token changed in any byte, made up, or issued to another caller or for another RPC is
// refused before the store reads it: INVALID_ARGUMENT naming `page_token`. The key comes from
// the server's key management (services/server.cc: derived from the master key, so tokens
// stay valid across restarts of the same data dir).
//
// Thread safety: immutable after construction; share it freely.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wijkwacht::services {

class PageTokenSigner {
 public:
  // `key` empty: a random key of this process (tokens do not outlive it).
  explicit PageTokenSigner(std::string key);

  // "" for "" (no more pages).
  [[nodiscard]] std::string Sign(absl::string_view rpc, absl::string_view subject,
                                 absl::string_view token) const;
  // The store token inside `signed_token` ("" for ""), or INVALID_ARGUMENT naming
  // `page_token`.
  [[nodiscard]] absl::StatusOr<std::string> Open(absl::string_view rpc, absl::string_view subject,
                                                 absl::string_view signed_token) const;

 private:
  [[nodiscard]] std::string Mac(absl::string_view rpc, absl::string_view subject,
                                absl::string_view token) const;
  std::string key_;
};

}  // namespace wijkwacht::services
