// What pages read from a browser's request: cookies and HTML form posts.
#pragma once

#include "host/http/http_types.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lagentry::host::web {

// The value of cookie `name` in the Cookie header, if present.
std::optional<std::string> cookie(const Request& request, std::string_view name);

struct CookieOptions {
  std::string path = "/";
  std::string same_site = "Strict";  // "Strict" or "Lax"
  bool secure = false;               // served over https
  std::chrono::seconds max_age{0};   // 0 with an empty value: delete the cookie
};
// A Set-Cookie value; always HttpOnly (no page script may read it).
std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& options);

// An application/x-www-form-urlencoded body, decoded. Throws ApiError 415 for
// another content type and 400 for a malformed body or a repeated field.
using Form = std::map<std::string, std::string, std::less<>>;
Form parse_form(const Request& request);
// A field of the form, or "" when absent.
std::string field(const Form& form, std::string_view name);

// A form's CSRF token against the session's, in constant time.
bool same_secret(std::string_view given, std::string_view expected);

}  // namespace lagentry::host::web
