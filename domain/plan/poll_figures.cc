#include "domain/plan/poll_figures.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "boost/math/distributions/normal.hpp"
#include "boost/math/distributions/students_t.hpp"

namespace wijkwacht::plan {

Interval MeanInterval(const std::vector<int>& scores) {
  Interval out;
  if (scores.empty()) return out;
  const double n = static_cast<double>(scores.size());
  double sum = 0;
  for (int s : scores) sum += s;
  out.mean = sum / n;
  if (scores.size() < 2) {
    out.low = 1;
    out.high = 10;
    return out;
  }
  double squares = 0;
  for (int s : scores) squares += (s - out.mean) * (s - out.mean);
  const double sd = std::sqrt(squares / (n - 1));
  const boost::math::students_t t(n - 1);
  const double half = boost::math::quantile(boost::math::complement(t, 0.025)) * sd / std::sqrt(n);
  out.low = std::max(1.0, out.mean - half);
  out.high = std::min(10.0, out.mean + half);
  return out;
}

Interval WilsonInterval(int64_t hits, int64_t n) {
  Interval out;
  if (n <= 0) return out;
  const double z =
      boost::math::quantile(boost::math::complement(boost::math::normal(0, 1), 0.025));
  const double p = static_cast<double>(hits) / static_cast<double>(n);
  const double nn = static_cast<double>(n);
  const double denominator = 1 + z * z / nn;
  const double centre = (p + z * z / (2 * nn)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denominator;
  out.mean = p;
  out.low = std::max(0.0, centre - half);
  out.high = std::min(1.0, centre + half);
  return out;
}

std::set<std::string> WithheldAreas(const std::vector<PollResponse>& responses,
                                    int min_respondents) {
  const int64_t k = std::max(1, min_respondents);
  std::map<std::string, int64_t> buurt_n, wijk_n;
  std::map<std::string, std::set<std::string>> buurten_of;  // wijk -> its buurten
  for (const PollResponse& r : responses) {
    ++buurt_n[r.buurt_code];
    ++wijk_n[r.wijk_code];
    buurten_of[r.wijk_code].insert(r.buurt_code);
  }
  std::set<std::string> withheld;
  for (const auto& [code, n] : buurt_n) {
    if (n < k) withheld.insert(code);
  }
  for (const auto& [code, n] : wijk_n) {
    if (n < k) withheld.insert(code);
  }
  // Withholds the smallest shown members of `group` until the withheld ones hold none or at
  // least k respondents together, so that the parent minus the shown members reveals nothing
  // about fewer than k people.
  auto complete = [&](const std::set<std::string>& group,
                      const std::map<std::string, int64_t>& n_of) {
    int64_t hidden = 0;
    std::vector<std::pair<int64_t, std::string>> shown;
    for (const std::string& code : group) {
      if (withheld.count(code)) {
        hidden += n_of.at(code);
      } else {
        shown.emplace_back(n_of.at(code), code);
      }
    }
    std::sort(shown.begin(), shown.end());
    std::vector<std::string> added;
    for (size_t i = 0; hidden > 0 && hidden < k && i < shown.size(); ++i) {
      withheld.insert(shown[i].second);
      added.push_back(shown[i].second);
      hidden += shown[i].first;
    }
    return added;
  };
  for (const auto& [wijk, buurten] : buurten_of) complete(buurten, buurt_n);
  std::set<std::string> wijken;
  for (const auto& [code, n] : wijk_n) wijken.insert(code);
  // Across wijken (the gemeente is the sum of them); a wijk withheld here takes its buurten
  // along, which would otherwise add up to it.
  for (const std::string& wijk : complete(wijken, wijk_n)) {
    for (const std::string& buurt : buurten_of[wijk]) withheld.insert(buurt);
  }
  return withheld;
}

std::vector<AreaFigures> PollFigures(const std::vector<PollResponse>& responses,
                                     const std::vector<std::string>& area_codes,
                                     int min_respondents, bool every_area) {
  const std::set<std::string> withheld = WithheldAreas(responses, min_respondents);
  std::vector<AreaFigures> out;
  for (const std::string& code : area_codes) {
    std::vector<int> scores;
    std::map<int, int64_t> named;
    for (const PollResponse& r : responses) {
      if (r.buurt_code != code && r.wijk_code != code) continue;
      scores.push_back(r.safety_score);
      for (int theme : r.themes) ++named[theme];
    }
    if (scores.empty() && !every_area) continue;
    AreaFigures& f = out.emplace_back();
    f.area_code = code;
    if (scores.empty() || withheld.count(code)) {
      f.withheld = true;
      continue;
    }
    f.respondents = static_cast<int64_t>(scores.size());
    const Interval mean = MeanInterval(scores);
    f.mean_score = mean.mean;
    f.mean_low = mean.low;
    f.mean_high = mean.high;
    for (const auto& [theme, hits] : named) {
      const Interval share = WilsonInterval(hits, f.respondents);
      f.themes.push_back({theme, share.mean, share.low, share.high});
    }
  }
  return out;
}

const char* PollCaveat() {
  return "De flitspeiling is een open peiling in de app: wie antwoordt, kiest daar zelf voor. "
         "De marges geven alleen de toevalsvariatie van een aselecte steekproef weer, niet de "
         "vertekening doordat niet iedereen meedoet. Gebieden met te weinig deelnemers krijgen "
         "geen cijfer.";
}

}  // namespace wijkwacht::plan
