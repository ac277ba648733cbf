#include "storage/keys.h"

#include "gtest/gtest.h"

namespace wijkwacht::storage {
namespace {

TEST(KeysTest, BigEndianOrderIsNumericOrder) {
  EXPECT_LT(SequenceKey(1), SequenceKey(2));
  EXPECT_LT(SequenceKey(255), SequenceKey(256));
  EXPECT_LT(SequenceKey(0xffffffff), SequenceKey(0x100000000ull));
  EXPECT_EQ(ParseSequenceKey(SequenceKey(123456789)), 123456789u);
  EXPECT_FALSE(ParseSequenceKey("short").has_value());
}

TEST(KeysTest, FixedWidthEncodingsRoundTripAndKeepTheirLayout) {
  std::string be;
  AppendBigEndian32(&be, 0x01020304u);
  EXPECT_EQ(be, std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(ReadBigEndian32(be), 0x01020304u);
  EXPECT_FALSE(ReadBigEndian32("abc").has_value());
  std::string a, b;
  AppendBigEndian32(&a, 255);
  AppendBigEndian32(&b, 256);
  EXPECT_LT(a, b);

  std::string le;
  AppendFixed64(&le, 0x0102030405060708ull);
  EXPECT_EQ(le, std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  EXPECT_EQ(DecodeFixed64(le), 0x0102030405060708ull);
  AppendFixed64(&le, static_cast<uint64_t>(int64_t{-3}));
  EXPECT_EQ(static_cast<int64_t>(DecodeFixed64(absl::string_view(le).substr(8))), -3);

  for (double v : {0.0, -1.5, 52.4870123456789, 4.6578, 1e300}) {
    std::string d;
    AppendDouble(&d, v);
    ASSERT_EQ(d.size(), 8u);
    EXPECT_EQ(DecodeDouble(d), v);
  }
}

TEST(KeysTest, AreaIndexSortsByTimeAndRoundTrips) {
  absl::Time t1 = absl::FromUnixSeconds(1'700'000'000);
  absl::Time t2 = t1 + absl::Microseconds(1);
  std::string older = AreaIndexKey("BU03750003", t1, "a");
  std::string newer = AreaIndexKey("BU03750003", t2, "a");
  EXPECT_LT(older, newer);
  std::string prefix = AreaIndexPrefix("BU03750003");
  ASSERT_EQ(older.substr(0, prefix.size()), prefix);
  std::optional<AreaIndexEntry> e = ParseAreaIndexKey(older, prefix.size());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->observed, t1);
  EXPECT_EQ(e->report_id, "a");
  EXPECT_FALSE(ParseAreaIndexKey("x", 1).has_value());
}

TEST(KeysTest, AreaPrefixesDoNotOverlap) {
  // "WK0375" must not be a prefix of "WK037500" keys: the \0 separator sees to that.
  std::string a = AreaIndexPrefix("WK0375");
  std::string b = AreaIndexKey("WK037500", absl::UnixEpoch(), "id");
  EXPECT_NE(b.substr(0, a.size()), a);
}

TEST(KeysTest, CellIndexOrdersByCellThenTime) {
  absl::Time t = absl::FromUnixSeconds(1'700'000'000);
  EXPECT_LT(CellIndexKey(5, t + absl::Seconds(9), "z"), CellIndexKey(6, t, "a"));
  EXPECT_LT(CellIndexKey(5, t, "z"), CellIndexKey(5, t + absl::Seconds(1), "a"));
}

TEST(KeysTest, S2CellParentMatchesS2Definition) {
  // Face 3's first leaf cell has the face cell (face bits | 1 << 60) as level-0 parent.
  const uint64_t face3 = uint64_t{3} << 61;
  EXPECT_EQ(S2CellParent(face3 | 1, 0), face3 | (uint64_t{1} << 60));
  // A level-14 parent has its lowest set bit at 2*(30-14).
  uint64_t p = S2CellParent(0x47c6b1e3a5f00001ull, 14);
  EXPECT_EQ(p & (~p + 1), uint64_t{1} << 32);
  EXPECT_EQ(S2CellParent(p, 14), p);
}

}  // namespace
}  // namespace wijkwacht::storage
