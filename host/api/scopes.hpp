// Granted scopes as answers show them: a JSON array, whatever the provider's
// separator ("a b" for Google, Atlassian and Bitbucket, "a,b" for Slack).
// Every answer that shows a connection's scopes uses this: /auth/status,
// /auth/{provider}/status, /connections and activity.
#pragma once

#include "core/oauth/oauth_protocol.hpp"

#include <boost/json/array.hpp>

#include <string_view>

namespace lagentry::host {

inline boost::json::array scopes_json(std::string_view granted) {
  boost::json::array out;
  const auto scopes = oauth::split_scopes(granted);
  for (const auto& scope : scopes) out.emplace_back(scope);
  return out;
}

}  // namespace lagentry::host
