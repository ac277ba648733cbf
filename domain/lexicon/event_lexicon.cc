// The lexicon file's reader and its matcher (a character trie walked from every position).
//
// Pattern syntax (data/lexicon/event_lexicon.tsv): lower-case ASCII as NormaliseForModel
// leaves it; a leading '|' anchors the pattern at the start of a word, a trailing '|' at its
// end; inner spaces match one space. "|fiets" matches "fietsendief" but not "bakfiets";
// "|man|" matches only the word "man". Short or ambiguous stems are anchored; compound heads
// ("diefstal") are not.
#include "domain/lexicon/event_lexicon.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wijkwacht::lexicon {
namespace {

using P = Persistence;
using R = Reach;

constexpr EventKindInfo kCueInfo[] = {
    {"bike_theft", P::kInstant, R::kSpot},
    {"vehicle_theft", P::kInstant, R::kMoving},
    {"car_break_in", P::kEvening, R::kSpot},
    {"home_burglary", P::kInstant, R::kSpot},
    {"business_burglary", P::kInstant, R::kSpot},
    {"pickpocket", P::kInstant, R::kMoving},
    {"shoplifting", P::kInstant, R::kSpot},
    {"robbery", P::kInstant, R::kMoving},
    {"fraud", P::kInstant, R::kMoving},
    {"noise", P::kEvening, R::kMoving},
    {"fireworks", P::kEvening, R::kMoving},
    {"collision", P::kInstant, R::kSpot},
    {"speeding", P::kEvening, R::kMoving},
    {"confused_person", P::kInstant, R::kMoving},
    {"drunk", P::kEvening, R::kMoving},
    {"fight", P::kInstant, R::kMoving},
    {"hanging_youth", P::kEvening, R::kMoving},
    {"laughing_gas", P::kEvening, R::kMoving},
    {"vandalism", P::kEvening, R::kMoving},
    {"graffiti", P::kDays, R::kSpot},
    {"arson", P::kInstant, R::kMoving},
    {"dumping", P::kDays, R::kSpot},
    {"drug_dealing", P::kLasting, R::kSpot},
    {"grow_house", P::kLasting, R::kSpot},
    {"drug_waste", P::kDays, R::kSpot},
    {"extortion", P::kLasting, R::kSpot},
    {"front_business", P::kLasting, R::kSpot},
    {"overcrowding", P::kLasting, R::kSpot},
    {"trafficking", P::kLasting, R::kSpot},
    {"bikers", P::kLasting, R::kMoving},
    {"harassment", P::kInstant, R::kMoving},
    {"suspicious_person", P::kInstant, R::kMoving},
    {"suspicious_vehicle", P::kEvening, R::kMoving},
    {"loose_dog", P::kInstant, R::kMoving},
    {"animal", P::kDays, R::kSpot},
    {"pests", P::kLasting, R::kSpot},
    {"street_light", P::kLasting, R::kSpot},
    {"road_damage", P::kLasting, R::kSpot},
    {"tree", P::kLasting, R::kSpot},
    {"traffic_light", P::kLasting, R::kSpot},
    {"gas_smell", P::kInstant, R::kMoving},
    {"fire_hazard", P::kLasting, R::kSpot},
    {"blocked_exit", P::kLasting, R::kSpot},
    {"crowd", P::kEvening, R::kMoving},
    {"staff_aggression", P::kInstant, R::kSpot},
    {"waste", P::kDays, R::kSpot},
    {"question", P::kLasting, R::kSpot},
    {"lost_found", P::kLasting, R::kSpot},
    {"parking", P::kEvening, R::kSpot},
    {"commotion", P::kInstant, R::kSpot},
    {"youth_actor", P::kInstant, R::kSpot},
    {"shop_setting", P::kInstant, R::kSpot},
    {"organised", P::kInstant, R::kSpot},
    {"maintenance", P::kInstant, R::kSpot},
    {"threat", P::kInstant, R::kSpot},
    {"home", P::kInstant, R::kSpot},
    {"vehicle", P::kInstant, R::kSpot},
};
static_assert(sizeof(kCueInfo) / sizeof(kCueInfo[0]) == kNumCues);

enum class Slot : uint8_t { kCue, kColour, kGender, kBrand, kAge, kObject };

// Character trie over the patterns with '|' removed; a node may end several patterns.
struct Node {
  int32_t first_child = -1;
  int32_t next_sibling = -1;
  char c = 0;
  // Terminal patterns ending here: index range into EventLexicon::Impl::terminals.
  int32_t term_begin = 0;
  int32_t term_end = 0;
};
struct Terminal {
  bool anchor_start;
  bool anchor_end;
  Slot slot;
  int value;
};

constexpr absl::string_view kColourNames[kNumColours] = {
    "black", "white", "red", "blue", "green", "yellow", "grey", "brown", "orange", "pink",
    "purple", "silver"};
constexpr absl::string_view kGenderNames[kNumGenders] = {"woman", "man"};
constexpr absl::string_view kAgeNames[kNumAgeBands] = {"child", "youth", "adult", "elderly"};
constexpr absl::string_view kObjectNames[kNumObjectClasses] = {"top", "bottom", "head", "bike",
                                                               "motor_vehicle"};
constexpr absl::string_view kBrandClassNames[] = {"bike", "car", "scooter",
                                                  "phone", "dog", "vehicle_type"};

bool IsPatternChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' '; }

// A pattern is lower-case ASCII letters and digits with single inner spaces, optionally
// anchored with '|' at either end.
bool ValidPattern(absl::string_view p) {
  if (!p.empty() && p.front() == '|') p.remove_prefix(1);
  if (!p.empty() && p.back() == '|') p.remove_suffix(1);
  if (p.empty() || p.front() == ' ' || p.back() == ' ') return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!IsPatternChar(p[i]) || (p[i] == ' ' && p[i + 1] == ' ')) return false;
  }
  return true;
}

// One word as the lexicon reads it: runs of three or more of one letter squeezed to two
// ("heeeel" -> "heel", "kapotttt" -> "kapott"), then its normalisation entry if any.
void AppendWord(absl::string_view word,
                const absl::flat_hash_map<std::string, std::string>& norms, std::string& out,
                std::string& scratch) {
  scratch.clear();
  for (size_t i = 0; i < word.size(); ++i) {
    const size_t n = scratch.size();
    if (n >= 2 && scratch[n - 1] == word[i] && scratch[n - 2] == word[i]) continue;
    scratch.push_back(word[i]);
  }
  if (!out.empty()) out.push_back(' ');
  if (auto it = norms.find(scratch); it != norms.end()) {
    out += it->second;
  } else {
    out += scratch;
  }
}

}  // namespace

struct EventLexicon::Impl {
  std::vector<Node> nodes{Node{}};
  std::vector<Terminal> terminals;
  absl::flat_hash_map<std::string, std::string> norms;
  std::array<uint64_t, 6> brand_masks{};
  std::vector<std::string> brand_names;
  size_t patterns = 0;

  void Add(absl::string_view pattern, Slot slot, int value,
           std::vector<std::vector<Terminal>>& pending) {
    bool start = false, end = false;
    if (pattern.front() == '|') start = true, pattern.remove_prefix(1);
    if (pattern.back() == '|') end = true, pattern.remove_suffix(1);
    int32_t node = 0;
    for (char c : pattern) {
      int32_t child = nodes[node].first_child;
      while (child >= 0 && nodes[child].c != c) child = nodes[child].next_sibling;
      if (child < 0) {
        child = static_cast<int32_t>(nodes.size());
        Node n;
        n.c = c;
        n.next_sibling = nodes[node].first_child;
        nodes.push_back(n);
        nodes[node].first_child = child;
        pending.emplace_back();
      }
      node = child;
    }
    pending[node].push_back({start, end, slot, value});
    ++patterns;
  }
};

EventLexicon::EventLexicon() : impl_(std::make_unique<Impl>()) {}
EventLexicon::~EventLexicon() = default;

absl::StatusOr<std::unique_ptr<const EventLexicon>> EventLexicon::Parse(absl::string_view text,
                                                                      absl::string_view name) {
  auto lexicon = absl::WrapUnique(new EventLexicon());
  Impl& impl = *lexicon->impl_;
  std::vector<std::vector<Terminal>> pending(1);
  absl::flat_hash_map<std::string, int> cue_by_name;
  for (int c = 0; c < kNumCues; ++c) cue_by_name.emplace(std::string(kCueInfo[c].name), c);
  absl::flat_hash_map<std::string, int> brand_by_name;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty() || line.front() == '#') continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("event lexicon ", name, " line ", line_number, ": ", why));
    };
    const std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    if (f.size() != 3) return bad("expected SLOT<TAB>VALUE<TAB>PATTERN");
    const absl::string_view slot = f[0], value = f[1], pattern = f[2];
    if (slot == "norm") {
      std::string to(pattern);
      if (value.empty() || !ValidPattern(value) || value.find(' ') != absl::string_view::npos ||
          absl::StrContains(value, "|") || !ValidPattern(to) || absl::StrContains(to, "|")) {
        return bad("a norm entry maps one plain word to plain words");
      }
      if (!impl.norms.emplace(std::string(value), std::move(to)).second) {
        return bad(absl::StrCat("norm word '", value, "' given twice"));
      }
      continue;
    }
    if (!ValidPattern(pattern)) {
      return bad(absl::StrCat("pattern '", pattern,
                              "' is not lower-case letters and digits with single spaces"));
    }
    if (slot == "kind" || slot == "cue") {
      auto it = cue_by_name.find(value);
      if (it == cue_by_name.end() || IsEventKind(it->second) != (slot == "kind")) {
        return bad(absl::StrCat("'", value, "' is not a ", slot == "kind" ? "kind" : "context cue",
                                " (event_lexicon.h lists them)"));
      }
      impl.Add(pattern, Slot::kCue, it->second, pending);
    } else if (slot == "colour" || slot == "gender" || slot == "age" || slot == "object") {
      const absl::string_view* names = slot == "colour"   ? kColourNames
                                       : slot == "gender" ? kGenderNames
                                       : slot == "age"    ? kAgeNames
                                                          : kObjectNames;
      const int count = slot == "colour"   ? int{kNumColours}
                        : slot == "gender" ? int{kNumGenders}
                        : slot == "age"    ? int{kNumAgeBands}
                                           : int{kNumObjectClasses};
      const int index = static_cast<int>(std::find(names, names + count, value) - names);
      if (index == count) return bad(absl::StrCat("unknown ", slot, " '", value, "'"));
      const Slot s = slot == "colour"   ? Slot::kColour
                     : slot == "gender" ? Slot::kGender
                     : slot == "age"    ? Slot::kAge
                                        : Slot::kObject;
      impl.Add(pattern, s, index, pending);
    } else if (slot == "brand") {
      const std::pair<absl::string_view, absl::string_view> cn = absl::StrSplit(value, ':');
      const auto* cls = std::find(std::begin(kBrandClassNames), std::end(kBrandClassNames), cn.first);
      if (cls == std::end(kBrandClassNames) || cn.second.empty()) {
        return bad(absl::StrCat("brand '", value, "' is not CLASS:NAME with CLASS one of bike, "
                                "car, scooter, phone, dog, vehicle_type"));
      }
      auto [it, added] = brand_by_name.emplace(std::string(value),
                                               static_cast<int>(impl.brand_names.size()));
      if (added) {
        if (impl.brand_names.size() == 64) return bad("more than 64 brands");
        impl.brand_names.emplace_back(value);
        impl.brand_masks[cls - std::begin(kBrandClassNames)] |= uint64_t{1} << it->second;
      }
      impl.Add(pattern, Slot::kBrand, it->second, pending);
    } else {
      return bad(absl::StrCat("unknown slot '", slot, "' (kind, cue, colour, gender, age, object, brand, norm)"));
    }
  }
  if (impl.patterns == 0) {
    return absl::InvalidArgumentError(absl::StrCat("event lexicon ", name, ": no entries"));
  }
  for (size_t n = 0; n < impl.nodes.size(); ++n) {
    impl.nodes[n].term_begin = static_cast<int32_t>(impl.terminals.size());
    for (const Terminal& t : pending[n]) impl.terminals.push_back(t);
    impl.nodes[n].term_end = static_cast<int32_t>(impl.terminals.size());
  }
  return lexicon;
}

absl::StatusOr<std::unique_ptr<const EventLexicon>> EventLexicon::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("event lexicon ", path, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

size_t EventLexicon::patterns() const { return impl_->patterns; }

uint64_t EventLexicon::BrandMask(BrandClass brand_class) const {
  return impl_->brand_masks[static_cast<size_t>(brand_class)];
}

namespace {

// The age bands of an age in years; overlapping at the edges, where a guess of one witness
// and another's may differ ("ca. 20" is a youth to one, an adult to another).
uint32_t AgeBandsOf(int years) {
  auto bit = [](AgeBand b) { return uint32_t{1} << b; };
  if (years <= 11) return bit(kChild);
  if (years <= 13) return bit(kChild) | bit(kYouth);
  if (years <= 17) return bit(kYouth);
  if (years <= 22) return bit(kYouth) | bit(kAdult);
  if (years <= 59) return bit(kAdult);
  if (years <= 69) return bit(kAdult) | bit(kElderly);
  return bit(kElderly);
}

// The age bands `w` names when it is an age in years, given the two words before it and the
// two after it (0 when it is not).
uint32_t AgeOfWord(absl::string_view prev2, absl::string_view prev, absl::string_view w,
                   absl::string_view next, absl::string_view after) {
  // "40ish" is an age by itself.
  const bool ish = absl::EndsWith(w, "ish");
  const absl::string_view digits = ish ? w.substr(0, w.size() - 3) : w;
  if (digits.empty() || digits.size() > 2 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  int years = 0;
  for (char c : digits) years = years * 10 + (c - '0');
  // A person "van 13" ("meisje van 13 14", "jongen van 16"): an age without its unit.
  const bool person_of = prev == "van" &&
                         (prev2 == "meisje" || prev2 == "meisjes" || prev2 == "meid" ||
                          prev2 == "meiden" || prev2 == "jongen" || prev2 == "jongens" ||
                          prev2 == "jochie" || prev2 == "kind" || prev2 == "man" ||
                          prev2 == "vrouw" || prev2 == "gast" || prev2 == "gasten" ||
                          prev2 == "knul" || prev2 == "jongeman" || prev2 == "dame");
  const bool unit = ish || person_of || next == "jaar" || next == "jr" || next == "jarige" ||
                    next == "years" || next == "yrs" || next == "yo" || next == "year" ||
                    prev == "aged" || (prev2 == "jaar" && prev == "of");
  // Not a span of time ("al 3 jaar", "sinds 20 jaar", "10 jaar geleden", "for 5 years").
  const bool span = prev == "al" || prev == "sinds" || prev == "ruim" || prev == "afgelopen" ||
                    prev == "laatste" || prev == "binnen" || prev == "na" || prev == "since" ||
                    prev == "for" || prev == "past" || prev == "over" || after == "geleden" ||
                    after == "ago" || after == "lang" || after == "getrouwd" ||
                    after == "woon" || after == "hier";
  return years >= 4 && unit && !span ? AgeBandsOf(years) : 0;
}

// Ages in years of the persons described: a number followed by "jaar", "jr" or "years"
// ("jongen van 15 jaar", "ca. 45 jr", "16 tot 18 jaar"), after "jaar of" ("een jaar of
// 70") or after a person "van" ("meisje van 13"). Reads the text once, without allocating.
uint32_t AgesInYears(absl::string_view text) {
  uint32_t ages = 0;
  // A window of five words: two before the one considered, and two after it.
  std::array<absl::string_view, 5> w{};
  auto shift = [&](absl::string_view word) {
    for (size_t k = 0; k + 1 < w.size(); ++k) w[k] = w[k + 1];
    w[4] = word;
    if (!w[2].empty()) ages |= AgeOfWord(w[0], w[1], w[2], w[3], w[4]);
  };
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) shift(word);
  shift({});
  shift({});
  return ages;
}

}  // namespace

EventSignature EventLexicon::Read(absl::string_view normalised) const {
  std::string text, scratch;
  text.reserve(normalised.size());
  for (absl::string_view word : absl::StrSplit(normalised, ' ', absl::SkipEmpty())) {
    AppendWord(word, impl_->norms, text, scratch);
  }
  const std::vector<Node>& nodes = impl_->nodes;
  EventSignature s;
  const size_t n = text.size();
  // Colours of the last three words (by word number modulo 4), for the objects they describe.
  std::array<uint32_t, 4> colour_of_word{};
  int word = -1;
  for (size_t i = 0; i < n; ++i) {
    const bool at_word_start = i == 0 || text[i - 1] == ' ';
    if (at_word_start) colour_of_word[++word & 3] = 0;
    int32_t node = 0;
    for (size_t j = i; j < n; ++j) {
      int32_t child = nodes[node].first_child;
      while (child >= 0 && nodes[child].c != text[j]) child = nodes[child].next_sibling;
      if (child < 0) break;
      node = child;
      const Node& hit = nodes[node];
      if (hit.term_begin == hit.term_end) continue;
      const bool at_word_end = j + 1 == n || text[j + 1] == ' ';
      for (int32_t t = hit.term_begin; t < hit.term_end; ++t) {
        const Terminal& term = impl_->terminals[t];
        if ((term.anchor_start && !at_word_start) || (term.anchor_end && !at_word_end)) continue;
        switch (term.slot) {
          case Slot::kCue: s.cues |= uint64_t{1} << term.value; break;
          case Slot::kColour:
            s.colours |= uint32_t{1} << term.value;
            colour_of_word[word & 3] |= uint32_t{1} << term.value;
            break;
          case Slot::kGender: s.genders |= uint32_t{1} << term.value; break;
          case Slot::kBrand: s.brands |= uint64_t{1} << term.value; break;
          case Slot::kAge: s.ages |= uint32_t{1} << term.value; break;
          case Slot::kObject: {
            // The colour words of the two words before this one ("rode jas", "zwarte grote
            // audi"); a colour in the same word is part of a compound ("roodbruin").
            const uint32_t colours =
                (word >= 1 ? colour_of_word[(word - 1) & 3] : 0) |
                (word >= 2 ? colour_of_word[(word - 2) & 3] : 0);
            for (int c = 0; c < kNumColours; ++c) {
              if ((colours >> c) & 1) s.details |= DetailBit(term.value, c);
            }
            break;
          }
        }
      }
    }
  }
  s.ages |= AgesInYears(text);
  return s;
}

namespace {

std::atomic<const EventLexicon*> g_installed{nullptr};

}  // namespace

std::string ShippedLexiconPath() { return WIJKWACHT_SHIPPED_LEXICON; }

absl::Status InstallLexicon(const std::string& path) {
  absl::StatusOr<std::unique_ptr<const EventLexicon>> lexicon = EventLexicon::Load(path);
  if (!lexicon.ok()) return lexicon.status();
  // Kept for the life of the process: a reader of the previous one stays valid.
  g_installed.store(lexicon->release(), std::memory_order_release);
  return absl::OkStatus();
}

const EventLexicon& ActiveLexicon() {
  if (const EventLexicon* l = g_installed.load(std::memory_order_acquire)) return *l;
  static const EventLexicon* shipped = [] {
    auto loaded = EventLexicon::Load(ShippedLexiconPath());
    if (!loaded.ok()) {
      std::fprintf(stderr, "fatal: %s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return loaded->release();
  }();
  return *shipped;
}

namespace {
constexpr uint64_t kKindBits = (uint64_t{1} << (kLastEventKind + 1)) - 1;

void PutWord(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetWord(absl::string_view s, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
  return v;
}

constexpr uint64_t Bits(std::initializer_list<int> cues) {
  uint64_t m = 0;
  for (int c : cues) m |= uint64_t{1} << c;
  return m;
}

constexpr uint64_t kWitnessKinds =
    Bits({kSuspiciousPerson, kSuspiciousVehicle, kSpeeding, kCommotion, kHarassment, kLostFound,
          kAnimal, kCrowd, kParking, kStaffAggression, kQuestion});

// Families of related kinds: two texts naming kinds of one family may describe one event.
constexpr uint64_t kFamilies[] = {
    Bits({kHomeBurglary, kBusinessBurglary, kCarBreakIn, kVehicleTheft}),
    Bits({kShoplifting, kRobbery, kStaffAggression, kFraud, kPickpocket}),
    Bits({kRobbery, kFight, kHarassment}),
    Bits({kFight, kHangingYouth, kDrunk}),
    Bits({kFireHazard, kBlockedExit, kArson, kGasSmell}),
    Bits({kHangingYouth, kLaughingGas, kVandalism, kGraffiti, kFireworks, kDrunk, kNoise}),
    Bits({kDrugDealing, kGrowHouse, kDrugWaste, kExtortion, kFrontBusiness, kOvercrowding,
          kTrafficking, kBikers}),
    Bits({kDumping, kWaste, kDrugWaste}),
    Bits({kCollision, kSpeeding}),
    Bits({kLooseDog, kAnimal, kPests}),
    Bits({kStreetLight, kRoadDamage, kTree, kTrafficLight}),
    Bits({kArson, kVandalism}),
    Bits({kVandalism, kCarBreakIn}),
};

// The kinds of one persistence, and the kinds that move: masks, so that MaxGap and MatchKinds
// test bits instead of looping over the kinds.
constexpr uint64_t KindsOf(Persistence persistence) {
  uint64_t m = 0;
  for (int c = 0; c <= kLastEventKind; ++c) {
    if (kCueInfo[c].persistence == persistence) m |= uint64_t{1} << c;
  }
  return m;
}
constexpr uint64_t kInstantKinds = KindsOf(Persistence::kInstant);
constexpr uint64_t kEveningKinds = KindsOf(Persistence::kEvening);
constexpr uint64_t kDaysKinds = KindsOf(Persistence::kDays);
constexpr uint64_t kLastingKinds = KindsOf(Persistence::kLasting);
constexpr uint64_t kMovingKinds = [] {
  uint64_t m = 0;
  for (int c = 0; c <= kLastEventKind; ++c) {
    if (kCueInfo[c].reach == Reach::kMoving) m |= uint64_t{1} << c;
  }
  return m;
}();

// Thefts whose thief carries off what was taken, and what a witness of the flight says.
constexpr uint64_t kCarriedOff = Bits({kShoplifting, kBikeTheft});
constexpr uint64_t kFlight = Bits({kSuspiciousPerson, kSpeeding});

// One event seen from two sides: what happened (`act`) and what a victim, a witness or a
// passer-by further on tells of it (`seen`, or another act kind): a burglary and someone
// climbing over a fence with a torch; a robbery and a scooter racing off; a fight and a group
// running down the street; a fire and smoke; an overcrowded house and its rubbish.
struct View {
  uint64_t act;
  uint64_t seen;
};
constexpr View kViews[] = {
    {Bits({kHomeBurglary, kBusinessBurglary, kCarBreakIn, kBikeTheft, kVehicleTheft, kShoplifting,
           kRobbery, kPickpocket}),
     Bits({kSuspiciousPerson, kSpeeding})},
    {Bits({kRobbery, kPickpocket}), Bits({kHarassment, kFight})},
    {Bits({kShoplifting, kRobbery}), Bits({kStaffAggression})},
    {Bits({kFight}), Bits({kHangingYouth, kHarassment, kDrunk, kCrowd})},
    {Bits({kArson}), Bits({kFireHazard, kGasSmell, kVandalism, kWaste, kDumping})},
    {Bits({kFireworks}), Bits({kVandalism, kHangingYouth, kNoise})},
    {Bits({kSpeeding}), Bits({kCollision, kHangingYouth, kNoise, kVehicleTheft})},
    {Bits({kNoise}), Bits({kDrunk, kHangingYouth, kCrowd})},
    {Bits({kOvercrowding}), Bits({kWaste, kParking, kFireHazard, kSuspiciousVehicle, kDumping})},
    {Bits({kDrugDealing}), Bits({kSuspiciousVehicle, kHangingYouth, kParking, kSuspiciousPerson})},
    {Bits({kGrowHouse}), Bits({kSuspiciousVehicle, kFireHazard, kSuspiciousPerson, kStreetLight})},
    {Bits({kExtortion}), Bits({kVandalism, kHarassment, kStaffAggression, kBikers, kRobbery,
                              kSuspiciousPerson, kSuspiciousVehicle})},
    {Bits({kFrontBusiness}), Bits({kSuspiciousVehicle, kTrafficking})},
    {Bits({kDumping, kDrugWaste}), Bits({kWaste, kSuspiciousVehicle})},
    {Bits({kBlockedExit}), Bits({kFireHazard})},
};

// Function words and reporting phrases: shared by any two reports, they identify nothing.
constexpr absl::string_view kStopWords[] = {
    "aan", "achter", "al", "alle", "alles", "als", "altijd", "and", "are", "bij", "but", "dan",
    "dat", "de", "deze", "die", "dit", "doe", "doen", "door", "een", "echt", "elk", "elke",
    "en", "er", "for", "from", "gaan", "gaat", "geen", "gewoon", "graag", "had", "has", "have",
    "heb", "hebben", "heeft", "hem", "her", "het", "hier", "him", "his", "hoe", "hun", "iemand",
    "iets", "ik", "in", "into", "is", "its", "jij", "just", "kan", "komt", "kunnen", "kwam",
    "maar", "me", "meer", "melden", "melding", "met", "mijn", "moet", "naar", "net", "niet",
    "niks", "nog", "nou", "now", "nu", "of", "ofzo", "om", "onder", "ons", "onze", "ook", "op",
    "our", "over", "she", "staan", "staat", "that", "the", "their", "there", "they", "this",
    "toe", "tot", "uit", "van", "veel", "via", "voor", "waar", "was", "wat", "way", "we",
    "weer", "wel", "werd", "were", "what", "when", "which", "who", "wie", "wij", "will", "with",
    "word", "wordt", "worden", "you", "your", "zag", "ze", "zeer", "zich", "zien", "zij",
    "zijn", "zo", "zojuist", "zou", "zit", "zitten", "zonder", "zoals"};

bool IsStopWord(absl::string_view word) {
  for (absl::string_view stop : kStopWords) {
    if (word == stop) return true;
  }
  return false;
}

uint32_t Fnv1a(absl::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::vector<uint32_t> ContentStems(absl::string_view normalised) {
  std::vector<uint32_t> stems;
  size_t i = 0;
  while (i < normalised.size()) {
    size_t end = normalised.find(' ', i);
    if (end == absl::string_view::npos) end = normalised.size();
    const absl::string_view word = normalised.substr(i, end - i);
    i = end + 1;
    if (word.size() < 3 || IsStopWord(word)) continue;
    stems.push_back(Fnv1a(word.substr(0, 6)));
  }
  std::sort(stems.begin(), stems.end());
  stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
  if (stems.size() > kMaxReportStems) stems.resize(kMaxReportStems);
  return stems;
}

double StemOverlap(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() || b.empty()) return 0;
  // A merge without branches on the data (random stems mispredict nearly every other step):
  // equal values advance both sides, otherwise the smaller one.
  size_t common = 0;
  const uint32_t* pa = a.data();
  const uint32_t* pb = b.data();
  const uint32_t* const ea = pa + a.size();
  const uint32_t* const eb = pb + b.size();
  while (pa != ea && pb != eb) {
    const uint32_t x = *pa, y = *pb;
    common += x == y;
    pa += x <= y;
    pb += y <= x;
  }
  return static_cast<double>(common) / static_cast<double>(std::min(a.size(), b.size()));
}

std::vector<uint32_t> MergeStems(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                                 size_t cap) {
  std::vector<uint32_t> out;
  out.reserve(std::min(cap, a.size() + b.size()));
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > cap) out.resize(cap);
  return out;
}

uint64_t WitnessKinds() { return kWitnessKinds; }

bool KindsConflict(uint64_t a, uint64_t b) {
  const uint64_t kinds = (uint64_t{1} << (kLastEventKind + 1)) - 1;
  a &= kinds & ~kWitnessKinds;
  b &= kinds & ~kWitnessKinds;
  if (a == 0 || b == 0 || (a & b) != 0) return false;
  for (uint64_t family : kFamilies) {
    if ((a & family) != 0 && (b & family) != 0) return false;
  }
  return true;
}

KindMatch MatchKinds(uint64_t a, uint64_t b) {
  constexpr uint64_t kKinds = (uint64_t{1} << (kLastEventKind + 1)) - 1;
  a &= kKinds;
  b &= kKinds;
  KindMatch m;
  auto far = [](uint64_t kinds) { return (kinds & kMovingKinds) != 0; };
  if (a == 0 || b == 0) {
    m.relation = KindRelation::kUnknown;
    return m;
  }
  // What a witness of anything may say, or a busy place, names no event by itself: a kind
  // in common counts first among the others.
  const uint64_t vague = (uint64_t{1} << kCommotion) | (uint64_t{1} << kCrowd);
  const uint64_t common = a & b & ~vague;
  if ((common & ~kWitnessKinds) != 0) {
    m.relation = KindRelation::kCommon;
    m.max_gap = MaxGap(common);
    // A theft at one spot whose thief was seen running or riding off with what was taken
    // (a shoplifter, a bike thief) takes the event along.
    m.far = far(common) || ((common & kCarriedOff) != 0 && ((a | b) & kFlight) != 0);
    return m;
  }
  // One side names the act, the other what was seen of it. Where the acts conflict (a bike
  // theft and a pickpocket), a witness kind on one side (someone running off) does not
  // join them; a seen kind that is itself an event (rubbish at an overcrowded house) does.
  const bool conflict = KindsConflict(a, b);
  const uint64_t seen_mask = conflict ? ~kWitnessKinds : ~uint64_t{0};
  uint64_t viewed = 0;
  for (const View& v : kViews) {
    const uint64_t seen = v.seen & seen_mask;
    if ((a & v.act) != 0 && (b & seen) != 0) viewed |= (a & v.act) | (b & seen);
    if ((b & v.act) != 0 && (a & seen) != 0) viewed |= (b & v.act) | (a & seen);
  }
  if (viewed != 0) {
    m.relation = KindRelation::kViews;
    m.max_gap = MaxGap(viewed);
    m.far = far(viewed);
    return m;
  }
  // Both tell only what a witness saw (someone running off), and their acts do not conflict.
  if (common != 0 && !conflict) {
    m.relation = KindRelation::kCommon;
    m.max_gap = MaxGap(common);
    m.far = far(common);
    return m;
  }
  if (conflict) {
    m.relation = KindRelation::kConflict;
    return m;
  }
  m.relation = KindRelation::kRelated;
  // Related kinds (a robbery told as aggression at the till): the shorter of their spans.
  m.max_gap = std::min(MaxGap(a), MaxGap(b));
  return m;
}

absl::Duration MaxMatchGap(uint64_t a) {
  constexpr uint64_t kKinds = (uint64_t{1} << (kLastEventKind + 1)) - 1;
  a &= kKinds;
  // kCommon: a subset of `a`; kRelated: at most MaxGap(a); kViews: kinds of `a` and of the
  // other side that the table pairs with them.
  uint64_t reach = a;
  for (const View& v : kViews) {
    if ((a & v.act) != 0) reach |= v.seen;
    if ((a & v.seen) != 0) reach |= v.act;
  }
  return MaxGap(reach & kKinds);
}

const EventKindInfo& CueInfo(int cue) {
  static const EventKindInfo kNone{"none", Persistence::kInstant};
  if (cue < 0 || cue >= kNumCues) return kNone;
  return kCueInfo[cue];
}

bool IsEventKind(int cue) { return cue >= 0 && cue <= kLastEventKind; }

uint64_t EventSignature::kinds() const { return cues & kKindBits; }

void EventSignature::Merge(const EventSignature& other) {
  cues |= other.cues;
  colours |= other.colours;
  genders |= other.genders;
  brands |= other.brands;
  ages |= other.ages;
  details |= other.details;
}

EventSignature ReadSignature(absl::string_view normalised) {
  return ActiveLexicon().Read(normalised);
}

uint64_t BrandMask(BrandClass brand_class) { return ActiveLexicon().BrandMask(brand_class); }

std::string CueTokens(const EventSignature& s) {
  std::string out;
  for (int c = 0; c < kNumCues; ++c) {
    if ((s.cues >> c) & 1) {
      if (!out.empty()) out += ' ';
      absl::StrAppend(&out, "__cue__", kCueInfo[c].name);
    }
  }
  return out;
}

absl::Duration MaxGap(uint64_t kinds) {
  // The longest persistence among the kinds.
  if ((kinds & kLastingKinds) != 0) return absl::Hours(24 * 21);
  if ((kinds & kDaysKinds) != 0) return absl::Hours(24 * 3);
  if ((kinds & kEveningKinds) != 0) return absl::Hours(10);
  if ((kinds & kInstantKinds) != 0) return absl::Hours(3);
  return absl::ZeroDuration();
}

std::string EncodeSignature(const EventSignature& s) {
  std::string out;
  out.reserve(32);
  PutWord(out, s.cues);
  PutWord(out, (uint64_t{s.genders} << 32) | (uint64_t{s.ages & 0xFF} << 16) |
                   (s.colours & 0xFFFF));
  PutWord(out, s.brands);
  PutWord(out, s.details);
  return out;
}

EventSignature DecodeSignature(absl::string_view bytes) {
  EventSignature s;
  if (bytes.size() != 24 && bytes.size() != 32) return s;
  s.cues = GetWord(bytes, 0);
  const uint64_t w = GetWord(bytes, 8);
  s.colours = static_cast<uint32_t>(w & 0xFFFF);
  s.ages = static_cast<uint32_t>((w >> 16) & 0xFF);
  s.genders = static_cast<uint32_t>(w >> 32);
  s.brands = GetWord(bytes, 16);
  if (bytes.size() == 32) s.details = GetWord(bytes, 24);
  return s;
}

}  // namespace wijkwacht::lexicon
