// Request framing checks that Beast's parser leaves to the server
// (RFC 9112 section 6). A request whose body length the host and a proxy in
// front of it could read differently is the building block of request
// smuggling, so such a request is refused and its connection closed.
#pragma once

#include "core/api_error.hpp"
#include "host/http/http_types.hpp"

#include <optional>
#include <vector>

namespace lagentry::host {

// The error to answer (and then close the connection) for a request header
// whose framing is ambiguous or unsupported, or nothing when it is sound:
// - Transfer-Encoding whose final coding is not chunked: 400 (section 6.3);
// - Transfer-Encoding together with Content-Length: 400 (section 6.3 allows
//   rejecting it, and a proxy may have used the other one);
// - Transfer-Encoding in an HTTP/1.0 request: 400 (section 6.1);
// - codings before chunked (gzip, chunked): 501, the host decodes none.
std::optional<ApiError> framing_error(const http::request_header<>& header);

}  // namespace lagentry::host
