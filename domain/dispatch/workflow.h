// The dispatch desk's incident workflow: which status changes are allowed (one table,
// kTransitions), what the reporter sees for each incident status, which incidents still
// gather reports, and the queue priority. Pure domain code (no gRPC, no storage).
//
// The enums mirror wijkwacht.v1 (proto/wijkwacht/v1/common.proto, dispatch.proto) with the
// same numeric values, so conversions are a static_cast; names are the proto value names.
//
//   absl::Status s = CheckTransition(incident.status, request.target_status,
//                                    {.comment = request.comment,
//                                     .assigned_team = incident.team,
//                                     .closed_time = incident.closed_time,
//                                     .now = clock->Now()});
//
// CheckTransition errors, checked in this order:
//   INVALID_ARGUMENT "target_status: ..."  `to` is not a known status (incl. UNSPECIFIED).
//   INTERNAL                               `from` is not a known status, or leaving
//                                          INCIDENT_CLOSED without closed_time / now (a bug
//                                          or corrupt stored state, not the client's fault).
//   FAILED_PRECONDITION                    `from` -> `to` is not in kTransitions; the message
//                                          lists the allowed targets ("cannot go from
//                                          INCIDENT_NEW to INCIDENT_RESOLVED; allowed:
//                                          INCIDENT_TRIAGED, INCIDENT_REJECTED"). Also: no team
//                                          assigned for DISPATCHED, or the reopen window of a
//                                          closed incident has passed.
//   INVALID_ARGUMENT "comment: ..."        the transition needs a comment and got a blank one.
//
// Thread safety: all functions are pure.
#pragma once

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/catalog/theme.h"

namespace wijkwacht::dispatch {

// wijkwacht.v1.IncidentStatus.
enum class IncidentStatus {
  kUnspecified = 0,
  kNew = 1,
  kTriaged = 2,
  kDispatched = 3,
  kInProgress = 4,
  kResolved = 5,
  kRejected = 6,
  kClosed = 7,
};

// wijkwacht.v1.ReportStatus: what a reporter sees of the incident their report belongs to.
enum class ReportStatus {
  kUnspecified = 0,
  kReceived = 1,
  kTriaged = 2,
  kInProgress = 3,
  kResolved = 4,
  kRejected = 5,
  kClosed = 6,
};

// wijkwacht.v1.Team.
enum class Team {
  kUnspecified = 0,
  kHandhaving = 1,
  kPoliceLiaison = 2,
  kPublicSpace = 3,
};

// Proto value names ("INCIDENT_NEW", "RECEIVED", "HANDHAVING", ...). A value outside the
// enum gives the UNSPECIFIED name.
[[nodiscard]] absl::string_view IncidentStatusName(IncidentStatus status);
[[nodiscard]] absl::string_view ReportStatusName(ReportStatus status);
[[nodiscard]] absl::string_view TeamName(Team team);
// The department a (deprecated) Team stands for: its id ("handhaving", "politie-liaison",
// "openbare-ruimte"; "" for kUnspecified), and back (kUnspecified for any other department).
[[nodiscard]] absl::string_view TeamDepartment(Team team);
[[nodiscard]] Team TeamOfDepartment(absl::string_view department_id);

// One allowed status change and what it requires.
struct TransitionRule {
  IncidentStatus from;
  IncidentStatus to;
  bool needs_comment;        // TransitionContext::comment must not be blank (reject, reopen)
  bool needs_team;           // TransitionContext::assigned_team must be a known team
  bool needs_reopen_window;  // only within TransitionContext::reopen_window after closing
};

// The workflow. Every status change not listed here is refused.
// clang-format off
inline constexpr TransitionRule kTransitions[] = {
    // from                        to                          comment team   window
    {IncidentStatus::kNew,        IncidentStatus::kTriaged,    false, false, false},
    {IncidentStatus::kNew,        IncidentStatus::kRejected,   true,  false, false},
    {IncidentStatus::kTriaged,    IncidentStatus::kDispatched, false, true,  false},
    {IncidentStatus::kTriaged,    IncidentStatus::kInProgress, false, false, false},
    {IncidentStatus::kTriaged,    IncidentStatus::kRejected,   true,  false, false},
    {IncidentStatus::kDispatched, IncidentStatus::kInProgress, false, false, false},
    {IncidentStatus::kDispatched, IncidentStatus::kResolved,   false, false, false},
    {IncidentStatus::kDispatched, IncidentStatus::kTriaged,    false, false, false},  // sent back
    {IncidentStatus::kInProgress, IncidentStatus::kResolved,   false, false, false},
    {IncidentStatus::kInProgress, IncidentStatus::kRejected,   true,  false, false},
    {IncidentStatus::kResolved,   IncidentStatus::kClosed,     false, false, false},
    {IncidentStatus::kResolved,   IncidentStatus::kInProgress, true,  false, false},  // reopen
    {IncidentStatus::kRejected,   IncidentStatus::kClosed,     false, false, false},
    {IncidentStatus::kRejected,   IncidentStatus::kTriaged,    true,  false, false},  // reopen
    {IncidentStatus::kClosed,     IncidentStatus::kTriaged,    true,  false, true},   // reopen
};
// clang-format on

// How long after closing an incident may be reopened, unless the context says otherwise.
inline constexpr absl::Duration kDefaultReopenWindow = absl::Hours(30 * 24);

// What a transition is checked against besides the two statuses.
struct TransitionContext {
  // The dispatcher's comment; "blank" means empty or only ASCII whitespace.
  absl::string_view comment;
  // The incident's current team.
  Team assigned_team = Team::kUnspecified;
  // When the incident was closed and the current time; both required to leave
  // INCIDENT_CLOSED, ignored otherwise.
  std::optional<absl::Time> closed_time;
  std::optional<absl::Time> now;
  absl::Duration reopen_window = kDefaultReopenWindow;
  // The incident is assigned to a department (DirectoryService); counts as a team.
  bool assigned_to_department = false;
};

// The rule for `from` -> `to`, or nullptr if the table has none.
[[nodiscard]] const TransitionRule* FindTransition(IncidentStatus from, IncidentStatus to);

// The statuses `from` may move to, in table order (empty for an unknown status). Does not
// look at the context: a closed incident lists INCIDENT_TRIAGED even after its window.
[[nodiscard]] std::vector<IncidentStatus> AllowedTargets(IncidentStatus from);

// OK if the incident may move from `from` to `to` given `context`; errors in the header
// comment above.
[[nodiscard]] absl::Status CheckTransition(IncidentStatus from, IncidentStatus to,
                                           const TransitionContext& context);

// What the reporters of an incident see: NEW -> RECEIVED; TRIAGED, DISPATCHED -> TRIAGED
// (who handles it is internal); IN_PROGRESS, RESOLVED, REJECTED, CLOSED -> the same name;
// anything else -> kUnspecified.
[[nodiscard]] ReportStatus ReportStatusFor(IncidentStatus status);

// Whether the incident can still gather new reports: NEW, TRIAGED, DISPATCHED, IN_PROGRESS.
// Resolved, rejected and closed incidents do not; a new report starts a new incident.
[[nodiscard]] bool IsOpen(IncidentStatus status);

// Queue priority, 1 (lowest) to 5 (most urgent); the queue shows higher first.
//   base by theme: PHYSICAL_BUSINESS (robbery, ram raids, gas smell, fire hazards) and
//                  SUBVERSION (drug dealing, extortion) 3; LIVEABILITY, YOUTH and
//                  UNSPECIFIED 2; OTHER (pot holes, broken lights) 1
//   +1 with at least kSeveralReports reports, +1 more with at least kManyReports
//   +1 if the incident's area x theme has an early warning (a significant rise)
//   +1 if older than kStaleAge (so nothing waits forever behind newer work)
//   needs_review (the classifier was unsure of the theme): at least 2, since a doubtful
//   OTHER may be anything
// The result is clamped to [1, 5]; a negative report_count or age counts as 0.
inline constexpr int kSeveralReports = 3;
inline constexpr int kManyReports = 10;
inline constexpr absl::Duration kStaleAge = absl::Hours(24);
[[nodiscard]] int Priority(catalog::Theme theme, int report_count, bool needs_review,
                           bool early_warning, absl::Duration age);

}  // namespace wijkwacht::dispatch
