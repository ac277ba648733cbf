// wijkwacht.v1.AuthService: anonymous device registration, staff login, token refresh,
// device revocation, the public signing keys, and shopkeeper verification.
//
// Credentials:
//   - a device gets a refresh token "<device id>.<secret>"; only SHA-256(secret) is stored,
//     compared in constant time. Refresh tokens rotate: RefreshToken answers with the next
//     one and the presented one is spent. Presenting a spent token again is reuse (it was
//     copied): the device is revoked and its open streams end. A refresh token expires
//     `refresh_token_lifetime` after its issue (UNAUTHENTICATED: register again). Access tokens (JWT, EdDSA) live at most 15 minutes and carry
//     the device's current role (RESIDENT, or ENTREPRENEUR once verified by an admin).
//   - staff log in with username and password (scrypt, per-user salt); failures are
//     throttled per (username, client address) (back-off, then lock-out), so guessing from
//     one address cannot lock the account for anyone else. An unknown username costs the
//     same hashing work as a wrong password, so timing does not reveal which accounts exist.
//     Admission (before hashing): a login for a (username, client address) pair that has
//     not logged in successfully within the last 30 days (an "unknown pair") gets only a
//     share of the hashing queue, and each address only a few places, so a flood of made-up
//     usernames (or of real ones from other addresses) cannot keep out staff who logged in
//     from their own address before. (The pairs are remembered in memory, at most 10,000;
//     after a restart, staff fall in the unknown part until they have logged in once.)
//     Within the unknown part, a login naming no account is never hashed: it is answered
//     "invalid username or password" by a timer (`login_replies`), so a flood of made-up
//     usernames takes no place of the share, which is left to logins naming an account (a
//     staff member's first login on a new device). So that this tells no one which accounts
//     exist, every unknown-pair login, with or without an account, (1) is refused
//     (RESOURCE_EXHAUSTED, the same words and retry delay) under the same conditions: the
//     whole queue or the share full, its address's places taken, one login of the same
//     username already waiting (at most one place per username: one name, and so one
//     guessed account, cannot fill the share), or kMaxPendingUnknownLogins waiting in all;
//     (2) is answered no sooner than the share's worth of hashing after it arrived
//     ((max_pending_unknown_logins + 1) x the recent hashing time, measured), so its
//     answer comes at the same moment whether it was hashed and queued behind others or
//     not (a login of a known pair is answered at the same floor: else its quicker answer
//     would tell others at that address that the username exists and logged in from there;
//     only a known-device token is answered as soon as it is hashed); (3) counts against the same back-off and lock-out. What is left: an attacker who
//     fills the share with logins naming accounts (it needs max_pending_unknown_logins - 1
//     usernames it knows exist, one place each) and a guessed name sees a third login
//     refused when the guess exists; and when hashing falls behind the reply floor (staff
//     logins from known pairs or devices ahead in the queue, a slow host), a hashed login's
//     answer comes later than the floor.
//     Known devices: a successful login returns a known-device token (TokenResponse.
//     known_device; over HTTP an HttpOnly cookie): "<username-bound payload>.<MAC>", signed
//     with `known_devices` (a key derived from the master key, so it outlives restarts), good
//     for 30 days. A login that presents a valid one for its username is admitted as known
//     from any address, and its back-off and lock-out are keyed on (username, that token's
//     random id) instead of the address: a flood of one username from many addresses (which
//     fills the shared part and locks out whole addresses) does not reach it. Without a token
//     nothing changes.
//
// Notification pseudonym: RegisterDevice (and every RefreshToken of a device) returns the
// device's pseudonym in notifications out, the same keyed HMAC the webhook outbox puts in the
// payload's "device" (domain/notify/webhook.h), only to the device itself.
//
// Object rules: RevokeDevice by the device itself or an admin; VerifyEntrepreneur,
// CreateAccount and UpdateAccount by an admin (the access table already limits the roles).
// Staff accounts carry departments (DirectoryService); UpdateAccount replaces them and is
// audited (action "UpdateAccount", target "users/{name}", the old and new departments).
//
// Partner accounts (admin): CreatePartner hands out a key once; ListPartners shows each
// partner's key id (never the secret), when the key was made and last accepted, and its rate
// limit (audited "ListPartners"); RotatePartnerKey hands out a new key once and keeps the
// previous one accepted for the grace period (audited "RotatePartnerKey" with both key ids and
// the grace); RevokePartner refuses every key of it (audited).
//
// Thread safety: one instance serves all calls concurrently.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "auth/jwt.h"
#include "auth/key_ring.h"
#include "auth/login_throttle.h"
#include "auth/password.h"
#include "auth/random.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/method_table.h"
#include "services/partner_keys.h"
#include "services/page_tokens.h"
#include "services/stream_registry.h"
#include "services/unary_call.h"
#include "storage/directory_store.h"
#include "storage/identity_store.h"
#include "wijkwacht/v1/auth.grpc.pb.h"

namespace wijkwacht::services {

class AuthServiceImpl final {
 public:
  struct Parts {
    const CallGate* gate = nullptr;
    storage::IdentityStore* identities = nullptr;
    // RevokeDevice with erase (crypto-shredding); null = erase is refused.
    storage::SealedIdentityStore* sealed = nullptr;
    // Departments of staff accounts (CreateAccount / UpdateAccount `departments`) are checked
    // against it; null = departments are refused.
    const storage::DirectoryStore* directory = nullptr;
    const auth::KeyRing* keys = nullptr;
    const auth::TokenSigner* signer = nullptr;
    const auth::PasswordHasher* passwords = nullptr;
    auth::LoginThrottle* throttle = nullptr;
    auth::RandomSource* random = nullptr;  // nullptr = SystemRandom()
    Clock* clock = nullptr;                // nullptr = SystemClock()
    // Password hashing (Login, CreateAccount: scrypt, ~100 ms and 32 MiB each) runs here,
    // never on a gRPC thread; at most `max_pending_logins` wait, more get RESOURCE_EXHAUSTED.
    WorkerPool* login_workers = nullptr;
    // Answers unknown-pair logins at their reply time (see above: a timer, no hashing);
    // null: on `login_workers`.
    WorkerPool* login_replies = nullptr;
    int max_pending_logins = 16;
    // Login admission: logins of a (username, address) pair without a recent successful
    // login may hold at most this many of the `max_pending_logins` places, so the rest stays
    // reserved for staff at addresses they logged in from before; one client address (IPv6:
    // /64) may have at most `max_pending_logins_per_address` logins waiting. Set by the
    // server from ServerOptions (whose defaults are the flags').
    int max_pending_unknown_logins = 0;
    int max_pending_logins_per_address = 0;
    // RevokeDevice and refresh-token reuse end the device's open streams here; may be null.
    StreamRegistry* streams = nullptr;
    // A refresh token is good for one refresh within this long of its issue; each refresh
    // hands out the next one.
    absl::Duration refresh_token_lifetime;  // set by the server from ServerOptions
    std::string issuer;
    std::string audience;
    absl::Duration access_token_lifetime = absl::Minutes(15);
    // Key of the devices' notification pseudonyms (notify::DevicePseudonym, the webhook
    // payload's "device"); "" = no notifications out: notify_pseudonym stays empty.
    std::string notify_pseudonym_key;
    // When partner keys were last accepted (the gate notes them); may be null.
    PartnerUsage* partner_usage = nullptr;
    // Signs and opens known-device tokens (see above); null = none are issued or honoured.
    const PageTokenSigner* known_devices = nullptr;
  };
  explicit AuthServiceImpl(Parts parts);

  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);

  // Login and CreateAccount: the password hashing runs on the login worker (RunHashing).
  void Login(const Caller& caller, const v1::LoginRequest& request, v1::TokenResponse* response,
             UnaryDone done);
  void CreateAccount(const Caller& caller, const v1::CreateAccountRequest& request,
                     v1::Account* response, UnaryDone done);

  // Typed handlers (each returns its status; Register() binds them).
  [[nodiscard]] absl::Status DoRegisterDevice(const Caller& caller,
                                              const v1::RegisterDeviceRequest& request,
                                              v1::RegisterDeviceResponse* response);
  [[nodiscard]] absl::Status DoLogin(const Caller& caller, const v1::LoginRequest& request,
                                     v1::TokenResponse* response);
  [[nodiscard]] absl::Status DoRefreshToken(const Caller& caller,
                                            const v1::RefreshTokenRequest& request,
                                            v1::TokenResponse* response);
  [[nodiscard]] absl::Status DoRevokeDevice(const Caller& caller,
                                            const v1::RevokeDeviceRequest& request,
                                            v1::RevokeDeviceResponse* response);
  [[nodiscard]] absl::Status DoGetSigningKeys(const Caller& caller,
                                              const v1::GetSigningKeysRequest& request,
                                              v1::GetSigningKeysResponse* response);
  [[nodiscard]] absl::Status DoVerifyEntrepreneur(const Caller& caller,
                                                  const v1::VerifyEntrepreneurRequest& request,
                                                  v1::VerifyEntrepreneurResponse* response);
  [[nodiscard]] absl::Status DoCreateAccount(const Caller& caller,
                                             const v1::CreateAccountRequest& request,
                                             v1::Account* response);
  [[nodiscard]] absl::Status DoUpdateAccount(const Caller& caller,
                                             const v1::UpdateAccountRequest& request,
                                             v1::Account* response);
  [[nodiscard]] absl::Status DoCreatePartner(const Caller& caller,
                                             const v1::CreatePartnerRequest& request,
                                             v1::CreatePartnerResponse* response);
  [[nodiscard]] absl::Status DoRevokePartner(const Caller& caller,
                                             const v1::RevokePartnerRequest& request,
                                             v1::Partner* response);
  [[nodiscard]] absl::Status DoListPartners(const Caller& caller,
                                            const v1::ListPartnersRequest& request,
                                            v1::ListPartnersResponse* response);
  [[nodiscard]] absl::Status DoRotatePartnerKey(const Caller& caller,
                                                const v1::RotatePartnerKeyRequest& request,
                                                v1::RotatePartnerKeyResponse* response);

 private:
  // How a login is admitted (see above): with a known-device token (and CreateAccount), a
  // known pair (admitted as known, answered at the floor like an unknown pair, so that whoever
  // shares the address cannot tell that the username logged in from there), an unknown pair
  // naming an account, an unknown pair naming none.
  enum class LoginClass { kKnown, kKnownPair, kAccount, kNoAccount };
  // Runs `work` on the login worker (kNoAccount: on `login_replies` at the reply time, no
  // hashing), or refuses when too many are waiting. `address`, `username` and `login_class`
  // decide the admission.
  void RunHashing(const std::string& address, const std::string& username,
                  LoginClass login_class, std::function<absl::Status()> work, UnaryDone done);
  // Gives back the places a login held (RunHashing).
  void ReleaseLogin(const std::string& address, const std::string& username,
                    LoginClass login_class);
  // How long hashing a password takes now (a running mean of DoLogin's).
  [[nodiscard]] absl::Duration HashingTime() const;
  // Department names of an account request -> ids (services/need_to_know.h).
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> AccountDepartments(
      const google::protobuf::RepeatedPtrField<std::string>& names) const;
  // The notification pseudonym of `device` ("" without notifications or pseudonym).
  [[nodiscard]] std::string NotifyPseudonym(const internal::DeviceRecord& device) const;
  // A signed access token for `subject` with `role`, into `out`.
  [[nodiscard]] absl::Status IssueAccessToken(const std::string& subject, auth::Role role,
                                              v1::TokenResponse* out) const;

  Parts parts_;
  std::string dummy_password_hash_;  // verified against when an account went meanwhile
  // Login admission (RunHashing).
  absl::Mutex admission_mu_;
  int pending_logins_ ABSL_GUARDED_BY(admission_mu_) = 0;
  // Unknown-pair logins naming an account (the share), and unknown-pair logins of either
  // kind in all and per username.
  int pending_unknown_logins_ ABSL_GUARDED_BY(admission_mu_) = 0;
  int pending_unknown_pairs_ ABSL_GUARDED_BY(admission_mu_) = 0;
  absl::flat_hash_map<std::string, int> pending_by_username_ ABSL_GUARDED_BY(admission_mu_);
  absl::flat_hash_map<std::string, int> pending_by_address_ ABSL_GUARDED_BY(admission_mu_);
  // Running mean of a password check, nanoseconds (HashingTime).
  std::atomic<int64_t> hashing_nanos_{0};
  // ThrottleKey(username, address) -> time of its last successful login (bounded).
  absl::flat_hash_map<std::string, absl::Time> known_logins_ ABSL_GUARDED_BY(admission_mu_);
  // The throttle key of a login of `request` by `caller`, and whether it is a known one: a
  // valid known-device token keys on that token, else on the address (KnownLogin decides).
  struct LoginKey {
    std::string throttle;
    bool known_device = false;
  };
  [[nodiscard]] LoginKey LoginKeyOf(const v1::LoginRequest& request, const Caller& caller) const;
  // Whether `key` logged in successfully within the memory; records a success.
  [[nodiscard]] bool KnownLogin(const std::string& key);
  void RememberLogin(const std::string& key);
};

// Creates the first staff account (an admin) when no account exists yet; a no-op otherwise.
// INVALID_ARGUMENT for an empty username or a password shorter than 12 bytes.
[[nodiscard]] absl::Status BootstrapAdmin(storage::IdentityStore& identities,
                                          const auth::PasswordHasher& passwords,
                                          const std::string& username, const std::string& password,
                                          Clock* clock);

}  // namespace wijkwacht::services
