#include "domain/lexicon/event_lexicon.h"

#include "gtest/gtest.h"

namespace wijkwacht::lexicon {
namespace {

bool Has(const EventSignature& s, Cue c) { return (s.cues >> c) & 1; }

TEST(EventLexiconTest, EveryCueHasAName) {
  for (int c = 0; c < kNumCues; ++c) {
    EXPECT_FALSE(CueInfo(c).name.empty()) << c;
    EXPECT_EQ(IsEventKind(c), c <= kLastEventKind);
  }
}

TEST(EventLexiconTest, StemsMatchInsideCompoundsAndAcrossLanguages) {
  EXPECT_TRUE(Has(ReadSignature("fietsendief bij het station"), kBikeTheft));
  EXPECT_TRUE(Has(ReadSignature("my bike was stolen at the station"), kBikeTheft));
  EXPECT_TRUE(Has(ReadSignature("wietplantage op zolder"), kGrowHouse));
  EXPECT_TRUE(Has(ReadSignature("de lantaarnpaal brandt niet"), kStreetLight));
  EXPECT_TRUE(Has(ReadSignature("zakkenroller in de hema"), kPickpocket));
  EXPECT_TRUE(Has(ReadSignature("zakkenroller in de hema"), kShopSetting));
}

TEST(EventLexiconTest, AnchorsKeepShortWordsApart) {
  // "man" only as a word: not in "mannetje" nor "bakman"; "rat" not in "ratel" or "karate".
  EXPECT_EQ(ReadSignature("bakman karate").genders, 0u);
  EXPECT_FALSE(Has(ReadSignature("karate ratel"), kPests));
  EXPECT_EQ(ReadSignature("een man en een vrouw").genders, (1u << kWoman) | (1u << kMan));
}

TEST(EventLexiconTest, AttributesTellObjectsApart) {
  const EventSignature a = ReadSignature("zwarte batavus gestolen");
  const EventSignature b = ReadSignature("blauwe gazelle gejat");
  EXPECT_EQ(a.colours, 1u << kBlack);
  EXPECT_EQ(b.colours, 1u << kBlue);
  const uint64_t bikes = BrandMask(BrandClass::kBike);
  EXPECT_NE(a.brands & bikes, 0u);
  EXPECT_NE(b.brands & bikes, 0u);
  EXPECT_EQ(a.brands & b.brands, 0u);
  EXPECT_EQ(a.brands & BrandMask(BrandClass::kCar), 0u);
}

TEST(EventLexiconTest, CueTokensAndGaps) {
  EXPECT_EQ(CueTokens(ReadSignature("vuurwerk")), "__cue__fireworks");
  EXPECT_EQ(CueTokens(EventSignature{}), "");
  EXPECT_EQ(MaxGap(0), absl::ZeroDuration());
  EXPECT_EQ(MaxGap(uint64_t{1} << kPickpocket), absl::Hours(3));
  EXPECT_EQ(MaxGap((uint64_t{1} << kPickpocket) | (uint64_t{1} << kGrowHouse)),
            absl::Hours(24 * 21));
}

TEST(EventLexiconTest, EncodeRoundTripsAndMergeIsAUnion) {
  EventSignature s = ReadSignature("rode vespa, man met zwarte jas, dealer");
  EXPECT_EQ(DecodeSignature(EncodeSignature(s)), s);
  EXPECT_TRUE(DecodeSignature("short").empty());
  EventSignature t = ReadSignature("vrouw");
  t.Merge(s);
  EXPECT_EQ(t.genders, (1u << kWoman) | (1u << kMan));
  EXPECT_EQ(t.cues, s.cues);
}

}  // namespace
}  // namespace wijkwacht::lexicon
