// Integration: TLS and mutual TLS on the real server. Every key and certificate is generated
// at test time (OpenSSL 3, EC P-256) into a temporary folder; nothing is committed:
//   - a CA, a server certificate for localhost / 127.0.0.1 (SAN) signed by it, and a client
//     certificate signed by it;
//   - an unrelated second CA with its own client certificate.
// Failures are expected to be fast: every call has a short deadline.
#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/server.h"
#include "tests/test_certs.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr auto kCallDeadline = std::chrono::seconds(3);

void WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  out.close();
  ASSERT_TRUE(out.good()) << path;
  ASSERT_EQ(chmod(path.c_str(), mode), 0) << path;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TempDir();
    ca_ = new Credential(Issue(Kind::kCa, "wijkwacht test CA", nullptr));
    server_cert_ = new Credential(Issue(Kind::kServer, "localhost", ca_));
    client_cert_ = new Credential(Issue(Kind::kClient, "meldkamer-console", ca_));
    other_ca_ = new Credential(Issue(Kind::kCa, "unrelated CA", nullptr));
    other_client_ = new Credential(Issue(Kind::kClient, "intruder", other_ca_));
    const std::string& d = pki_->path();
    WriteFile(d + "/ca.pem", ca_->cert_pem, 0644);
    WriteFile(d + "/server.pem", server_cert_->cert_pem, 0644);
    WriteFile(d + "/server.key", server_cert_->key_pem, 0600);
  }
  static void TearDownTestSuite() {
    delete other_client_;
    delete other_ca_;
    delete client_cert_;
    delete server_cert_;
    delete ca_;
    delete pki_;
  }

  // Options of a server on a free loopback port with its own data folder.
  services::ServerOptions Options() {
    services::ServerOptions options = services::DefaultServerOptions(DataRoot());
    options.listen = "127.0.0.1:0";
    options.data_dir = absl::StrCat(dir_.path(), "/data", ++servers_);
    options.scrypt_log2_n = 10;
    options.bootstrap_admin = kAdminName;
    options.bootstrap_admin_password = kAdminPassword;
    return options;
  }
  services::ServerOptions TlsOptions(services::ServerOptions::ClientCertificates mode =
                                         services::ServerOptions::ClientCertificates::kNone) {
    services::ServerOptions options = Options();
    options.tls_cert_file = pki_->path() + "/server.pem";
    options.tls_key_file = pki_->path() + "/server.key";
    if (mode != services::ServerOptions::ClientCertificates::kNone) {
      options.tls_client_ca_file = pki_->path() + "/ca.pem";
      options.client_certificates = mode;
    }
    return options;
  }

  std::unique_ptr<services::WijkwachtServer> Start(const services::ServerOptions& options) {
    auto server = services::WijkwachtServer::Start(options);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  // A TLS channel to `server` trusting `roots`, optionally presenting a client certificate;
  // `target_host` is the host part of the target ("127.0.0.1" or "localhost"), `override`
  // (if set) the name the server certificate is checked against.
  static std::shared_ptr<grpc::Channel> TlsChannel(const services::WijkwachtServer& server,
                                                   const std::string& roots,
                                                   const Credential* client = nullptr,
                                                   const std::string& target_host = "127.0.0.1",
                                                   const std::string& override_name = "") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = roots;
    if (client != nullptr) {
      ssl.pem_private_key = client->key_pem;
      ssl.pem_cert_chain = client->cert_pem;
    }
    grpc::ChannelArguments args;
    if (!override_name.empty()) args.SetSslTargetNameOverride(override_name);
    // A fresh connection per channel, so no test reuses another's handshake.
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    return grpc::CreateCustomChannel(absl::StrFormat("%s:%d", target_host, server.port()),
                                     grpc::SslCredentials(ssl), args);
  }
  static std::shared_ptr<grpc::Channel> PlaintextChannel(const services::WijkwachtServer& server) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    return grpc::CreateCustomChannel(absl::StrFormat("127.0.0.1:%d", server.port()),
                                     grpc::InsecureChannelCredentials(), args);
  }

  // ListCategories (anonymous) over `channel`.
  static grpc::Status ListCategories(const std::shared_ptr<grpc::Channel>& channel,
                                     v1::ListCategoriesResponse* response = nullptr) {
    auto stub = v1::ReportService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::ListCategoriesResponse ignored;
    return stub->ListCategories(&context, v1::ListCategoriesRequest(),
                                response != nullptr ? response : &ignored);
  }

  static std::string Describe(const grpc::Status& s) {
    return absl::StrCat(s.error_code(), " ", s.error_message());
  }

  static TempDir* pki_;
  static Credential* ca_;
  static Credential* server_cert_;
  static Credential* client_cert_;
  static Credential* other_ca_;
  static Credential* other_client_;
  TempDir dir_;
  int servers_ = 0;
};

TempDir* TlsTest::pki_ = nullptr;
Credential* TlsTest::ca_ = nullptr;
Credential* TlsTest::server_cert_ = nullptr;
Credential* TlsTest::client_cert_ = nullptr;
Credential* TlsTest::other_ca_ = nullptr;
Credential* TlsTest::other_client_ = nullptr;

TEST_F(TlsTest, PlaintextServerIsNotTls) {
  auto server = Start(Options());
  ASSERT_NE(server, nullptr);
  EXPECT_FALSE(server->tls());
  EXPECT_TRUE(ListCategories(PlaintextChannel(*server)).ok());
  // A TLS client cannot talk to a plaintext port.
  grpc::Status status = ListCategories(TlsChannel(*server, ca_->cert_pem));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
}

TEST_F(TlsTest, ClientTrustingTheCaTalksToTheServer) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(server->tls());

  // By IP address (the certificate's IP SAN) and by name (its DNS SAN).
  v1::ListCategoriesResponse categories;
  grpc::Status by_ip = ListCategories(TlsChannel(*server, ca_->cert_pem), &categories);
  EXPECT_TRUE(by_ip.ok()) << Describe(by_ip);
  EXPECT_GT(categories.categories_size(), 0);
  grpc::Status by_name = ListCategories(
      TlsChannel(*server, ca_->cert_pem, nullptr, "127.0.0.1", /*override_name=*/"localhost"));
  EXPECT_TRUE(by_name.ok()) << Describe(by_name);

  // Authentication works over TLS too: a device registers and uses its token.
  auto channel = TlsChannel(*server, ca_->cert_pem);
  auto auth = v1::AuthService::NewStub(channel);
  grpc::ClientContext register_context;
  register_context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  v1::RegisterDeviceResponse device;
  grpc::Status registered =
      auth->RegisterDevice(&register_context, v1::RegisterDeviceRequest(), &device);
  ASSERT_TRUE(registered.ok()) << Describe(registered);
  auto reports = v1::ReportService::NewStub(channel);
  grpc::ClientContext get_context;
  get_context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  WithToken(get_context, device.access().access_token());
  v1::GetReportRequest get;
  get.set_name("reports/00000000-0000-4000-8000-000000000000");
  v1::Report report;
  grpc::Status missing = reports->GetReport(&get_context, get, &report);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(missing);
}

TEST_F(TlsTest, ClientTrustingAnotherCaIsRefused) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  const auto start = std::chrono::steady_clock::now();
  grpc::Status status = ListCategories(TlsChannel(*server, other_ca_->cert_pem));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
  EXPECT_LT(std::chrono::steady_clock::now() - start, kCallDeadline + std::chrono::seconds(1));
}

TEST_F(TlsTest, ServerCertificateForAnotherNameIsRefused) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  grpc::Status status = ListCategories(
      TlsChannel(*server, ca_->cert_pem, nullptr, "127.0.0.1", "wijkwacht.example.org"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
}

TEST_F(TlsTest, PlaintextClientAgainstTlsPortFails) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  grpc::Status status = ListCategories(PlaintextChannel(*server));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
}

TEST_F(TlsTest, RequiredClientCertificate) {
  auto server = Start(TlsOptions(services::ServerOptions::ClientCertificates::kRequire));
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(server->tls());

  grpc::Status without = ListCategories(TlsChannel(*server, ca_->cert_pem));
  EXPECT_EQ(without.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(without);

  grpc::Status foreign = ListCategories(TlsChannel(*server, ca_->cert_pem, other_client_));
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(foreign);

  grpc::Status with = ListCategories(TlsChannel(*server, ca_->cert_pem, client_cert_));
  EXPECT_TRUE(with.ok()) << Describe(with);

  grpc::Status plaintext = ListCategories(PlaintextChannel(*server));
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(plaintext);
}

TEST_F(TlsTest, OptionalClientCertificate) {
  auto server = Start(TlsOptions(services::ServerOptions::ClientCertificates::kOptional));
  ASSERT_NE(server, nullptr);

  grpc::Status without = ListCategories(TlsChannel(*server, ca_->cert_pem));
  EXPECT_TRUE(without.ok()) << Describe(without);

  grpc::Status with = ListCategories(TlsChannel(*server, ca_->cert_pem, client_cert_));
  EXPECT_TRUE(with.ok()) << Describe(with);

  // A certificate that is sent is verified.
  grpc::Status foreign = ListCategories(TlsChannel(*server, ca_->cert_pem, other_client_));
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(foreign);
}

TEST_F(TlsTest, InconsistentTlsOptionsAreRefusedAtStart) {
  {
    services::ServerOptions options = TlsOptions();
    options.tls_key_file.clear();
    auto server = services::WijkwachtServer::Start(options);
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument) << server.status();
  }
  {
    services::ServerOptions options = TlsOptions();
    options.client_certificates = services::ServerOptions::ClientCertificates::kRequire;
    auto server = services::WijkwachtServer::Start(options);  // no client CA
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument) << server.status();
  }
}

}  // namespace
}  // namespace wijkwacht::testing
