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

// A join the matcher is unsure of (within review_margin above the threshold) flags the
// incident for the desk's review; a clear join does not.
TEST(IncidentStoreReviewTest, AnUnsureJoinFlagsTheIncidentForReview) {
  const NewReport first = Report(1, 0, absl::ZeroDuration());
  const NewReport second = Report(2, 60, absl::Minutes(7));
  const double score =
      dedup::IncidentMatcher(dedup::DedupOptions{}, nullptr)
          .Score(second.dedup, dedup::OneReportIncident(first.dedup, "first"))
          .score;
  for (const bool unsure : {false, true}) {
    SCOPED_TRACE(unsure ? "unsure" : "clear");
    dedup::DedupOptions options;
    options.review_margin = 0.05;
    options.threshold = unsure ? score - 0.01 : score - 0.2;
    const dedup::IncidentMatcher matcher(options, nullptr);
    testing::TempDir dir;
    EngineOptions engine_options;
    engine_options.data_dir = dir.path();
    auto engine = Engine::Open(engine_options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    IncidentStore incidents(engine->get(), &matcher);
    std::unique_ptr<ReportStore> reports = NewReportStore(engine->get(), &incidents);
    ASSERT_TRUE(reports->Submit(first).ok());
    auto joined = reports->Submit(second);
    ASSERT_TRUE(joined.ok()) << joined.status();
    EXPECT_EQ(joined->report.incident_id(), "incidents/" + Id(1));
    auto incident = incidents.Get(Id(1));
    ASSERT_TRUE(incident.ok()) << incident.status();
    EXPECT_EQ(incident->incident().needs_review(), unsure);
    EXPECT_EQ(incident->review_count(), unsure ? 1 : 0);
  }
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

TEST_F(IncidentStoreTest, AWriteThatIsRolledBackLeavesNoIncidentInMemory) {
  // A WriteFn that assigns a report and then fails: its incident must not attract the next
  // report (the in-memory working set is restored, like the staged RocksDB values).
  NewReport phantom = Report(1, 0, absl::ZeroDuration());
  IncidentMember member;
  member.report_id = phantom.report.id();
  member.features = phantom.dedup;
  member.area_codes = phantom.area_codes;
  absl::Status failed = engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    auto assigned = incidents_->Assign(ctx, member);
    EXPECT_TRUE(assigned.ok()) << assigned.status();
    EXPECT_EQ(incidents_->OpenInMemory(), 1u);
    return absl::AbortedError("fails after staging");
  });
  EXPECT_TRUE(absl::IsAborted(failed)) << failed;
  EXPECT_EQ(incidents_->OpenInMemory(), 0u);
  EXPECT_EQ(Submit(Report(2, 10, absl::Minutes(1))), "incidents/" + Id(2));
  // A join rolled back: the joined incident keeps its committed members and version.
  NewReport joiner = Report(3, 5, absl::Minutes(2));
  member.report_id = joiner.report.id();
  member.features = joiner.dedup;
  failed = engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    auto assigned = incidents_->Assign(ctx, member);
    EXPECT_TRUE(assigned.ok() && assigned->incident_id == Id(2));
    return absl::AbortedError("fails after the join");
  });
  EXPECT_TRUE(absl::IsAborted(failed));
  auto matches = incidents_->FindMatches(Report(4, 0, absl::Minutes(3)).dedup, 5, 0);
  ASSERT_TRUE(matches.ok());
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].incident.report_count, 1);
}

TEST_F(IncidentStoreTest, TheWorkingSetIsRebuiltFromDiskWithTheSameDecisions) {
  // Three incidents, one of them with many members; after a restart the next reports make the
  // decisions a store that never restarted makes.
  for (int n = 1; n <= 20; ++n) Submit(Report(n, n % 7, absl::Seconds(10 * n)));
  EXPECT_EQ(Submit(Report(21, 1500, absl::Minutes(5))), "incidents/" + Id(21));
  NewReport dog = Report(22, 3, absl::Minutes(6), catalog::Theme::kOther, {0, 1});
  dog.dedup.category = "loslopende-hond";
  EXPECT_EQ(Submit(std::move(dog)), "incidents/" + Id(22));
  const size_t before = incidents_->OpenInMemory();
  Open();
  ASSERT_TRUE(incidents_->Load().ok());
  EXPECT_EQ(incidents_->OpenInMemory(), before);
  EXPECT_EQ(Submit(Report(23, 4, absl::Minutes(7))), "incidents/" + Id(1));
  EXPECT_EQ(Submit(Report(24, 1490, absl::Minutes(8))), "incidents/" + Id(21));
  auto incident = incidents_->Get(Id(1));
  ASSERT_TRUE(incident.ok());
  EXPECT_EQ(incident->report_count(), 21);
  EXPECT_EQ(incident->incident().version(), 21);
}

TEST_F(IncidentStoreTest, AnIndexedIncidentWithoutItsRecordFailsTheRebuild) {
  for (int n = 1; n <= 3; ++n) Submit(Report(n, 1000 * n, absl::Seconds(10 * n)));
  ASSERT_EQ(IndexEntries(), 3);
  ASSERT_TRUE(engine_
                  ->CommitAndWait([&](WriteContext& ctx) {
                    ctx.Delete(ColumnFamily::kIncidents, Id(2));
                    return absl::OkStatus();
                  })
                  .ok());
  Open();
  const absl::Status loaded = incidents_->Load();
  EXPECT_EQ(loaded.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(loaded.message().find(Id(2)), std::string::npos) << loaded;
}

TEST_F(IncidentStoreTest, IncidentsBeyondTheHorizonLeaveMemoryButNoDecisionChanges) {
  // Reports may be at most a day old here: incidents older than the longest window + a day
  // (+ a day of slack) can never be joined again and are dropped from memory.
  incidents_ = std::make_unique<IncidentStore>(engine_.get(), &matcher_, absl::Hours(24));
  store_ = NewReportStore(engine_.get(), incidents_.get());
  EXPECT_EQ(Submit(Report(1, 0, absl::ZeroDuration())), "incidents/" + Id(1));
  const absl::Duration later = matcher_.MaxWindow() + absl::Hours(24 * 4);
  EXPECT_EQ(Submit(Report(2, 3000, later)), "incidents/" + Id(2));
  EXPECT_EQ(Submit(Report(3, 3000, later + absl::Hours(2))), "incidents/" + Id(2));
  EXPECT_EQ(incidents_->OpenInMemory(), 1u);
  // Still open and indexed on disk; a restart leaves it out as well.
  EXPECT_EQ(IndexEntries(), 2);
  Open();
  incidents_ = std::make_unique<IncidentStore>(engine_.get(), &matcher_, absl::Hours(24));
  store_ = NewReportStore(engine_.get(), incidents_.get());
  ASSERT_TRUE(incidents_->Load().ok());
  EXPECT_EQ(incidents_->OpenInMemory(), 1u);
}

}  // namespace
}  // namespace wijkwacht::storage
