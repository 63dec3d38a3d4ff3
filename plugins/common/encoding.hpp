// Text encodings more than one plugin needs: query values and RFC 3339 times.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace lagentry::plugin_common {

// RFC 3986 percent-encoding of everything but the unreserved characters
// (ALPHA DIGIT - . _ ~), upper-case hex: safe for any query value or path segment.
std::string percent_encode(std::string_view text);

// "2024-05-01T12:00:00Z": RFC 3339 UTC, whole seconds (the items' timestamps).
std::string rfc3339(std::chrono::sys_seconds at);
std::string rfc3339_from_epoch(long long seconds);

}  // namespace lagentry::plugin_common
