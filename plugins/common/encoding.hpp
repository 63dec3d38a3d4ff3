// Text encodings more than one plugin needs: query values, path segments and RFC 3339 times.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace lagentry::plugin_common {

// RFC 3986 percent-encoding of everything but the unreserved characters
// (ALPHA DIGIT - . _ ~), upper-case hex: safe for any query value. For a
// path segment use path_segment: "." and ".." pass through unchanged.
std::string percent_encode(std::string_view text);

// An id or name as one segment of an upstream URL's path, percent-encoded.
// lagentry::BadInput for "", "." and "..": resolved (RFC 3986 5.2.4) they
// name another resource, which would get the connection's token.
std::string path_segment(std::string_view text);

// "2024-05-01T12:00:00Z": RFC 3339 UTC, whole seconds (the items' timestamps).
std::string rfc3339(std::chrono::sys_seconds at);
std::string rfc3339_from_epoch(long long seconds);

}  // namespace lagentry::plugin_common
