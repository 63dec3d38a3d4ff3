#include "core/net/origin_map.hpp"

#include "core/net/upstream_url.hpp"

#include <stdexcept>
#include <unordered_map>

namespace lagentry::net {
namespace {
std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '/')) s.remove_suffix(1);
  return std::string(s);
}

std::string with_host(std::string base, std::string_view host) {
  if (auto pos = base.find("{host}"); pos != std::string::npos) base.replace(pos, 6, host);
  return base;
}

// True when `path` is `base` or below it on a segment boundary.
bool under(std::string_view path, std::string_view base) {
  if (base.empty() || base == "/") return true;
  return path == base || (path.starts_with(base) && path.size() > base.size() && path[base.size()] == '/');
}
// The normalised path of a base URL with its host filled in, or nullopt
// when it is not one. A pure function of `base`, remembered per thread: it
// was a third URL normalisation on every mapped request, for the same few
// bases.
std::optional<std::string> normalised_base_path(const std::string& base) {
  thread_local std::unordered_map<std::string, std::optional<std::string>> memo;
  if (auto found = memo.find(base); found != memo.end()) return found->second;
  std::optional<std::string> path;
  auto normal = normalise_upstream_url(base);
  if (auto* url = std::get_if<UpstreamUrl>(&normal)) path = std::string(url->url.encoded_path());
  if (memo.size() >= 256) memo.clear();  // a bound: hosts come from what plugins fetch
  memo.emplace(base, path);
  return path;
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
      auto origin = parse_origin(e.origin);
      if (!origin) throw std::invalid_argument("'" + e.origin + "' is not an origin");
      e.origin = *origin;
    }
    auto base = normalise_upstream_url(with_host(e.base, "host"));
    if (auto* why = std::get_if<std::string>(&base))
      throw std::invalid_argument("'" + e.base + "' is not an http(s) base URL (" + *why + ")");
    if (std::get<UpstreamUrl>(base).url.has_query()) throw std::invalid_argument("'" + e.base + "' has a query");
    map.entries_.push_back(std::move(e));
  }
  return map;
}

std::optional<UpstreamUrl> OriginMap::map(UpstreamUrl url) const {
  const Entry* chosen = nullptr;
  for (const auto& e : entries_) {
    if (e.origin == url.origin) {
      chosen = &e;
      break;
    }
    if (e.origin == "*" && !chosen) chosen = &e;
  }
  if (!chosen) return url;
  const std::string base = with_host(chosen->base, url.url.encoded_host());
  std::string mapped = base;
  mapped.append(url.url.encoded_path());
  if (url.url.has_query()) mapped.append("?").append(url.url.encoded_query());
  // Belt and braces: what is sent must itself be normalised and stay below
  // the base, normalised the same way (a base path written with "%7e" is
  // "~" in what is sent).
  auto sent = normalise_upstream_url(mapped);
  const std::optional<std::string> base_path = normalised_base_path(base);
  if (!std::holds_alternative<UpstreamUrl>(sent) || !base_path ||
      !under(std::get<UpstreamUrl>(sent).url.encoded_path(), *base_path))
    return std::nullopt;
  return std::get<UpstreamUrl>(std::move(sent));
}

std::optional<std::string> OriginMap::rewrite(std::string_view url) const {
  auto normal = normalise_upstream_url(url);
  if (!std::holds_alternative<UpstreamUrl>(normal)) return std::nullopt;
  auto sent = map(std::get<UpstreamUrl>(std::move(normal)));
  if (!sent) return std::nullopt;
  return std::string(sent->url.buffer());
}

}  // namespace lagentry::net
