#include "privacy/sealer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace wijkwacht::privacy {
namespace {

std::unique_ptr<IdentitySealer> MakeSealer(auth::RandomSource* random, char fill = '\x11') {
  return *IdentitySealer::Create({std::string(32, fill), random});
}

TEST(SealerTest, DataKeyWrapsAndUnwrapsOnlyForItsPseudonym) {
  auth::FakeRandomSource random(7);
  auto sealer = MakeSealer(&random);
  const std::string pseudonym = *sealer->NewPseudonym();
  EXPECT_EQ(pseudonym.size(), 33u);
  EXPECT_EQ(pseudonym[0], 'p');
  IdentitySealer::DataKey key = *sealer->NewDataKey(pseudonym);
  EXPECT_EQ(key.raw.size(), 32u);
  EXPECT_EQ(key.wrapped.find(key.raw), std::string::npos);
  EXPECT_EQ(*sealer->UnwrapDataKey(pseudonym, key.wrapped), key.raw);
  EXPECT_EQ(sealer->UnwrapDataKey("pother", key.wrapped).status().code(),
            absl::StatusCode::kDataLoss);
  // Another master key cannot unwrap it.
  auto other = MakeSealer(&random, '\x12');
  EXPECT_EQ(other->UnwrapDataKey(pseudonym, key.wrapped).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(SealerTest, RecordsAreBoundToTheirKey) {
  auth::FakeRandomSource random(8);
  auto sealer = MakeSealer(&random);
  IdentitySealer::DataKey key = *sealer->NewDataKey("p1");
  const std::string sealed = *sealer->SealRecord(key.raw, "p1/contact/r1", "jan@example.nl");
  EXPECT_EQ(*sealer->OpenRecord(key.raw, "p1/contact/r1", sealed), "jan@example.nl");
  EXPECT_EQ(sealer->OpenRecord(key.raw, "p1/contact/r2", sealed).status().code(),
            absl::StatusCode::kDataLoss);
  IdentitySealer::DataKey other = *sealer->NewDataKey("p2");
  EXPECT_EQ(sealer->OpenRecord(other.raw, "p1/contact/r1", sealed).status().code(),
            absl::StatusCode::kDataLoss);
  std::string tampered = sealed;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_EQ(sealer->OpenRecord(key.raw, "p1/contact/r1", tampered).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(SealerTest, MasterKeyMustBe32Bytes) {
  EXPECT_EQ(IdentitySealer::Create({"short", nullptr}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SealerTest, MasterKeyFileIsCreatedPrivateAndReadBack) {
  char tmpl[] = "/tmp/ww-sealer-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/keys/master.key";
  auth::FakeRandomSource random(9);
  absl::StatusOr<std::string> created = LoadOrCreateMasterKeyFile(path, &random);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->size(), 32u);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*LoadOrCreateMasterKeyFile(path, &random), *created);
  EXPECT_EQ(*ReadMasterKeyFile(path), *created);

  const std::string bad = std::string(tmpl) + "/keys/bad.key";
  { std::ofstream(bad) << "not hex\n"; }
  chmod(bad.c_str(), 0600);
  EXPECT_EQ(ReadMasterKeyFile(bad).status().code(), absl::StatusCode::kInvalidArgument);
  chmod(bad.c_str(), 0644);
  EXPECT_EQ(ReadMasterKeyFile(bad).status().code(), absl::StatusCode::kFailedPrecondition);
  std::system((std::string("rm -rf ") + tmpl).c_str());
}

TEST(SealerTest, DeviceKeyIsAHashNotTheId) {
  const std::string key = DeviceKey("0f1e2d3c-aaaa-bbbb-cccc-000000000001");
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key, DeviceKey("0f1e2d3c-aaaa-bbbb-cccc-000000000001"));
  EXPECT_NE(key, DeviceKey("0f1e2d3c-aaaa-bbbb-cccc-000000000002"));
}

}  // namespace
}  // namespace wijkwacht::privacy
