#include "core/net/upstream_url.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace lagentry::net {
namespace urls = boost::urls;

namespace {
void append_lower(std::string& out, std::string_view text) {
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_http(const urls::url_view& url) {
  return url.scheme_id() == urls::scheme::https || url.scheme_id() == urls::scheme::http;
}

// Registered names are plain DNS names: a percent-encoded host could carry a
// "/" into an origin-map base that has {host} in its path.
bool plain_host(const urls::url_view& url) {
  switch (url.host_type()) {
    case urls::host_type::ipv4:
    case urls::host_type::ipv6: return true;
    case urls::host_type::name: {
      const std::string_view host = url.encoded_host();
      if (host.empty()) return false;
      for (char c : host)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
      return true;
    }
    default: return false;
  }
}

bool valid_port(const urls::url_view& url) {
  const std::string_view port = url.port();
  return !url.has_port() || port.empty() ||
         (port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          std::stoul(std::string(port)) - 1 < 65535);
}

bool has_percent(std::string_view encoded) { return encoded.find('%') != std::string_view::npos; }

// Why a path could be resolved elsewhere than it reads, or "" when it cannot.
// The raw path is split here, not through encoded_segments(): that view
// hides a leading "/." (Boost.URL's own escape for paths starting "//").
std::string path_problem(const urls::url_view& url) {
  const std::string_view path = url.encoded_path();
  for (std::size_t start = path.starts_with('/') ? 1 : 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view raw = path.substr(start, end - start);
    start = end + 1;
    auto segment = urls::make_pct_string_view(raw);
    if (!segment) return "bad percent-encoding in path";
    // A segment without '%' decodes to itself: only encoded ones are copied.
    std::string decoded_copy;
    std::string_view decoded = raw;
    if (has_percent(raw)) {
      decoded_copy = segment->decode();
      decoded = decoded_copy;
    }
    if (decoded == "." || decoded == "..") return "dot segment in path";
    if (decoded.find('/') != std::string_view::npos) return "encoded '/' in path";
    if (decoded.find('\\') != std::string_view::npos || raw.find('\\') != std::string_view::npos) return "'\\' in path";
    if (decoded.find('\0') != std::string_view::npos) return "NUL in path";
  }
  return {};
}

// RFC 3986 6.2.2.1 and 6.2.2.2 on an encoded path or query: upper-case hex
// and decode only unreserved characters. Not url::normalize(), which also
// decodes reserved ones ("q=a%26b" would become "q=a&b", another query).
std::string normalise_percent(std::string_view encoded) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto hex_value = [](char c) {
    const int lower = std::tolower(static_cast<unsigned char>(c));
    return std::isdigit(lower) ? lower - '0' : lower - 'a' + 10;
  };
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%' || i + 2 >= encoded.size()) {  // (parsing checked every triplet)
      out += encoded[i];
      continue;
    }
    const int value = hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]);
    const char c = static_cast<char>(value);
    const bool unreserved =
        value < 128 && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~');
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[value >> 4];
      out += kHex[value & 15];
    }
    i += 2;
  }
  return out;
}

bool default_port(const urls::url_view& url) {
  return (url.scheme_id() == urls::scheme::https && url.port() == "443") ||
         (url.scheme_id() == urls::scheme::http && url.port() == "80");
}
}  // namespace

std::string origin_of(const urls::url_view& url) {
  const bool port = url.has_port() && !url.port().empty() && !default_port(url);
  std::string origin;
  origin.reserve(url.scheme().size() + 3 + url.encoded_host().size() + (port ? 1 + url.port().size() : 0));
  append_lower(origin, url.scheme());
  origin += "://";
  append_lower(origin, url.encoded_host());
  if (port) origin.append(":").append(url.port());
  return origin;
}

std::variant<UpstreamUrl, std::string> normalise_upstream_url(std::string_view text) {
  auto parsed = urls::parse_uri(text);  // absolute, a fragment allowed (and dropped)
  if (!parsed) return std::string("not a URL");
  if (!is_http(*parsed)) return std::string("not an http(s) URL");
  if (parsed->has_userinfo()) return std::string("userinfo in URL");
  if (!plain_host(*parsed)) return std::string("not a plain host name");
  if (!valid_port(*parsed)) return std::string("bad port");
  if (auto problem = path_problem(*parsed); !problem.empty()) return problem;
  UpstreamUrl out{urls::url(*parsed), {}};
  out.url.remove_fragment();
  // Case (scheme, host) and percent-encoding (path, query) normalisation;
  // there are no dot segments left to remove.
  out.url.normalize_scheme();
  out.url.normalize_authority();
  // Without a '%' there is nothing to normalise (the common case): skip the copies.
  if (has_percent(out.url.encoded_path())) out.url.set_encoded_path(normalise_percent(out.url.encoded_path()));
  if (out.url.has_query() && has_percent(out.url.encoded_query()))
    out.url.set_encoded_query(normalise_percent(out.url.encoded_query()));
  if (default_port(out.url) || (out.url.has_port() && out.url.port().empty())) out.url.remove_port();
  out.origin = origin_of(out.url);
  return out;
}

std::optional<std::string> parse_origin(std::string_view text) {
  auto parsed = urls::parse_absolute_uri(text);
  if (!parsed || !is_http(*parsed) || parsed->has_userinfo() || !plain_host(*parsed) || !valid_port(*parsed) ||
      parsed->has_query() || parsed->has_fragment())
    return std::nullopt;
  if (!parsed->encoded_path().empty() && parsed->encoded_path() != "/") return std::nullopt;
  return origin_of(*parsed);
}

}  // namespace lagentry::net
