// Server-rendered pages: one layout, one stylesheet (/assets/lagentry.css),
// and the headers every page carries. Pages hold no scripts and load nothing
// from another origin; the Content-Security-Policy says so to the browser.
#pragma once

#include "host/http/http_types.hpp"

#include <string>
#include <string_view>

namespace lagentry::host::web {

// Text for HTML content and quoted attribute values.
std::string escape(std::string_view text);

struct Page {
  std::string title;      // <title> and the page heading
  std::string body;       // HTML, everything in it already escaped
  std::string nav;        // HTML for the header's navigation ("" for none)
  bool wide = false;      // tables (console) get the full width
};

// A complete HTML document with the protective headers.
Response html_page(http::status status, const Page& page);
// 303 See Other (after a form POST) or 302 (callbacks), same headers.
Response redirect(http::status status, std::string_view location);

// No caching, no framing, no referrer, no sniffing, and a policy that allows
// only this host's stylesheet and images.
void protect(Response& response);

// A short human time, UTC: "2026-12-02 04:05 UTC" ("" for 0).
std::string utc_time(std::int64_t unix_ms);

}  // namespace lagentry::host::web
