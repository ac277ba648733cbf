#include "services/auth_service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "auth/base64url.h"
#include "auth/roles.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "domain/notify/webhook.h"
#include "services/need_to_know.h"
#include "services/partner_keys.h"
#include "storage/dispatch_store.h"
#include "google/protobuf/util/time_util.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::string_view kDevicePrefix = "devices/";
constexpr size_t kSecretBytes = 32;
constexpr size_t kDeviceIdBytes = 16;
constexpr size_t kMinAdminPasswordBytes = 12;

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

// "devices/{id}" or "{id}" -> id; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> DeviceIdFromName(absl::string_view name, absl::string_view field) {
  absl::ConsumePrefix(&name, kDevicePrefix);
  if (name.size() != 2 * kDeviceIdBytes ||
      !std::all_of(name.begin(), name.end(), [](char c) { return absl::ascii_isxdigit(c); })) {
    return InvalidFieldError(field, "must be \"devices/{id}\" as returned by RegisterDevice");
  }
  return std::string(name);
}

v1::Account AccountOf(const internal::UserRecord& user) {
  v1::Account out;
  out.set_name(absl::StrCat("users/", user.username()));
  out.set_username(user.username());
  out.set_role(static_cast<v1::Role>(user.role()));
  *out.mutable_create_time() = user.create_time();
  for (const std::string& id : user.departments()) {
    out.add_departments(access::DepartmentName(id));
  }
  return out;
}

// The one answer to a login with a wrong username or password (or a disabled account).
absl::Status WrongPassword() {
  return absl::UnauthenticatedError("invalid username or password");
}

// A login request's own fields, checked before admission.
absl::Status CheckLoginRequest(const v1::LoginRequest& request) {
  if (request.username().empty()) return InvalidFieldError("username", "is required");
  if (request.password().empty()) return InvalidFieldError("password", "is required");
  if (request.password().size() > auth::kMaxPasswordBytes) {
    return InvalidFieldError("password", "is too long");
  }
  return absl::OkStatus();
}

absl::Status InvalidRefreshToken() {
  return absl::UnauthenticatedError("refresh_token is not valid; register the device again");
}

}  // namespace

AuthServiceImpl::AuthServiceImpl(Parts parts) : parts_(std::move(parts)) {
  if (parts_.random == nullptr) parts_.random = auth::SystemRandom();
  if (parts_.clock == nullptr) parts_.clock = SystemClock();
  // The first measure of the hashing time (HashingTime): scrypt costs the same to hash
  // as to check.
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::string> dummy = parts_.passwords->Hash("no account has this password");
  if (dummy.ok()) dummy_password_hash_ = *std::move(dummy);
  hashing_nanos_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
}

namespace {
// Unknown-pair logins waiting in all (both kinds; see auth_service.h).
constexpr int kMaxPendingUnknownLogins = 4096;
// Unknown-pair logins of one username waiting at once.
constexpr int kMaxPendingLoginsPerUsername = 1;
}  // namespace

absl::Duration AuthServiceImpl::HashingTime() const {
  return absl::Nanoseconds(hashing_nanos_.load(std::memory_order_relaxed));
}


void AuthServiceImpl::RunHashing(const std::string& address, const std::string& username,
                                 LoginClass login_class, std::function<absl::Status()> work,
                                 UnaryDone done) {
  const bool unknown =
      login_class == LoginClass::kAccount || login_class == LoginClass::kNoAccount;
  {
    absl::MutexLock lock(&admission_mu_);
    const auto of_address = pending_by_address_.find(address);
    const auto of_username = pending_by_username_.find(username);
    // One rule for both kinds of unknown-pair login: whether the username exists changes
    // nothing here (a login naming no account takes no place of the queue, but is refused
    // exactly when one naming an account would be).
    const bool full =
        pending_logins_ >= parts_.max_pending_logins ||
        (of_address != pending_by_address_.end() &&
         of_address->second >= parts_.max_pending_logins_per_address) ||
        (unknown && (pending_unknown_logins_ >= parts_.max_pending_unknown_logins ||
                     pending_unknown_pairs_ >= kMaxPendingUnknownLogins ||
                     (of_username != pending_by_username_.end() &&
                      of_username->second >= kMaxPendingLoginsPerUsername)));
    if (full) {
      return done(WithRetryDelay(absl::ResourceExhaustedError("too many logins in progress"),
                                 absl::Seconds(1)));
    }
    ++pending_by_address_[address];
    if (unknown) {
      ++pending_unknown_pairs_;
      ++pending_by_username_[username];
    }
    if (login_class != LoginClass::kNoAccount) ++pending_logins_;
    if (login_class == LoginClass::kAccount) ++pending_unknown_logins_;
  }
  WorkerPool* replies =
      parts_.login_replies != nullptr ? parts_.login_replies : parts_.login_workers;
  auto reply = [this, address, username, login_class, done = std::move(done)](
                   const absl::Status& status) {
    ReleaseLogin(address, username, login_class);
    done(status);
  };
  if (login_class == LoginClass::kKnown) {
    parts_.login_workers->Schedule(
        [work = std::move(work), reply = std::move(reply)] { reply(work()); });
    return;
  }
  // Any other login is answered no sooner than the share's worth of hashing after it came
  // in, whether it was hashed (and queued behind others) or not.
  const auto reply_time =
      std::chrono::steady_clock::now() +
      absl::ToChronoNanoseconds(HashingTime() * (parts_.max_pending_unknown_logins + 1));
  if (login_class == LoginClass::kNoAccount) {
    replies->ScheduleAfter(reply_time - std::chrono::steady_clock::now(),
                           [work = std::move(work), reply = std::move(reply)] { reply(work()); });
    return;
  }
  parts_.login_workers->Schedule([replies, reply_time, work = std::move(work),
                                  reply = std::move(reply)]() mutable {
    const absl::Status status = work();
    const auto now = std::chrono::steady_clock::now();
    if (now >= reply_time) return reply(status);
    replies->ScheduleAfter(reply_time - now,
                           [status, reply = std::move(reply)] { reply(status); });
  });
}

void AuthServiceImpl::ReleaseLogin(const std::string& address, const std::string& username,
                                   LoginClass login_class) {
  absl::MutexLock lock(&admission_mu_);
  auto release = [](absl::flat_hash_map<std::string, int>& counts, const std::string& key) {
    auto it = counts.find(key);
    if (it != counts.end() && --it->second <= 0) counts.erase(it);
  };
  release(pending_by_address_, address);
  if (login_class == LoginClass::kAccount || login_class == LoginClass::kNoAccount) {
    --pending_unknown_pairs_;
    release(pending_by_username_, username);
  }
  if (login_class != LoginClass::kNoAccount) --pending_logins_;
  if (login_class == LoginClass::kAccount) --pending_unknown_logins_;
}

namespace {
// How long, and how many, successful (username, address) logins are remembered for admission.
constexpr absl::Duration kKnownLoginMemory = absl::Hours(24 * 30);
constexpr size_t kMaxKnownLogins = 10000;
}  // namespace

bool AuthServiceImpl::KnownLogin(const std::string& key) {
  absl::MutexLock lock(&admission_mu_);
  auto it = known_logins_.find(key);
  return it != known_logins_.end() && parts_.clock->Now() - it->second <= kKnownLoginMemory;
}

void AuthServiceImpl::RememberLogin(const std::string& key) {
  const absl::Time now = parts_.clock->Now();
  absl::MutexLock lock(&admission_mu_);
  if (known_logins_.size() >= kMaxKnownLogins && !known_logins_.contains(key)) {
    absl::erase_if(known_logins_, [now](const auto& e) { return now - e.second > kKnownLoginMemory; });
    if (known_logins_.size() >= kMaxKnownLogins) {
      auto oldest = known_logins_.begin();
      for (auto it = known_logins_.begin(); it != known_logins_.end(); ++it) {
        if (it->second < oldest->second) oldest = it;
      }
      known_logins_.erase(oldest);
    }
  }
  known_logins_[key] = now;
}

// The throttle's key for a login: the account on this client address (see auth_service.h).
static std::string ThrottleKey(const std::string& username, const Caller& caller) {
  return absl::StrCat(username, "|", caller.address_key);
}

namespace {
// Known-device tokens: PageTokenSigner over this "RPC", the username as its subject, and the
// payload "<issue time, unix seconds>:<random id>".
constexpr absl::string_view kKnownDeviceUse = "known device of Login v1";
constexpr size_t kKnownDeviceIdBytes = 16;
}  // namespace

AuthServiceImpl::LoginKey AuthServiceImpl::LoginKeyOf(const v1::LoginRequest& request,
                                                      const Caller& caller) const {
  LoginKey key{ThrottleKey(request.username(), caller), false};
  if (parts_.known_devices == nullptr || request.known_device().empty()) return key;
  absl::StatusOr<std::string> payload =
      parts_.known_devices->Open(kKnownDeviceUse, request.username(), request.known_device());
  if (!payload.ok()) return key;
  std::pair<std::string, std::string> fields = absl::StrSplit(*payload, absl::MaxSplits(':', 1));
  int64_t issued = 0;
  if (!absl::SimpleAtoi(fields.first, &issued) || fields.second.empty() ||
      parts_.clock->Now() - absl::FromUnixSeconds(issued) > kKnownLoginMemory) {
    return key;
  }
  return LoginKey{absl::StrCat(request.username(), "|device ", fields.second), true};
}

void AuthServiceImpl::Register(MethodTable* table) {
  // Handlers that answer at once.
  auto now = [this](auto method) {
    return [this, method](const Caller& caller, const auto& request, auto* response,
                          UnaryDone done) { done((this->*method)(caller, request, response)); };
  };
  table->Unary<v1::RegisterDeviceRequest, v1::RegisterDeviceResponse>(
      "/wijkwacht.v1.AuthService/RegisterDevice", now(&AuthServiceImpl::DoRegisterDevice));
  table->Unary<v1::RefreshTokenRequest, v1::TokenResponse>(
      "/wijkwacht.v1.AuthService/RefreshToken", now(&AuthServiceImpl::DoRefreshToken));
  table->Unary<v1::RevokeDeviceRequest, v1::RevokeDeviceResponse>(
      "/wijkwacht.v1.AuthService/RevokeDevice", now(&AuthServiceImpl::DoRevokeDevice));
  table->Unary<v1::GetSigningKeysRequest, v1::GetSigningKeysResponse>(
      "/wijkwacht.v1.AuthService/GetSigningKeys", now(&AuthServiceImpl::DoGetSigningKeys));
  table->Unary<v1::VerifyEntrepreneurRequest, v1::VerifyEntrepreneurResponse>(
      "/wijkwacht.v1.AuthService/VerifyEntrepreneur", now(&AuthServiceImpl::DoVerifyEntrepreneur));
  table->Unary<v1::UpdateAccountRequest, v1::Account>(
      "/wijkwacht.v1.AuthService/UpdateAccount", now(&AuthServiceImpl::DoUpdateAccount));
  table->Unary<v1::CreatePartnerRequest, v1::CreatePartnerResponse>(
      "/wijkwacht.v1.AuthService/CreatePartner", now(&AuthServiceImpl::DoCreatePartner));
  table->Unary<v1::RevokePartnerRequest, v1::Partner>(
      "/wijkwacht.v1.AuthService/RevokePartner", now(&AuthServiceImpl::DoRevokePartner));
  table->Unary<v1::ListPartnersRequest, v1::ListPartnersResponse>(
      "/wijkwacht.v1.AuthService/ListPartners", now(&AuthServiceImpl::DoListPartners));
  table->Unary<v1::RotatePartnerKeyRequest, v1::RotatePartnerKeyResponse>(
      "/wijkwacht.v1.AuthService/RotatePartnerKey", now(&AuthServiceImpl::DoRotatePartnerKey));
  table->Unary("/wijkwacht.v1.AuthService/Login", this, &AuthServiceImpl::Login);
  table->Unary("/wijkwacht.v1.AuthService/CreateAccount", this, &AuthServiceImpl::CreateAccount);
}

// Login and CreateAccount hash passwords: their handlers run on the login worker.
void AuthServiceImpl::Login(const Caller& caller, const v1::LoginRequest& req,
                            v1::TokenResponse* resp, UnaryDone done) {
  // A locked (account, address or known device) is refused before it costs a place in the
  // queue.
  if (absl::Status s = CheckLoginRequest(req); !s.ok()) return done(s);
  const LoginKey key = LoginKeyOf(req, caller);
  if (absl::Status s = parts_.throttle->Check(key.throttle); !s.ok()) return done(s);
  if (key.known_device || KnownLogin(key.throttle)) {
    return RunHashing(caller.address_key, req.username(),
                      key.known_device ? LoginClass::kKnown : LoginClass::kKnownPair,
                      [this, &caller, &req, resp] { return DoLogin(caller, req, resp); },
                      std::move(done));
  }
  // An unknown pair: a login naming an account is hashed in the share; one naming none is
  // answered as a wrong password would be, by a timer (see auth_service.h).
  absl::StatusOr<internal::UserRecord> user = parts_.identities->GetUser(req.username());
  if (!user.ok() && !absl::IsNotFound(user.status())) return done(user.status());
  if (user.ok()) {
    return RunHashing(caller.address_key, req.username(), LoginClass::kAccount,
                      [this, &caller, &req, resp] { return DoLogin(caller, req, resp); },
                      std::move(done));
  }
  RunHashing(caller.address_key, req.username(), LoginClass::kNoAccount,
             [this, throttle_key = key.throttle] {
               WW_RETURN_IF_ERROR(parts_.throttle->Check(throttle_key));
               parts_.throttle->RecordFailure(throttle_key);
               return WrongPassword();
             },
             std::move(done));
}

void AuthServiceImpl::CreateAccount(const Caller& caller, const v1::CreateAccountRequest& req,
                                    v1::Account* resp, UnaryDone done) {
  RunHashing(caller.address_key, caller.subject, LoginClass::kKnown,
             [this, &caller, &req, resp] { return DoCreateAccount(caller, req, resp); },
             std::move(done));
}

absl::Status AuthServiceImpl::IssueAccessToken(const std::string& subject, auth::Role role,
                                               v1::TokenResponse* out) const {
  auth::Claims claims;
  claims.issuer = parts_.issuer;
  claims.audience = parts_.audience;
  claims.subject = subject;
  claims.role = std::string(auth::RoleName(role));
  claims.issued_at = parts_.clock->Now();
  claims.expires_at = claims.issued_at + parts_.access_token_lifetime;
  WW_ASSIGN_OR_RETURN(std::string token, parts_.signer->Issue(claims));
  out->set_access_token(std::move(token));
  *out->mutable_expire_time() = ToTimestamp(absl::FromUnixSeconds(absl::ToUnixSeconds(claims.expires_at)));
  out->set_role(static_cast<v1::Role>(role));
  return absl::OkStatus();
}

std::string AuthServiceImpl::NotifyPseudonym(const internal::DeviceRecord& device) const {
  if (parts_.notify_pseudonym_key.empty() || device.pseudonym().empty()) return "";
  return notify::DevicePseudonym(parts_.notify_pseudonym_key, device.pseudonym());
}

absl::Status AuthServiceImpl::DoRegisterDevice(const Caller&, const v1::RegisterDeviceRequest& request,
                                               v1::RegisterDeviceResponse* response) {
  if (request.platform().size() > 32) {
    return InvalidFieldError("platform", "must be at most 32 bytes (e.g. \"android\", \"ios\")");
  }
  WW_ASSIGN_OR_RETURN(std::string id_bytes, parts_.random->Bytes(kDeviceIdBytes));
  WW_ASSIGN_OR_RETURN(std::string secret, parts_.random->Bytes(kSecretBytes));
  const std::string device_id = absl::BytesToHexString(id_bytes);

  internal::DeviceRecord device;
  device.set_device_id(device_id);
  device.set_role(static_cast<int>(auth::Role::kResident));
  device.set_refresh_secret_hash(Sha256(secret));
  *device.mutable_create_time() = ToTimestamp(parts_.clock->Now());
  *device.mutable_refresh_issue_time() = device.create_time();
  device.set_platform(request.platform());
  WW_ASSIGN_OR_RETURN(internal::DeviceRecord stored, parts_.identities->CreateDevice(device));

  response->set_device(absl::StrCat(kDevicePrefix, device_id));
  response->set_refresh_token(absl::StrCat(device_id, ".", auth::Base64UrlEncode(secret)));
  response->set_notify_pseudonym(NotifyPseudonym(stored));
  response->mutable_access()->set_notify_pseudonym(response->notify_pseudonym());
  return IssueAccessToken(response->device(), auth::Role::kResident, response->mutable_access());
}

absl::Status AuthServiceImpl::DoLogin(const Caller& caller, const v1::LoginRequest& request,
                                      v1::TokenResponse* response) {
  WW_RETURN_IF_ERROR(CheckLoginRequest(request));
  const std::string throttle_key = LoginKeyOf(request, caller).throttle;
  WW_RETURN_IF_ERROR(parts_.throttle->Check(throttle_key));
  absl::StatusOr<internal::UserRecord> user = parts_.identities->GetUser(request.username());
  if (!user.ok() && !absl::IsNotFound(user.status())) return user.status();
  const std::string& stored = user.ok() ? user->password_hash() : dummy_password_hash_;
  const auto start = std::chrono::steady_clock::now();
  absl::Status verified = parts_.passwords->Verify(request.password(), stored);
  const int64_t took = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  hashing_nanos_.store((hashing_nanos_.load(std::memory_order_relaxed) * 7 + took) / 8,
                       std::memory_order_relaxed);
  if (!user.ok() || !verified.ok() || user->disabled()) {
    parts_.throttle->RecordFailure(throttle_key);
    return WrongPassword();
  }
  parts_.throttle->RecordSuccess(throttle_key);
  RememberLogin(throttle_key);
  if (parts_.known_devices != nullptr) {
    WW_ASSIGN_OR_RETURN(std::string id, parts_.random->Bytes(kKnownDeviceIdBytes));
    response->set_known_device(parts_.known_devices->Sign(
        kKnownDeviceUse, request.username(),
        absl::StrCat(absl::ToUnixSeconds(parts_.clock->Now()), ":", absl::BytesToHexString(id))));
  }
  return IssueAccessToken(absl::StrCat("users/", user->username()),
                          static_cast<auth::Role>(user->role()), response);
}

absl::Status AuthServiceImpl::DoRefreshToken(const Caller&, const v1::RefreshTokenRequest& request,
                                             v1::TokenResponse* response) {
  if (request.refresh_token().empty()) return InvalidFieldError("refresh_token", "is required");
  std::pair<std::string, std::string> parts =
      absl::StrSplit(request.refresh_token(), absl::MaxSplits('.', 1));
  absl::StatusOr<std::string> secret = auth::Base64UrlDecode(parts.second);
  absl::StatusOr<std::string> device_id = DeviceIdFromName(parts.first, "refresh_token");
  if (!device_id.ok() || !secret.ok()) return InvalidRefreshToken();
  const std::string hash = Sha256(*secret);
  const auto same = [&hash](const std::string& stored) {
    return stored.size() == hash.size() &&
           CRYPTO_memcmp(hash.data(), stored.data(), hash.size()) == 0;
  };
  WW_ASSIGN_OR_RETURN(std::string next_secret, parts_.random->Bytes(kSecretBytes));
  const absl::Time now = parts_.clock->Now();
  enum class Outcome { kRotated, kInvalid, kExpired, kReused } outcome = Outcome::kInvalid;
  // One atomic read-modify-write: of two refreshes with the same token, one rotates and
  // the other is reuse.
  absl::StatusOr<internal::DeviceRecord> device =
      parts_.identities->UpdateDevice(*device_id, [&](internal::DeviceRecord& d) {
        if (d.revoked()) {
          outcome = Outcome::kInvalid;
        } else if (same(d.refresh_secret_hash())) {
          const google::protobuf::Timestamp& issued =
              d.has_refresh_issue_time() ? d.refresh_issue_time() : d.create_time();
          if (now - absl::FromUnixSeconds(issued.seconds()) >= parts_.refresh_token_lifetime) {
            outcome = Outcome::kExpired;
          } else {
            outcome = Outcome::kRotated;
            d.set_previous_refresh_secret_hash(d.refresh_secret_hash());
            d.set_refresh_secret_hash(Sha256(next_secret));
            *d.mutable_refresh_issue_time() = ToTimestamp(now);
          }
        } else if (!d.previous_refresh_secret_hash().empty() &&
                   same(d.previous_refresh_secret_hash())) {
          // A spent token came back: someone holds a copy. Nobody keeps the device.
          outcome = Outcome::kReused;
          d.set_revoked(true);
          *d.mutable_revoke_time() = ToTimestamp(now);
        }
        return absl::OkStatus();
      });
  if (absl::IsNotFound(device.status())) return InvalidRefreshToken();
  if (!device.ok()) return device.status();
  switch (outcome) {
    case Outcome::kRotated:
      break;
    case Outcome::kExpired:
      return absl::UnauthenticatedError("refresh_token has expired; register the device again");
    case Outcome::kReused:
      if (parts_.streams != nullptr) {
        parts_.streams->EndStreamsOf(
            absl::StrCat(kDevicePrefix, *device_id),
            absl::UnauthenticatedError("the device was revoked: its refresh token was reused"));
      }
      return absl::UnauthenticatedError(
          "refresh_token was already used; the device is revoked, register it again");
    case Outcome::kInvalid:
      return InvalidRefreshToken();
  }
  response->set_refresh_token(absl::StrCat(*device_id, ".", auth::Base64UrlEncode(next_secret)));
  response->set_notify_pseudonym(NotifyPseudonym(*device));
  return IssueAccessToken(absl::StrCat(kDevicePrefix, *device_id),
                          static_cast<auth::Role>(device->role()), response);
}

absl::Status AuthServiceImpl::DoRevokeDevice(const Caller& caller,
                                             const v1::RevokeDeviceRequest& request,
                                             v1::RevokeDeviceResponse*) {
  WW_ASSIGN_OR_RETURN(std::string device_id, DeviceIdFromName(request.device(), "device"));
  if (!caller.HasRole(auth::Role::kAdmin) && caller.DeviceId() != device_id) {
    return absl::PermissionDeniedError("a device may only revoke itself");
  }
  if (request.erase() && parts_.sealed == nullptr) {
    return absl::FailedPreconditionError("erase: this server keeps no sealed identities");
  }
  const absl::Time now = parts_.clock->Now();
  // Revoked first, so that the device's tokens stop working even if the erasure fails.
  WW_ASSIGN_OR_RETURN(internal::DeviceRecord revoked,
                      parts_.identities->UpdateDevice(device_id, [&](internal::DeviceRecord& d) {
                        if (!d.revoked()) {
                          d.set_revoked(true);
                          *d.mutable_revoke_time() = ToTimestamp(now);
                        }
                        return absl::OkStatus();
                      }));
  // Open streams end now: nothing published after the revocation reaches the device.
  if (parts_.streams != nullptr) {
    parts_.streams->EndStreamsOf(absl::StrCat(kDevicePrefix, device_id),
                                 absl::UnauthenticatedError("the device was revoked"));
  }
  if (!request.erase()) return absl::OkStatus();
  return parts_.sealed->Erase(revoked.pseudonym(), device_id);
}

absl::Status AuthServiceImpl::DoGetSigningKeys(const Caller&, const v1::GetSigningKeysRequest&,
                                               v1::GetSigningKeysResponse* response) {
  for (const auth::PublicSigningKey& key : parts_.keys->PublicKeys()) {
    v1::SigningKey* out = response->add_keys();
    out->set_kid(key.kid);
    out->set_kty(std::string(auth::PublicSigningKey::kKty));
    out->set_crv(std::string(auth::PublicSigningKey::kCrv));
    out->set_alg(std::string(auth::PublicSigningKey::kAlg));
    out->set_x(key.x());
  }
  return absl::OkStatus();
}

absl::Status AuthServiceImpl::DoVerifyEntrepreneur(const Caller& caller,
                                                   const v1::VerifyEntrepreneurRequest& request,
                                                   v1::VerifyEntrepreneurResponse*) {
  std::vector<FieldViolation> violations;
  absl::StatusOr<std::string> device_id = DeviceIdFromName(request.device(), "device");
  if (!device_id.ok()) violations.push_back({"device", "must be \"devices/{id}\""});
  const std::string& kvk = request.kvk_number();
  if (kvk.size() != 8 || !std::all_of(kvk.begin(), kvk.end(), absl::ascii_isdigit)) {
    violations.push_back({"kvk_number", "must be the 8-digit KvK number"});
  }
  if (request.business_name().empty() || request.business_name().size() > 200) {
    violations.push_back({"business_name", "is required, at most 200 bytes"});
  }
  if (!violations.empty()) return InvalidFieldsError(std::move(violations));
  internal::SealedBusiness business;
  business.set_kvk_number(kvk);
  business.set_business_name(request.business_name());
  return parts_.identities
      ->UpdateDeviceBusiness(
          *device_id,
          [&](internal::DeviceRecord& d) {
            if (d.revoked()) return absl::FailedPreconditionError("device is revoked");
            d.set_role(static_cast<int>(auth::Role::kEntrepreneur));
            d.set_verified_by(caller.subject);
            return absl::OkStatus();
          },
          std::move(business))
      .status();
}

absl::Status AuthServiceImpl::DoCreateAccount(const Caller&, const v1::CreateAccountRequest& request,
                                              v1::Account* response) {
  std::vector<FieldViolation> violations;
  const std::string& name = request.username();
  if (name.size() < 3 || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' || c == '_' || c == '-';
      })) {
    violations.push_back({"username", "must be 3-64 characters of [a-z0-9._-]"});
  }
  const auto role = static_cast<auth::Role>(request.role());
  if (!auth::IsStaffRole(role)) {
    violations.push_back({"role", "must be ROLE_DISPATCHER, ROLE_ANALYST or ROLE_ADMIN"});
  }
  if (request.password().size() < kMinAdminPasswordBytes ||
      request.password().size() > auth::kMaxPasswordBytes) {
    violations.push_back({"password", "must be 12-1024 bytes"});
  }
  std::vector<std::string> departments;
  if (request.departments_size() > 0) {
    absl::StatusOr<std::vector<std::string>> parsed = AccountDepartments(request.departments());
    if (!parsed.ok()) {
      if (!absl::IsInvalidArgument(parsed.status())) return parsed.status();
      for (FieldViolation& v : GetFieldViolations(parsed.status())) violations.push_back(std::move(v));
    } else {
      departments = *std::move(parsed);
    }
  }
  if (!violations.empty()) return InvalidFieldsError(std::move(violations));
  internal::UserRecord user;
  user.set_username(name);
  user.set_role(static_cast<int>(role));
  user.mutable_departments()->Assign(departments.begin(), departments.end());
  WW_ASSIGN_OR_RETURN(std::string hash, parts_.passwords->Hash(request.password()));
  user.set_password_hash(std::move(hash));
  *user.mutable_create_time() = ToTimestamp(parts_.clock->Now());
  absl::Status created = parts_.identities->CreateUser(user);
  if (absl::IsAlreadyExists(created)) {
    return absl::AlreadyExistsError(absl::StrCat("username: users/", name, " already exists"));
  }
  WW_RETURN_IF_ERROR(created);
  *response = AccountOf(user);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> AuthServiceImpl::AccountDepartments(
    const google::protobuf::RepeatedPtrField<std::string>& names) const {
  if (parts_.directory == nullptr) {
    return InvalidFieldError("departments", "is not supported by this server (no directory)");
  }
  return ParseAccountDepartments(names, "departments", *parts_.directory);
}

absl::Status AuthServiceImpl::DoUpdateAccount(const Caller& caller,
                                              const v1::UpdateAccountRequest& request,
                                              v1::Account* response) {
  if (request.username().empty()) return InvalidFieldError("username", "is required");
  WW_ASSIGN_OR_RETURN(std::vector<std::string> departments,
                      AccountDepartments(request.departments()));
  std::string before;
  absl::StatusOr<internal::UserRecord> user = parts_.identities->UpdateUser(
      request.username(),
      [&](internal::UserRecord& record) {
        before = absl::StrJoin(record.departments(), ",");
        record.mutable_departments()->Assign(departments.begin(), departments.end());
        return absl::OkStatus();
      },
      [&](storage::WriteContext& ctx, internal::UserRecord& record) {
        return storage::AppendAudit(
            ctx, {caller.subject}, "UpdateAccount", absl::StrCat("users/", record.username()),
            absl::StrCat("departments [", before, "] -> [", absl::StrJoin(departments, ","), "]"));
      });
  if (absl::IsNotFound(user.status())) {
    return absl::NotFoundError(absl::StrCat("username: users/", request.username(),
                                            " does not exist"));
  }
  WW_RETURN_IF_ERROR(user.status());
  *response = AccountOf(*user);
  return absl::OkStatus();
}

namespace {

v1::Partner PartnerOf(const internal::PartnerRecord& record) {
  v1::Partner out;
  out.set_name(absl::StrCat(kPartnerPrefix, record.partner_id()));
  out.set_display_name(record.display_name());
  out.set_writes_per_second(record.writes_per_second());
  out.set_write_burst(record.write_burst());
  *out.mutable_create_time() = record.create_time();
  out.set_revoked(record.revoked());
  if (record.revoked()) *out.mutable_revoke_time() = record.revoke_time();
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// The later of a stored use and one counted in memory since; none for a key never used (its
// field then stays unset, as v1.Partner.last_use_time says).
std::optional<absl::Time> LastUse(const google::protobuf::Timestamp& stored,
                                  const std::optional<absl::Time>& seen) {
  std::optional<absl::Time> last = seen;
  if (stored.seconds() != 0 || stored.nanos() != 0) {
    if (!last || FromTimestamp(stored) > *last) last = FromTimestamp(stored);
  }
  return last;
}

// PartnerOf with what ListPartners and RotatePartnerKey tell of the keys (never a secret).
v1::Partner PartnerWithKeys(const internal::PartnerRecord& record, const PartnerUsage::Uses& uses,
                            absl::Time now) {
  v1::Partner out = PartnerOf(record);
  out.set_key_id(record.key_id());
  *out.mutable_key_create_time() =
      record.has_key_create_time() ? record.key_create_time() : record.create_time();
  if (std::optional<absl::Time> last = LastUse(record.last_use_time(), uses.current)) {
    *out.mutable_last_use_time() = ToTimestamp(*last);
  }
  if (!record.previous_key_hash().empty() && !record.revoked() &&
      now < FromTimestamp(record.previous_key_expire_time())) {
    out.set_previous_key_id(record.previous_key_id());
    *out.mutable_previous_key_expire_time() = record.previous_key_expire_time();
    if (std::optional<absl::Time> last =
            LastUse(record.previous_key_last_use_time(), uses.previous)) {
      *out.mutable_previous_key_last_use_time() = ToTimestamp(*last);
    }
  }
  return out;
}

// "partners/{id}" -> id, or INVALID_ARGUMENT on "name".
absl::StatusOr<std::string> PartnerIdOf(absl::string_view name) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kPartnerPrefix) || id.empty()) {
    return InvalidFieldError("name", "must be \"partners/{partner_id}\"");
  }
  return std::string(id);
}

constexpr absl::Duration kDefaultPartnerKeyGrace = absl::Hours(24);
constexpr absl::Duration kMaxPartnerKeyGrace = absl::Hours(24 * 30);

}  // namespace

absl::Status AuthServiceImpl::DoListPartners(const Caller& caller,
                                             const v1::ListPartnersRequest& request,
                                             v1::ListPartnersResponse* response) {
  WW_ASSIGN_OR_RETURN(std::vector<internal::PartnerRecord> records,
                      parts_.identities->ListPartners([&](storage::WriteContext& ctx) {
                        return storage::AppendAudit(ctx, {caller.subject}, "ListPartners",
                                                    "partners", "");
                      }));
  const absl::Time now = parts_.clock->Now();
  for (const internal::PartnerRecord& record : records) {
    const PartnerUsage::Uses uses = parts_.partner_usage != nullptr
                                        ? parts_.partner_usage->Get(record.partner_id())
                                        : PartnerUsage::Uses{};
    *response->add_partners() = PartnerWithKeys(record, uses, now);
  }
  return absl::OkStatus();
}

absl::Status AuthServiceImpl::DoRotatePartnerKey(const Caller& caller,
                                                 const v1::RotatePartnerKeyRequest& request,
                                                 v1::RotatePartnerKeyResponse* response) {
  WW_ASSIGN_OR_RETURN(std::string id, PartnerIdOf(request.name()));
  absl::Duration grace = kDefaultPartnerKeyGrace;
  if (request.has_grace_period()) {
    const google::protobuf::Duration& g = request.grace_period();
    grace = absl::Seconds(g.seconds()) + absl::Nanoseconds(g.nanos());
    if (g.seconds() < 0 || g.nanos() < 0 || g.nanos() > 999'999'999 || grace > kMaxPartnerKeyGrace) {
      return InvalidFieldError("grace_period", "must be from 0 to 30 days");
    }
  }
  WW_ASSIGN_OR_RETURN(PartnerKey key, MakePartnerKey(id, *parts_.random));
  const absl::Time now = parts_.clock->Now();
  PartnerUsage::Uses uses = parts_.partner_usage != nullptr ? parts_.partner_usage->Get(id)
                                                            : PartnerUsage::Uses{};
  std::string replaced;
  absl::StatusOr<internal::PartnerRecord> partner = parts_.identities->UpdatePartner(
      id,
      [&](internal::PartnerRecord& record) {
        if (record.revoked()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "name: ", request.name(), " is revoked; create a new partner account instead"));
        }
        replaced = record.key_id().empty() ? "(made before key ids)" : record.key_id();
        const std::optional<absl::Time> last_use = LastUse(record.last_use_time(), uses.current);
        record.set_previous_key_hash(record.key_hash());
        record.set_previous_key_id(record.key_id());
        *record.mutable_previous_key_expire_time() = ToTimestamp(now + grace);
        if (last_use) {
          *record.mutable_previous_key_last_use_time() = ToTimestamp(*last_use);
        } else {
          record.clear_previous_key_last_use_time();
        }
        record.clear_last_use_time();
        record.set_key_hash(key.key_hash);
        record.set_key_id(key.key_id);
        *record.mutable_key_create_time() = ToTimestamp(now);
        return absl::OkStatus();
      },
      [&](storage::WriteContext& ctx, internal::PartnerRecord&) {
        return storage::AppendAudit(
            ctx, {caller.subject}, "RotatePartnerKey", request.name(),
            absl::StrCat("key ", replaced, " replaced by ", key.key_id,
                         "; the old key is accepted until ",
                         absl::FormatTime(absl::RFC3339_sec, now + grace, absl::UTCTimeZone())));
      });
  if (absl::IsNotFound(partner.status())) {
    return absl::NotFoundError(absl::StrCat("name: ", request.name(), " does not exist"));
  }
  WW_RETURN_IF_ERROR(partner.status());
  if (parts_.partner_usage != nullptr) parts_.partner_usage->Rotated(id);
  uses.previous = uses.current;
  uses.current.reset();
  *response->mutable_partner() = PartnerWithKeys(*partner, uses, now);
  response->set_api_key(std::move(key.api_key));
  return absl::OkStatus();
}

absl::Status AuthServiceImpl::DoCreatePartner(const Caller& caller,
                                              const v1::CreatePartnerRequest& request,
                                              v1::CreatePartnerResponse* response) {
  std::vector<FieldViolation> violations;
  const std::string& id = request.partner_id();
  if (id.size() < 3 || id.size() > 64 || !std::all_of(id.begin(), id.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '-';
      })) {
    violations.push_back({"partner_id", "must be 3-64 characters of [a-z0-9_-]"});
  }
  if (request.display_name().empty() || request.display_name().size() > 200) {
    violations.push_back({"display_name", "must be 1-200 bytes"});
  }
  if (!(std::isfinite(request.writes_per_second()) && request.writes_per_second() > 0)) {
    violations.push_back({"writes_per_second", "must be positive"});
  }
  if (!(std::isfinite(request.write_burst()) && request.write_burst() >= 1)) {
    violations.push_back({"write_burst", "must be at least 1"});
  }
  if (!violations.empty()) return InvalidFieldsError(std::move(violations));
  WW_ASSIGN_OR_RETURN(PartnerKey key, MakePartnerKey(id, *parts_.random));
  internal::PartnerRecord record;
  record.set_partner_id(id);
  record.set_display_name(request.display_name());
  record.set_key_hash(key.key_hash);
  record.set_key_id(key.key_id);
  record.set_writes_per_second(request.writes_per_second());
  record.set_write_burst(request.write_burst());
  *record.mutable_create_time() = ToTimestamp(parts_.clock->Now());
  *record.mutable_key_create_time() = record.create_time();
  WW_RETURN_IF_ERROR(parts_.identities->CreatePartner(
      record, [&](storage::WriteContext& ctx, internal::PartnerRecord& created) {
        return storage::AppendAudit(
            ctx, {caller.subject}, "CreatePartner", absl::StrCat(kPartnerPrefix, created.partner_id()),
            absl::StrCat(created.display_name(), "; ", created.writes_per_second(), " writes/s, burst ",
                         created.write_burst()));
      }));
  *response->mutable_partner() = PartnerOf(record);
  response->set_api_key(std::move(key.api_key));
  return absl::OkStatus();
}

absl::Status AuthServiceImpl::DoRevokePartner(const Caller& caller,
                                              const v1::RevokePartnerRequest& request,
                                              v1::Partner* response) {
  absl::string_view id = request.name();
  if (!absl::ConsumePrefix(&id, kPartnerPrefix) || id.empty()) {
    return InvalidFieldError("name", "must be \"partners/{partner_id}\"");
  }
  const absl::Time now = parts_.clock->Now();
  absl::StatusOr<internal::PartnerRecord> partner = parts_.identities->UpdatePartner(
      id,
      [&](internal::PartnerRecord& record) {
        if (!record.revoked()) {
          record.set_revoked(true);
          *record.mutable_revoke_time() = ToTimestamp(now);
          const PartnerUsage::Uses uses = parts_.partner_usage != nullptr
                                              ? parts_.partner_usage->Get(record.partner_id())
                                              : PartnerUsage::Uses{};
          if (std::optional<absl::Time> last = LastUse(record.last_use_time(), uses.current)) {
            *record.mutable_last_use_time() = ToTimestamp(*last);
          }
        }
        return absl::OkStatus();
      },
      [&](storage::WriteContext& ctx, internal::PartnerRecord& record) {
        return storage::AppendAudit(ctx, {caller.subject}, "RevokePartner", request.name(), "");
      });
  if (absl::IsNotFound(partner.status())) {
    return absl::NotFoundError(absl::StrCat("name: ", request.name(), " does not exist"));
  }
  WW_RETURN_IF_ERROR(partner.status());
  *response = PartnerOf(*partner);
  return absl::OkStatus();
}

absl::Status BootstrapAdmin(storage::IdentityStore& identities, const auth::PasswordHasher& passwords,
                            const std::string& username, const std::string& password,
                            Clock* clock) {
  WW_ASSIGN_OR_RETURN(bool has_users, identities.HasUsers());
  if (has_users) return absl::OkStatus();
  if (username.empty()) return InvalidFieldError("bootstrap_admin", "must name the account");
  if (password.size() < kMinAdminPasswordBytes) {
    return InvalidFieldError("bootstrap_admin_password_file",
                             "must hold a password of at least 12 bytes");
  }
  internal::UserRecord user;
  user.set_username(username);
  user.set_role(static_cast<int>(auth::Role::kAdmin));
  WW_ASSIGN_OR_RETURN(std::string hash, passwords.Hash(password));
  user.set_password_hash(std::move(hash));
  *user.mutable_create_time() = ToTimestamp((clock ? clock : SystemClock())->Now());
  return identities.CreateUser(user);
}

}  // namespace wijkwacht::services
