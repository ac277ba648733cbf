#include "tools/loadgen/report_gen.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <regex>
#include <set>

#include "gtest/gtest.h"

namespace wijkwacht::loadgen {
namespace {

std::vector<v1::Category> TestCategories() {
  std::vector<v1::Category> out(3);
  out[0].set_code("cat-a");
  out[0].set_display_name("Verdachte persoon");
  out[0].add_search_terms("achterdeur");
  out[1].set_code("cat-b");
  out[1].set_display_name("Kapotte straatverlichting");
  out[1].add_search_terms("lantaarnpaal");
  out[2].set_code("cat-c");
  out[2].set_display_name("Overig");
  out[2].add_search_terms("straat");  // must not match "Meerstraat"
  out[2].add_search_terms("?!");      // no letters: never matches
  return out;
}

TEST(UuidV4, HasRfc4122Version4Form) {
  std::mt19937_64 rng(1);
  const std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = UuidV4(rng);
    EXPECT_TRUE(std::regex_match(id, re)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(ReportGenerator, ProducesValidBeverwijkReports) {
  auto corpus = std::make_shared<const ReportCorpus>(TestCategories());
  ReportGenerator gen(corpus, 7, 8);
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  std::set<std::string> ids;
  for (int i = 0; i < 5000; ++i) {
    v1::Report r;
    gen.Fill(now, &r);
    ids.insert(r.id());
    EXPECT_GE(r.location().latitude(), 52.46);
    EXPECT_LE(r.location().latitude(), 52.501);
    EXPECT_GE(r.location().longitude(), 4.59);
    EXPECT_LE(r.location().longitude(), 4.70);
    EXPECT_LE(r.observed_time().seconds(), 1700000000 - 1);
    EXPECT_GE(r.observed_time().seconds(), 1700000000 - 29 * 24 * 3600 - 1);
    EXPECT_GE(r.description().size(), 1u);
    EXPECT_LE(r.description().size(), 4000u);
    EXPECT_TRUE(r.category() == "cat-a" || r.category() == "cat-b" || r.category() == "cat-c");
    EXPECT_NE(r.reporter_role(), v1::REPORTER_ROLE_UNSPECIFIED);
  }
  EXPECT_EQ(ids.size(), 5000u);
}

TEST(ReportGenerator, SpreadsEventsOverTheSpanWithTheGivenShareOfNewOnes) {
  auto corpus = std::make_shared<const ReportCorpus>(TestCategories());
  ReportGenerator gen(corpus, 7, 8);
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  const absl::Duration span = absl::Hours(24 * 182);
  constexpr int kReports = 20000;
  int new_events = 0;
  int64_t min_seconds = INT64_MAX;
  int64_t max_seconds = 0;
  v1::Report previous;
  for (int i = 0; i < kReports; ++i) {
    v1::Report r;
    gen.FillSpread(now, span, 0.3, &r);
    EXPECT_GE(r.location().latitude(), 52.46);
    EXPECT_LE(r.location().latitude(), 52.501);
    EXPECT_GE(r.location().longitude(), 4.59);
    EXPECT_LE(r.location().longitude(), 4.70);
    EXPECT_LE(r.observed_time().seconds(), 1700000000 - 1);
    min_seconds = std::min<int64_t>(min_seconds, r.observed_time().seconds());
    max_seconds = std::max<int64_t>(max_seconds, r.observed_time().seconds());
    // A report of the previous event lies within 30 minutes and ~60 m of it, same category.
    const bool same_event =
        i > 0 && r.category() == previous.category() &&
        std::abs(r.observed_time().seconds() - previous.observed_time().seconds()) <= 1800 &&
        std::abs(r.location().latitude() - previous.location().latitude()) < 0.0006;
    if (!same_event) ++new_events;
    EXPECT_NE(r.id(), previous.id());
    previous = r;
  }
  EXPECT_GE(min_seconds, 1700000000 - 182 * 24 * 3600);
  EXPECT_LE(min_seconds, 1700000000 - 170 * 24 * 3600);  // the whole half year is used
  EXPECT_GE(max_seconds, 1700000000 - 12 * 24 * 3600);
  EXPECT_NEAR(static_cast<double>(new_events) / kReports, 0.3, 0.03);
}

TEST(ReportCorpus, MatchesTextsToCategoriesBySearchTerms) {
  ReportCorpus corpus(TestCategories());
  const auto& texts = DutchReportTexts();
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].find("Lantaarnpaal") != std::string::npos) {
      ASSERT_EQ(corpus.CandidatesForText(i).size(), 1u);
      EXPECT_EQ(corpus.codes()[corpus.CandidatesForText(i)[0]], "cat-b");
    }
  }
  EXPECT_GE(texts.size(), 30u);
}

TEST(Percentiles, NearestRank) {
  std::vector<int64_t> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  LatencySummary s = Summarize(v);
  EXPECT_EQ(s.count, 100u);
  EXPECT_EQ(s.p50, 50);
  EXPECT_EQ(s.p90, 90);
  EXPECT_EQ(s.p99, 99);
  EXPECT_EQ(s.max, 100);
  std::vector<int64_t> one = {7};
  EXPECT_EQ(Summarize(one).p99, 7);
  std::vector<int64_t> none;
  EXPECT_EQ(Summarize(none).count, 0u);
}

TEST(IsLoopbackTarget, AcceptsOnlyLoopback) {
  EXPECT_TRUE(IsLoopbackTarget("localhost:50051"));
  EXPECT_TRUE(IsLoopbackTarget("127.0.0.1:1234"));
  EXPECT_TRUE(IsLoopbackTarget("127.1.2.3:1"));
  EXPECT_TRUE(IsLoopbackTarget("[::1]:50051"));
  EXPECT_TRUE(IsLoopbackTarget("ipv4:127.0.0.1:50051"));
  EXPECT_TRUE(IsLoopbackTarget("dns:///localhost:50051"));
  EXPECT_TRUE(IsLoopbackTarget("unix:/tmp/wijkwacht.sock"));
  EXPECT_FALSE(IsLoopbackTarget("10.0.0.1:50051"));
  EXPECT_FALSE(IsLoopbackTarget("wijkwacht.beverwijk.nl:443"));
  EXPECT_FALSE(IsLoopbackTarget("127.0.0.1.evil.example:50051"));
  EXPECT_FALSE(IsLoopbackTarget("[::2]:50051"));
}

}  // namespace
}  // namespace wijkwacht::loadgen
