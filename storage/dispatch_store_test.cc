#include "storage/dispatch_store.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/report_store.h"
#include "storage/test_util.h"

namespace wijkwacht::storage {
namespace {

using ::wijkwacht::testing::TempDir;

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);
constexpr double kLat = 52.4870;
constexpr double kLng = 4.6570;
constexpr double kMetresPerDegreeLat = 111195;

std::string Id(int n) { return absl::StrFormat("00000000-0000-4000-8000-%012d", n); }

NewReport Report(int n, double north_m, absl::Duration after, const std::string& reporter) {
  NewReport r;
  r.report.set_id(Id(n));
  r.report.set_name("reports/" + Id(n));
  r.report.set_category("inbraak-woning");
  r.report.set_description("deur\ngeforceerd");
  r.report.set_reporter_role(v1::RESIDENT);
  r.report.set_theme(v1::LIVEABILITY);
  r.report.mutable_area()->set_gemeente_code("GM0375");
  r.report.mutable_location()->set_latitude(kLat + north_m / kMetresPerDegreeLat);
  r.report.mutable_location()->set_longitude(kLng);
  *r.report.mutable_observed_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(kT0 + after));
  r.fingerprint = absl::StrCat("fp", n);
  r.area_codes = {"GM0375"};
  r.reporter = reporter;
  r.dedup.latitude = kLat + north_m / kMetresPerDegreeLat;
  r.dedup.longitude = kLng;
  r.dedup.observed = kT0 + after;
  r.dedup.theme = catalog::Theme::kLiveability;
  r.dedup.category = "inbraak-woning";
  r.dedup.text_vector = {1, 0};
  return r;
}

class DispatchStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    options.sync_writes = false;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    incidents_ = std::make_unique<IncidentStore>(engine_.get(), &matcher_);
    reports_ = NewReportStore(engine_.get(), incidents_.get());
    store_ = std::make_unique<DispatchStore>(engine_.get(), incidents_.get());
  }

  std::string Submit(int n, double north_m, absl::Duration after, const std::string& reporter) {
    auto out = reports_->Submit(Report(n, north_m, after, reporter));
    EXPECT_TRUE(out.ok()) << out.status();
    // As staff see it: a device is shown its own id for an incident another device opened.
    auto stored = reports_->Get(Id(n));
    EXPECT_TRUE(stored.ok()) << stored.status();
    absl::string_view incident = stored.ok() ? absl::string_view(stored->incident_id()) : "";
    absl::ConsumePrefix(&incident, "incidents/");
    return std::string(incident);
  }
  int64_t Version(const std::string& id) {
    auto s = store_->Get(id);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->incident().version() : -1;
  }

  TempDir dir_;
  dedup::IncidentMatcher matcher_{dedup::DedupOptions{}, nullptr};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<IncidentStore> incidents_;
  std::unique_ptr<ReportStore> reports_;
  std::unique_ptr<DispatchStore> store_;
  const DispatchActor alice_{"users/alice"};
  const DispatchActor bob_{"users/bob"};
};

TEST_F(DispatchStoreTest, ClaimChecksVersionAndOwner) {
  const std::string id = Submit(1, 0, absl::ZeroDuration(), "devices/a");
  const int64_t v = Version(id);
  auto claimed = store_->Claim(id, v, alice_);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_EQ(claimed->incident().claimed_by(), "users/alice");
  EXPECT_EQ(claimed->incident().version(), v + 1);
  // Same (stale) version: ABORTED naming the current version.
  auto stale = store_->Claim(id, v, bob_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(absl::StrContains(stale.status().message(), absl::StrCat(v + 1))) << stale.status();
  // Current version but claimed by someone else.
  auto other = store_->Claim(id, v + 1, bob_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
  EXPECT_EQ(store_->Claim(id, 0, alice_).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DispatchStoreTest, ResolvedIncidentLeavesTheCellIndexAndReportsFollow) {
  const std::string id = Submit(1, 0, absl::ZeroDuration(), "devices/a");
  EXPECT_EQ(Submit(2, 20, absl::Minutes(5), "devices/b"), id);  // joins
  auto s = store_->Transition(id, Version(id), dispatch::IncidentStatus::kTriaged, "", alice_);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(reports_->Get(Id(2))->status(), v1::TRIAGED);
  // DISPATCHED needs a team.
  s = store_->Transition(id, Version(id), dispatch::IncidentStatus::kDispatched, "", alice_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->Assign(id, Version(id), "handhaving", alice_).ok());
  ASSERT_TRUE(
      store_->Transition(id, Version(id), dispatch::IncidentStatus::kDispatched, "", alice_).ok());
  s = store_->Transition(id, Version(id), dispatch::IncidentStatus::kResolved, "", alice_);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->index_key().empty());
  EXPECT_EQ(reports_->Get(Id(1))->status(), v1::RESOLVED);
  // A new report right there opens a new incident.
  EXPECT_NE(Submit(3, 10, absl::Minutes(10), "devices/c"), id);
  // Reopening puts it back in the index.
  s = store_->Transition(id, Version(id), dispatch::IncidentStatus::kInProgress, "toch niet",
                         alice_);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->index_key().empty());
  auto indexed = engine_->Get(ColumnFamily::kIncidentsByCell, s->index_key());
  ASSERT_TRUE(indexed.ok());
  EXPECT_TRUE(indexed->has_value());
  // Closing records close_time.
  ASSERT_TRUE(
      store_->Transition(id, Version(id), dispatch::IncidentStatus::kResolved, "", alice_).ok());
  s = store_->Transition(id, Version(id), dispatch::IncidentStatus::kClosed, "", alice_);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->has_close_time());
  // Illegal transition names the allowed ones.
  s = store_->Transition(id, Version(id), dispatch::IncidentStatus::kResolved, "", alice_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.status().message(), "INCIDENT_TRIAGED")) << s.status();
}

TEST_F(DispatchStoreTest, MergeSplitReclassifyFeedback) {
  const std::string a = Submit(1, 0, absl::ZeroDuration(), "devices/a");
  const std::string b = Submit(2, 5000, absl::ZeroDuration(), "devices/b");  // 5 km away
  ASSERT_NE(a, b);
  auto merged = store_->Merge(a, Version(a), {b}, alice_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->report_count(), 2);
  EXPECT_NEAR(merged->incident().centroid().latitude(), kLat + 2500 / kMetresPerDegreeLat, 1e-6);
  EXPECT_EQ(reports_->Get(Id(2))->incident_id(), "incidents/" + a);
  auto absorbed = store_->Get(b);
  ASSERT_TRUE(absorbed.ok());
  EXPECT_EQ(absorbed->incident().status(), v1::INCIDENT_CLOSED);
  EXPECT_EQ(absorbed->merged_into(), a);
  EXPECT_EQ(absorbed->incident().reports_size(), 0);
  EXPECT_EQ(store_->Get(a)->incident().reports_size(), 2);
  // Merging it again is refused.
  EXPECT_EQ(store_->Merge(a, Version(a), {b}, alice_).status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto split = store_->Split(a, Version(a), Id(2), alice_);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->incident().name(), "incidents/split-" + Id(2));
  EXPECT_EQ(split->report_count(), 1);
  EXPECT_EQ(split->incident().status(), v1::INCIDENT_NEW);
  EXPECT_EQ(reports_->Get(Id(2))->incident_id(), "incidents/split-" + Id(2));
  auto rest = store_->Get(a);
  EXPECT_EQ(rest->report_count(), 1);
  EXPECT_NEAR(rest->incident().centroid().latitude(), kLat, 1e-9);
  // The only report cannot be split off.
  EXPECT_EQ(store_->Split(a, Version(a), Id(1), alice_).status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto re = store_->Reclassify(a, Version(a), v1::SUBVERSION, "", alice_);
  ASSERT_TRUE(re.ok()) << re.status();
  EXPECT_EQ(re->incident().theme(), v1::SUBVERSION);
  auto correction = GetCorrection(*engine_, Id(1));
  ASSERT_TRUE(correction.ok());
  ASSERT_TRUE(correction->has_value());
  EXPECT_EQ(**correction,
            "__label__SUBVERSION __cat__inbraak-woning __role__resident deur geforceerd");
  // The export is the file `wijkwacht train --corrections` reads: one line per correction.
  std::string exported;
  auto lines = ExportCorrections(*engine_, &exported);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_GE(*lines, 1);
  EXPECT_NE(exported.find(**correction + "\n"), std::string::npos);
  EXPECT_EQ(std::count(exported.begin(), exported.end(), '\n'), *lines);

  ASSERT_TRUE(store_->Merge(a, Version(a), {"split-" + Id(2)}, alice_).ok());
  auto recipients = store_->SendFeedback(a, "Bedankt, we zijn er mee bezig.", alice_);
  ASSERT_TRUE(recipients.ok()) << recipients.status();
  EXPECT_EQ(*recipients, 2);

  // The change log carries the feedback with both reports.
  bool found = false;
  ASSERT_TRUE(engine_
                  ->Scan(ColumnFamily::kChangeLog, "", "",
                         [&](absl::string_view, absl::string_view value) {
                           internal::ChangeEvent e;
                           e.ParseFromArray(value.data(), static_cast<int>(value.size()));
                           if (e.has_incident_changed() &&
                               !e.incident_changed().feedback_message().empty()) {
                             found = e.incident_changed().report_ids_size() == 2 &&
                                     e.incident_changed().reporters_size() == 2;
                           }
                           return true;
                         })
                  .ok());
  EXPECT_TRUE(found);
}

TEST_F(DispatchStoreTest, ListFiltersAndPagesByStatus) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Submit(i + 1, 3000.0 * i, absl::Minutes(i), "devices/a"));
  }
  ASSERT_TRUE(
      store_->Transition(ids[1], Version(ids[1]), dispatch::IncidentStatus::kTriaged, "", alice_)
          .ok());
  IncidentQuery q;
  q.page_size = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store_->List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& s : page->incidents) seen.push_back(s.incident().name());
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_EQ(seen.size(), 5u);
  IncidentQuery triaged;
  triaged.status = v1::INCIDENT_TRIAGED;
  auto page = store_->List(triaged);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->incidents.size(), 1u);
  EXPECT_EQ(page->incidents[0].incident().name(), "incidents/" + ids[1]);
  IncidentQuery fresh;
  fresh.status = v1::INCIDENT_NEW;
  EXPECT_EQ(store_->List(fresh)->incidents.size(), 4u);
  // A token is bound to its filters.
  fresh.page_token = q.page_token;
  EXPECT_EQ(store_->List(fresh).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DispatchStoreTest, AuditLogPagesAndDetectsTampering) {
  const std::string id = Submit(1, 0, absl::ZeroDuration(), "devices/a");
  ASSERT_TRUE(store_->Claim(id, Version(id), alice_).ok());
  ASSERT_TRUE(store_->Assign(id, Version(id), "openbare-ruimte", alice_).ok());
  ASSERT_TRUE(
      store_->Transition(id, Version(id), dispatch::IncidentStatus::kTriaged, "", alice_).ok());
  auto verified = VerifyAuditLog(*engine_);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified, 3);

  auto first = store_->AuditLog(2, "");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries.size(), 2u);
  EXPECT_EQ(first->entries[0].sequence(), 1);
  EXPECT_EQ(first->entries[0].action(), "ClaimIncident");
  auto second = store_->AuditLog(2, first->next_page_token);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->entries.size(), 1u);
  EXPECT_EQ(second->entries[0].sequence(), 3);
  EXPECT_EQ(second->entries[0].previous_hash(), first->entries[1].hash());
  EXPECT_TRUE(second->next_page_token.empty());

  // Rewrite entry 2's detail in place.
  v1::AuditEntry forged = first->entries[1];
  forged.set_detail("team HANDHAVING -> HANDHAVING");
  ASSERT_TRUE(engine_
                  ->CommitAndWait([&](WriteContext& ctx) {
                    ctx.Put(ColumnFamily::kAuditLog, SequenceKey(2), forged.SerializeAsString());
                    return absl::OkStatus();
                  })
                  .ok());
  auto broken = VerifyAuditLog(*engine_);
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(broken.status().message(), "audit entry 2")) << broken.status();
}

TEST_F(DispatchStoreTest, CutOffTailIsDetected) {
  const std::string id = Submit(1, 0, absl::ZeroDuration(), "devices/a");
  ASSERT_TRUE(store_->Claim(id, Version(id), alice_).ok());
  ASSERT_TRUE(store_->Assign(id, Version(id), "openbare-ruimte", alice_).ok());
  ASSERT_TRUE(engine_
                  ->CommitAndWait([&](WriteContext& ctx) {
                    ctx.Delete(ColumnFamily::kAuditLog, SequenceKey(2));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(VerifyAuditLog(*engine_).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace wijkwacht::storage
