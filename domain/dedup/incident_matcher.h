// IncidentMatcher: decides whether a new report describes the same event as an open incident.
// Pure domain code (no gRPC, no RocksDB); storage/ feeds it candidates read from an index.
//
//   IncidentMatcher matcher(DedupOptions{}, &catalog);
//   for (uint64_t cell : matcher.SearchCells(report)) { ...read open incidents indexed there... }
//   MatchScore s = matcher.Score(report, incident);   // eligible + score in [0, 1]
//   std::optional<size_t> best = matcher.Choose(scores);
//
// Event identity, not theme similarity. Each side carries an EventSignature read from its
// text by the event lexicon (domain/lexicon): the kinds of event (bike theft, pickpocket,
// noise, collision, ...), colours, brands and the genders of the persons described.
//
// A candidate is ELIGIBLE when
//   - its centre lies within `radius_meters` of the report (the report's GPS accuracy counts
//     in its favour, at most `max_accuracy_slack_meters`); beyond `near_meters` only when
//     the texts identify the same event that moves or is seen from afar (their kinds are
//     common or one event told from two sides and include a lexicon::Reach::kMoving kind: a
//     fight that moved, a thief who ran, smoke, fireworks, a party), or, when a text names
//     no kind, a common brand or a common colour without a gender conflict; or when both
//     give one kind of object the same colour (lexicon::EventSignature::details: the same
//     grey hoodie at the till and in the park) without a gender conflict. Kinds that stay
//     at one spot (a shop, a parked car, a house) do not reach beyond `near_meters`, unless
//     a text says the thief ran or rode off with what was taken (lexicon::MatchKinds);
//   - the event kinds do not conflict (lexicon::KindsConflict: both texts name kinds other
//     than what a witness of anything may say, and none is the same or related), unless
//     both give one object the same colour (then the kinds count as unknown);
//   - the objects do not conflict: no brand class in which both name brands, all different
//     (a Batavus is not a Gazelle; vehicle types such as car or scooter are not compared,
//     a text names the vehicles of the scene in passing);
//   - the report's observed time lies within the time window from the incident's [first,
//     last] observed span. When the kinds relate (lexicon::MatchKinds) the window is how long
//     such an event lasts (lexicon::MaxGap: 3 h for a theft or a fight, 10 h for one
//     evening's party or fireworks, days for dumped waste, weeks for a grow house or a
//     dealing spot): the same kind at the same place on another day is a new incident.
//     Otherwise the shorter of the two themes'
//     windows and `unknown_kind_window`, but at least `situation_window` when both
//     categories describe a lasting situation; when one text names no kind, at least the
//     other's kinds' span up to `situation_window` (a pot hole told in words the lexicon
//     does not know).
// An eligible candidate's score is the weighted mean of
//   distance   1 - effective distance / radius
//   time       1 - time gap / window
//   theme      1 if the themes agree
//   category   1 same category; 0.6 same group and theme hint; 0.3 same theme hint; else 0;
//              left out when either category is a catch-all (catalog::IsCatchAllCategory)
//   text       cosine similarity of fastText sentence vectors (negative counts as 0)
//   stems      shared content words (lexicon::StemOverlap); left out when a side has none
//   event      how the kinds relate (lexicon::MatchKinds): 1 a common kind; 0.8 one event
//              told from two sides (the act and what a witness saw of it); 0.25 kinds of one
//              family; 0.5 when one side names none; left out when neither does
// minus `detail_penalty` when both colour one kind of object and none in common (else
// `colour_penalty` when both name colours and none in common), `gender_penalty` when each
// names exactly one gender and they differ and `age_penalty` when both name age bands and
// none in common; plus `detail_bonus` when both give one object the same colour. The
// report joins the best candidate whose
// score reaches `threshold` (ties: the smaller incident id, so the choice never depends on
// candidate order). A decision near the threshold (`review_margin`) is unsure: the incident
// is flagged for the desk's review (Unsure).
//
// Everything depends only on the report and incident data — never on the wall-clock time of
// processing — so replaying the same data gives the same decisions.
//
// Thread safety: a constructed IncidentMatcher is immutable; all methods are const.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/catalog/category_catalog.h"
#include "domain/catalog/theme.h"
#include "domain/lexicon/event_lexicon.h"

namespace wijkwacht::dedup {

// S2 level of the incident index: cells of roughly 550 m across at Beverwijk's latitude,
// so the default search circle touches a handful of them.
inline constexpr int kIncidentCellLevel = 14;

struct ScoreWeights {
  double distance = 0.10;
  double time = 0.10;
  double theme = 0.10;
  double category = 0.20;
  double text = 0.20;
  double event = 0.60;
  double stems = 0.40;
};

struct DedupOptions {
  // Search radius around the report (metres).
  double radius_meters = 350;
  // Beyond this distance (after the GPS slack) a report joins only an incident whose text
  // identifies the same event (see the top of this file).
  double near_meters = 150;
  // GPS accuracy in the report's favour, at most this much (metres).
  double max_accuracy_slack_meters = 100;
  // Time window per theme, indexed by catalog::Theme value (0 = unspecified).
  // Short for a shoplifter on the run, days for a grow house or a broken street light.
  std::array<absl::Duration, 6> time_window = {
      absl::Hours(12),       // THEME_UNSPECIFIED
      absl::Hours(36),       // LIVEABILITY: a night's noise, dumped waste, a break-in found late
      absl::Hours(8),        // YOUTH: one evening of hanging around or a fight
      absl::Hours(24 * 14),  // SUBVERSION: a grow house or dealing spot is reported for weeks
      absl::Hours(6),        // PHYSICAL_BUSINESS: a shoplifter or pickpocket on the run
      absl::Hours(24 * 5),   // OTHER: a broken light or pot hole stays until repaired
  };
  // Lasting situations (both categories in the SURROUNDINGS group: a broken light, a blocked
  // exit, signs of a grow house) are reported for days: their window is at least this (kept
  // below a week, so a weekly nuisance does not merge across weeks).
  absl::Duration situation_window = absl::Hours(24 * 5);
  // Window when the texts name no common event kind (and the situation is not lasting).
  absl::Duration unknown_kind_window = absl::Hours(12);
  // Subtracted from the score when both texts name colours and share none, and when each
  // names exactly one gender and they differ.
  double colour_penalty = 0.20;
  double gender_penalty = 0.40;
  // Subtracted when both texts give a colour of one kind of object (a jacket, trousers, a cap,
  // a bike, a car) and none in common: a red jacket is not a blue one (instead of the colour
  // penalty); and when both name age bands and none in common (a teenager is not an elderly
  // man).
  double detail_penalty = 0.30;
  double age_penalty = 0.30;
  // Added when both texts give one object the same colour ("grijs trainingspak", "grey
  // tracksuit"): specific evidence of one event even far apart and in different words.
  double detail_bonus = 0.25;
  ScoreWeights weights;
  // Minimum score to join an incident (the best on the training writers' pairs in data/dedup,
  // leaving one writer out to check it carries over; never chosen on data/eval).
  double threshold = 0.48;
  // Abstention: a join scoring below threshold + review_margin, or a report that opens an
  // incident while a candidate scored at least threshold - review_margin, is unsure: the
  // incident is flagged needs_review for the desk (which can merge or split), not decided
  // silently.
  double review_margin = 0.05;
  // At most this many candidates are scored per report (a bound on the work of one
  // decision; reached only where hundreds of open incidents crowd one spot).
  int max_candidates = 1000;
};

// Checks ranges (radius > 0, windows > 0, weights >= 0 summing to > 0, threshold in [0, 1]).
// Errors: INVALID_ARGUMENT naming the option.
[[nodiscard]] absl::Status ValidateDedupOptions(const DedupOptions& options);

// Applies "THEME=duration,..." (e.g. "LIVEABILITY=36h,SUBVERSION=336h") to
// options->time_window; themes not named keep their window. Errors: INVALID_ARGUMENT naming
// the bad entry.
[[nodiscard]] absl::Status ParseTimeWindows(absl::string_view spec, DedupOptions* options);
// The inverse: every framework theme's window, "LIVEABILITY=36h,YOUTH=8h,..." (flag defaults).
[[nodiscard]] std::string FormatTimeWindows(const DedupOptions& options);

// What the matcher knows of a report.
struct ReportFeatures {
  double latitude = 0;
  double longitude = 0;
  double accuracy_meters = 0;
  absl::Time observed;
  catalog::Theme theme = catalog::Theme::kUnspecified;
  std::string category;
  std::vector<float> text_vector;  // L2-normalised; empty = no text model
  lexicon::EventSignature event;   // of the description
  std::vector<uint32_t> stems;     // lexicon::ContentStems of the description
};

// What the matcher knows of an open incident.
struct IncidentFeatures {
  std::string id;
  double latitude = 0;  // centre of its reports
  double longitude = 0;
  absl::Time first_observed;
  absl::Time last_observed;
  catalog::Theme theme = catalog::Theme::kUnspecified;
  std::string category;
  std::vector<float> text_vector;  // L2-normalised mean of its reports' vectors
  lexicon::EventSignature event;   // union of its reports' signatures
  std::vector<uint32_t> stems;     // union of its reports' content stems (capped)
  int report_count = 0;
};

struct MatchScore {
  bool eligible = false;
  double score = 0;  // in [0, 1]; 0 when not eligible
  double distance_meters = 0;
  absl::Duration time_gap;  // 0 inside the incident's span
  double text_similarity = 0;
  double stem_overlap = 0;
  // Why an otherwise near candidate is not eligible ("" when eligible or simply too far or
  // too late): "event kind", "brand", "distance: an event at one spot" (the kinds relate
  // but stay at one place), "distance without a common event kind" (nor a common brand or
  // colour).
  absl::string_view veto;
};

class IncidentMatcher {
 public:
  // `catalog` (optional, not owned) relates categories through their theme hint.
  IncidentMatcher(DedupOptions options, const catalog::CategoryCatalog* catalog);

  [[nodiscard]] MatchScore Score(const ReportFeatures& report,
                                 const IncidentFeatures& incident) const;
  // The same, given DistanceMeters between the report and the incident centre (a caller that
  // has just computed it for a bound need not pay the trigonometry twice).
  [[nodiscard]] MatchScore Score(const ReportFeatures& report, const IncidentFeatures& incident,
                                 double distance_meters) const;

  // One report scored against many incidents (a candidate scan): what depends on the report
  // alone (whether its category is a catch-all or a lasting situation) is worked out once.
  // Score gives exactly IncidentMatcher::Score's answer. Decide gives the same eligibility,
  // veto and score, but leaves text_similarity and stem_overlap 0 for a candidate that is
  // not eligible: the many candidates a veto rules out cost no vector or stem comparison.
  // Refers to the matcher and the report, which must outlive it. Immutable.
  class ReportScorer {
   public:
    ReportScorer(const IncidentMatcher& matcher, const ReportFeatures& report);
    [[nodiscard]] MatchScore Score(const IncidentFeatures& incident,
                                   double distance_meters) const {
      return matcher_.Evaluate(report_, facts_, incident, distance_meters, /*details=*/true);
    }
    [[nodiscard]] MatchScore Decide(const IncidentFeatures& incident,
                                    double distance_meters) const {
      return matcher_.Evaluate(report_, facts_, incident, distance_meters, /*details=*/false);
    }

   private:
    friend class IncidentMatcher;
    struct Facts {
      bool catch_all = false;  // catalog::IsCatchAllCategory(report.category)
      bool lasting = false;    // IsLastingSituation(report.category)
    };
    const IncidentMatcher& matcher_;
    const ReportFeatures& report_;
    Facts facts_;
  };

  // Index of the best candidate with an eligible score >= threshold, ties to the smaller id.
  // `scores[i]` belongs to `incidents[i]`.
  [[nodiscard]] std::optional<size_t> Choose(const std::vector<IncidentFeatures>& incidents,
                                             const std::vector<MatchScore>& scores) const;
  // Whether the decision `chosen` (Choose's answer for `scores`) is unsure: a join below
  // threshold + review_margin, or no join while an eligible candidate scored at least
  // threshold - review_margin.
  [[nodiscard]] bool Unsure(const std::vector<MatchScore>& scores,
                            std::optional<size_t> chosen) const;
  // The same decision kept as two numbers while scanning: the joined candidate's score
  // (nullopt: no join) and the best score of an eligible candidate below the threshold.
  [[nodiscard]] bool Unsure(std::optional<double> joined_score, double best_below) const;

  // The kIncidentCellLevel cells (ascending ids) covering every point an eligible incident
  // centre can lie at for this report.
  [[nodiscard]] std::vector<uint64_t> SearchCells(const ReportFeatures& report) const;
  // The incident index cell of a centre.
  [[nodiscard]] static uint64_t IndexCell(double latitude, double longitude);
  // The farthest an eligible incident centre can lie from the report (radius plus the GPS
  // accuracy slack), in metres.
  [[nodiscard]] double ReachMeters(const ReportFeatures& report) const;

  // The longest time window of any theme.
  [[nodiscard]] absl::Duration MaxWindow() const { return max_window_; }
  // The time window of a report and an incident whose kinds relate as `kinds`
  // (lexicon::MatchKinds of the report's and the incident's kinds, after a common detail
  // turned a conflict into kUnknown): Score's eligibility allows a time gap up to it.
  // `report_lasting`: the report's category describes a lasting situation.
  [[nodiscard]] absl::Duration JoinWindow(const ReportFeatures& report, bool report_lasting,
                                          const IncidentFeatures& incident,
                                          const lexicon::KindMatch& kinds) const;
  // The longest JoinWindow this report can have with any incident of `incident_theme`
  // (whatever its kinds and category): how far in time from the report the candidate search
  // reads that theme's incidents. An incident further away in time is never eligible, so
  // the search skips nothing Score would accept (tested in incident_matcher_test).
  [[nodiscard]] absl::Duration SearchWindow(const ReportFeatures& report,
                                            catalog::Theme incident_theme) const;
  [[nodiscard]] absl::Duration WindowFor(catalog::Theme theme) const;
  [[nodiscard]] const DedupOptions& options() const { return options_; }

 private:
  [[nodiscard]] double CategoryAgreement(const std::string& a, const std::string& b) const;
  [[nodiscard]] bool IsLastingSituation(const std::string& category) const;
  // Score's body; `details`: also text_similarity and stem_overlap of a candidate that is not
  // eligible.
  [[nodiscard]] MatchScore Evaluate(const ReportFeatures& report,
                                    const ReportScorer::Facts& facts,
                                    const IncidentFeatures& incident, double distance_meters,
                                    bool details) const;

  DedupOptions options_;
  const catalog::CategoryCatalog* catalog_;
  absl::Duration max_window_;
};

// The incident a single report opens: its place, time, theme, category, text vector, event
// signature and stems (for evaluations and tests that score one report against another).
[[nodiscard]] IncidentFeatures OneReportIncident(const ReportFeatures& report, std::string id);

// Great-circle distance in metres.
[[nodiscard]] double DistanceMeters(double lat1, double lng1, double lat2, double lng2);

// The L2-normalised sum of `a` weighted by `a_weight` and `b` (the incident's mean vector
// after adding a report). Either may be empty.
[[nodiscard]] std::vector<float> CombineVectors(const std::vector<float>& a, int a_weight,
                                                const std::vector<float>& b);

}  // namespace wijkwacht::dedup
