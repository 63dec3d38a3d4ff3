#include "host/web/browser_request.hpp"

#include "core/api_error.hpp"

#include <boost/url/parse_query.hpp>
#include <openssl/crypto.h>

namespace lagentry::host::web {

std::optional<std::string> cookie(const Request& request, std::string_view name) {
  // RFC 6265 section 5.4: "name=value" pairs separated by "; ".
  for (auto it = request.find(http::field::cookie); it != request.end() && it->name() == http::field::cookie; ++it) {
    std::string_view header = it->value();
    while (!header.empty()) {
      const std::size_t end = std::min(header.find(';'), header.size());
      std::string_view pair = header.substr(0, end);
      header.remove_prefix(std::min(end + 1, header.size()));
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& options) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=" + options.path +
                    "; Max-Age=" + std::to_string(options.max_age.count()) + "; HttpOnly; SameSite=" + options.same_site;
  if (options.secure) out += "; Secure";
  return out;
}

Form parse_form(const Request& request) {
  const std::string_view type = request[http::field::content_type];
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded")
    throw ApiError(http::status::unsupported_media_type, "unsupported_media_type",
                   "send the form as application/x-www-form-urlencoded");
  // HTML forms encode a space as '+' (and a '+' as %2B); parse_query
  // follows RFC 3986, where '+' is itself: translate before decoding.
  std::string encoded;
  encoded.reserve(request.body().size());
  for (char c : request.body()) {
    if (c == '+') encoded += "%20";
    else encoded += c;
  }
  auto params = boost::urls::parse_query(encoded);
  if (!params) throw ApiError(http::status::bad_request, "invalid_request", "the form is not valid url-encoded text");
  Form form;
  for (const auto& param : *params) {
    if (!form.emplace(param.key.decode(), param.value.decode()).second)
      throw ApiError(http::status::bad_request, "invalid_request", "the form repeats a field");
  }
  return form;
}

std::string field(const Form& form, std::string_view name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

bool same_secret(std::string_view given, std::string_view expected) {
  return !expected.empty() && given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace lagentry::host::web
