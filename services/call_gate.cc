#include "services/call_gate.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/address.h"
#include "common/status.h"
#include "services/access_policy.h"

namespace wijkwacht::services {
namespace {

constexpr absl::string_view kDevicePrefix = "devices/";
constexpr absl::string_view kUserPrefix = "users/";
constexpr absl::string_view kRegisterDevice = "/wijkwacht.v1.AuthService/RegisterDevice";
// The one key of Options::all_registrations.
constexpr absl::string_view kAllAddresses = "*";

absl::Status Limit(auth::RateLimiter* limiter, absl::string_view key) {
  if (limiter == nullptr || key.empty()) return absl::OkStatus();
  return limiter->Acquire(key);
}

}  // namespace

std::string Caller::DeviceId() const {
  absl::string_view s = subject;
  if (!absl::ConsumePrefix(&s, kDevicePrefix)) return "";
  return std::string(s);
}

bool IsInProcessPeer(absl::string_view peer) {
  // Network peers are always "ipv4:", "ipv6:" or "unix:"; gRPC's in-process transport names
  // none, and this gRPC reports its calls as "unknown" (others say "inproc"). Taking
  // "unknown" for a network client cost every HTTP stream its client's address: they all
  // shared one address's caps, so two visitors could hold the live map for everyone.
  return peer == "unknown" || absl::StartsWith(peer, "inproc") ||
         absl::StartsWith(peer, "in-process");
}

std::string PeerAddress(absl::string_view peer) {
  // "ipv4:127.0.0.1:5000", "ipv6:[::1]:5000", "unix:/path".
  if (absl::StartsWith(peer, "unix:")) return std::string(peer);
  const size_t colon = peer.rfind(':');
  const size_t scheme = peer.find(':');
  if (colon == absl::string_view::npos || colon == scheme) return std::string(peer);
  return std::string(peer.substr(0, colon));
}

absl::Status CallGate::ChargeWrites(const Caller& caller, double cost) const {
  const std::string device = caller.DeviceId();
  // On top of the gate's one token: a call never costs more than a whole burst.
  const double device_cost =
      options_.device_writes == nullptr ? 0 : std::min(cost, options_.device_writes->burst() - 1);
  const double peer_cost =
      options_.peer_writes == nullptr ? 0 : std::min(cost, options_.peer_writes->burst() - 1);
  if (device_cost > 0 && !device.empty()) {
    WW_RETURN_IF_ERROR(options_.device_writes->Acquire(device, device_cost));
  }
  if (peer_cost > 0 && !caller.address_key.empty()) {
    if (absl::Status s = options_.peer_writes->Acquire(caller.address_key, peer_cost); !s.ok()) {
      if (device_cost > 0 && !device.empty()) options_.device_writes->Release(device, device_cost);
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status CallGate::CheckSubjectActive(absl::string_view subject, Caller* caller) const {
  caller->reporter = std::string(subject);
  if (options_.identities == nullptr) return absl::OkStatus();
  absl::string_view name = subject;
  if (absl::ConsumePrefix(&name, kDevicePrefix)) {
    absl::StatusOr<internal::DeviceRecord> device = options_.identities->GetDevice(name);
    if (absl::IsNotFound(device.status())) {
      return absl::UnauthenticatedError("the token's device is not registered");
    }
    if (!device.ok()) return device.status();
    if (device->revoked()) return absl::UnauthenticatedError("the token's device is revoked");
    if (!device->pseudonym().empty()) caller->reporter = device->pseudonym();
    Clock& clock = options_.clock != nullptr ? *options_.clock : *SystemClock();
    const absl::Time registered = absl::FromUnixSeconds(device->create_time().seconds()) +
                                  absl::Nanoseconds(device->create_time().nanos());
    const absl::Duration age = clock.Now() - registered;
    caller->established = age >= options_.established_device_age;
    caller->established_in =
        caller->established ? absl::ZeroDuration() : options_.established_device_age - age;
    return absl::OkStatus();
  }
  if (absl::ConsumePrefix(&name, kUserPrefix)) {
    absl::StatusOr<internal::UserRecord> user = options_.identities->GetUser(name);
    if (absl::IsNotFound(user.status())) {
      return absl::UnauthenticatedError("the token's account does not exist");
    }
    if (!user.ok()) return user.status();
    if (user->disabled()) return absl::UnauthenticatedError("the token's account is disabled");
    return absl::OkStatus();
  }
  return absl::UnauthenticatedError("the token's subject is neither a device nor an account");
}

absl::StatusOr<Caller> CallGate::AdmitPartner(absl::string_view api_key, const RpcAccess& access,
                                              absl::string_view method, Caller caller) const {
  if (options_.identities == nullptr) return absl::UnauthenticatedError("no partner accounts");
  const absl::Time now = (options_.clock != nullptr ? options_.clock : SystemClock())->Now();
  bool previous_key = false;
  WW_ASSIGN_OR_RETURN(internal::PartnerRecord partner,
                      VerifyPartnerKey(*options_.identities, api_key, now, &previous_key));
  if (options_.partner_usage != nullptr) {
    options_.partner_usage->Note(partner, previous_key, now);
  }
  if (!access.partners) {
    return absl::PermissionDeniedError(
        absl::StrCat("a partner account may not call ", method));
  }
  caller.authenticated = true;
  caller.role = auth::Role::kResident;
  caller.subject = absl::StrCat(kPartnerPrefix, partner.partner_id());
  caller.reporter = caller.subject;
  caller.established = true;  // made by an admin, not minted
  if (!access.rate_limited) return caller;
  if (options_.partner_writes != nullptr) {
    WW_RETURN_IF_ERROR(options_.partner_writes->Acquire(partner));
  }
  if (absl::Status s = Limit(options_.peer_writes, caller.address_key); !s.ok()) {
    if (options_.partner_writes != nullptr) options_.partner_writes->Release(partner);
    return s;
  }
  return caller;
}

absl::StatusOr<Caller> CallGate::Admit(const grpc::ServerContextBase& context,
                                       absl::string_view method) const {
  CallMetadata call;
  call.peer = context.peer();
  const auto& metadata = context.client_metadata();
  auto header = [&](absl::string_view name, bool* present, std::string* value) {
    auto it = metadata.find(grpc::string_ref(name.data(), name.size()));
    if (it == metadata.end()) return;
    *present = true;
    value->assign(it->second.data(), it->second.size());
  };
  header("authorization", &call.has_authorization, &call.authorization);
  header("x-forwarded-for", &call.has_forwarded_for, &call.forwarded_for);
  const std::string peer = PeerAddress(call.peer);
  if (IsInProcessPeer(peer)) {
    bool from_http = false;
    std::string http_peer;
    header(kHttpPeerMetadata, &from_http, &http_peer);
    if (from_http) call.peer = std::move(http_peer);
  }
  return Admit(call, method);
}

absl::StatusOr<Caller> CallGate::Admit(const CallMetadata& metadata,
                                       absl::string_view method) const {
  Caller caller;
  caller.peer = PeerAddress(metadata.peer);
  caller.in_process = IsInProcessPeer(caller.peer);
  std::string client = BareAddress(caller.peer);
  if (metadata.has_forwarded_for &&
      std::find(options_.trusted_proxies.begin(), options_.trusted_proxies.end(), client) !=
          options_.trusted_proxies.end()) {
    std::string named = LastForwardedFor(metadata.forwarded_for);
    if (!named.empty()) client = std::move(named);
  }
  caller.address_key = AddressBucket(client);
  const RpcAccess* access = FindRpcAccess(method);
  if (access == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(method, " is not open to any caller"));
  }
  if (options_.verifier == nullptr) {
    caller.trusted = true;  // authentication is off: no token is read
  } else if (!metadata.has_authorization) {
    if (!access->anonymous) {
      return absl::UnauthenticatedError(
          "this call needs an access token: send \"authorization: Bearer <token>\"");
    }
  } else {
    absl::string_view header = metadata.authorization;
    if (!absl::ConsumePrefix(&header, "Bearer ") && !absl::ConsumePrefix(&header, "bearer ")) {
      return absl::UnauthenticatedError("authorization metadata must be \"Bearer <token>\"");
    }
    if (IsPartnerKey(header)) return AdmitPartner(header, *access, method, std::move(caller));
    absl::StatusOr<auth::Claims> claims = options_.verifier->Verify(header);
    if (!claims.ok()) return claims.status();
    std::optional<auth::Role> role = auth::ParseRole(claims->role);
    if (!role) return absl::UnauthenticatedError("token carries an unknown role");
    caller.authenticated = true;
    caller.role = *role;
    caller.subject = claims->subject;
    if (absl::Status active = CheckSubjectActive(caller.subject, &caller);
        !active.ok()) {
      return active;
    }
    if ((access->roles & RoleBit(caller.role)) == 0) {
      return absl::PermissionDeniedError(
          absl::StrCat("role ", auth::RoleName(caller.role), " may not call ", method));
    }
  }
  if (access->rate_limited) {
    const std::string device = caller.DeviceId();
    if (absl::Status s = Limit(options_.device_writes, device); !s.ok()) return s;
    // Free device tokens are the currency of every per-device limit: their minting is
    // limited per address first, then in all (so many addresses cannot mint in bulk).
    const auto give_back_registration = [&](bool all) {
      if (method != kRegisterDevice) return;
      if (options_.registrations != nullptr) options_.registrations->Release(caller.address_key);
      if (all && options_.all_registrations != nullptr) options_.all_registrations->Release(kAllAddresses);
    };
    if (method == kRegisterDevice) {
      if (absl::Status s = Limit(options_.registrations, caller.address_key); !s.ok()) return s;
      if (absl::Status s = Limit(options_.all_registrations, kAllAddresses); !s.ok()) {
        give_back_registration(false);
        return s;
      }
    }
    if (absl::Status s = Limit(options_.peer_writes, caller.address_key); !s.ok()) {
      // Refused by the peer limit: the device's (or registration's) token was not used.
      give_back_registration(true);
      if (options_.device_writes != nullptr && !device.empty()) {
        options_.device_writes->Release(device);
      }
      return s;
    }
  }
  return caller;
}

}  // namespace wijkwacht::services
