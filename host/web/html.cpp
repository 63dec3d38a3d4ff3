#include "host/web/html.hpp"

#include <ctime>

namespace lagentry::host::web {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
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
  // No form-action: the connect page's forms end in a redirect to the
  // provider's authorization page, which form-action would block.
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
  response.set("X-Content-Type-Options", "nosniff");
  response.set(http::field::cache_control, "no-store");
}

Response html_page(http::status status, const Page& page) {
  Response response{status, 11};
  response.set(http::field::content_type, "text/html; charset=utf-8");
  protect(response);
  std::string& html = response.body();
  html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + escape(page.title) + " · Lagentry Host</title>"
         "<link rel=\"stylesheet\" href=\"/assets/lagentry.css\"></head><body>"
         "<header><a class=\"brand\" href=\"/\">Lagentry Host</a>" + page.nav + "</header>"
         "<main" + (page.wide ? std::string(" class=\"wide\"") : std::string()) + "><h1>" + escape(page.title) + "</h1>\n" +
         page.body + "</main></body></html>\n";
  return response;
}

Response redirect(http::status status, std::string_view location) {
  Response response{status, 11};
  protect(response);
  response.set(http::field::location, location);
  return response;
}

std::string utc_time(std::int64_t unix_ms) {
  if (unix_ms <= 0) return {};
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &parts);
  return text;
}

}  // namespace lagentry::host::web
