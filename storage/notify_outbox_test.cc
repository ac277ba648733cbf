#include "storage/notify_outbox.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "auth/random.h"
#include "gtest/gtest.h"
#include "storage/dispatch_store.h"
#include "storage/keys.h"
#include "storage/test_util.h"
#include "wijkwacht/v1/sync.pb.h"

namespace wijkwacht::storage {
namespace {

const std::string kDeviceA = "p0123456789abcdef0123456789abcdef";
const std::string kDeviceB = "pfedcba9876543210fedcba9876543210";

class NotifyOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    outbox_.reset();
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    outbox_ = std::make_unique<NotifyOutbox>(engine_.get(), &random_);
    ASSERT_TRUE(outbox_->Attach().ok());
  }

  void PutReport(const std::string& id, const std::string& reporter,
                 const std::string& client_id = "") {
    internal::StoredReport report;
    report.set_reporter(reporter);
    report.set_client_id(client_id);
    report.mutable_report()->set_description("Fiets gestolen, zwarte Gazelle");
    ASSERT_TRUE(engine_
                    ->CommitAndWait([&](WriteContext& ctx) {
                      ctx.Put(ColumnFamily::kReports, id, report.SerializeAsString());
                      return absl::OkStatus();
                    })
                    .ok());
  }

  // Commits one change event (and `fail` after it, if not OK).
  absl::Status Change(internal::ChangeEvent event, absl::Status fail = absl::OkStatus()) {
    return engine_->CommitAndWait([&](WriteContext& ctx) {
      ctx.AppendChange(event);
      return fail;
    });
  }

  std::vector<NotifyOutbox::Entry> All() {
    auto entries = outbox_->Oldest(1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *entries : std::vector<NotifyOutbox::Entry>{};
  }

  testing::TempDir dir_;
  auth::FakeRandomSource random_{18};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<NotifyOutbox> outbox_;
};

internal::ChangeEvent Feedback(std::vector<std::string> reporters) {
  internal::ChangeEvent event;
  internal::IncidentChanged& c = *event.mutable_incident_changed();
  c.set_incident("incidents/i1");
  c.set_action("SendFeedback");
  c.set_feedback_message("We komen kijken");
  for (std::string& r : reporters) c.add_reporters(std::move(r));
  return event;
}

TEST_F(NotifyOutboxTest, FeedbackGoesOncePerDeviceNeverToStaff) {
  ASSERT_TRUE(Change(Feedback({kDeviceA, "users/anna", kDeviceA, kDeviceB})).ok());
  const std::vector<NotifyOutbox::Entry> entries = All();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].notification.recipient(), kDeviceA);
  EXPECT_EQ(entries[1].notification.recipient(), kDeviceB);
  for (const auto& e : entries) {
    EXPECT_EQ(e.notification.kind(), "feedback");
    EXPECT_EQ(e.notification.message(), "We komen kijken");
    EXPECT_EQ(e.notification.incident(), "incidents/i1");
    EXPECT_EQ(e.notification.id().size(), 32u);
    EXPECT_TRUE(e.notification.has_time());
  }
  EXPECT_NE(entries[0].notification.id(), entries[1].notification.id());
  EXPECT_EQ(outbox_->Pending(), 2);
}

TEST_F(NotifyOutboxTest, AChangeThatFailsLeavesNoNotification) {
  ASSERT_FALSE(Change(Feedback({kDeviceA}), absl::AbortedError("version")).ok());
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(outbox_->Pending(), 0);
}

TEST_F(NotifyOutboxTest, ANotificationThatCannotBeMadeFailsItsChange) {
  ASSERT_TRUE(engine_
                  ->CommitAndWait([](WriteContext& ctx) {
                    ctx.Put(ColumnFamily::kReports, "broken", "\xff\xff\xff");
                    return absl::OkStatus();
                  })
                  .ok());
  internal::ChangeEvent event;
  internal::IncidentChanged& c = *event.mutable_incident_changed();
  c.set_incident("incidents/i1");
  c.set_action("TransitionIncident");
  c.set_report_status(v1::IN_PROGRESS);
  c.add_report_ids("broken");
  const uint64_t before = engine_->LastSequence();
  const absl::Status status = Change(event);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_EQ(engine_->LastSequence(), before) << "the change itself must not commit";
  EXPECT_TRUE(All().empty());
}

TEST_F(NotifyOutboxTest, TransitionsMergesAndSplitsNotifyDeviceReportersOfTheMovedReports) {
  PutReport("r1", kDeviceA);
  PutReport("r2", "users/anna");
  PutReport("r3", kDeviceB);
  internal::ChangeEvent event;
  internal::IncidentChanged& c = *event.mutable_incident_changed();
  c.set_incident("incidents/i1");
  c.set_action("TransitionIncident");
  c.set_report_status(v1::IN_PROGRESS);
  for (const char* id : {"r1", "r2", "r3"}) c.add_report_ids(id);
  ASSERT_TRUE(Change(event).ok());
  // The survivor's own merge event moves nothing of its own: nobody.
  c.set_action("MergeIncidents");
  ASSERT_TRUE(Change(event).ok());
  c.set_action("ClaimIncident");
  c.set_report_status(0);
  ASSERT_TRUE(Change(event).ok());
  // The absorbed incident's event: its reports now show the survivor (i2) and its status.
  c.set_action("MergeIncidents");
  c.set_merged_into("incidents/i2");
  c.set_report_status(v1::IN_PROGRESS);
  ASSERT_TRUE(Change(event).ok());
  // A split: the report in its new incident, RECEIVED.
  internal::ChangeEvent split;
  internal::IncidentChanged& sc = *split.mutable_incident_changed();
  sc.set_incident("incidents/split-r3");
  sc.set_action("SplitReport");
  sc.set_report_status(v1::RECEIVED);
  sc.add_report_ids("r3");
  ASSERT_TRUE(Change(split).ok());
  // A purge deletes the reports: nobody.
  c.set_action("PurgeIncident");
  c.clear_merged_into();
  ASSERT_TRUE(Change(event).ok());

  const std::vector<NotifyOutbox::Entry> entries = All();
  ASSERT_EQ(entries.size(), 5u);
  const std::pair<const char*, const char*> want[] = {
      {"reports/r1", "incidents/i1"}, {"reports/r3", "incidents/i1"},
      {"reports/r1", "incidents/i2"}, {"reports/r3", "incidents/i2"},
      {"reports/r3", "incidents/split-r3"}};
  for (size_t i = 0; i < entries.size(); ++i) {
    const internal::OutboxNotification& n = entries[i].notification;
    EXPECT_EQ(n.kind(), "status_changed");
    EXPECT_EQ(n.report(), want[i].first) << i;
    EXPECT_EQ(n.incident(), want[i].second) << i;
    EXPECT_EQ(n.recipient(), n.report() == "reports/r1" ? kDeviceA : kDeviceB);
    EXPECT_EQ(n.status(), i == 4 ? "RECEIVED" : "IN_PROGRESS");
    EXPECT_TRUE(n.message().empty());
  }
}

// Issue 15 row 19: a report sent with an id that was already another reporter's is stored
// under an alias. Its device is notified under the id it sent (the report, and the incident
// its report opened), as its own reads and feed show them: a payload naming the alias would
// tell the device that someone else's report has that id. Another device in the same
// incident, which it did not open, knows it by its own report (as ReporterView shows a
// joined report): no payload names a stranger's report to it.
TEST_F(NotifyOutboxTest, AnAliasedReportIsNotifiedUnderTheIdItsDeviceSent) {
  PutReport("alias-1", kDeviceA, "sent-1");
  PutReport("r2", kDeviceB);
  internal::ChangeEvent event;
  internal::IncidentChanged& c = *event.mutable_incident_changed();
  c.set_incident("incidents/alias-1");
  c.set_action("TransitionIncident");
  c.set_report_status(v1::IN_PROGRESS);
  c.set_feedback_message("We komen kijken");
  c.add_report_ids("alias-1");
  c.add_report_ids("r2");
  c.add_reporters(kDeviceA);
  c.add_reporters(kDeviceB);
  ASSERT_TRUE(Change(event).ok());
  internal::ChangeEvent asked;
  internal::QuestionAsked& q = *asked.mutable_question_asked();
  q.set_question("questions/8");
  q.set_incident("incidents/alias-1");
  q.set_text("Welke kant liep hij op?");
  internal::QuestionRecipient& to_a = *q.add_recipients();
  to_a.set_reporter(kDeviceA);
  to_a.set_report_id("alias-1");
  internal::QuestionRecipient& to_b = *q.add_recipients();
  to_b.set_reporter(kDeviceB);
  to_b.set_report_id("r2");
  ASSERT_TRUE(Change(asked).ok());
  const std::vector<NotifyOutbox::Entry> entries = All();
  ASSERT_EQ(entries.size(), 6u);
  for (const NotifyOutbox::Entry& e : entries) {
    const internal::OutboxNotification& n = e.notification;
    const bool a = n.recipient() == kDeviceA;
    EXPECT_EQ(n.incident(), a ? "incidents/sent-1" : "incidents/r2") << n.kind();
    if (n.kind() == "status_changed") {
      EXPECT_EQ(n.report(), a ? "reports/sent-1" : "reports/r2");
    }
    EXPECT_EQ(n.SerializeAsString().find("alias-1"), std::string::npos)
        << n.kind() << " to " << n.recipient();
    if (!a) {
      EXPECT_EQ(n.SerializeAsString().find("sent-1"), std::string::npos)
          << n.kind() << " to " << n.recipient();
    }
  }
}

TEST_F(NotifyOutboxTest, AlertsNotifyTheirAreasWithoutTextOrLocation) {
  internal::ChangeEvent event;
  internal::AlertChanged& a = *event.mutable_alert_published();
  a.mutable_alert()->set_name("alerts/a1");
  a.mutable_alert()->set_type(v1::SHOPLIFTER);
  a.mutable_alert()->set_state(v1::ACTIVE);
  a.mutable_alert()->set_description("Winkeldief, rode jas");
  a.mutable_alert()->mutable_location()->set_latitude(52.487);
  a.add_area_codes("GM0375");
  a.add_area_codes("FA037501");
  ASSERT_TRUE(Change(event).ok());
  const std::vector<NotifyOutbox::Entry> entries = All();
  ASSERT_EQ(entries.size(), 1u);
  const internal::OutboxNotification& n = entries[0].notification;
  EXPECT_EQ(n.kind(), "alert");
  EXPECT_EQ(n.alert(), "alerts/a1");
  EXPECT_EQ(n.alert_type(), "SHOPLIFTER");
  EXPECT_EQ(n.status(), "ACTIVE");
  EXPECT_TRUE(n.recipient().empty());
  EXPECT_TRUE(n.message().empty());
  EXPECT_EQ(n.areas_size(), 2);
  EXPECT_EQ(n.SerializeAsString().find("rode jas"), std::string::npos);
}

TEST_F(NotifyOutboxTest, QuestionsGoOncePerDevice) {
  const std::vector<internal::OutboxNotification> notes = QuestionNotifications(
      "incidents/i1", "questions/q1", "Welke kleur had de fiets?",
      {kDeviceA, "users/anna", kDeviceA, kDeviceB});
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].kind(), "question");
  EXPECT_EQ(notes[0].question(), "questions/q1");
  EXPECT_EQ(notes[1].recipient(), kDeviceB);
}

// The desk's AskReporter appends a QuestionAsked change event: its asked devices are
// notified in the same write, each once, staff never.
TEST_F(NotifyOutboxTest, AnAskedQuestionNotifiesItsDevicesInTheSameWrite) {
  internal::ChangeEvent event;
  internal::QuestionAsked& q = *event.mutable_question_asked();
  q.set_question("questions/7");
  q.set_incident("incidents/i1");
  q.set_text("Welke kant liep hij op?");
  for (const std::string& reporter : {kDeviceA, std::string("users/anna"), kDeviceA, kDeviceB}) {
    q.add_recipients()->set_reporter(reporter);
  }
  ASSERT_TRUE(Change(event).ok());
  const std::vector<NotifyOutbox::Entry> entries = All();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].notification.recipient(), kDeviceA);
  EXPECT_EQ(entries[1].notification.recipient(), kDeviceB);
  for (const auto& e : entries) {
    EXPECT_EQ(e.notification.kind(), "question");
    EXPECT_EQ(e.notification.question(), "questions/7");
    EXPECT_EQ(e.notification.incident(), "incidents/i1");
    EXPECT_EQ(e.notification.message(), "Welke kant liep hij op?");
  }
}

TEST_F(NotifyOutboxTest, PendingEntriesSurviveAReopenAndRemoveTakesThemOut) {
  ASSERT_TRUE(Change(Feedback({kDeviceA, kDeviceB})).ok());
  ASSERT_TRUE(Change(Feedback({kDeviceB})).ok());
  const std::vector<NotifyOutbox::Entry> before = All();
  ASSERT_EQ(before.size(), 3u);
  engine_->Shutdown();
  Open();
  EXPECT_EQ(outbox_->Pending(), 3);
  const std::vector<NotifyOutbox::Entry> after = All();
  ASSERT_EQ(after.size(), 3u);
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].key, before[i].key);
    EXPECT_EQ(after[i].notification.id(), before[i].notification.id());
  }
  ASSERT_TRUE(outbox_->Remove(after[1].key).ok());
  ASSERT_TRUE(outbox_->Remove(after[1].key).ok());  // twice: counted once
  EXPECT_EQ(outbox_->Pending(), 2);
  auto rest = outbox_->Oldest(10, after[0].key);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].key, after[2].key);
}

// Feedback about `incident` to `reporters`, one change.
internal::ChangeEvent FeedbackOn(const std::string& incident, std::vector<std::string> reporters) {
  internal::ChangeEvent event = Feedback(std::move(reporters));
  event.mutable_incident_changed()->set_incident(incident);
  return event;
}

TEST_F(NotifyOutboxTest, DeadLettersArePagedAndResentWithTheirIdempotencyKeyAndAudited) {
  ASSERT_TRUE(Change(Feedback({kDeviceA, kDeviceB})).ok());
  ASSERT_TRUE(Change(Feedback({kDeviceB})).ok());
  const std::vector<NotifyOutbox::Entry> sent = All();
  ASSERT_EQ(sent.size(), 3u);
  for (const NotifyOutbox::Entry& e : sent) {
    ASSERT_TRUE(outbox_->GiveUp(e.key, absl::Now(), 4).ok());
  }
  EXPECT_EQ(outbox_->Pending(), 0);
  EXPECT_EQ(outbox_->DeadLetters(), 3);

  // Two pages, oldest change first.
  auto first = outbox_->ListDeadLetters(2, "");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->entries.size(), 2u);
  EXPECT_EQ(first->entries[0].key, sent[0].key);
  EXPECT_EQ(first->entries[0].notification.failed_attempts(), 4);
  EXPECT_TRUE(first->entries[0].notification.has_gave_up_time());
  ASSERT_EQ(first->next, sent[1].key);
  auto second = outbox_->ListDeadLetters(2, first->next);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->entries.size(), 1u);
  EXPECT_EQ(second->entries[0].key, sent[2].key);
  EXPECT_EQ(second->next, "");
  EXPECT_TRUE(absl::EndsWith(OutboxKeyText(sent[1].key), "-1")) << OutboxKeyText(sent[1].key);
  EXPECT_EQ(ParseOutboxKeyText(OutboxKeyText(sent[1].key)), sent[1].key);
  EXPECT_EQ(ParseOutboxKeyText("01-0"), std::nullopt);
  EXPECT_EQ(ParseOutboxKeyText("1-"), std::nullopt);

  // A key that is no dead letter: nothing moves.
  auto missing = outbox_->Resend({sent[1].key, OutboxKey(99, 0)}, false, 10, "users/beheer");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "names[1]")) << missing.status();
  EXPECT_EQ(outbox_->DeadLetters(), 3);

  // One by name: back in the outbox under its key, with its id, its age counted anew.
  auto one = outbox_->Resend({sent[1].key}, false, 10, "users/beheer");
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(*one, std::vector<std::string>{sent[1].key});
  std::vector<NotifyOutbox::Entry> pending = All();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].key, sent[1].key);
  EXPECT_EQ(pending[0].notification.id(), sent[1].notification.id());
  EXPECT_TRUE(pending[0].notification.has_resend_time());
  EXPECT_FALSE(pending[0].notification.has_gave_up_time());
  EXPECT_EQ(outbox_->Pending(), 1);
  EXPECT_EQ(outbox_->DeadLetters(), 2);

  // All: the rest.
  auto rest = outbox_->Resend({}, true, 1000, "users/beheer");
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 2u);
  EXPECT_EQ(All().size(), 3u);
  EXPECT_EQ(outbox_->DeadLetters(), 0);

  // Each resend is one audit entry by the admin.
  DispatchStore audit(engine_.get(), nullptr);
  auto log = audit.AuditLog(100, "");
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->entries.size(), 2u);
  EXPECT_EQ(log->entries[0].action(), "ResendDeadLetters");
  EXPECT_EQ(log->entries[0].actor(), "users/beheer");
  EXPECT_EQ(log->entries[0].target(), absl::StrCat("deadLetters/", OutboxKeyText(sent[1].key)));
  EXPECT_TRUE(absl::StrContains(log->entries[0].detail(), sent[1].notification.id()));
  EXPECT_EQ(log->entries[1].target(), "deadLetters");
  EXPECT_TRUE(absl::StartsWith(log->entries[1].detail(), "2 resent")) << log->entries[1].detail();
  // Never the text of what was resent.
  for (const v1::AuditEntry& e : log->entries) {
    EXPECT_FALSE(absl::StrContains(e.detail(), "We komen kijken")) << e.detail();
  }
}

// A purged report stored under an alias goes by the id its device sent in that device's
// notifications; that name may be another reporter's real report or incident, so it is
// matched only together with the recipient.
TEST_F(NotifyOutboxTest, ForgetBySentNameTakesOnlyThatRecipientsEntries) {
  ASSERT_TRUE(Change(FeedbackOn("incidents/x", {kDeviceA, kDeviceB})).ok());
  ASSERT_EQ(All().size(), 2u);
  NotifyForget aliased;
  aliased.sent_names = {{kDeviceA, "incidents/x"}};
  EXPECT_EQ(outbox_->Forget(aliased).value_or(-1), 1);
  const std::vector<NotifyOutbox::Entry> left = All();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].notification.recipient(), kDeviceB);
}

TEST_F(NotifyOutboxTest, ForgetRemovesWhatConcernsADeviceAnIncidentAReportOrAnOldChange) {
  ASSERT_TRUE(Change(FeedbackOn("incidents/i1", {kDeviceA})).ok());
  ASSERT_TRUE(Change(FeedbackOn("incidents/i2", {kDeviceB})).ok());
  ASSERT_TRUE(Change(FeedbackOn("incidents/i3", {kDeviceB})).ok());
  PutReport("r4", kDeviceB);
  internal::ChangeEvent status;
  internal::IncidentChanged& c = *status.mutable_incident_changed();
  c.set_incident("incidents/i4");
  c.set_action("TransitionIncident");
  c.set_report_status(v1::IN_PROGRESS);
  c.add_report_ids("r4");
  ASSERT_TRUE(Change(status).ok());
  std::vector<NotifyOutbox::Entry> entries = All();
  ASSERT_EQ(entries.size(), 4u);
  // Dead and pending alike.
  ASSERT_TRUE(outbox_->GiveUp(entries[0].key, absl::Now(), 1).ok());
  ASSERT_TRUE(outbox_->GiveUp(entries[3].key, absl::Now(), 1).ok());
  ASSERT_EQ(outbox_->Pending(), 2);
  ASSERT_EQ(outbox_->DeadLetters(), 2);

  const auto keys = [&] {
    std::vector<std::string> out;
    for (const NotifyOutbox::Entry& e : All()) out.push_back(e.key);
    auto dead = outbox_->ListDeadLetters(100, "");
    EXPECT_TRUE(dead.ok());
    for (const NotifyOutbox::Entry& e : dead->entries) out.push_back(e.key);
    std::sort(out.begin(), out.end());
    return out;
  };
  // Nothing listed: nothing goes.
  auto none = outbox_->Forget({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  // A report (the dead status_changed of r4).
  NotifyForget report;
  report.reports = {"reports/r4"};
  EXPECT_EQ(outbox_->Forget(report).value_or(-1), 1);
  EXPECT_EQ(outbox_->DeadLetters(), 1);
  // An incident (the pending feedback on i3).
  NotifyForget incident;
  incident.incidents = {"incidents/i3"};
  EXPECT_EQ(outbox_->Forget(incident).value_or(-1), 1);
  EXPECT_EQ(keys(), (std::vector<std::string>{entries[0].key, entries[1].key}));
  // A device (the dead feedback to A), and a failed write undoes nothing of the counts.
  NotifyForget device;
  device.recipients = {kDeviceA};
  absl::Status failed = engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    auto n = outbox_->StageForget(ctx, device);
    EXPECT_EQ(n.value_or(-1), 1);
    return absl::InternalError("rolled back");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(outbox_->DeadLetters(), 1);
  EXPECT_EQ(keys(), (std::vector<std::string>{entries[0].key, entries[1].key}));
  EXPECT_EQ(outbox_->Forget(device).value_or(-1), 1);
  EXPECT_EQ(outbox_->DeadLetters(), 0);
  // An old change.
  NotifyForget old;
  old.before = absl::Now() + absl::Hours(1);
  EXPECT_EQ(outbox_->Forget(old).value_or(-1), 1);
  EXPECT_EQ(outbox_->Pending(), 0);
  EXPECT_TRUE(keys().empty());
  // The counts are the stored ones.
  engine_->Shutdown();
  Open();
  EXPECT_EQ(outbox_->Pending(), 0);
  EXPECT_EQ(outbox_->DeadLetters(), 0);
}

}  // namespace
}  // namespace wijkwacht::storage
