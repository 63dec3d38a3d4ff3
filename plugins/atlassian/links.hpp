// Links and cursors that come back from a client or the provider and lead to
// another request with the user's token (Bitbucket `next` URLs, Confluence
// `_links.next`): parsed with Boost.URL and kept on the API's origin and path
// prefix, never matched as string prefixes.
#pragma once

#include <boost/url/url.hpp>

#include <optional>
#include <string_view>

namespace atlassian {

// `link` when it is https on `host` (empty `host`: a relative link "/..." on
// the API's own origin), without userinfo, port or fragment, its path starts
// with `prefix` (ending in "/"), and no path segment is empty, "." or "..", or
// holds a "/" or "\" after decoding, and there is no "@"; nullopt otherwise.
std::optional<boost::urls::url> api_link(std::string_view link, std::string_view host, std::string_view prefix);

}  // namespace atlassian
