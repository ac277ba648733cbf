#include "services/access_policy.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "wijkwacht/v1/alert.grpc.pb.h"
#include "wijkwacht/v1/auth.grpc.pb.h"
#include "wijkwacht/v1/dispatch.grpc.pb.h"
#include "wijkwacht/v1/map.grpc.pb.h"
#include "wijkwacht/v1/report.grpc.pb.h"
#include "wijkwacht/v1/sync.grpc.pb.h"

namespace wijkwacht::services {
namespace {

// Every RPC of every service in the API, as "/pkg.Service/Method". The proto files come from
// the build (every proto/wijkwacht/v1/*.proto), so a new file or service is covered too.
std::set<std::string> ApiMethods() {
  // Reference one message per file so that the linker keeps (and registers) each of them.
  (void)v1::ListReportsRequest::descriptor();
  (void)v1::ListAreasRequest::descriptor();
  (void)v1::PushRequest::descriptor();
  (void)v1::PublishAlertRequest::descriptor();
  (void)v1::ClaimIncidentRequest::descriptor();
  (void)v1::LoginRequest::descriptor();
  (void)v1::LatLng::descriptor();
  std::set<std::string> methods;
  for (absl::string_view name : absl::StrSplit(WIJKWACHT_API_PROTOS, ',', absl::SkipEmpty())) {
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(std::string(name));
    EXPECT_NE(file, nullptr) << name << " is not linked into the test; reference a message of it";
    if (file == nullptr) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        methods.insert(absl::StrCat("/", file->service(s)->full_name(), "/",
                                    file->service(s)->method(m)->name()));
      }
    }
  }
  EXPECT_GE(methods.size(), 38u);
  return methods;
}

TEST(AccessPolicyTest, EveryRpcHasExactlyOneRow) {
  for (const std::string& method : ApiMethods()) {
    EXPECT_NE(FindRpcAccess(method), nullptr) << method << " has no row in kRpcAccessTable";
  }
  std::set<std::string> rows;
  for (const RpcAccess& row : kRpcAccessTable) {
    EXPECT_TRUE(rows.insert(std::string(row.method)).second) << "duplicate row " << row.method;
    EXPECT_TRUE(ApiMethods().count(std::string(row.method))) << "row for unknown RPC " << row.method;
    EXPECT_NE(row.roles, 0u) << row.method;
  }
}

TEST(AccessPolicyTest, SensitiveRpcsAreStaffOnly) {
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.ReportService/ListReports")->roles & kDevices, 0u);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.DispatchService/GetAuditLog")->roles, kAdmin);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.AuthService/VerifyEntrepreneur")->roles, kAdmin);
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.AlertService/PublishAlert")->roles & kResident, 0u);
  for (const RpcAccess& row : kRpcAccessTable) {
    if (absl::string_view(row.method).find("DispatchService") != absl::string_view::npos) {
      EXPECT_FALSE(row.anonymous) << row.method;
      EXPECT_EQ(row.roles & kDevices, 0u) << row.method;
    }
  }
  EXPECT_EQ(FindRpcAccess("/wijkwacht.v1.ReportService/Nope"), nullptr);
}

}  // namespace
}  // namespace wijkwacht::services
