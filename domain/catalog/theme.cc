#include "domain/catalog/theme.h"

namespace wijkwacht::catalog {

absl::string_view ThemeName(Theme theme) {
  switch (theme) {
    case Theme::kUnspecified:
      return "THEME_UNSPECIFIED";
    case Theme::kLiveability:
      return "LIVEABILITY";
    case Theme::kYouth:
      return "YOUTH";
    case Theme::kSubversion:
      return "SUBVERSION";
    case Theme::kPhysicalBusiness:
      return "PHYSICAL_BUSINESS";
    case Theme::kOther:
      return "OTHER";
  }
  return "THEME_UNSPECIFIED";
}

std::optional<Theme> ParseTheme(absl::string_view name) {
  if (name == ThemeName(Theme::kUnspecified)) return Theme::kUnspecified;
  for (Theme theme : kFrameworkThemes) {
    if (name == ThemeName(theme)) return theme;
  }
  return std::nullopt;
}

}  // namespace wijkwacht::catalog
