// The auth-injecting proxy:
//   GET|POST|PUT|PATCH|DELETE /api/v1/unified/proxy/{provider}/{path...}?user_email=[&origin=]
// forwards the call to the provider's first api_origins entry (or `origin`,
// which must be one of them) with the user's token injected, and answers the
// upstream status, body and content type as they are. The request goes
// through the same egress rules as a plugin's (core/runtime/egress.hpp), one
// refresh-and-retry on 401, the HTTP client's retries (idempotent methods
// only, Retry-After honoured); one activity record per call.
#pragma once

#include "host/api/operation_call.hpp"

#include <cstddef>

namespace lagentry::host {

// `max_body_bytes` (LAGENTRY_MAX_BODY_BYTES) also bounds the upstream answer.
void add_proxy_routes(Router& router, OperationServices& services, std::size_t max_body_bytes);

}  // namespace lagentry::host
