#include "auth/key_ring.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "auth/base64url.h"
#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

std::string MakeTempDir() {
  std::string dir = testing::TempDir() + "/key_ring_testXXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

int Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::set<std::string> FilesIn(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

class KeyRingTest : public testing::Test {
 protected:
  KeyRing::Options DirOptions(const std::string& dir) {
    KeyRing::Options options;
    options.directory = dir;
    options.clock = &clock_;
    return options;
  }
  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
};

// RFC 8037 appendix A.3: thumbprint of the RFC 8032 TEST 1 public key.
TEST(JwkThumbprintTest, Rfc8037Example) {
  const std::string raw = absl::HexStringToBytes(
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(JwkThumbprint(raw).value(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  EXPECT_FALSE(JwkThumbprint("short").ok());
}

TEST_F(KeyRingTest, CreatesPrivateDirectoryAndFiles) {
  const std::string dir = MakeTempDir() + "/keys";  // does not exist yet
  auto ring = KeyRing::Open(DirOptions(dir));
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(Mode(dir), 0700);
  const std::string current = (*ring)->Current().kid;
  const std::string next = (*ring)->NextKid();
  EXPECT_NE(current, next);
  EXPECT_FALSE(next.empty());
  EXPECT_EQ(FilesIn(dir), (std::set<std::string>{"keyring.json", current + ".pem", next + ".pem"}));
  for (const std::string& name : FilesIn(dir)) EXPECT_EQ(Mode(dir + "/" + name), 0600) << name;
  EXPECT_EQ(current, JwkThumbprint((*ring)->Current().key->RawPublicKey()).value());
}

TEST_F(KeyRingTest, ReopenLoadsSameKeys) {
  const std::string dir = MakeTempDir();
  auto first = KeyRing::Open(DirOptions(dir)).value();
  auto second = KeyRing::Open(DirOptions(dir)).value();
  EXPECT_EQ(first->Current().kid, second->Current().kid);
  EXPECT_EQ(first->NextKid(), second->NextKid());
  EXPECT_EQ(first->Current().key->RawPublicKey(), second->Current().key->RawPublicKey());
}

TEST_F(KeyRingTest, RotatePromotesNextAndRetiresCurrent) {
  const std::string dir = MakeTempDir();
  auto ring = KeyRing::Open(DirOptions(dir)).value();
  const std::string k1 = ring->Current().kid;
  const std::string k2 = ring->NextKid();
  ASSERT_TRUE(ring->Rotate().ok());
  EXPECT_EQ(ring->Current().kid, k2);
  const std::string k3 = ring->NextKid();
  EXPECT_NE(k3, k1);
  EXPECT_NE(k3, k2);
  for (const std::string& kid : {k1, k2, k3}) {
    EXPECT_NE(ring->FindVerificationKey(kid), nullptr) << kid;
  }
  std::vector<PublicSigningKey> keys = ring->PublicKeys();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].kid, k2);
  EXPECT_EQ(keys[1].kid, k3);
  EXPECT_EQ(keys[2].kid, k1);
  EXPECT_EQ(keys[2].accept_until, clock_.Now() + kMaxTokenLifetime + absl::Minutes(1));
  EXPECT_EQ(Base64UrlDecode(keys[0].x()).value(), keys[0].public_key);
  EXPECT_EQ(keys[0].public_key.size(), 32u);

  // Persisted: a reopened ring has the rotated state.
  auto reopened = KeyRing::Open(DirOptions(dir)).value();
  EXPECT_EQ(reopened->Current().kid, k2);
  EXPECT_EQ(reopened->NextKid(), k3);
  EXPECT_NE(reopened->FindVerificationKey(k1), nullptr);
  for (const std::string& name : FilesIn(dir)) EXPECT_EQ(Mode(dir + "/" + name), 0600) << name;

  // After its grace period the retired key is refused, dropped and its file deleted.
  clock_.Advance(kMaxTokenLifetime + absl::Minutes(1));
  EXPECT_EQ(ring->FindVerificationKey(k1), nullptr);
  ASSERT_TRUE(ring->Rotate().ok());
  EXPECT_EQ(FilesIn(dir).count(k1 + ".pem"), 0u);
  EXPECT_EQ(ring->PublicKeys().size(), 3u);  // k3 current, k4 next, k2 retired
}

TEST_F(KeyRingTest, InMemoryRing) {
  auto ring = KeyRing::Open({.clock = &clock_}).value();
  const std::string k1 = ring->Current().kid;
  ASSERT_TRUE(ring->Rotate().ok());
  EXPECT_NE(ring->Current().kid, k1);
  EXPECT_NE(ring->FindVerificationKey(k1), nullptr);
  EXPECT_EQ(ring->FindVerificationKey("nope"), nullptr);
}

TEST_F(KeyRingTest, InjectedRandomnessMakesKeysReproducible) {
  FakeRandomSource r1(3), r2(3);
  auto a = KeyRing::Open({.clock = &clock_, .random = &r1}).value();
  auto b = KeyRing::Open({.clock = &clock_, .random = &r2}).value();
  EXPECT_EQ(a->Current().kid, b->Current().kid);
}

TEST_F(KeyRingTest, RefusesLooseDirectory) {
  const std::string dir = MakeTempDir();
  ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
  EXPECT_EQ(KeyRing::Open(DirOptions(dir)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(KeyRingTest, RefusesLooseKeyFile) {
  const std::string dir = MakeTempDir();
  const std::string kid = KeyRing::Open(DirOptions(dir)).value()->Current().kid;
  ASSERT_EQ(chmod((dir + "/" + kid + ".pem").c_str(), 0640), 0);
  EXPECT_EQ(KeyRing::Open(DirOptions(dir)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(KeyRingTest, DetectsSwappedKeyFile) {
  const std::string dir = MakeTempDir();
  auto ring = KeyRing::Open(DirOptions(dir)).value();
  std::filesystem::copy_file(dir + "/" + ring->NextKid() + ".pem",
                             dir + "/" + ring->Current().kid + ".pem",
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(KeyRing::Open(DirOptions(dir)).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyRingTest, RejectsCorruptManifest) {
  for (const std::string& manifest :
       {std::string("not json"), std::string(R"({"version":1})"),
        std::string(R"({"version":2,"current":"x"})"),
        std::string(R"({"version":1,"current":"../../etc/passwd"})"),
        std::string(R"({"version":1,"current":5})")}) {
    const std::string dir = MakeTempDir();
    std::ofstream(dir + "/keyring.json") << manifest;
    ASSERT_EQ(chmod((dir + "/keyring.json").c_str(), 0600), 0);
    EXPECT_EQ(KeyRing::Open(DirOptions(dir)).status().code(), absl::StatusCode::kDataLoss)
        << manifest;
  }
}

TEST_F(KeyRingTest, ExplicitFiles) {
  const std::string dir = MakeTempDir();
  auto current = Ed25519KeyPair::Generate().value();
  auto next = Ed25519KeyPair::Generate().value();
  auto old = Ed25519KeyPair::Generate().value();
  ASSERT_TRUE(current.SaveToFile(dir + "/current.pem").ok());
  ASSERT_TRUE(next.SaveToFile(dir + "/next.raw", Ed25519KeyPair::FileFormat::kRaw).ok());
  ASSERT_TRUE(old.SaveToFile(dir + "/old.pem").ok());
  KeyRing::Options options;
  options.current_key_file = dir + "/current.pem";
  options.next_key_file = dir + "/next.raw";
  options.accepted_key_files = {dir + "/old.pem"};
  options.clock = &clock_;
  auto ring = KeyRing::Open(options);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ((*ring)->Current().key->RawPublicKey(), current.RawPublicKey());
  EXPECT_EQ((*ring)->NextKid(), JwkThumbprint(next.RawPublicKey()).value());
  EXPECT_NE((*ring)->FindVerificationKey(JwkThumbprint(old.RawPublicKey()).value()), nullptr);
  EXPECT_EQ((*ring)->PublicKeys().size(), 3u);
  EXPECT_EQ((*ring)->Rotate().code(), absl::StatusCode::kFailedPrecondition);

  options.directory = dir;
  EXPECT_EQ(KeyRing::Open(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.directory.clear();
  options.current_key_file = dir + "/missing.pem";
  EXPECT_EQ(KeyRing::Open(options).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace wijkwacht::auth
