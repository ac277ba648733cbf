// Integration: the Actieplan over the real server (real tokens, real RocksDB): plans and
// measures written by policy staff and audited, read by the public only where published, bad
// input refused naming the field with nothing stored.
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/action_plan.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kPassword[] = "a long enough password";

google::protobuf::Timestamp Day(int y, int m, int d) {
  return TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone())));
}

class ActionPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    ASSERT_TRUE(server_.Start().ok());
    plans_ = v1::ActionPlanService::NewStub(server_.channel());
    dispatch_ = v1::DispatchService::NewStub(server_.channel());
    analyst_ = Account("ilse", v1::ROLE_ANALYST);
    dispatcher_ = Account("daan", v1::ROLE_DISPATCHER);
  }

  std::string Account(const std::string& name, v1::Role role) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateAccountRequest request;
    request.set_username(name);
    request.set_role(role);
    request.set_password(kPassword);
    v1::Account account;
    grpc::Status status = server_.auth().CreateAccount(&context, request, &account);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return server_.Login(name, kPassword).value_or("");
  }

  static v1::ActionPlan Plan(int year, bool published) {
    v1::ActionPlan plan;
    plan.set_year(year);
    plan.set_title(absl::StrCat("Actieplan Veiligheid ", year));
    plan.set_published(published);
    v1::Priority& first = *plan.add_priorities();
    first.set_theme(v1::LIVEABILITY);
    first.add_area_codes("FA037501");  // De Drie Straatjes
    first.set_rationale("Overlast in het centrum.");
    plan.add_priorities()->set_theme(v1::YOUTH);
    return plan;
  }

  static v1::Measure Measure(const std::string& title, bool published) {
    v1::Measure m;
    m.set_title(title);
    m.set_theme(v1::LIVEABILITY);
    m.add_area_codes("FA037501");
    m.set_owner_department("Team Handhaving");
    *m.mutable_start_time() = Day(2026, 2, 1);
    *m.mutable_end_time() = Day(2026, 7, 1);
    v1::PlannedOutput& out = *m.add_planned_outputs();
    out.set_description("12 extra handhaving rounds on Friday evenings");
    out.set_target_count(12);
    out.set_enforcement_type(v1::ENFORCEMENT_WARNING);
    m.set_published(published);
    return m;
  }

  grpc::Status CreatePlan(const std::string& token, const v1::ActionPlan& plan,
                          v1::ActionPlan* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::CreateActionPlanRequest request;
    *request.mutable_action_plan() = plan;
    return plans_->CreateActionPlan(&context, request, out);
  }

  grpc::Status CreateMeasure(const std::string& token, const std::string& parent,
                             const v1::Measure& m, v1::Measure* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::CreateMeasureRequest request;
    request.set_parent(parent);
    *request.mutable_measure() = m;
    return plans_->CreateMeasure(&context, request, out);
  }

  grpc::Status ListMeasures(const std::string& token, const std::string& parent,
                            v1::ListMeasuresResponse* out, int page_size = 0,
                            const std::string& page_token = "") {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::ListMeasuresRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return plans_->ListMeasures(&context, request, out);
  }

  std::vector<v1::AuditEntry> Audit() {
    auto dispatch = v1::DispatchService::NewStub(server_.channel());
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetAuditLogRequest request;
    request.set_page_size(1000);
    v1::GetAuditLogResponse response;
    EXPECT_TRUE(dispatch->GetAuditLog(&context, request, &response).ok());
    return {response.entries().begin(), response.entries().end()};
  }

  v1::Report Submit(double lat, double lng, const std::string& text) {
    v1::Report report = BreestraatReport(NewUuid(rng_), text);
    report.mutable_location()->set_latitude(lat);
    report.mutable_location()->set_longitude(lng);
    v1::Report out;
    grpc::Status status = server_.SubmitAsResident(report, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Incident Incident(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, dispatcher_);
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident out;
    EXPECT_TRUE(dispatch_->GetIncident(&context, request, &out).ok());
    return out;
  }

  grpc::Status Transition(const std::string& name, v1::IncidentStatus target,
                          const std::vector<v1::EnforcementAction>& actions = {},
                          v1::Incident* out = nullptr) {
    grpc::ClientContext context;
    WithToken(context, dispatcher_);
    v1::TransitionIncidentRequest request;
    request.set_name(name);
    request.set_version(Incident(name).version());
    request.set_target_status(target);
    for (const auto& a : actions) *request.add_enforcement() = a;
    v1::Incident ignored;
    return dispatch_->TransitionIncident(&context, request, out != nullptr ? out : &ignored);
  }

  static v1::EnforcementAction Action(v1::EnforcementActionType type, int count,
                                      const std::string& measure) {
    v1::EnforcementAction a;
    a.set_type(type);
    a.set_count(count);
    a.set_measure(measure);
    return a;
  }

  std::vector<v1::EnforcementRecord> ListEnforcement(const std::string& measure = "") {
    std::vector<v1::EnforcementRecord> out;
    std::string token;
    do {
      grpc::ClientContext context;
      WithToken(context, analyst_);
      v1::ListEnforcementRequest request;
      request.set_measure(measure);
      request.set_page_size(2);
      request.set_page_token(token);
      v1::ListEnforcementResponse response;
      grpc::Status status = plans_->ListEnforcement(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      out.insert(out.end(), response.records().begin(), response.records().end());
      token = response.next_page_token();
    } while (!token.empty());
    return out;
  }

  grpc::Status Import(const std::string& csv, int* rows = nullptr) {
    grpc::ClientContext context;
    WithToken(context, analyst_);
    v1::ImportEnforcementRequest request;
    request.set_csv(csv);
    v1::ImportEnforcementResponse response;
    grpc::Status status = plans_->ImportEnforcement(&context, request, &response);
    if (rows != nullptr) *rows = response.imported_rows();
    return status;
  }

  // Enforcement counts of `area` in 2026 per half year, as `token` sees them.
  v1::GetAggregatesResponse EnforcementLayer(const std::string& token, v1::AreaLevel level,
                                             const std::string& area) {
    auto map = v1::MapService::NewStub(server_.channel());
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetAggregatesRequest request;
    v1::AggregateSelection& sel = *request.mutable_selection();
    sel.set_level(level);
    sel.add_area_codes(area);
    sel.set_period(v1::HALF_YEAR);
    *sel.mutable_start_time() = Day(2026, 1, 1);
    *sel.mutable_end_time() = Day(2027, 1, 1);
    sel.set_include_enforcement(true);
    v1::GetAggregatesResponse response;
    grpc::Status status = map->GetAggregates(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::mt19937_64 rng_{19};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<v1::ActionPlanService::Stub> plans_;
  std::string analyst_;
  std::string dispatcher_;
};

TEST_F(ActionPlanTest, StaffWriteAuditedAndThePublicReadsWhatIsPublished) {
  v1::ActionPlan plan;
  ASSERT_TRUE(CreatePlan(analyst_, Plan(2026, true), &plan).ok());
  EXPECT_EQ(plan.name(), "actionPlans/2026");
  EXPECT_EQ(plan.priorities(0).rank(), 1);
  EXPECT_EQ(plan.priorities(1).rank(), 2);
  v1::ActionPlan draft;
  ASSERT_TRUE(CreatePlan(analyst_, Plan(2027, false), &draft).ok());
  v1::ActionPlan again;
  EXPECT_EQ(CreatePlan(server_.admin_token(), Plan(2026, true), &again).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // A dispatcher is staff but does not write plans.
  EXPECT_EQ(CreatePlan(dispatcher_, Plan(2028, true), &again).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::Measure rounds, cameras;
  ASSERT_TRUE(CreateMeasure(analyst_, "actionPlans/2026", Measure("Extra rondes", true), &rounds)
                  .ok());
  ASSERT_TRUE(
      CreateMeasure(analyst_, "actionPlans/2026", Measure("Cameratoezicht", false), &cameras).ok());
  EXPECT_EQ(rounds.name(), "actionPlans/2026/measures/1");
  EXPECT_EQ(cameras.name(), "actionPlans/2026/measures/2");
  EXPECT_EQ(rounds.status(), v1::MEASURE_PLANNED);
  EXPECT_EQ(rounds.version(), 1);

  // Status change and a progress note; a stale version is refused.
  v1::UpdateMeasureRequest update;
  *update.mutable_measure() = rounds;
  update.mutable_measure()->set_status(v1::MEASURE_RUNNING);
  update.mutable_measure()->set_title("ignored: not in the mask");
  update.mutable_update_mask()->add_paths("status");
  update.set_progress_note("5 van 12 rondes gelopen");
  v1::Measure updated;
  {
    grpc::ClientContext context;
    WithToken(context, analyst_);
    ASSERT_TRUE(plans_->UpdateMeasure(&context, update, &updated).ok());
  }
  EXPECT_EQ(updated.status(), v1::MEASURE_RUNNING);
  EXPECT_EQ(updated.title(), "Extra rondes");
  EXPECT_EQ(updated.version(), 2);
  ASSERT_EQ(updated.progress_notes_size(), 1);
  EXPECT_EQ(updated.progress_notes(0).author(), "users/ilse");
  {
    grpc::ClientContext context;
    WithToken(context, analyst_);
    v1::Measure stale;
    EXPECT_EQ(plans_->UpdateMeasure(&context, update, &stale).error_code(),
              grpc::StatusCode::ABORTED);
  }

  // Anonymous: the published plan and measure only; notes without their author.
  {
    grpc::ClientContext context;
    v1::ListActionPlansResponse list;
    ASSERT_TRUE(plans_->ListActionPlans(&context, v1::ListActionPlansRequest(), &list).ok());
    ASSERT_EQ(list.action_plans_size(), 1);
    EXPECT_EQ(list.action_plans(0).name(), "actionPlans/2026");
  }
  {
    grpc::ClientContext context;
    v1::GetActionPlanRequest request;
    request.set_name("actionPlans/2027");
    v1::ActionPlan out;
    EXPECT_EQ(plans_->GetActionPlan(&context, request, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  v1::ListMeasuresResponse visible;
  ASSERT_TRUE(ListMeasures("", "actionPlans/2026", &visible).ok());
  ASSERT_EQ(visible.measures_size(), 1);
  EXPECT_EQ(visible.measures(0).name(), rounds.name());
  ASSERT_EQ(visible.measures(0).progress_notes_size(), 1);
  EXPECT_EQ(visible.measures(0).progress_notes(0).author(), "");
  EXPECT_EQ(ListMeasures(server_.resident_token(), "actionPlans/2027", &visible).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Staff see both, one per page.
  v1::ListMeasuresResponse page;
  ASSERT_TRUE(ListMeasures(dispatcher_, "actionPlans/2026", &page, 1).ok());
  ASSERT_EQ(page.measures_size(), 1);
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListMeasuresResponse second;
  ASSERT_TRUE(ListMeasures(dispatcher_, "actionPlans/2026", &second, 1, page.next_page_token())
                  .ok());
  ASSERT_EQ(second.measures_size(), 1);
  EXPECT_EQ(second.measures(0).name(), cameras.name());
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_EQ(ListMeasures(dispatcher_, "actionPlans/2027", &second, 1, page.next_page_token())
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // a token of other filters

  // Every write is in the audit chain, with its actor.
  std::vector<std::string> actions;
  for (const v1::AuditEntry& e : Audit()) {
    actions.push_back(absl::StrCat(e.action(), " ", e.target(), " ", e.actor()));
  }
  EXPECT_EQ(actions, (std::vector<std::string>{
                         "CreateActionPlan actionPlans/2026 users/ilse",
                         "CreateActionPlan actionPlans/2027 users/ilse",
                         "CreateMeasure actionPlans/2026/measures/1 users/ilse",
                         "CreateMeasure actionPlans/2026/measures/2 users/ilse",
                         "UpdateMeasure actionPlans/2026/measures/1 users/ilse"}));
}

TEST_F(ActionPlanTest, BadInputNamesTheFieldAndStoresNothing) {
  v1::ActionPlan bad = Plan(1999, true);
  bad.set_title("");
  bad.mutable_priorities(0)->set_theme(v1::THEME_UNSPECIFIED);
  bad.mutable_priorities(0)->add_area_codes("BU99999999");
  v1::ActionPlan out;
  grpc::Status status = CreatePlan(analyst_, bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"action_plan.year", "action_plan.title",
                                      "action_plan.priorities[0].theme",
                                      "action_plan.priorities[0].area_codes[1]"}));
  ASSERT_TRUE(CreatePlan(analyst_, Plan(2026, true), &out).ok());

  v1::Measure m = Measure("Extra rondes", true);
  m.set_title("twee\nregels");
  *m.mutable_end_time() = Day(2026, 1, 1);  // before the start
  m.set_owner_department("Team\tHandhaving");
  v1::Measure stored;
  status = CreateMeasure(analyst_, "actionPlans/2026", m, &stored);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"measure.title", "measure.owner_department",
                                      "measure.end_time"}));
  // Invalid UTF-8 is refused before any handler runs, naming the field.
  v1::Measure broken = Measure("Extra rondes", true);
  broken.set_owner_department(std::string("\xff", 1));
  EXPECT_EQ(ViolatedFields(CreateMeasure(analyst_, "actionPlans/2026", broken, &stored)),
            std::vector<std::string>{"measure.owner_department"});
  EXPECT_EQ(CreateMeasure(analyst_, "actionPlans/26", Measure("x", true), &stored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CreateMeasure(analyst_, "actionPlans/2030", Measure("x", true), &stored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(CreateMeasure(analyst_, "actionPlans/2026", Measure("ok", true), &stored).ok());

  v1::UpdateMeasureRequest update;
  *update.mutable_measure() = stored;
  update.mutable_update_mask()->add_paths("version");
  update.mutable_update_mask()->add_paths("area_codes");
  update.mutable_measure()->clear_area_codes();
  grpc::ClientContext context;
  WithToken(context, analyst_);
  v1::Measure updated;
  status = plans_->UpdateMeasure(&context, update, &updated);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"update_mask.paths[0]", "measure.area_codes"}));

  v1::ListMeasuresResponse list;
  ASSERT_TRUE(ListMeasures(analyst_, "actionPlans/2026", &list).ok());
  ASSERT_EQ(list.measures_size(), 1);
  EXPECT_EQ(list.measures(0).version(), 1);
  EXPECT_EQ(list.measures(0).area_codes_size(), 1);
}

TEST_F(ActionPlanTest, EnforcementFromDispatchManualEntryAndImportCountedPerMeasureAndOnTheMap) {
  v1::ActionPlan plan;
  ASSERT_TRUE(CreatePlan(analyst_, Plan(2026, true), &plan).ok());
  v1::Measure rounds, youth;
  ASSERT_TRUE(
      CreateMeasure(analyst_, "actionPlans/2026", Measure("Extra rondes", true), &rounds).ok());
  v1::Measure y = Measure("Jongerenwerk", true);
  y.set_theme(v1::YOUTH);
  ASSERT_TRUE(CreateMeasure(analyst_, "actionPlans/2026", y, &youth).ok());

  // Two incidents far apart: one in De Drie Straatjes, one in Wijk aan Zee.
  const v1::Report centre = Submit(52.4870, 4.6578, "Winkeldief gezien bij de Hema");
  const v1::Report coast = Submit(52.4935, 4.6040, "Groep jongeren intimideert voorbijgangers");
  ASSERT_NE(centre.incident_id(), coast.incident_id());
  const std::string a = centre.incident_id(), b = coast.incident_id();
  ASSERT_TRUE(Transition(a, v1::INCIDENT_TRIAGED).ok());
  ASSERT_TRUE(Transition(a, v1::INCIDENT_IN_PROGRESS).ok());
  // Enforcement only when resolving; a measure that does not exist fails the transition.
  grpc::Status early = Transition(a, v1::INCIDENT_TRIAGED,
                                  {Action(v1::ENFORCEMENT_WARNING, 1, rounds.name())});
  EXPECT_EQ(ViolatedFields(early), std::vector<std::string>{"enforcement"});
  const int64_t version = Incident(a).version();
  EXPECT_EQ(Transition(a, v1::INCIDENT_RESOLVED,
                       {Action(v1::ENFORCEMENT_WARNING, 1, "actionPlans/2026/measures/9")})
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Incident(a).version(), version);  // nothing changed
  EXPECT_EQ(ViolatedFields(Transition(a, v1::INCIDENT_RESOLVED,
                                      {Action(v1::ENFORCEMENT_ACTION_TYPE_UNSPECIFIED, 1, ""),
                                       Action(v1::ENFORCEMENT_FINE, -1, "measures/1")})),
            (std::vector<std::string>{"enforcement[0].type", "enforcement[1].count",
                                      "enforcement[1].measure"}));
  v1::Incident resolved;
  ASSERT_TRUE(Transition(a, v1::INCIDENT_RESOLVED,
                         {Action(v1::ENFORCEMENT_WARNING, 2, rounds.name()),
                          Action(v1::ENFORCEMENT_FINE, 0, rounds.name())},
                         &resolved)
                  .ok());
  EXPECT_EQ(resolved.status(), v1::INCIDENT_RESOLVED);
  ASSERT_TRUE(Transition(b, v1::INCIDENT_TRIAGED).ok());
  ASSERT_TRUE(Transition(b, v1::INCIDENT_IN_PROGRESS).ok());
  ASSERT_TRUE(Transition(b, v1::INCIDENT_RESOLVED,
                         {Action(v1::ENFORCEMENT_REFERRAL_YOUTH_CARE, 1, "")})
                  .ok());

  // Manual entry by a dispatcher; the same reference again replaces the record.
  v1::RecordEnforcementRequest manual;
  v1::EnforcementRecord& r = *manual.mutable_record();
  r.set_type(v1::ENFORCEMENT_CLOSURE_ORDER);
  r.set_area_code("FA037501");
  r.set_theme(v1::SUBVERSION);
  *r.mutable_action_time() = Day(2026, 4, 2);
  r.set_department("Team Ondermijning");
  r.set_external_ref("OND-2026-3");
  r.set_measure(rounds.name());
  v1::EnforcementRecord first, second;
  {
    grpc::ClientContext context;
    WithToken(context, dispatcher_);
    ASSERT_TRUE(plans_->RecordEnforcement(&context, manual, &first).ok());
  }
  r.set_count(2);
  {
    grpc::ClientContext context;
    WithToken(context, dispatcher_);
    ASSERT_TRUE(plans_->RecordEnforcement(&context, manual, &second).ok());
  }
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(second.area().gemeente_code(), "GM0375");
  {
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    v1::EnforcementRecord denied;
    EXPECT_EQ(plans_->RecordEnforcement(&context, manual, &denied).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    r.set_area_code("BU99999999");
    r.set_department("");
    grpc::ClientContext context;
    WithToken(context, dispatcher_);
    v1::EnforcementRecord bad;
    EXPECT_EQ(ViolatedFields(plans_->RecordEnforcement(&context, manual, &bad)),
              (std::vector<std::string>{"record.area_code", "record.department"}));
  }

  // A department's file: a bad row stores nothing; the good file is stored.
  const std::string header = "action_date,area_code,theme,type,department,external_ref,count,measure\n";
  const std::string good =
      header +
      "2026-03-06,BU03750001,LIVEABILITY,WARNING,Team Handhaving,HH-1,3," + rounds.name() + "\n"
      "2026-03-13,BU03750001,LIVEABILITY,FINE,Team Handhaving,HH-2,1," + rounds.name() + "\n"
      "2026-05-20,BU03750800,YOUTH,REFERRAL_POLICE,Team Handhaving,HH-3,,\n";
  int rows = 0;
  grpc::Status bad_file = Import(good + "2026-05-21,BU03750800,YOUTH,SLAP,Team Handhaving,HH-4,1,\n");
  EXPECT_EQ(ViolatedFields(bad_file), std::vector<std::string>{"csv.line[5].type"});
  const size_t before_import = ListEnforcement().size();
  EXPECT_EQ(before_import, 4u);  // 2 + 1 from dispatch, 1 manual
  ASSERT_TRUE(Import(good, &rows).ok());
  EXPECT_EQ(rows, 3);
  ASSERT_TRUE(Import(good, &rows).ok());  // a re-import replaces, it does not add
  const std::vector<v1::EnforcementRecord> all = ListEnforcement();
  EXPECT_EQ(all.size(), 7u);

  // Per measure: recount from the stored records.
  const std::vector<v1::EnforcementRecord> linked = ListEnforcement(rounds.name());
  int64_t warnings = 0, fines = 0, closures = 0;
  for (const v1::EnforcementRecord& e : linked) {
    EXPECT_EQ(e.measure(), rounds.name());
    if (e.type() == v1::ENFORCEMENT_WARNING) warnings += e.count();
    if (e.type() == v1::ENFORCEMENT_FINE) fines += e.count();
    if (e.type() == v1::ENFORCEMENT_CLOSURE_ORDER) closures += e.count();
  }
  EXPECT_EQ(linked.size(), 5u);
  EXPECT_EQ(warnings, 2 + 3);
  EXPECT_EQ(fines, 1 + 1);
  EXPECT_EQ(closures, 2);
  const v1::EnforcementRecord* from_desk = nullptr;
  for (const v1::EnforcementRecord& e : all) {
    if (e.source() == v1::ENFORCEMENT_FROM_DISPATCH && e.type() == v1::ENFORCEMENT_WARNING) {
      from_desk = &e;
    }
  }
  ASSERT_NE(from_desk, nullptr);
  EXPECT_EQ(from_desk->incident(), a);
  EXPECT_EQ(from_desk->theme(), resolved.theme());
  EXPECT_EQ(from_desk->area().buurt_code(), resolved.area().buurt_code());

  // The map layer: staff see exact counts; the public sees counts below k withheld.
  v1::GetAggregatesResponse staff = EnforcementLayer(analyst_, v1::WIJK, "WK037500");
  int64_t h1_warnings = 0;
  for (const v1::EnforcementCount& c : staff.enforcement()) {
    EXPECT_FALSE(c.suppressed());
    if (c.type() == v1::ENFORCEMENT_WARNING && c.period_start().seconds() < Day(2026, 6, 1).seconds()) {
      h1_warnings += c.count();
    }
  }
  EXPECT_EQ(h1_warnings, 3);  // HH-1 in Meerplein
  v1::GetAggregatesResponse open = EnforcementLayer("", v1::WIJK, "WK037500");
  // Every theme, half year and action type, withheld alike, those without enforcement too.
  EXPECT_GT(open.enforcement_size(), staff.enforcement_size());
  std::set<std::tuple<int, int64_t, int>> listed;
  for (const v1::EnforcementCount& c : open.enforcement()) {
    EXPECT_TRUE(c.suppressed());  // every count in this small sample is below 5
    EXPECT_EQ(c.count(), 0);
    listed.insert({c.theme(), c.period_start().seconds(), c.type()});
  }
  for (const v1::EnforcementCount& c : staff.enforcement()) {
    EXPECT_TRUE(listed.count({c.theme(), c.period_start().seconds(), c.type()}));
  }
  // Focus area: the closure orders recorded there.
  v1::GetAggregatesResponse focus = EnforcementLayer(analyst_, v1::FOCUS_AREA, "FA037501");
  int64_t focus_closures = 0;
  for (const v1::EnforcementCount& c : focus.enforcement()) {
    if (c.type() == v1::ENFORCEMENT_CLOSURE_ORDER) focus_closures += c.count();
  }
  EXPECT_EQ(focus_closures, 2);
}

// The tussenstand of the current half-year: per priority the measures, enforcement against the
// planned output, and before/after figures that equal a recount from the map's counts.
TEST_F(ActionPlanTest, ProgressReportShowsMeasuresEnforcementAndBeforeAfter) {
  const absl::TimeZone amsterdam = [] {
    absl::TimeZone tz;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &tz));
    return tz;
  }();
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), amsterdam);
  auto midnight = [&](absl::CivilDay d) {
    return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::FromCivil(d, amsterdam)));
  };
  const std::string period = absl::StrCat(today.year(), today.month() <= 6 ? "-H1" : "-H2");
  v1::ActionPlan plan;
  ASSERT_TRUE(CreatePlan(analyst_, Plan(static_cast<int>(today.year()), true), &plan).ok());
  const std::string parent = absl::StrCat("actionPlans/", today.year());
  // Reports in the measure's area (and one elsewhere); the measure takes the theme the
  // classifier gave them.
  const v1::Report first = Submit(52.4870, 4.6578, "Overlast van hangjongeren bij de Hema");
  Submit(52.4871, 4.6579, "Weer overlast en geluid van jongeren bij de Hema");
  Submit(52.4935, 4.6040, "Afval gedumpt naast de container");
  const v1::Theme theme = Incident(first.incident_id()).theme();
  v1::Measure rounds = Measure("Extra rondes Drie Straatjes", true);
  rounds.set_theme(theme);
  *rounds.mutable_start_time() = midnight(today - 20);
  *rounds.mutable_end_time() = midnight(today + 60);
  rounds.set_status(v1::MEASURE_RUNNING);
  v1::Measure later = Measure("Jongerenwerk Wijk aan Zee", true);
  later.set_theme(theme == v1::YOUTH ? v1::SUBVERSION : v1::YOUTH);
  later.clear_area_codes();
  later.add_area_codes("WK037508");
  *later.mutable_start_time() = midnight(today + 200);
  *later.mutable_end_time() = midnight(today + 300);
  ASSERT_TRUE(CreateMeasure(analyst_, parent, rounds, &rounds).ok());
  ASSERT_TRUE(CreateMeasure(analyst_, parent, later, &later).ok());
  {
    v1::UpdateMeasureRequest note;
    *note.mutable_measure() = rounds;
    note.set_progress_note("Rondes op vrijdagavond lopen sinds de start.");
    grpc::ClientContext context;
    WithToken(context, analyst_);
    ASSERT_TRUE(plans_->UpdateMeasure(&context, note, &rounds).ok());
  }

  // The incident resolved with warnings under the measure; a department's file adds more.
  ASSERT_TRUE(Transition(first.incident_id(), v1::INCIDENT_TRIAGED).ok());
  ASSERT_TRUE(Transition(first.incident_id(), v1::INCIDENT_IN_PROGRESS).ok());
  ASSERT_TRUE(Transition(first.incident_id(), v1::INCIDENT_RESOLVED,
                         {Action(v1::ENFORCEMENT_WARNING, 4, rounds.name())})
                  .ok());
  const absl::CivilDay yesterday = today - 1;
  ASSERT_TRUE(Import(absl::StrCat("action_date,area_code,theme,type,department,external_ref,count,"
                                  "measure\n",
                                  absl::FormatCivilTime(yesterday),
                                  ",FA037501,", v1::Theme_Name(theme),
                                  ",WARNING,Team Handhaving,HH-9,3,",
                                  rounds.name(), "\n"))
                  .ok());

  // Recount: incidents and reports of the measure's theme in its area, before and during.
  auto map = v1::MapService::NewStub(server_.channel());
  auto recount = [&](const std::string& area, v1::AreaLevel level, absl::CivilDay from,
                     absl::CivilDay to, int64_t* incidents, int64_t* reports) {
    grpc::ClientContext context;
    WithToken(context, analyst_);
    v1::GetAggregatesRequest request;
    v1::AggregateSelection& sel = *request.mutable_selection();
    sel.set_level(level);
    sel.add_area_codes(area);
    sel.add_themes(theme);
    sel.set_period(v1::DAY);
    *sel.mutable_start_time() = midnight(from);
    *sel.mutable_end_time() = midnight(to);
    v1::GetAggregatesResponse response;
    ASSERT_TRUE(map->GetAggregates(&context, request, &response).ok());
    *incidents = *reports = 0;
    for (const v1::AggregateCell& c : response.cells()) {
      *incidents += c.incident_count();
      *reports += c.report_count();
    }
  };
  const absl::CivilDay start = today - 20;
  const absl::CivilDay half_end = today.month() <= 6 ? absl::CivilDay(today.year(), 7, 1)
                                                     : absl::CivilDay(today.year() + 1, 1, 1);
  const absl::CivilDay during_end = std::min(today + 1, half_end);
  const absl::CivilDay before_start = start - (during_end - start);
  int64_t in_before = 0, rep_before = 0, in_during = 0, rep_during = 0, g_before = 0,
          g_during = 0, ignored = 0;
  recount("FA037501", v1::FOCUS_AREA, before_start, start, &in_before, &rep_before);
  recount("FA037501", v1::FOCUS_AREA, start, during_end, &in_during, &rep_during);
  recount("GM0375", v1::GEMEENTE, before_start, start, &g_before, &ignored);
  recount("GM0375", v1::GEMEENTE, start, during_end, &g_during, &ignored);

  v1::ProgressReport report;
  {
    grpc::ClientContext context;
    WithToken(context, analyst_);
    v1::GetProgressReportRequest request;
    request.set_period(period);
    grpc::Status status = map->GetProgressReport(&context, request, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::string& md = report.markdown();
  EXPECT_NE(md.find("## Actieplan: maatregelen en resultaten"), std::string::npos) << md;
  EXPECT_NE(md.find("### Prioriteit 1: Leefbaarheid"), std::string::npos);
  EXPECT_NE(md.find("#### Extra rondes Drie Straatjes"), std::string::npos);
  EXPECT_NE(md.find("#### Jongerenwerk Wijk aan Zee"), std::string::npos);
  EXPECT_NE(md.find("**loopt**"), std::string::npos);
  EXPECT_NE(md.find("**gepland**"), std::string::npos);
  EXPECT_NE(md.find("12 extra handhaving rounds on Friday evenings: 7 van 12 geregistreerd"),
            std::string::npos);
  EXPECT_NE(md.find("Handhaving: 7 waarschuwing(en)"), std::string::npos);
  EXPECT_NE(md.find("Laatste voortgang: Rondes op vrijdagavond lopen sinds de start."),
            std::string::npos);
  EXPECT_NE(md.find(absl::StrCat("| Incidenten in het gebied van de maatregel | ", in_before,
                                 " | ", in_during, " |")),
            std::string::npos)
      << in_before << " " << in_during << "\n" << md;
  EXPECT_NE(md.find(absl::StrCat("| Meldingen in het gebied van de maatregel | ", rep_before,
                                 " | ", rep_during, " |")),
            std::string::npos);
  EXPECT_NE(md.find(absl::StrCat("| Incidenten in de rest van de gemeente (vergelijking) | ",
                                 g_before - in_before, " | ", g_during - in_during, " |")),
            std::string::npos);
  EXPECT_GE(rep_during, 1);  // the recount is not empty
  EXPECT_NE(md.find("Uit deze getallen volgt dus niet dat de maatregel het verschil veroorzaakte."),
            std::string::npos);
  EXPECT_NE(md.find("nog niet begonnen"), std::string::npos);
  EXPECT_NE(md.find("## Flitspeiling: veiligheidsgevoel"), std::string::npos);
  EXPECT_NE(md.find("## Vroegsignalering"), std::string::npos);
  EXPECT_NE(report.html().find("id=\"actieplan\""), std::string::npos);
}

}  // namespace
}  // namespace wijkwacht::testing
