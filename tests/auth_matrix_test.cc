// Integration: the authorization matrix. One real server with authentication on; every RPC of
// every wijkwacht.v1 service (enumerated from the descriptor pool, so a new RPC is covered
// without touching this file) is called with an empty request by every identity: no token,
// a real token of each role, and a set of bad tokens. The outcome must match the one access
// table (services/access_policy.h):
//   - a bad token (expired, foreign key, alg none, wrong audience/issuer, tampered, revoked
//     device, not a JWT) gets UNAUTHENTICATED on every RPC, anonymous ones included;
//   - no token gets UNAUTHENTICATED on every RPC that is not anonymous;
//   - a valid token whose role is not in the row gets PERMISSION_DENIED;
//   - a partner account's api_key (another channel's) is admitted exactly where the row says
//     `partners`, PERMISSION_DENIED elsewhere; a revoked one is a bad token;
//   - everything else is admitted: any code but those two (OK, INVALID_ARGUMENT, NOT_FOUND,
//     UNIMPLEMENTED, ...).
// On failure the whole matrix is printed, with every wrong cell marked. The same matrix is
// then called over HTTP/JSON (every RPC at its google.api.http route, services/http_api.h):
// 401 and 403 must fall exactly where UNAUTHENTICATED and PERMISSION_DENIED do.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "auth/base64url.h"
#include "auth/ed25519.h"
#include "auth/jwt.h"
#include "auth/key_ring.h"
#include "auth/roles.h"
#include "common/clock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "absl/strings/ascii.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "services/access_policy.h"
#include "services/api_methods.h"
#include "services/http_routes.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using services::FindRpcAccess;
using services::RoleBit;
using services::RpcAccess;

constexpr auto kCallDeadline = std::chrono::seconds(5);
constexpr char kIssuer[] = "wijkwacht";
constexpr char kAudience[] = "wijkwacht-api";

using services::ApiMethod;

std::vector<ApiMethod> AllApiMethods() {
  std::vector<std::string> missing;
  std::vector<ApiMethod> methods = services::ApiMethods(&missing);
  EXPECT_TRUE(missing.empty()) << "API proto files not linked into the test";
  return methods;
}

grpc::Status CallStreaming(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& method, const std::string& token) {
  grpc::GenericStub stub(channel);
  RawStreamingCall call(stub, method, "", token,
                        std::chrono::duration_cast<std::chrono::milliseconds>(kCallDeadline), 1);
  return call.Await();
}

// Who calls: no token, a valid token of a role, or a bad token.
struct Identity {
  std::string label;                // column header
  std::string token;                // "" = no authorization metadata
  std::optional<auth::Role> role;   // set for valid tokens
  bool bad = false;                 // a token the server must refuse
  bool partner = false;             // a partner account's api_key (RpcAccess::partners)
};

enum class Outcome { kAdmitted, kUnauthenticated, kPermissionDenied };

Outcome Expected(const RpcAccess* row, const Identity& who) {
  if (row == nullptr) return Outcome::kPermissionDenied;  // the gate denies unknown methods
  if (who.bad) return Outcome::kUnauthenticated;
  if (who.partner) return row->partners ? Outcome::kAdmitted : Outcome::kPermissionDenied;
  if (!who.role) return row->anonymous ? Outcome::kAdmitted : Outcome::kUnauthenticated;
  return (row->roles & RoleBit(*who.role)) != 0 ? Outcome::kAdmitted
                                                 : Outcome::kPermissionDenied;
}

bool Matches(Outcome expected, grpc::StatusCode code) {
  switch (expected) {
    case Outcome::kUnauthenticated:
      return code == grpc::StatusCode::UNAUTHENTICATED;
    case Outcome::kPermissionDenied:
      return code == grpc::StatusCode::PERMISSION_DENIED;
    case Outcome::kAdmitted:
      return code != grpc::StatusCode::UNAUTHENTICATED &&
             code != grpc::StatusCode::PERMISSION_DENIED;
  }
  return false;
}

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCEL";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVAL";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLN";
    case grpc::StatusCode::NOT_FOUND: return "NOTFND";
    case grpc::StatusCode::ALREADY_EXISTS: return "EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "EXHAUST";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FPRECON";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPL";
    case grpc::StatusCode::INTERNAL: return "INTERN";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAIL";
    case grpc::StatusCode::DATA_LOSS: return "DATALOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTH";
    default: return absl::StrCat("code", static_cast<int>(code));
  }
}

std::string OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kAdmitted: return "admitted";
    case Outcome::kUnauthenticated: return "UNAUTHENTICATED";
    case Outcome::kPermissionDenied: return "PERMISSION_DENIED";
  }
  return "?";
}

std::string Segment(absl::string_view token, int index) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  return index < static_cast<int>(parts.size()) ? parts[index] : "";
}

class AuthMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    keys_dir_ = new TempDir();
    server_ = new ServerFixture(dir_->path());

    // The server signs with a key file we also hold, so that we can mint staff tokens.
    key_file_ = keys_dir_->path() + "/signing.pem";
    absl::StatusOr<auth::Ed25519KeyPair> key = auth::Ed25519KeyPair::Generate();
    ASSERT_TRUE(key.ok()) << key.status();
    ASSERT_TRUE(key->SaveToFile(key_file_).ok());

    services::ServerOptions& options = server_->options();
    options.signing_key_file = key_file_;
    options.token_issuer = kIssuer;
    options.token_audience = kAudience;
    // Every identity calls every write RPC; the limits have their own test.
    options.device_writes_per_second = 1e6;
    options.device_write_burst = 1e6;
    options.peer_writes_per_second = 1e6;
    options.peer_write_burst = 1e6;
    options.device_registrations_per_hour = 1e6;
    options.device_registration_burst = 1e6;
    // The JSON API on the HTTP port (the matrix over HTTP).
    options.http_listen = "127.0.0.1:0";
    options.http_assets_dir = keys_dir_->path();
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete keys_dir_;
    delete dir_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(server_->channel(), nullptr) << "the server did not start";
  }

  // A token for `subject`/`role` signed by `keys`, with the given claims overrides.
  static std::string Mint(const auth::KeyRing& keys, const std::string& subject, auth::Role role,
                          Clock* clock = nullptr, const std::string& issuer = kIssuer,
                          const std::string& audience = kAudience) {
    auth::TokenSigner signer(auth::TokenSigner::Options{&keys, clock, nullptr});
    auth::Claims claims;
    claims.issuer = issuer;
    claims.audience = audience;
    claims.subject = subject;
    claims.role = std::string(auth::RoleName(role));
    claims.issued_at = (clock != nullptr ? clock : SystemClock())->Now();
    claims.expires_at = claims.issued_at + absl::Minutes(10);
    absl::StatusOr<std::string> token = signer.Issue(claims);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  // Every identity of the matrix, with real tokens from the running server; made once (the
  // accounts exist from then on) and shared by the gRPC and the HTTP matrix.
  static const std::vector<Identity>& Identities() {
    static const std::vector<Identity>* const ids = new std::vector<Identity>(MakeIdentities());
    return *ids;
  }
  static std::vector<Identity> MakeIdentities() {
    std::vector<Identity> ids;
    ids.push_back({"anon", "", std::nullopt, false});

    // RESIDENT: a registered device.
    std::string resident_device;
    absl::StatusOr<std::string> resident = server_->RegisterDevice(&resident_device);
    EXPECT_TRUE(resident.ok()) << resident.status();
    ids.push_back({"RESIDENT", resident.value_or(""), auth::Role::kResident, false});

    // ENTREPRENEUR: a device verified by the admin, then refreshed to carry the new role.
    std::string shop_device, shop_refresh;
    absl::StatusOr<std::string> shop = server_->RegisterDevice(&shop_device, &shop_refresh);
    EXPECT_TRUE(shop.ok()) << shop.status();
    {
      grpc::ClientContext context;
      WithToken(context, server_->admin_token());
      v1::VerifyEntrepreneurRequest request;
      request.set_device(shop_device);
      request.set_kvk_number("34567890");
      request.set_business_name("Bakkerij De Breestraat");
      v1::VerifyEntrepreneurResponse response;
      grpc::Status status = server_->auth().VerifyEntrepreneur(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
    }
    std::string entrepreneur;
    {
      grpc::ClientContext context;
      v1::RefreshTokenRequest request;
      request.set_refresh_token(shop_refresh);
      v1::TokenResponse response;
      grpc::Status status = server_->auth().RefreshToken(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
      EXPECT_EQ(response.role(), v1::ROLE_ENTREPRENEUR);
      entrepreneur = response.access_token();
    }
    ids.push_back({"ENTREPR", entrepreneur, auth::Role::kEntrepreneur, false});

    // DISPATCHER and ANALYST: real accounts created by the admin, then logged in.
    for (const auto& [label, role] : {std::pair<const char*, auth::Role>{"DISPATCH", auth::Role::kDispatcher},
                                      {"ANALYST", auth::Role::kAnalyst}}) {
      const std::string username = absl::AsciiStrToLower(std::string("test-") + label);
      grpc::ClientContext context;
      WithToken(context, server_->admin_token());
      v1::CreateAccountRequest request;
      request.set_username(username);
      request.set_role(static_cast<v1::Role>(role));
      request.set_password("a long enough password");
      v1::Account account;
      grpc::Status status = server_->auth().CreateAccount(&context, request, &account);
      EXPECT_TRUE(status.ok()) << status.error_message();
      absl::StatusOr<std::string> token = server_->Login(username, "a long enough password");
      EXPECT_TRUE(token.ok()) << token.status();
      ids.push_back({label, token.value_or(""), role, false});
    }
    // The server's own signing key, for the forged tokens below.
    absl::StatusOr<std::unique_ptr<auth::KeyRing>> ring = auth::KeyRing::Open({
        .current_key_file = key_file_,
    });
    EXPECT_TRUE(ring.ok()) << ring.status();
    if (!ring.ok()) return ids;

    // ADMIN: the bootstrap admin's login.
    ids.push_back({"ADMIN", server_->admin_token(), auth::Role::kAdmin, false});

    // Bad tokens.
    FakeClock an_hour_ago(absl::Now() - absl::Hours(1) - absl::Minutes(5));
    {
      auth::TokenSigner signer(auth::TokenSigner::Options{ring->get(), &an_hour_ago, nullptr});
      auth::Claims claims;
      claims.issuer = kIssuer;
      claims.audience = kAudience;
      claims.subject = "users/" + std::string(kAdminName);
      claims.role = "ADMIN";
      claims.issued_at = an_hour_ago.Now();
      claims.expires_at = absl::Now() - absl::Hours(1);
      absl::StatusOr<std::string> expired = signer.Issue(claims);
      EXPECT_TRUE(expired.ok()) << expired.status();
      ids.push_back({"expired", expired.value_or(""), std::nullopt, true});
    }
    {
      absl::StatusOr<std::unique_ptr<auth::KeyRing>> foreign = auth::KeyRing::Open({});
      EXPECT_TRUE(foreign.ok()) << foreign.status();
      if (foreign.ok()) {
        ids.push_back({"foreignkey", Mint(**foreign, "users/" + std::string(kAdminName),
                                          auth::Role::kAdmin),
                       std::nullopt, true});
      }
    }
    const std::string admin_payload = Segment(Mint(**ring, "users/x", auth::Role::kAdmin), 1);
    ids.push_back({"alg-none",
                   absl::StrCat(auth::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})"), ".",
                                admin_payload, "."),
                   std::nullopt, true});
    ids.push_back({"wrong-aud",
                   Mint(**ring, "users/x", auth::Role::kAdmin, nullptr, kIssuer, "other-api"),
                   std::nullopt, true});
    ids.push_back({"wrong-iss",
                   Mint(**ring, "users/x", auth::Role::kAdmin, nullptr, "not-wijkwacht"),
                   std::nullopt, true});
    {
      // The resident's token with role ADMIN in the payload, signature kept.
      const std::string token = resident.value_or("");
      absl::StatusOr<std::string> payload = auth::Base64UrlDecode(Segment(token, 1));
      EXPECT_TRUE(payload.ok()) << payload.status();
      std::string forged = absl::StrReplaceAll(payload.value_or(""),
                                               {{R"("role":"RESIDENT")", R"("role":"ADMIN")"}});
      EXPECT_NE(forged, payload.value_or("")) << "the resident token has no RESIDENT role claim";
      ids.push_back({"tampered",
                     absl::StrCat(Segment(token, 0), ".", auth::Base64UrlEncode(forged), ".",
                                  Segment(token, 2)),
                     std::nullopt, true});
    }
    {
      // A device that revoked itself: its still unexpired token must not work anywhere.
      std::string device;
      absl::StatusOr<std::string> token = server_->RegisterDevice(&device);
      EXPECT_TRUE(token.ok()) << token.status();
      grpc::ClientContext context;
      WithToken(context, token.value_or(""));
      v1::RevokeDeviceRequest request;
      request.set_device(device);
      v1::RevokeDeviceResponse response;
      grpc::Status status = server_->auth().RevokeDevice(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
      ids.push_back({"revoked", token.value_or(""), std::nullopt, true});
    }
    ids.push_back({"not-a-jwt", "not-a-jwt", std::nullopt, true});

    // PARTNER: a partner account's api_key (made by the admin), and one revoked since.
    for (const char* id : {"matrix-partner", "revoked-partner"}) {
      grpc::ClientContext context;
      WithToken(context, server_->admin_token());
      v1::CreatePartnerRequest request;
      request.set_partner_id(id);
      request.set_display_name(id);
      request.set_writes_per_second(1e6);
      request.set_write_burst(1e6);
      v1::CreatePartnerResponse response;
      grpc::Status status = server_->auth().CreatePartner(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
      if (absl::string_view(id) == "matrix-partner") {
        ids.push_back({"PARTNER", response.api_key(), std::nullopt, false, true});
        continue;
      }
      grpc::ClientContext revoke_context;
      WithToken(revoke_context, server_->admin_token());
      v1::RevokePartnerRequest revoke;
      revoke.set_name(response.partner().name());
      v1::Partner revoked;
      status = server_->auth().RevokePartner(&revoke_context, revoke, &revoked);
      EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
      ids.push_back({"revokedptr", response.api_key(), std::nullopt, true});
    }
    return ids;
  }

  static TempDir* dir_;
  static TempDir* keys_dir_;
  static ServerFixture* server_;
  static std::string key_file_;
};

TempDir* AuthMatrixTest::dir_ = nullptr;
TempDir* AuthMatrixTest::keys_dir_ = nullptr;
ServerFixture* AuthMatrixTest::server_ = nullptr;
std::string AuthMatrixTest::key_file_;

TEST_F(AuthMatrixTest, EveryRpcOfTheApiHasAnAccessRow) {
  const std::vector<ApiMethod> methods = AllApiMethods();
  EXPECT_GE(methods.size(), 38u);
  std::set<std::string> paths;
  for (const ApiMethod& m : methods) {
    paths.insert(m.path);
    EXPECT_NE(FindRpcAccess(m.path), nullptr)
        << m.path << " has no row in kRpcAccessTable: it is denied to every caller";
  }
  for (const RpcAccess& row : services::kRpcAccessTable) {
    EXPECT_TRUE(paths.count(std::string(row.method))) << "row for unknown RPC " << row.method;
  }
}

TEST_F(AuthMatrixTest, EveryRpcTimesEveryIdentityMatchesTheAccessTable) {
  const std::vector<ApiMethod> methods = AllApiMethods();
  const std::vector<Identity>& identities = Identities();
  ASSERT_GE(methods.size(), 38u);
  for (const Identity& who : identities) {
    ASSERT_TRUE(!who.token.empty() || (!who.role && !who.bad))
        << who.label << ": could not obtain the token";
  }

  struct Cell {
    grpc::StatusCode code;
    std::string message;
    Outcome expected;
    bool ok;
  };
  std::vector<std::vector<Cell>> matrix;
  int admitted = 0, unauthenticated = 0, denied = 0, wrong = 0;
  std::vector<std::string> failures;
  for (const ApiMethod& m : methods) {
    const RpcAccess* row = FindRpcAccess(m.path);
    EXPECT_NE(row, nullptr) << m.path << " has no row in kRpcAccessTable";
    std::vector<Cell>& cells = matrix.emplace_back();
    for (const Identity& who : identities) {
      grpc::Status status = (m.client_streaming || m.server_streaming)
                                ? CallStreaming(server_->channel(), m.path, who.token)
                                : RawUnaryCall(server_->channel(), m.path, "", nullptr, who.token);
      const Outcome expected = Expected(row, who);
      const bool ok = Matches(expected, status.error_code());
      cells.push_back({status.error_code(), status.error_message(), expected, ok});
      switch (expected) {
        case Outcome::kAdmitted: ++admitted; break;
        case Outcome::kUnauthenticated: ++unauthenticated; break;
        case Outcome::kPermissionDenied: ++denied; break;
      }
      if (!ok) {
        ++wrong;
        failures.push_back(absl::StrFormat("  %s as %s: expected %s, got %s \"%s\"", m.short_name,
                                           who.label, OutcomeName(expected),
                                           CodeName(status.error_code()),
                                           status.error_message()));
      }
    }
  }

  const int cells = static_cast<int>(methods.size() * identities.size());
  const std::string summary = absl::StrFormat(
      "%d RPCs x %d identities = %d cells: %d admitted, %d denied (%d UNAUTHENTICATED, %d "
      "PERMISSION_DENIED); %d wrong",
      methods.size(), identities.size(), cells, admitted, unauthenticated + denied,
      unauthenticated, denied, wrong);
  std::cout << "[ matrix   ] " << summary << "\n";
  ::testing::Test::RecordProperty("matrix", summary);

  if (wrong > 0) {
    // The whole matrix: the observed code per cell; "!" marks a cell that contradicts the
    // access table.
    std::string table = absl::StrFormat("%-36s", "RPC \\ identity");
    for (const Identity& who : identities) absl::StrAppendFormat(&table, " %-10s", who.label);
    table += "\n";
    for (size_t i = 0; i < methods.size(); ++i) {
      absl::StrAppendFormat(&table, "%-36s", methods[i].short_name);
      for (const Cell& cell : matrix[i]) {
        absl::StrAppendFormat(&table, " %-10s",
                              absl::StrCat(CodeName(cell.code), cell.ok ? "" : "!"));
      }
      table += "\n";
    }
    ADD_FAILURE() << summary << "\n"
                  << table << "wrong cells:\n"
                  << absl::StrJoin(failures, "\n");
  }
}

// The outcome class of an HTTP answer: 401 and 403 are the gate's refusals.
grpc::StatusCode HttpOutcome(int status) {
  if (status == 401) return grpc::StatusCode::UNAUTHENTICATED;
  if (status == 403) return grpc::StatusCode::PERMISSION_DENIED;
  return status == 200 ? grpc::StatusCode::OK : grpc::StatusCode::UNKNOWN;
}

// Every RPC over HTTP/JSON (its google.api.http route), by every identity, with an empty
// request: the same allow/deny as over gRPC, i.e. as the access table says.
TEST_F(AuthMatrixTest, EveryRpcOverHttpMatchesTheAccessTable) {
  const std::vector<ApiMethod> methods = AllApiMethods();
  const std::vector<Identity>& identities = Identities();
  ASSERT_GE(methods.size(), 38u);
  ASSERT_NE(server_->server()->http_port(), 0);
  httplib::Client client("127.0.0.1", server_->server()->http_port());
  client.set_read_timeout(10, 0);
  int wrong = 0, cells = 0;
  std::vector<std::string> failures;
  for (const ApiMethod& m : methods) {
    absl::StatusOr<services::HttpRoute> route = services::RouteOf(m.descriptor);
    ASSERT_TRUE(route.ok()) << m.short_name << ": " << route.status();
    const std::string path = route->ExamplePath("x1");
    for (const Identity& who : identities) {
      httplib::Headers headers;
      if (!who.token.empty()) headers.emplace("Authorization", "Bearer " + who.token);
      int status = 0;
      if (route->http_method == "GET") {
        // An admitted stream stays open: the status is all this test reads.
        httplib::Result result = client.Get(
            path, headers,
            [&](const httplib::Response& response) {
              status = response.status;
              return false;
            },
            [](const char*, size_t) { return false; });
        ASSERT_NE(status, 0) << m.short_name << ": " << httplib::to_string(result.error());
      } else {
        // Each route with its own method (a POST to a PATCH route is 405, not the gate's answer).
        const std::string body = route->body.empty() ? "" : "{}";
        httplib::Result result =
            route->http_method == "PATCH"  ? client.Patch(path, headers, body, "application/json")
            : route->http_method == "PUT"  ? client.Put(path, headers, body, "application/json")
            : route->http_method == "DELETE" ? client.Delete(path, headers, body, "application/json")
                                             : client.Post(path, headers, body, "application/json");
        ASSERT_TRUE(result) << m.short_name << ": " << httplib::to_string(result.error());
        status = result->status;
      }
      const Outcome expected = Expected(FindRpcAccess(m.path), who);
      ++cells;
      if (!Matches(expected, HttpOutcome(status))) {
        ++wrong;
        failures.push_back(absl::StrFormat("  %s %s (%s) as %s: expected %s, got HTTP %d",
                                           route->http_method, path, m.short_name, who.label,
                                           OutcomeName(expected), status));
      }
    }
  }
  std::cout << "[ matrix   ] over HTTP: " << cells << " cells, " << wrong << " wrong\n";
  EXPECT_EQ(wrong, 0) << absl::StrJoin(failures, "\n");
}

}  // namespace
}  // namespace wijkwacht::testing
