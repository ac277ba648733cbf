#include "domain/progress/choropleth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "domain/progress/svg_util.h"
#include "domain/progress/text_escape.h"

namespace wijkwacht::progress::internal {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMapBox = 500;  // the map fits a kMapBox x kMapBox square
constexpr double kMargin = 10;
constexpr double kLegendLeft = kMargin + kMapBox + 20;
constexpr char kZeroColor[] = "#f2f2f2";
constexpr char kSuppressedColor[] = "#fdd9a8";
// ColorBrewer OrRd, light to dark.
constexpr std::array<const char*, 4> kRangeColors = {"#fdcc8a", "#fc8d59", "#e34a33", "#a50f15"};

struct Point {
  double x = 0;
  double y = 0;
};

// Equirectangular projection fitted to the bounding box of every ring it is given.
class Projection {
 public:
  void Include(const std::vector<Ring>& outline) {
    for (const Ring& ring : outline) {
      for (const LatLng& p : ring) {
        min_lat_ = std::min(min_lat_, p.lat);
        max_lat_ = std::max(max_lat_, p.lat);
        min_lng_ = std::min(min_lng_, p.lng);
        max_lng_ = std::max(max_lng_, p.lng);
      }
    }
  }

  // Call after every Include().
  void Fit() {
    cos_lat0_ = std::cos((min_lat_ + max_lat_) / 2 * kPi / 180);
    double width = std::max((max_lng_ - min_lng_) * cos_lat0_, 1e-9);
    double height = std::max(max_lat_ - min_lat_, 1e-9);
    scale_ = std::min(kMapBox / width, kMapBox / height);
    map_width_ = width * scale_;
    map_height_ = height * scale_;
  }

  Point operator()(const LatLng& p) const {
    return {kMargin + (p.lng - min_lng_) * cos_lat0_ * scale_,
            kMargin + (max_lat_ - p.lat) * scale_};
  }

  double map_width() const { return map_width_; }
  double map_height() const { return map_height_; }

 private:
  double min_lat_ = std::numeric_limits<double>::infinity();
  double max_lat_ = -std::numeric_limits<double>::infinity();
  double min_lng_ = std::numeric_limits<double>::infinity();
  double max_lng_ = -std::numeric_limits<double>::infinity();
  double cos_lat0_ = 1;
  double scale_ = 1;
  double map_width_ = 0;
  double map_height_ = 0;
};

std::string PathData(const std::vector<Ring>& outline, const Projection& project) {
  std::string d;
  for (const Ring& ring : outline) {
    for (size_t i = 0; i < ring.size(); ++i) {
      Point p = project(ring[i]);
      absl::StrAppend(&d, i == 0 ? "M" : "L", Num(p.x), " ", Num(p.y));
    }
    absl::StrAppend(&d, "Z");
  }
  return d;
}

// Signed-area centroid of the projected ring with the largest area (vertex mean if flat).
Point LabelPoint(const std::vector<Ring>& outline, const Projection& project) {
  Point best;
  double best_area = -1;
  for (const Ring& ring : outline) {
    std::vector<Point> points;
    for (const LatLng& p : ring) points.push_back(project(p));
    double twice_area = 0, cx = 0, cy = 0, mean_x = 0, mean_y = 0;
    for (size_t i = 0; i < points.size(); ++i) {
      const Point& a = points[i];
      const Point& b = points[(i + 1) % points.size()];
      double cross = a.x * b.y - b.x * a.y;
      twice_area += cross;
      cx += (a.x + b.x) * cross;
      cy += (a.y + b.y) * cross;
      mean_x += a.x / static_cast<double>(points.size());
      mean_y += a.y / static_cast<double>(points.size());
    }
    double area = std::fabs(twice_area) / 2;
    if (area <= best_area) continue;
    best_area = area;
    best =
        area > 1e-9 ? Point{cx / (3 * twice_area), cy / (3 * twice_area)} : Point{mean_x, mean_y};
  }
  return best;
}

const MapClass& ClassOf(const ShownCount& value, const std::vector<MapClass>& classes) {
  for (const MapClass& c : classes) {
    switch (c.kind) {
      case MapClass::Kind::kZero:
        if (value.exact() && value.value == 0) return c;
        break;
      case MapClass::Kind::kSuppressed:
        if (value.kind == ShownCount::Kind::kSuppressed) return c;
        break;
      case MapClass::Kind::kRange:
        if (value.value >= c.low && value.value <= c.high) return c;
        break;
    }
  }
  return classes.back();  // not reached: the classes cover every shown value
}

std::string Fill(const MapClass& c, absl::string_view hatch_id) {
  return c.kind == MapClass::Kind::kSuppressed ? absl::StrCat("url(#", hatch_id, ")") : c.color;
}

}  // namespace

std::vector<MapClass> MapClasses(int64_t largest, const Disclosure& disclosure) {
  std::vector<MapClass> classes;
  classes.push_back({MapClass::Kind::kZero, 0, 0, kZeroColor, "0"});
  int64_t lowest = 1;
  if (disclosure.is_public() && disclosure.k() > 1) {
    classes.push_back({MapClass::Kind::kSuppressed, 1, disclosure.k() - 1, kSuppressedColor,
                       absl::StrCat("<", disclosure.k())});
    lowest = disclosure.k();
  }
  if (largest < lowest) largest = lowest;
  int64_t step = NiceCeiling(static_cast<double>(largest - lowest + 1) / kRangeColors.size());
  for (size_t i = 0; i < kRangeColors.size(); ++i) {
    int64_t low = lowest + step * static_cast<int64_t>(i);
    if (low > largest) break;
    int64_t high = low + step - 1;
    std::string label = low == high ? FormatInteger(low)
                                    : absl::StrCat(FormatInteger(low), "–", FormatInteger(high));
    classes.push_back({MapClass::Kind::kRange, low, high, kRangeColors[i], label});
  }
  return classes;
}

std::string ChoroplethSvg(const ChoroplethMap& map, const Disclosure& disclosure) {
  Projection project;
  int64_t largest = 0;
  bool any_outline = false;
  for (const MapArea& area : map.areas) {
    if (area.outline == nullptr || area.outline->empty()) continue;
    any_outline = true;
    project.Include(*area.outline);
    largest = std::max(largest, area.value.value);
  }
  if (!any_outline) return "";
  for (const MapOverlay& overlay : map.overlays) {
    if (overlay.outline != nullptr) project.Include(*overlay.outline);
  }
  project.Fit();
  std::vector<MapClass> classes = MapClasses(largest, disclosure);

  size_t drawn_count = 0;
  for (const MapArea& area : map.areas) {
    if (area.outline != nullptr && !area.outline->empty()) ++drawn_count;
  }
  double legend_height =
      kMargin + 26 + 20 * static_cast<double>(classes.size()) +
      (map.overlays.empty() ? 0 : 8 + 14 * static_cast<double>(map.overlays.size())) + 26 +
      14 * static_cast<double>(drawn_count) + 8;
  double height = std::max(project.map_height() + 2 * kMargin, legend_height);
  std::string hatch_id = absl::StrCat(map.id, "-hatch");
  std::string svg =
      absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" id=\"", map.id,
                   "\" viewBox=\"0 0 720 ", Num(height), "\" role=\"img\" aria-labelledby=\"",
                   map.id, "-title\"><title id=\"", map.id, "-title\">", HtmlEscape(map.title),
                   "</title><defs>", HatchPattern(hatch_id, "#e8a25a"), "</defs>");

  for (const MapArea& area : map.areas) {
    if (area.outline == nullptr || area.outline->empty()) continue;
    absl::StrAppend(&svg, "<path fill-rule=\"evenodd\" fill=\"",
                    Fill(ClassOf(area.value, classes), hatch_id),
                    "\" stroke=\"#555555\" stroke-width=\"0.8\" d=\"",
                    PathData(*area.outline, project), "\"><title>", HtmlEscape(area.name), ": ",
                    HtmlEscape(disclosure.Text(area.value)), "</title></path>");
  }
  for (const MapOverlay& overlay : map.overlays) {
    if (overlay.outline == nullptr || overlay.outline->empty()) continue;
    absl::StrAppend(&svg,
                    "<path fill=\"none\" stroke=\"#111111\" stroke-width=\"2\" "
                    "stroke-dasharray=\"5 3\" fill-rule=\"evenodd\" d=\"",
                    PathData(*overlay.outline, project), "\"><title>", HtmlEscape(overlay.name),
                    "</title></path>");
  }
  // Numbered labels; the legend has the key.
  std::vector<const MapArea*> drawn;
  for (const MapArea& area : map.areas) {
    if (area.outline == nullptr || area.outline->empty()) continue;
    drawn.push_back(&area);
    Point at = LabelPoint(*area.outline, project);
    absl::StrAppend(&svg, "<g class=\"maplabel\"><circle cx=\"", Num(at.x), "\" cy=\"", Num(at.y),
                    "\" r=\"7.5\" fill=\"#ffffff\" stroke=\"#333333\" "
                    "stroke-width=\"0.8\"/><text text-anchor=\"middle\" x=\"",
                    Num(at.x), "\" y=\"", Num(at.y + 3.2), "\">", drawn.size(), "</text></g>");
  }

  // Legend.
  double y = kMargin + 14;
  absl::StrAppend(&svg, "<text x=\"", Num(kLegendLeft), "\" y=\"", Num(y),
                  "\" class=\"legendtitle\">", HtmlEscape(map.value_caption), "</text>");
  y += 12;
  for (const MapClass& c : classes) {
    absl::StrAppend(
        &svg, "<rect x=\"", Num(kLegendLeft), "\" y=\"", Num(y),
        "\" width=\"18\" "
        "height=\"14\" stroke=\"#555555\" stroke-width=\"0.8\" fill=\"",
        Fill(c, hatch_id), "\"/><text x=\"", Num(kLegendLeft + 26), "\" y=\"", Num(y + 11),
        "\" class=\"small\">",
        HtmlEscape(c.kind == MapClass::Kind::kSuppressed ? absl::StrCat(c.label, " (onderdrukt)")
                                                         : c.label),
        "</text>");
    y += 20;
  }
  if (!map.overlays.empty()) {
    y += 8;
    absl::StrAppend(&svg, "<line x1=\"", Num(kLegendLeft), "\" y1=\"", Num(y), "\" x2=\"",
                    Num(kLegendLeft + 18), "\" y2=\"", Num(y),
                    "\" stroke=\"#111111\" "
                    "stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text x=\"",
                    Num(kLegendLeft + 26), "\" y=\"", Num(y + 4),
                    "\" class=\"small\">"
                    "Focusgebied:</text>");
    for (const MapOverlay& overlay : map.overlays) {
      y += 14;
      absl::StrAppend(&svg, "<text x=\"", Num(kLegendLeft + 26), "\" y=\"", Num(y + 4),
                      "\" class=\"small\">", HtmlEscape(TruncateUtf8(overlay.name, 30)), "</text>");
    }
  }
  y += 26;
  absl::StrAppend(&svg, "<text x=\"", Num(kLegendLeft), "\" y=\"", Num(y),
                  "\" class=\"legendtitle\">Nummers op de kaart</text>");
  for (size_t i = 0; i < drawn.size(); ++i) {
    y += 14;
    absl::StrAppend(&svg, "<text x=\"", Num(kLegendLeft), "\" y=\"", Num(y), "\" class=\"small\">",
                    i + 1, "</text><text x=\"", Num(kLegendLeft + 18), "\" y=\"", Num(y),
                    "\" class=\"small\">", HtmlEscape(TruncateUtf8(drawn[i]->name, 30)), ": ",
                    HtmlEscape(disclosure.Text(drawn[i]->value)), "</text>");
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

}  // namespace wijkwacht::progress::internal
