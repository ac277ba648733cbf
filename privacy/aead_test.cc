#include "privacy/aead.h"

#include <string>

#include "gtest/gtest.h"

namespace wijkwacht::privacy {
namespace {

const std::string kKey(32, '\x42');

TEST(AeadTest, RoundTripsAndHidesThePlaintext) {
  auth::FakeRandomSource random(1);
  absl::StatusOr<std::string> sealed = Seal(kKey, "06-12345678 Jan Jansen", "rec/1", &random);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->size(), kNonceBytes + 22 + kTagBytes);
  EXPECT_EQ(sealed->find("Jansen"), std::string::npos);
  absl::StatusOr<std::string> opened = Open(kKey, *sealed, "rec/1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "06-12345678 Jan Jansen");
}

TEST(AeadTest, FreshNonceEachTime) {
  auth::FakeRandomSource random(2);
  EXPECT_NE(*Seal(kKey, "same", "a", &random), *Seal(kKey, "same", "a", &random));
}

TEST(AeadTest, EmptyPlaintextAndAad) {
  auth::FakeRandomSource random(3);
  absl::StatusOr<std::string> sealed = Seal(kKey, "", "", &random);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(*Open(kKey, *sealed, ""), "");
}

TEST(AeadTest, EveryFlippedBitIsDetected) {
  auth::FakeRandomSource random(4);
  const std::string sealed = *Seal(kKey, "contact: jan@example.nl", "rec/1", &random);
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string tampered = sealed;
      tampered[i] = static_cast<char>(tampered[i] ^ (1 << bit));
      absl::StatusOr<std::string> opened = Open(kKey, tampered, "rec/1");
      EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << "byte " << i;
    }
  }
}

TEST(AeadTest, WrongAadWrongKeyAndTruncationAreDetected) {
  auth::FakeRandomSource random(5);
  const std::string sealed = *Seal(kKey, "secret", "pseudonym-a/rec", &random);
  EXPECT_EQ(Open(kKey, sealed, "pseudonym-b/rec").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Open(std::string(32, '\x43'), sealed, "pseudonym-a/rec").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Open(kKey, sealed.substr(0, sealed.size() - 1), "pseudonym-a/rec").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Open(kKey, sealed.substr(0, 20), "pseudonym-a/rec").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Open(kKey, sealed + "x", "pseudonym-a/rec").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(AeadTest, KeyMustBe32Bytes) {
  auth::FakeRandomSource random(6);
  EXPECT_EQ(Seal("short", "x", "", &random).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Open(std::string(16, 'k'), std::string(40, 'x'), "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wijkwacht::privacy
