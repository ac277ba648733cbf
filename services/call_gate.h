// CallGate: authentication and authorization of every call, before any handler runs.
//
// Admit() looks the method up in the access table (access_policy.h; no row = denied), reads
// the `authorization: Bearer <JWT>` metadata, verifies the token (auth::TokenVerifier: pinned
// EdDSA, issuer, audience, expiry), checks that the token's device is not revoked (or its
// staff account exists and is not disabled),
// checks the role against the row, and for rate-limited RPCs (writes, previews, refreshes and
// Login) takes a token from the per-device and per-address rate limiters; RegisterDevice
// first from the per-address registration limiter. Per-address limits key on
// Caller::address_key: the IPv4 address or the IPv6 /64 of the connection, or of the client
// a trusted proxy names in "x-forwarded-for" (common/address.h).
//
// With authentication disabled (no verifier) every call is admitted as a trusted caller (the
// per-peer rate limit still applies); the server says so loudly at start.
//
// Thread safety: Admit() may be called concurrently.
// Errors: UNAUTHENTICATED (no token where one is needed, invalid/expired token, revoked
// device), PERMISSION_DENIED (role not allowed, method not in the table), RESOURCE_EXHAUSTED
// with a retry delay (rate limit).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "absl/strings/string_view.h"
#include "auth/token_cache.h"
#include "auth/rate_limiter.h"
#include "auth/roles.h"
#include "grpcpp/server_context.h"
#include "web/api_handler.h"
#include "storage/identity_store.h"
#include "services/partner_keys.h"

namespace wijkwacht::services {

// Told of every API call's outcome where the server handles it (ServeUnary, AdmitStream,
// LogStream), for /metrics: no per-call interceptor, so a call costs a hash lookup and a few
// relaxed atomic adds. `method` is the full path ("/wijkwacht.v1.ReportService/SubmitReport").
// Thread safety: implementations must accept calls from any thread.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // A unary call ended with gRPC status `code`, `seconds` after it reached the server.
  virtual void UnaryDone(absl::string_view method, int code, double seconds) = 0;
  // A server stream was refused before it started (admission, bad request): `code`.
  virtual void StreamRefused(absl::string_view method, int code) = 0;
  // A server stream started / ended with `code`.
  virtual void StreamStarted(absl::string_view method) = 0;
  virtual void StreamEnded(absl::string_view method, int code) = 0;
};
class StreamRegistry;
struct RpcAccess;

// What the gate reads of a call, from any transport (gRPC metadata, HTTP headers).
struct CallMetadata {
  std::string peer;  // gRPC form: "ipv4:1.2.3.4:5678", "ipv6:[::1]:5678"
  bool has_authorization = false;
  std::string authorization;  // "Bearer <token>"
  bool has_forwarded_for = false;
  std::string forwarded_for;  // X-Forwarded-For, believed only from a trusted proxy
};

// The HTTP side reaches server streams through the server's in-process channel; it names the
// HTTP client's address (gRPC peer form) in this metadata, and forwards its Authorization and
// X-Forwarded-For. Only calls on the in-process channel (which only the server itself holds)
// may carry it: the gate then admits the HTTP client, not the in-process caller.
using web::kHttpPeerMetadata;

struct Caller {
  bool authenticated = false;  // a valid token was presented
  bool trusted = false;        // authentication is disabled: object-level checks pass
  auth::Role role = auth::Role::kUnspecified;
  // "devices/{id}", "users/{name}", "partners/{id}" (a partner account's api_key: role
  // RESIDENT, reporter the same "partners/{id}") or "".
  std::string subject;
  // What the caller's stored data refers to it by: a device's reporter pseudonym (never the
  // device id; see storage/sealed_identity_store.h), "users/{name}" for staff, "" without
  // authentication.
  std::string reporter;
  // Whether the caller's reports count towards k on the public map (privacy/small_counts.h):
  // staff accounts, and devices registered at least Options::established_device_age before
  // this call. True with authentication off.
  bool established = true;
  // A device that is not established yet: how long until it is (zero otherwise).
  absl::Duration established_in = absl::ZeroDuration();
  std::string peer;     // the client address without port
  // What per-address limits key on: the client's address (a trusted proxy's forwarded one),
  // IPv4 as it is, IPv6 by its /64 (common/address.h).
  std::string address_key;
  bool in_process = false;  // the server's own in-process channel (the map page's HTTP side)

  [[nodiscard]] bool HasRole(auth::Role r) const { return trusted || (authenticated && role == r); }
  [[nodiscard]] bool IsStaff() const { return trusted || (authenticated && auth::IsStaffRole(role)); }
  // Called without a token (and authentication on): the public's calls, which the server
  // runs on workers apart from the apps' and the desk's (MapService, PollService).
  [[nodiscard]] bool WithoutToken() const { return !authenticated && !trusted; }
  // The device id of a device caller, "" otherwise.
  [[nodiscard]] std::string DeviceId() const;
};

class CallGate {
 public:
  struct Options {
    const auth::CachingTokenVerifier* verifier = nullptr;  // nullptr: authentication disabled
    const storage::IdentityStore* identities = nullptr;  // revocation check; may be null
    auth::RateLimiter* device_writes = nullptr;          // may be null (no limit)
    auth::RateLimiter* peer_writes = nullptr;            // may be null (no limit)
    CallObserver* observer = nullptr;                    // may be null (calls not counted)
    // RegisterDevice per client address (IPv6: per /64); may be null (no limit).
    auth::RateLimiter* registrations = nullptr;
    // RegisterDevice from all addresses together (one key), after the per-address
    // bucket; may be null (no limit).
    auth::RateLimiter* all_registrations = nullptr;
    // Addresses (bare: "10.0.0.2", "::1") of reverse proxies whose "x-forwarded-for" is
    // believed (its last entry is the client). Empty: the header is ignored and the
    // connection's address counts.
    std::vector<std::string> trusted_proxies;
    // Open server streams per caller (caps, ending a revoked device's streams); may be null.
    StreamRegistry* streams = nullptr;
    // A device this old counts as an established reporter (Caller::established).
    absl::Duration established_device_age = absl::ZeroDuration();
    Clock* clock = nullptr;  // nullptr = SystemClock()
    // Partner accounts' own write buckets (services/partner_keys.h); may be null (no limit).
    PartnerWriteLimits* partner_writes = nullptr;
    // When each partner key was last accepted (AuthService.ListPartners); may be null.
    PartnerUsage* partner_usage = nullptr;
  };
  explicit CallGate(Options options) : options_(options) {}

  [[nodiscard]] absl::StatusOr<Caller> Admit(const grpc::ServerContextBase& context,
                                             absl::string_view method) const;
  // The same for a call from any transport.
  [[nodiscard]] absl::StatusOr<Caller> Admit(const CallMetadata& metadata,
                                             absl::string_view method) const;
  [[nodiscard]] bool enabled() const { return options_.verifier != nullptr; }
  // Where call outcomes are reported; nullptr when they are not counted.
  [[nodiscard]] CallObserver* observer() const { return options_.observer; }
  [[nodiscard]] StreamRegistry* streams() const { return options_.streams; }

  // Takes `cost` more write tokens from the caller's device and address buckets (SyncService
  // Push charges every report of a batch; the gate took one). RESOURCE_EXHAUSTED with a retry
  // delay when either is short (nothing is taken then).
  [[nodiscard]] absl::Status ChargeWrites(const Caller& caller, double cost) const;

 private:
  // A partner account's api_key: UNAUTHENTICATED unless it is one of an unrevoked partner,
  // PERMISSION_DENIED unless the RPC is open to partners (RpcAccess::partners); a write takes
  // from the partner's own bucket (instead of a device's) and the address's.
  [[nodiscard]] absl::StatusOr<Caller> AdmitPartner(absl::string_view api_key,
                                                    const RpcAccess& access,
                                                    absl::string_view method, Caller caller) const;
  // UNAUTHENTICATED unless the token's device exists and is not revoked, or its staff account
  // exists and is not disabled. Sets the caller's reporter, established and
  // established_in (see Caller).
  [[nodiscard]] absl::Status CheckSubjectActive(absl::string_view subject, Caller* caller) const;

  Options options_;
};

// The client address of `peer` ("ipv4:1.2.3.4:5678" -> "ipv4:1.2.3.4").
[[nodiscard]] std::string PeerAddress(absl::string_view peer);
// Whether a gRPC peer string is the server's own in-process channel (which only the server
// holds), never a network client.
[[nodiscard]] bool IsInProcessPeer(absl::string_view peer);

}  // namespace wijkwacht::services
