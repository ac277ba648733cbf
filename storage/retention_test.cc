#include "storage/retention.h"

#include <future>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/dispatch/audit_chain.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/aggregate_store.h"
#include "storage/alert_store.h"
#include "storage/deletion_log.h"
#include "storage/dispatch_store.h"
#include "storage/purge.h"
#include "storage/identity_store.h"
#include "storage/keys.h"
#include "storage/notify_outbox.h"
#include "storage/report_store.h"
#include "storage/sealed_test_stack.h"
#include "storage/test_util.h"

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

// Whole incidents by final status, and alerts: at 366 days exactly the rejected incident and
// the ended alert (with its ack) are gone, at 5 years + 1 day the resolved and closed ones
// too; the open incident stays throughout. Each deletion is in the deletion log, no file of
// the data dir holds a deleted report's description (positive control: found before), and
// the aggregates and the audit chain verify.
class IncidentRetentionTest : public SealedStackTest {
 protected:
  void SetUp() override {
    SealedStackTest::SetUp();
    dispatch_ = std::make_unique<DispatchStore>(engine_.get(), incidents_.get());
    purger_ = std::make_unique<IncidentPurger>(engine_.get(), incidents_.get());
    alerts_ = std::make_unique<AlertStore>(engine_.get());
    RetentionOptions options;
    options.clock = &clock_;
    // Descriptions stay (they are this test's markers) for as long as their incidents do.
    options.free_text = absl::Hours(24 * 3650);
    sweeper_ = std::make_unique<RetentionSweeper>(engine_.get(), sealed_.get(), nullptr, options,
                                                  purger_.get(), alerts_.get());
    pseudonym_ = Register("incident-retention-device");
  }

  static double Latitude(int n) { return 52.4 + 0.01 * n; }
  // A marker in report n's description: no four letters in common with another's, so that
  // block compression cannot split one into a back-reference.
  static std::string Marker(int n) {
    static const char* const kMarkers[] = {"", "alfabravoquex", "charliedeltyz", "echofoxjuwmp",
                                           "golfhotkinvs"};
    return kMarkers[n];
  }

  // A report (its own incident, far from the others) with contact details; returns its id.
  std::string Submit(int n) {
    NewReport r;
    r.report.set_id(absl::StrFormat("00000000-0000-4000-8000-%012d", n));
    r.report.set_description(Marker(n));
    r.report.set_category("verdachte-persoon");
    r.report.mutable_location()->set_latitude(Latitude(n));
    r.report.mutable_location()->set_longitude(4.65);
    *r.report.mutable_observed_time() =
        TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(clock_.Now() - absl::Hours(1)));
    r.report.mutable_area()->set_gemeente_code("GM0375");
    r.fingerprint = absl::StrCat("fp", n);
    r.area_codes = {"GM0375"};
    r.s2_cell_id = 0x47c6b1e3a5f00001ull + 2 * n;
    r.dedup.latitude = Latitude(n);
    r.dedup.longitude = 4.65;
    r.dedup.observed = clock_.Now() - absl::Hours(1);
    r.reporter = pseudonym_;
    r.contact.emplace().set_phone("0612345678");
    absl::StatusOr<SubmitOutcome> outcome = reports_->Submit(r);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    return r.report.id();
  }

  void Move(const std::string& id, std::vector<dispatch::IncidentStatus> path) {
    for (dispatch::IncidentStatus target : path) {
      absl::StatusOr<internal::StoredIncident> now = dispatch_->Get(id);
      ASSERT_TRUE(now.ok()) << now.status();
      absl::StatusOr<internal::StoredIncident> moved = dispatch_->Transition(
          id, now->incident().version(), target, "afgehandeld door de balie", {"users/anna"});
      ASSERT_TRUE(moved.ok()) << moved.status();
    }
  }

  bool Exists(const std::string& id) { return dispatch_->Get(id).ok(); }

  std::map<std::string, int64_t> Logged() {
    std::map<std::string, int64_t> kinds;
    absl::StatusOr<DeletionPage> page = DeletionLog(engine_.get()).List(100, "");
    EXPECT_TRUE(page.ok()) << page.status();
    for (const v1::Deletion& d : page->deletions) {
      EXPECT_EQ(d.actor(), "retention");
      EXPECT_TRUE(absl::StartsWith(d.reason(), "retention: ")) << d.reason();
      kinds[absl::StrCat(d.target(), " ", d.record_kind())] += d.count();
    }
    return kinds;
  }

  void ExpectClean() {
    absl::StatusOr<std::vector<std::string>> differences = VerifyAggregates(*engine_);
    ASSERT_TRUE(differences.ok()) << differences.status();
    EXPECT_EQ(*differences, std::vector<std::string>{});
    EXPECT_TRUE(VerifyAuditLog(*engine_).ok());
  }

  std::unique_ptr<DispatchStore> dispatch_;
  std::unique_ptr<IncidentPurger> purger_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<RetentionSweeper> sweeper_;
  std::string pseudonym_;
};

TEST_F(IncidentRetentionTest, EachFinalStatusGoesAtItsOwnAgeOpenOnesNever) {
  using S = dispatch::IncidentStatus;
  const std::string rejected = Submit(1), resolved = Submit(2), closed = Submit(3),
                    open = Submit(4);
  Move(rejected, {S::kRejected});
  Move(resolved, {S::kTriaged, S::kInProgress, S::kResolved});
  Move(closed, {S::kTriaged, S::kInProgress, S::kResolved, S::kClosed});
  {
    NewAlert alert;
    alert.id = "winkel-alert-1";
    alert.alert.set_name("alerts/winkel-alert-1");
    alert.alert.set_description("Zakkenroller bij de markt");
    alert.area_codes = {"GM0375"};
    alert.publisher = "users/winkelier";
    alert.ttl = absl::Hours(2);
    std::promise<absl::StatusOr<PublishOutcome>> published;
    alerts_->PublishAsync(alert, [&](absl::StatusOr<PublishOutcome> r) { published.set_value(r); });
    ASSERT_TRUE(published.get_future().get().ok());
    std::promise<absl::StatusOr<bool>> acked;
    alerts_->AckAsync("winkel-alert-1", "p-subscriber", true,
                      [&](absl::StatusOr<bool> r) { acked.set_value(r); });
    ASSERT_TRUE(acked.get_future().get().ok());
  }
  ASSERT_TRUE(engine_->PurgeDeleted({ColumnFamily::kIncidents}).ok());  // flush: into SSTs
  for (int n = 1; n <= 4; ++n) {
    EXPECT_FALSE(testing::FilesContaining(dir_.path(), Marker(n)).empty())
        << n << ": the scan could not fail";
  }

  clock_.Set(kBase + 364 * kDay);
  RetentionCounts counts = *sweeper_->Sweep();
  EXPECT_EQ(counts.incidents, 0);
  EXPECT_EQ(counts.alerts, 0);

  clock_.Set(kBase + 366 * kDay);
  counts = *sweeper_->Sweep();
  EXPECT_EQ(counts.incidents, 1);
  EXPECT_EQ(counts.alerts, 1);
  EXPECT_FALSE(Exists(rejected));
  EXPECT_TRUE(Exists(resolved) && Exists(closed) && Exists(open));
  EXPECT_EQ(reports_->Get(rejected).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(alerts_->Get("winkel-alert-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(alerts_->AcksOf("p-subscriber")->empty());
  EXPECT_EQ(testing::FilesContaining(dir_.path(), Marker(1)), std::vector<std::string>{});
  for (int n = 2; n <= 4; ++n) {
    EXPECT_FALSE(testing::FilesContaining(dir_.path(), Marker(n)).empty()) << n;
  }
  const std::string rejected_name = absl::StrCat("incidents/", rejected);
  EXPECT_EQ(Logged(), (std::map<std::string, int64_t>{{rejected_name + " incident", 1},
                                                      {rejected_name + " report", 1},
                                                      {"alerts alert", 1},
                                                      {"alerts alert_ack", 1}}));
  ExpectClean();

  clock_.Set(kBase + (5 * 365) * kDay);  // a day short of five years with a leap day
  EXPECT_EQ(sweeper_->Sweep()->incidents, 0);
  clock_.Set(kBase + (5 * 365 + 2) * kDay);  // five years (one leap day) + 1 day
  EXPECT_EQ(sweeper_->Sweep()->incidents, 2);
  EXPECT_FALSE(Exists(resolved) || Exists(closed));
  EXPECT_TRUE(Exists(open));
  EXPECT_TRUE(reports_->Get(open).ok());
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(testing::FilesContaining(dir_.path(), Marker(n)), std::vector<std::string>{})
        << n;
  }
  EXPECT_FALSE(testing::FilesContaining(dir_.path(), Marker(4)).empty());
  const std::map<std::string, int64_t> logged = Logged();
  for (const std::string& id : {resolved, closed}) {
    EXPECT_EQ(logged.at(absl::StrCat("incidents/", id, " incident")), 1) << id;
    EXPECT_EQ(logged.at(absl::StrCat("incidents/", id, " report")), 1) << id;
  }
  EXPECT_EQ(logged.size(), 8u);
  ExpectClean();
}

TEST(IncidentRetentionOptionsTest, RulesParseValidateAndFormat) {
  absl::StatusOr<std::vector<IncidentRetentionRule>> rules =
      ParseIncidentRetention("REJECTED=8760h, SUBVERSION/CLOSED=87600h");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[1].theme, v1::SUBVERSION);
  EXPECT_EQ((*rules)[1].status, v1::INCIDENT_CLOSED);
  EXPECT_EQ(FormatIncidentRetention(*rules), "REJECTED=8760h,SUBVERSION/CLOSED=87600h");
  EXPECT_EQ(FormatIncidentRetention(DefaultIncidentRetention()),
            "REJECTED=8760h,RESOLVED=43824h,CLOSED=43824h");
  EXPECT_EQ(*ParseIncidentRetention(FormatIncidentRetention(DefaultIncidentRetention())) ==
                DefaultIncidentRetention(),
            true);
  for (const char* bad : {"OPEN=1h", "REJECTED", "REJECTED=soon", "NOTATHEME/CLOSED=1h"}) {
    EXPECT_EQ(ParseIncidentRetention(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  RetentionOptions options;
  options.incidents = *ParseIncidentRetention("NEW=1h");
  EXPECT_EQ(ValidateRetentionOptions(options).code(), absl::StatusCode::kInvalidArgument);
  options.incidents = *ParseIncidentRetention("CLOSED=1h,CLOSED=2h");
  EXPECT_EQ(ValidateRetentionOptions(options).code(), absl::StatusCode::kInvalidArgument);
  options.incidents = DefaultIncidentRetention();
  EXPECT_TRUE(ValidateRetentionOptions(options).ok());
  options.alerts = absl::ZeroDuration();
  EXPECT_EQ(ValidateRetentionOptions(options).code(), absl::StatusCode::kInvalidArgument);
}

// The webhook outbox and its dead letters hold a device pseudonym, names and a dispatcher's
// text: the sweep removes what a change-log event no longer kept caused (with a deletion-log
// entry), and an erasure removes what was for the erased device.
TEST_F(RetentionTest, NotificationsGoWithTheirChangeAndWithTheErasedDevice) {
  NotifyOutbox outbox(engine_.get(), &random_);
  ASSERT_TRUE(outbox.Attach().ok());
  sealed_->set_notify_outbox(&outbox);
  RetentionOptions retention;
  retention.clock = &clock_;
  RetentionSweeper sweeper(engine_.get(), sealed_.get(), feed_.get(), retention, nullptr, nullptr,
                           &outbox);
  const std::string other = Register("other-device");
  const auto feedback = [&](const std::string& reporter) {
    internal::ChangeEvent event;
    internal::IncidentChanged& c = *event.mutable_incident_changed();
    c.set_incident("incidents/i1");
    c.set_action("SendFeedback");
    c.set_feedback_message("We komen morgen kijken");
    c.add_reporters(reporter);
    ASSERT_TRUE(engine_
                    ->CommitAndWait([&](WriteContext& ctx) {
                      ctx.AppendChange(event);
                      return absl::OkStatus();
                    })
                    .ok());
  };
  feedback(other);  // given up: a dead letter
  auto entries = outbox.Oldest(10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  ASSERT_TRUE(outbox.GiveUp((*entries)[0].key, clock_.Now(), 3).ok());
  clock_.Advance(60 * kDay);
  feedback(other);      // still pending
  feedback(pseudonym_);  // for the device erased below
  ASSERT_EQ(outbox.Pending(), 2);
  ASSERT_EQ(outbox.DeadLetters(), 1);

  ASSERT_TRUE(sealed_->Erase(pseudonym_, "retention-device").ok());
  EXPECT_EQ(outbox.Pending(), 1);
  entries = outbox.Oldest(10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].notification.recipient(), other);

  // 91 days after the first change: the change log keeps 90 days, and so do notifications.
  clock_.Set(kBase + 91 * kDay);
  RetentionCounts counts = *sweeper.Sweep();
  EXPECT_EQ(counts.notifications, 1);
  EXPECT_EQ(outbox.DeadLetters(), 0);
  EXPECT_EQ(outbox.Pending(), 1);  // 31 days old
  DeletionLog log(engine_.get());
  auto deletions = log.List(100, "");
  ASSERT_TRUE(deletions.ok()) << deletions.status();
  bool logged = false;
  for (const v1::Deletion& d : deletions->deletions) {
    if (d.record_kind() != "notification") continue;
    logged = true;
    EXPECT_EQ(d.count(), 1);
    EXPECT_EQ(d.actor(), "retention");
    EXPECT_TRUE(absl::StartsWith(d.reason(), "retention: notifications 90 d")) << d.reason();
  }
  EXPECT_TRUE(logged);
  clock_.Set(kBase + 200 * kDay);
  counts = *sweeper.Sweep();
  EXPECT_EQ(counts.notifications, 1);
  EXPECT_EQ(outbox.Pending(), 0);
}

}  // namespace
}  // namespace wijkwacht::storage
