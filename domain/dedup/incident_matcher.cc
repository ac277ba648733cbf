#include "domain/dedup/incident_matcher.h"

#include <algorithm>
#include <limits>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "s2/s1angle.h"
#include "s2/s2cap.h"
#include "s2/s2cell_id.h"
#include "s2/s2earth.h"
#include "s2/s2latlng.h"
#include "s2/s2region_coverer.h"

namespace wijkwacht::dedup {
namespace {

size_t ThemeIndex(catalog::Theme theme) {
  const auto i = static_cast<size_t>(theme);
  return i < 6 ? i : 0;
}

double Clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

// Each text names exactly one gender, and they differ.
bool GenderConflict(const lexicon::EventSignature& a, const lexicon::EventSignature& b) {
  auto single = [](uint32_t g) { return g != 0 && (g & (g - 1)) == 0; };
  return single(a.genders) && single(b.genders) && a.genders != b.genders;
}

// Both texts name age bands and none in common (the bands of an age in years overlap at
// their edges, so "ca. 20" and "16" do not conflict, "13 or 14" and "40ish" do).
bool AgeConflict(const lexicon::EventSignature& a, const lexicon::EventSignature& b) {
  return a.ages != 0 && b.ages != 0 && (a.ages & b.ages) == 0;
}

// Both texts give a colour of one kind of object and none in common.
bool DetailConflict(const lexicon::EventSignature& a, const lexicon::EventSignature& b) {
  for (int o = 0; o < lexicon::kNumObjectClasses; ++o) {
    const uint64_t mask = lexicon::DetailMask(o);
    const uint64_t x = a.details & mask, y = b.details & mask;
    if (x != 0 && y != 0 && (x & y) == 0) return true;
  }
  return false;
}

// The event term of the score: a common kind 1, one event told from two sides 0.8, kinds of
// one family 0.25, a text that names no kind 0.5.
double EventAgreement(lexicon::KindRelation relation) {
  switch (relation) {
    case lexicon::KindRelation::kCommon: return 1;
    case lexicon::KindRelation::kViews: return 0.8;
    case lexicon::KindRelation::kRelated: return 0.25;
    case lexicon::KindRelation::kUnknown: return 0.5;
    case lexicon::KindRelation::kConflict: return 0;
  }
  return 0;
}

}  // namespace

absl::Status ValidateDedupOptions(const DedupOptions& o) {
  if (!(o.radius_meters > 0 && o.radius_meters <= 5000)) {
    return InvalidFieldError("radius_meters", "must be in (0, 5000]");
  }
  if (!(o.max_accuracy_slack_meters >= 0 && o.max_accuracy_slack_meters <= 5000)) {
    return InvalidFieldError("max_accuracy_slack_meters", "must be in [0, 5000]");
  }
  for (catalog::Theme t : catalog::kFrameworkThemes) {
    const absl::Duration w = o.time_window[ThemeIndex(t)];
    if (w <= absl::ZeroDuration() || w > absl::Hours(24 * 365)) {
      return InvalidFieldError(absl::StrCat("time_window.", catalog::ThemeName(t)),
                               "must be in (0, 365 days]");
    }
  }
  if (o.situation_window < absl::ZeroDuration() || o.situation_window > absl::Hours(24 * 365)) {
    return InvalidFieldError("situation_window", "must be in [0, 365 days]");
  }
  const ScoreWeights& w = o.weights;
  for (double x : {w.distance, w.time, w.theme, w.category, w.text, w.event, w.stems}) {
    if (!(x >= 0)) return InvalidFieldError("weights", "must not be negative");
  }
  if (!(w.distance + w.time + w.theme + w.category + w.text + w.event + w.stems > 0)) {
    return InvalidFieldError("weights", "must not all be zero");
  }
  if (!(o.near_meters >= 0 && o.near_meters <= o.radius_meters)) {
    return InvalidFieldError("near_meters", "must be in [0, radius_meters]");
  }
  if (o.unknown_kind_window <= absl::ZeroDuration() ||
      o.unknown_kind_window > absl::Hours(24 * 365)) {
    return InvalidFieldError("unknown_kind_window", "must be in (0, 365 days]");
  }
  for (double p : {o.colour_penalty, o.gender_penalty, o.detail_penalty, o.age_penalty,
                   o.detail_bonus}) {
    if (!(p >= 0 && p <= 1)) return InvalidFieldError("penalties", "must be in [0, 1]");
  }
  if (!(o.threshold >= 0 && o.threshold <= 1)) {
    return InvalidFieldError("threshold", "must be in [0, 1]");
  }
  if (!(o.review_margin >= 0 && o.review_margin <= 0.5)) {
    return InvalidFieldError("review_margin", "must be in [0, 0.5]");
  }
  if (o.max_candidates < 1) return InvalidFieldError("max_candidates", "must be at least 1");
  return absl::OkStatus();
}

absl::Status ParseTimeWindows(absl::string_view spec, DedupOptions* options) {
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(entry, '=');
    const std::optional<catalog::Theme> theme =
        catalog::ParseTheme(absl::StripAsciiWhitespace(kv.first));
    absl::Duration window;
    if (!theme || *theme == catalog::Theme::kUnspecified ||
        !absl::ParseDuration(absl::StripAsciiWhitespace(kv.second), &window)) {
      return InvalidFieldError(
          "time_window", absl::StrCat("entry '", entry,
                                      "' is not THEME=duration (e.g. LIVEABILITY=36h)"));
    }
    options->time_window[ThemeIndex(*theme)] = window;
  }
  return absl::OkStatus();
}

std::string FormatTimeWindows(const DedupOptions& options) {
  std::string out;
  for (catalog::Theme t : catalog::kFrameworkThemes) {
    absl::StrAppend(&out, out.empty() ? "" : ",", catalog::ThemeName(t), "=",
                    absl::FormatDuration(options.time_window[ThemeIndex(t)]));
  }
  return out;
}

IncidentMatcher::IncidentMatcher(DedupOptions options, const catalog::CategoryCatalog* catalog)
    : options_(std::move(options)), catalog_(catalog), max_window_(absl::ZeroDuration()) {
  for (catalog::Theme t : catalog::kFrameworkThemes) max_window_ = std::max(max_window_, WindowFor(t));
  max_window_ = std::max({max_window_, options_.time_window[0], options_.situation_window,
                          lexicon::MaxGap(~uint64_t{0})});
}

absl::Duration IncidentMatcher::WindowFor(catalog::Theme theme) const {
  return options_.time_window[ThemeIndex(theme)];
}

absl::Duration IncidentMatcher::JoinWindow(const ReportFeatures& report, bool report_lasting,
                                           const IncidentFeatures& incident,
                                           const lexicon::KindMatch& kinds) const {
  if (kinds.relation == lexicon::KindRelation::kCommon ||
      kinds.relation == lexicon::KindRelation::kViews ||
      kinds.relation == lexicon::KindRelation::kRelated) {
    return kinds.max_gap;
  }
  absl::Duration window = std::min({WindowFor(report.theme), WindowFor(incident.theme),
                                    options_.unknown_kind_window});
  if (report_lasting && IsLastingSituation(incident.category)) {
    window = std::max(window, options_.situation_window);
  }
  // One text names a lasting situation (a pot hole, a broken street light) and the other no
  // kind the lexicon knows ("big hole in road"): the situation's window, at most the
  // situation window.
  const uint64_t report_kinds = report.event.kinds();
  const uint64_t incident_kinds = incident.event.kinds();
  if ((report_kinds == 0) != (incident_kinds == 0)) {
    window = std::max(window, std::min(lexicon::MaxGap(report_kinds | incident_kinds),
                                       options_.situation_window));
  }
  return window;
}

absl::Duration IncidentMatcher::SearchWindow(const ReportFeatures& report,
                                             catalog::Theme incident_theme) const {
  // JoinWindow's cases, each at its longest over the incidents of `incident_theme`:
  // kinds that do not relate: the shorter theme window and unknown_kind_window, or the
  // situation window when both are lasting situations (the report's category decides
  // whether that can happen);
  absl::Duration window = std::min({WindowFor(report.theme), WindowFor(incident_theme),
                                    options_.unknown_kind_window});
  if (IsLastingSituation(report.category)) window = std::max(window, options_.situation_window);
  const uint64_t kinds = report.event.kinds();
  if (kinds == 0) {
    // one side names no kind: the incident's kinds' span up to the situation window;
    window = std::max(window, std::min(lexicon::MaxGap(~uint64_t{0}), options_.situation_window));
  } else {
    // kinds that relate (MatchKinds' max_gap; the report's own span when the incident names
    // none, which is no longer).
    window = std::max(window, lexicon::MaxMatchGap(kinds));
  }
  return window;
}

double IncidentMatcher::CategoryAgreement(const std::string& a, const std::string& b) const {
  if (catalog::IsCatchAllCategory(a) || catalog::IsCatchAllCategory(b)) return 0;
  if (a == b) return 1;
  if (catalog_ == nullptr) return 0;
  const catalog::Category* ca = catalog_->Find(a);
  const catalog::Category* cb = catalog_->Find(b);
  if (ca == nullptr || cb == nullptr || ca->theme_hint != cb->theme_hint) return 0;
  return ca->group == cb->group ? 0.6 : 0.3;
}

bool IncidentMatcher::IsLastingSituation(const std::string& category) const {
  // A catch-all category ("Overig") is filed under SURROUNDINGS but says nothing.
  if (catalog_ == nullptr || catalog::IsCatchAllCategory(category)) return false;
  const catalog::Category* c = catalog_->Find(category);
  return c != nullptr && c->group == catalog::CategoryGroup::kSurroundings;
}

MatchScore IncidentMatcher::Score(const ReportFeatures& report,
                                  const IncidentFeatures& incident) const {
  return Score(report, incident,
               DistanceMeters(report.latitude, report.longitude, incident.latitude,
                              incident.longitude));
}

MatchScore IncidentMatcher::Score(const ReportFeatures& report, const IncidentFeatures& incident,
                                  double distance_meters) const {
  return ReportScorer(*this, report).Score(incident, distance_meters);
}

IncidentMatcher::ReportScorer::ReportScorer(const IncidentMatcher& matcher,
                                            const ReportFeatures& report)
    : matcher_(matcher), report_(report) {
  facts_.catch_all = catalog::IsCatchAllCategory(report.category);
  facts_.lasting = matcher.IsLastingSituation(report.category);
}

MatchScore IncidentMatcher::Evaluate(const ReportFeatures& report,
                                     const ReportScorer::Facts& facts,
                                     const IncidentFeatures& incident, double distance_meters,
                                     bool details) const {
  MatchScore s;
  s.distance_meters = distance_meters;
  const double slack = std::clamp(report.accuracy_meters, 0.0, options_.max_accuracy_slack_meters);
  const double effective_distance = std::max(0.0, s.distance_meters - slack);

  if (report.observed < incident.first_observed) {
    s.time_gap = incident.first_observed - report.observed;
  } else if (report.observed > incident.last_observed) {
    s.time_gap = report.observed - incident.last_observed;
  }

  const uint64_t report_kinds = report.event.kinds();
  const uint64_t incident_kinds = incident.event.kinds();
  lexicon::KindMatch kinds = lexicon::MatchKinds(report_kinds, incident_kinds);
  const bool gender_conflict = GenderConflict(report.event, incident.event);
  const bool detail_conflict = DetailConflict(report.event, incident.event);
  // The same coloured object in both ("a grey hoodie", "a blue raincoat"): specific evidence
  // of one event, even far apart and in different words.
  const bool common_detail = (report.event.details & incident.event.details) != 0 &&
                             !detail_conflict && !gender_conflict;
  // It outweighs the lexicon's reading of the two texts as different kinds of event (a
  // shoplifter's flight told as "packets of steak falling from his bag"): read as unknown.
  if (common_detail && kinds.relation == lexicon::KindRelation::kConflict) {
    kinds.relation = lexicon::KindRelation::kUnknown;
  }
  const bool kinds_relate = kinds.relation == lexicon::KindRelation::kCommon ||
                            kinds.relation == lexicon::KindRelation::kViews ||
                            kinds.relation == lexicon::KindRelation::kRelated;
  const absl::Duration window = JoinWindow(report, facts.lasting, incident, kinds);

  const bool has_text = !report.text_vector.empty() &&
                        report.text_vector.size() == incident.text_vector.size();
  // Text and stems count only in the score of an eligible candidate: without `details` they
  // are compared once eligibility is settled.
  auto compare_texts = [&] {
    if (has_text) {
      double dot = 0;
      for (size_t i = 0; i < report.text_vector.size(); ++i) {
        dot += static_cast<double>(report.text_vector[i]) * incident.text_vector[i];
      }
      s.text_similarity = Clamp01(dot);
    }
    s.stem_overlap = lexicon::StemOverlap(report.stems, incident.stems);
  };
  if (details) compare_texts();
  if (effective_distance > options_.radius_meters || s.time_gap > window) return s;
  if (kinds.relation == lexicon::KindRelation::kConflict) {
    s.veto = "event kind";
    return s;
  }
  // Vehicle types are not compared: a text names the vehicles of the scene in passing (cars
  // stopping, scooters riding up), not only the one the event is about.
  for (lexicon::BrandClass c :
       {lexicon::BrandClass::kBike, lexicon::BrandClass::kCar, lexicon::BrandClass::kScooter,
        lexicon::BrandClass::kPhone, lexicon::BrandClass::kDog}) {
    const uint64_t mask = lexicon::BrandMask(c);
    const uint64_t a = report.event.brands & mask, b = incident.event.brands & mask;
    if (a != 0 && b != 0 && (a & b) == 0) {
      s.veto = "brand";
      return s;
    }
  }
  // Beyond the near distance only the same event told apart: kinds that relate as one
  // event and move or are seen from afar (a fight that moved, a thief who ran, smoke); when
  // a text names no kind, a common brand, or a common colour with no gender conflict ("a
  // boy in a red jacket"). Kinds that stay at one spot (a shop, a parked car) do not reach.
  const bool common_brand = (report.event.brands & incident.event.brands) != 0;
  const bool common_colour = (report.event.colours & incident.event.colours) != 0;
  const bool same_event_far =
      (kinds.relation == lexicon::KindRelation::kCommon ||
               kinds.relation == lexicon::KindRelation::kViews
           ? kinds.far
           : common_brand || (common_colour && !gender_conflict)) ||
      common_detail;
  if (effective_distance > options_.near_meters && !same_event_far) {
    s.veto = kinds_relate ? "distance: an event at one spot"
                          : "distance without a common event kind";
    return s;
  }
  s.eligible = true;
  if (!details) compare_texts();

  const ScoreWeights& w = options_.weights;
  const bool category_counts = !facts.catch_all && !catalog::IsCatchAllCategory(incident.category);
  const bool event_counts = report_kinds != 0 || incident_kinds != 0;
  const double text_weight = has_text ? w.text : 0;
  const double category_weight = category_counts ? w.category : 0;
  const double event_weight = event_counts ? w.event : 0;
  const bool stems_count = !report.stems.empty() && !incident.stems.empty();
  const double stem_weight = stems_count ? w.stems : 0;
  const double total =
      w.distance + w.time + w.theme + category_weight + text_weight + event_weight + stem_weight;
  if (total <= 0) return s;
  double weighted =
      w.distance * (1 - effective_distance / options_.radius_meters) +
      w.time * (1 - absl::FDivDuration(s.time_gap, window)) +
      w.theme * (report.theme == incident.theme ? 1 : 0) +
      (category_counts ? category_weight * CategoryAgreement(report.category, incident.category)
                       : 0) +
      text_weight * s.text_similarity + stem_weight * s.stem_overlap +
      event_weight * EventAgreement(kinds.relation);
  double score = weighted / total;
  if (detail_conflict) {
    score -= options_.detail_penalty;
  } else if (report.event.colours != 0 && incident.event.colours != 0 &&
             (report.event.colours & incident.event.colours) == 0) {
    score -= options_.colour_penalty;
  }
  if (gender_conflict) score -= options_.gender_penalty;
  if (AgeConflict(report.event, incident.event)) score -= options_.age_penalty;
  if (common_detail) score += options_.detail_bonus;
  s.score = Clamp01(score);
  return s;
}

std::optional<size_t> IncidentMatcher::Choose(const std::vector<IncidentFeatures>& incidents,
                                              const std::vector<MatchScore>& scores) const {
  std::optional<size_t> best;
  for (size_t i = 0; i < scores.size() && i < incidents.size(); ++i) {
    const MatchScore& s = scores[i];
    if (!s.eligible || s.score < options_.threshold) continue;
    if (!best || s.score > scores[*best].score ||
        (s.score == scores[*best].score && incidents[i].id < incidents[*best].id)) {
      best = i;
    }
  }
  return best;
}

bool IncidentMatcher::Unsure(const std::vector<MatchScore>& scores,
                             std::optional<size_t> chosen) const {
  if (chosen) return *chosen < scores.size() && Unsure(scores[*chosen].score, 0);
  double best_below = -std::numeric_limits<double>::infinity();
  for (const MatchScore& s : scores) {
    if (s.eligible) best_below = std::max(best_below, s.score);
  }
  return Unsure(std::nullopt, best_below);
}

// With no join, `best_below` may be any eligible candidate's best score.
bool IncidentMatcher::Unsure(std::optional<double> joined_score, double best_below) const {
  if (joined_score) return *joined_score < options_.threshold + options_.review_margin;
  return best_below >= options_.threshold - options_.review_margin;
}

double IncidentMatcher::ReachMeters(const ReportFeatures& report) const {
  return options_.radius_meters +
         std::clamp(report.accuracy_meters, 0.0, options_.max_accuracy_slack_meters);
}

std::vector<uint64_t> IncidentMatcher::SearchCells(const ReportFeatures& report) const {
  const S2Cap cap(S2LatLng::FromDegrees(report.latitude, report.longitude).Normalized().ToPoint(),
                  S2Earth::ToAngle(util::units::Meters(ReachMeters(report))));
  S2RegionCoverer::Options coverer_options;
  coverer_options.set_min_level(kIncidentCellLevel);
  coverer_options.set_max_level(kIncidentCellLevel);
  coverer_options.set_max_cells(64);
  S2RegionCoverer coverer(coverer_options);
  std::vector<S2CellId> covering;
  coverer.GetCovering(cap, &covering);
  std::vector<uint64_t> cells;
  cells.reserve(covering.size());
  for (S2CellId id : covering) cells.push_back(id.id());
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  return cells;
}

uint64_t IncidentMatcher::IndexCell(double latitude, double longitude) {
  return S2CellId(S2LatLng::FromDegrees(latitude, longitude).Normalized())
      .parent(kIncidentCellLevel)
      .id();
}

IncidentFeatures OneReportIncident(const ReportFeatures& report, std::string id) {
  IncidentFeatures i;
  i.id = std::move(id);
  i.latitude = report.latitude;
  i.longitude = report.longitude;
  i.first_observed = i.last_observed = report.observed;
  i.theme = report.theme;
  i.category = report.category;
  i.text_vector = report.text_vector;
  i.event = report.event;
  i.stems = report.stems;
  i.report_count = 1;
  return i;
}

double DistanceMeters(double lat1, double lng1, double lat2, double lng2) {
  return S2Earth::ToMeters(
      S2LatLng::FromDegrees(lat1, lng1).GetDistance(S2LatLng::FromDegrees(lat2, lng2)));
}

std::vector<float> CombineVectors(const std::vector<float>& a, int a_weight,
                                  const std::vector<float>& b) {
  if (a.empty() || a_weight <= 0) return b;
  if (b.empty() || b.size() != a.size()) return a;
  std::vector<float> sum(a.size());
  double norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sum[i] = a[i] * static_cast<float>(a_weight) + b[i];
    norm += static_cast<double>(sum[i]) * sum[i];
  }
  if (norm > 0) {
    const float inv = static_cast<float>(1 / std::sqrt(norm));
    for (float& x : sum) x *= inv;
  }
  return sum;
}

}  // namespace wijkwacht::dedup
