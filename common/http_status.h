// The one mapping from a call's status code to the HTTP status that answers it on the HTTP
// side (the JSON API, the map page's endpoints): 400 for a bad argument or precondition, 401,
// 403, 404, 409, 429, 499 (cancelled), 501, 503, 504, else 500.
//
// Thread safety: pure function.
#pragma once

#include "absl/status/status.h"

namespace wijkwacht {

[[nodiscard]] int HttpStatusFor(absl::StatusCode code);

}  // namespace wijkwacht
