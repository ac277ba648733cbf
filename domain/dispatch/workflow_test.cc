#include "domain/dispatch/workflow.h"

#include <set>
#include <utility>

#include "common/status.h"
#include "gtest/gtest.h"

namespace wijkwacht::dispatch {
namespace {

using S = IncidentStatus;
using catalog::Theme;

const absl::Time kNow = absl::FromUnixSeconds(1'717'200'000);  // 2024-06-01 00:00 UTC

// A context that satisfies every requirement, so only the table decides.
TransitionContext Satisfied() {
  return {.comment = "checked on site",
          .assigned_team = Team::kHandhaving,
          .closed_time = kNow - absl::Hours(1),
          .now = kNow};
}

TEST(WorkflowTest, ExactlyTheDocumentedTransitionsAreAllowed) {
  // Written out independently of kTransitions.
  const std::set<std::pair<S, S>> expected = {
      {S::kNew, S::kTriaged},         {S::kNew, S::kRejected},
      {S::kTriaged, S::kDispatched},  {S::kTriaged, S::kInProgress},
      {S::kTriaged, S::kRejected},    {S::kDispatched, S::kInProgress},
      {S::kDispatched, S::kResolved}, {S::kDispatched, S::kTriaged},
      {S::kInProgress, S::kResolved}, {S::kInProgress, S::kRejected},
      {S::kResolved, S::kClosed},     {S::kResolved, S::kInProgress},
      {S::kRejected, S::kClosed},     {S::kRejected, S::kTriaged},
      {S::kClosed, S::kTriaged},
  };
  for (int from = 1; from <= 7; ++from) {
    for (int to = 1; to <= 7; ++to) {
      const S f = static_cast<S>(from), t = static_cast<S>(to);
      absl::Status status = CheckTransition(f, t, Satisfied());
      if (expected.contains({f, t})) {
        EXPECT_TRUE(status.ok()) << IncidentStatusName(f) << " -> " << IncidentStatusName(t) << ": "
                                 << status;
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition)
            << IncidentStatusName(f) << " -> " << IncidentStatusName(t);
      }
    }
  }
}

TEST(WorkflowTest, RefusalNamesTheAllowedTargets) {
  absl::Status status = CheckTransition(S::kNew, S::kResolved, Satisfied());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "cannot go from INCIDENT_NEW to INCIDENT_RESOLVED; allowed: INCIDENT_TRIAGED, "
            "INCIDENT_REJECTED");
  EXPECT_EQ(CheckTransition(S::kClosed, S::kClosed, Satisfied()).message(),
            "cannot go from INCIDENT_CLOSED to INCIDENT_CLOSED; allowed: INCIDENT_TRIAGED");
}

TEST(WorkflowTest, UnknownTargetIsAnInvalidTargetStatus) {
  for (S target : {S::kUnspecified, static_cast<S>(8), static_cast<S>(-1)}) {
    absl::Status status = CheckTransition(S::kNew, target, Satisfied());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    ASSERT_EQ(GetFieldViolations(status).size(), 1u);
    EXPECT_EQ(GetFieldViolations(status)[0].field, "target_status");
  }
}

TEST(WorkflowTest, UnknownCurrentStatusIsInternal) {
  EXPECT_EQ(CheckTransition(S::kUnspecified, S::kTriaged, Satisfied()).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(CheckTransition(static_cast<S>(12), S::kTriaged, Satisfied()).code(),
            absl::StatusCode::kInternal);
}

TEST(WorkflowTest, RejectAndReopenNeedANonBlankComment) {
  const std::pair<S, S> needs_comment[] = {
      {S::kNew, S::kRejected},        {S::kTriaged, S::kRejected}, {S::kInProgress, S::kRejected},
      {S::kResolved, S::kInProgress}, {S::kRejected, S::kTriaged}, {S::kClosed, S::kTriaged}};
  for (auto [from, to] : needs_comment) {
    for (absl::string_view blank : {"", " \t\n"}) {
      TransitionContext context = Satisfied();
      context.comment = blank;
      absl::Status status = CheckTransition(from, to, context);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << IncidentStatusName(from);
      ASSERT_EQ(GetFieldViolations(status).size(), 1u);
      EXPECT_EQ(GetFieldViolations(status)[0].field, "comment");
    }
  }
  TransitionContext no_comment = Satisfied();
  no_comment.comment = "";
  EXPECT_TRUE(CheckTransition(S::kNew, S::kTriaged, no_comment).ok());
  EXPECT_TRUE(CheckTransition(S::kDispatched, S::kTriaged, no_comment).ok());
  EXPECT_TRUE(CheckTransition(S::kResolved, S::kClosed, no_comment).ok());
}

TEST(WorkflowTest, DispatchNeedsAnAssignedTeam) {
  TransitionContext context = Satisfied();
  for (Team team : {Team::kUnspecified, static_cast<Team>(9)}) {
    context.assigned_team = team;
    absl::Status status = CheckTransition(S::kTriaged, S::kDispatched, context);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(status.message(),
              "cannot go from INCIDENT_TRIAGED to INCIDENT_DISPATCHED: assign a team first");
    // Other transitions do not care.
    EXPECT_TRUE(CheckTransition(S::kTriaged, S::kInProgress, context).ok());
  }
  context.assigned_team = Team::kPublicSpace;
  EXPECT_TRUE(CheckTransition(S::kTriaged, S::kDispatched, context).ok());
}

TEST(WorkflowTest, ClosedIncidentReopensOnlyWithinTheWindow) {
  TransitionContext context = Satisfied();
  context.closed_time = kNow - absl::Hours(30 * 24);
  EXPECT_TRUE(CheckTransition(S::kClosed, S::kTriaged, context).ok());  // window is inclusive

  context.closed_time = kNow - absl::Hours(30 * 24) - absl::Seconds(1);
  absl::Status status = CheckTransition(S::kClosed, S::kTriaged, context);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "cannot go from INCIDENT_CLOSED to INCIDENT_TRIAGED: closed at 2024-05-01 23:59 "
            "UTC; an incident can only be reopened within 30 days of closing");

  // The window outranks a missing comment: no point asking for one.
  context.comment = "";
  EXPECT_EQ(CheckTransition(S::kClosed, S::kTriaged, context).code(),
            absl::StatusCode::kFailedPrecondition);

  context = Satisfied();
  context.reopen_window = absl::Hours(36);
  context.closed_time = kNow - absl::Hours(37);
  EXPECT_EQ(CheckTransition(S::kClosed, S::kTriaged, context).message(),
            "cannot go from INCIDENT_CLOSED to INCIDENT_TRIAGED: closed at 2024-05-30 11:00 "
            "UTC; an incident can only be reopened within 36h of closing");

  // A close time slightly after "now" (clock skew between replicas) is within the window.
  context = Satisfied();
  context.closed_time = kNow + absl::Seconds(2);
  EXPECT_TRUE(CheckTransition(S::kClosed, S::kTriaged, context).ok());
}

TEST(WorkflowTest, LeavingClosedWithoutTimesIsInternal) {
  TransitionContext context = Satisfied();
  context.closed_time.reset();
  EXPECT_EQ(CheckTransition(S::kClosed, S::kTriaged, context).code(), absl::StatusCode::kInternal);
  context = Satisfied();
  context.now.reset();
  EXPECT_EQ(CheckTransition(S::kClosed, S::kTriaged, context).code(), absl::StatusCode::kInternal);
  // Other reopens do not need them.
  EXPECT_TRUE(CheckTransition(S::kRejected, S::kTriaged, context).ok());
}

TEST(WorkflowTest, AllowedTargetsFollowTheTable) {
  EXPECT_EQ(AllowedTargets(S::kNew), (std::vector<S>{S::kTriaged, S::kRejected}));
  EXPECT_EQ(AllowedTargets(S::kDispatched),
            (std::vector<S>{S::kInProgress, S::kResolved, S::kTriaged}));
  EXPECT_EQ(AllowedTargets(S::kClosed), (std::vector<S>{S::kTriaged}));
  EXPECT_TRUE(AllowedTargets(S::kUnspecified).empty());
  EXPECT_EQ(FindTransition(S::kNew, S::kClosed), nullptr);
  ASSERT_NE(FindTransition(S::kClosed, S::kTriaged), nullptr);
  EXPECT_TRUE(FindTransition(S::kClosed, S::kTriaged)->needs_reopen_window);
}

TEST(WorkflowTest, EveryStatusIsReachableAndCanEndClosed) {
  auto reachable_from = [](S start) {
    std::set<S> seen = {start};
    std::vector<S> todo = {start};
    while (!todo.empty()) {
      S s = todo.back();
      todo.pop_back();
      for (S next : AllowedTargets(s)) {
        if (seen.insert(next).second) todo.push_back(next);
      }
    }
    return seen;
  };
  EXPECT_EQ(reachable_from(S::kNew).size(), 7u);
  for (int s = 1; s <= 7; ++s) {
    EXPECT_TRUE(reachable_from(static_cast<S>(s)).contains(S::kClosed)) << s;
  }
}

TEST(WorkflowTest, ReporterSeesASimplerStatus) {
  EXPECT_EQ(ReportStatusFor(S::kNew), ReportStatus::kReceived);
  EXPECT_EQ(ReportStatusFor(S::kTriaged), ReportStatus::kTriaged);
  EXPECT_EQ(ReportStatusFor(S::kDispatched), ReportStatus::kTriaged);
  EXPECT_EQ(ReportStatusFor(S::kInProgress), ReportStatus::kInProgress);
  EXPECT_EQ(ReportStatusFor(S::kResolved), ReportStatus::kResolved);
  EXPECT_EQ(ReportStatusFor(S::kRejected), ReportStatus::kRejected);
  EXPECT_EQ(ReportStatusFor(S::kClosed), ReportStatus::kClosed);
  EXPECT_EQ(ReportStatusFor(S::kUnspecified), ReportStatus::kUnspecified);
  EXPECT_EQ(ReportStatusFor(static_cast<S>(99)), ReportStatus::kUnspecified);
}

TEST(WorkflowTest, OpenIncidentsAreThoseBeforeResolution) {
  EXPECT_TRUE(IsOpen(S::kNew));
  EXPECT_TRUE(IsOpen(S::kTriaged));
  EXPECT_TRUE(IsOpen(S::kDispatched));
  EXPECT_TRUE(IsOpen(S::kInProgress));
  EXPECT_FALSE(IsOpen(S::kResolved));
  EXPECT_FALSE(IsOpen(S::kRejected));
  EXPECT_FALSE(IsOpen(S::kClosed));
  EXPECT_FALSE(IsOpen(S::kUnspecified));
}

TEST(WorkflowTest, NamesAreTheProtoValueNames) {
  EXPECT_EQ(IncidentStatusName(S::kUnspecified), "INCIDENT_STATUS_UNSPECIFIED");
  EXPECT_EQ(IncidentStatusName(S::kNew), "INCIDENT_NEW");
  EXPECT_EQ(IncidentStatusName(S::kTriaged), "INCIDENT_TRIAGED");
  EXPECT_EQ(IncidentStatusName(S::kDispatched), "INCIDENT_DISPATCHED");
  EXPECT_EQ(IncidentStatusName(S::kInProgress), "INCIDENT_IN_PROGRESS");
  EXPECT_EQ(IncidentStatusName(S::kResolved), "INCIDENT_RESOLVED");
  EXPECT_EQ(IncidentStatusName(S::kRejected), "INCIDENT_REJECTED");
  EXPECT_EQ(IncidentStatusName(S::kClosed), "INCIDENT_CLOSED");
  EXPECT_EQ(IncidentStatusName(static_cast<S>(8)), "INCIDENT_STATUS_UNSPECIFIED");

  EXPECT_EQ(ReportStatusName(ReportStatus::kReceived), "RECEIVED");
  EXPECT_EQ(ReportStatusName(ReportStatus::kInProgress), "IN_PROGRESS");
  EXPECT_EQ(ReportStatusName(ReportStatus::kClosed), "CLOSED");
  EXPECT_EQ(ReportStatusName(static_cast<ReportStatus>(7)), "REPORT_STATUS_UNSPECIFIED");

  EXPECT_EQ(TeamName(Team::kHandhaving), "HANDHAVING");
  EXPECT_EQ(TeamName(Team::kPoliceLiaison), "POLICE_LIAISON");
  EXPECT_EQ(TeamName(Team::kPublicSpace), "PUBLIC_SPACE");
  EXPECT_EQ(TeamName(static_cast<Team>(4)), "TEAM_UNSPECIFIED");
}

TEST(WorkflowTest, PriorityByThemeReportsWarningAndAge) {
  const absl::Duration fresh = absl::Minutes(5);
  EXPECT_EQ(Priority(Theme::kOther, 1, false, false, fresh), 1);
  EXPECT_EQ(Priority(Theme::kLiveability, 1, false, false, fresh), 2);
  EXPECT_EQ(Priority(Theme::kYouth, 1, false, false, fresh), 2);
  EXPECT_EQ(Priority(Theme::kUnspecified, 1, false, false, fresh), 2);
  EXPECT_EQ(Priority(Theme::kPhysicalBusiness, 1, false, false, fresh), 3);
  EXPECT_EQ(Priority(Theme::kSubversion, 1, false, false, fresh), 3);

  // Reporters: +1 from 3, +2 from 10.
  EXPECT_EQ(Priority(Theme::kLiveability, 2, false, false, fresh), 2);
  EXPECT_EQ(Priority(Theme::kLiveability, 3, false, false, fresh), 3);
  EXPECT_EQ(Priority(Theme::kLiveability, 10, false, false, fresh), 4);
  // Early warning and waiting longer than a day: +1 each.
  EXPECT_EQ(Priority(Theme::kLiveability, 1, false, true, fresh), 3);
  EXPECT_EQ(Priority(Theme::kLiveability, 1, false, false, absl::Hours(24)), 2);
  EXPECT_EQ(Priority(Theme::kLiveability, 1, false, false, absl::Hours(25)), 3);
  // Clamped to 5.
  EXPECT_EQ(Priority(Theme::kPhysicalBusiness, 50, false, true, absl::Hours(48)), 5);
  // A doubtful OTHER is never lowest; review does not raise anything else.
  EXPECT_EQ(Priority(Theme::kOther, 1, true, false, fresh), 2);
  EXPECT_EQ(Priority(Theme::kSubversion, 1, true, false, fresh), 3);
  // Nonsense inputs stay in range.
  EXPECT_EQ(Priority(Theme::kOther, -4, false, false, -absl::Hours(3)), 1);
  EXPECT_EQ(Priority(static_cast<Theme>(42), 1, false, false, fresh), 2);
}

}  // namespace
}  // namespace wijkwacht::dispatch
