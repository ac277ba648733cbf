#include "common/status.h"

#include "gtest/gtest.h"

namespace wijkwacht {
namespace {

TEST(StatusTest, InvalidFieldNamesFieldInMessageAndPayload) {
  absl::Status s = InvalidFieldError("location.latitude", "must be in [-90, 90]");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "location.latitude: must be in [-90, 90]");
  std::vector<FieldViolation> v = GetFieldViolations(s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "location.latitude");
  EXPECT_EQ(v[0].description, "must be in [-90, 90]");
}

TEST(StatusTest, SeveralViolationsRoundTripAndSanitizeSeparators) {
  absl::Status s = InvalidFieldsError({{"a", "x\ty"}, {"b", "line\nbreak"}, {"c", "z"}});
  EXPECT_EQ(s.message(), "a: x\ty (and 2 more invalid fields)");
  std::vector<FieldViolation> v = GetFieldViolations(s);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], (FieldViolation{"a", "x y"}));
  EXPECT_EQ(v[1], (FieldViolation{"b", "line break"}));
}

TEST(StatusTest, PrefixAndRetryDelay) {
  absl::Status s = PrefixFieldPaths(InvalidFieldError("id", "bad"), "report");
  EXPECT_EQ(s.message(), "report.id: bad");
  EXPECT_EQ(GetFieldViolations(s)[0].field, "report.id");
  EXPECT_TRUE(GetFieldViolations(absl::NotFoundError("x")).empty());

  absl::Status r = WithRetryDelay(absl::ResourceExhaustedError("slow down"), absl::Milliseconds(250));
  ASSERT_TRUE(GetRetryDelay(r).has_value());
  EXPECT_EQ(*GetRetryDelay(r), absl::Milliseconds(250));
  EXPECT_FALSE(GetRetryDelay(absl::OkStatus()).has_value());
}

absl::StatusOr<int> Half(int x) {
  if (x % 2) return absl::InvalidArgumentError("odd");
  return x / 2;
}
absl::StatusOr<int> Quarter(int x) {
  WW_ASSIGN_OR_RETURN(int h, Half(x));
  WW_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, Macros) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
}

}  // namespace
}  // namespace wijkwacht
