#include "services/api_methods.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "wijkwacht/v1/action_plan.pb.h"
#include "wijkwacht/v1/alert.pb.h"
#include "wijkwacht/v1/auth.pb.h"
#include "wijkwacht/v1/common.pb.h"
#include "wijkwacht/v1/directory.pb.h"
#include "wijkwacht/v1/dispatch.pb.h"
#include "wijkwacht/v1/map.pb.h"
#include "wijkwacht/v1/operations.pb.h"
#include "wijkwacht/v1/poll.pb.h"
#include "wijkwacht/v1/report.pb.h"
#include "wijkwacht/v1/sync.pb.h"

namespace wijkwacht::services {

std::vector<ApiMethod> ApiMethods(std::vector<std::string>* missing_files) {
  // Reference one message per file so that the linker keeps (and registers) each of them.
  (void)v1::ListReportsRequest::descriptor();
  (void)v1::ListAreasRequest::descriptor();
  (void)v1::PushRequest::descriptor();
  (void)v1::PublishAlertRequest::descriptor();
  (void)v1::ClaimIncidentRequest::descriptor();
  (void)v1::LoginRequest::descriptor();
  (void)v1::LatLng::descriptor();
  (void)v1::AccessRule::descriptor();
  (void)v1::CreateBackupRequest::descriptor();
  (void)v1::CreateActionPlanRequest::descriptor();
  (void)v1::CreatePollRequest::descriptor();
  std::vector<ApiMethod> methods;
  for (absl::string_view name : absl::StrSplit(WIJKWACHT_API_PROTOS, ',', absl::SkipEmpty())) {
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(std::string(name));
    if (file == nullptr) {
      if (missing_files != nullptr) missing_files->emplace_back(name);
      continue;
    }
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = service->method(m);
        methods.push_back({absl::StrCat("/", service->full_name(), "/", method->name()),
                           absl::StrCat(service->name(), "/", method->name()),
                           method->client_streaming(), method->server_streaming(), method});
      }
    }
  }
  return methods;
}

}  // namespace wijkwacht::services
