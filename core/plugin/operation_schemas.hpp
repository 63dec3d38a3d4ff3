// Completes each operation's schemas from the role it plays in its manifest.
//
// An operation can be a connector verb ("gmail.list"), the target of one or
// more routes, or an OAuth hook. The host adds the parameters it defines for
// the role (user_email; cursor and limit for list and search; q for search;
// id for get, update and delete; include_raw; a route's path captures), a
// body and result schema where the manifest gave none (create and update
// take an object; list answers a Page, get an Item, ...), and annotations
// and a description from the verb or method. What the manifest says wins; a
// manifest listing bare names (ABI 1.0) gets exactly these generic schemas.
#pragma once

#include "core/plugin/manifest.hpp"

namespace lagentry::plugin {

void complete_operation_schemas(Manifest& manifest);

// "/slack/channels/{id}/messages" -> {"slack", "channels", "{id}", "messages"}.
std::vector<std::string> split_route_path(std::string_view path);

// Query parameters the host itself reads (they are in every schema that
// needs them but are not the plugin's input alone).
inline constexpr std::string_view kUserEmailParam = "user_email";

}  // namespace lagentry::plugin
