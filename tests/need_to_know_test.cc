// Integration: departments, need-to-know rules and the access matrix over the real server
// (authentication on, real RocksDB, real gRPC clients).
//
// The matrix: every staff RPC that reads or acts on an incident or report x staff identities
// (dispatchers and analysts in no department, in handhaving, in ondermijning; the admin) x
// themes (a LIVEABILITY and a SUBVERSION incident). Each cell must give exactly the expected
// outcome: the role table's PERMISSION_DENIED; NOT_FOUND when need-to-know hides the incident
// (never PERMISSION_DENIED, which would reveal that it exists); otherwise the RPC's own answer
// (OK for reads and AskReporter, ABORTED for actions sent with a stale version so that nothing
// changes; PurgeIncident, admins only, is sent without a reason: INVALID_ARGUMENT, nothing
// deleted). Lists
// and the queue stream must leave hidden incidents and reports out, and paging must not
// reveal them.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/directory.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr char kPassword[] = "a long enough password";
constexpr int64_t kStaleVersion = 1'000'000;

struct Identity {
  std::string label;
  v1::Role role;
  std::vector<std::string> departments;
  std::string token;
};

class NeedToKnowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    dispatch_ = v1::DispatchService::NewStub(server_.channel());
    directory_ = v1::DirectoryService::NewStub(server_.channel());
  }

  grpc::Status CreateAccount(const std::string& name, v1::Role role,
                             const std::vector<std::string>& departments,
                             v1::Account* out = nullptr) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateAccountRequest request;
    request.set_username(name);
    request.set_role(role);
    request.set_password(kPassword);
    for (const std::string& d : departments) request.add_departments(d);
    v1::Account account;
    return server_.auth().CreateAccount(&context, request, out != nullptr ? out : &account);
  }

  std::string Staff(const std::string& name, v1::Role role,
                    const std::vector<std::string>& departments) {
    grpc::Status status = CreateAccount(name, role, departments);
    EXPECT_TRUE(status.ok()) << status.error_message();
    absl::StatusOr<std::string> token = server_.Login(name, kPassword);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  v1::Report Submit(double lat, double lng, const std::string& text, const std::string& category) {
    v1::Report report = BreestraatReport(NewUuid(rng_), text);
    report.mutable_location()->set_latitude(lat);
    report.mutable_location()->set_longitude(lng);
    report.set_category(category);
    if (contact_) *report.mutable_contact() = *contact_;
    v1::Report out;
    grpc::Status status = server_.SubmitAsResident(report, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  grpc::Status GetIncident(const std::string& token, const std::string& name,
                           v1::Incident* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetIncidentRequest request;
    request.set_name(name);
    return dispatch_->GetIncident(&context, request, out);
  }

  // An incident of a LIVEABILITY report at (lat, lng); `variant` 0-3 picks its kind.
  std::string Liveability(double lat, double lng, int variant = 0) {
    static const std::pair<const char*, const char*> kKinds[] = {
        {"vandalisme", "Bushokje vernield, overal glas op de stoep"},
        {"fietsdiefstal", "Mijn fiets is gestolen bij de bibliotheek, slot doorgeknipt"},
        {"auto-inbraak", "Autoruit ingeslagen en de navigatie is weg"},
        {"inbraak-woning", "Bij de buren is ingebroken via de achterdeur"}};
    const auto& [category, text] = kKinds[variant % 4];
    const v1::Report r = Submit(lat, lng, text, category);
    v1::Incident incident;
    EXPECT_TRUE(GetIncident(server_.admin_token(), r.incident_id(), &incident).ok());
    if (incident.theme() != v1::LIVEABILITY) Reclassify(incident, v1::LIVEABILITY, category);
    return r.incident_id();
  }

  // An incident of a report about ondermijning, reclassified by the admin to SUBVERSION.
  std::string Subversion(double lat, double lng, std::string* report_name = nullptr,
                         int variant = 0) {
    static const std::pair<const char*, const char*> kKinds[] = {
        {"hennepteelt-signalen", "Sterke hennepgeur en dichtgeplakte ramen op de zolder van nummer 12"},
        {"drugsafval", "Vaten met chemisch afval gedumpt langs het fietspad"},
        {"overbewoning", "Twaalf mensen ingeschreven in een kleine bovenwoning"},
        {"verdacht-bedrijf", "Kapsalon zonder klanten maar met dure auto's voor de deur"}};
    const auto& [category, text] = kKinds[variant % 4];
    const v1::Report r = Submit(lat, lng, text, category);
    if (report_name != nullptr) *report_name = r.name();
    v1::Incident incident;
    EXPECT_TRUE(GetIncident(server_.admin_token(), r.incident_id(), &incident).ok());
    Reclassify(incident, v1::SUBVERSION, category);
    return r.incident_id();
  }

  void Reclassify(const v1::Incident& incident, v1::Theme theme, const std::string& category) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::ReclassifyIncidentRequest request;
    request.set_name(incident.name());
    request.set_version(incident.version());
    request.set_theme(theme);
    request.set_category(category);
    v1::Incident out;
    grpc::Status status = dispatch_->ReclassifyIncident(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(out.theme(), theme);
  }

  // Every incident name of ListIncidents, paging with `page_size`; `pages` gets the page sizes.
  std::vector<std::string> ListAll(const std::string& token, int page_size,
                                   std::vector<int>* pages = nullptr, grpc::Status* status = nullptr) {
    std::vector<std::string> names;
    std::string page_token;
    do {
      grpc::ClientContext context;
      WithToken(context, token);
      v1::ListIncidentsRequest request;
      request.set_page_size(page_size);
      request.set_page_token(page_token);
      v1::ListIncidentsResponse response;
      grpc::Status s = dispatch_->ListIncidents(&context, request, &response);
      if (status != nullptr) *status = s;
      if (!s.ok()) return names;
      for (const v1::Incident& i : response.incidents()) names.push_back(i.name());
      if (pages != nullptr) pages->push_back(response.incidents_size());
      page_token = response.next_page_token();
    } while (!page_token.empty());
    return names;
  }

  std::vector<std::string> ListReportNames(const std::string& token, int page_size,
                                           std::vector<int>* pages = nullptr,
                                           grpc::Status* status = nullptr) {
    std::vector<std::string> names;
    std::string page_token;
    do {
      grpc::ClientContext context;
      WithToken(context, token);
      v1::ListReportsRequest request;
      request.set_page_size(page_size);
      request.set_page_token(page_token);
      v1::ListReportsResponse response;
      grpc::Status s = server_.reports().ListReports(&context, request, &response);
      if (status != nullptr) *status = s;
      if (!s.ok()) return names;
      for (const v1::Report& r : response.reports()) names.push_back(r.name());
      if (pages != nullptr) pages->push_back(response.reports_size());
      page_token = response.next_page_token();
    } while (!page_token.empty());
    return names;
  }

  grpc::Status GetContact(const std::string& token, const std::string& report,
                          const std::string& reason, v1::ReporterContact* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetReporterContactRequest request;
    request.set_report(report);
    request.set_reason(reason);
    return dispatch_->GetReporterContact(&context, request, out);
  }

  std::vector<v1::AuditEntry> AuditEntries() {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetAuditLogRequest request;
    request.set_page_size(1000);
    v1::GetAuditLogResponse response;
    EXPECT_TRUE(dispatch_->GetAuditLog(&context, request, &response).ok());
    return {response.entries().begin(), response.entries().end()};
  }

  // Contact details every report of Submit carries (none when unset).
  std::optional<v1::ContactDetails> contact_;
  std::mt19937_64 rng_{16};
  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<v1::DirectoryService::Stub> directory_;
};

std::string Code(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    default: return absl::StrCat("code ", status.error_code(), ": ", status.error_message());
  }
}

TEST_F(NeedToKnowTest, DepartmentsAndRulesAreAdminManagedValidatedAndAudited) {
  {  // The defaults of a fresh data dir.
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::ListDepartmentsResponse response;
    ASSERT_TRUE(directory_->ListDepartments(&context, {}, &response).ok());
    std::set<std::string> names;
    for (const v1::Department& d : response.departments()) names.insert(d.name());
    EXPECT_EQ(names, (std::set<std::string>{"departments/handhaving", "departments/jeugd",
                                            "departments/ondermijning",
                                            "departments/openbare-ruimte",
                                            "departments/politie-liaison"}));
  }
  v1::AccessRules defaults;
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    ASSERT_TRUE(directory_->ListAccessRules(&context, {}, &defaults).ok());
    ASSERT_EQ(defaults.rules_size(), 1);
    EXPECT_EQ(defaults.rules(0).theme(), v1::SUBVERSION);
    EXPECT_EQ(defaults.rules(0).departments(0), "departments/ondermijning");
    EXPECT_FALSE(defaults.has_update_time());
  }
  {  // Bad input names the field; nothing is created.
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateDepartmentRequest request;
    request.set_department_id("Milieu!");
    v1::Department out;
    grpc::Status status = directory_->CreateDepartment(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status),
              (std::vector<std::string>{"department_id", "department.display_name"}));
  }
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateDepartmentRequest request;
    request.set_department_id("milieu");
    request.mutable_department()->set_display_name("Milieu en afval");
    v1::Department out;
    ASSERT_TRUE(directory_->CreateDepartment(&context, request, &out).ok());
    EXPECT_EQ(out.name(), "departments/milieu");
    grpc::ClientContext again;
    WithToken(again, server_.admin_token());
    EXPECT_EQ(directory_->CreateDepartment(&again, request, &out).error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
  }
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::UpdateDepartmentRequest request;
    request.mutable_department()->set_name("departments/nergens");
    request.mutable_department()->set_display_name("Nergens");
    v1::Department out;
    EXPECT_EQ(directory_->UpdateDepartment(&context, request, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
    grpc::ClientContext renamed;
    WithToken(renamed, server_.admin_token());
    request.mutable_department()->set_name("departments/milieu");
    request.mutable_department()->set_display_name("Milieu");
    ASSERT_TRUE(directory_->UpdateDepartment(&renamed, request, &out).ok());
    EXPECT_EQ(out.display_name(), "Milieu");
  }
  {  // A bad rule table is refused as a whole, naming each field; the table in force stays.
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::SetAccessRulesRequest request;
    v1::AccessRule* r0 = request.add_rules();
    r0->set_theme(v1::SUBVERSION);
    r0->add_departments("departments/geheim");
    v1::AccessRule* r1 = request.add_rules();
    r1->set_category("geen-categorie");
    r1->add_departments("departments/milieu");
    v1::AccessRules out;
    grpc::Status status = directory_->SetAccessRules(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status),
              (std::vector<std::string>{"rules[0].departments[0]", "rules[1].category"}));
    grpc::ClientContext list;
    WithToken(list, server_.admin_token());
    v1::AccessRules now;
    ASSERT_TRUE(directory_->ListAccessRules(&list, {}, &now).ok());
    EXPECT_EQ(now.SerializeAsString(), defaults.SerializeAsString());
  }
  {  // Accounts: departments must exist; UpdateAccount replaces them.
    v1::Account account;
    grpc::Status status =
        CreateAccount("piet", v1::ROLE_DISPATCHER, {"departments/geheim", "handhaving"}, &account);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status),
              (std::vector<std::string>{"departments[0]", "departments[1]"}));
    ASSERT_TRUE(CreateAccount("piet", v1::ROLE_DISPATCHER,
                              {"departments/milieu", "departments/handhaving"}, &account)
                    .ok());
    EXPECT_EQ(std::vector<std::string>(account.departments().begin(), account.departments().end()),
              (std::vector<std::string>{"departments/handhaving", "departments/milieu"}));
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::UpdateAccountRequest request;
    request.set_username("piet");
    request.add_departments("departments/ondermijning");
    ASSERT_TRUE(server_.auth().UpdateAccount(&context, request, &account).ok());
    EXPECT_EQ(std::vector<std::string>(account.departments().begin(), account.departments().end()),
              std::vector<std::string>{"departments/ondermijning"});
    grpc::ClientContext unknown;
    WithToken(unknown, server_.admin_token());
    request.set_username("niemand");
    EXPECT_EQ(server_.auth().UpdateAccount(&unknown, request, &account).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {  // Only admins manage the directory; staff may list departments (to assign incidents).
    const std::string dispatcher = Staff("joke", v1::ROLE_DISPATCHER, {"departments/ondermijning"});
    grpc::ClientContext listing;
    WithToken(listing, dispatcher);
    v1::ListDepartmentsResponse departments;
    EXPECT_TRUE(directory_->ListDepartments(&listing, {}, &departments).ok());
    EXPECT_EQ(departments.departments_size(), 6);
    grpc::ClientContext rules;
    WithToken(rules, dispatcher);
    v1::AccessRules table;
    EXPECT_EQ(directory_->ListAccessRules(&rules, {}, &table).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    grpc::ClientContext context;
    WithToken(context, dispatcher);
    v1::AccessRules out;
    EXPECT_EQ(directory_->SetAccessRules(&context, {}, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    grpc::ClientContext update;
    WithToken(update, dispatcher);
    v1::UpdateAccountRequest request;
    request.set_username("joke");
    v1::Account account;
    EXPECT_EQ(server_.auth().UpdateAccount(&update, request, &account).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {  // Every write is in the audit log, and the chain holds.
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetAuditLogRequest request;
    request.set_page_size(1000);
    v1::GetAuditLogResponse response;
    ASSERT_TRUE(dispatch_->GetAuditLog(&context, request, &response).ok());
    std::vector<std::string> actions;
    std::string previous;
    for (const v1::AuditEntry& e : response.entries()) {
      actions.push_back(absl::StrCat(e.action(), " ", e.target()));
      if (!previous.empty()) EXPECT_EQ(e.previous_hash(), previous);
      previous = e.hash();
    }
    EXPECT_EQ(actions, (std::vector<std::string>{"CreateDepartment departments/milieu",
                                                 "UpdateDepartment departments/milieu",
                                                 "UpdateAccount users/piet"}));
    EXPECT_TRUE(absl::StrContains(response.entries(2).detail(), "ondermijning"));
  }
}

TEST_F(NeedToKnowTest, AccessMatrixEveryStaffRpcByDepartmentAndTheme) {
  std::vector<Identity> who = {
      {"dispatcher", v1::ROLE_DISPATCHER, {}, ""},
      {"dispatcher+handhaving", v1::ROLE_DISPATCHER, {"departments/handhaving"}, ""},
      {"dispatcher+ondermijning", v1::ROLE_DISPATCHER, {"departments/ondermijning"}, ""},
      {"analyst", v1::ROLE_ANALYST, {}, ""},
      {"analyst+ondermijning", v1::ROLE_ANALYST, {"departments/ondermijning"}, ""},
      {"admin", v1::ROLE_ADMIN, {}, ""},
  };
  for (size_t i = 0; i < who.size(); ++i) {
    who[i].token = who[i].role == v1::ROLE_ADMIN
                       ? server_.admin_token()
                       : Staff(absl::StrCat("staff", i), who[i].role, who[i].departments);
  }
  std::string subversion_report;
  contact_.emplace();
  contact_->set_email("melder@example.nl");
  contact_->set_may_contact(true);
  const std::string live = Liveability(52.4870, 4.6578);
  const std::string sub = Subversion(52.4990, 4.6400, &subversion_report);
  contact_.reset();
  // The last event of the log: every queue stream reads up to it.
  const std::string marker = Liveability(52.4700, 4.6600, 1);
  std::string live_report;
  {
    v1::Incident incident;
    ASSERT_TRUE(GetIncident(server_.admin_token(), live, &incident).ok());
    live_report = incident.reports(0);
  }
  const std::map<std::string, std::string> theme_incident = {{"LIVEABILITY", live},
                                                             {"SUBVERSION", sub}};
  const std::map<std::string, std::string> theme_report = {{"LIVEABILITY", live_report},
                                                           {"SUBVERSION", subversion_report}};

  // The RPCs, each: (caller token, incident, its report) -> outcome.
  using Rpc = std::function<std::string(const std::string&, const std::string&, const std::string&)>;
  std::vector<std::pair<std::string, Rpc>> rpcs;
  auto versioned = [](auto* request, const std::string& incident) {
    request->set_name(incident);
    request->set_version(kStaleVersion);
  };
  rpcs.push_back({"GetIncident", [&](const std::string& t, const std::string& i, const std::string&) {
    v1::Incident out;
    return Code(GetIncident(t, i, &out));
  }});
  rpcs.push_back({"ListIncidents", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::Status status;
    std::vector<std::string> names = ListAll(t, 1000, nullptr, &status);
    if (!status.ok()) return Code(status);
    return std::string(std::find(names.begin(), names.end(), i) != names.end() ? "listed" : "absent");
  }});
  rpcs.push_back({"WatchQueue", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = dispatch_->WatchQueue(&context, v1::WatchQueueRequest());
    v1::QueueEvent event;
    bool seen = false;
    while (stream->Read(&event)) {
      if (event.incident().name() == i) seen = true;
      if (event.incident().name() == marker) {
        context.TryCancel();
        stream->Finish().ok();
        return std::string(seen ? "delivered" : "never delivered");
      }
    }
    return Code(stream->Finish());
  }});
  rpcs.push_back({"ClaimIncident", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::ClaimIncidentRequest request;
    versioned(&request, i);
    v1::Incident out;
    return Code(dispatch_->ClaimIncident(&context, request, &out));
  }});
  rpcs.push_back({"AssignIncident", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::AssignIncidentRequest request;
    versioned(&request, i);
    request.set_department("departments/handhaving");
    v1::Incident out;
    return Code(dispatch_->AssignIncident(&context, request, &out));
  }});
  rpcs.push_back({"TransitionIncident", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::TransitionIncidentRequest request;
    versioned(&request, i);
    request.set_target_status(v1::INCIDENT_TRIAGED);
    v1::Incident out;
    return Code(dispatch_->TransitionIncident(&context, request, &out));
  }});
  rpcs.push_back({"MergeIncidents", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::MergeIncidentsRequest request;
    versioned(&request, marker);
    request.add_merged(i);
    v1::Incident out;
    return Code(dispatch_->MergeIncidents(&context, request, &out));
  }});
  rpcs.push_back({"SplitReport", [&](const std::string& t, const std::string& i, const std::string& r) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::SplitReportRequest request;
    request.set_incident(i);
    request.set_version(kStaleVersion);
    request.set_report(r);
    v1::Incident out;
    return Code(dispatch_->SplitReport(&context, request, &out));
  }});
  rpcs.push_back({"ReclassifyIncident", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::ReclassifyIncidentRequest request;
    versioned(&request, i);
    request.set_theme(v1::OTHER);
    v1::Incident out;
    return Code(dispatch_->ReclassifyIncident(&context, request, &out));
  }});
  rpcs.push_back({"SendFeedback", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::SendFeedbackRequest request;
    request.set_name(i);
    request.set_message("Dank voor uw melding.");
    v1::SendFeedbackResponse out;
    return Code(dispatch_->SendFeedback(&context, request, &out));
  }});
  rpcs.push_back({"AskReporter", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::AskReporterRequest request;
    request.set_name(i);
    request.set_question("Is het nog aan de gang?");
    v1::AskReporterResponse out;
    return Code(dispatch_->AskReporter(&context, request, &out));
  }});
  rpcs.push_back({"GetAuditLog", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::GetAuditLogRequest request;
    request.set_page_size(1000);
    v1::GetAuditLogResponse out;
    grpc::Status status = dispatch_->GetAuditLog(&context, request, &out);
    if (!status.ok()) return Code(status);
    for (const v1::AuditEntry& e : out.entries()) {
      if (e.target() == i) return std::string("listed");
    }
    return std::string("absent");
  }});
  rpcs.push_back({"GetIncidentHistory", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::GetIncidentHistoryRequest request;
    request.set_name(i);
    v1::GetIncidentHistoryResponse out;
    grpc::Status status = dispatch_->GetIncidentHistory(&context, request, &out);
    if (!status.ok()) return Code(status);
    for (const v1::AuditEntry& e : out.entries()) {
      if (e.target() != i) return absl::StrCat("entry about ", e.target());
    }
    return std::string(out.entries().empty() ? "empty" : "listed");
  }});
  rpcs.push_back({"GetReporterContact", [&](const std::string& t, const std::string&, const std::string& r) {
    v1::ReporterContact out;
    return Code(GetContact(t, r, "terugbellen over de melding", &out));
  }});
  // Admins only. The purge is called without a reason, so the matrix deletes nothing: the
  // gate answers before the request is looked at, the validation after.
  rpcs.push_back({"PurgeIncident", [&](const std::string& t, const std::string& i, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::PurgeIncidentRequest request;
    request.set_name(i);
    v1::PurgeIncidentResponse out;
    return Code(dispatch_->PurgeIncident(&context, request, &out));
  }});
  rpcs.push_back({"ListDeletions", [&](const std::string& t, const std::string&, const std::string&) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::ListDeletionsResponse out;
    return Code(dispatch_->ListDeletions(&context, v1::ListDeletionsRequest(), &out));
  }});
  rpcs.push_back({"GetReport", [&](const std::string& t, const std::string&, const std::string& r) {
    grpc::ClientContext context;
    WithToken(context, t);
    v1::GetReportRequest request;
    request.set_name(r);
    v1::Report out;
    return Code(server_.reports().GetReport(&context, request, &out));
  }});
  rpcs.push_back({"ListReports", [&](const std::string& t, const std::string&, const std::string& r) {
    grpc::Status status;
    std::vector<std::string> names = ListReportNames(t, 1000, nullptr, &status);
    if (!status.ok()) return Code(status);
    return std::string(std::find(names.begin(), names.end(), r) != names.end() ? "listed" : "absent");
  }});

  // The expected outcome of each cell.
  auto expected = [&](const std::string& rpc, const Identity& id, const std::string& theme) {
    const bool dispatch_role = id.role == v1::ROLE_DISPATCHER || id.role == v1::ROLE_ADMIN;
    const bool sees = theme == "LIVEABILITY" || id.role == v1::ROLE_ADMIN ||
                      std::find(id.departments.begin(), id.departments.end(),
                                "departments/ondermijning") != id.departments.end();
    if (rpc == "GetAuditLog") {
      return std::string(id.role == v1::ROLE_ADMIN ? "listed" : "PERMISSION_DENIED");
    }
    if (rpc == "PurgeIncident") {
      return std::string(id.role == v1::ROLE_ADMIN ? "INVALID_ARGUMENT" : "PERMISSION_DENIED");
    }
    if (rpc == "ListDeletions") {
      return std::string(id.role == v1::ROLE_ADMIN ? "OK" : "PERMISSION_DENIED");
    }
    if (rpc == "GetReport") return std::string(sees ? "OK" : "NOT_FOUND");
    if (rpc == "ListReports") return std::string(sees ? "listed" : "absent");
    if (!dispatch_role) return std::string("PERMISSION_DENIED");
    if (rpc == "GetIncident" || rpc == "SendFeedback" || rpc == "GetReporterContact" ||
        rpc == "AskReporter") {
      return std::string(sees ? "OK" : "NOT_FOUND");
    }
    if (rpc == "ListIncidents") return std::string(sees ? "listed" : "absent");
    if (rpc == "GetIncidentHistory") return std::string(sees ? "listed" : "NOT_FOUND");
    if (rpc == "WatchQueue") return std::string(sees ? "delivered" : "never delivered");
    return std::string(sees ? "ABORTED" : "NOT_FOUND");
  };

  int cells = 0;
  std::vector<std::string> wrong;
  std::string table = "\n";
  for (const auto& [rpc, call] : rpcs) {
    for (const Identity& id : who) {
      for (const std::string theme : {"LIVEABILITY", "SUBVERSION"}) {
        const std::string got = call(id.token, theme_incident.at(theme), theme_report.at(theme));
        const std::string want = expected(rpc, id, theme);
        ++cells;
        absl::StrAppend(&table, got == want ? "  " : "X ", rpc, " | ", id.label, " | ", theme,
                        " -> ", got, got == want ? "" : absl::StrCat(" (want ", want, ")"), "\n");
        if (got != want) wrong.push_back(absl::StrCat(rpc, "/", id.label, "/", theme));
      }
    }
  }
  EXPECT_EQ(cells, 18 * 6 * 2);
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " wrong cells of " << cells << ":" << table;
}

TEST_F(NeedToKnowTest, PagingDoesNotRevealHiddenIncidentsOrReports) {
  const std::string handhaving = Staff("hanna", v1::ROLE_DISPATCHER, {"departments/handhaving"});
  const std::string analyst = Staff("anouk", v1::ROLE_ANALYST, {});
  // Oldest to newest: hidden ones around and between the visible ones.
  std::vector<std::string> visible;
  Subversion(52.4660, 4.6450, nullptr, 3);
  for (int i = 0; i < 3; ++i) {
    visible.insert(visible.begin(), Liveability(52.4700 + 0.012 * i, 4.6600, i + 1));
    Subversion(52.4760 + 0.012 * i, 4.6350, nullptr, i);
  }
  for (int page_size : {1, 2, 3, 4}) {
    std::vector<int> pages;
    EXPECT_EQ(ListAll(handhaving, page_size, &pages), visible) << page_size;
    // Exactly the pages of a store holding only the visible incidents: all full, and no
    // further page after the last visible one (a hidden older incident does not leave a token).
    std::vector<int> want;
    for (int left = 3; left > 0; left -= page_size) want.push_back(std::min(left, page_size));
    EXPECT_EQ(pages, want) << "page_size " << page_size;
    std::vector<int> report_pages;
    EXPECT_EQ(ListReportNames(analyst, page_size, &report_pages).size(), 3u);
    EXPECT_EQ(report_pages, want) << "reports, page_size " << page_size;
  }
  EXPECT_EQ(ListAll(server_.admin_token(), 1000).size(), 7u);
}

TEST_F(NeedToKnowTest, RulesAndMembershipTakeEffectAtOnceAndAssignmentNamesDepartments) {
  const std::string hanna = Staff("hanna", v1::ROLE_DISPATCHER, {"departments/handhaving"});
  const std::string sub = Subversion(52.4990, 4.6400);
  v1::Incident incident;
  EXPECT_EQ(GetIncident(hanna, sub, &incident).error_code(), grpc::StatusCode::NOT_FOUND);
  {  // A category rule: hennep signals go to handhaving too; the theme rule stays.
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::SetAccessRulesRequest request;
    v1::AccessRule* theme = request.add_rules();
    theme->set_theme(v1::SUBVERSION);
    theme->add_departments("departments/ondermijning");
    v1::AccessRule* category = request.add_rules();
    category->set_category("hennepteelt-signalen");
    category->add_departments("departments/ondermijning");
    category->add_departments("departments/handhaving");
    v1::AccessRules out;
    ASSERT_TRUE(directory_->SetAccessRules(&context, request, &out).ok());
    EXPECT_TRUE(out.has_update_time());
  }
  ASSERT_TRUE(GetIncident(hanna, sub, &incident).ok());
  {  // Out of handhaving: hidden again.
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::UpdateAccountRequest request;
    request.set_username("hanna");
    request.add_departments("departments/jeugd");
    v1::Account account;
    ASSERT_TRUE(server_.auth().UpdateAccount(&context, request, &account).ok());
  }
  EXPECT_EQ(GetIncident(hanna, sub, &incident).error_code(), grpc::StatusCode::NOT_FOUND);

  // Assignment: the deprecated team maps to its department, and a department maps back.
  const std::string live = Liveability(52.4870, 4.6578);
  ASSERT_TRUE(GetIncident(server_.admin_token(), live, &incident).ok());
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::AssignIncidentRequest request;
    request.set_name(live);
    request.set_version(incident.version());
    request.set_team(v1::POLICE_LIAISON);
    ASSERT_TRUE(dispatch_->AssignIncident(&context, request, &incident).ok());
    EXPECT_EQ(incident.assigned_department(), "departments/politie-liaison");
    EXPECT_EQ(incident.assigned_team(), v1::POLICE_LIAISON);
  }
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::AssignIncidentRequest request;
    request.set_name(live);
    request.set_version(incident.version());
    request.set_department("departments/nergens");
    v1::Incident out;
    grpc::Status status = dispatch_->AssignIncident(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"department"});
  }
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::AssignIncidentRequest request;
    request.set_name(live);
    request.set_version(incident.version());
    request.set_department("departments/jeugd");
    ASSERT_TRUE(dispatch_->AssignIncident(&context, request, &incident).ok());
    EXPECT_EQ(incident.assigned_department(), "departments/jeugd");
    EXPECT_EQ(incident.assigned_team(), v1::TEAM_UNSPECIFIED);
  }
  {  // Assigned to a department counts as assigned for the workflow (TRIAGED -> DISPATCHED).
    for (v1::IncidentStatus target : {v1::INCIDENT_TRIAGED, v1::INCIDENT_DISPATCHED}) {
      grpc::ClientContext context;
      WithToken(context, server_.admin_token());
      v1::TransitionIncidentRequest request;
      request.set_name(live);
      request.set_version(incident.version());
      request.set_target_status(target);
      grpc::Status status = dispatch_->TransitionIncident(&context, request, &incident);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }
}

TEST_F(NeedToKnowTest, ReporterContactNeedsConsentNeedToKnowAndAReasonAndIsAudited) {
  const std::string ondermijning =
      Staff("olga", v1::ROLE_DISPATCHER, {"departments/ondermijning"});
  const std::string handhaving = Staff("hanna", v1::ROLE_DISPATCHER, {"departments/handhaving"});
  contact_.emplace();
  contact_->set_name("Jan de Vries");
  contact_->set_phone("+31 6 1234 5678");
  contact_->set_may_contact(false);
  const v1::Report refused = Submit(52.4870, 4.6578, "Bushokje vernield, overal glas", "vandalisme");
  contact_->set_may_contact(true);
  std::string consented;
  const std::string sub = Subversion(52.4990, 4.6400, &consented);
  contact_.reset();
  const v1::Report without = Submit(52.4700, 4.6600, "Fiets gestolen bij het station", "fietsdiefstal");

  v1::ReporterContact out;
  grpc::Status status = GetContact(ondermijning, consented, "", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"reason"});
  status = GetContact(ondermijning, "reports/", "navraag bij de melder", &out);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"report"});

  // Consent given, caller may see it: the contact, and an audit entry with the reason.
  status = GetContact(ondermijning, consented, "navraag over de zolder", &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.report(), consented);
  EXPECT_EQ(out.contact().name(), "Jan de Vries");
  EXPECT_EQ(out.contact().phone(), "+31 6 1234 5678");
  EXPECT_TRUE(out.contact().may_contact());
  // Need-to-know: the same report does not exist for handhaving.
  status = GetContact(handhaving, consented, "navraag over de zolder", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), absl::StrCat(consented, " does not exist"));
  // No consent: refused, and the refusal is audited too.
  status = GetContact(handhaving, refused.name(), "navraag over het bushokje", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "may_contact")) << status.error_message();
  // No contact details at all.
  EXPECT_EQ(GetContact(ondermijning, without.name(), "navraag over de fiets", &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Residents (their token has no dispatch role) never open anyone's contact.
  EXPECT_EQ(GetContact(server_.resident_token(), refused.name(), "wie was dit ook alweer", &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  std::vector<std::string> audited;
  for (const v1::AuditEntry& e : AuditEntries()) {
    if (e.action() == "GetReporterContact") {
      audited.push_back(absl::StrCat(e.actor(), " ", e.target(), " ", e.detail()));
    }
  }
  EXPECT_EQ(audited, (std::vector<std::string>{
                         absl::StrCat("users/olga ", consented,
                                      " opened; reason: navraag over de zolder"),
                         absl::StrCat("users/hanna ", refused.name(),
                                      " refused: no consent; reason: navraag over het bushokje")}));
  (void)sub;
}

}  // namespace
}  // namespace wijkwacht::testing
