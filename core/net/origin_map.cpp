#include "core/net/origin_map.hpp"

#include <boost/url/parse.hpp>

#include <stdexcept>

namespace lagentry::net {
namespace {
std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '/')) s.remove_suffix(1);
  return std::string(s);
}

// "https://Host:443/x" -> "https://host" (default ports dropped, lower-case host).
std::string origin_of(const boost::urls::url_view& url) {
  std::string origin = std::string(url.scheme()) + "://";
  for (char c : url.encoded_host()) origin += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool default_port = url.port().empty() || (url.scheme() == "https" && url.port() == "443") ||
                            (url.scheme() == "http" && url.port() == "80");
  if (!default_port) origin += ":" + std::string(url.port());
  return origin;
}
}  // namespace

OriginMap OriginMap::parse(std::string_view spec) {
  OriginMap map;
  while (!spec.empty()) {
    auto comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (trim(item).empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) throw std::invalid_argument("'" + std::string(item) + "' is not origin=base");
    Entry e{trim(item.substr(0, eq)), trim(item.substr(eq + 1))};
    if (e.origin != "*") {
      auto parsed = boost::urls::parse_absolute_uri(e.origin);
      if (!parsed || parsed->host().empty()) throw std::invalid_argument("'" + e.origin + "' is not an origin");
      e.origin = origin_of(*parsed);
    }
    std::string sample = e.base;
    if (auto pos = sample.find("{host}"); pos != std::string::npos) sample.replace(pos, 6, "host");
    auto base = boost::urls::parse_absolute_uri(sample);
    if (!base || (base->scheme() != "http" && base->scheme() != "https"))
      throw std::invalid_argument("'" + e.base + "' is not an http(s) base URL");
    map.entries_.push_back(std::move(e));
  }
  return map;
}

std::string OriginMap::rewrite(std::string_view url) const {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::string(url);
  const std::string origin = origin_of(*parsed);
  const Entry* chosen = nullptr;
  for (const auto& e : entries_) {
    if (e.origin == origin) {
      chosen = &e;
      break;
    }
    if (e.origin == "*" && !chosen) chosen = &e;
  }
  if (!chosen) return std::string(url);
  std::string base = chosen->base;
  if (auto pos = base.find("{host}"); pos != std::string::npos) base.replace(pos, 6, std::string(parsed->encoded_host()));
  std::string rest(parsed->encoded_path());
  if (parsed->has_query()) rest += "?" + std::string(parsed->encoded_query());
  return base + rest;
}

}  // namespace lagentry::net
