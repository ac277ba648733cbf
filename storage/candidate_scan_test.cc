// The writer's candidate scan (search cells, the open incidents of a cell by last observed
// time read within the report's search windows, cheap distance bounds, IncidentMatcher::
// ReportScorer's decision) joins every report to the incident that the plain matcher chooses
// over every open incident: a crowded spot, random texts, kinds, brands, colours and times,
// over three days and, out of order, over half a year.
#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "storage/incident_store.h"
#include "storage/open_incidents.h"
#include "storage/report_store.h"
#include "storage/test_util.h"

namespace wijkwacht::storage {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);
constexpr double kLat = 52.4870;
constexpr double kLng = 4.6570;

std::string Id(int n) { return absl::StrFormat("00000000-0000-4000-8000-%012d", n); }

class RandomReports {
 public:
  // Observed times over `span_minutes` after kT0, in random order.
  explicit RandomReports(uint64_t span_minutes = 60 * 24 * 3) : span_minutes_(span_minutes) {}
  NewReport Next(int n) {
    NewReport r;
    r.report.set_id(Id(n));
    r.report.set_name("reports/" + Id(n));
    const std::string category = kCategories[rng_() % kCategories.size()];
    r.report.set_category(category);
    r.report.set_description("melding");
    const auto theme = static_cast<catalog::Theme>(1 + rng_() % 5);
    r.report.set_theme(static_cast<v1::Theme>(theme));
    r.report.mutable_area()->set_gemeente_code("GM0375");
    r.fingerprint = absl::StrCat("fp", n);
    r.area_codes = {"GM0375"};
    dedup::ReportFeatures& f = r.dedup;
    // About 1.5 km by 1.5 km: a few search cells, most candidates out of reach or vetoed.
    f.latitude = kLat + Uniform(-0.007, 0.007);
    f.longitude = kLng + Uniform(-0.011, 0.011);
    f.accuracy_meters = std::vector<double>{0, 10, 65, 150}[rng_() % 4];
    f.observed = kT0 + absl::Minutes(static_cast<int64_t>(rng_() % span_minutes_));
    f.theme = theme;
    f.category = category;
    f.text_vector.resize(8);
    double norm = 0;
    for (float& x : f.text_vector) {
      x = static_cast<float>(rng_() % 3 == 0 ? Uniform(-1, 1) : Uniform(0.5, 1));
      norm += static_cast<double>(x) * x;
    }
    for (float& x : f.text_vector) x = static_cast<float>(x / std::sqrt(norm));
    for (int k = static_cast<int>(rng_() % 3); k > 0; --k) {
      f.event.cues |= uint64_t{1} << (rng_() % (lexicon::kLastEventKind + 1));
    }
    if (rng_() % 3 == 0) f.event.colours = 1u << (rng_() % 3);
    if (rng_() % 3 == 0) f.event.genders = 1u << (rng_() % 2);
    if (rng_() % 4 == 0) f.event.brands = uint64_t{1} << (rng_() % 64);
    for (int k = static_cast<int>(rng_() % 12); k > 0; --k) {
      f.stems.push_back(static_cast<uint32_t>(rng_() % 40) * 0x9E3779B1u);
    }
    std::sort(f.stems.begin(), f.stems.end());
    f.stems.erase(std::unique(f.stems.begin(), f.stems.end()), f.stems.end());
    return r;
  }

 private:
  const std::vector<std::string> kCategories = {"inbraak-woning", "fietsendiefstal", "overlast",
                                                "signalen.overig.overig"};
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  std::mt19937_64 rng_{20261207};
  const uint64_t span_minutes_;
};

// Submits `count` random reports and checks every decision against the plain matcher over
// every open incident as stored (not the scan's cells, windows or bounds).
void ExpectPlainDecisions(RandomReports& reports, int count, int min_joins) {
  testing::TempDir dir;
  EngineOptions options;
  options.data_dir = dir.path();
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  const dedup::IncidentMatcher matcher(dedup::DedupOptions{}, nullptr);
  IncidentStore incidents(engine->get(), &matcher);
  std::unique_ptr<ReportStore> store = NewReportStore(engine->get(), &incidents);

  std::vector<std::string> opened;  // every incident id, all open
  int joins = 0;
  for (int n = 1; n <= count; ++n) {
    NewReport r = reports.Next(n);
    std::optional<std::string> expected;
    double best = 0;
    double best_below = -1;
    for (const std::string& id : opened) {
      absl::StatusOr<internal::StoredIncident> stored = incidents.Get(id, 0);
      ASSERT_TRUE(stored.ok()) << stored.status();
      const dedup::IncidentFeatures f = OpenIncidents::FeaturesOf(id, *stored);
      const dedup::MatchScore s = matcher.Score(r.dedup, f);
      if (!s.eligible) continue;
      if (s.score < matcher.options().threshold) {
        best_below = std::max(best_below, s.score);
        continue;
      }
      if (!expected || s.score > best || (s.score == best && id < *expected)) {
        expected = id;
        best = s.score;
      }
    }
    const std::string id = Id(n);
    absl::StatusOr<SubmitOutcome> outcome = store->Submit(std::move(r));
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    ASSERT_EQ(outcome->report.incident_id(), "incidents/" + expected.value_or(id)) << n;
    if (expected) {
      ++joins;
      absl::StatusOr<internal::StoredIncident> joined = incidents.Get(*expected, 0);
      ASSERT_TRUE(joined.ok()) << joined.status();
      if (matcher.Unsure(best, best_below)) {
        EXPECT_TRUE(joined->incident().needs_review()) << n;
      }
    } else {
      opened.push_back(id);
    }
  }
  // Both outcomes happen often, so the comparison means something.
  EXPECT_GT(joins, min_joins);
  EXPECT_GT(static_cast<int>(opened.size()), 100);
}

TEST(CandidateScanTest, TheWriterJoinsWhatThePlainMatcherChoosesOverTheOpenIncidents) {
  RandomReports reports;
  ExpectPlainDecisions(reports, 600, 100);
}

// Half a year of history in the same few cells, observed times out of order: the scan reads
// a cell's incidents from the oldest last observed time a window reaches, and stops after
// the newest one whose span can still reach the report; it misses none the matcher accepts.
TEST(CandidateScanTest, ALongHistoryOutOfOrderLosesNoCandidate) {
  RandomReports reports(60 * 24 * 182);
  ExpectPlainDecisions(reports, 900, 20);
}

}  // namespace
}  // namespace wijkwacht::storage
