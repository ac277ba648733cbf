// PlaceNames: locates a written place ("Koningstraat 12, Beverwijk", "Oosterwijk Heemskerk")
// by the names in the loaded area data alone, without any outside geocoder: a buurt whose
// name the text contains (many Beverwijk buurten carry the name of their main street) is the
// place, and the point is the buurt's centroid with the buurt's radius as its accuracy.
//
//   PlaceNames names(index);
//   absl::StatusOr<NamedPlace> place = names.Locate("Koningstraat 12, 1941 AB Beverwijk");
//   // place->code == "BU03750002", place->latitude/longitude = its centroid
//
// Matching: the text is folded (lower case, Latin accents dropped, punctuation as spaces);
// words with digits (house numbers, postcodes) and a postcode's letters are ignored. A buurt
// matches when its folded name occurs in the text as whole words; a gemeente named in the text
// restricts the buurten to it. When one match lies within another (a longer name that contains
// it), the longer wins. Only buurten whose centroid lies inside the buurt itself are offered.
//
// Streets and house numbers are not looked up: no street data with coordinates ships (see
// data/areas/README.md), so "Breestraat 1, Beverwijk" is NOT_FOUND unless a buurt bears the
// street's name.
//
// Errors (each message says what to send instead, "lat and long"; the caller names its own
// field):
//   NOT_FOUND            no buurt name in the text (or only a gemeente's, or none of the
//                        named gemeente): a street address, a place outside the data
//   FAILED_PRECONDITION  more than one buurt matches (e.g. "Oosterwijk" in Beverwijk and
//                        Heemskerk without a gemeente); the message lists them
//
// Thread safety: immutable after construction; Locate may be called concurrently. The index
// must outlive the PlaceNames.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/geo/area_index.h"

namespace wijkwacht::geo {

struct NamedPlace {
  std::string code;           // the buurt's CBS code
  std::string name;           // its name as the data spells it
  std::string gemeente_name;  // the name of its gemeente ("" when unknown)
  double latitude = 0;        // its centroid
  double longitude = 0;
  double radius_meters = 0;   // Area::radius_meters
};

class PlaceNames {
 public:
  explicit PlaceNames(const AreaIndex& index);

  [[nodiscard]] absl::StatusOr<NamedPlace> Locate(absl::string_view text) const;

  // `text` folded for matching: lower case ASCII, Latin-1 accents dropped, every other
  // character a word break, words joined by one space.
  [[nodiscard]] static std::string Fold(absl::string_view text);

 private:
  struct Entry {
    NamedPlace place;
    std::string folded;         // " name words " (spaces around, for whole-word search)
    std::string gemeente_code;
  };
  std::vector<Entry> buurten_;
  std::vector<Entry> gemeenten_;  // place.code = the gemeente code
};

}  // namespace wijkwacht::geo
