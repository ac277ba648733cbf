#include "services/access_policy.h"

#include "services/api_methods.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace wijkwacht::services {
namespace {

std::set<std::string> ApiMethodPaths() {
  std::vector<std::string> missing;
  std::set<std::string> paths;
  for (const ApiMethod& m : ApiMethods(&missing)) paths.insert(m.path);
  EXPECT_TRUE(missing.empty()) << missing.front() << " is not linked; reference a message of it "
                                                      "in services/api_methods.cc";
  EXPECT_GE(paths.size(), 39u);
  return paths;
}

TEST(AccessPolicyTest, EveryRpcHasExactlyOneRow) {
  for (const std::string& method : ApiMethodPaths()) {
    EXPECT_NE(FindRpcAccess(method), nullptr) << method << " has no row in kRpcAccessTable";
  }
  std::set<std::string> rows;
  for (const RpcAccess& row : kRpcAccessTable) {
    EXPECT_TRUE(rows.insert(std::string(row.method)).second) << "duplicate row " << row.method;
    EXPECT_TRUE(ApiMethodPaths().count(std::string(row.method))) << "row for unknown RPC " << row.method;
    EXPECT_NE(row.roles, 0u) << row.method;
  }
}

TEST(AccessPolicyTest, SensitiveRpcsAreStaffOnly) {
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.ReportService/ListReports")->roles & kDevices, 0u);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.DispatchService/GetAuditLog")->roles, kAdmin);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.AuthService/VerifyEntrepreneur")->roles, kAdmin);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.AuthService/UpdateAccount")->roles, kAdmin);
  // Reporter identity: never shopkeepers (nor residents, nor analysts).
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.DispatchService/GetReporterContact")->roles,
            kDispatcher | kAdmin);
  // An incident's audit entries: the desk, never analysts, shopkeepers or residents.
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.DispatchService/GetIncidentHistory")->roles,
            kDispatcher | kAdmin);
  // Deleting data and reading the deletion log: admins only.
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.DispatchService/PurgeIncident")->roles, kAdmin);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.DispatchService/ListDeletions")->roles, kAdmin);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.AlertService/PublishAlert")->roles & kResident, 0u);
  for (const RpcAccess& row : kRpcAccessTable) {
    if (absl::string_view(row.method).find("DirectoryService") != absl::string_view::npos) {
      EXPECT_EQ(row.roles, absl::EndsWith(row.method, "/ListDepartments") ? kStaff : kAdmin)
          << row.method;
      EXPECT_FALSE(row.anonymous) << row.method;
    }
    if (absl::string_view(row.method).find("DispatchService") != absl::string_view::npos) {
      EXPECT_FALSE(row.anonymous) << row.method;
      EXPECT_EQ(row.roles & kDevices, 0u) << row.method;
    }
  }
  // The Actieplan cycle: enforcement records are staff-only, poll answers come from devices.
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.ActionPlanService/ListEnforcement")->roles, kStaff);
  EXPECT_FALSE(FindRpcAccess("/wijkwacht.v1.ActionPlanService/ListEnforcement")->anonymous);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.ActionPlanService/CreateMeasure")->roles & kDevices, 0u);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.PollService/AnswerPoll")->roles, kDevices);
  EXPECT_TRUE(FindRpcAccess("/wijkwacht.v1.PollService/AnswerPoll")->rate_limited);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.PollService/CreatePoll")->roles & kDevices, 0u);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.ReportService/Nope"), nullptr);
}

}  // namespace
}  // namespace wijkwacht::services
