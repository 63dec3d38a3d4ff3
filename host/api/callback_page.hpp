// The page a browser sees at the end of an OAuth flow that has no app to go
// back to: the host's page layout (host/web/html.hpp: no scripts, nothing
// from another origin, not cached, Referrer-Policy: no-referrer so the
// callback URL with its code never leaks to another site).
#pragma once

#include "host/http/http_types.hpp"

#include <string_view>

namespace lagentry::host {

// `code`, when given, is the stable error code, shown small for support.
Response callback_page(http::status status, std::string_view title, std::string_view message, std::string_view code = {});
// 302 to `location` with the same protective headers.
Response callback_redirect(std::string_view location);

}  // namespace lagentry::host
