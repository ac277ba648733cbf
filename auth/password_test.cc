#include "auth/password.h"

#include <regex>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "auth/base64url.h"
#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

std::string Hex(const char* spaced) {
  std::string hex;
  for (const char* c = spaced; *c; ++c) {
    if (*c != ' ') hex.push_back(*c);
  }
  return absl::HexStringToBytes(hex);
}

// RFC 7914 section 12.
const std::string kEmptyVector = Hex(
    "77 d6 57 62 38 65 7b 20 3b 19 ca 42 c1 8a 04 97 f1 6b 48 44 e3 07 4a e8 df df fa 3f ed e2 "
    "14 42 fc d0 06 9d ed 09 48 f8 32 6a 75 3a 0f c8 1f 17 e8 d3 e0 fb 2e 0d 36 28 cf 35 e2 0c "
    "38 d1 89 06");
const std::string kNaClVector = Hex(
    "fd ba be 1c 9d 34 72 00 78 56 e7 19 0d 01 e9 fe 7c 6a d7 cb c8 23 78 30 e7 73 76 63 4b 37 "
    "31 62 2e af 30 d9 2e 22 a3 88 6f f1 09 27 9d 98 30 da c7 27 af b9 4a 83 ee 6d 83 60 cb df "
    "a2 cc 06 40");
const std::string kSodiumChlorideVector = Hex(
    "70 23 bd cb 3a fd 73 48 46 1c 06 cd 81 fd 38 eb fd a8 fb ba 90 4f 8e 3e a9 b5 43 f6 54 5d "
    "a1 f2 d5 43 29 55 61 3f 0f cf 62 d4 97 05 24 2a 9a f9 e6 1e 85 dc 0d 65 1e 40 df cf 01 7b "
    "45 57 58 87");

TEST(ScryptTest, Rfc7914Vectors) {
  ASSERT_EQ(kEmptyVector.size(), 64u);
  EXPECT_EQ(Scrypt("", "", 16, 1, 1, 64).value(), kEmptyVector);
  EXPECT_EQ(Scrypt("password", "NaCl", 1024, 8, 16, 64).value(), kNaClVector);
  EXPECT_EQ(Scrypt("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64).value(),
            kSodiumChlorideVector);
}

TEST(ScryptTest, RejectsBadParameters) {
  EXPECT_EQ(Scrypt("p", "s", 1000, 8, 1, 32).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Scrypt("p", "s", 1, 8, 1, 32).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Scrypt("p", "s", 16, 0, 1, 32).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Scrypt("p", "s", 16, 1, 0, 32).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Scrypt("p", "s", 16, 1, 1, 0).status().code(), absl::StatusCode::kInvalidArgument);
  // 2^24 * 128 * 8 = 16 GiB.
  EXPECT_EQ(Scrypt("p", "s", uint64_t{1} << 24, 8, 1, 32).status().code(),
            absl::StatusCode::kInvalidArgument);
}

PasswordHasher::Options SmallOptions(RandomSource* random = nullptr) {
  PasswordHasher::Options options;
  options.params = {.log2_n = 4, .r = 8, .p = 1};
  options.random = random;
  return options;
}

TEST(PasswordHasherTest, HashAndVerify) {
  PasswordHasher hasher(SmallOptions());
  const std::string encoded = hasher.Hash("correct horse battery staple").value();
  EXPECT_TRUE(std::regex_match(
      encoded, std::regex(R"(\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43})")))
      << encoded;
  EXPECT_TRUE(hasher.Verify("correct horse battery staple", encoded).ok());
  absl::Status wrong = hasher.Verify("correct horse battery stapl", encoded);
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(hasher.Verify("", encoded).code(), absl::StatusCode::kUnauthenticated);
}

TEST(PasswordHasherTest, DefaultParameters) {
  PasswordHasher::Options defaults;
  EXPECT_EQ(defaults.params, (ScryptParams{.log2_n = 15, .r = 8, .p = 1}));
  EXPECT_EQ(defaults.salt_bytes, 16u);
}

TEST(PasswordHasherTest, SaltIsRandomPerHash) {
  PasswordHasher hasher(SmallOptions());
  const std::string a = hasher.Hash("pw").value();
  const std::string b = hasher.Hash("pw").value();
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher.Verify("pw", a).ok());
  EXPECT_TRUE(hasher.Verify("pw", b).ok());
}

TEST(PasswordHasherTest, InjectedRandomnessIsUsed) {
  FakeRandomSource r1(1), r2(1);
  EXPECT_EQ(PasswordHasher(SmallOptions(&r1)).Hash("pw").value(),
            PasswordHasher(SmallOptions(&r2)).Hash("pw").value());
}

// A PHC string built by hand from the RFC 7914 "NaCl" vector verifies: the format and the
// parameter parsing agree with the reference output.
TEST(PasswordHasherTest, VerifiesRfcVectorInPhcForm) {
  const std::string encoded = absl::StrCat("$scrypt$ln=10,r=8,p=16$", Base64EncodeUnpadded("NaCl"),
                                           "$", Base64EncodeUnpadded(kNaClVector));
  PasswordHasher hasher(SmallOptions());
  EXPECT_TRUE(hasher.Verify("password", encoded).ok());
  EXPECT_EQ(hasher.Verify("Password", encoded).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(hasher.NeedsRehash(encoded));
}

TEST(PasswordHasherTest, MalformedEncodingsAreInvalidArgument) {
  PasswordHasher hasher(SmallOptions());
  const std::string good = hasher.Hash("pw").value();
  const std::string salt_and_hash = good.substr(good.find("$", 10));  // "$<salt>$<hash>"
  for (const std::string& bad : {
           std::string(""), std::string("pw"), std::string("$scrypt$"),
           "$argon2id$ln=4,r=8,p=1" + salt_and_hash, "$scrypt$ln=4,r=8" + salt_and_hash,
           "$scrypt$r=8,ln=4,p=1" + salt_and_hash, "$scrypt$ln=4,r=8,p=1,x=1" + salt_and_hash,
           "$scrypt$ln=+4,r=8,p=1" + salt_and_hash, "$scrypt$ln=0,r=8,p=1" + salt_and_hash,
           "$scrypt$ln=4,r=0,p=1" + salt_and_hash, "$scrypt$ln= 4,r=8,p=1" + salt_and_hash,
           good + "=", good + "$", good.substr(0, good.size() - 1) + "*",
           "$scrypt$ln=4,r=8,p=1$$" + good.substr(good.rfind('$') + 1)}) {
    EXPECT_EQ(hasher.Verify("pw", bad).code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(hasher.NeedsRehash(bad)) << bad;
  }
}

TEST(PasswordHasherTest, RefusesExpensiveStoredParameters) {
  PasswordHasher hasher(SmallOptions());
  const std::string good = hasher.Hash("pw").value();
  const std::string salt_and_hash = good.substr(good.find("$", 10));
  for (const char* params : {"ln=30,r=8,p=1", "ln=20,r=64,p=1", "ln=4,r=8,p=4000000"}) {
    EXPECT_EQ(hasher.Verify("pw", absl::StrCat("$scrypt$", params, salt_and_hash)).code(),
              absl::StatusCode::kInvalidArgument)
        << params;
  }
}

TEST(PasswordHasherTest, NeedsRehashWhenParametersChange) {
  PasswordHasher small(SmallOptions());
  const std::string encoded = small.Hash("pw").value();
  EXPECT_FALSE(small.NeedsRehash(encoded));
  PasswordHasher::Options stronger = SmallOptions();
  stronger.params.log2_n = 5;
  PasswordHasher strong(stronger);
  EXPECT_TRUE(strong.NeedsRehash(encoded));
  EXPECT_TRUE(strong.Verify("pw", encoded).ok());  // old hashes still verify
}

TEST(PasswordHasherTest, RejectsOverlongPasswords) {
  PasswordHasher hasher(SmallOptions());
  EXPECT_EQ(hasher.Hash(std::string(kMaxPasswordBytes + 1, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(hasher.Hash(std::string(kMaxPasswordBytes, 'a')).ok());
}

}  // namespace
}  // namespace wijkwacht::auth
