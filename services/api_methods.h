// The RPCs of the wijkwacht.v1 API, read from the generated descriptors of every
// proto/wijkwacht/v1/*.proto file (the list comes from the build), so a new RPC, service or
// file is included without editing code here. Used by the access-table and matrix tests.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <vector>

namespace google::protobuf {
class MethodDescriptor;
}  // namespace google::protobuf

namespace wijkwacht::services {

struct ApiMethod {
  std::string path;        // "/wijkwacht.v1.ReportService/SubmitReport"
  std::string short_name;  // "ReportService/SubmitReport"
  bool client_streaming = false;
  bool server_streaming = false;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
};

// Every RPC, in file order. A proto file that is not linked into the binary is reported in
// `missing_files` (nullptr: ignored).
[[nodiscard]] std::vector<ApiMethod> ApiMethods(std::vector<std::string>* missing_files = nullptr);

}  // namespace wijkwacht::services
