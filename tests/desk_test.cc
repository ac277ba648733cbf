// Integration: the dispatch desk's workflow tables over the real server (authentication on,
// real tokens, real RocksDB, the real theme model): routing rules (versioned, validated,
// applied when an incident opens and on reclassification, audited with the rule that fired,
// explained by ExplainRouting), handling targets (versioned; the category's handling message
// in ListCategories and the SubmitReport answer; Incident.due_time), and deadlines driven by
// the injected clock: OVERDUE on WatchQueue, ListIncidents' overdue filter, and exactly one
// OVERDUE per incident and deadline across restarts of a real wijkwachtd process.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/aggregate_store.h"
#include "storage/test_util.h"
#include "tests/ops_support.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}
google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

// The incident id of a stored report ("incidents/<id>" -> "<id>").
std::string IncidentOf(const v1::Report& report) { return report.incident_id(); }

// Audit entries of `stub` (admin token) with `action` on `target`.
std::vector<v1::AuditEntry> AuditEntries(v1::DispatchService::Stub& stub, const std::string& admin,
                                         const std::string& action, const std::string& target) {
  std::vector<v1::AuditEntry> out;
  std::string token;
  do {
    grpc::ClientContext context;
    WithToken(context, admin);
    v1::GetAuditLogRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::GetAuditLogResponse response;
    grpc::Status status = stub.GetAuditLog(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    for (const v1::AuditEntry& e : response.entries()) {
      if (e.action() == action && e.target() == target) out.push_back(e);
    }
    token = response.next_page_token();
  } while (!token.empty());
  return out;
}

// The audit entries once the desk monitor has written at least one (it follows the change
// log right behind the write); gives up after 20 s.
std::vector<v1::AuditEntry> AwaitAudit(v1::DispatchService::Stub& stub, const std::string& admin,
                                       const std::string& action, const std::string& target) {
  for (int i = 0; i < 200; ++i) {
    std::vector<v1::AuditEntry> entries = AuditEntries(stub, admin, action, target);
    if (!entries.empty()) return entries;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return {};
}

v1::WeeklyWindow Window(std::vector<v1::Weekday> days, const std::string& start,
                        const std::string& end) {
  v1::WeeklyWindow w;
  for (v1::Weekday d : days) w.add_days(d);
  w.set_start_time(start);
  w.set_end_time(end);
  return w;
}

class DeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    server_.options().clock = &clock_;
    server_.options().deadline_check_interval = absl::Milliseconds(20);
    StartServer();
  }

  void StartServer() {
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    dispatch_ = v1::DispatchService::NewStub(server_.channel());
    admin_ = server_.admin_token();
  }

  v1::Report Submit(const std::string& category, const std::string& text, double lat = 52.4870,
                    double lng = 4.6578) {
    v1::Report report = BreestraatReport(NewUuid(rng_), text);
    report.set_category(category);
    report.mutable_location()->set_latitude(lat);
    report.mutable_location()->set_longitude(lng);
    *report.mutable_observed_time() = ToProto(clock_.Now() - absl::Minutes(5));
    v1::Report out;
    grpc::Status status = server_.SubmitAsResident(report, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Incident GetIncident(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    grpc::Status status = dispatch_->GetIncident(&context, request, &incident);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return incident;
  }

  grpc::Status SetRules(const std::vector<v1::RoutingRule>& rules, int64_t version,
                        v1::RoutingRuleSet* out, const std::string& token = "") {
    grpc::ClientContext context;
    WithToken(context, token.empty() ? admin_ : token);
    v1::SetRoutingRulesRequest request;
    for (const v1::RoutingRule& r : rules) *request.add_rules() = r;
    request.set_version(version);
    return dispatch_->SetRoutingRules(&context, request, out);
  }

  grpc::Status SetTargets(const std::vector<v1::HandlingTarget>& targets, int64_t version,
                          v1::HandlingTargetSet* out) {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::SetHandlingTargetsRequest request;
    for (const v1::HandlingTarget& t : targets) *request.add_targets() = t;
    request.set_version(version);
    return dispatch_->SetHandlingTargets(&context, request, out);
  }

  std::vector<std::string> ListIncidentNames(bool overdue, const std::string& department = "") {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::ListIncidentsRequest request;
    request.set_page_size(1000);
    request.set_overdue(overdue);
    request.set_department(department);
    v1::ListIncidentsResponse response;
    grpc::Status status = dispatch_->ListIncidents(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const v1::Incident& i : response.incidents()) names.push_back(i.name());
    return names;
  }

  TempDir dir_;
  FakeClock clock_{absl::Now()};
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::string admin_;
  std::mt19937_64 rng_{18};
};

TEST_F(DeskTest, RoutingRulesAreValidatedVersionedAppliedAndExplained) {
  // Where the Breestraat lies (the dry run answers it without any rule).
  std::string wijk;
  {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::ExplainRoutingRequest request;
    request.set_category("winkeldiefstal");
    request.mutable_location()->set_latitude(52.4870);
    request.mutable_location()->set_longitude(4.6578);
    v1::ExplainRoutingResponse response;
    grpc::Status status = dispatch_->ExplainRouting(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.department(), "");
    EXPECT_EQ(response.checks_size(), 0);
    for (const std::string& code : response.area_codes()) {
      if (absl::StartsWith(code, "WK")) wijk = code;
    }
    ASSERT_FALSE(wijk.empty());
  }
  const v1::Report probe =
      Submit("zakkenroller", "Zakkenroller bij de bushalte, rende weg", 52.4900, 4.6680);
  EXPECT_EQ(GetIncident(IncidentOf(probe)).department(), "") << "no rules yet: unassigned";

  // Bad tables are refused whole, every bad field named; nothing is stored.
  v1::RoutingRule bad_category;
  bad_category.set_category("bestaat-niet");
  bad_category.set_department("departments/handhaving");
  v1::RoutingRule bad_department;
  bad_department.set_department("departments/bestaat-niet");
  v1::RoutingRule bad_window;
  bad_window.set_department("departments/handhaving");
  *bad_window.add_windows() = Window({}, "25:00", "07:00");
  v1::RoutingRule bad_area;
  bad_area.set_area_code("WK999999");
  v1::RoutingRuleSet set;
  grpc::Status refused = SetRules({bad_category, bad_window, bad_area}, 0, &set);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(refused),
            (std::vector<std::string>{"rules[1].windows[0].days", "rules[1].windows[0].start_time",
                                      "rules[2].department", "rules[0].category",
                                      "rules[2].area_code"}));
  refused = SetRules({bad_department}, 0, &set);
  EXPECT_EQ(ViolatedFields(refused), std::vector<std::string>{"rules[0].department"});
  {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::RoutingRuleSet current;
    ASSERT_TRUE(dispatch_->ListRoutingRules(&context, {}, &current).ok());
    EXPECT_EQ(current.version(), 0);
    EXPECT_EQ(current.rules_size(), 0);
  }

  // Version 1: shop theft in this wijk -> police liaison; ondermijning -> its department;
  // weekends -> Handhaving; everything else -> openbare ruimte.
  std::vector<v1::RoutingRule> rules(4);
  rules[0].set_label("winkeldiefstal centrum");
  rules[0].set_category("winkeldiefstal");
  rules[0].set_area_code(wijk);
  rules[0].set_department("departments/politie-liaison");
  rules[1].set_theme(v1::SUBVERSION);
  rules[1].set_department("departments/ondermijning");
  rules[2].set_label("weekend");
  *rules[2].add_windows() = Window({v1::SATURDAY, v1::SUNDAY}, "00:00", "00:00");
  rules[2].set_department("departments/handhaving");
  rules[3].set_department("departments/openbare-ruimte");
  ASSERT_TRUE(SetRules(rules, 0, &set).ok());
  EXPECT_EQ(set.version(), 1);
  EXPECT_EQ(set.updated_by(), "users/beheerder");
  // A second writer who read version 0 does not overwrite it.
  v1::RoutingRuleSet lost;
  EXPECT_EQ(SetRules({rules[3]}, 0, &lost).error_code(), grpc::StatusCode::ABORTED);

  // Opening an incident applies the table; the audit log names the rule.
  const v1::Report theft = Submit("winkeldiefstal", "Winkeldief in de Breestraat, rende weg");
  v1::Incident incident = GetIncident(IncidentOf(theft));
  EXPECT_EQ(incident.department(), "departments/politie-liaison");
  EXPECT_EQ(incident.assigned_department(), "departments/politie-liaison");
  std::vector<v1::AuditEntry> routed = AwaitAudit(*dispatch_, admin_, "RouteIncident", incident.name());
  ASSERT_EQ(routed.size(), 1u);
  EXPECT_EQ(routed[0].actor(), "system");
  EXPECT_EQ(routed[0].detail(),
            "rule 1 of routing-table version 1 (winkeldiefstal centrum) -> "
            "departments/politie-liaison");

  // Reclassification routes again, named in the same audit entry.
  {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::ReclassifyIncidentRequest request;
    request.set_name(incident.name());
    request.set_version(incident.version());
    request.set_theme(v1::SUBVERSION);
    request.set_category("zakkenroller");
    v1::Incident out;
    grpc::Status status = dispatch_->ReclassifyIncident(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(out.department(), "departments/ondermijning");
    std::vector<v1::AuditEntry> entries =
        AuditEntries(*dispatch_, admin_, "ReclassifyIncident", incident.name());
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_TRUE(absl::StrContains(entries[0].detail(),
                                  "routed by rule 2 of version 1 -> departments/ondermijning"))
        << entries[0].detail();
  }

  // ListIncidents filters by department.
  EXPECT_EQ(ListIncidentNames(false, "departments/ondermijning"),
            std::vector<std::string>{incident.name()});

  // The dry run: a shop theft elsewhere on a Saturday evening goes to Handhaving, and the
  // earlier rules say why not them.
  {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::ExplainRoutingRequest request;
    request.set_category("winkeldiefstal");
    request.set_area_code("GM0375");
    absl::TimeZone amsterdam = storage::MapTimeZone();
    *request.mutable_time() =
        ToProto(absl::FromCivil(absl::CivilSecond(2026, 3, 14, 21, 0, 0), amsterdam));
    v1::ExplainRoutingResponse response;
    grpc::Status status = dispatch_->ExplainRouting(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.department(), "departments/handhaving");
    EXPECT_EQ(response.matched_position(), 3);
    EXPECT_EQ(response.matched_rule().label(), "weekend");
    EXPECT_EQ(response.rules_version(), 1);
    ASSERT_EQ(response.checks_size(), 3);
    EXPECT_EQ(response.checks(0).reason(),
              absl::StrCat("the location is not in ", wijk, " (it is in GM0375)"));
    EXPECT_EQ(response.checks(1).reason(), "theme is 4, the rule wants 3");
    EXPECT_TRUE(response.checks(2).matched());
    // On a Wednesday morning the last rule decides.
    *request.mutable_time() =
        ToProto(absl::FromCivil(absl::CivilSecond(2026, 3, 11, 10, 0, 0), amsterdam));
    grpc::ClientContext again;
    WithToken(again, admin_);
    ASSERT_TRUE(dispatch_->ExplainRouting(&again, request, &response).ok());
    EXPECT_EQ(response.department(), "departments/openbare-ruimte");
    EXPECT_EQ(response.checks(2).reason(),
              "local time Wed 10:00 is outside Sat,Sun all day");
    // Neither or both of location and area_code: named.
    request.clear_area_code();
    grpc::ClientContext neither;
    WithToken(neither, admin_);
    EXPECT_EQ(ViolatedFields(dispatch_->ExplainRouting(&neither, request, &response)),
              std::vector<std::string>{"location"});
  }

  // The history keeps version 1 after version 2.
  ASSERT_TRUE(SetRules({rules[3]}, 1, &set).ok());
  EXPECT_EQ(set.version(), 2);
  {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::ListRoutingRulesRequest request;
    request.set_version(1);
    v1::RoutingRuleSet old;
    ASSERT_TRUE(dispatch_->ListRoutingRules(&context, request, &old).ok());
    EXPECT_EQ(old.rules_size(), 4);
    request.set_version(7);
    grpc::ClientContext missing;
    WithToken(missing, admin_);
    EXPECT_EQ(dispatch_->ListRoutingRules(&missing, request, &old).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(AuditEntries(*dispatch_, admin_, "SetRoutingRules", "routingRules").size(), 2u);
  // The rule table survives a restart (and is in force after it).
  server_.Stop();
  StartServer();
  const v1::Report later =
      Submit("winkeldiefstal", "Weer een winkeldief, nu bij het station", 52.4800, 4.6520);
  EXPECT_EQ(GetIncident(IncidentOf(later)).department(), "departments/openbare-ruimte");
}

TEST_F(DeskTest, HandlingTargetsGiveDeadlinesAndOverdueComesOnceOnTheQueue) {
  v1::HandlingTarget fallback;
  fallback.set_days(10);
  fallback.set_unit(v1::WORKING_DAYS);
  v1::HandlingTarget theft;
  theft.set_category("winkeldiefstal");
  theft.set_days(1);
  theft.set_unit(v1::CALENDAR_DAYS);
  theft.set_handling_message("De politie-liaison bekijkt uw melding binnen een dag.");
  v1::HandlingTargetSet set;
  v1::HandlingTarget bad = theft;
  bad.set_days(0);
  grpc::Status refused = SetTargets({fallback, theft, bad}, 0, &set);
  EXPECT_EQ(ViolatedFields(refused),
            (std::vector<std::string>{"targets[2].category", "targets[2].days"}));
  ASSERT_TRUE(SetTargets({fallback, theft}, 0, &set).ok());
  EXPECT_EQ(set.version(), 1);

  // The app sees the message and the expected time in the catalogue and after submitting.
  {
    grpc::ClientContext context;
    v1::ListCategoriesRequest request;
    request.set_page_size(1000);
    v1::ListCategoriesResponse response;
    ASSERT_TRUE(server_.reports().ListCategories(&context, request, &response).ok());
    bool found = false;
    for (const v1::Category& c : response.categories()) {
      if (c.code() == "winkeldiefstal") {
        found = true;
        EXPECT_EQ(c.handling_message(), theft.handling_message());
        EXPECT_EQ(c.expected_handling_days(), 1);
        EXPECT_EQ(c.expected_handling_unit(), v1::CALENDAR_DAYS);
      } else {
        EXPECT_EQ(c.expected_handling_days(), 10) << c.code();
      }
    }
    EXPECT_TRUE(found);
  }
  const v1::Report report = Submit("winkeldiefstal", "Winkeldief bij de drogist in de Breestraat");
  EXPECT_EQ(report.handling_message(), theft.handling_message());
  EXPECT_EQ(report.expected_handling_days(), 1);
  const std::string name = IncidentOf(report);
  v1::Incident incident = GetIncident(name);
  const absl::TimeZone amsterdam = storage::MapTimeZone();
  const absl::Time due =
      absl::FromCivil(absl::ToCivilDay(FromProto(incident.create_time()), amsterdam) + 2, amsterdam);
  EXPECT_EQ(FromProto(incident.due_time()), due);
  EXPECT_FALSE(incident.overdue());
  EXPECT_TRUE(ListIncidentNames(true).empty());

  // A minute before the deadline nothing happens (tokens are renewed after each jump of the
  // clock: they expire by it).
  clock_.Set(due - absl::Minutes(1));
  absl::StatusOr<std::string> admin = server_.Login(kAdminName, kAdminPassword);
  ASSERT_TRUE(admin.ok());
  admin_ = *admin;
  EXPECT_FALSE(GetIncident(name).overdue());

  // The queue, from the start of the log; past the deadline, OVERDUE.
  grpc::ClientContext queue_context;
  WithToken(queue_context, admin_);
  queue_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  std::unique_ptr<grpc::ClientReader<v1::QueueEvent>> queue =
      dispatch_->WatchQueue(&queue_context, v1::WatchQueueRequest());
  clock_.Set(due + absl::Minutes(1));
  v1::QueueEvent event;
  std::string overdue_cursor;
  while (queue->Read(&event)) {
    if (event.incident().name() == name && event.reason() == v1::QueueEvent::OVERDUE) {
      overdue_cursor = event.cursor();
      break;
    }
  }
  ASSERT_FALSE(overdue_cursor.empty()) << "no OVERDUE event";
  queue_context.TryCancel();
  queue->Finish().ok();
  EXPECT_TRUE(GetIncident(name).overdue());
  EXPECT_EQ(ListIncidentNames(true), std::vector<std::string>{name});
  std::vector<v1::AuditEntry> audited = AuditEntries(*dispatch_, admin_, "Overdue", name);
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].actor(), "system");

  // The council's progress report counts it as settled and not on time.
  {
    auto map = v1::MapService::NewStub(server_.channel());
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::GetProgressReportRequest request;
    const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), amsterdam);
    request.set_period(absl::StrCat(today.year(), today.month() <= 6 ? "-H1" : "-H2"));
    v1::ProgressReport progress;
    grpc::Status status = map->GetProgressReport(&context, request, &progress);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const std::string markdown = progress.markdown();
    const size_t section = markdown.find("## Afhandeling binnen de termijn");
    ASSERT_NE(section, std::string::npos);
    EXPECT_TRUE(absl::StrContains(markdown.substr(section), "| 0 | 1 | 0% |")) << markdown.substr(section);
  }

  // Once only: later checks and a restart raise nothing more.
  clock_.Advance(absl::Hours(48));
  server_.Stop();
  StartServer();
  EXPECT_EQ(AuditEntries(*dispatch_, admin_, "Overdue", name).size(), 1u);
  // Triaged is still open: still overdue.
  {
    v1::Incident current = GetIncident(name);
    for (v1::IncidentStatus target : {v1::INCIDENT_TRIAGED}) {
      grpc::ClientContext context;
      WithToken(context, admin_);
      v1::TransitionIncidentRequest request;
      request.set_name(name);
      request.set_version(current.version());
      request.set_target_status(target);
      request.set_comment("bekeken");
      grpc::Status status = dispatch_->TransitionIncident(&context, request, &current);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    EXPECT_TRUE(current.overdue()) << "still open";
  }
}

// Reads `queue` until an event for `incident` with `reason`; returns it (reason unset when the
// stream ended first).
v1::QueueEvent AwaitQueue(grpc::ClientReader<v1::QueueEvent>& queue, const std::string& incident,
                          v1::QueueEvent::Reason reason) {
  v1::QueueEvent event;
  while (queue.Read(&event)) {
    if (event.incident().name() == incident && event.reason() == reason) return event;
  }
  return v1::QueueEvent();
}

// The desk asks -> the phone's Subscribe receives it -> the phone answers -> the desk's queue
// sees the answer; after resolution "not satisfied" -> REOPEN_REQUESTED. With the attacks: a
// device that was not asked cannot answer, a replayed answer changes nothing, a different one
// is refused, nobody without the question sees it.
TEST_F(DeskTest, AskAnswerAndReopenRequestEndToEnd) {
  auto sync = v1::SyncService::NewStub(server_.channel());
  const std::string phone = server_.resident_token();
  absl::StatusOr<std::string> other = server_.RegisterDevice();
  ASSERT_TRUE(other.ok());
  const v1::Report report = Submit("winkeldiefstal", "Winkeldief bij de boekhandel, blauwe jas");
  const std::string incident = IncidentOf(report);

  // The phone listens to its feed; the desk to its queue.
  grpc::ClientContext feed_context;
  WithToken(feed_context, phone);
  feed_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto feed = sync->Subscribe(&feed_context, v1::SubscribeRequest());
  grpc::ClientContext queue_context;
  WithToken(queue_context, admin_);
  queue_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto queue = dispatch_->WatchQueue(&queue_context, v1::WatchQueueRequest());

  // Bad questions are named.
  {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::AskReporterRequest request;
    request.set_name(incident);
    request.set_report("reports/not-a-uuid!");
    request.set_question("   ");
    v1::AskReporterResponse response;
    EXPECT_EQ(ViolatedFields(dispatch_->AskReporter(&context, request, &response)),
              (std::vector<std::string>{"report", "question"}));
  }
  const std::string text = "Welke kant liep de persoon op, richting station of markt?";
  v1::AskReporterResponse asked;
  {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::AskReporterRequest request;
    request.set_name(incident);
    request.set_question(text);
    grpc::Status status = dispatch_->AskReporter(&context, request, &asked);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(asked.recipients(), 1);
  }

  // The phone gets it, once.
  v1::FeedChange change;
  v1::ReporterQuestion question;
  while (feed->Read(&change)) {
    if (change.has_question()) {
      question = change.question();
      break;
    }
  }
  EXPECT_EQ(question.name(), asked.question());
  EXPECT_EQ(question.report(), report.name());
  EXPECT_EQ(question.text(), text);
  feed_context.TryCancel();
  feed->Finish().ok();
  auto questions_in_feed = [&](const std::string& token) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::PullRequest request;
    request.set_page_size(500);
    v1::PullResponse response;
    EXPECT_TRUE(sync->Pull(&context, request, &response).ok());
    int n = 0;
    for (const v1::FeedChange& c : response.changes()) n += c.has_question();
    return n;
  };
  EXPECT_EQ(questions_in_feed(phone), 1);
  EXPECT_EQ(questions_in_feed(*other), 0) << "a device that was not asked never sees it";

  auto answer = [&](const std::string& token, const std::string& name, const std::string& words,
                    v1::AnswerQuestionResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::AnswerQuestionRequest request;
    request.set_question(name);
    request.set_answer(words);
    return sync->AnswerQuestion(&context, request, out);
  };
  v1::AnswerQuestionResponse answered;
  // Not asked, not a device, no such question, malformed: refused, nothing stored.
  EXPECT_EQ(answer(*other, asked.question(), "Richting markt", &answered).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(answer(admin_, asked.question(), "Richting markt", &answered).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(answer("", asked.question(), "Richting markt", &answered).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(answer(phone, "questions/999", "Richting markt", &answered).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ViolatedFields(answer(phone, "questions/01", "", &answered)),
            (std::vector<std::string>{"question", "answer"}));

  ASSERT_TRUE(answer(phone, asked.question(), "Richting station, langs de Hema", &answered).ok());
  v1::AnswerQuestionResponse replayed;
  ASSERT_TRUE(answer(phone, asked.question(), "Richting station, langs de Hema", &replayed).ok());
  EXPECT_EQ(replayed.answer_time(), answered.answer_time()) << "a replay changes nothing";
  EXPECT_EQ(answer(phone, asked.question(), "Toch richting markt", &replayed).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  const v1::QueueEvent seen = AwaitQueue(*queue, incident, v1::QueueEvent::REPORTER_ANSWERED);
  EXPECT_EQ(seen.detail(), absl::StrCat(asked.question(), ": Richting station, langs de Hema"));
  std::vector<v1::AuditEntry> history = AuditEntries(*dispatch_, admin_, "AskReporter", incident);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_TRUE(absl::StrContains(history[0].detail(), text));
  EXPECT_EQ(AuditEntries(*dispatch_, admin_, "AnswerQuestion", incident).size(), 1u)
      << "the replay is not a second answer";

  // Rating: only after resolution, only by its reporter, a reason when not satisfied.
  auto rate = [&](const std::string& token, bool satisfied, const std::string& reason,
                  v1::RateHandlingResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::RateHandlingRequest request;
    request.set_report(report.name());
    request.set_satisfied(satisfied);
    request.set_reason(reason);
    return sync->RateHandling(&context, request, out);
  };
  v1::RateHandlingResponse rated;
  EXPECT_EQ(rate(phone, false, "Er is niets gebeurd", &rated).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::Incident current = GetIncident(incident);
  for (v1::IncidentStatus target :
       {v1::INCIDENT_TRIAGED, v1::INCIDENT_IN_PROGRESS, v1::INCIDENT_RESOLVED}) {
    grpc::ClientContext context;
    WithToken(context, admin_);
    v1::TransitionIncidentRequest request;
    request.set_name(incident);
    request.set_version(current.version());
    request.set_target_status(target);
    grpc::Status status = dispatch_->TransitionIncident(&context, request, &current);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(ViolatedFields(rate(phone, false, " ", &rated)), std::vector<std::string>{"reason"});
  EXPECT_EQ(rate(*other, false, "Niet opgelost", &rated).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(rate(phone, false, "De winkeldief staat er weer", &rated).ok());
  EXPECT_TRUE(rated.reopen_requested());
  v1::RateHandlingResponse again;
  ASSERT_TRUE(rate(phone, false, "De winkeldief staat er weer", &again).ok());
  EXPECT_EQ(again.rate_time(), rated.rate_time());
  EXPECT_EQ(rate(phone, true, "", &again).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  const v1::QueueEvent reopen = AwaitQueue(*queue, incident, v1::QueueEvent::REOPEN_REQUESTED);
  EXPECT_EQ(reopen.detail(),
            absl::StrCat(report.name(), ": not satisfied: De winkeldief staat er weer"));
  EXPECT_EQ(reopen.incident().status(), v1::INCIDENT_RESOLVED);
  queue_context.TryCancel();
  queue->Finish().ok();
}

// The real binary restarted over one data dir, its clock moved by --clock_offset: the deadline
// passes while it is down; the next start raises OVERDUE before it serves, and no later start
// raises it again.
TEST(DeskProcessTest, OverdueIsRaisedExactlyOnceAcrossRestarts) {
  TempDir dir;
  TempDir secrets;
  const std::vector<std::string> flags = OpsServerFlags(secrets.path());
  std::mt19937_64 rng(5);
  std::string incident;
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), flags)) << server.output();
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    auto dispatch = v1::DispatchService::NewStub(channel);
    const std::string admin = AdminToken(channel);
    grpc::ClientContext context;
    WithToken(context, admin);
    v1::SetHandlingTargetsRequest request;
    v1::HandlingTarget& target = *request.add_targets();
    target.set_category("winkeldiefstal");
    target.set_days(1);
    target.set_unit(v1::CALENDAR_DAYS);
    v1::HandlingTargetSet set;
    ASSERT_TRUE(dispatch->SetHandlingTargets(&context, request, &set).ok());
    auto reports = v1::ReportService::NewStub(channel);
    v1::Report stored;
    grpc::Status submitted = Submit(*reports, NewDeviceToken(channel),
                                    BreestraatReport(NewUuid(rng), "Winkeldief bij de Hema"), &stored);
    ASSERT_TRUE(submitted.ok()) << submitted.error_message();
    incident = stored.incident_id();
    EXPECT_EQ(server.Terminate(), 0);
  }
  std::vector<std::string> later = flags;
  later.push_back("--clock_offset=72h");
  for (int start = 0; start < 3; ++start) {
    ServerProcess server;
    ASSERT_TRUE(server.Start(WIJKWACHTD_BINARY, dir.path(), later)) << server.output();
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    auto dispatch = v1::DispatchService::NewStub(channel);
    const std::string admin = AdminToken(channel);
    ASSERT_FALSE(admin.empty());
    EXPECT_EQ(AuditEntries(*dispatch, admin, "Overdue", incident).size(), 1u) << "start " << start;
    // The queue from the start of the log has exactly one OVERDUE for it, before its end.
    grpc::ClientContext context;
    WithToken(context, admin);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto queue = dispatch->WatchQueue(&context, v1::WatchQueueRequest());
    int overdue = 0;
    v1::QueueEvent event;
    // The log holds the report's NEW and the OVERDUE: read until the OVERDUE.
    while (overdue == 0 && queue->Read(&event)) {
      if (event.reason() == v1::QueueEvent::OVERDUE && event.incident().name() == incident) ++overdue;
    }
    context.TryCancel();
    queue->Finish().ok();
    EXPECT_EQ(overdue, 1);
    grpc::ClientContext get_context;
    WithToken(get_context, admin);
    v1::GetIncidentRequest get;
    get.set_name(incident);
    v1::Incident current;
    ASSERT_TRUE(dispatch->GetIncident(&get_context, get, &current).ok());
    EXPECT_TRUE(current.overdue());
    if (start == 1) {
      server.Kill9();
    } else {
      EXPECT_EQ(server.Terminate(), 0);
    }
  }
}

}  // namespace
}  // namespace wijkwacht::testing
