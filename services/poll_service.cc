#include "services/poll_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "domain/plan/poll_figures.h"
#include "google/protobuf/util/time_util.h"
#include "services/field_checks.h"
#include "services/report_mapping.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxQuestionBytes = 500;
constexpr size_t kMaxOpenAnswerBytes = 500;
constexpr int kMaxThemes = 3;
constexpr absl::Duration kMaxWindow = absl::Hours(24 * 92);

storage::DispatchActor ActorOf(const Caller& caller) { return {caller.subject}; }

const Clock* ClockOf(const Clock* clock) { return clock != nullptr ? clock : SystemClock(); }

v1::AreaLevel LevelOf(const geo::Area& area) {
  return static_cast<v1::AreaLevel>(static_cast<int>(area.level) + 1);
}

}  // namespace

absl::StatusOr<uint64_t> ParsePollName(absl::string_view name, absl::string_view field) {
  absl::string_view rest = name;
  uint64_t number = 0;
  if (name.empty()) return InvalidFieldError(field, "is required: \"polls/{number}\"");
  if (!absl::ConsumePrefix(&rest, "polls/") || rest.empty() || rest.size() > 18 ||
      rest[0] == '+' || !absl::SimpleAtoi(rest, &number) || number == 0) {
    return InvalidFieldError(field, "must be \"polls/{number}\"");
  }
  return number;
}

absl::StatusOr<std::vector<v1::PollAreaResult>> PollAreaResults(
    const storage::PollStore& polls, const geo::AreaIndex& areas, const v1::Poll& poll,
    const std::vector<std::string>& area_codes, std::vector<std::string>* open_answers,
    bool every_area) {
  absl::StatusOr<uint64_t> number = ParsePollName(poll.name(), "poll");
  if (!number.ok()) return number.status();
  WW_ASSIGN_OR_RETURN(std::vector<internal::PollAnswer> answers, polls.Answers(*number));
  std::vector<plan::PollResponse> responses;
  responses.reserve(answers.size());
  for (const internal::PollAnswer& a : answers) {
    responses.push_back({a.buurt_code(), a.wijk_code(), a.safety_score(),
                         {a.worried_themes().begin(), a.worried_themes().end()}});
    if (open_answers != nullptr && !a.open_answer().empty()) {
      open_answers->push_back(a.open_answer());
    }
  }
  if (open_answers != nullptr) {
    if (static_cast<int64_t>(answers.size()) < poll.min_respondents()) {
      open_answers->clear();
    } else {
      std::sort(open_answers->begin(), open_answers->end());
    }
  }
  std::vector<v1::PollAreaResult> out;
  for (const plan::AreaFigures& f :
       plan::PollFigures(responses, area_codes, std::max(1, poll.min_respondents()),
                         every_area)) {
    v1::PollAreaResult& r = out.emplace_back();
    r.set_poll(poll.name());
    *r.mutable_close_time() = poll.close_time();
    r.set_area_code(f.area_code);
    if (const geo::Area* area = areas.Find(f.area_code)) r.set_level(LevelOf(*area));
    r.set_withheld(f.withheld);
    r.set_respondents(f.respondents);
    r.set_mean_score(f.mean_score);
    r.set_mean_low(f.mean_low);
    r.set_mean_high(f.mean_high);
    for (const plan::ThemeFigure& t : f.themes) {
      v1::ThemeShare& share = *r.add_theme_shares();
      share.set_theme(static_cast<v1::Theme>(t.theme));
      share.set_share(t.share);
      share.set_share_low(t.low);
      share.set_share_high(t.high);
    }
  }
  return out;
}

void PollServiceImpl::Register(MethodTable* table) {
  table->Unary("/wijkwacht.v1.PollService/CreatePoll", this, &PollServiceImpl::Create);
  table->Unary("/wijkwacht.v1.PollService/ListPolls", this, &PollServiceImpl::List);
  table->Unary("/wijkwacht.v1.PollService/AnswerPoll", this, &PollServiceImpl::Answer);
  table->Unary("/wijkwacht.v1.PollService/GetPollResults", this, &PollServiceImpl::Results);
}

void PollServiceImpl::Create(const Caller& caller, const v1::CreatePollRequest& request,
                             v1::Poll* response, UnaryDone done) {
  if (!request.has_poll()) return done(InvalidFieldError("poll", "is required"));
  const v1::Poll& p = request.poll();
  std::vector<FieldViolation> v;
  CheckText(p.title(), "poll.title", kMaxTitleBytes, true, false, &v);
  CheckText(p.safety_question(), "poll.safety_question", kMaxQuestionBytes, true, false, &v);
  CheckText(p.themes_question(), "poll.themes_question", kMaxQuestionBytes, true, false, &v);
  CheckText(p.open_question(), "poll.open_question", kMaxQuestionBytes, false, false, &v);
  absl::StatusOr<absl::Time> open = TimeFromProto(p.open_time(), "poll.open_time");
  absl::StatusOr<absl::Time> close = TimeFromProto(p.close_time(), "poll.close_time");
  if (!p.has_open_time() || !open.ok()) {
    v.push_back({"poll.open_time", "is required: a valid timestamp"});
  }
  if (!p.has_close_time() || !close.ok()) {
    v.push_back({"poll.close_time", "is required: a valid timestamp"});
  } else if (*close <= ClockOf(parts_.clock)->Now()) {
    v.push_back({"poll.close_time", "lies in the past"});
  } else if (p.has_open_time() && open.ok()) {
    if (*close <= *open) {
      v.push_back({"poll.close_time", "must be after open_time"});
    } else if (*close - *open > kMaxWindow) {
      v.push_back({"poll.close_time", "the window is longer than 92 days"});
    }
  }
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  v1::Poll poll;
  poll.set_title(p.title());
  poll.set_safety_question(p.safety_question());
  poll.set_themes_question(p.themes_question());
  poll.set_open_question(p.open_question());
  *poll.mutable_open_time() = p.open_time();
  *poll.mutable_close_time() = p.close_time();
  poll.set_min_respondents(parts_.min_respondents);
  parts_.workers->Schedule([this, caller, poll = std::move(poll), response,
                            done = std::move(done)] {
    absl::StatusOr<v1::Poll> stored = parts_.polls->Create(poll, ActorOf(caller));
    if (!stored.ok()) return done(stored.status());
    *response = *std::move(stored);
    done(absl::OkStatus());
  });
}

void PollServiceImpl::List(const Caller& caller, const v1::ListPollsRequest& request,
                           v1::ListPollsResponse* response, UnaryDone done) {
  absl::StatusOr<int> page_size = PageSizeOf(request.page_size());
  if (!page_size.ok()) return done(page_size.status());
  absl::StatusOr<size_t> offset = PageOffset(request.page_token(), "polls");
  if (!offset.ok()) return done(offset.status());
  parts_.workers->Schedule([this, page_size = *page_size, offset = *offset, response,
                            done = std::move(done)] {
    absl::StatusOr<std::vector<v1::Poll>> polls = parts_.polls->List();
    if (!polls.ok()) return done(polls.status());
    for (size_t i = offset; i < polls->size(); ++i) {
      if (response->polls_size() == page_size) {
        response->set_next_page_token(PageToken("polls", i));
        break;
      }
      *response->add_polls() = std::move((*polls)[i]);
    }
    done(absl::OkStatus());
  });
}

void PollServiceImpl::Answer(const Caller& caller, const v1::AnswerPollRequest& request,
                             v1::AnswerPollResponse* response, UnaryDone done) {
  std::vector<FieldViolation> v;
  absl::StatusOr<uint64_t> number = ParsePollName(request.poll(), "poll");
  if (!number.ok()) v.push_back(GetFieldViolations(number.status()).front());
  const geo::Area* buurt =
      request.buurt_code().empty() ? nullptr : parts_.areas->Find(request.buurt_code());
  const geo::Area* wijk = buurt != nullptr ? parts_.areas->Find(buurt->parent_code) : nullptr;
  if (buurt == nullptr || buurt->level != geo::AreaLevel::kBuurt || wijk == nullptr ||
      wijk->parent_code != parts_.gemeente_code) {
    v.push_back({"buurt_code",
                 absl::StrCat("is required: the code of a buurt of ", parts_.gemeente_code)});
  }
  if (request.safety_score() < 1 || request.safety_score() > 10) {
    v.push_back({"safety_score", "is required: 1-10"});
  }
  if (request.worried_themes_size() > kMaxThemes) {
    v.push_back({"worried_themes", absl::StrCat("holds more than ", kMaxThemes, " themes")});
  }
  std::set<int> themes;
  for (int i = 0; i < request.worried_themes_size() && i < kMaxThemes; ++i) {
    const int t = request.worried_themes(i);
    const std::string path = absl::StrCat("worried_themes[", i, "]");
    if (t == v1::THEME_UNSPECIFIED || !v1::Theme_IsValid(t)) {
      v.push_back({path, "is not a theme"});
    } else if (!themes.insert(t).second) {
      v.push_back({path, "is listed twice"});
    }
  }
  CheckText(request.open_answer(), "open_answer", kMaxOpenAnswerBytes, false, false, &v);
  if (!v.empty()) return done(InvalidFieldsError(std::move(v)));
  const std::string device = caller.DeviceId();
  if (device.empty()) {
    return done(absl::PermissionDeniedError("only a device (app) token can answer a poll"));
  }
  if (!caller.established) {
    // As on the map (row 3 of the README's threat model): a device minted for the purpose
    // must not move a published figure; answers are stored unlinked from their device, so an
    // answer cannot be kept back until its device has aged and counted later.
    return done(WithRetryDelay(
        absl::FailedPreconditionError(absl::StrCat(
            "a device answers a poll once it is established (registered at least "
            "--map_established_device_age ago); this one is in ",
            absl::FormatDuration(absl::Ceil(caller.established_in, absl::Seconds(1))))),
        caller.established_in));
  }
  internal::PollAnswer answer;
  answer.set_buurt_code(buurt->code);
  answer.set_wijk_code(buurt->parent_code);
  answer.set_safety_score(request.safety_score());
  for (int t : themes) answer.add_worried_themes(t);  // sorted: a replay in another order is one
  answer.set_open_answer(request.open_answer());
  parts_.workers->Schedule([this, number = *number, device, answer = std::move(answer),
                            response, done = std::move(done)] {
    absl::StatusOr<v1::Poll> poll = parts_.polls->Get(number);
    if (!poll.ok()) return done(poll.status());
    if (!answer.open_answer().empty() && poll->open_question().empty()) {
      return done(InvalidFieldError("open_answer", "this poll asks no open question"));
    }
    absl::StatusOr<bool> replayed = parts_.polls->Answer(number, device, answer);
    if (!replayed.ok()) return done(replayed.status());
    response->set_replayed(*replayed);
    done(absl::OkStatus());
  });
}

void PollServiceImpl::Results(const Caller& caller, const v1::GetPollResultsRequest& request,
                              v1::PollResults* response, UnaryDone done) {
  absl::StatusOr<uint64_t> number = ParsePollName(request.poll(), "poll");
  if (!number.ok()) return done(number.status());
  WorkerPool* pool = caller.WithoutToken() && parts_.anonymous_workers != nullptr
                         ? parts_.anonymous_workers
                         : parts_.workers;
  pool->Schedule([this, staff = caller.IsStaff(), number = *number, response,
                  done = std::move(done)] {
    absl::StatusOr<v1::Poll> poll = parts_.polls->Get(number);
    if (!poll.ok()) return done(poll.status());
    std::vector<std::string> wijken, buurten;
    for (const geo::Area& a : parts_.areas->areas()) {
      if (a.gemeente_code != parts_.gemeente_code && a.parent_code != parts_.gemeente_code) {
        const geo::Area* wijk = parts_.areas->Find(a.parent_code);
        if (wijk == nullptr || wijk->parent_code != parts_.gemeente_code) continue;
      }
      if (a.level == geo::AreaLevel::kWijk) wijken.push_back(a.code);
      if (a.level == geo::AreaLevel::kBuurt) buurten.push_back(a.code);
    }
    std::sort(wijken.begin(), wijken.end());
    std::sort(buurten.begin(), buurten.end());
    wijken.insert(wijken.end(), buurten.begin(), buurten.end());
    std::vector<std::string> open;
    absl::StatusOr<std::vector<v1::PollAreaResult>> results =
        PollAreaResults(*parts_.polls, *parts_.areas, *poll, wijken, staff ? &open : nullptr,
                        /*every_area=*/!staff);
    if (!results.ok()) return done(results.status());
    *response->mutable_poll() = *std::move(poll);
    for (v1::PollAreaResult& r : *results) *response->add_areas() = std::move(r);
    for (std::string& text : open) response->add_open_answers(std::move(text));
    done(absl::OkStatus());
  });
}

}  // namespace wijkwacht::services
