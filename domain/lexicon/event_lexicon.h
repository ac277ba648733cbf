// Event lexicon: what a report text says happened, read from its words with a curated list of
// Dutch (and some English) stems, loaded from data/lexicon/event_lexicon.tsv (format and
// curation rules: data/lexicon/README.md). One list serves two decisions:
//   - the theme classifier (domain/classify) adds a "__cue__<name>" token per cue found, so
//     "fiets gejat", "rijwiel ontvreemd" and "bike stolen" meet the same feature;
//   - the incident matcher (domain/dedup) compares the EventSignature of two reports: the
//     kind of event (bike theft is not a pickpocket), the objects' attributes (a black
//     Batavus is not a blue Gazelle; a woman is not a man) and how long such an event lasts.
//
//   std::string n = classify::NormaliseForModel(text);     // lower-case ASCII words
//   lexicon::EventSignature s = lexicon::ReadSignature(n);
//
// Input is text as NormaliseForModel leaves it (lower case, accents folded, single spaces).
// Before matching, every run of three or more of one letter is squeezed to two ("heeeel",
// "gejaaaat") and a word listed as a `norm` entry (typos, spelling and slang variants) is
// replaced. Stems match inside compounds ("fietsendief", "autoruit", "wietlucht"): a pattern
// may be anchored at the start or end of a word, or both, so a compound's head ("-diefstal",
// "-brand") and its modifier ("fiets-", "wiet-") are read without a dictionary.
//
// Which lexicon: ReadSignature and BrandMask use the lexicon installed at start
// (InstallLexicon; wijkwachtd --event_lexicon), else the shipped file (ShippedLexiconPath(),
// loaded on first use; a shipped file that cannot be read stops the process, as a build
// without its data would). The theme model is trained with the shipped file: a changed
// lexicon means a retrained model (the build retrains it when the file changes).
//
// Errors: EventLexicon::Parse/Load and InstallLexicon return INVALID_ARGUMENT naming the line
// (or NOT_FOUND for an unreadable file); the readers have none (pure functions on text).
// Thread safety: a loaded EventLexicon is immutable; InstallLexicon is called once at start,
// before any reader runs; everything else is pure and reentrant.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wijkwacht::lexicon {

// How long one occurrence of an event kind lasts, which bounds the time gap between two
// reports of it (EventKindInfo::max_gap).
enum class Persistence : uint8_t {
  kInstant,  // a theft, a fight, a collision: minutes to a few hours
  kEvening,  // a party, hanging youths, fireworks: one evening or night
  kDays,     // dumped waste, graffiti: found and reported over a few days
  kLasting,  // a grow house, a dealing spot, a broken light: weeks until dealt with
};

// Event kinds (bits of EventSignature::kinds) and context cues (other bits of `cues`).
// Kinds take part in the matcher's event identity; context cues only inform the classifier.
enum Cue : uint8_t {
  // --- event kinds ---
  kBikeTheft, kVehicleTheft, kCarBreakIn, kHomeBurglary, kBusinessBurglary, kPickpocket,
  kShoplifting, kRobbery, kFraud, kNoise, kFireworks, kCollision, kSpeeding, kConfusedPerson,
  kDrunk, kFight, kHangingYouth, kLaughingGas, kVandalism, kGraffiti, kArson, kDumping,
  kDrugDealing, kGrowHouse, kDrugWaste, kExtortion, kFrontBusiness, kOvercrowding,
  kTrafficking, kBikers, kHarassment, kSuspiciousPerson, kSuspiciousVehicle, kLooseDog,
  kAnimal, kPests, kStreetLight, kRoadDamage, kTree, kTrafficLight, kGasSmell, kFireHazard,
  kBlockedExit, kCrowd, kStaffAggression, kWaste, kQuestion, kLostFound, kParking,
  kCommotion,  // shouting, a bang, pushing: what a witness of almost anything hears or sees
  kLastEventKind = kCommotion,
  // --- context cues ---
  kYouthActor,     // jongeren, pubers, tieners, kids, teenagers
  kShopSetting,    // winkel, kassa, zaak, klant, caissiere
  kOrganised,      // crimineel, netwerk, contant, witwassen
  kMaintenance,    // kapot, gemeente, repareren, onderhoud
  kThreat,         // bedreigd, dreigen, mes, wapen
  kHome,           // woning, huis, voordeur, schuur
  kVehicle,        // auto, busje, scooter, motor
  kNumCues,
};
static_assert(kNumCues <= 64);

// How far apart two people may stand who tell of one occurrence of an event kind.
enum class Reach : uint8_t {
  kSpot,    // at one place: a shop, a house, a parked car, a grow house, a bike rack
  kMoving,  // moves or is seen and heard from afar: a fight that moves, a thief who runs,
            // smoke, a smell of gas, fireworks, a party, a speeding car, a convoy of bikers,
            // a confused person wandering off
};

struct EventKindInfo {
  absl::string_view name;  // token name, e.g. "bike_theft"
  Persistence persistence = Persistence::kInstant;
  Reach reach = Reach::kSpot;
};

// Name (and persistence for kinds) of every cue, indexed by Cue.
[[nodiscard]] const EventKindInfo& CueInfo(int cue);
[[nodiscard]] bool IsEventKind(int cue);

// Colours, genders and brands mentioned (bit sets).
enum Colour : uint8_t {
  kBlack, kWhite, kRed, kBlue, kGreen, kYellow, kGrey, kBrown, kOrange, kPink, kPurple,
  kSilver, kNumColours
};
enum Gender : uint8_t { kWoman, kMan, kNumGenders };
// Age bands of the persons described (bits of EventSignature::ages): a child, a teenager or
// youngster, an adult, an elderly person.
enum AgeBand : uint8_t { kChild, kYouth, kAdult, kElderly, kNumAgeBands };
// Objects whose colour identifies a person or a vehicle (EventSignature::details): what is
// worn on top (jacket, hoodie, tracksuit), on the legs, on the head (cap, helmet), a bike, a
// motor vehicle (car, scooter, van). A colour word at most two words before an object word
// ("rode jas", "grijs trainingspak", "zwarte grote audi", "red hoodie") is that object's colour.
enum ObjectClass : uint8_t { kTop, kBottom, kHead, kBikeObject, kMotorVehicle, kNumObjectClasses };
static_assert(int{kNumObjectClasses} * int{kNumColours} <= 64);
// The bit of EventSignature::details for an object of `object_class` in `colour`.
[[nodiscard]] constexpr uint64_t DetailBit(int object_class, int colour) {
  return uint64_t{1} << (object_class * kNumColours + colour);
}
// The detail bits of one object class (its twelve colours).
[[nodiscard]] constexpr uint64_t DetailMask(int object_class) {
  return ((uint64_t{1} << kNumColours) - 1) << (object_class * kNumColours);
}
// Brand classes; a brand bit belongs to exactly one class (BrandClass).
// kDog: breeds; kVehicleType: motor, scooter, van, lorry, car (a motorbike is not a van).
enum class BrandClass : uint8_t { kBike, kCar, kScooter, kPhone, kDog, kVehicleType };

struct EventSignature {
  uint64_t cues = 0;     // bit per Cue found
  uint32_t colours = 0;  // bit per Colour
  uint32_t genders = 0;  // bit per Gender
  uint64_t brands = 0;   // bit per brand (see BrandMask)
  uint32_t ages = 0;     // bit per AgeBand
  uint64_t details = 0;  // DetailBit(object class, colour) per coloured object

  [[nodiscard]] uint64_t kinds() const;  // the event-kind bits of `cues`
  [[nodiscard]] bool empty() const {
    return cues == 0 && colours == 0 && genders == 0 && brands == 0 && ages == 0 && details == 0;
  }
  // Bitwise union (an incident's signature is the union of its reports').
  void Merge(const EventSignature& other);
  friend bool operator==(const EventSignature&, const EventSignature&) = default;
};

// The lexicon file, parsed: a trie over its patterns and its normalisation words.
class EventLexicon {
 public:
  // Parses the text of a lexicon file (`name` is for messages). Errors: INVALID_ARGUMENT
  // naming the line (unknown slot, kind, colour or brand class; a pattern that is not
  // lower-case letters and digits; more than 64 brands; a norm word given twice; no entries).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<const EventLexicon>> Parse(
      absl::string_view text, absl::string_view name);
  // Reads and parses a file. Errors: NOT_FOUND if it cannot be read; Parse's.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<const EventLexicon>> Load(
      const std::string& path);
  ~EventLexicon();

  // The signature of a normalised text (see the top of this file).
  [[nodiscard]] EventSignature Read(absl::string_view normalised) const;
  // The brand bits of one class.
  [[nodiscard]] uint64_t BrandMask(BrandClass brand_class) const;
  // Number of patterns (norm entries not counted).
  [[nodiscard]] size_t patterns() const;

 private:
  struct Impl;
  EventLexicon();
  std::unique_ptr<Impl> impl_;
};

// data/lexicon/event_lexicon.tsv of the source tree this was built from.
[[nodiscard]] std::string ShippedLexiconPath();
// Loads `path` and makes it the lexicon of ReadSignature and BrandMask for the rest of the
// process. Call once at start, before any reader. Errors: EventLexicon::Load's.
[[nodiscard]] absl::Status InstallLexicon(const std::string& path);
// The installed lexicon, else the shipped one (see the top of this file).
[[nodiscard]] const EventLexicon& ActiveLexicon();

// Kinds a witness may name for almost any event ("someone ran off", "a car raced away",
// "a noise woke me", "he threatened the cashier"): they never make two texts conflict.
[[nodiscard]] uint64_t WitnessKinds();
// True when both texts name event kinds other than witness kinds and none of one is the
// same as or related to one of the other (related: the same family, e.g. robbery and
// shoplifting and aggression at the till; a blocked exit and a fire hazard; dealing and a
// grow house). Bike theft and a pickpocket, a robbery and a collision, a confused person and
// a drunk one conflict.
[[nodiscard]] bool KindsConflict(uint64_t a, uint64_t b);

// How the event kinds of two texts relate (MatchKinds), strongest first.
enum class KindRelation : uint8_t {
  kCommon,    // a kind in common (shouting or a crowd do not count; a witness kind such as
              // someone running off counts only when the acts do not conflict)
  kViews,     // one event told from two sides: the act and what a witness saw of it
              // (a burglary and someone climbing a fence with a torch; a robbery and a
              // scooter racing off; a fire and smoke; a fight and a group running)
  kRelated,   // kinds of one family, not one event for sure (KindsConflict is false)
  kConflict,  // KindsConflict: two different events
  kUnknown,   // a text names no kind
};
struct KindMatch {
  KindRelation relation = KindRelation::kUnknown;
  // The longest gap between two reports of the occurrence (MaxGap of the kinds that
  // relate; for kRelated the shorter of the two texts' spans); 0 for kConflict, kUnknown.
  absl::Duration max_gap;
  // The kinds that relate include one of Reach::kMoving: the reports may be told a few
  // hundred metres apart.
  bool far = false;
};
// Pure: the relation of two kind sets, with its time window and reach. Table-tested in
// event_lexicon_test.cc.
[[nodiscard]] KindMatch MatchKinds(uint64_t a, uint64_t b);
// The longest max_gap MatchKinds(a, b) gives for any b: MaxGap of `a`'s kinds and of every
// kind the view table pairs with one of them (one event told from two sides takes the
// longer span of the two). What a candidate search must reach back for a text naming `a`.
[[nodiscard]] absl::Duration MaxMatchGap(uint64_t a);

// ActiveLexicon().Read(normalised).
[[nodiscard]] EventSignature ReadSignature(absl::string_view normalised);

// ActiveLexicon().BrandMask(brand_class).
[[nodiscard]] uint64_t BrandMask(BrandClass brand_class);

// "__cue__<name>" for every cue in `s`, space-separated, in Cue order ("" if none).
[[nodiscard]] std::string CueTokens(const EventSignature& s);

// The longest gap between two reports of one occurrence of an event of these kinds (the
// longest over the kinds): 3 h instant, 10 h evening, 3 days, 21 days lasting; 0 for none.
[[nodiscard]] absl::Duration MaxGap(uint64_t kinds);

// Content stems: for shared details between two descriptions of one event ("rode jas",
// "omslagdoek", "grijs konijn met hangoren") that an embedding of the whole text blurs. The
// 32-bit FNV-1a hashes of the first six letters of each word of 3+ letters that is not a
// stop word (Dutch and English function words, reporting phrases), sorted, unique, at most
// kMaxReportStems.
inline constexpr size_t kMaxReportStems = 64;
inline constexpr size_t kMaxIncidentStems = 256;
[[nodiscard]] std::vector<uint32_t> ContentStems(absl::string_view normalised);
// |a ∩ b| / min(|a|, |b|) for sorted unique sets; 0 if either is empty.
[[nodiscard]] double StemOverlap(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);
// The sorted union of two sorted unique sets, keeping the smallest `cap` hashes (an
// incident's stems are the union of its reports').
[[nodiscard]] std::vector<uint32_t> MergeStems(const std::vector<uint32_t>& a,
                                               const std::vector<uint32_t>& b, size_t cap);

// Compact storage form and back: four little-endian 64-bit words, 32 bytes (cues; genders in
// the high half and ages in bits 16..23 and colours in the low bits of the second; brands;
// details). Decode also reads the earlier 24-byte form (no details; ages 0) and gives an
// empty signature for anything else.
[[nodiscard]] std::string EncodeSignature(const EventSignature& s);
[[nodiscard]] EventSignature DecodeSignature(absl::string_view bytes);

}  // namespace wijkwacht::lexicon
