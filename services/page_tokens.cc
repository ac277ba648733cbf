#include "services/page_tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "privacy/sealer.h"

namespace wijkwacht::services {
namespace {

constexpr size_t kMacBytes = 16;
constexpr size_t kKeyBytes = 32;

}  // namespace

PageTokenSigner::PageTokenSigner(std::string key) : key_(std::move(key)) {
  if (key_.empty()) {
    key_.resize(kKeyBytes);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key_.data()), static_cast<int>(kKeyBytes)) != 1) {
      std::abort();  // no randomness: nothing can be signed safely
    }
  }
}

std::string PageTokenSigner::Mac(absl::string_view rpc, absl::string_view subject,
                                 absl::string_view token) const {
  std::string mac = privacy::KeyedMarker(
      key_, absl::StrCat("wijkwacht page token v1\x1f", rpc, "\x1f", subject, "\x1f", token));
  mac.resize(kMacBytes);
  return mac;
}

std::string PageTokenSigner::Sign(absl::string_view rpc, absl::string_view subject,
                                  absl::string_view token) const {
  if (token.empty()) return "";
  return absl::StrCat(token, ".", absl::WebSafeBase64Escape(Mac(rpc, subject, token)));
}

absl::StatusOr<std::string> PageTokenSigner::Open(absl::string_view rpc,
                                                  absl::string_view subject,
                                                  absl::string_view signed_token) const {
  if (signed_token.empty()) return std::string();
  const size_t dot = signed_token.rfind('.');
  if (dot == absl::string_view::npos) {
    return InvalidFieldError("page_token", absl::StrCat("is not a token returned by ", rpc));
  }
  const absl::string_view token = signed_token.substr(0, dot);
  const absl::string_view given = signed_token.substr(dot + 1);
  // Compared as text: base64's spare bits in the last character must not let two spellings of
  // one signature through.
  const std::string expected = absl::WebSafeBase64Escape(Mac(rpc, subject, token));
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(expected.data(), given.data(), expected.size()) != 0) {
    return InvalidFieldError(
        "page_token", absl::StrCat("is not a token returned by ", rpc,
                                   " to this caller (altered, made up, or another caller's)"));
  }
  return std::string(token);
}

}  // namespace wijkwacht::services
