#include "links.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>

namespace atlassian {

std::optional<boost::urls::url> api_link(std::string_view link, std::string_view host, std::string_view prefix) {
  // No "@" anywhere: a lenient parser further on could read it as userinfo.
  if (link.find('@') != std::string_view::npos) return std::nullopt;
  auto ref = boost::urls::parse_uri_reference(link);
  if (!ref || ref->has_fragment() || ref->has_userinfo() || ref->has_port()) return std::nullopt;
  const bool placed = host.empty() ? !ref->has_scheme() && !ref->has_authority()
                                   : ref->scheme() == "https" && ref->encoded_host() == host;
  if (!placed || !std::string_view(ref->encoded_path()).starts_with(prefix)) return std::nullopt;
  // Split by hand: encoded_segments() hides a leading "/." (Boost.URL's escape for "//").
  const std::string_view path = ref->encoded_path();
  for (std::size_t start = 1; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    auto segment = boost::urls::make_pct_string_view(path.substr(start, end - start));
    start = end + 1;
    if (!segment) return std::nullopt;
    const std::string decoded = segment->decode();
    if (decoded.empty() || decoded == "." || decoded == ".." || decoded.find_first_of("/\\") != std::string::npos)
      return std::nullopt;
  }
  return boost::urls::url(*ref);
}

}  // namespace atlassian
