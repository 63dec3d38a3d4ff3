#include "core/oauth/redirect_allowlist.hpp"

#include "core/net/upstream_url.hpp"

#include <stdexcept>

namespace lagentry::oauth {
namespace {

std::string trimmed_path(std::string_view path) {
  while (path.ends_with('/')) path.remove_suffix(1);
  return std::string(path);
}

}  // namespace

RedirectAllowList RedirectAllowList::parse(const std::vector<std::string>& entries) {
  RedirectAllowList list;
  for (const auto& text : entries) {
    auto normal = net::normalise_upstream_url(text);
    if (auto* why = std::get_if<std::string>(&normal))
      throw std::invalid_argument("'" + text + "' is not an http(s) URL (" + *why + ")");
    const auto& url = std::get<net::UpstreamUrl>(normal).url;
    if (url.has_query() || text.find('#') != std::string::npos)
      throw std::invalid_argument("'" + text + "' has a query or fragment");
    list.entries_.push_back({std::get<net::UpstreamUrl>(normal).origin, trimmed_path(url.encoded_path())});
  }
  return list;
}

RedirectAllowList::Verdict RedirectAllowList::check(std::string_view target) const {
  if (target.size() > kMaxTargetBytes)
    return {{}, "redirect_to is longer than " + std::to_string(kMaxTargetBytes) + " bytes"};
  // Strict RFC 3986 parsing: a space, a backslash or a bad %-escape is refused
  // here rather than failing later, after the connection was stored.
  auto normal = net::normalise_upstream_url(target);
  if (auto* why = std::get_if<std::string>(&normal)) return {{}, "redirect_to is not an allowed URL (" + *why + ")"};
  const auto& parsed = std::get<net::UpstreamUrl>(normal);
  if (entries_.empty()) return {{}, "redirect_to is not allowed: LAGENTRY_REDIRECT_ALLOWLIST is empty"};
  const std::string path(parsed.url.encoded_path());
  for (const auto& entry : entries_) {
    if (entry.origin != parsed.origin) continue;
    if (entry.path.empty() || path == entry.path || path.starts_with(entry.path + "/"))
      return {std::string(parsed.url.buffer()), {}};
  }
  return {{}, "redirect_to is not on LAGENTRY_REDIRECT_ALLOWLIST"};
}

}  // namespace lagentry::oauth
