#include "services/access_policy.h"

namespace wijkwacht::services {

const RpcAccess* FindRpcAccess(absl::string_view method) {
  for (const RpcAccess& row : kRpcAccessTable) {
    if (row.method == method) return &row;
  }
  return nullptr;
}

}  // namespace wijkwacht::services
