#include "host/api/callback_page.hpp"

#include <string>

namespace lagentry::host {
namespace {
std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void protect(Response& response) {
  response.set("Referrer-Policy", "no-referrer");
  response.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  response.set(http::field::cache_control, "no-store");
  response.set("X-Frame-Options", "DENY");
}
}  // namespace

Response callback_page(http::status status, std::string_view title, std::string_view message) {
  Response response{status, 11};
  response.set(http::field::content_type, "text/html; charset=utf-8");
  protect(response);
  response.body() = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape_html(title) +
                    "</title><style>body{font-family:sans-serif;max-width:32em;margin:4em auto}</style></head><body><h1>" +
                    escape_html(title) + "</h1><p>" + escape_html(message) + "</p></body></html>\n";
  return response;
}

Response callback_redirect(std::string_view location) {
  Response response{http::status::found, 11};
  protect(response);
  response.set(http::field::location, location);
  return response;
}

}  // namespace lagentry::host
