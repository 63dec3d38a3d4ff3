// Asking the provider whether an access token still works, for validate:
// the provider's own check (Google tokeninfo, Slack auth.test, Atlassian
// accessible-resources, Bitbucket /2.0/user, declared in the manifest as
// oauth.token_check), else RFC 7662 introspection, else OIDC userinfo.
// Pure functions: the engine sends the request and acts on the verdict.
#pragma once

#include "core/oauth/oauth_protocol.hpp"

#include <optional>
#include <string>

namespace lagentry::oauth {

struct TokenCheck {
  std::string method;  // what answered, for the API: "provider", "introspection", "userinfo"
  runtime::UpstreamRequest request;
};

// The request that checks `access_token`, or nullopt when the provider
// offers no way (validate is then local only).
std::optional<TokenCheck> token_check_request(const plugin::OAuthDescriptor& descriptor, const ClientConfig& client,
                                              const std::string& access_token);

enum class TokenLiveness {
  alive,    // the provider accepted the token
  refused,  // the provider refused this token: refresh it and check again
  dead,     // the provider says the grant itself is gone: the user must authorize again
  unknown,  // the provider could not answer (5xx, 429, unreachable)
};

struct TokenVerdict {
  TokenLiveness liveness = TokenLiveness::unknown;
  std::string detail;  // the provider's error name or the HTTP status, never the token
};

TokenVerdict token_verdict(const plugin::OAuthDescriptor& descriptor, const TokenCheck& check,
                           const runtime::UpstreamResponse& response);

}  // namespace lagentry::oauth
