#include "auth/base64url.h"

#include <string>

#include "gtest/gtest.h"

namespace wijkwacht::auth {
namespace {

TEST(Base64UrlTest, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},          {"f", "Zg"},          {"fo", "Zm8"},       {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded);
    EXPECT_EQ(Base64EncodeUnpadded(plain), encoded);
    EXPECT_EQ(Base64UrlDecode(encoded).value(), plain);
    EXPECT_EQ(Base64DecodeUnpadded(encoded).value(), plain);
  }
}

TEST(Base64UrlTest, UsesUrlAlphabet) {
  const std::string bytes("\xfb\xff", 2);
  EXPECT_EQ(Base64UrlEncode(bytes), "-_8");
  EXPECT_EQ(Base64EncodeUnpadded(bytes), "+/8");
  EXPECT_EQ(Base64UrlDecode("-_8").value(), bytes);
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());
  EXPECT_FALSE(Base64DecodeUnpadded("-_8").ok());
}

TEST(Base64UrlTest, RejectsPaddingAndJunk) {
  for (const char* bad : {"Zg==", "Zg=", "Zm9v=", "Z", "Zm9vY", "Zm9v!", "Zm 9v", " Zm9v",
                          "Zm9v\n", "Zm9v.", "Zh", "Zm9"}) {
    absl::StatusOr<std::string> decoded = Base64UrlDecode(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(decoded.status().message().find(bad), absl::string_view::npos) << bad;
  }
  EXPECT_TRUE(Base64UrlDecode("Zm8").ok());  // canonical form of "Zm9" above
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).ok());
}

TEST(Base64UrlTest, RoundTripsAllLengthsAndBytes) {
  std::string data;
  for (int len = 0; len < 70; ++len) {
    ASSERT_EQ(Base64UrlDecode(Base64UrlEncode(data)).value(), data) << len;
    ASSERT_EQ(Base64DecodeUnpadded(Base64EncodeUnpadded(data)).value(), data) << len;
    data.push_back(static_cast<char>((len * 37 + 11) & 0xff));
  }
}

}  // namespace
}  // namespace wijkwacht::auth
