#include "storage/retention.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/dispatch/audit_chain.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/dispatch_store.h"
#include "storage/identity_store.h"
#include "storage/keys.h"
#include "storage/report_store.h"
#include "storage/sealed_test_stack.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

const absl::Time kBase = SealedStackTest::Base();
const absl::Duration kDay = absl::Hours(24);

class RetentionTest : public SealedStackTest {
 protected:
  void SetUp() override {
    SealedStackTest::SetUp();
    feed_ = std::make_unique<ChangeFeed>(engine_.get());
    RetentionOptions retention;
    retention.clock = &clock_;
    sweeper_ = std::make_unique<RetentionSweeper>(engine_.get(), sealed_.get(), feed_.get(),
                                                  retention);
    pseudonym_ = Register("retention-device");
  }

  // A report stored now, observed an hour ago, with contact details and an amendment.
  std::string Submit(int n) {
    NewReport r;
    r.report.set_id(absl::StrFormat("00000000-0000-4000-8000-%012d", n));
    r.report.set_description(absl::StrCat("vrije tekst ", n));
    r.report.set_category("verdachte-persoon");
    *r.report.mutable_observed_time() =
        TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(clock_.Now() - absl::Hours(1)));
    r.fingerprint = absl::StrCat("fp", n);
    r.area_codes = {"GM0375"};
    r.s2_cell_id = 0x47c6b1e3a5f00001ull + 2 * n;
    r.dedup.latitude = 52.40 + 0.01 * n;
    r.dedup.longitude = 4.65;
    r.dedup.observed = clock_.Now() - absl::Hours(1);
    r.reporter = pseudonym_;
    r.contact.emplace().set_phone("0612345678");
    EXPECT_TRUE(reports_->Submit(r).ok());
    EXPECT_TRUE(engine_
                    ->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
                      internal::StoredReport stored;
                      stored.ParseFromString(**ctx.Get(ColumnFamily::kReports, r.report.id()));
                      internal::ReportAmendment* a = stored.add_amendments();
                      a->set_photo_ref("photos/abc");
                      a->set_note("nog een notitie");
                      ctx.Put(ColumnFamily::kReports, r.report.id(), stored.SerializeAsString());
                      ctx.Put(ColumnFamily::kCorrections, r.report.id(), "__label__X tekst");
                      return absl::OkStatus();
                    })
                    .ok());
    return r.report.id();
  }

  internal::StoredReport Stored(const std::string& id) { return *reports_->GetStored(id); }

  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<RetentionSweeper> sweeper_;
  std::string pseudonym_;
};

TEST_F(RetentionTest, EachClassGoesAtItsOwnAge) {
  const std::string old_report = Submit(1);
  clock_.Advance(200 * kDay);
  const std::string young_report = Submit(2);

  clock_.Set(kBase + 364 * kDay);
  RetentionCounts counts = *sweeper_->Sweep();
  EXPECT_EQ(counts.contact_details, 0);
  EXPECT_EQ(counts.photos, 0);
  EXPECT_EQ(sealed_->Reveal(pseudonym_)->contacts.size(), 2u);

  clock_.Set(kBase + 366 * kDay);
  counts = *sweeper_->Sweep();
  EXPECT_EQ(counts.contact_details, 1);
  EXPECT_EQ(counts.photos, 1);
  EXPECT_EQ(counts.free_texts, 0);
  absl::StatusOr<RevealedIdentity> revealed = sealed_->Reveal(pseudonym_);
  ASSERT_EQ(revealed->contacts.size(), 1u);
  EXPECT_EQ(revealed->contacts[0].report_id, young_report);
  EXPECT_EQ(revealed->device_id, "retention-device");  // the identity itself stays
  EXPECT_EQ(Stored(old_report).amendments(0).photo_ref(), "");
  EXPECT_EQ(Stored(old_report).amendments(0).note(), "nog een notitie");
  EXPECT_EQ(Stored(old_report).report().description(), "vrije tekst 1");
  EXPECT_EQ(Stored(young_report).amendments(0).photo_ref(), "photos/abc");

  // A second sweep at the same time changes nothing.
  counts = *sweeper_->Sweep();
  EXPECT_EQ(counts.contact_details + counts.photos + counts.free_texts, 0);

  clock_.Set(kBase + 731 * kDay);
  counts = *sweeper_->Sweep();
  EXPECT_EQ(counts.free_texts, 1);
  EXPECT_EQ(Stored(old_report).report().description(), "");
  EXPECT_EQ(Stored(old_report).amendments(0).note(), "");
  EXPECT_FALSE(engine_->Get(ColumnFamily::kCorrections, old_report)->has_value());
  EXPECT_EQ(Stored(young_report).report().description(), "vrije tekst 2");
  EXPECT_TRUE(engine_->Get(ColumnFamily::kCorrections, young_report)->has_value());
  // Everything else about the report stays.
  EXPECT_EQ(Stored(old_report).reporter(), pseudonym_);
  EXPECT_EQ(Stored(old_report).report().category(), "verdachte-persoon");

  clock_.Set(kBase + 200 * kDay + 731 * kDay);
  counts = *sweeper_->Sweep();
  EXPECT_EQ(counts.free_texts, 1);
  EXPECT_EQ(Stored(young_report).report().description(), "");
}

TEST_F(RetentionTest, ChangeLogRetentionBoundsCursorsAndKeepsTheNewestEvent) {
  Submit(1);
  Submit(2);
  const uint64_t before = feed_->LastSequence();
  ASSERT_GE(before, 2u);
  clock_.Advance(89 * kDay);
  EXPECT_EQ(sweeper_->Sweep()->change_events, 0);
  ASSERT_TRUE(feed_->Read(0, 10).ok());

  clock_.Advance(2 * kDay);
  EXPECT_EQ(sweeper_->Sweep()->change_events, static_cast<int64_t>(before - 1));
  EXPECT_EQ(feed_->FirstRetainedSequence(), before - 1);
  EXPECT_EQ(feed_->Read(0, 10).status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<std::vector<internal::ChangeEvent>> rest = feed_->Read(before - 1, 10);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].sequence(), before);

  // A restarted server knows the bound from meta.
  ChangeFeed restarted(engine_.get());
  RetentionSweeper again(engine_.get(), sealed_.get(), &restarted, RetentionOptions{});
  ASSERT_TRUE(again.RestoreChangeLogBound().ok());
  EXPECT_EQ(restarted.FirstRetainedSequence(), before - 1);
}

TEST_F(RetentionTest, AuditRetentionKeepsTheChainVerifiable) {
  // Three entries a year apart.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(engine_
                    ->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
                      std::optional<dispatch::AuditEntry> previous;
                      if (auto head = *ctx.Get(ColumnFamily::kMeta, "audit_head")) {
                        v1::AuditEntry proto;
                        proto.ParseFromString(*head);
                        previous = AuditEntryFromProto(proto);
                      }
                      dispatch::AuditEntry entry{.time = ctx.Now(),
                                                 .actor = "users/anna",
                                                 .action = "TransitionIncident",
                                                 .target = absl::StrCat("incidents/", i)};
                      if (absl::Status s = dispatch::SealEntry(entry, previous ? &*previous : nullptr);
                          !s.ok()) {
                        return s;
                      }
                      const std::string bytes = AuditEntryToProto(entry).SerializeAsString();
                      ctx.Put(ColumnFamily::kAuditLog, SequenceKey(entry.sequence), bytes);
                      ctx.Put(ColumnFamily::kMeta, "audit_head", bytes);
                      return absl::OkStatus();
                    })
                    .ok());
    clock_.Advance(365 * kDay);
  }
  ASSERT_EQ(*VerifyAuditLog(*engine_), 3);
  // Now 3 years after the first: with 700 days' retention the first two go.
  RetentionOptions short_audit;
  short_audit.clock = &clock_;
  short_audit.audit_entries = 700 * kDay;
  RetentionSweeper sweeper(engine_.get(), nullptr, nullptr, short_audit);
  EXPECT_EQ(sweeper.Sweep()->audit_entries, 2);
  absl::StatusOr<int64_t> verified = VerifyAuditLog(*engine_);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified, 3);
  // Tampering with the retained entry is still caught.
  ASSERT_TRUE(engine_
                  ->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
                    v1::AuditEntry proto;
                    proto.ParseFromString(**ctx.Get(ColumnFamily::kAuditLog, SequenceKey(3)));
                    proto.set_detail("changed");
                    ctx.Put(ColumnFamily::kAuditLog, SequenceKey(3), proto.SerializeAsString());
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(VerifyAuditLog(*engine_).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace wijkwacht::storage
