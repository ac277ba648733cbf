// The flitspeiling's figures per area: respondents, mean safety score with a 95% confidence
// interval (Student's t), and per theme the share of respondents who named it with a 95%
// Wilson score interval; an area with fewer respondents than the minimum gets no figure at
// all (withheld), so a small buurt's answers cannot be read off.
//
// The intervals assume a simple random sample of the area's residents. An opt-in app poll is
// not one (who answers is self-selected), so the intervals give sampling noise only, never the
// bias of who took part: PollCaveat() says so in words for reports.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace wijkwacht::plan {

struct PollResponse {
  std::string buurt_code;
  std::string wijk_code;
  int safety_score = 0;     // 1-10
  std::vector<int> themes;  // wijkwacht.v1.Theme numbers, distinct
};

struct ThemeFigure {
  int theme = 0;
  double share = 0;
  double low = 0;
  double high = 0;
};

struct AreaFigures {
  std::string area_code;
  bool withheld = false;  // fewer respondents than the minimum: everything below is zero
  int64_t respondents = 0;
  double mean_score = 0;
  double mean_low = 0;
  double mean_high = 0;
  std::vector<ThemeFigure> themes;  // themes named at least once, in theme order
};

// Figures for each of `area_codes` (a respondent counts for an area when its buurt or wijk is
// that code); areas without respondents are left out, or with `every_area` listed withheld
// like an area below the minimum (so that a withheld area does not tell that someone
// answered there). min_respondents >= 1. Withheld are the areas WithheldAreas() names,
// whichever codes are asked for, so that figures from different calls cannot be subtracted
// either.
[[nodiscard]] std::vector<AreaFigures> PollFigures(const std::vector<PollResponse>& responses,
                                                   const std::vector<std::string>& area_codes,
                                                   int min_respondents, bool every_area = false);

// The areas whose figures are withheld: every buurt and wijk with fewer than min_respondents
// respondents (primary), and then complementary ones: within a wijk, the smallest shown
// buurten until its withheld buurten hold none or at least min_respondents respondents
// together (else the wijk minus its shown buurten would give them away); the same across the
// wijken (all `responses` make up the gemeente), a wijk withheld there taking its buurten
// along.
[[nodiscard]] std::set<std::string> WithheldAreas(const std::vector<PollResponse>& responses,
                                                  int min_respondents);

// 95% interval for the mean of `scores` (1-10): Student's t with n - 1 degrees of freedom,
// clipped to [1, 10]; [1, 10] for fewer than two scores.
struct Interval {
  double mean = 0;
  double low = 0;
  double high = 0;
};
[[nodiscard]] Interval MeanInterval(const std::vector<int>& scores);
// 95% Wilson score interval of `hits` out of `n` (n >= 1).
[[nodiscard]] Interval WilsonInterval(int64_t hits, int64_t n);

// The statistical caveat of poll figures, in Dutch, for the report.
[[nodiscard]] const char* PollCaveat();

}  // namespace wijkwacht::plan
