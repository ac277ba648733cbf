#include "domain/progress/progress_test_data.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace wijkwacht::progress::testing {
namespace {

using catalog::Theme;

absl::StatusOr<nlohmann::json> ReadJson(const std::string& name) {
  std::string path = absl::StrCat(WIJKWACHT_DATA_DIR, "/areas/", name);
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": not JSON"));
  return json;
}

// Rings of a GeoJSON Polygon or MultiPolygon ([lng, lat] positions).
std::vector<Ring> RingsOf(const nlohmann::json& geometry) {
  std::vector<Ring> rings;
  auto add_polygon = [&](const nlohmann::json& polygon) {
    for (const nlohmann::json& ring : polygon) {
      Ring out;
      for (const nlohmann::json& position : ring) {
        out.push_back({position[1].get<double>(), position[0].get<double>()});
      }
      rings.push_back(std::move(out));
    }
  };
  if (geometry.value("type", "") == "Polygon") add_polygon(geometry["coordinates"]);
  if (geometry.value("type", "") == "MultiPolygon") {
    for (const nlohmann::json& polygon : geometry["coordinates"]) add_polygon(polygon);
  }
  return rings;
}

// A fixed pattern of counts; `scale` keeps some themes small.
PeriodCounts PatternCounts(int area, int theme, int scale) {
  return {(area * 7 + theme * 11 + 3) % 29 / scale, (area * 5 + theme * 13 + 1) % 27 / scale,
          (area * 3 + theme * 17 + 2) % 31 / scale};
}

void FillCounts(AreaCounts& area, int index, int scale) {
  for (size_t t = 0; t < catalog::kFrameworkThemes.size(); ++t) {
    Theme theme = catalog::kFrameworkThemes[t];
    int theme_scale = theme == Theme::kSubversion ? 4 * scale : scale;
    area.by_theme[theme] = PatternCounts(index, static_cast<int>(t), theme_scale);
  }
}

}  // namespace

absl::StatusOr<ProgressReportData> SampleReport(int suppress_below_k) {
  absl::StatusOr<nlohmann::json> wijken = ReadJson("ijmond_wijken_2015_wgs84.geojson");
  if (!wijken.ok()) return wijken.status();
  absl::StatusOr<nlohmann::json> buurten = ReadJson("ijmond_buurten_2015_wgs84.geojson");
  if (!buurten.ok()) return buurten.status();
  absl::StatusOr<nlohmann::json> focus = ReadJson("focus_areas.geojson");
  if (!focus.ok()) return focus.status();

  ProgressReportData data;
  data.period = "2026-H1";
  data.suppress_below_k = suppress_below_k;
  for (const nlohmann::json& feature : (*wijken)["features"]) {
    const nlohmann::json& p = feature["properties"];
    if (p.value("GM_CODE", "") != "GM0375") continue;
    AreaCounts wijk;
    wijk.code = p.value("WK_CODE", "");
    wijk.name = p.value("WK_NAAM", "");
    wijk.outline = RingsOf(feature["geometry"]);
    FillCounts(wijk, static_cast<int>(data.wijken.size()), 1);
    data.wijken.push_back(std::move(wijk));
  }
  if (data.wijken.size() != 10) return absl::InvalidArgumentError("expected 10 Beverwijk wijken");

  AreaCounts drie_straatjes{"FA037501", "De Drie Straatjes", {}, {}};
  for (const nlohmann::json& feature : (*focus)["features"]) {
    if (feature["properties"].value("code", "") == "FA037501") {
      drie_straatjes.outline = RingsOf(feature["geometry"]);
    }
  }
  AreaCounts oosterwijk{"FA037502", "Oosterwijk", {}, {}};
  for (const nlohmann::json& feature : (*buurten)["features"]) {
    if (feature["properties"].value("BU_CODE", "") == "BU03750600") {
      oosterwijk.outline = RingsOf(feature["geometry"]);
    }
  }
  FillCounts(drie_straatjes, 3, 2);
  FillCounts(oosterwijk, 8, 2);
  data.focus_areas = {drie_straatjes, oosterwijk};

  for (size_t t = 0; t < catalog::kFrameworkThemes.size(); ++t) {
    std::vector<int64_t> months;
    for (int m = 0; m < 12; ++m) {
      int64_t base = (m * 3 + static_cast<int>(t) * 7) % 17;
      months.push_back(catalog::kFrameworkThemes[t] == Theme::kSubversion ? base / 3 : base + 6);
    }
    data.monthly_counts[catalog::kFrameworkThemes[t]] = months;
  }

  data.early_warnings = {
      {"WK037506", "Wijk 06 Oosterwijk en Zwaansmeer", Theme::kYouth, absl::CivilDay(2026, 3, 14),
       14, 4.2, "Meer meldingen van intimiderende jongeren op scooters bij het winkelcentrum.",
       "maatregel \"Jongerenwerk op straat\" (loopt); 6 handhavingsacties daarna"},
      {"FA037501", "De Drie Straatjes", Theme::kPhysicalBusiness, absl::CivilDay(2026, 5, 2), 3,
       0.8, "Winkeldiefstallen in de Breestraat boven verwachting.",
       "geen maatregel of handhaving geregistreerd"},
  };
  data.action_plan_title = "Actieplan Veiligheid 2026";
  {
    PriorityProgress first{1, Theme::kLiveability, "De Drie Straatjes", {}};
    MeasureProgress rounds;
    rounds.title = "Extra handhavingsrondes De Drie Straatjes";
    rounds.theme = Theme::kLiveability;
    rounds.areas = "De Drie Straatjes";
    rounds.owner = "Team Handhaving";
    rounds.status = "loopt";
    rounds.start = absl::CivilDay(2026, 2, 1);
    rounds.end = absl::CivilDay(2026, 10, 1);
    rounds.outputs = {{"12 extra rondes op vrijdagavond", 12, 9},
                      {"Gesprekken met ondernemers", 0, -1}};
    rounds.enforcement = {{"waarschuwing(en)", 7}, {"boete(s) / bestuurlijke strafbeschikking(en)", 2}};
    rounds.latest_note = "9 van 12 rondes gelopen; minder overlast gemeld door ondernemers.";
    rounds.has_before_after = true;
    rounds.before_after = {absl::CivilDay(2025, 9, 3), absl::CivilDay(2026, 2, 1),
                           absl::CivilDay(2026, 7, 1), 41, 29, 77, 52, 310, 296};
    first.measures.push_back(rounds);
    PriorityProgress second{2, Theme::kYouth, "", {}};
    MeasureProgress youth;
    youth.title = "Jongerenwerk op straat";
    youth.theme = Theme::kYouth;
    youth.areas = "Wijk 06 Oosterwijk en Zwaansmeer";
    youth.owner = "Welzijn Beverwijk";
    youth.status = "gepland";
    youth.start = absl::CivilDay(2026, 9, 1);
    youth.end = absl::CivilDay(2027, 3, 1);
    second.measures.push_back(youth);
    data.priorities = {first, second};
  }
  data.poll_trend = {{"Flitspeiling najaar 2025", absl::CivilDay(2025, 11, 30), false, 412, 6.8,
                      6.6, 7.0},
                     {"Flitspeiling voorjaar 2026", absl::CivilDay(2026, 5, 31), false, 388, 7.1,
                      6.9, 7.3}};
  data.poll_caveat = "De flitspeiling is een open peiling in de app.";
  data.indicators = {
      {"GM0375", "Beverwijk", "Woninginbraken", "2025", 2.9, "per 1.000 woningen",
       "Politie, data.politie.nl"},
      {"WK037500", "Wijk 00 Centrum", "Voelt zich weleens onveilig in de buurt", "2025", 31.5, "%",
       "Veiligheidsmonitor 2025"},
      {"GM0375", "Beverwijk", "Inwoners", "2025", 42310, "", "CBS Kerncijfers wijken en buurten"},
  };
  data.generated_at = absl::FromCivil(absl::CivilSecond(2026, 7, 3, 9, 30, 0), ReportTimeZone());
  data.data_source_note =
      "Incidenten: meldingen in wijkwacht, ontdubbeld tot incidenten en ingedeeld naar thema. "
      "Kaart: Bron: CBS/Kadaster, Wijk- en buurtkaart 2015 (CC BY 4.0); vereenvoudigd door TNO "
      "(MIT).";
  return data;
}

}  // namespace wijkwacht::progress::testing
