#include "storage/report_store.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/aggregate_store.h"
#include "storage/keys.h"
#include "storage/purge.h"
#include "storage/test_util.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

const absl::Time kBase = absl::FromUnixSeconds(1'780'000'000);

NewReport MakeReport(int n, const std::string& buurt = "BU03750003",
                     v1::Theme theme = v1::LIVEABILITY) {
  NewReport r;
  r.report.set_id(absl::StrFormat("00000000-0000-4000-8000-%012d", n));
  r.report.set_name("reports/" + r.report.id());
  r.report.set_description(absl::StrCat("melding ", n));
  r.report.set_category("verdachte-persoon");
  *r.report.mutable_observed_time() =
      TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(kBase + absl::Minutes(n)));
  r.report.set_theme(theme);
  r.report.mutable_area()->set_gemeente_code("GM0375");
  r.report.mutable_area()->set_buurt_code(buurt);
  r.fingerprint = absl::StrCat("fp", n);
  r.area_codes = {"GM0375", buurt};
  r.s2_cell_id = 0x47c6b1e3a5f00001ull + 2 * n;
  // Far apart (about 1 km per n), so every report opens its own incident.
  r.dedup.latitude = 52.40 + 0.01 * n;
  r.dedup.longitude = 4.65;
  r.dedup.observed = kBase + absl::Minutes(n);
  r.dedup.theme = static_cast<catalog::Theme>(theme);
  r.dedup.category = r.report.category();
  return r;
}

class ReportStoreTest : public ::testing::Test {
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
  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  dedup::IncidentMatcher matcher_{dedup::DedupOptions{}, nullptr};
  std::unique_ptr<IncidentStore> incidents_;
  std::unique_ptr<ReportStore> store_;
};

TEST_F(ReportStoreTest, SubmitReplayAndConflict) {
  auto first = store_->Submit(MakeReport(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(first->report.status(), v1::RECEIVED);
  EXPECT_TRUE(first->report.has_create_time());

  auto replay = store_->Submit(MakeReport(1));
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->report.SerializeAsString(), first->report.SerializeAsString());
  EXPECT_EQ(engine_->LastSequence(), 1u);

  NewReport changed = MakeReport(1);
  changed.fingerprint = "other";
  auto conflict = store_->Submit(changed);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(conflict.status().message().find("report.id"), absl::string_view::npos);

  auto got = store_->Get(MakeReport(1).report.id());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->description(), "melding 1");
  EXPECT_EQ(store_->Get("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ReportStoreTest, AnotherReportersIdIsStoredApartAndNamedAsSentForItsReporter) {
  NewReport mine = MakeReport(3);
  mine.reporter = "devices/victim";
  ASSERT_TRUE(store_->Submit(mine).ok());
  NewReport theirs = MakeReport(4);  // another reporter, the same id, other content
  theirs.report.set_id(mine.report.id());
  theirs.report.set_name(mine.report.name());
  theirs.reporter = "devices/other";
  auto stored = store_->Submit(theirs);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_FALSE(stored->replayed);
  EXPECT_EQ(stored->report.id(), mine.report.id()) << "named as sent, as for a fresh id";
  EXPECT_EQ(stored->report.incident_id(), absl::StrCat("incidents/", mine.report.id()));
  auto again = store_->Submit(theirs);  // its retry
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->report.SerializeAsString(), stored->report.SerializeAsString());
  NewReport changed = theirs;
  changed.fingerprint = "other";
  EXPECT_EQ(store_->Submit(changed).status().code(), absl::StatusCode::kAlreadyExists);

  // The victim's report is untouched; the other one lives under its alias.
  auto victims = store_->GetStored(mine.report.id());
  ASSERT_TRUE(victims.ok());
  EXPECT_EQ(victims->reporter(), "devices/victim");
  EXPECT_EQ(victims->report().description(), "melding 3");
  auto alias = ResolveOwnReportId(*store_, mine.report.id(), "devices/other");
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ(*alias, store_->AliasOf("devices/other", mine.report.id(), 0));
  auto aliased = store_->GetStored(*alias);
  ASSERT_TRUE(aliased.ok());
  EXPECT_EQ(aliased->client_id(), mine.report.id());
  EXPECT_EQ(aliased->report().description(), "melding 4");
  EXPECT_EQ(ReporterView(*aliased).SerializeAsString(), stored->report.SerializeAsString());
  EXPECT_EQ(*ResolveOwnReportId(*store_, mine.report.id(), "devices/victim"), mine.report.id());
  EXPECT_EQ(*ResolveOwnReportId(*store_, mine.report.id(), "devices/third"), mine.report.id());
  auto verified = VerifyAggregates(*engine_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->empty()) << absl::StrJoin(*verified, "\n");
}

// Issue 15 row 19, the residual: once the report that held the id is purged, the other
// reporter's retry still finds its own report under the alias (a replay, or ALREADY_EXISTS for
// other content) instead of storing a second copy under the id itself, so the answers do not
// change with the purge.
TEST_F(ReportStoreTest, AnAliasedReportStaysIdempotentAfterTheOtherReportIsPurged) {
  NewReport mine = MakeReport(5);
  mine.reporter = "devices/victim";
  ASSERT_TRUE(store_->Submit(mine).ok());
  NewReport theirs = MakeReport(6);
  theirs.report.set_id(mine.report.id());
  theirs.report.set_name(mine.report.name());
  theirs.reporter = "devices/other";
  auto stored = store_->Submit(theirs);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_FALSE(stored->replayed);

  IncidentPurger purger(engine_.get(), incidents_.get());
  PurgeOrder order;
  order.incident_id = mine.report.id();
  order.actor = "retention";
  order.reason = "retention: test";
  auto purged = purger.Purge(order);
  ASSERT_TRUE(purged.ok()) << purged.status();
  ASSERT_EQ(store_->GetStored(mine.report.id()).status().code(), absl::StatusCode::kNotFound);

  auto again = store_->Submit(theirs);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed) << "a second copy was stored after the purge";
  EXPECT_EQ(again->report.SerializeAsString(), stored->report.SerializeAsString());
  NewReport changed = theirs;
  changed.fingerprint = "other";
  EXPECT_EQ(store_->Submit(changed).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetStored(mine.report.id()).status().code(), absl::StatusCode::kNotFound)
      << "nothing is stored under the purged id";
  EXPECT_EQ(*ResolveOwnReportId(*store_, mine.report.id(), "devices/other"),
            store_->AliasOf("devices/other", mine.report.id(), 0));

  // A reporter new to the id gets a report of its own, named as sent.
  NewReport third = MakeReport(7);
  third.report.set_id(mine.report.id());
  third.report.set_name(mine.report.name());
  third.reporter = "devices/third";
  auto fresh = store_->Submit(third);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE(fresh->replayed);
  EXPECT_EQ(fresh->report.id(), mine.report.id());
  auto verified = VerifyAggregates(*engine_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->empty()) << absl::StrJoin(*verified, "\n");
}

TEST_F(ReportStoreTest, AReporterCountsOncePerThemeAndPeriodTowardsK) {
  // One established reporter, three reports in one buurt on one day; another reporter, one.
  for (int n : {10, 11, 12}) {
    NewReport r = MakeReport(n);
    r.reporter = "devices/busy";
    ASSERT_TRUE(store_->Submit(r).ok());
  }
  NewReport other = MakeReport(13);
  other.reporter = "devices/other";
  ASSERT_TRUE(store_->Submit(other).ok());
  NewReport fresh = MakeReport(14);  // not established: counts for nothing
  fresh.reporter = "devices/fresh";
  fresh.established_reporter = false;
  ASSERT_TRUE(store_->Submit(fresh).ok());
  AggregateStore aggregates(engine_.get());
  DayCounts day;
  const absl::CivilDay d = MapDay(kBase);
  ASSERT_TRUE(aggregates
                  .ForEachDay("BU03750003", v1::LIVEABILITY, d, d + 1,
                              [&](absl::CivilDay, const DayCounts& c) { day += c; })
                  .ok());
  EXPECT_EQ(day.reports, 5);
  for (v1::AggregationPeriod p : {v1::DAY, v1::WEEK, v1::MONTH, v1::HALF_YEAR}) {
    EXPECT_EQ(day.DistinctReporters(p), 2) << v1::AggregationPeriod_Name(p);
  }
  EXPECT_EQ(day.reporter_keys, ReporterKey("devices/busy") + ReporterKey("devices/other"));
  auto verified = VerifyAggregates(*engine_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->empty()) << absl::StrJoin(*verified, "\n");
}

TEST_F(ReportStoreTest, ConcurrentDuplicatesStoreExactlyOnce) {
  std::atomic<int> stored{0}, replayed{0}, done{0};
  for (int i = 0; i < 20; ++i) {
    store_->SubmitAsync(MakeReport(7), [&](absl::StatusOr<SubmitOutcome> r) {
      ASSERT_TRUE(r.ok());
      (r->replayed ? replayed : stored)++;
      done++;
    });
  }
  while (done.load() < 20) std::this_thread::yield();
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(replayed.load(), 19);
  EXPECT_EQ(engine_->LastSequence(), 1u);
}

TEST_F(ReportStoreTest, ListPaginatesNewestFirstAcrossRestart) {
  for (int i = 0; i < 250; ++i) {
    ASSERT_TRUE(store_->Submit(MakeReport(i, i % 2 ? "BU03750003" : "BU03750000",
                                          i % 3 ? v1::LIVEABILITY : v1::YOUTH))
                    .ok());
  }
  Open();  // everything must survive a reopen
  ReportQuery q;
  q.page_size = 40;
  std::vector<std::string> ids;
  int pages = 0;
  do {
    auto page = store_->List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Report& r : page->reports) ids.push_back(r.id());
    q.page_token = page->next_page_token;
    ++pages;
  } while (!q.page_token.empty());
  ASSERT_EQ(ids.size(), 250u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 250u);
  EXPECT_EQ(ids.front(), MakeReport(249).report.id());
  EXPECT_EQ(ids.back(), MakeReport(0).report.id());
  EXPECT_GE(pages, 7);

  ReportQuery filtered;
  filtered.area_code = "BU03750003";
  filtered.theme = v1::YOUTH;
  filtered.page_size = 1000;
  filtered.start_time = kBase + absl::Minutes(30);
  filtered.end_time = kBase + absl::Minutes(90);
  auto page = store_->List(filtered);
  ASSERT_TRUE(page.ok());
  // Odd i in [30, 90) divisible by 3: 33, 39, ..., 87 -> 10 reports.
  ASSERT_EQ(page->reports.size(), 10u);
  EXPECT_EQ(page->reports.front().id(), MakeReport(87).report.id());
  EXPECT_EQ(page->reports.back().id(), MakeReport(33).report.id());
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST_F(ReportStoreTest, PageTokenMisuseNamesTheField) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Submit(MakeReport(i)).ok());
  ReportQuery q;
  q.page_size = 2;
  auto page = store_->List(q);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_page_token.empty());

  ReportQuery other = q;
  other.area_code = "GM0375";
  other.page_token = page->next_page_token;
  EXPECT_EQ(store_->List(other).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(store_->List(other).status().message().find("page_token"), absl::string_view::npos);

  q.page_token = "not-a-token!";
  EXPECT_EQ(store_->List(q).status().code(), absl::StatusCode::kInvalidArgument);
  q.page_token.clear();
  q.page_size = 0;
  EXPECT_NE(store_->List(q).status().message().find("page_size"), absl::string_view::npos);
}

TEST_F(ReportStoreTest, AggregatesMatchARecomputationAndTamperingIsFound) {
  for (int n = 1; n <= 20; ++n) ASSERT_TRUE(store_->Submit(MakeReport(n, n % 2 ? "BU03750003" : "BU03750001")).ok());
  auto clean = VerifyAggregates(*engine_);
  ASSERT_TRUE(clean.ok()) << clean.status();
  EXPECT_TRUE(clean->empty()) << (*clean)[0];
  // Survives a restart (counters are merge operands in the WAL / SSTs).
  Open();
  clean = VerifyAggregates(*engine_);
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->empty());

  ASSERT_TRUE(engine_
                  ->CommitAndWait([](WriteContext& ctx) {
                    StageReportCounts(ctx, {"BU03750003"}, v1::LIVEABILITY,
                                      kBase + absl::Minutes(1), /*leaf_cell=*/0x47c5e3a1b2c3d4e5,
                                      NewReportCount{"r-tampered", kAllPeriodBits, 0, false});
                    return absl::OkStatus();
                  })
                  .ok());
  auto tampered = VerifyAggregates(*engine_);
  ASSERT_TRUE(tampered.ok());
  ASSERT_EQ(tampered->size(), 2u);  // the area total and its heatmap cell
  EXPECT_NE((*tampered)[0].find("BU03750003"), std::string::npos);
  EXPECT_NE((*tampered)[1].find("cell"), std::string::npos);
}

TEST_F(ReportStoreTest, InMemoryCountsEqualRocksDBThroughWritesFailuresAndRestarts) {
  // Half the reports before the memory is loaded, half after; one failing write in between.
  for (int n = 1; n <= 10; ++n) ASSERT_TRUE(store_->Submit(MakeReport(n)).ok());
  auto memory = AggregateStore::OpenWithMemory(engine_.get(), MapDay(kBase) - 1);
  ASSERT_TRUE(memory.ok()) << memory.status();
  const AggregateStore disk(engine_.get());
  EXPECT_GT((*memory)->CountersInMemory(), 0u);
  for (int n = 11; n <= 20; ++n) {
    ASSERT_TRUE(store_->Submit(MakeReport(n, n % 2 ? "BU03750003" : "BU03750001")).ok());
  }
  absl::Status failed = engine_->CommitAndWait([](WriteContext& ctx) {
    StageReportCounts(ctx, {"BU03750003"}, v1::LIVEABILITY, kBase, 0x47c5e3a1b2c3d4e5,
                      NewReportCount{"r-memory", kAllPeriodBits, 0, true});
    return absl::AbortedError("rolled back");
  });
  EXPECT_TRUE(absl::IsAborted(failed));
  auto same = (*memory)->VerifyMemory();
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(same->empty()) << (*same)[0];

  // Reads from memory equal reads from RocksDB, totals and heatmap cells.
  for (const char* area : {"GM0375", "BU03750003", "BU03750001"}) {
    std::vector<std::string> from_memory, from_disk;
    auto collect = [](std::vector<std::string>* out) {
      return [out](absl::CivilDay day, const DayCounts& c) {
        out->push_back(absl::StrCat(absl::FormatCivilTime(day), " ", c.incidents, "/", c.reports));
      };
    };
    ASSERT_TRUE((*memory)
                    ->ForEachDay(area, v1::LIVEABILITY, MapDay(kBase), MapDay(kBase) + 2,
                                 collect(&from_memory))
                    .ok());
    ASSERT_TRUE(disk.ForEachDay(area, v1::LIVEABILITY, MapDay(kBase), MapDay(kBase) + 2,
                                collect(&from_disk))
                    .ok());
    EXPECT_EQ(from_memory, from_disk) << area;
    EXPECT_FALSE(from_memory.empty()) << area;
    int64_t cells_memory = 0, cells_disk = 0;
    ASSERT_TRUE((*memory)
                    ->ForEachCellDay(area, v1::LIVEABILITY, MapDay(kBase), MapDay(kBase) + 2,
                                     [&](absl::CivilDay, uint64_t, const DayCounts& c) {
                                       cells_memory += c.reports;
                                     })
                    .ok());
    ASSERT_TRUE(disk.ForEachCellDay(area, v1::LIVEABILITY, MapDay(kBase), MapDay(kBase) + 2,
                                    [&](absl::CivilDay, uint64_t, const DayCounts& c) {
                                      cells_disk += c.reports;
                                    })
                    .ok());
    EXPECT_EQ(cells_memory, cells_disk) << area;
  }
  memory->reset();  // its listener must not outlive it: reopen the engine as well
  Open();
  auto reloaded = AggregateStore::OpenWithMemory(engine_.get(), MapDay(kBase) - 1);
  ASSERT_TRUE(reloaded.ok());
  auto again = (*reloaded)->VerifyMemory();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

}  // namespace
}  // namespace wijkwacht::storage
