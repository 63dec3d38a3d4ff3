// Points real provider origins at other base URLs (the sandbox, a proxy).
//
// Entries are "origin=base". The origin may be "*" (every origin) and the
// base may contain "{host}", replaced by the original host name, e.g.
//   https://gmail.googleapis.com=http://127.0.0.1:9000/gmail.googleapis.com
//   *=https://127.0.0.1:9443/{host}          (the sandbox's scheme)
//
// Only normalised URLs are rewritten (see upstream_url.hpp): a URL with a dot
// segment or an encoded "/" is refused, never joined onto a base, so the
// mapped path always stays under the base's path (a proxy that resolves
// "/{host}/../other-host" cannot be steered to another host).
#pragma once

#include "core/net/upstream_url.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lagentry::net {

class OriginMap {
 public:
  // Parses a comma-separated list; throws std::invalid_argument naming the bad entry.
  static OriginMap parse(std::string_view spec);

  // The URL to actually call for `url`: normalised, mapped when an entry
  // applies; nullopt when `url` is refused (see normalise_upstream_url).
  std::optional<std::string> rewrite(std::string_view url) const;
  // The same for a URL already normalised (normalise_upstream_url): the
  // HTTP client normalises once and keeps the parsed URL.
  std::optional<UpstreamUrl> map(UpstreamUrl url) const;
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::string origin;  // "https://host[:port]" or "*"
    std::string base;    // no trailing slash
  };
  std::vector<Entry> entries_;
};

}  // namespace lagentry::net
