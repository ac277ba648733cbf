// Integration: the flitspeiling over the real server (real tokens, real RocksDB): a poll
// reaches 30 devices through their sync feed; each answers once (a second, different answer
// is refused, a replay is idempotent); areas below the minimum of respondents show no figure;
// the figures per wijk equal a recount; no file of the data dir holds a device id.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/poll.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kPassword[] = "a long enough password";

google::protobuf::Timestamp Stamp(absl::Time t) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

struct Device {
  std::string id;  // without "devices/"
  std::string token;
  std::string buurt;
  int score = 0;
  std::vector<v1::Theme> themes;
};

class PollTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().device_registration_burst = 100;
    server_.options().device_write_burst = 1e6;
    ASSERT_TRUE(server_.Start().ok());
    polls_ = v1::PollService::NewStub(server_.channel());
    sync_ = v1::SyncService::NewStub(server_.channel());
    grpc::ClientContext context;
    WithToken(context, server_.admin_token());
    v1::CreateAccountRequest request;
    request.set_username("ilse");
    request.set_role(v1::ROLE_ANALYST);
    request.set_password(kPassword);
    v1::Account account;
    ASSERT_TRUE(server_.auth().CreateAccount(&context, request, &account).ok());
    analyst_ = server_.Login("ilse", kPassword).value_or("");
  }

  grpc::Status Answer(const Device& d, const std::string& poll, int score,
                      v1::AnswerPollResponse* out, const std::string& buurt = "") {
    grpc::ClientContext context;
    WithToken(context, d.token);
    v1::AnswerPollRequest request;
    request.set_poll(poll);
    request.set_buurt_code(buurt.empty() ? d.buurt : buurt);
    request.set_safety_score(score);
    for (v1::Theme t : d.themes) request.add_worried_themes(t);
    return polls_->AnswerPoll(&context, request, out);
  }

  v1::PollResults Results(const std::string& token, const std::string& poll) {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::GetPollResultsRequest request;
    request.set_poll(poll);
    v1::PollResults out;
    grpc::Status status = polls_->GetPollResults(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  TempDir dir_;
  ServerFixture server_{dir_.path()};
  std::unique_ptr<v1::PollService::Stub> polls_;
  std::unique_ptr<v1::SyncService::Stub> sync_;
  std::string analyst_;
};

TEST_F(PollTest, ThirtyDevicesAnswerOnceAndTheFiguresAreARecountWithoutDeviceIds) {
  // 30 devices in wijk WK037500: 12 in Meerplein, 11 in Koningstraat, 4 in Burgerhartstraat,
  // 3 in Wijkertoren. Burgerhartstraat and Wijkertoren are below 10; together (7) still below,
  // so Koningstraat is withheld too (else the wijk minus the shown buurten would give them
  // away).
  std::vector<Device> devices(30);
  for (int i = 0; i < 30; ++i) {
    std::string name;
    absl::StatusOr<std::string> token = server_.RegisterDevice(&name);
    ASSERT_TRUE(token.ok()) << token.status();
    devices[i].id = name.substr(std::string("devices/").size());
    devices[i].token = *token;
    devices[i].buurt = i < 12   ? "BU03750001"
                       : i < 23 ? "BU03750002"
                       : i < 27 ? "BU03750003"
                                : "BU03750000";
    devices[i].score = 3 + (i * 7) % 8;  // 3..10
    if (i % 3 == 0) devices[i].themes = {v1::LIVEABILITY};
    if (i % 4 == 0) devices[i].themes.push_back(v1::YOUTH);
  }

  v1::CreatePollRequest create;
  v1::Poll& p = *create.mutable_poll();
  p.set_title("Flitspeiling najaar");
  p.set_safety_question("Hoe veilig voelt u zich in uw buurt? (1-10)");
  p.set_themes_question("Welke onderwerpen baren u de meeste zorgen?");
  *p.mutable_open_time() = Stamp(absl::Now() - absl::Hours(1));
  *p.mutable_close_time() = Stamp(absl::Now() + absl::Hours(24 * 7));
  v1::Poll poll;
  {
    grpc::ClientContext context;
    WithToken(context, server_.resident_token());
    EXPECT_EQ(polls_->CreatePoll(&context, create, &poll).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    v1::CreatePollRequest bad = create;
    bad.mutable_poll()->set_title("");
    *bad.mutable_poll()->mutable_close_time() = Stamp(absl::Now() + absl::Hours(24 * 100));
    grpc::ClientContext context;
    WithToken(context, analyst_);
    EXPECT_EQ(ViolatedFields(polls_->CreatePoll(&context, bad, &poll)),
              (std::vector<std::string>{"poll.title", "poll.close_time"}));
  }
  {
    grpc::ClientContext context;
    WithToken(context, analyst_);
    grpc::Status status = polls_->CreatePoll(&context, create, &poll);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(poll.name(), "polls/1");
  EXPECT_EQ(poll.min_respondents(), 10);

  // The poll reaches every device through its own feed.
  for (const Device& d : devices) {
    grpc::ClientContext context;
    WithToken(context, d.token);
    v1::PullRequest request;
    request.set_page_size(100);
    v1::PullResponse pulled;
    ASSERT_TRUE(sync_->Pull(&context, request, &pulled).ok());
    int polls = 0;
    for (const v1::FeedChange& change : pulled.changes()) {
      if (change.has_poll()) {
        ++polls;
        EXPECT_EQ(change.poll().name(), poll.name());
        EXPECT_EQ(change.poll().safety_question(), p.safety_question());
      }
    }
    EXPECT_EQ(polls, 1);
  }

  // Each answers once; a replay is idempotent, a different second answer is refused.
  for (const Device& d : devices) {
    v1::AnswerPollResponse answered;
    grpc::Status status = Answer(d, poll.name(), d.score, &answered);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(answered.replayed());
  }
  v1::AnswerPollResponse again;
  ASSERT_TRUE(Answer(devices[0], poll.name(), devices[0].score, &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(Answer(devices[0], poll.name(), 1, &again).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Answer(devices[1], poll.name(), 5, &again, "BU03750003").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // Bad answers name the field; staff cannot answer.
  EXPECT_EQ(ViolatedFields(Answer(devices[2], "polls/x", 11, &again, "WK037500")),
            (std::vector<std::string>{"poll", "buurt_code", "safety_score"}));
  {
    Device staff{"", analyst_, "BU03750001", 5, {}};
    EXPECT_EQ(Answer(staff, poll.name(), 5, &again).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }

  // Figures: withheld below 10 respondents; the rest equal a recount.
  const v1::PollResults results = Results("", poll.name());
  std::map<std::string, v1::PollAreaResult> by_area;
  for (const v1::PollAreaResult& r : results.areas()) by_area[r.area_code()] = r;
  // Staff get the wijk and its 4 buurten with respondents; the public every wijk and buurt
  // of the gemeente, those without respondents withheld (so "withheld" does not mark where
  // someone answered), the others as staff see them.
  const v1::PollResults staff_results = Results(analyst_, poll.name());
  ASSERT_EQ(staff_results.areas_size(), 5);
  EXPECT_GT(by_area.size(), 5u);
  for (const v1::PollAreaResult& r : staff_results.areas()) {
    EXPECT_EQ(by_area[r.area_code()].withheld(), r.withheld()) << r.area_code();
    EXPECT_EQ(by_area[r.area_code()].respondents(), r.respondents()) << r.area_code();
  }
  for (const auto& [code, r] : by_area) {
    if (r.respondents() == 0) EXPECT_TRUE(r.withheld()) << code;
  }
  for (const char* hidden : {"BU03750002", "BU03750003", "BU03750000"}) {
    EXPECT_TRUE(by_area[hidden].withheld()) << hidden;
    EXPECT_EQ(by_area[hidden].respondents(), 0) << hidden;
    EXPECT_EQ(by_area[hidden].mean_score(), 0) << hidden;
    EXPECT_EQ(by_area[hidden].theme_shares_size(), 0) << hidden;
  }
  EXPECT_TRUE(results.open_answers().empty());
  for (const std::string& area : {std::string("WK037500"), std::string("BU03750001")}) {
    const v1::PollAreaResult& r = by_area[area];
    ASSERT_FALSE(r.withheld()) << area;
    int n = 0, sum = 0, liveability = 0;
    for (const Device& d : devices) {
      if (d.buurt != area && area != "WK037500") continue;
      ++n;
      sum += d.score;
      for (v1::Theme t : d.themes) liveability += t == v1::LIVEABILITY;
    }
    EXPECT_EQ(r.respondents(), n) << area;
    EXPECT_DOUBLE_EQ(r.mean_score(), static_cast<double>(sum) / n) << area;
    EXPECT_LT(r.mean_low(), r.mean_score());
    EXPECT_GT(r.mean_high(), r.mean_score());
    ASSERT_GE(r.theme_shares_size(), 1);
    EXPECT_EQ(r.theme_shares(0).theme(), v1::LIVEABILITY);
    EXPECT_DOUBLE_EQ(r.theme_shares(0).share(), static_cast<double>(liveability) / n);
  }
  EXPECT_EQ(by_area["WK037500"].respondents(), 30);
  EXPECT_EQ(by_area["BU03750001"].respondents(), 12);

  // The same figures as a map layer (the poll closes within the selected range).
  {
    auto map = v1::MapService::NewStub(server_.channel());
    grpc::ClientContext context;
    v1::GetAggregatesRequest request;
    v1::AggregateSelection& sel = *request.mutable_selection();
    sel.set_level(v1::WIJK);
    sel.set_period(v1::MONTH);
    *sel.mutable_start_time() = Stamp(absl::Now() - absl::Hours(24 * 40));
    *sel.mutable_end_time() = Stamp(absl::Now() + absl::Hours(24 * 40));
    sel.set_include_poll_results(true);
    v1::GetAggregatesResponse response;
    ASSERT_TRUE(map->GetAggregates(&context, request, &response).ok());
    std::map<std::string, v1::PollAreaResult> layer;
    int shown = 0;
    for (const v1::PollAreaResult& r : response.poll_results()) {
      layer[r.area_code()] = r;
      shown += r.withheld() ? 0 : 1;
    }
    ASSERT_EQ(shown, 1);  // every wijk is listed, all but this one withheld
    EXPECT_EQ(layer["WK037500"].respondents(), 30);
    EXPECT_DOUBLE_EQ(layer["WK037500"].mean_score(), by_area["WK037500"].mean_score());
  }

  // No file of the data dir holds a device id (answers carry none; markers are keyed hashes).
  server_.Stop();
  for (const Device& d : devices) {
    EXPECT_EQ(FilesContaining(dir_.path(), d.id), std::vector<std::string>{}) << d.id;
  }
}

}  // namespace
}  // namespace wijkwacht::testing
