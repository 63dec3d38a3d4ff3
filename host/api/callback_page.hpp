// The page a browser sees at the end of an OAuth flow: self-contained (no
// scripts, styles or images from anywhere), not cached, and sent with
// Referrer-Policy: no-referrer so the callback URL (with its code) never
// leaks to another site.
#pragma once

#include "host/http/http_types.hpp"

#include <string_view>

namespace lagentry::host {

Response callback_page(http::status status, std::string_view title, std::string_view message);
// 302 to `location` with the same protective headers.
Response callback_redirect(std::string_view location);

}  // namespace lagentry::host
