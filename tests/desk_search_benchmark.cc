// What ListIncidents' free-text filter costs, against the same listing without it, measured in
// the same run on the same store (the real server in-process, real RocksDB in a temp dir).
//
// The store grows in steps (--steps, reports stored each); after each step every query pages through
// the whole queue (page_size 200, as the console does) --repeats times, and the median time of
// a full pass is printed next to the plain listing's, as a ratio. Queries: a word in one
// incident in fifty (descriptions), a word in no incident (every incident's reports read: the
// worst case), a word of a category's name (decided without reading reports), and two words.
//
//   desk_search_benchmark [--steps=1000,2000,4000] [--repeats=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/test_support.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"

namespace wijkwacht::testing {
namespace {

constexpr const char* kTexts[] = {
    "Bushokje vernield, overal glas op de stoep",
    "Fiets gestolen bij het station, slot doorgeknipt",
    "Autoruit ingeslagen en de navigatie is weg",
    "Jongeren hangen rond bij de speeltuin en maken lawaai",
    "Grofvuil en zakken afval naast de container gezet",
};
constexpr const char* kCategories[] = {"vandalisme", "fietsdiefstal", "auto-inbraak",
                                       "hangjongeren", "vandalisme"};

struct Pass {
  double ms = 0;
  int found = 0;
  int pages = 0;
};

Pass ListAll(v1::DispatchService::Stub& stub, const std::string& token, const std::string& text) {
  Pass pass;
  v1::ListIncidentsRequest request;
  request.set_page_size(200);
  request.set_text(text);
  const auto start = std::chrono::steady_clock::now();
  do {
    grpc::ClientContext context;
    WithToken(context, token);
    v1::ListIncidentsResponse response;
    grpc::Status status = stub.ListIncidents(&context, request, &response);
    if (!status.ok()) {
      std::fprintf(stderr, "ListIncidents: %s\n", status.error_message().c_str());
      std::exit(1);
    }
    pass.found += response.incidents_size();
    ++pass.pages;
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  pass.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return pass;
}

int Main(int argc, char** argv) {
  std::vector<int> steps = {1000, 2000, 4000};
  int repeats = 5;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--steps=")) {
      steps.clear();
      for (absl::string_view s : absl::StrSplit(arg, ',')) {
        int v = 0;
        if (!absl::SimpleAtoi(s, &v) || v <= 0) return 2;
        steps.push_back(v);
      }
    } else if (absl::ConsumePrefix(&arg, "--repeats=")) {
      if (!absl::SimpleAtoi(arg, &repeats) || repeats <= 0) return 2;
    } else {
      std::fprintf(stderr, "usage: %s [--steps=1000,2000,4000] [--repeats=5]\n", argv[0]);
      return 2;
    }
  }
  TempDir dir;
  ServerFixture server(dir.path());
  server.options().device_write_burst = 1e9;
  server.options().device_writes_per_second = 1e9;
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "start: %s\n", s.ToString().c_str());
    return 1;
  }
  auto stub = v1::DispatchService::NewStub(server.channel());
  std::mt19937_64 rng(2026);
  int submitted = 0;  // reports stored
  int spot = 0;       // grid points tried
  std::printf("%-8s %-10s %-22s %10s %8s %7s %10s\n", "reports", "incidents", "query", "median ms",
              "found", "pages", "x plain");
  for (int target : steps) {
    // Reports on a grid over Beverwijk (spots outside the gemeente are refused and skipped),
    // observed at times spread over four weeks; reports of one event may still join, so the
    // incidents are counted by the plain listing.
    for (; submitted < target; ++spot) {
      const int k = spot % 5;
      std::string text = kTexts[k];
      if (spot % 50 == 0) text += ", met een zeldzame kleur";
      v1::Report report = BreestraatReport(NewUuid(rng), text);
      report.mutable_location()->set_latitude(52.466 + 0.0003 * ((spot / 70) % 110));
      report.mutable_location()->set_longitude(4.622 + 0.0008 * (spot % 70));
      report.set_category(kCategories[k]);
      // Spread over four weeks (17 minutes apart, wrapping), so that neighbours are other events.
      *report.mutable_observed_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(absl::Now() - absl::Minutes(5) -
                              absl::Minutes((17 * static_cast<int64_t>(spot)) % (28 * 24 * 60))));
      v1::Report out;
      grpc::Status status = server.SubmitAsResident(report, &out);
      if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
          absl::StrContains(status.error_message(), "outside every gemeente")) {
        continue;
      }
      if (!status.ok()) {
        std::fprintf(stderr, "submit %d: %s\n", submitted, status.error_message().c_str());
        return 1;
      }
      ++submitted;
    }
    const std::vector<std::pair<std::string, std::string>> queries = {
        {"plain", ""},
        {"rare word (1 in 50)", "zeldzame"},
        {"no match (worst)", "qqqzzz"},
        {"category name", "fietsdiefstal"},
        {"two words", "glas stoep"},
    };
    double plain = 0;
    int incidents = 0;
    for (const auto& [label, text] : queries) {
      std::vector<double> times;
      Pass last;
      ListAll(*stub, server.admin_token(), text);  // warm
      for (int r = 0; r < repeats; ++r) {
        last = ListAll(*stub, server.admin_token(), text);
        times.push_back(last.ms);
      }
      std::sort(times.begin(), times.end());
      const double median = times[times.size() / 2];
      if (text.empty()) {
        plain = median;
        incidents = last.found;
      }
      std::printf("%-8d %-10d %-22s %10.1f %8d %7d %10.2f\n", target, incidents, label.c_str(),
                  median, last.found, last.pages, plain > 0 ? median / plain : 0.0);
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace wijkwacht::testing

int main(int argc, char** argv) { return wijkwacht::testing::Main(argc, argv); }
