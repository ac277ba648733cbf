// The public map against differencing (issue 15, row 2): an attacker with nothing but the
// public API asks every area level (gemeente, wijk, buurt) x period (day, week, month) x
// heatmap level (area totals, S2 level 14) of a seeded store, and subtracts from every
// published parent its visible children — areas in their enclosing area, days in their week
// and month, heatmap cells in their area — to learn what the withheld children hold. A withheld set whose true total is below k is "recovered" when every such derivation
// gives its true total.
//
// Positive control: the same attack on figures published the plain way (exact counts, only
// cells below k withheld), computed from the staff view of the same store, recovers many
// such counts. With the public rule (privacy/small_counts.h) it recovers few, no more than
// a guess would.
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "privacy/small_counts.h"
#include "services/map_service.h"
#include "storage/aggregate_store.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kK = 5;

struct Figure {
  int64_t reports = 0;
  int64_t incidents = 0;
  bool withheld = false;
};
// (level, area code, period, period start as civil day, heatmap cell token or "")
using FigureKey = std::tuple<int, std::string, int, absl::CivilDay, std::string>;
using Figures = std::map<FigureKey, Figure>;

class DifferencingTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 12, 6, 12, 0, 0), absl::UTCTimeZone())};
  void SetUp() override {
    // One fixed moment (the day the seed names): the seeded store's days, weeks and months,
    // and so which sets are withheld and derivable, are the same on every run. With the wall
    // clock, the few sets a run can derive (6-15) made the share recovered swing with the
    // time of day: measured at seven moments from 0 of 7 to 5 of 8, 19 of 66 pooled.
    server_.options().clock = &clock_;
    server_.options().device_write_burst = 1e6;
    server_.options().peer_write_burst = 1e6;
    server_.options().map_suppression_k = kK;
    server_.options().device_registration_burst = 100;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    map_ = v1::MapService::NewStub(server_.channel());
  }

  std::vector<v1::Area> Areas(v1::AreaLevel level) {
    grpc::ClientContext context;
    v1::ListAreasRequest request;
    request.set_level(level);
    request.set_page_size(1000);
    v1::ListAreasResponse response;
    EXPECT_TRUE(map_->ListAreas(&context, request, &response).ok());
    std::vector<v1::Area> out;
    for (const v1::Area& a : response.areas()) {
      if (a.code() == "GM0375" || a.parent_code() == "GM0375" ||
          absl::StartsWith(a.code(), "BU0375")) {
        out.push_back(a);
      }
    }
    return out;
  }

  // Every cell of `level` x `period` for PHYSICAL_BUSINESS over [first, end), per heatmap
  // cell of `cell_level` when not 0.
  void Read(const std::string& token, v1::AreaLevel level, v1::AggregationPeriod period,
            absl::CivilDay first, absl::CivilDay end, int cell_level, Figures* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetAggregatesRequest request;
    v1::AggregateSelection& s = *request.mutable_selection();
    s.set_level(level);
    s.add_themes(v1::PHYSICAL_BUSINESS);
    s.set_period(period);
    s.set_s2_cell_level(cell_level);
    *s.mutable_start_time() = TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(absl::FromCivil(first, storage::MapTimeZone())));
    *s.mutable_end_time() = TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(absl::FromCivil(end, storage::MapTimeZone())));
    v1::GetAggregatesResponse response;
    grpc::Status status = map_->GetAggregates(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::AggregateCell& c : response.cells()) {
      const absl::CivilDay start = absl::ToCivilDay(
          absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(c.period_start())),
          storage::MapTimeZone());
      (*out)[{level, c.area_code(), period, start, c.s2_cell()}] =
          Figure{c.report_count(), c.incident_count(), c.suppressed()};
    }
  }

  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::MapService::Stub> map_;
};

// Derivations of withheld sets: parent minus its visible children, for each relation.
struct Attack {
  // withheld set (sorted keys) -> every value derived for its total
  std::map<std::set<FigureKey>, std::vector<int64_t>> derived;
};

Attack RunAttack(const Figures& shown, const std::map<std::string, std::string>& parent_of,
                 const std::vector<std::string>& all_areas,
                 const std::map<std::string, int>& level_of) {
  Attack attack;
  auto relation = [&](const Figure& parent, const std::vector<FigureKey>& children) {
    if (parent.withheld) return;
    int64_t visible = 0;
    std::set<FigureKey> withheld;
    for (const FigureKey& c : children) {
      auto it = shown.find(c);
      if (it == shown.end()) continue;  // no reports there: a known zero
      if (it->second.withheld) {
        withheld.insert(c);
      } else {
        visible += it->second.reports;
      }
    }
    if (!withheld.empty()) attack.derived[withheld].push_back(parent.reports - visible);
  };
  for (const auto& [key, figure] : shown) {
    const auto& [level, area, period, start, cell] = key;
    // Areas inside this one, same period (and the same heatmap cell).
    std::vector<FigureKey> children;
    for (const std::string& child : all_areas) {
      auto p = parent_of.find(child);
      if (p != parent_of.end() && p->second == area) {
        children.push_back({level_of.at(child), child, period, start, cell});
      }
    }
    if (!children.empty()) relation(figure, children);
    // Days inside this week or month, same area and cell.
    if (period == v1::WEEK || period == v1::MONTH) {
      std::vector<FigureKey> days;
      const auto period_of = static_cast<v1::AggregationPeriod>(period);
      for (absl::CivilDay d = start; services::AggregatePeriodStart(d, period_of) == start; ++d) {
        days.push_back({level, area, v1::DAY, d, cell});
      }
      relation(figure, days);
    }
    // Heatmap cells inside this area total.
    if (cell.empty()) {
      std::vector<FigureKey> cells;
      for (auto it = shown.upper_bound(key);
           it != shown.end() && std::get<0>(it->first) == level &&
           std::get<1>(it->first) == area && std::get<2>(it->first) == period &&
           std::get<3>(it->first) == start;
           ++it) {
        cells.push_back(it->first);
      }
      if (!cells.empty()) relation(figure, cells);
    }
  }
  return attack;
}

// How many withheld sets with a true total below k the attack pins down: every derivation
// equals the true total. Also returns how many such sets were derivable at all.
std::pair<int, int> Recovered(const Attack& attack, const Figures& truth) {
  int recovered = 0, derivable = 0;
  for (const auto& [set, values] : attack.derived) {
    int64_t total = 0;
    for (const FigureKey& k : set) total += truth.at(k).reports;
    if (total <= 0 || total >= kK) continue;
    ++derivable;
    bool all = true;
    for (int64_t v : values) all = all && v == total;
    if (all) ++recovered;
  }
  return {recovered, derivable};
}

TEST_F(DifferencingTest, NoDifferenceOfPublicFiguresPinsDownACountBelowK) {
  const std::vector<v1::Area> buurten = Areas(v1::BUURT);
  const std::vector<v1::Area> wijken = Areas(v1::WIJK);
  ASSERT_GE(buurten.size(), 20u);
  std::map<std::string, std::string> parent_of;
  std::map<std::string, int> level_of;
  std::vector<std::string> all_areas;
  for (const auto* list : {&buurten, &wijken}) {
    for (const v1::Area& a : *list) {
      parent_of[a.code()] = a.parent_code();
      level_of[a.code()] = a.level();
      all_areas.push_back(a.code());
    }
  }

  // The seeded store: shop thefts in Beverwijk in the last two weeks, most in ten busy
  // buurten, a few spread over the others: many buurt-days with one or two, the wijken
  // and the gemeente with many.
  std::mt19937_64 rng(20261206);
  std::uniform_real_distribution<double> jitter(-0.003, 0.003);
  std::uniform_real_distribution<double> hours(0.5, 14 * 24);
  const char* kTexts[] = {"Winkeldief bij de drogist", "Diefstal uit de supermarkt",
                          "Man stal een jas uit de winkel", "Winkeldiefstal bij de slijter",
                          "Vrouw steelt cosmetica", "Jongen pakt telefoonhoesjes mee"};
  // From 60 residents' devices: k counts distinct reporters (privacy/small_counts.h).
  std::vector<std::string> devices;
  for (int d = 0; d < 60; ++d) {
    absl::StatusOr<std::string> token = server_.RegisterDevice();
    ASSERT_TRUE(token.ok()) << token.status();
    devices.push_back(*token);
  }
  for (int i = 0; i < 900; ++i) {
    // Most in ten busy buurten, the rest spread thinly over the others.
    const v1::Area& b = rng() % 100 < 80 ? buurten[rng() % 10]
                                         : buurten[10 + rng() % (buurten.size() - 10)];
    v1::Report r = BreestraatReport(NewUuid(rng), kTexts[rng() % 6]);
    r.mutable_location()->set_latitude(b.centroid().latitude() + jitter(rng));
    r.mutable_location()->set_longitude(b.centroid().longitude() + jitter(rng));
    *r.mutable_observed_time() = TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(clock_.Now() - absl::Hours(hours(rng))));
    v1::Report out;
    grpc::Status status = server_.Submit(devices[rng() % devices.size()], r, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  const absl::CivilDay today = storage::MapDay(clock_.Now());
  const absl::CivilDay first =
      services::AggregatePeriodStart(absl::CivilDay(absl::CivilMonth(today - 21)), v1::WEEK);
  const absl::CivilDay end = today + 1;
  Figures shown, truth;
  for (v1::AreaLevel level : {v1::GEMEENTE, v1::WIJK, v1::BUURT}) {
    for (v1::AggregationPeriod period : {v1::DAY, v1::WEEK, v1::MONTH}) {
      for (int cell_level : {0, 14}) {
        Read("", level, period, first, end, cell_level, &shown);
        Read(server_.admin_token(), level, period, first, end, cell_level, &truth);
      }
    }
  }
  ASSERT_FALSE(HasFatalFailure());
  // Nothing public shows a count below k, and every withheld cell is one the rule withholds.
  for (const auto& [key, f] : shown) {
    if (!f.withheld) {
      EXPECT_TRUE(f.reports == 0 || f.reports >= kK) << std::get<1>(key);
      EXPECT_TRUE(f.incidents == 0 || f.incidents >= kK) << std::get<1>(key);
    }
  }

  // The same store published the plain way: exact counts, cells below k withheld.
  Figures plain = truth;
  for (auto& [key, f] : plain) {
    const auto below = [](int64_t n) { return n > 0 && n < kK; };
    f.withheld = below(f.reports) || below(f.incidents);
  }
  const auto [plain_recovered, plain_derivable] =
      Recovered(RunAttack(plain, parent_of, all_areas, level_of), truth);
  const auto [recovered, derivable] =
      Recovered(RunAttack(shown, parent_of, all_areas, level_of), truth);
  std::printf("plain suppression: %d of %d withheld sets below k recovered; "
              "the public rule: %d of %d\n",
              plain_recovered, plain_derivable, recovered, derivable);
  ASSERT_GE(plain_derivable, 20) << "positive control: the seeded store must be attackable";
  EXPECT_EQ(plain_recovered, plain_derivable) << "positive control: plain suppression leaks";
  // A derivation is off by a sum of independent offsets: right by chance about a quarter of
  // the time for a single one, less when several must agree.
  EXPECT_LT(recovered * 100, derivable * 45) << recovered << " of " << derivable;
}

}  // namespace
}  // namespace wijkwacht::testing
