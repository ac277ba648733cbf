// wijkwacht.v1.PollService over the gRPC callback API: the flitspeiling (storage/poll_store.h
// keeps polls, answers and markers; domain/plan/poll_figures.h computes the figures).
//
// CreatePoll (analysts, admins; audited): title 1-200 bytes, the two questions 1-500 bytes,
// an optional open question up to 500, a window [open_time, close_time) of at most 92 days
// that ends in the future. The poll gets min_respondents = the server's
// --poll_min_respondents and reaches every device's feed (FeedChange.poll). ListPolls: anyone.
//
// AnswerPoll (device tokens only): buurt_code a buurt of the report gemeente, safety_score 1-10, at most 3
// distinct themes, open_answer (only when the poll asks one) up to 500 bytes of one-line
// UTF-8. Outside the window: FAILED_PRECONDITION. A device that is not established yet
// (registered less than --map_established_device_age ago, Caller::established, the age from
// which the map counts its reports towards k): FAILED_PRECONDITION naming the flag, with a
// retry delay (RetryInfo; over HTTP Retry-After) until it is; so devices minted within the
// registration limits cannot move a poll's published figures. Refused rather than stored
// and counted later: an answer is stored unlinked from its device (below), so it could not be
// counted once its device has aged. Once per device: a different second answer is
// ALREADY_EXISTS, the same answer again OK with replayed = true.
//
// GetPollResults (anyone): per wijk and buurt of the report gemeente, the figures of
// domain/plan/poll_figures.h; below min_respondents an area is withheld for every caller,
// staff included (answers are pseudonymous: a small buurt's figure could point at a person),
// and so are the areas that would let a withheld one be worked out by subtraction
// (complementary withholding, plan::WithheldAreas). Staff get the areas with respondents;
// everyone else gets every wijk and buurt, one without respondents withheld like one below
// the minimum (a withheld area listed only where someone answered would tell "1 to
// min_respondents - 1", a missing one "nobody"). Open answers go to staff only, in text order, once the poll has min_respondents.
//
// What the unlinkability protects against. Stored: answers without device, pseudonym, time or
// arrival order; markers HMAC(k, device id) with k a random key of the poll, whose value is
// HMAC(k, answer). So whoever reads the answers (results, a backup, an export of the
// poll_answers family) cannot tell which device (or which reporter: reports are filed under
// a pseudonym, never the device id) gave which answer, or whether two answers to different
// polls came from one device; and whoever has the data dir cannot test a device id against
// the markers without k. Not protected: the running server sees device and answer together
// in memory during the call; whoever holds a poll's k (it is in the polls family of the data
// dir) and a device id can tell whether that device answered, and, trying the few possible
// answers against the marker's value, what it answered. Dropping k and the markers when a
// poll closes would end that; it is not done yet.
//
// Thread safety: one instance serves all calls concurrently; storage calls run on `workers`
// (GetPollResults without a token on `anonymous_workers`).
#pragma once

#include <string>

#include "common/clock.h"
#include "common/worker_pool.h"
#include "domain/geo/area_index.h"
#include "services/method_table.h"
#include "services/unary_call.h"
#include "storage/poll_store.h"
#include "wijkwacht/v1/poll.grpc.pb.h"

namespace wijkwacht::services {

class PollServiceImpl final {
 public:
  struct Parts {
    storage::PollStore* polls = nullptr;
    const geo::AreaIndex* areas = nullptr;
    WorkerPool* workers = nullptr;
    // GetPollResults without a token runs here (null: on `workers`), as the map's anonymous
    // reads do: it reads every answer of the poll, and many such calls at once must not hold
    // the workers the apps' and the desk's calls need.
    WorkerPool* anonymous_workers = nullptr;
    const CallGate* gate = nullptr;
    const Clock* clock = nullptr;  // nullptr: the system clock
    // Both set by the server from ServerOptions (whose defaults are the flags').
    int min_respondents = 0;
    std::string gemeente_code;  // results cover its wijken and buurten
  };
  // Registers every RPC of the service with its handler (services/method_table.h).
  void Register(MethodTable* table);

  explicit PollServiceImpl(Parts parts) : parts_(std::move(parts)) {}

 private:
  void Create(const Caller& caller, const v1::CreatePollRequest& request, v1::Poll* response,
              UnaryDone done);
  void List(const Caller& caller, const v1::ListPollsRequest& request,
            v1::ListPollsResponse* response, UnaryDone done);
  void Answer(const Caller& caller, const v1::AnswerPollRequest& request,
              v1::AnswerPollResponse* response, UnaryDone done);
  void Results(const Caller& caller, const v1::GetPollResultsRequest& request,
               v1::PollResults* response, UnaryDone done);

  Parts parts_;
};

// "polls/{number}" -> number; INVALID_ARGUMENT on `field` otherwise.
[[nodiscard]] absl::StatusOr<uint64_t> ParsePollName(absl::string_view name,
                                                     absl::string_view field);

// The results of `poll` for `area_codes` (withheld below the poll's min_respondents), with
// its answers read from `polls`: used by GetPollResults and the map's poll layer. With
// `every_area` (public callers) an area without respondents is listed withheld; without, it
// is left out.
[[nodiscard]] absl::StatusOr<std::vector<v1::PollAreaResult>> PollAreaResults(
    const storage::PollStore& polls, const geo::AreaIndex& areas, const v1::Poll& poll,
    const std::vector<std::string>& area_codes, std::vector<std::string>* open_answers,
    bool every_area);

}  // namespace wijkwacht::services
