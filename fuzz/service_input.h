// The input format of service_fuzzer and the objects its server holds from the start, shared
// with the seed-corpus generator (fuzz/seeds).
//
//   "<Service>/<Method>\n" <identity byte> <serialized request bytes>
//
// A first line that names no RPC (e.g. a mutated name) picks one by its bytes, the same one
// in every run, so that every input reaches a handler.
//
// The identity byte (mod kIdentityCount) picks the caller: no token, or the access token of
// a resident, a verified shopkeeper, a dispatcher, an analyst or an admin. Requests may name
// kReportId (submitted by the resident at start; it opened incident "incidents/<kReportId>")
// and kAlertId (published by the shopkeeper at start). The server's clock starts at
// kEpochUnixSeconds when the process starts and runs from there, so requests with times
// just before it (observed_time, alert and aggregate ranges) stay valid in every run.
//
// Thread safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wijkwacht::fuzz {

enum class Identity : uint8_t { kNone, kResident, kEntrepreneur, kDispatcher, kAnalyst, kAdmin };
inline constexpr int kIdentityCount = 6;

inline constexpr int64_t kEpochUnixSeconds = 1795694400;  // 2026-11-26T12:00:00Z

inline constexpr char kReportId[] = "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f";
inline constexpr char kAlertId[] = "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70";

inline std::string EncodeServiceInput(std::string_view method, Identity identity,
                                      std::string_view request) {
  std::string out(method);
  out.push_back('\n');
  out.push_back(static_cast<char>(identity));
  out.append(request);
  return out;
}

}  // namespace wijkwacht::fuzz
