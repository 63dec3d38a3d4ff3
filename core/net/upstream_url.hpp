// What the host accepts as an upstream URL, in one place.
//
// Every URL a plugin names (and every URL the origin map produces) is parsed
// with Boost.URL and normalised (RFC 3986 section 6) before anything is sent,
// so that "the provider's origin" means the same to the allow-list, the
// origin map and the server at the other end. A path that a proxy or server
// could resolve to somewhere else (a `.` or `..` segment, raw or
// percent-encoded, an encoded `/` or `\`) is refused rather than repaired:
// repairing would send the request to a path the plugin did not name.
#pragma once

#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace lagentry::net {

struct UpstreamUrl {
  boost::urls::url url;  // normalised, no fragment, no default port
  std::string origin;    // "https://host[:port]"
};

// The normalised URL, or why it is refused ("dot segment in path", ...).
std::variant<UpstreamUrl, std::string> normalise_upstream_url(std::string_view text);

// "https://Host:443/x" -> "https://host" (scheme and host lower-case, default port dropped).
std::string origin_of(const boost::urls::url_view& url);

// A bare origin ("https://api.example.com", a trailing "/" allowed) in the
// form origin_of gives; nullopt for anything with userinfo, a path, query or fragment.
std::optional<std::string> parse_origin(std::string_view text);

}  // namespace lagentry::net
