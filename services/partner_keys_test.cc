#include "services/partner_keys.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace wijkwacht::services {
namespace {

struct Recorded {
  std::string partner_id;
  std::string key_id;
  absl::Time when;
};

internal::PartnerRecord Partner(const std::string& id, const std::string& key_id,
                                const std::string& previous_key_id = "") {
  internal::PartnerRecord partner;
  partner.set_partner_id(id);
  partner.set_key_id(key_id);
  partner.set_previous_key_id(previous_key_id);
  return partner;
}

// Every accepted call notes its use: the in-memory time is exact, but the recorder (the
// write to disk) runs once per key per interval: the first use, then the first use an
// interval or more after the last recording. Each key, and each partner, has its own.
TEST(PartnerUsageTest, RepeatedUsesWithinTheIntervalAreRecordedOnce) {
  std::vector<Recorded> recorded;
  PartnerUsage usage(
      [&](const std::string& partner, const std::string& key, absl::Time when) {
        recorded.push_back({partner, key, when});
      },
      absl::Minutes(10));
  const absl::Time t0 = absl::FromUnixSeconds(1'796'000'000);
  const internal::PartnerRecord form = Partner("meldformulier", "wwp.meldformulier.AAAAAA");

  for (int i = 0; i < 600; ++i) usage.Note(form, false, t0 + absl::Seconds(i));  // 10 min - 1 s
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].partner_id, "meldformulier");
  EXPECT_EQ(recorded[0].key_id, "wwp.meldformulier.AAAAAA");
  EXPECT_EQ(recorded[0].when, t0);
  EXPECT_EQ(usage.Get("meldformulier").current, t0 + absl::Seconds(599)) << "memory is exact";

  usage.Note(form, false, t0 + absl::Minutes(10));  // an interval after the recording
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[1].when, t0 + absl::Minutes(10));
  usage.Note(form, false, t0 + absl::Minutes(15));
  EXPECT_EQ(recorded.size(), 2u);

  // Another partner, and the previous key of a rotated one, are recorded on their own.
  usage.Note(Partner("telefoon", "wwp.telefoon.CCCCCC"), false, t0 + absl::Minutes(15));
  const internal::PartnerRecord rotated =
      Partner("meldformulier", "wwp.meldformulier.BBBBBB", "wwp.meldformulier.AAAAAA");
  usage.Rotated("meldformulier");
  usage.Note(rotated, true, t0 + absl::Minutes(16));   // the old key: recorded 6 min ago
  usage.Note(rotated, false, t0 + absl::Minutes(16));  // the new key: never
  usage.Note(rotated, false, t0 + absl::Minutes(17));
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_EQ(recorded[2].partner_id, "telefoon");
  EXPECT_EQ(recorded[3].key_id, "wwp.meldformulier.BBBBBB");
  EXPECT_EQ(usage.Get("meldformulier").previous, t0 + absl::Minutes(16));
  EXPECT_EQ(usage.Get("meldformulier").current, t0 + absl::Minutes(17));
}

// Without a recorder the uses are kept in memory only.
TEST(PartnerUsageTest, WithoutARecorderUsesStayInMemory) {
  PartnerUsage usage;
  const absl::Time t0 = absl::FromUnixSeconds(1'796'000'000);
  usage.Note(Partner("meldformulier", "wwp.meldformulier.AAAAAA"), false, t0);
  EXPECT_EQ(usage.Get("meldformulier").current, t0);
  EXPECT_FALSE(usage.Get("meldformulier").previous.has_value());
}

}  // namespace
}  // namespace wijkwacht::services
