#include "core/runtime/egress.hpp"

#include "core/net/upstream_url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace lagentry::runtime {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Credentials are injected by the host; framing and routing are the HTTP
// client's. A plugin-set "authorization" (any case) would otherwise survive
// beside the injected one, and a plugin-set Host could re-route through a proxy.
constexpr std::array<std::string_view, 12> kHostOwned = {
    "authorization", "cookie", "proxy-authorization", "host", "content-length", "transfer-encoding",
    "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"};

bool is_token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

void vet_headers(std::map<std::string, std::string>& headers) {
  for (auto it = headers.begin(); it != headers.end();) {
    const auto& [name, value] = *it;
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return is_token_char(static_cast<unsigned char>(c)); }))
      throw EgressRefused("header name is not an HTTP token");
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      throw EgressRefused("header " + name + " contains CR, LF or NUL");
    const std::string key = lower(name);
    if (std::find(kHostOwned.begin(), kHostOwned.end(), key) != kHostOwned.end())
      it = headers.erase(it);
    else
      ++it;
  }
}

}  // namespace

net::UpstreamUrl vet_request(UpstreamRequest& request, const std::vector<std::string>& api_origins) {
  if (request.auth != "connection" && request.auth != "user" && request.auth != "none")
    throw EgressRefused("auth must be connection, user or none");
  auto normal = net::normalise_upstream_url(request.url);
  if (auto* why = std::get_if<std::string>(&normal)) throw EgressRefused(request.method + " refused: " + *why);
  auto& url = std::get<net::UpstreamUrl>(normal);
  if (request.auth != "none") {
    const std::string where = request.method + " " + url.origin;
    if (url.url.scheme() != "https") throw EgressRefused(where + " refused: credentials are sent only over https");
    if (std::find(api_origins.begin(), api_origins.end(), url.origin) == api_origins.end())
      throw EgressRefused(where + " refused: not one of the provider's api_origins" +
                          (api_origins.empty() ? std::string(" (it declares none)") : std::string()));
  }
  vet_headers(request.headers);
  request.url = std::string(url.url.buffer());
  return std::move(url);
}

}  // namespace lagentry::runtime
