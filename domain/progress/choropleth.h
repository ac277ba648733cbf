// Internal to wijkwacht_progress: a small choropleth map of areas as an inline SVG.
//
// Projection: equirectangular, x = lng * cos(lat0), y = -lat, with lat0 the middle latitude
// of all outlines, scaled to fit a 500 x 500 box (north up; fine at city scale, not for
// large regions). Each area is filled by its class; classes are "0", "<k" (public version,
// hatched), then up to four equal-width classes with nice bounds from k (or 1) to the largest
// value. A lower-bound value ("≥N") is classed by its bound. Each area gets a number in a
// circle at the centroid of its largest ring (which may fall outside a strongly concave
// area); names would overlap in a dense centre, so the legend keys the numbers to names and
// values. Overlays (focus areas) are drawn as dashed outlines on top. Every area path has a
// <title> (name and value) for screen readers and hover. The legend is inside the SVG.
//
// Thread safety: all functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/progress/figures.h"
#include "domain/progress/progress_report.h"

namespace wijkwacht::progress::internal {

struct MapArea {
  std::string name;
  const std::vector<Ring>* outline = nullptr;  // not owned; areas without rings are skipped
  ShownCount value;
};

struct MapOverlay {
  std::string name;
  const std::vector<Ring>* outline = nullptr;  // not owned
};

struct ChoroplethMap {
  std::string id;             // unique in the page, [a-z0-9-]
  std::string title;          // accessible name
  std::string value_caption;  // legend heading, e.g. "Incidenten 2026-H1"
  std::vector<MapArea> areas;
  std::vector<MapOverlay> overlays;
};

struct MapClass {
  enum class Kind { kZero, kSuppressed, kRange } kind = Kind::kRange;
  int64_t low = 0;  // kRange: inclusive bounds
  int64_t high = 0;
  std::string color;
  std::string label;  // "0", "<5", "5–9", "10"
};

// The classes for values up to `largest` (an exact value or lower bound), in legend order.
[[nodiscard]] std::vector<MapClass> MapClasses(int64_t largest, const Disclosure& disclosure);

// The map, or "" if no area has an outline.
[[nodiscard]] std::string ChoroplethSvg(const ChoroplethMap& map, const Disclosure& disclosure);

}  // namespace wijkwacht::progress::internal
