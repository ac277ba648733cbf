// Integration: the v1 API as JSON over HTTP (services/http_api.h) against the real server
// (port 0, real RocksDB in a temp dir), with a real HTTP client: the same handlers, storage and
// errors as gRPC; server streams as Server-Sent Events resuming with Last-Event-ID; the
// OpenAPI document served, linted by Redocly and every answer checked against its schema (Ajv,
// from npm).
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/test_support.h"

namespace wijkwacht::testing {
namespace {

using nlohmann::json;

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &out).ok());
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The BadRequest field paths of a google.rpc.Status in JSON.
std::vector<std::string> JsonViolations(const json& status) {
  std::vector<std::string> fields;
  for (const json& detail : status.value("details", json::array())) {
    if (detail.value("@type", "") != "type.googleapis.com/google.rpc.BadRequest") continue;
    for (const json& v : detail.value("fieldViolations", json::array())) {
      fields.push_back(v.value("field", ""));
    }
  }
  return fields;
}

class HttpApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    assets_ = new TempDir();
    server_ = new ServerFixture(dir_->path());
    server_->options().http_listen = "127.0.0.1:0";
    server_->options().http_assets_dir = assets_->path();
    absl::Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete assets_;
    delete dir_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static httplib::Client Client() {
    httplib::Client client("127.0.0.1", server_->server()->http_port());
    client.set_read_timeout(20, 0);
    return client;
  }
  static httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  // ListReports' total over gRPC, as staff.
  static int CountReportsOverGrpc() {
    int count = 0;
    v1::ListReportsRequest request;
    request.set_page_size(1000);
    do {
      grpc::ClientContext context;
      WithToken(context, server_->admin_token());
      v1::ListReportsResponse response;
      grpc::Status status = server_->reports().ListReports(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      count += response.reports_size();
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return count;
  }

  static TempDir* dir_;
  static TempDir* assets_;
  static ServerFixture* server_;
};

TempDir* HttpApiTest::dir_ = nullptr;
TempDir* HttpApiTest::assets_ = nullptr;
ServerFixture* HttpApiTest::server_ = nullptr;

TEST_F(HttpApiTest, SubmitGetAndListOverJsonAreTheGrpcAnswers) {
  std::mt19937_64 rng(17);
  const v1::Report report = BreestraatReport(NewUuid(rng), "Fiets gestolen bij de bakker");
  httplib::Client client = Client();
  httplib::Result submitted =
      client.Post("/v1/reports", Bearer(server_->resident_token()), ToJson(report), "application/json");
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 200) << submitted->body;
  EXPECT_EQ(submitted->get_header_value("Content-Type"), "application/json");
  v1::Report stored;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(submitted->body, &stored).ok());
  EXPECT_EQ(stored.id(), report.id());
  EXPECT_FALSE(stored.area().gemeente_code().empty()) << submitted->body;
  EXPECT_NE(stored.theme(), v1::THEME_UNSPECIFIED) << submitted->body;

  // The same id again: the stored report, not a second one (idempotency, as over gRPC).
  httplib::Result again =
      client.Post("/v1/reports", Bearer(server_->resident_token()), ToJson(report), "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;

  httplib::Result got = client.Get(absl::StrCat("/v1/", stored.name()), Bearer(server_->resident_token()));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  v1::Report over_http;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(got->body, &over_http).ok());
  grpc::ClientContext context;
  WithToken(context, server_->resident_token());
  v1::GetReportRequest get;
  get.set_name(stored.name());
  v1::Report over_grpc;
  ASSERT_TRUE(server_->reports().GetReport(&context, get, &over_grpc).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(over_http, over_grpc))
      << over_http.DebugString() << "\nvs\n" << over_grpc.DebugString();

  // Another device does not see it (the handler's object check, same as gRPC).
  absl::StatusOr<std::string> other = server_->RegisterDevice();
  ASSERT_TRUE(other.ok());
  httplib::Result hidden = client.Get(absl::StrCat("/v1/", stored.name()), Bearer(*other));
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->status, 404) << hidden->body;

  // ListReports with query parameters: the same count as over gRPC.
  int listed = 0;
  std::string token;
  do {
    httplib::Result page = client.Get(
        absl::StrCat("/v1/reports?pageSize=2", token.empty() ? "" : "&pageToken=", token),
        Bearer(server_->admin_token()));
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200) << page->body;
    json body = json::parse(page->body);
    listed += static_cast<int>(body.value("reports", json::array()).size());
    token = body.value("nextPageToken", "");
  } while (!token.empty());
  EXPECT_EQ(listed, CountReportsOverGrpc());
  EXPECT_GE(listed, 1);
}

TEST_F(HttpApiTest, BadInputGetsAGoogleRpcStatusNamingTheFieldAndStoresNothing) {
  const int before = CountReportsOverGrpc();
  httplib::Client client = Client();
  std::mt19937_64 rng(18);
  v1::Report report = BreestraatReport(NewUuid(rng), "Ruit ingegooid");
  report.mutable_location()->set_latitude(999);
  httplib::Result bad =
      client.Post("/v1/reports", Bearer(server_->resident_token()), ToJson(report), "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  json status = json::parse(bad->body);
  EXPECT_EQ(status.value("code", 0), 3) << bad->body;
  EXPECT_THAT(JsonViolations(status), ::testing::Contains("report.location.latitude")) << bad->body;

  // A description of only whitespace and punctuation carries no content.
  for (const char* empty : {"   \n\t ", "?! ... -- ;;"}) {
    v1::Report blank = BreestraatReport(NewUuid(rng), empty);
    httplib::Result refused = client.Post("/v1/reports", Bearer(server_->resident_token()),
                                          ToJson(blank), "application/json");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << empty;
    json blank_status = json::parse(refused->body);
    EXPECT_EQ(blank_status.value("code", 0), 3) << refused->body;
    EXPECT_THAT(JsonViolations(blank_status), ::testing::ElementsAre("report.description"))
        << refused->body;
  }

  // Not a field of a Report.
  httplib::Result unknown = client.Post("/v1/reports", Bearer(server_->resident_token()),
                                        R"({"colour": "red"})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_TRUE(absl::StrContains(unknown->body, "colour")) << unknown->body;

  // Not JSON at all.
  httplib::Result garbage = client.Post("/v1/reports", Bearer(server_->resident_token()),
                                        "{not json", "application/json");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400) << garbage->body;

  // A query parameter that is no field, and one whose value is not text.
  httplib::Result colour = client.Get("/v1/reports?colour=red", Bearer(server_->admin_token()));
  ASSERT_TRUE(colour);
  EXPECT_EQ(colour->status, 400);
  EXPECT_THAT(JsonViolations(json::parse(colour->body)), ::testing::Contains("colour"))
      << colour->body;
  httplib::Result theme = client.Get("/v1/reports?theme=PURPLE", Bearer(server_->admin_token()));
  ASSERT_TRUE(theme);
  EXPECT_EQ(theme->status, 400) << theme->body;
  EXPECT_TRUE(absl::StrContains(theme->body, "theme")) << theme->body;
  httplib::Result binary = client.Get("/v1/reports?areaCode=%FF%FE", Bearer(server_->admin_token()));
  ASSERT_TRUE(binary);
  EXPECT_EQ(binary->status, 400);
  EXPECT_THAT(JsonViolations(json::parse(binary->body)), ::testing::Contains("areaCode"))
      << binary->body;

  // The gate: no token, a bad token, a role that may not.
  httplib::Result anonymous = client.Post("/v1/reports", ToJson(BreestraatReport(NewUuid(rng), "x")),
                                          "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(json::parse(anonymous->body).value("code", 0), 16) << anonymous->body;
  httplib::Result forged = client.Get("/v1/reports", Bearer("not-a-jwt"));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  httplib::Result resident = client.Get("/v1/reports", Bearer(server_->resident_token()));
  ASSERT_TRUE(resident);
  EXPECT_EQ(resident->status, 403);
  EXPECT_EQ(json::parse(resident->body).value("code", 0), 7) << resident->body;

  // No such route; a route with another method.
  httplib::Result nowhere = client.Get("/v1/nothing-here", Bearer(server_->admin_token()));
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);
  httplib::Result wrong_method = client.Delete("/v1/reports", Bearer(server_->admin_token()));
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);

  EXPECT_EQ(CountReportsOverGrpc(), before) << "a refused request stored something";
}

TEST_F(HttpApiTest, ServerStreamsAreEventStreamsThatResumeWithLastEventId) {
  std::mt19937_64 rng(19);
  httplib::Client client = Client();
  auto submit = [&](double latitude, const std::string& category, const std::string& text) {
    v1::Report report = BreestraatReport(NewUuid(rng), text);
    report.mutable_location()->set_latitude(latitude);
    report.set_category(category);
    httplib::Result r = client.Post("/v1/reports", Bearer(server_->resident_token()),
                                    ToJson(report), "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : httplib::to_string(r.error()));
    v1::Report stored;
    if (r) EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r->body, &stored).ok());
    return stored;
  };
  // Reads the queue's events after `last_event_id` until one names `incident_id`.
  auto read_until = [&](const std::string& last_event_id, const std::string& incident_id,
                        std::vector<std::string>* incidents, std::string* id_of_it) {
    httplib::Headers headers = Bearer(server_->admin_token());
    if (!last_event_id.empty()) headers.emplace("Last-Event-ID", last_event_id);
    std::string buffer;
    int status = 0;
    std::string content_type;
    httplib::Client stream = Client();
    stream.Get(
        "/v1/incidents:watch", headers,
        [&](const httplib::Response& response) {
          status = response.status;
          content_type = response.get_header_value("Content-Type");
          return true;
        },
        [&](const char* data, size_t length) {
          buffer.append(data, length);
          size_t end;
          while ((end = buffer.find("\n\n")) != std::string::npos) {
            const std::string event = buffer.substr(0, end);
            buffer.erase(0, end + 2);
            std::string id, data_line;
            for (absl::string_view line : absl::StrSplit(event, '\n')) {
              if (absl::ConsumePrefix(&line, "id: ")) id = std::string(line);
              if (absl::ConsumePrefix(&line, "data: ")) data_line = std::string(line);
            }
            if (data_line.empty() || id.empty()) continue;
            json message = json::parse(data_line);
            EXPECT_EQ(message.value("cursor", ""), id) << "the event id is the message's cursor";
            const std::string incident = message["incident"].value("name", "");
            incidents->push_back(incident);
            if (absl::EndsWith(incident, incident_id)) {
              *id_of_it = id;
              return false;  // enough
            }
          }
          return true;
        });
    EXPECT_EQ(status, 200);
    EXPECT_TRUE(absl::StartsWith(content_type, "text/event-stream")) << content_type;
  };

  const v1::Report first = submit(52.4870, "winkeldiefstal", "Man steelt uit de winkel");
  ASSERT_FALSE(first.incident_id().empty());
  std::vector<std::string> seen;
  std::string first_event;
  read_until("", first.incident_id(), &seen, &first_event);
  ASSERT_FALSE(first_event.empty()) << "no event named incident " << first.incident_id();

  const v1::Report second = submit(52.4790, "hangjongeren", "Groep jongeren hangt rond bij het station");
  ASSERT_FALSE(second.incident_id().empty());
  ASSERT_NE(second.incident_id(), first.incident_id());
  std::vector<std::string> resumed;
  std::string second_event;
  read_until(first_event, second.incident_id(), &resumed, &second_event);
  ASSERT_FALSE(second_event.empty());
  // Resumed after the first incident's event: it is not sent again.
  for (const std::string& incident : resumed) {
    EXPECT_FALSE(absl::EndsWith(incident, first.incident_id()))
        << "an event up to Last-Event-ID came again";
  }
  EXPECT_NE(second_event, first_event);

  // A resident may not watch the queue: refused before the stream starts.
  httplib::Result refused = client.Get("/v1/incidents:watch", Bearer(server_->resident_token()));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403) << refused->body;
}

TEST_F(HttpApiTest, OpenApiDocumentIsServedLintedAndDescribesTheAnswers) {
  httplib::Client client = Client();
  httplib::Result served = client.Get("/v1/openapi.json");
  ASSERT_TRUE(served);
  ASSERT_EQ(served->status, 200);
  const std::string generated = ReadFile(WIJKWACHT_OPENAPI_JSON);
  ASSERT_FALSE(generated.empty()) << "the build did not generate " << WIJKWACHT_OPENAPI_JSON;
  EXPECT_EQ(json::parse(served->body), json::parse(generated));

  const std::string modules = WIJKWACHT_NODE_MODULES;
  ASSERT_TRUE(std::ifstream(modules + "/@redocly/cli/package.json").good())
      << "@redocly/cli is not installed under " << modules
      << " (web/package.json; the build runs npm ci)";
  TempDir work;
  // A real validator: Redocly's recommended rules, errors fail.
  const std::string lint_log = work.path() + "/lint.txt";
  const std::string lint = absl::StrCat(
      "cd '", work.path(), "' && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true '",
      WIJKWACHT_NODE, "' '", modules, "/@redocly/cli/bin/cli.js' lint --format=stylish '",
      WIJKWACHT_OPENAPI_JSON, "' > '", lint_log, "' 2>&1");
  const int linted = std::system(lint.c_str());
  std::cout << ReadFile(lint_log);
  EXPECT_EQ(linted, 0) << "redocly lint found errors:\n" << ReadFile(lint_log);

  // Real answers against the document's schema of their route.
  std::mt19937_64 rng(20);
  const v1::Report report = BreestraatReport(NewUuid(rng), "Inbraak in de schuur");
  httplib::Result submitted =
      client.Post("/v1/reports", Bearer(server_->resident_token()), ToJson(report), "application/json");
  ASSERT_TRUE(submitted && submitted->status == 200);
  const json stored = json::parse(submitted->body);
  httplib::Result got = client.Get(absl::StrCat("/v1/", stored.value("name", "")),
                                   Bearer(server_->resident_token()));
  httplib::Result listed = client.Get("/v1/reports?pageSize=5", Bearer(server_->admin_token()));
  httplib::Result categories = client.Get("/v1/categories?pageSize=3");
  httplib::Result areas = client.Get("/v1/areas?pageSize=2&level=WIJK");
  httplib::Result keys = client.Get("/v1/signingKeys");
  v1::Report bad = report;
  bad.mutable_location()->set_longitude(500);
  httplib::Result refused =
      client.Post("/v1/reports", Bearer(server_->resident_token()), ToJson(bad), "application/json");
  for (const httplib::Result* r : {&got, &listed, &categories, &areas, &keys, &refused}) {
    ASSERT_TRUE(*r);
  }
  ASSERT_EQ(got->status, 200);
  ASSERT_EQ(listed->status, 200);
  ASSERT_EQ(categories->status, 200);
  ASSERT_EQ(areas->status, 200) << areas->body;
  ASSERT_EQ(keys->status, 200);
  ASSERT_EQ(refused->status, 400);
  json checks = json::array({
      {{"path", "/v1/reports"}, {"method", "post"}, {"status", "200"}, {"body", stored}},
      {{"path", "/v1/reports/{name}"}, {"method", "get"}, {"status", "200"}, {"body", json::parse(got->body)}},
      {{"path", "/v1/reports"}, {"method", "get"}, {"status", "200"}, {"body", json::parse(listed->body)}},
      {{"path", "/v1/categories"}, {"method", "get"}, {"status", "200"}, {"body", json::parse(categories->body)}},
      {{"path", "/v1/areas"}, {"method", "get"}, {"status", "200"}, {"body", json::parse(areas->body)}},
      {{"path", "/v1/signingKeys"}, {"method", "get"}, {"status", "200"}, {"body", json::parse(keys->body)}},
      {{"path", "/v1/reports"}, {"method", "post"}, {"status", "default"}, {"body", json::parse(refused->body)}},
  });
  const std::string checks_file = work.path() + "/checks.json";
  std::ofstream(checks_file) << checks.dump();
  const std::string check_log = work.path() + "/check.txt";
  const std::string check = absl::StrCat("NODE_PATH='", modules, "' '", WIJKWACHT_NODE, "' '",
                                         WIJKWACHT_OPENAPI_CHECK, "' '", WIJKWACHT_OPENAPI_JSON,
                                         "' '", checks_file, "' > '", check_log, "' 2>&1");
  const int validated = std::system(check.c_str());
  std::cout << ReadFile(check_log);
  EXPECT_EQ(validated, 0) << ReadFile(check_log);
}

}  // namespace
}  // namespace wijkwacht::testing
