#include "storage/incident_store.h"

#include <atomic>
#include <cmath>
#include <set>

#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "storage/report_store.h"
#include "storage/test_util.h"

namespace wijkwacht::storage {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);
constexpr double kLat = 52.4870;
constexpr double kLng = 4.6570;
constexpr double kMetresPerDegreeLat = 111195;

std::string Id(int n) { return absl::StrFormat("00000000-0000-4000-8000-%012d", n); }

NewReport Report(int n, double north_m, absl::Duration after,
                 catalog::Theme theme = catalog::Theme::kLiveability,
                 std::vector<float> text = {1, 0}) {
  NewReport r;
  r.report.set_id(Id(n));
  r.report.set_name("reports/" + Id(n));
  r.report.set_category("inbraak-woning");
  r.report.set_description("melding");
  r.report.set_theme(static_cast<v1::Theme>(theme));
  r.report.mutable_area()->set_gemeente_code("GM0375");
  r.fingerprint = absl::StrCat("fp", n);
  r.area_codes = {"GM0375"};
  r.dedup.latitude = kLat + north_m / kMetresPerDegreeLat;
  r.dedup.longitude = kLng;
  r.dedup.observed = kT0 + after;
  r.dedup.theme = theme;
  r.dedup.category = "inbraak-woning";
  double norm = 0;
  for (float x : text) norm += x * x;
  for (float& x : text) x = static_cast<float>(x / std::sqrt(norm));
  r.dedup.text_vector = text;
  return r;
}

class IncidentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_.reset();
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    incidents_ = std::make_unique<IncidentStore>(engine_.get(), &matcher_);
    store_ = NewReportStore(engine_.get(), incidents_.get());
  }
  std::string Submit(NewReport r) {
    auto outcome = store_->Submit(std::move(r));
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    return outcome.ok() ? outcome->report.incident_id() : "";
  }
  int IndexEntries() {
    int n = 0;
    EXPECT_TRUE(engine_
                    ->Scan(ColumnFamily::kIncidentsByCell, "", "",
                           [&](absl::string_view, absl::string_view) { return ++n, true; })
                    .ok());
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  dedup::IncidentMatcher matcher_{dedup::DedupOptions{}, nullptr};
  std::unique_ptr<IncidentStore> incidents_;
  std::unique_ptr<ReportStore> store_;
};

TEST_F(IncidentStoreTest, CloseReportsJoinOneIncidentAndFarOnesOpenTheirOwn) {
  EXPECT_EQ(Submit(Report(1, 0, absl::ZeroDuration())), "incidents/" + Id(1));
  EXPECT_EQ(Submit(Report(2, 60, absl::Minutes(7))), "incidents/" + Id(1));
  EXPECT_EQ(Submit(Report(3, 2000, absl::Minutes(8))), "incidents/" + Id(3));

  auto incident = incidents_->Get(Id(1));
  ASSERT_TRUE(incident.ok()) << incident.status();
  const v1::Incident& i = incident->incident();
  EXPECT_EQ(i.name(), "incidents/" + Id(1));
  EXPECT_EQ(i.status(), v1::INCIDENT_NEW);
  ASSERT_EQ(i.reports_size(), 2);
  EXPECT_EQ(i.reports(1), "reports/" + Id(2));
  EXPECT_NEAR(i.centroid().latitude(), kLat + 30 / kMetresPerDegreeLat, 1e-9);
  EXPECT_EQ(i.first_observed_time().seconds(), absl::ToUnixSeconds(kT0));
  EXPECT_EQ(i.last_observed_time().seconds(), absl::ToUnixSeconds(kT0 + absl::Minutes(7)));
  EXPECT_EQ(i.version(), 2);
  EXPECT_EQ(incident->report_count(), 2);
  // One index entry per open incident: the old key of incident 1 was replaced.
  EXPECT_EQ(IndexEntries(), 2);
}

TEST_F(IncidentStoreTest, ReportsOfOneGroupSeeTheIncidentsStagedBeforeThem) {
  // Submitted without waiting, so the engine commits them in few groups: each report must
  // still find the incident an earlier report of its own group opened.
  constexpr int kReports = 50;
  std::atomic<int> remaining{kReports};
  absl::Notification all_done;
  std::set<std::string> incident_ids;
  std::mutex mu;
  for (int n = 1; n <= kReports; ++n) {
    store_->SubmitAsync(Report(n, n % 5, absl::Seconds(n)),
                        [&](absl::StatusOr<SubmitOutcome> outcome) {
                          ASSERT_TRUE(outcome.ok()) << outcome.status();
                          {
                            std::lock_guard<std::mutex> lock(mu);
                            incident_ids.insert(outcome->report.incident_id());
                          }
                          if (--remaining == 0) all_done.Notify();
                        });
  }
  all_done.WaitForNotification();
  EXPECT_EQ(incident_ids, std::set<std::string>{"incidents/" + Id(1)});
  auto incident = incidents_->Get(Id(1));
  ASSERT_TRUE(incident.ok());
  EXPECT_EQ(incident->incident().reports_size(), kReports);
  EXPECT_EQ(IndexEntries(), 1);
}

TEST_F(IncidentStoreTest, GroupingSurvivesARestartAndReplaysDoNotChangeIt) {
  EXPECT_EQ(Submit(Report(1, 0, absl::ZeroDuration())), "incidents/" + Id(1));
  Open();
  EXPECT_EQ(Submit(Report(2, 20, absl::Minutes(3))), "incidents/" + Id(1));
  // Replay of report 2 after another report opened a closer incident: unchanged answer.
  EXPECT_EQ(Submit(Report(1, 0, absl::ZeroDuration())), "incidents/" + Id(1));
  EXPECT_EQ(Submit(Report(2, 20, absl::Minutes(3))), "incidents/" + Id(1));
  auto incident = incidents_->Get(Id(1));
  ASSERT_TRUE(incident.ok());
  EXPECT_EQ(incident->incident().reports_size(), 2);
}

TEST_F(IncidentStoreTest, OtherThemeAndTextAtTheSameSpotOpensANewIncident) {
  EXPECT_EQ(Submit(Report(1, 0, absl::ZeroDuration())), "incidents/" + Id(1));
  NewReport dog = Report(2, 5, absl::Minutes(1), catalog::Theme::kOther, {0, 1});
  dog.dedup.category = "loslopende-hond";
  EXPECT_EQ(Submit(std::move(dog)), "incidents/" + Id(2));
}

TEST_F(IncidentStoreTest, TimeWindowSplitsRecurringEvents) {
  EXPECT_EQ(Submit(Report(1, 0, absl::ZeroDuration())), "incidents/" + Id(1));
  EXPECT_EQ(Submit(Report(2, 0, absl::Hours(24 * 7))), "incidents/" + Id(2));
  // A late report of the first week still finds the first week's incident.
  EXPECT_EQ(Submit(Report(3, 0, absl::Hours(2))), "incidents/" + Id(1));
}

TEST_F(IncidentStoreTest, FindMatchesScoresBestFirstAndWritesNothing) {
  Submit(Report(1, 0, absl::ZeroDuration()));
  NewReport other = Report(2, 140, absl::Minutes(1), catalog::Theme::kLiveability, {0, 1});
  other.dedup.category = "vandalisme";
  EXPECT_EQ(Submit(std::move(other)), "incidents/" + Id(2));
  const uint64_t before = engine_->LastSequence();
  NewReport probe = Report(3, 10, absl::Minutes(2));
  auto matches = incidents_->FindMatches(probe.dedup, 5, 0);
  ASSERT_TRUE(matches.ok()) << matches.status();
  ASSERT_EQ(matches->size(), 2u);
  EXPECT_EQ((*matches)[0].incident.id, Id(1));
  EXPECT_GT((*matches)[0].score.score, (*matches)[1].score.score);
  EXPECT_EQ((*matches)[0].incident.report_count, 1);
  EXPECT_EQ(engine_->LastSequence(), before);
  auto one = incidents_->FindMatches(probe.dedup, 1, 0);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
}

}  // namespace
}  // namespace wijkwacht::storage
