// The themes of Beverwijk's safety framework 2020-2024 ("Integraal Veiligheidsplan"), which
// every report is classified into.
//
// The numeric values equal wijkwacht.v1.Theme in proto/wijkwacht/v1/common.proto, and the
// names equal its enum value names, so conversions are a cast or a string compare.
//
// Thread safety: all functions are pure.
#pragma once

#include <array>
#include <optional>

#include "absl/strings/string_view.h"

namespace wijkwacht::catalog {

enum class Theme {
  kUnspecified = 0,
  // Leefbaarheid en veiligheid in de buurten: burglary, bike theft, vandalism, noise, dumped
  // waste, neighbour disputes, drunk or confused persons, harassment, loose dogs, speeding in
  // residential streets, suspicious persons at houses.
  kLiveability = 1,
  // Jeugd en veiligheid: hangjongeren, intimidating youths on scooters, youth fights, laughing
  // gas or drugs use by youths, fireworks aimed at people, bullying by minors.
  kYouth = 2,
  // Ondermijning: cannabis growing, drug dealing, drug-lab waste, front businesses, illegal
  // prostitution and trafficking, overcrowded migrant housing, outlaw motorcycle clubs,
  // extortion of shopkeepers.
  kSubversion = 3,
  // Fysieke veiligheid en veilig ondernemen: shoplifting, shop robbery, pickpockets, payment
  // fraud, business burglary and ram raids, fire hazards, blocked exits, gas smell, unsafe
  // buildings, dangerous traffic near shops, crowd safety.
  kPhysicalBusiness = 4,
  // Not a safety matter: pot holes, broken lights, lost pets, questions, ...
  kOther = 5,
};

// The five themes a report can be classified into (everything but kUnspecified).
inline constexpr std::array<Theme, 5> kFrameworkThemes = {
    Theme::kLiveability, Theme::kYouth, Theme::kSubversion, Theme::kPhysicalBusiness,
    Theme::kOther};

// "THEME_UNSPECIFIED", "LIVEABILITY", "YOUTH", "SUBVERSION", "PHYSICAL_BUSINESS", "OTHER".
// A value outside the enum gives "THEME_UNSPECIFIED".
[[nodiscard]] absl::string_view ThemeName(Theme theme);

// Inverse of ThemeName: exact, case-sensitive match of one of the names above (including
// "THEME_UNSPECIFIED"); std::nullopt for anything else.
[[nodiscard]] std::optional<Theme> ParseTheme(absl::string_view name);

}  // namespace wijkwacht::catalog
