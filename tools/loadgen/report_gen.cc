#include "tools/loadgen/report_gen.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wijkwacht::loadgen {
namespace {

constexpr double kLatSigmaDeg = 0.0009;  // ~100 m north-south
constexpr double kLonSigmaDeg = 0.0013;  // ~90 m east-west at 52.5 N
constexpr double kMaxAgeHours = 29 * 24;  // server default max age is 30 days
constexpr double kMeanAgeHours = 3;

// Optional second sentences, so that equal texts still differ a little.
const std::array<const char*, 8> kSuffixes = {
    "",
    "",
    "",
    " Het is niet de eerste keer deze week.",
    " Ik heb ook 112 gebeld.",
    " Buren hebben het ook gezien.",
    " Graag contact opnemen als er vragen zijn.",
    " Ik woon hier al twintig jaar en het wordt steeds erger.",
};

}  // namespace

std::string UuidV4(std::mt19937_64& rng) {
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10xx
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xffff), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

const std::vector<Anchor>& BeverwijkAnchors() {
  // Centroids of the CBS 2015 buurten of Beverwijk (data/areas/ijmond_buurten_2015_wgs84),
  // a few moved inwards and with less jitter where the buurt touches Heemskerk or Velsen.
  static const std::vector<Anchor> kAnchors = {
      {"Breestraat", 52.4870, 4.6578, 8, 1},
      {"Wijkertoren", 52.4858, 4.6586, 4, 1},
      {"Meerplein", 52.4804, 4.6576, 3, 1},
      {"Koningstraat", 52.4833, 4.6572, 3, 1},
      {"Burgerhartstraat", 52.4881, 4.6575, 2, 1},
      {"Sint Aagtendorp", 52.4862, 4.6548, 2, 1},
      {"Reguliersstraat", 52.4862, 4.6621, 2, 1},
      {"Vondellaan", 52.4812, 4.6475, 2, 0.6},
      {"Ronde Boogaard", 52.4848, 4.6499, 2, 1},
      {"Westerhout", 52.4838, 4.6371, 1, 1},
      {"Oranjebuurt", 52.4879, 4.6648, 2, 1},
      {"Oud Sportpark", 52.4839, 4.6642, 1, 1},
      {"Beijnes", 52.4853, 4.6675, 1, 1},
      {"Plantage", 52.4886, 4.6498, 2, 1},
      {"Oostertuinen", 52.4912, 4.6537, 2, 1},
      {"Kuenenplein", 52.4939, 4.6570, 2, 1},
      {"De Naald", 52.4906, 4.6588, 1, 1},
      {"Warande", 52.4880, 4.6440, 2, 1},
      {"De Horn", 52.4912, 4.6472, 1, 1},
      {"Westertuinen", 52.4960, 4.6520, 1, 0.6},
      {"Creutzberglaan", 52.4940, 4.6378, 1, 1},
      {"Oosterwijk", 52.4932, 4.6735, 1, 0.5},
      {"Zwaansmeer", 52.4889, 4.6705, 1, 1},
      {"Bleriotlaan", 52.4985, 4.6632, 1, 0.5},
      {"Fokkerlaan", 52.4965, 4.6685, 1, 0.5},
      {"Wijkerbaan", 52.4948, 4.6627, 1, 1},
      {"Overbos", 52.4919, 4.6655, 1, 1},
      {"Wijk aan Zee", 52.4925, 4.5983, 1, 1},
      {"Industriegebied Hoogovens", 52.4896, 4.6177, 0.5, 1},
      {"De Pijp", 52.4779, 4.6699, 2, 1},
      {"Kagerweg", 52.4660, 4.6712, 0.5, 1},
      {"Wijkerbroek", 52.4812, 4.6901, 0.5, 1},
  };
  return kAnchors;
}

const std::vector<std::string>& DutchReportTexts() {
  static const std::vector<std::string> kTexts = {
      "Verdachte man loopt al een half uur langs de achterdeuren in de Zeestraat",
      "Hangjongeren met scooters bij het winkelcentrum, ze intimideren voorbijgangers",
      "Winkeldief gesignaleerd in de Breestraat, rende richting station",
      "Wietlucht en dichtgeplakte ramen bij een pand aan de Velsenstraat",
      "Lantaarnpaal kapot bij de Meerstraat",
      "Iemand voelt aan autodeuren op het parkeerterrein bij de Beverwijkse Bazaar",
      "Groep jongeren gooit stenen naar de bushalte op het Stationsplein",
      "Auto rijdt al een paar keer langzaam door de straat, inzittenden kijken in de tuinen. "
      "Grijze Volkswagen Golf, kenteken begint met een G.",
      "Fietsendief bezig bij de stalling van station Beverwijk, knipt sloten door",
      "Vuurwerk afgestoken in het Westerhoutpark, honden en kinderen schrikken",
      "Verwarde vrouw loopt midden op de Alkmaarseweg, lijkt hulp nodig te hebben",
      "Drugsdealen bij de ingang van het Kuenenplein, elke avond rond 22 uur komen er "
      "auto's die kort stoppen en weer wegrijden",
      "Illegaal afval gedumpt naast de ondergrondse containers in de Plantage: matrassen, "
      "een bank en zakken bouwafval",
      "Zakkenroller actief op de markt op het Stationsplein, meerdere mensen hun "
      "portemonnee kwijt",
      "Man valt vrouwen lastig bij de bushalte aan de Plesmanweg, roept ze na",
      "Scooter met twee personen rijdt over de stoep in de Breestraat, bijna een oudere "
      "dame aangereden",
      "Gat in het fietspad langs de Arendsweg, al twee fietsers gevallen",
      "Inbraak gezien: iemand klimt via de schuur naar het balkon aan de achterkant van "
      "een woning in de Warande",
      "Verlaten bestelbus staat al drie weken op dezelfde plek, ruiten ingeslagen",
      "Straatverlichting in het hele Oosterwijk-park doet het niet, erg donker en "
      "onveilig 's avonds",
      "Graffiti en vernielingen aan de speeltuin in de Oostertuinen",
      "Veel overlast van een woning in de Koningstraat: harde muziek, ruzie en steeds "
      "andere bezoekers tot diep in de nacht",
      "Loslopende honden zonder baasje op het strand van Wijk aan Zee bij de Relweg",
      "Iemand heeft een fiets in het water bij de Wijkermeerweg gegooid",
      "Vermoedelijke hennepkwekerij: stroomkastje warm, ramen beslagen en een brommend "
      "geluid uit de zolder van een rijtjeshuis",
      "Café-eigenaar in de Peperstraat wordt bedreigd door een groep die geld eist",
      "Straatroof bij de pinautomaat op het Meerplein, dader op een zwarte fatbike "
      "richting Velsen",
      "Geïntimideerd door jongeren bij de Jumbo, ze blokkeren de ingang en schelden "
      "klanten uit",
      "Brandlucht en rook uit een container achter de winkels aan de Kerkstraat",
      "Onbekende mannen bellen aan bij ouderen in de Creutzberglaan en doen zich voor als "
      "medewerkers van het energiebedrijf. Ze vragen om binnen te mogen komen om de meter "
      "op te nemen en zeggen dat er terugbetaald moet worden. Een buurvrouw van 84 heeft "
      "ze binnengelaten en mist nu haar pinpas. Ik heb de politie al ingelicht maar wil "
      "het ook hier melden zodat de wijkagent en de buurtpreventie weten dat dit speelt.",
      "Kapotte stoeptegels voor de ingang van het gezondheidscentrum in De Pijp",
      "Auto met draaiende motor staat al een uur bij de school in de Vondellaan, bestuurder "
      "maakt foto's van kinderen",
  };
  return kTexts;
}

namespace {

// " words separated by single spaces ": ASCII letters and digits lower-cased, every other
// ASCII byte a separator (UTF-8 bytes are kept). A term matches at the start of a word only
// ("achterdeur" matches "achterdeuren", "straat" does not match "Breestraat").
std::string NormalizeWords(absl::string_view text) {
  std::string out = " ";
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || absl::ascii_isalnum(ch)) {
      out.push_back(absl::ascii_tolower(ch));
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  return out;
}

// " term" (normalized, no trailing space): matches where a word starts with the term.
std::string TermPrefix(absl::string_view term) {
  std::string out = NormalizeWords(term);
  out.pop_back();
  return out;
}

}  // namespace

ReportCorpus::ReportCorpus(const std::vector<v1::Category>& categories) {
  const auto& texts = DutchReportTexts();
  // Normalized match terms per category: search terms plus the longer display-name words.
  std::vector<std::vector<std::string>> terms(categories.size());
  for (size_t c = 0; c < categories.size(); ++c) {
    codes_.push_back(categories[c].code());
    for (const std::string& t : categories[c].search_terms()) {
      if (std::string p = TermPrefix(t); p.size() >= 5) terms[c].push_back(std::move(p));
    }
    for (absl::string_view word : absl::StrSplit(categories[c].display_name(), ' ')) {
      if (std::string p = TermPrefix(word); p.size() >= 7) terms[c].push_back(std::move(p));
    }
  }
  candidates_.resize(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string text = NormalizeWords(texts[i]);
    for (size_t c = 0; c < categories.size(); ++c) {
      if (std::any_of(terms[c].begin(), terms[c].end(),
                      [&](const std::string& t) { return absl::StrContains(text, t); })) {
        candidates_[i].push_back(c);
      }
    }
    if (candidates_[i].empty()) {
      for (size_t c = 0; c < categories.size(); ++c) candidates_[i].push_back(c);
    }
  }
}

ReportGenerator::ReportGenerator(std::shared_ptr<const ReportCorpus> corpus,
                                 uint64_t content_seed, uint64_t id_seed)
    : corpus_(std::move(corpus)) {
  std::seed_seq content{static_cast<uint32_t>(content_seed),
                        static_cast<uint32_t>(content_seed >> 32), 0x77696a6bU};
  std::seed_seq ids{static_cast<uint32_t>(id_seed), static_cast<uint32_t>(id_seed >> 32),
                    0x69647321U};
  rng_.seed(content);
  id_rng_.seed(ids);
  std::vector<double> weights;
  for (const Anchor& a : BeverwijkAnchors()) weights.push_back(a.weight);
  anchor_dist_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
}

void ReportGenerator::Fill(absl::Time now, v1::Report* report) {
  report->Clear();
  report->set_id(UuidV4(id_rng_));

  std::uniform_real_distribution<double> unit(0, 1);
  const double role = unit(rng_);
  report->set_reporter_role(role < 0.80   ? v1::RESIDENT
                            : role < 0.95 ? v1::ENTREPRENEUR
                                          : v1::STAFF);

  // Most reports are sent within hours; a few are weeks old. At least one second old.
  std::exponential_distribution<double> age_hours(1.0 / kMeanAgeHours);
  const double hours = std::min(age_hours(rng_), kMaxAgeHours);
  const absl::Time observed = now - absl::Seconds(1) - absl::Hours(hours);
  const int64_t nanos = absl::ToUnixNanos(observed);
  report->mutable_observed_time()->set_seconds(nanos / 1000000000);
  report->mutable_observed_time()->set_nanos(static_cast<int32_t>(nanos % 1000000000));

  const Anchor& a = BeverwijkAnchors()[anchor_dist_(rng_)];
  std::normal_distribution<double> gauss(0, 1);
  auto clamped = [&] { return std::clamp(gauss(rng_), -2.5, 2.5); };
  report->mutable_location()->set_latitude(a.latitude + clamped() * kLatSigmaDeg * a.jitter_scale);
  report->mutable_location()->set_longitude(a.longitude +
                                            clamped() * kLonSigmaDeg * a.jitter_scale);
  static constexpr std::array<double, 7> kAccuracies = {0, 5, 8, 10, 15, 25, 65};
  report->set_accuracy_meters(kAccuracies[rng_() % kAccuracies.size()]);

  const auto& texts = DutchReportTexts();
  const size_t t = rng_() % texts.size();
  const auto& candidates = corpus_->CandidatesForText(t);
  report->set_category(corpus_->codes()[candidates[rng_() % candidates.size()]]);
  report->set_description(absl::StrCat(texts[t], kSuffixes[rng_() % kSuffixes.size()]));
}

void ReportGenerator::FillSpread(absl::Time now, absl::Duration span, double new_event_share,
                                 v1::Report* report) {
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> gauss(0, 1);
  auto clamped = [&] { return std::clamp(gauss(rng_), -2.5, 2.5); };
  const auto& texts = DutchReportTexts();
  if (!event_.started || unit(rng_) < new_event_share) {
    event_.started = true;
    const Anchor& a = BeverwijkAnchors()[anchor_dist_(rng_)];
    event_.latitude = a.latitude + clamped() * kLatSigmaDeg * a.jitter_scale;
    event_.longitude = a.longitude + clamped() * kLonSigmaDeg * a.jitter_scale;
    // At least an hour old, so that every later report of the event is in the past too.
    event_.observed = now - absl::Hours(1) - (span - absl::Hours(1)) * unit(rng_);
    event_.text = rng_() % texts.size();
    const auto& candidates = corpus_->CandidatesForText(event_.text);
    event_.category = corpus_->codes()[candidates[rng_() % candidates.size()]];
  }
  report->Clear();
  report->set_id(UuidV4(id_rng_));
  report->set_reporter_role(unit(rng_) < 0.85 ? v1::RESIDENT : v1::ENTREPRENEUR);
  const absl::Time observed = event_.observed + absl::Seconds(1800 * unit(rng_));
  const int64_t nanos = absl::ToUnixNanos(std::min(observed, now - absl::Seconds(1)));
  report->mutable_observed_time()->set_seconds(nanos / 1000000000);
  report->mutable_observed_time()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  // ~20 m around the event's place (1e-5 degrees: 1.11 m north, 0.68 m east).
  report->mutable_location()->set_latitude(event_.latitude + clamped() * 20 / 111195.0);
  report->mutable_location()->set_longitude(event_.longitude + clamped() * 20 / 67700.0);
  report->set_accuracy_meters(10);
  report->set_category(event_.category);
  report->set_description(
      absl::StrCat(texts[event_.text], kSuffixes[rng_() % kSuffixes.size()]));
}

void ReportGenerator::FillHotIncident(absl::Time event_start, v1::Report* report) {
  static const std::array<const char*, 4> kTexts = {
      "Winkeldief bij de drogist in de Breestraat, rende weg met een tas vol spullen",
      "Net een man zien stelen bij de drogist Breestraat, grijze jas, richting Meerplein",
      "diefstal drogist breestraat!! man met grijze jas rent weg",
      "Bij de drogist in de Breestraat wordt een winkeldief achtervolgd door het personeel"};
  report->Clear();
  report->set_id(UuidV4(id_rng_));
  report->set_reporter_role(rng_() % 4 == 0 ? v1::ENTREPRENEUR : v1::RESIDENT);
  std::uniform_real_distribution<double> unit(0, 1);
  const absl::Time observed = event_start + absl::Seconds(600 * unit(rng_));
  const int64_t nanos = absl::ToUnixNanos(observed);
  report->mutable_observed_time()->set_seconds(nanos / 1000000000);
  report->mutable_observed_time()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  // Uniform in a disc of 50 m around the spot (1e-5 degrees: 1.11 m north, 0.68 m east).
  const double r = 50 * std::sqrt(unit(rng_));
  const double angle = 2 * M_PI * unit(rng_);
  report->mutable_location()->set_latitude(52.4870 + r * std::cos(angle) / 111195.0);
  report->mutable_location()->set_longitude(4.6578 + r * std::sin(angle) / 67700.0);
  report->set_accuracy_meters(10);
  const size_t t = rng_() % kTexts.size();
  report->set_description(kTexts[t]);
  if (hot_category_.empty()) {
    hot_category_ = corpus_->codes().front();
    for (const std::string& code : corpus_->codes()) {
      if (code == "winkeldiefstal") hot_category_ = code;
    }
  }
  report->set_category(hot_category_);
}

int64_t PercentileNearestRank(const std::vector<int64_t>& sorted, double p) {
  const size_t n = sorted.size();
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  rank = std::clamp<size_t>(rank, 1, n);
  return sorted[rank - 1];
}

LatencySummary Summarize(std::vector<int64_t>& samples) {
  LatencySummary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  s.p50 = PercentileNearestRank(samples, 50);
  s.p90 = PercentileNearestRank(samples, 90);
  s.p99 = PercentileNearestRank(samples, 99);
  s.max = samples.back();
  double sum = 0;
  for (int64_t v : samples) sum += static_cast<double>(v);
  s.mean = sum / static_cast<double>(samples.size());
  return s;
}

bool IsLoopbackTarget(const std::string& target) {
  absl::string_view t = target;
  if (absl::StartsWith(t, "unix:") || absl::StartsWith(t, "unix-abstract:")) return true;
  for (absl::string_view prefix : {"dns:///", "dns:", "ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&t, prefix)) break;
  }
  // Strip the port.
  absl::string_view host;
  if (absl::StartsWith(t, "[")) {
    const size_t close = t.find(']');
    if (close == absl::string_view::npos) return false;
    host = t.substr(1, close - 1);
  } else {
    const size_t colon = t.rfind(':');
    host = colon == absl::string_view::npos ? t : t.substr(0, colon);
  }
  if (absl::EqualsIgnoreCase(host, "localhost") || absl::EqualsIgnoreCase(host, "ip6-localhost") ||
      host == "::1") {
    return true;
  }
  // 127.0.0.0/8, dotted quad only.
  std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view p : parts) {
    if (p.empty() || p.size() > 3 ||
        !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
  }
  return true;
}

}  // namespace wijkwacht::loadgen
