#include "domain/lexicon/event_lexicon.h"

#include <vector>

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

TEST(EventLexiconTest, LooseAnimalsAndEnglishBombsReadAsTheirKinds) {
  // A loose pony runs like a loose dog: told where it passes, in Dutch and in English.
  const EventSignature nl = ReadSignature("pony los op de velserweg bruin met wit");
  const EventSignature en = ReadSignature("a small horse trotting down the street");
  EXPECT_TRUE(Has(nl, kLooseDog));
  EXPECT_TRUE(Has(en, kLooseDog));
  const KindMatch m = MatchKinds(nl.kinds(), en.kinds());
  EXPECT_EQ(m.relation, KindRelation::kCommon);
  EXPECT_TRUE(m.far);
  // Heavy fireworks called bombs; anchored, so "bombastisch" is not one.
  EXPECT_TRUE(Has(ReadSignature("one just threw a bomb at my bike"), kFireworks));
  EXPECT_FALSE(Has(ReadSignature("een bombastische toespraak"), kFireworks));
  EXPECT_FALSE(Has(ReadSignature("paardenbloemen in de berm"), kLooseDog));
}

TEST(EventLexiconTest, ALockedBikeIsNoBlockedExit) {
  // "op slot" is how a bike stood before it was stolen, or a door one locked: no blocked exit.
  EXPECT_FALSE(Has(ReadSignature("fiets gestolen stond op slot bij het station"), kBlockedExit));
  EXPECT_FALSE(Has(ReadSignature("ik heb de deur op slot gedaan"), kBlockedExit));
  EXPECT_TRUE(Has(ReadSignature("de nooduitgang zit op slot met een ketting"), kBlockedExit));
  EXPECT_TRUE(Has(ReadSignature("de achterdeur zit op slot met een ketting"), kBlockedExit));
  // A dog off the leash in English; someone who lost the way.
  EXPECT_TRUE(Has(ReadSignature("big dog without a leash bit my sleeve"), kLooseDog));
  EXPECT_TRUE(Has(ReadSignature("een oudere vrouw lijkt de weg kwijt"), kConfusedPerson));
}

TEST(EventLexiconTest, BusinessesByTradeAndBikersByTheSignOnTheirBacks) {
  EXPECT_TRUE(Has(ReadSignature("ingebroken bij de kinderopvang"), kShopSetting));
  EXPECT_TRUE(Has(ReadSignature("achterdeur van de bouwmarkt opengebroken"), kShopSetting));
  EXPECT_TRUE(Has(ReadSignature("mannen in zwart leer met hetzelfde teken op de rug"), kBikers));
  // Leather alone describes a suspect, not a club.
  EXPECT_FALSE(Has(ReadSignature("man in een zwarte leren jas rende weg"), kBikers));
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

TEST(EventLexiconTest, ColoursAttachToTheObjectsTheyDescribe) {
  const EventSignature s =
      ReadSignature("jongen met rode jas en grijze trainingsbroek reed weg op een zwarte grote audi");
  EXPECT_EQ(s.details, DetailBit(kTop, kRed) | DetailBit(kBottom, kGrey) |
                           DetailBit(kMotorVehicle, kBlack));
  EXPECT_EQ(ReadSignature("grey tracksuit").details, DetailBit(kTop, kGrey) | DetailBit(kBottom, kGrey));
  EXPECT_EQ(ReadSignature("zwarte batavus").details, DetailBit(kBikeObject, kBlack));
  // A colour further away, or after the object, describes something else.
  EXPECT_EQ(ReadSignature("rode deur en een man met jas").details, 0u);
  EXPECT_EQ(ReadSignature("jas rood").details, 0u);
}

TEST(EventLexiconTest, AgeBands) {
  EXPECT_EQ(ReadSignature("jongen van een jaar of 15").ages, 1u << kYouth);
  EXPECT_EQ(ReadSignature("oudere dame met rollator").ages, 1u << kElderly);
  EXPECT_EQ(ReadSignature("man van middelbare leeftijd").ages, 1u << kAdult);
  EXPECT_EQ(ReadSignature("klein jongetje huilt").ages, 1u << kChild);
  EXPECT_EQ(ReadSignature("oudere jongens op scooters").ages, 0u);
  // Ages in years, with overlapping bands where guesses differ.
  EXPECT_EQ(ReadSignature("vrouw ca 45 jr blonde paardenstaart").ages, 1u << kAdult);
  EXPECT_EQ(ReadSignature("een heer van naar schatting 85 jaar").ages, 1u << kElderly);
  EXPECT_EQ(ReadSignature("jongens van een jaar of 15").ages, 1u << kYouth);
  EXPECT_EQ(ReadSignature("jongeman van rond de 20 jaar").ages, (1u << kYouth) | (1u << kAdult));
  EXPECT_EQ(ReadSignature("ik woon hier al 30 jaar en dit is 10 jaar geleden begonnen").ages, 0u);
  EXPECT_EQ(ReadSignature("meisje van 13 14 net bij drogist").ages, (1u << kChild) | (1u << kYouth));
  EXPECT_EQ(ReadSignature("bald man 40ish emptied the shelf").ages, 1u << kAdult);
  EXPECT_EQ(ReadSignature("huisnummer 40 van 12 tot 14 uur").ages, 0u);
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
  EventSignature s = ReadSignature("rode vespa man met zwarte jas dealer");
  EXPECT_EQ(DecodeSignature(EncodeSignature(s)), s);
  EXPECT_TRUE(DecodeSignature("short").empty());
  EXPECT_EQ(EncodeSignature(s).size(), 32u);
  EXPECT_NE(s.details, 0u);
  // The earlier 24-byte form (no details, no ages) still reads.
  EventSignature legacy = s;
  legacy.details = 0;
  legacy.ages = 0;
  EXPECT_EQ(DecodeSignature(EncodeSignature(legacy).substr(0, 24)), legacy);
  EventSignature t = ReadSignature("vrouw");
  t.Merge(s);
  EXPECT_EQ(t.genders, (1u << kWoman) | (1u << kMan));
  EXPECT_EQ(t.cues, s.cues);
}

TEST(EventLexiconTest, ShippedFileLoads) {
  auto lexicon = EventLexicon::Load(ShippedLexiconPath());
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  EXPECT_GT((*lexicon)->patterns(), 1000u);
  EXPECT_EQ(&ActiveLexicon(), &ActiveLexicon());
}

TEST(EventLexiconTest, ParseRefusesBadLinesNamingThem) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"kind\tbike_theft", "line 1: expected SLOT<TAB>VALUE<TAB>PATTERN"},
      {"# c\nkind\tbike_thief\t|fiets", "line 2: 'bike_thief' is not a kind"},
      {"kind\tyouth_actor\t|jeugd", "'youth_actor' is not a kind"},
      {"cue\tbike_theft\t|fiets", "'bike_theft' is not a context cue"},
      {"kind\tbike_theft\t|Fiets", "pattern '|Fiets' is not lower-case"},
      {"kind\tbike_theft\t|fiets  weg", "is not lower-case"},
      {"kind\tbike_theft\t||", "is not lower-case"},
      {"colour\tmauve\t|mauve|", "unknown colour 'mauve'"},
      {"brand\tboat:sloep\t|sloep|", "brand 'boat:sloep' is not CLASS:NAME"},
      {"norm\tfiest\tfiets\nnorm\tfiest\tfietz", "line 2: norm word 'fiest' given twice"},
      {"norm\tm n\tmijn", "a norm entry maps one plain word"},
      {"color\tred\t|red|", "unknown slot 'color'"},
      {"# only a comment\n\n", "no entries"},
  };
  for (const Case& c : cases) {
    auto parsed = EventLexicon::Parse(c.text, "test.tsv");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
        << c.text << " -> " << parsed.status().message();
  }
  EXPECT_EQ(EventLexicon::Load("/nonexistent/lexicon.tsv").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(EventLexiconTest, ReadsAParsedFileWithNormalisation) {
  auto lexicon = EventLexicon::Parse(
      "kind\tbike_theft\t|fiets gestolen\n"
      "kind\tnoise\t|heel hard\n"
      "brand\tbike:gazelle\t|gazelle|\n"
      "brand\tcar:golf\t|golf|\n"
      "brand\tbike:gazelle\t|gazel|\n"
      "norm\tfiest\tfiets\n"
      "norm\tgestoln\tgestolen\n",
      "test.tsv");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  const EventLexicon& l = **lexicon;
  EXPECT_TRUE(Has(l.Read("mijn fiest is gestoln"), kBikeTheft) == false);  // "is" between
  EXPECT_TRUE(Has(l.Read("fiest gestoln bij het station"), kBikeTheft));  // typos normalised
  EXPECT_TRUE(Has(l.Read("muziek heeeeel hard"), kNoise));  // a run of 3+ letters read as 2
  EXPECT_FALSE(Has(l.Read("fietsgestolen"), kBikeTheft));                  // inner space needed
  // One bit per brand name, several patterns may set it; classes keep their own masks.
  EXPECT_EQ(l.Read("een gazel").brands, l.Read("een gazelle").brands);
  EXPECT_EQ(l.BrandMask(BrandClass::kBike), 1u);
  EXPECT_EQ(l.BrandMask(BrandClass::kCar), 2u);
  EXPECT_EQ(l.patterns(), 5u);
}

TEST(EventLexiconTest, ShippedNormalisationJoinsVariants) {
  // Brommers and scooters are one vehicle type: not a brand conflict.
  EXPECT_EQ(ReadSignature("4 brommers met jongens").brands,
            ReadSignature("vier scooters met jongens").brands);
  EXPECT_TRUE(Has(ReadSignature("me tas is net gepakt door 2 gasten"), kRobbery));
  EXPECT_TRUE(Has(ReadSignature("zwarte rook boven de flats"), kArson));
  EXPECT_FALSE(Has(ReadSignature("knallende uitlaat"), kFireworks));
  EXPECT_TRUE(Has(ReadSignature("knallende uitlaat"), kSpeeding));
}

uint64_t K(std::initializer_list<Cue> cues) {
  uint64_t m = 0;
  for (Cue c : cues) m |= uint64_t{1} << c;
  return m;
}

// The relation, window and reach of two texts' kinds: one table.
TEST(EventLexiconTest, MatchKindsTable) {
  struct Row {
    uint64_t a, b;
    KindRelation relation;
    absl::Duration max_gap;
    bool far;
  };
  const absl::Duration kH = absl::Hours(1), kD = absl::Hours(24);
  const Row rows[] = {
      // A fight that moved, smoke seen from afar, a party heard streets away: far.
      {K({kFight}), K({kFight, kCommotion}), KindRelation::kCommon, 3 * kH, true},
      {K({kArson}), K({kArson}), KindRelation::kCommon, 3 * kH, true},
      {K({kNoise}), K({kNoise}), KindRelation::kCommon, 10 * kH, true},
      {K({kFireworks}), K({kFireworks}), KindRelation::kCommon, 10 * kH, true},
      {K({kSpeeding}), K({kSpeeding}), KindRelation::kCommon, 10 * kH, true},
      // Gas is smelled down the street; a convoy of bikers rides through.
      {K({kGasSmell}), K({kGasSmell, kSuspiciousPerson}), KindRelation::kCommon, 3 * kH, true},
      {K({kBikers}), K({kBikers, kParking}), KindRelation::kCommon, 21 * kD, true},
      // Shoplifting at one shop, a car broken into, bikes at the rack: one spot.
      {K({kShoplifting}), K({kShoplifting}), KindRelation::kCommon, 3 * kH, false},
      {K({kCarBreakIn}), K({kCarBreakIn}), KindRelation::kCommon, 10 * kH, false},
      {K({kBikeTheft}), K({kBikeTheft}), KindRelation::kCommon, 3 * kH, false},
      // ... unless the thief was seen running or riding off with it.
      {K({kShoplifting, kSuspiciousPerson}), K({kShoplifting}), KindRelation::kCommon, 3 * kH,
       true},
      {K({kBikeTheft}), K({kBikeTheft, kSpeeding}), KindRelation::kCommon, 3 * kH, true},
      {K({kCarBreakIn, kSuspiciousPerson}), K({kCarBreakIn}), KindRelation::kCommon, 10 * kH,
       false},
      // Lasting situations accept weeks; waste days.
      {K({kGrowHouse}), K({kGrowHouse}), KindRelation::kCommon, 21 * kD, false},
      {K({kDrugDealing}), K({kDrugDealing}), KindRelation::kCommon, 21 * kD, false},
      {K({kDumping}), K({kDumping}), KindRelation::kCommon, 3 * kD, false},
      // Shouting alone in both is no common kind.
      {K({kCommotion}), K({kCommotion}), KindRelation::kRelated, 3 * kH, false},
      // One event told from two sides.
      {K({kHomeBurglary}), K({kSuspiciousPerson}), KindRelation::kViews, 3 * kH, true},
      {K({kRobbery}), K({kSpeeding}), KindRelation::kViews, 10 * kH, true},
      {K({kFight}), K({kHangingYouth, kCommotion}), KindRelation::kViews, 10 * kH, true},
      {K({kArson}), K({kFireHazard}), KindRelation::kViews, 21 * kD, true},
      {K({kOvercrowding}), K({kWaste}), KindRelation::kViews, 21 * kD, false},
      // Different events: a pickpocket and a bike theft (a witness kind does not join them),
      // a robbery and a collision, a confused person and a drunk one.
      {K({kPickpocket}), K({kBikeTheft}), KindRelation::kConflict, absl::ZeroDuration(), false},
      {K({kPickpocket}), K({kBikeTheft, kSuspiciousPerson}), KindRelation::kConflict,
       absl::ZeroDuration(), false},
      {K({kConfusedPerson}), K({kDrunk}), KindRelation::kConflict, absl::ZeroDuration(), false},
      {K({kNoise}), K({kCarBreakIn}), KindRelation::kConflict, absl::ZeroDuration(), false},
      // Related, not one event for sure: the shorter span.
      {K({kShoplifting}), K({kFraud}), KindRelation::kRelated, 3 * kH, false},
      // A text that names no kind.
      {0, K({kFight}), KindRelation::kUnknown, absl::ZeroDuration(), false},
  };
  for (const Row& r : rows) {
    for (const auto& [a, b] : {std::pair(r.a, r.b), std::pair(r.b, r.a)}) {
      const KindMatch m = MatchKinds(a, b);
      SCOPED_TRACE(CueTokens(EventSignature{a}) + " / " + CueTokens(EventSignature{b}));
      EXPECT_EQ(m.relation, r.relation);
      EXPECT_EQ(m.max_gap, r.max_gap);
      EXPECT_EQ(m.far, r.far);
    }
  }
}

// MaxMatchGap(a) bounds MatchKinds(a, b).max_gap for every b: every kind alone and with a
// second one, and random sets of up to five kinds.
TEST(EventLexiconTest, MaxMatchGapBoundsEveryMatch) {
  std::vector<uint64_t> sets = {0};
  for (int i = 0; i <= kLastEventKind; ++i) {
    sets.push_back(uint64_t{1} << i);
    for (int j = i + 1; j <= kLastEventKind; ++j) sets.push_back((uint64_t{1} << i) | (uint64_t{1} << j));
  }
  uint64_t x = 88172645463325252ull;  // xorshift64, seeded
  for (int n = 0; n < 2000; ++n) {
    uint64_t set = 0;
    for (int k = 0; k < 5; ++k) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      set |= uint64_t{1} << (x % (kLastEventKind + 1));
    }
    sets.push_back(set);
  }
  int longer_than_own = 0;
  for (uint64_t a : sets) {
    const absl::Duration bound = MaxMatchGap(a);
    ASSERT_GE(bound, MaxGap(a));
    for (uint64_t b : sets) {
      const absl::Duration gap = MatchKinds(a, b).max_gap;
      ASSERT_LE(gap, bound) << CueTokens(EventSignature{a}) << " / " << CueTokens(EventSignature{b});
      if (gap > MaxGap(a)) ++longer_than_own;
    }
  }
  // One event told from two sides does take the other text's longer span.
  EXPECT_GT(longer_than_own, 0);
  EXPECT_EQ(MaxMatchGap(K({kSuspiciousVehicle})), absl::Hours(24 * 21));  // a grow house
}

}  // namespace
}  // namespace wijkwacht::lexicon
