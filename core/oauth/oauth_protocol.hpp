// The OAuth 2.0 client protocol as pure functions over a provider's
// descriptor: authorization URLs (RFC 6749 4.1.1 + RFC 7636 PKCE S256),
// token requests with each client authentication method, token response
// parsing (including Slack's authed_user and HTTP-200 errors), and RFC 7009
// revocation and RFC 7662 introspection requests. No I/O here; the engine sends what these build.
#pragma once

#include "core/oauth/token_set.hpp"
#include "core/plugin/manifest.hpp"
#include "core/runtime/upstream.hpp"

#include <string>
#include <variant>
#include <vector>

namespace lagentry::oauth {

// The OAuth app the operator registered with the provider.
struct ClientConfig {
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;
};

struct Pkce {
  std::string verifier;   // 43 characters of base64url (32 random bytes)
  std::string challenge;  // base64url(SHA-256(verifier))
};
Pkce make_pkce();
std::string s256_challenge(std::string_view verifier);

struct AuthorizationRequest {
  std::string state;
  std::vector<std::string> scopes;
  std::vector<std::string> user_scopes;
  std::string code_challenge;  // empty when PKCE is off
};
std::string authorization_url(const plugin::OAuthDescriptor& descriptor, const ClientConfig& client,
                              const AuthorizationRequest& request);

runtime::UpstreamRequest code_exchange_request(const plugin::OAuthDescriptor& descriptor, const ClientConfig& client,
                                               const std::string& code, const std::string& code_verifier);
runtime::UpstreamRequest refresh_request(const plugin::OAuthDescriptor& descriptor, const ClientConfig& client,
                                         const std::string& refresh_token);
runtime::UpstreamRequest revocation_request(const plugin::OAuthDescriptor& descriptor, const ClientConfig& client,
                                            const std::string& token);
// RFC 7662: asks descriptor.introspection_url whether `token` is active.
runtime::UpstreamRequest introspection_request(const plugin::OAuthDescriptor& descriptor, const ClientConfig& client,
                                               const std::string& token);

// An error answered by the token endpoint.
struct TokenError {
  int http_status = 0;
  std::string error;        // "invalid_grant", "invalid_client", Slack's error string, "transport"
  std::string description;  // provider's text, safe to show (never contains the token)
  // True when the grant itself is dead: the user must authorize again.
  bool needs_reauth() const;
};

// Parses a token endpoint response. `now_ms` dates the expiry; `previous`
// supplies refresh tokens the response omits (Google never returns one on
// refresh: the old one stays valid).
std::variant<TokenSet, TokenError> parse_token_response(const plugin::OAuthDescriptor& descriptor,
                                                        const runtime::UpstreamResponse& response, std::int64_t now_ms,
                                                        const TokenSet* previous = nullptr);

// "a b,c" -> {"a","b","c"}: the API accepts commas and spaces alike.
std::vector<std::string> split_scopes(std::string_view text);
// {"a","b"} -> "a b", as OAuth 2.0 spells a scope list.
std::string join_scopes(const std::vector<std::string>& scopes);

}  // namespace lagentry::oauth
