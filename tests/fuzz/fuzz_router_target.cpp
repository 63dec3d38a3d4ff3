// The router's view of a request target (host/http/router.cpp): origin-form
// parsing, the path-trick checks of split_path and match_path over the
// host's own route patterns and plugin-style ones.
#include "host/http/router.hpp"

#include <boost/url/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {
// The shapes the host registers (host/api/*.cpp) and plugins declare
// (plugins/*/manifest.json routes, under /api/v1/unified).
const std::vector<std::vector<std::string>>& patterns() {
  static const std::vector<std::vector<std::string>> split = [] {
    std::vector<std::vector<std::string>> out;
    for (const char* pattern : {"/healthz", "/admin/plugins", "/admin/plugins/reload", "/api/v1/unified/connectors",
                                "/api/v1/unified/connectors/{connector}/capabilities",
                                "/api/v1/unified/connectors/{connector}/items/{id}", "/api/v1/unified/auth/{provider}",
                                "/api/v1/unified/auth/{provider}/url", "/api/v1/unified/auth/status",
                                "/slack/channels/{id}/messages", "/gmail/labels", "/jira/projects/{id}/issues"})
      out.push_back(lagentry::host::split_pattern(pattern));
    return out;
  }();
  return split;
}

bool is_capture(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

void check_match(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  std::map<std::string, std::string, std::less<>> captures;
  if (!lagentry::host::match_path(pattern, path, captures)) return;
  if (pattern.size() != path.size()) std::abort();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!is_capture(pattern[i])) {
      if (pattern[i] != path[i]) std::abort();
      continue;
    }
    auto it = captures.find(pattern[i].substr(1, pattern[i].size() - 2));
    if (it == captures.end() || it->second.empty()) std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto target = boost::urls::parse_origin_form(text);
  if (!target) return 0;
  auto path = lagentry::host::split_path(*target);
  if (!path) return 0;
  // What reaches a handler is free of path tricks.
  for (const auto& segment : *path)
    if (segment == "." || segment == ".." || segment.find('/') != std::string::npos ||
        segment.find('\0') != std::string::npos)
      std::abort();
  for (const auto& pattern : patterns()) check_match(pattern, *path);
  return 0;
}
