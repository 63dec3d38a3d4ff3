#include "host/api/callback_page.hpp"

#include "host/web/html.hpp"

#include <string>

namespace lagentry::host {

Response callback_page(http::status status, std::string_view title, std::string_view message, std::string_view code) {
  std::string body = "<div class=\"card\"><p>" + web::escape(message) + "</p>";
  if (!code.empty()) body += "<p class=\"muted\">Error code: <code>" + web::escape(code) + "</code></p>";
  body += "</div>";
  return web::html_page(status, web::Page{std::string(title), std::move(body)});
}

Response callback_redirect(std::string_view location) { return web::redirect(http::status::found, location); }

}  // namespace lagentry::host
