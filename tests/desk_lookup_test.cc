// Integration: how the desk finds incidents and reads their history, over the real server
// (authentication on, real tokens, real RocksDB, the real theme model), by gRPC and by the
// JSON API over HTTP:
//   - ListIncidents' page tokens are signed: a token changed in any way, made up, or another
//     caller's is refused with INVALID_ARGUMENT naming page_token; one of this caller still
//     works after a restart;
//   - ListIncidents' free-text filter (`text`): case and accents ignored, every word required,
//     the category's name searched too, need-to-know applied, pages and their tokens as for any
//     filter, an erased reporter's text not searched, bad input named;
//   - GetIncidentHistory names another incident only to a caller who may see it;
//   - GetAuditLog's and GetIncidentHistory's page tokens are signed the same way (the
//     history's also bound to its incident).
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/ops_support.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "a long enough password";

class DeskLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_write_burst = 1e6;
    server_.options().http_listen = "127.0.0.1:0";
    server_.options().http_assets_dir = assets_.path();
    absl::Status started = server_.Start();
    ASSERT_TRUE(started.ok()) << started;
    Connect();
    plain_ = Staff("wachter", v1::ROLE_DISPATCHER, {});
    ondermijning_ = Staff("rechercheur", v1::ROLE_DISPATCHER, {"departments/ondermijning"});
  }

  void Connect() { dispatch_ = v1::DispatchService::NewStub(server_.channel()); }

  std::string Staff(const std::string& name, v1::Role role,
                    const std::vector<std::string>& departments) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateAccountRequest request;
    request.set_username(name);
    request.set_role(role);
    request.set_password(kPassword);
    for (const std::string& d : departments) request.add_departments(d);
    v1::Account account;
    grpc::Status status = server_.auth().CreateAccount(&context, request, &account);
    EXPECT_TRUE(status.ok()) << status.error_message();
    absl::StatusOr<std::string> token = server_.Login(name, kPassword);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // A report at a point of its own (so that every report opens an incident), as `token`'s
  // device ("" = the fixture's resident); the stored report.
  v1::Report Submit(const std::string& text, const std::string& category,
                    const std::string& token = "") {
    v1::Report report = BreestraatReport(NewUuid(rng_), text);
    report.mutable_location()->set_latitude(52.470 + 0.004 * spot_);
    report.mutable_location()->set_longitude(4.640 + 0.003 * (spot_ % 3));
    ++spot_;
    report.set_category(category);
    v1::Report out;
    grpc::Status status = token.empty() ? server_.SubmitAsResident(report, &out)
                                        : server_.Submit(token, report, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::Incident Get(const std::string& name) {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident out;
    grpc::Status status = dispatch_->GetIncident(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  // An incident of `text` with its theme fixed (ReclassifyIncident by the admin).
  std::string Incident(const std::string& text, const std::string& category, v1::Theme theme,
                       const std::string& token = "") {
    const v1::Report report = Submit(text, category, token);
    v1::Incident out;
    grpc::Status status = ReclassifyIncident(*dispatch_, server_.admin_token(),
                                             report.incident_id(), theme, category, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(out.theme(), theme);
    return report.incident_id();
  }

  grpc::Status List(const std::string& token, v1::ListIncidentsRequest request,
                    v1::ListIncidentsResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    return dispatch_->ListIncidents(&context, request, out);
  }

  // Every incident name ListIncidents gives `token` for `text`, `page_size` a page; `pages`
  // counts the calls.
  std::set<std::string> Search(const std::string& token, const std::string& text,
                               int page_size = 100, int* pages = nullptr) {
    std::set<std::string> names;
    v1::ListIncidentsRequest request;
    request.set_text(text);
    request.set_page_size(page_size);
    for (int page = 0; page < 100; ++page) {
      if (pages != nullptr) ++*pages;
      v1::ListIncidentsResponse response;
      grpc::Status status = List(token, request, &response);
      EXPECT_TRUE(status.ok()) << text << ": " << status.error_message();
      if (!status.ok()) break;
      for (const v1::Incident& i : response.incidents()) {
        EXPECT_TRUE(names.insert(i.name()).second) << i.name() << " twice";
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return names;
  }

  std::vector<v1::AuditEntry> History(const std::string& token, const std::string& name,
                                      grpc::Status* status_out = nullptr) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetIncidentHistoryRequest request;
    request.set_name(name);
    request.set_page_size(1000);
    v1::GetIncidentHistoryResponse response;
    grpc::Status status = dispatch_->GetIncidentHistory(&context, request, &response);
    if (status_out != nullptr) *status_out = status;
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  httplib::Client Http() {
    httplib::Client client("127.0.0.1", server_.server()->http_port());
    client.set_read_timeout(20, 0);
    return client;
  }
  static httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  std::mt19937_64 rng_{1807};
  int spot_ = 0;
  TempDir dir_;
  TempDir assets_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::string plain_;         // a dispatcher in no department
  std::string ondermijning_;  // a dispatcher of ondermijning (sees SUBVERSION)
};

// The BadRequest field paths of a google.rpc.Status in JSON.
std::vector<std::string> JsonViolations(const std::string& body) {
  std::vector<std::string> fields;
  const json status = json::parse(body, nullptr, false);
  if (status.is_discarded()) return fields;
  for (const json& detail : status.value("details", json::array())) {
    if (detail.value("@type", "") != "type.googleapis.com/google.rpc.BadRequest") continue;
    for (const json& v : detail.value("fieldViolations", json::array())) {
      fields.push_back(v.value("field", ""));
    }
  }
  return fields;
}

TEST_F(DeskLookupTest, PageTokensAreSignedAndBoundToTheCaller) {
  for (int i = 0; i < 4; ++i) {
    Incident(absl::StrCat("Bushokje vernield, glas op de stoep, nummer ", i), "vandalisme",
             v1::LIVEABILITY);
  }
  v1::ListIncidentsRequest request;
  request.set_page_size(1);
  v1::ListIncidentsResponse first;
  ASSERT_TRUE(List(plain_, request, &first).ok());
  ASSERT_EQ(first.incidents_size(), 1);
  const std::string token = first.next_page_token();
  ASSERT_FALSE(token.empty());

  // The token as given: the next page.
  request.set_page_token(token);
  v1::ListIncidentsResponse second;
  ASSERT_TRUE(List(plain_, request, &second).ok());
  ASSERT_EQ(second.incidents_size(), 1);
  EXPECT_NE(second.incidents(0).name(), first.incidents(0).name());

  // Any byte changed (the position part, the signature, its length), an unsigned store token,
  // something made up: refused, naming page_token, for this caller and every other.
  std::vector<std::string> bad;
  for (size_t at : {size_t{0}, token.size() / 2, token.rfind('.') - 1, token.size() - 1}) {
    std::string altered = token;
    altered[at] = altered[at] == 'A' ? 'B' : 'A';
    bad.push_back(altered);
  }
  {  // The last character again, changed only in the bits base64 leaves spare.
    const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string spare = token;
    spare.back() = alphabet[alphabet.find(spare.back()) ^ 1];
    bad.push_back(spare);
  }
  bad.push_back(token.substr(0, token.rfind('.')));  // the store's token without the MAC
  bad.push_back(token + "A");
  bad.push_back(token.substr(0, token.size() - 2));
  bad.push_back("bm90LWEtdG9rZW4.AAAAAAAAAAAAAAAAAAAAAA");
  for (const std::string& t : bad) {
    request.set_page_token(t);
    v1::ListIncidentsResponse out;
    grpc::Status status = List(plain_, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << t;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"}) << t;
    EXPECT_EQ(out.incidents_size(), 0);
  }
  // Another caller's token.
  request.set_page_token(token);
  for (const std::string* other : std::vector<const std::string*>{&ondermijning_, &server_.admin_token()}) {
    v1::ListIncidentsResponse out;
    grpc::Status status = List(*other, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"});
    EXPECT_TRUE(absl::StrContains(status.error_message(), "another caller")) << status.error_message();
  }
  // Signed with the server's key, kept with its data: still good after a restart.
  server_.Stop();
  ASSERT_TRUE(server_.Start().ok());
  Connect();
  absl::StatusOr<std::string> again = server_.Login("wachter", kPassword);
  ASSERT_TRUE(again.ok());
  v1::ListIncidentsResponse after_restart;
  ASSERT_TRUE(List(*again, request, &after_restart).ok());
  ASSERT_EQ(after_restart.incidents_size(), 1);
  EXPECT_EQ(after_restart.incidents(0).name(), second.incidents(0).name());

  // The JSON API: the same tokens, the same refusals.
  httplib::Client http = Http();
  httplib::Result page = http.Get("/v1/incidents?pageSize=1", Bearer(*again));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  const std::string http_token = json::parse(page->body).value("nextPageToken", "");
  ASSERT_FALSE(http_token.empty());
  httplib::Result next = http.Get(
      absl::StrCat("/v1/incidents?pageSize=1&pageToken=", httplib::detail::encode_query_param(http_token)),
      Bearer(*again));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << next->body;
  std::string altered = http_token;
  altered[2] = altered[2] == 'A' ? 'B' : 'A';
  httplib::Result refused = http.Get(
      absl::StrCat("/v1/incidents?pageSize=1&pageToken=", httplib::detail::encode_query_param(altered)),
      Bearer(*again));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(JsonViolations(refused->body), std::vector<std::string>{"page_token"}) << refused->body;
  httplib::Result stolen = http.Get(
      absl::StrCat("/v1/incidents?pageSize=1&pageToken=", httplib::detail::encode_query_param(http_token)),
      Bearer(server_.admin_token()));
  ASSERT_TRUE(stolen);
  EXPECT_EQ(stolen->status, 400) << stolen->body;
}

TEST_F(DeskLookupTest, FreeTextFindsDescriptionsAndTitlesWithNeedToKnowAndPages) {
  const std::string bike = Incident("Mijn fiets is gestolen bij de bibliotheek, slot doorgeknipt",
                                    "fietsdiefstal", v1::LIVEABILITY);
  const std::string shelter = Incident("Bushokje vernield bij het Café de Hoek, overal glas",
                                       "vandalisme", v1::LIVEABILITY);
  const std::string another_bike =
      Incident("Bij de Breestraat is een e-bike uit de stalling weggehaald", "fietsdiefstal",
               v1::LIVEABILITY);
  const std::string hemp = Incident("Sterke hennepgeur en dichtgeplakte ramen bij het café",
                                    "hennepteelt-signalen", v1::SUBVERSION);

  // Case and accents either side; every word must occur, also inside a longer word.
  EXPECT_EQ(Search(plain_, "FIETS"), (std::set<std::string>{bike, another_bike}));  // title too
  EXPECT_EQ(Search(plain_, "bibliotheek slot"), std::set<std::string>{bike});
  EXPECT_EQ(Search(plain_, "bibliotheek glas"), std::set<std::string>{});
  EXPECT_EQ(Search(plain_, "cafe"), std::set<std::string>{shelter});
  EXPECT_EQ(Search(plain_, "  CAFÉ, "), std::set<std::string>{shelter});
  EXPECT_EQ(Search(plain_, "doorgekn"), std::set<std::string>{bike});
  EXPECT_EQ(Search(plain_, "stalling"), std::set<std::string>{another_bike});
  // Need-to-know: the hidden incident is not found, not even by its own words.
  EXPECT_EQ(Search(plain_, "hennepgeur"), std::set<std::string>{});
  EXPECT_EQ(Search(ondermijning_, "hennepgeur"), std::set<std::string>{hemp});
  EXPECT_EQ(Search(server_.admin_token(), "café"), (std::set<std::string>{shelter, hemp}));

  // Pages: one incident a page, each once, with the signed token bound to the text.
  int pages = 0;
  EXPECT_EQ(Search(plain_, "fiets", 1, &pages), (std::set<std::string>{bike, another_bike}));
  EXPECT_GE(pages, 2);
  {
    v1::ListIncidentsRequest request;
    request.set_text("fiets");
    request.set_page_size(1);
    v1::ListIncidentsResponse first;
    ASSERT_TRUE(List(plain_, request, &first).ok());
    ASSERT_FALSE(first.next_page_token().empty());
    request.set_page_token(first.next_page_token());
    request.set_text("glas");  // other filters: the token says so
    v1::ListIncidentsResponse other;
    grpc::Status status = List(plain_, request, &other);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"});
  }
  // With the other filters.
  {
    v1::ListIncidentsRequest request;
    request.set_text("fiets");
    request.set_theme(v1::SUBVERSION);
    v1::ListIncidentsResponse out;
    ASSERT_TRUE(List(server_.admin_token(), request, &out).ok());
    EXPECT_EQ(out.incidents_size(), 0);
  }

  // Bad input names the field.
  for (const std::string& text : {std::string("?!, -"), std::string(201, 'a')}) {
    v1::ListIncidentsRequest request;
    request.set_text(text);
    v1::ListIncidentsResponse out;
    grpc::Status status = List(plain_, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << text;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"text"});
  }

  // The JSON API, as the console's search box uses it.
  httplib::Client http = Http();
  httplib::Result found = http.Get(
      absl::StrCat("/v1/incidents?text=", httplib::detail::encode_query_param("Café hoek")),
      Bearer(plain_));
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  const json body = json::parse(found->body);
  ASSERT_EQ(body["incidents"].size(), 1u) << found->body;
  EXPECT_EQ(body["incidents"][0].value("name", ""), shelter);

  // An erased reporter's words are no longer found (GetReport no longer shows them either).
  std::string device;
  absl::StatusOr<std::string> leaver = server_.RegisterDevice(&device);
  ASSERT_TRUE(leaver.ok());
  const std::string gone = Incident("Scooter met zeldzaamwoord op het trottoir geparkeerd",
                                    "vandalisme", v1::LIVEABILITY, *leaver);
  EXPECT_EQ(Search(plain_, "zeldzaamwoord"), std::set<std::string>{gone});
  {
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::RevokeDeviceRequest request;
    request.set_device(device);
    request.set_erase(true);
    v1::RevokeDeviceResponse response;
    grpc::Status status = server_.auth().RevokeDevice(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(Search(plain_, "zeldzaamwoord"), std::set<std::string>{});
  EXPECT_EQ(Search(plain_, "vandalisme"), (std::set<std::string>{shelter, gone}));  // the title
}

// GetAuditLog's and GetIncidentHistory's page tokens are signed like ListIncidents': for the
// caller (and for the history, the incident); anything else is refused naming page_token.
TEST_F(DeskLookupTest, AuditLogAndHistoryTokensAreSignedForTheCallerAndTheIncident) {
  const std::string first = Incident("Bushokje vernield, glas op de stoep", "vandalisme",
                                     v1::LIVEABILITY);
  const std::string second = Incident("Graffiti op de muur van de school", "vandalisme",
                                      v1::LIVEABILITY);
  for (const std::string& name : {first, second}) {  // a second entry in each history
    v1::Incident out;
    grpc::Status status = ReclassifyIncident(*dispatch_, server_.admin_token(), name,
                                             v1::PHYSICAL_BUSINESS, "vandalisme", &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::string other_admin = Staff("tweede-beheerder", v1::ROLE_ADMIN, {});
  const auto audit_log = [&](const std::string& token, const std::string& page_token,
                             v1::GetAuditLogResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetAuditLogRequest request;
    request.set_page_size(1);
    request.set_page_token(page_token);
    return dispatch_->GetAuditLog(&context, request, out);
  };
  const auto history = [&](const std::string& token, const std::string& name,
                           const std::string& page_token, v1::GetIncidentHistoryResponse* out) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetIncidentHistoryRequest request;
    request.set_name(name);
    request.set_page_size(1);
    request.set_page_token(page_token);
    return dispatch_->GetIncidentHistory(&context, request, out);
  };
  const auto refused = [](const grpc::Status& status, const std::string& what) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << what;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"}) << what;
  };
  const auto altered = [](const std::string& token) {
    std::vector<std::string> out;
    for (size_t at : {size_t{0}, token.rfind('.') - 1, token.size() - 1}) {
      std::string t = token;
      t[at] = t[at] == 'A' ? 'B' : 'A';
      out.push_back(t);
    }
    out.push_back(token.substr(0, token.rfind('.')));  // the store's own token, unsigned
    return out;
  };

  // The audit log: the token as given reads the next page; altered or another admin's: refused.
  v1::GetAuditLogResponse log_first;
  ASSERT_TRUE(audit_log(server_.admin_token(), "", &log_first).ok());
  const std::string log_token = log_first.next_page_token();
  ASSERT_FALSE(log_token.empty());
  ASSERT_NE(log_token.rfind('.'), std::string::npos) << log_token;
  v1::GetAuditLogResponse log_second;
  ASSERT_TRUE(audit_log(server_.admin_token(), log_token, &log_second).ok());
  ASSERT_EQ(log_second.entries_size(), 1);
  EXPECT_NE(log_second.entries(0).sequence(), log_first.entries(0).sequence());
  for (const std::string& t : altered(log_token)) {
    v1::GetAuditLogResponse out;
    refused(audit_log(server_.admin_token(), t, &out), t);
    EXPECT_EQ(out.entries_size(), 0);
  }
  {
    v1::GetAuditLogResponse out;
    grpc::Status status = audit_log(other_admin, log_token, &out);
    refused(status, "another admin's token");
    EXPECT_TRUE(absl::StrContains(status.error_message(), "another caller")) << status.error_message();
  }

  // A history: bound to the caller and to its incident.
  v1::GetIncidentHistoryResponse history_first;
  ASSERT_TRUE(history(plain_, first, "", &history_first).ok());
  const std::string history_token = history_first.next_page_token();
  ASSERT_FALSE(history_token.empty());
  v1::GetIncidentHistoryResponse history_second;
  ASSERT_TRUE(history(plain_, first, history_token, &history_second).ok());
  ASSERT_EQ(history_second.entries_size(), 1);
  EXPECT_NE(history_second.entries(0).sequence(), history_first.entries(0).sequence());
  for (const std::string& t : altered(history_token)) {
    v1::GetIncidentHistoryResponse out;
    refused(history(plain_, first, t, &out), t);
  }
  {
    v1::GetIncidentHistoryResponse out;
    refused(history(plain_, second, history_token, &out), "the token of another incident");
    refused(history(ondermijning_, first, history_token, &out), "another dispatcher's token");
  }
  // Over the JSON API alike.
  httplib::Client http = Http();
  httplib::Result stolen = http.Get(
      absl::StrCat("/v1/", first, ":history?pageSize=1&pageToken=",
                   httplib::detail::encode_query_param(history_token)),
      Bearer(ondermijning_));
  ASSERT_TRUE(stolen);
  EXPECT_EQ(stolen->status, 400) << stolen->body;
  EXPECT_EQ(JsonViolations(stolen->body), std::vector<std::string>{"page_token"}) << stolen->body;
}

TEST_F(DeskLookupTest, HistoryNamesAnotherIncidentOnlyToWhoMaySeeIt) {
  const std::string shelter = Incident("Bushokje vernield bij de bibliotheek, overal glas",
                                       "vandalisme", v1::LIVEABILITY);
  const std::string hemp = Incident("Sterke hennepgeur en dichtgeplakte ramen op zolder",
                                    "hennepteelt-signalen", v1::SUBVERSION);
  {  // The admin merges the hidden incident into the visible one.
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::MergeIncidentsRequest request;
    request.set_name(shelter);
    request.set_version(Get(shelter).version());
    request.add_merged(hemp);
    v1::Incident out;
    grpc::Status status = dispatch_->MergeIncidents(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const auto merge_entry = [&](const std::string& token, const std::string& name) {
    for (const v1::AuditEntry& e : History(token, name)) {
      if (e.action() == "MergeIncidents") return e;
    }
    ADD_FAILURE() << "no merge entry in the history of " << name;
    return v1::AuditEntry();
  };
  const std::string hemp_id = hemp.substr(std::string("incidents/").size());

  // The dispatcher who may not see the absorbed incident: a neutral name, marked.
  const v1::AuditEntry hidden = merge_entry(plain_, shelter);
  EXPECT_TRUE(hidden.redacted());
  EXPECT_FALSE(absl::StrContains(hidden.detail(), hemp_id)) << hidden.detail();
  EXPECT_TRUE(absl::StrContains(hidden.detail(), "absorbed another incident")) << hidden.detail();
  EXPECT_EQ(hidden.target(), shelter);
  for (const v1::AuditEntry& e : History(plain_, shelter)) {
    EXPECT_FALSE(absl::StrContains(e.detail(), hemp_id)) << e.action() << ": " << e.detail();
    EXPECT_FALSE(absl::StrContains(e.target(), hemp_id)) << e.action();
  }
  // Over the JSON API alike.
  httplib::Client http = Http();
  httplib::Result page = http.Get(absl::StrCat("/v1/", shelter, ":history"), Bearer(plain_));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_FALSE(absl::StrContains(page->body, hemp_id)) << page->body;
  EXPECT_TRUE(absl::StrContains(page->body, "another incident")) << page->body;

  // Who may see it reads the name, unmarked (the entry as GetAuditLog holds it).
  for (const std::string* token : std::vector<const std::string*>{&ondermijning_, &server_.admin_token()}) {
    const v1::AuditEntry shown = merge_entry(*token, shelter);
    EXPECT_FALSE(shown.redacted());
    EXPECT_TRUE(absl::StrContains(shown.detail(), hemp)) << shown.detail();
    EXPECT_EQ(shown.hash(), hidden.hash());
  }
  // The absorbed incident's own history stays hidden from the dispatcher as a whole.
  grpc::Status status;
  {
    grpc::ClientContext context;
    WithToken(context, plain_);
    v1::GetIncidentHistoryRequest request;
    request.set_name(hemp);
    v1::GetIncidentHistoryResponse response;
    status = dispatch_->GetIncidentHistory(&context, request, &response);
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace wijkwacht::testing
