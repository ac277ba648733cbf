#include "domain/dispatch/workflow.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"

namespace wijkwacht::dispatch {
namespace {

bool IsKnown(IncidentStatus status) {
  return status >= IncidentStatus::kNew && status <= IncidentStatus::kClosed;
}

bool IsKnown(Team team) { return team >= Team::kHandhaving && team <= Team::kPublicSpace; }

// "30 days" for whole days, otherwise absl's "12h30m".
std::string DescribeDuration(absl::Duration d) {
  const absl::Duration day = absl::Hours(24);
  if (d % day == absl::ZeroDuration()) {
    const int64_t days = d / day;
    return absl::StrCat(days, days == 1 ? " day" : " days");
  }
  return absl::FormatDuration(d);
}

std::string AllowedTargetNames(IncidentStatus from) {
  std::vector<IncidentStatus> targets = AllowedTargets(from);
  if (targets.empty()) return "none";
  return absl::StrJoin(targets, ", ", [](std::string* out, IncidentStatus status) {
    absl::StrAppend(out, IncidentStatusName(status));
  });
}

}  // namespace

absl::string_view IncidentStatusName(IncidentStatus status) {
  switch (status) {
    case IncidentStatus::kUnspecified:
      return "INCIDENT_STATUS_UNSPECIFIED";
    case IncidentStatus::kNew:
      return "INCIDENT_NEW";
    case IncidentStatus::kTriaged:
      return "INCIDENT_TRIAGED";
    case IncidentStatus::kDispatched:
      return "INCIDENT_DISPATCHED";
    case IncidentStatus::kInProgress:
      return "INCIDENT_IN_PROGRESS";
    case IncidentStatus::kResolved:
      return "INCIDENT_RESOLVED";
    case IncidentStatus::kRejected:
      return "INCIDENT_REJECTED";
    case IncidentStatus::kClosed:
      return "INCIDENT_CLOSED";
  }
  return "INCIDENT_STATUS_UNSPECIFIED";
}

absl::string_view ReportStatusName(ReportStatus status) {
  switch (status) {
    case ReportStatus::kUnspecified:
      return "REPORT_STATUS_UNSPECIFIED";
    case ReportStatus::kReceived:
      return "RECEIVED";
    case ReportStatus::kTriaged:
      return "TRIAGED";
    case ReportStatus::kInProgress:
      return "IN_PROGRESS";
    case ReportStatus::kResolved:
      return "RESOLVED";
    case ReportStatus::kRejected:
      return "REJECTED";
    case ReportStatus::kClosed:
      return "CLOSED";
  }
  return "REPORT_STATUS_UNSPECIFIED";
}

absl::string_view TeamName(Team team) {
  switch (team) {
    case Team::kUnspecified:
      return "TEAM_UNSPECIFIED";
    case Team::kHandhaving:
      return "HANDHAVING";
    case Team::kPoliceLiaison:
      return "POLICE_LIAISON";
    case Team::kPublicSpace:
      return "PUBLIC_SPACE";
  }
  return "TEAM_UNSPECIFIED";
}

absl::string_view TeamDepartment(Team team) {
  switch (team) {
    case Team::kHandhaving:
      return "handhaving";
    case Team::kPoliceLiaison:
      return "politie-liaison";
    case Team::kPublicSpace:
      return "openbare-ruimte";
    case Team::kUnspecified:
      break;
  }
  return "";
}

Team TeamOfDepartment(absl::string_view department_id) {
  for (Team team : {Team::kHandhaving, Team::kPoliceLiaison, Team::kPublicSpace}) {
    if (TeamDepartment(team) == department_id) return team;
  }
  return Team::kUnspecified;
}

const TransitionRule* FindTransition(IncidentStatus from, IncidentStatus to) {
  for (const TransitionRule& rule : kTransitions) {
    if (rule.from == from && rule.to == to) return &rule;
  }
  return nullptr;
}

std::vector<IncidentStatus> AllowedTargets(IncidentStatus from) {
  std::vector<IncidentStatus> targets;
  for (const TransitionRule& rule : kTransitions) {
    if (rule.from == from) targets.push_back(rule.to);
  }
  return targets;
}

absl::Status CheckTransition(IncidentStatus from, IncidentStatus to,
                             const TransitionContext& context) {
  if (!IsKnown(to)) {
    return InvalidFieldError("target_status", absl::StrCat("must be a known incident status (got ",
                                                           static_cast<int>(to), ")"));
  }
  if (!IsKnown(from)) {
    return absl::InternalError(
        absl::StrCat("incident has no valid status (", static_cast<int>(from), ")"));
  }
  const absl::string_view from_name = IncidentStatusName(from);
  const absl::string_view to_name = IncidentStatusName(to);
  const TransitionRule* rule = FindTransition(from, to);
  if (rule == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("cannot go from ", from_name, " to ", to_name,
                                                      "; allowed: ", AllowedTargetNames(from)));
  }
  if (rule->needs_team && !IsKnown(context.assigned_team) && !context.assigned_to_department) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot go from ", from_name, " to ", to_name, ": assign a team first"));
  }
  if (rule->needs_reopen_window) {
    if (!context.closed_time.has_value() || !context.now.has_value()) {
      return absl::InternalError(
          absl::StrCat("leaving ", from_name, " needs the close time and the current time"));
    }
    const absl::Duration since_close =
        std::max(*context.now - *context.closed_time, absl::ZeroDuration());
    if (since_close > context.reopen_window) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot go from ", from_name, " to ", to_name, ": closed at ",
          absl::FormatTime("%Y-%m-%d %H:%M UTC", *context.closed_time, absl::UTCTimeZone()),
          "; an incident can only be reopened within ", DescribeDuration(context.reopen_window),
          " of closing"));
    }
  }
  if (rule->needs_comment && absl::StripAsciiWhitespace(context.comment).empty()) {
    return InvalidFieldError("comment",
                             absl::StrCat("required to go from ", from_name, " to ", to_name));
  }
  return absl::OkStatus();
}

ReportStatus ReportStatusFor(IncidentStatus status) {
  switch (status) {
    case IncidentStatus::kNew:
      return ReportStatus::kReceived;
    case IncidentStatus::kTriaged:
    case IncidentStatus::kDispatched:
      return ReportStatus::kTriaged;
    case IncidentStatus::kInProgress:
      return ReportStatus::kInProgress;
    case IncidentStatus::kResolved:
      return ReportStatus::kResolved;
    case IncidentStatus::kRejected:
      return ReportStatus::kRejected;
    case IncidentStatus::kClosed:
      return ReportStatus::kClosed;
    case IncidentStatus::kUnspecified:
      break;
  }
  return ReportStatus::kUnspecified;
}

bool IsOpen(IncidentStatus status) {
  return status == IncidentStatus::kNew || status == IncidentStatus::kTriaged ||
         status == IncidentStatus::kDispatched || status == IncidentStatus::kInProgress;
}

int Priority(catalog::Theme theme, int report_count, bool needs_review, bool early_warning,
             absl::Duration age) {
  int priority = 2;
  switch (theme) {
    case catalog::Theme::kPhysicalBusiness:
    case catalog::Theme::kSubversion:
      priority = 3;
      break;
    case catalog::Theme::kOther:
      priority = 1;
      break;
    case catalog::Theme::kLiveability:
    case catalog::Theme::kYouth:
    case catalog::Theme::kUnspecified:
      break;
  }
  if (report_count >= kSeveralReports) ++priority;
  if (report_count >= kManyReports) ++priority;
  if (early_warning) ++priority;
  if (age > kStaleAge) ++priority;
  if (needs_review) priority = std::max(priority, 2);
  return std::clamp(priority, 1, 5);
}

}  // namespace wijkwacht::dispatch
