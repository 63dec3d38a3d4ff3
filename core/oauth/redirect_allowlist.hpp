// Where the end of an OAuth flow may send the browser (RFC 9700: no open
// redirects). Entries (LAGENTRY_REDIRECT_ALLOWLIST) are URLs, not string
// prefixes: a redirect_to is allowed only when its scheme, host and port
// equal an entry's and its path is the entry's path or below it on a segment
// boundary. So "https://app.example.com" allows neither
// "https://app.example.com.evil.com/" nor "https://app.example.com@evil.com/".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lagentry::oauth {

class RedirectAllowList {
 public:
  static constexpr std::size_t kMaxTargetBytes = 2048;

  // Each entry an absolute http(s) URL without userinfo, query or fragment;
  // throws std::invalid_argument naming a bad entry.
  static RedirectAllowList parse(const std::vector<std::string>& entries);

  struct Verdict {
    std::string url;      // normalised, when allowed
    std::string refusal;  // why not, for the API client; empty when allowed
    bool allowed() const { return refusal.empty(); }
  };
  Verdict check(std::string_view target) const;

 private:
  struct Entry {
    std::string origin;  // "https://host[:port]", default port dropped
    std::string path;    // normalised, no trailing "/" ("" for the whole origin)
  };
  std::vector<Entry> entries_;
};

}  // namespace lagentry::oauth
