// wijkwacht.v1.AuthService: anonymous device registration, staff login, token refresh,
// device revocation, the public signing keys, and shopkeeper verification.
//
// Credentials:
//   - a device gets a refresh token "<device id>.<secret>"; only SHA-256(secret) is stored,
//     compared in constant time. Access tokens (JWT, EdDSA) live at most 15 minutes and carry
//     the device's current role (RESIDENT, or ENTREPRENEUR once verified by an admin).
//   - staff log in with username and password (scrypt, per-user salt); failures are
//     throttled per username (back-off, then lock-out). An unknown username costs the same
//     hashing work as a wrong password, so timing does not reveal which accounts exist.
//
// Object rules: RevokeDevice by the device itself or an admin; VerifyEntrepreneur and
// CreateAccount by an admin (the access table already limits the roles).
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
#include "services/unary_call.h"
#include "storage/identity_store.h"
#include "wijkwacht/v1/auth.grpc.pb.h"

namespace wijkwacht::services {

using RawAuthService = v1::AuthService::WithRawCallbackMethod_RegisterDevice<
    v1::AuthService::WithRawCallbackMethod_Login<
        v1::AuthService::WithRawCallbackMethod_RefreshToken<
            v1::AuthService::WithRawCallbackMethod_RevokeDevice<
                v1::AuthService::WithRawCallbackMethod_GetSigningKeys<
                    v1::AuthService::WithRawCallbackMethod_VerifyEntrepreneur<
                        v1::AuthService::WithRawCallbackMethod_CreateAccount<
                            v1::AuthService::Service>>>>>>>;

class AuthServiceImpl final : public RawAuthService {
 public:
  struct Parts {
    const CallGate* gate = nullptr;
    storage::IdentityStore* identities = nullptr;
    // RevokeDevice with erase (crypto-shredding); null = erase is refused.
    storage::SealedIdentityStore* sealed = nullptr;
    const auth::KeyRing* keys = nullptr;
    const auth::TokenSigner* signer = nullptr;
    const auth::PasswordHasher* passwords = nullptr;
    auth::LoginThrottle* throttle = nullptr;
    auth::RandomSource* random = nullptr;  // nullptr = SystemRandom()
    Clock* clock = nullptr;                // nullptr = SystemClock()
    // Password hashing (Login, CreateAccount: scrypt, ~100 ms and 32 MiB each) runs here,
    // never on a gRPC thread; at most `max_pending_logins` wait, more get RESOURCE_EXHAUSTED.
    WorkerPool* login_workers = nullptr;
    int max_pending_logins = 16;
    std::string issuer;
    std::string audience;
    absl::Duration access_token_lifetime = absl::Minutes(15);
  };
  explicit AuthServiceImpl(Parts parts);

  grpc::ServerUnaryReactor* RegisterDevice(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RefreshToken(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RevokeDevice(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetSigningKeys(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* VerifyEntrepreneur(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

  // Typed handlers (each returns its status; ServeUnary maps it).
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

 private:
  // Runs `work` on the login worker, or refuses when too many are waiting.
  void RunHashing(std::function<absl::Status()> work, UnaryDone done);
  // A signed access token for `subject` with `role`, into `out`.
  [[nodiscard]] absl::Status IssueAccessToken(const std::string& subject, auth::Role role,
                                              v1::TokenResponse* out) const;

  Parts parts_;
  std::string dummy_password_hash_;
  std::atomic<int> pending_logins_{0};  // verified against for unknown usernames
};

// Creates the first staff account (an admin) when no account exists yet; a no-op otherwise.
// INVALID_ARGUMENT for an empty username or a password shorter than 12 bytes.
[[nodiscard]] absl::Status BootstrapAdmin(storage::IdentityStore& identities,
                                          const auth::PasswordHasher& passwords,
                                          const std::string& username, const std::string& password,
                                          Clock* clock);

}  // namespace wijkwacht::services
