// How the public safety map shows small counts: the rule every public figure passes through
// (MapService for gRPC, the map page and every export built on it).
//
// Threat: an outsider who can ask any public question — every area level, period, theme and
// heatmap level, as often as they like, and who can add reports of their own from fresh
// devices and from a few devices they let age — tries to learn a count below k (one
// neighbour's report) by subtracting published figures (a gemeente minus its visible wijken,
// a week minus its visible days, an area minus its visible heatmap cells) or by topping a
// withheld cell up to k with their own reports (the "n-1" attack).
//
// The rule, in the way statistical offices publish flexible small-area tables (the cell-key
// method of the Australian Bureau of Statistics' TableBuilder):
//  1. Withheld: a cell whose reports or incidents are in [1, k), or whose DISTINCT established
//     reporters (devices older than a minimum age at submission, and staff; each counted once
//     however many reports it sent) are fewer than k + m, where the margin m (1..3) is drawn
//     by the cell's reporters key (the sum of its distinct reporters' keys). Fresh devices
//     cannot lift a withheld cell, one aged device counts once, and an attacker with k-1 aged
//     devices of their own sees the victim's cell withheld whether the victim is there or not
//     (k-1+1 < k+m). With more aged devices the margin is unknown to them: for a set of
//     attacker devices, publication tells "victim present" for certain with probability at
//     most 1/3, and otherwise shifts the odds by at most a factor 2; extra reports from the
//     same devices do not change the reporters key, so they give no new draw (the budget is
//     the number of aged devices, which registration limits and the minimum age make slow).
//  2. Perturbed: every other figure gets a small deterministic offset (-2..+2, never below
//     k, zero mean for counts of k+2 and more) chosen by the cell key, the sum of the
//     counted records' record keys. The same set of records gets the same offset in every
//     table it appears in, so asking again, or asking the same records through another
//     area, period or cell level, gives nothing to average; different sets get independent
//     offsets, so a difference of published figures is off by the sum of several unknown
//     offsets and does not pin down a count below k.
// Staff (k = 0) see exact counts.
//
// Record keys are 64-bit values derived from a record's id (SHA-256 with a domain label). The
// ids are random (client-made UUIDs) and no public answer names another person's report or
// incident id, so to a caller of the public map the keys of other people's records are
// unknown, and so is every cell key they are part of.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace wijkwacht::privacy {

// The record key of a report or incident id (stable for the id; see above).
[[nodiscard]] uint64_t RecordKey(absl::string_view id);

// The stored counts of one published cell (sums over its days and heatmap cells).
struct CellCounts {
  int64_t incidents = 0;
  int64_t reports = 0;
  uint64_t incident_keys = 0;  // sum (mod 2^64) of the counted incidents' record keys
  uint64_t report_keys = 0;    // the same for reports
  // Distinct established reporters (see rule 1); -1 for figures no outsider can add to
  // (staff-entered records), which have no reporter gate and no margin.
  int64_t distinct_reporters = -1;
  uint64_t reporter_keys = 0;  // sum (mod 2^64) of the counted reporters' keys
};

struct PublishedCounts {
  bool withheld = false;  // counts then 0
  int64_t incidents = 0;
  int64_t reports = 0;
};

// The public figure of `counts` for a caller with threshold `k` (0: exact counts).
[[nodiscard]] PublishedCounts Publish(const CellCounts& counts, int k);

// The offset rule 2 adds to `count` (>= k) for cell key `key`; exposed for tests.
[[nodiscard]] int Perturbation(int64_t count, uint64_t key, int k);

// The margin m of rule 1 for a cell's reporters key: 1, 2 or 3, each for a third of keys.
inline constexpr int kMaxThresholdMargin = 3;
[[nodiscard]] int ThresholdMargin(uint64_t reporter_keys);

}  // namespace wijkwacht::privacy
