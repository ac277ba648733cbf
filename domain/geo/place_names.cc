#include "domain/geo/place_names.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace wijkwacht::geo {
namespace {

// The base letter of U+00C0..U+00FF (Latin-1 letters), ' ' for the two signs among them.
constexpr absl::string_view kLatin1Base =
    "aaaaaaaceeeeiiiidnooooo ouuuuy s"
    "aaaaaaaceeeeiiiidnooooo ouuuuy y";

bool HasDigit(absl::string_view word) {
  return std::any_of(word.begin(), word.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string PlaceNames::Fold(absl::string_view text) {
  std::string spaced;
  spaced.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (absl::ascii_isalnum(c)) {
      spaced += absl::ascii_tolower(c);
    } else if (c == 0xC3 && i + 1 < text.size()) {
      const unsigned char next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        spaced += kLatin1Base[next - 0x80];
        ++i;
      } else {
        spaced += ' ';
      }
    } else {
      spaced += ' ';
    }
  }
  const std::vector<absl::string_view> words = absl::StrSplit(spaced, ' ', absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

PlaceNames::PlaceNames(const AreaIndex& index) {
  for (const Area& area : index.areas()) {
    if (area.level != AreaLevel::kBuurt && area.level != AreaLevel::kGemeente) continue;
    Entry entry;
    entry.place.code = area.code;
    entry.place.name = area.name;
    entry.place.latitude = area.centroid_lat;
    entry.place.longitude = area.centroid_lon;
    entry.place.radius_meters = area.radius_meters;
    entry.gemeente_code = area.gemeente_code;
    if (const Area* gemeente = index.Find(area.gemeente_code); gemeente != nullptr) {
      entry.place.gemeente_name = gemeente->name;
    }
    const std::string folded = Fold(area.name);
    if (folded.empty() || area.name == area.code) continue;  // no name of its own
    entry.folded = absl::StrCat(" ", folded, " ");
    if (area.level == AreaLevel::kGemeente) {
      gemeenten_.push_back(std::move(entry));
      continue;
    }
    // Offered only when its centroid lies inside it (the point must locate to the buurt named).
    absl::StatusOr<AreaMatch> at = index.Locate(area.centroid_lat, area.centroid_lon);
    if (at.ok() && at->buurt_code == area.code) buurten_.push_back(std::move(entry));
  }
}

absl::StatusOr<NamedPlace> PlaceNames::Locate(absl::string_view text) const {
  // Words with digits (house numbers, postcodes) and a postcode's two letters say nothing here.
  std::vector<std::string> words = absl::StrSplit(Fold(text), ' ', absl::SkipEmpty());
  std::vector<absl::string_view> kept;
  for (size_t i = 0; i < words.size(); ++i) {
    if (HasDigit(words[i])) continue;
    if (words[i].size() == 2 && i > 0 && words[i - 1].size() == 4 &&
        std::all_of(words[i - 1].begin(), words[i - 1].end(),
                    [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
      continue;
    }
    kept.push_back(words[i]);
  }
  const std::string folded = absl::StrCat(" ", absl::StrJoin(kept, " "), " ");

  std::vector<const Entry*> gemeenten;
  for (const Entry& g : gemeenten_) {
    if (absl::StrContains(folded, g.folded)) gemeenten.push_back(&g);
  }
  std::vector<const Entry*> found;
  for (const Entry& b : buurten_) {
    if (!absl::StrContains(folded, b.folded)) continue;
    if (!gemeenten.empty() &&
        std::none_of(gemeenten.begin(), gemeenten.end(),
                     [&](const Entry* g) { return g->place.code == b.gemeente_code; })) {
      continue;
    }
    found.push_back(&b);
  }
  // A name within a longer name that also matched ("Oosterwijk" in "Oosterwijk Zuid") yields.
  std::vector<const Entry*> longest;
  for (const Entry* b : found) {
    const bool inside_other = std::any_of(found.begin(), found.end(), [&](const Entry* other) {
      return other->folded.size() > b->folded.size() && absl::StrContains(other->folded, b->folded);
    });
    if (!inside_other) longest.push_back(b);
  }
  if (longest.size() == 1) return longest.front()->place;
  if (longest.size() > 1) {
    std::vector<std::string> names;
    for (const Entry* b : longest) {
      names.push_back(absl::StrCat(b->place.name, " (", b->place.gemeente_name, ")"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "names more than one buurt: ", absl::StrJoin(names, ", "),
        "; add the gemeente, or send lat and long"));
  }
  if (!gemeenten.empty()) {
    std::vector<std::string> names;
    for (const Entry* g : gemeenten) names.push_back(g->place.name);
    return absl::NotFoundError(absl::StrCat(
        "cannot be located: it names no buurt of ", absl::StrJoin(names, " or "),
        " that this server knows, and this server looks up no streets or house numbers (it "
        "locates a written place only by a buurt's name, often that of its main street); "
        "send lat and long"));
  }
  return absl::NotFoundError(
      "cannot be located: it names no buurt this server knows, and this server looks up no "
      "streets or house numbers; send lat and long (or a buurt's name with its gemeente)");
}

}  // namespace wijkwacht::geo
