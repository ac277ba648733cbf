#include "auth/ed25519.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "auth/base64url.h"
#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

std::string MakeTempDir() {
  std::string dir = testing::TempDir() + "/ed25519_testXXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

int FileMode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

void WriteFile(const std::string& path, const std::string& contents, mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
  ASSERT_EQ(chmod(path.c_str(), mode), 0);
}

struct Rfc8032Vector {
  const char* secret_key;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 section 7.1, TEST 1-3.
constexpr Rfc8032Vector kVectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519Test, Rfc8032Vectors) {
  for (const Rfc8032Vector& v : kVectors) {
    SCOPED_TRACE(v.public_key);
    const std::string secret = absl::HexStringToBytes(v.secret_key);
    const std::string expected_public = absl::HexStringToBytes(v.public_key);
    const std::string message = absl::HexStringToBytes(v.message);
    const std::string expected_signature = absl::HexStringToBytes(v.signature);

    absl::StatusOr<Ed25519KeyPair> key = Ed25519KeyPair::FromRawPrivateKey(secret);
    ASSERT_TRUE(key.ok()) << key.status();
    // Derived from the secret key, so this also checks the typed-in vector.
    EXPECT_EQ(absl::BytesToHexString(key->RawPublicKey()), v.public_key);
    EXPECT_EQ(key->RawPrivateKey().value(), secret);

    absl::StatusOr<std::string> signature = key->Sign(message);
    ASSERT_TRUE(signature.ok()) << signature.status();
    EXPECT_EQ(absl::BytesToHexString(*signature), v.signature);

    EXPECT_TRUE(Ed25519Verify(expected_public, message, expected_signature));
    EXPECT_FALSE(Ed25519Verify(expected_public, message + "x", expected_signature));
    std::string flipped = expected_signature;
    flipped[10] ^= 0x01;
    EXPECT_FALSE(Ed25519Verify(expected_public, message, flipped));
  }
}

// RFC 8037 appendix A.4: a JWS made with the RFC 8032 TEST 1 key.
TEST(Ed25519Test, Rfc8037JwsExample) {
  auto key = Ed25519KeyPair::FromRawPrivateKey(absl::HexStringToBytes(kVectors[0].secret_key));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(Base64UrlEncode(key->RawPublicKey()), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  const std::string signing_input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  EXPECT_EQ(Base64UrlEncode(key->Sign(signing_input).value()),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_"
            "MuM0KAg");
}

TEST(Ed25519Test, GenerateSignVerify) {
  absl::StatusOr<Ed25519KeyPair> a = Ed25519KeyPair::Generate();
  absl::StatusOr<Ed25519KeyPair> b = Ed25519KeyPair::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->RawPublicKey(), b->RawPublicKey());
  const std::string signature = a->Sign("hello").value();
  EXPECT_EQ(signature.size(), kEd25519SignatureSize);
  EXPECT_TRUE(Ed25519Verify(a->RawPublicKey(), "hello", signature));
  EXPECT_TRUE(a->PublicKey().Verify("hello", signature));
  EXPECT_FALSE(Ed25519Verify(b->RawPublicKey(), "hello", signature));
  EXPECT_FALSE(Ed25519Verify(a->RawPublicKey(), "hello", signature.substr(0, 63)));
  EXPECT_FALSE(Ed25519Verify(a->RawPublicKey().substr(1), "hello", signature));
  EXPECT_FALSE(Ed25519Verify(a->RawPublicKey(), "hello", ""));
}

TEST(Ed25519Test, GenerateFromInjectedRandomnessIsDeterministic) {
  FakeRandomSource r1(7), r2(7), r3(8);
  auto a = Ed25519KeyPair::Generate(&r1).value();
  auto b = Ed25519KeyPair::Generate(&r2).value();
  auto c = Ed25519KeyPair::Generate(&r3).value();
  EXPECT_EQ(a.RawPublicKey(), b.RawPublicKey());
  EXPECT_NE(a.RawPublicKey(), c.RawPublicKey());
}

TEST(Ed25519Test, RejectsBadRawKeys) {
  EXPECT_EQ(Ed25519KeyPair::FromRawPrivateKey("short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromRaw(std::string(31, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, PemRoundTrip) {
  auto key = Ed25519KeyPair::Generate().value();
  const std::string pem = key.ToPem().value();
  EXPECT_NE(pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);  // PKCS#8
  auto loaded = Ed25519KeyPair::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->RawPublicKey(), key.RawPublicKey());
  EXPECT_EQ(Ed25519KeyPair::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, PemOfOtherKeyTypeRejected) {
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(ec, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio, ec, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  const std::string pem(data, len);
  BIO_free(bio);
  EVP_PKEY_free(ec);
  EXPECT_EQ(Ed25519KeyPair::FromPem(pem).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, SaveAndLoadFiles) {
  const std::string dir = MakeTempDir();
  auto key = Ed25519KeyPair::Generate().value();
  for (auto format : {Ed25519KeyPair::FileFormat::kPem, Ed25519KeyPair::FileFormat::kRaw}) {
    const std::string path =
        dir + (format == Ed25519KeyPair::FileFormat::kPem ? "/key.pem" : "/key.raw");
    ASSERT_TRUE(key.SaveToFile(path, format).ok());
    EXPECT_EQ(FileMode(path), 0600);
    auto loaded = Ed25519KeyPair::LoadFromFile(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded->RawPublicKey(), key.RawPublicKey());
  }
  // Overwriting keeps 0600 and replaces the key.
  auto other = Ed25519KeyPair::Generate().value();
  ASSERT_TRUE(other.SaveToFile(dir + "/key.pem").ok());
  EXPECT_EQ(FileMode(dir + "/key.pem"), 0600);
  EXPECT_EQ(Ed25519KeyPair::LoadFromFile(dir + "/key.pem")->RawPublicKey(),
            other.RawPublicKey());
}

TEST(Ed25519Test, LoadRefusesLooseFilesAndJunk) {
  const std::string dir = MakeTempDir();
  auto key = Ed25519KeyPair::Generate().value();
  WriteFile(dir + "/loose.pem", key.ToPem().value(), 0644);
  EXPECT_EQ(Ed25519KeyPair::LoadFromFile(dir + "/loose.pem").status().code(),
            absl::StatusCode::kFailedPrecondition);
  WriteFile(dir + "/junk", "not a key", 0600);
  EXPECT_EQ(Ed25519KeyPair::LoadFromFile(dir + "/junk").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519KeyPair::LoadFromFile(dir + "/missing").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace wijkwacht::auth
