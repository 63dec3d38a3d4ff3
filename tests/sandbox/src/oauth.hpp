// The provider-neutral half of the four OAuth servers: consent, codes, PKCE,
// client authentication and refresh-token bookkeeping. Each provider file
// wraps these in its own parameter style and response/error shapes.
#pragma once

#include "http.hpp"
#include "state.hpp"

#include <optional>
#include <string>

namespace lagentry::sandbox {

inline constexpr int kCodeLifetimeSeconds = 600;

struct AuthorizeStyle {
  Provider provider;
  char scope_separator = ' ';  // Slack joins scopes with ','
  bool echo_scope = false;     // Google repeats scope= on the callback
};

// GET authorize: checks client_id and redirect_uri, consents automatically
// (or denies when /_sandbox/consent says so) and redirects to redirect_uri.
Response authorize(State& state, const Request& request, const AuthorizeStyle& style);

// A token-endpoint call, whichever way the provider takes its parameters.
struct TokenRequest {
  std::string grant_type, client_id, client_secret, code, redirect_uri, code_verifier, refresh_token;
};
// Form body, client credentials from the form or HTTP Basic (Basic wins).
TokenRequest token_request_from_form(const Request& request);
// JSON body (Atlassian).
TokenRequest token_request_from_json(const Request& request);

enum class OAuthError { none, invalid_request, invalid_client, invalid_grant, bad_redirect_uri, bad_verifier };

struct Redeemed {
  OAuthError error = OAuthError::none;
  std::string description;
  Token consent;  // the grant: provider, client, scopes, sites (for issuing)
  AuthCode code;  // authorization_code grant only
};

// authorization_code grant: client, single use (reuse revokes what the code
// issued, RFC 6749 4.1.2), expiry, redirect_uri and PKCE S256.
Redeemed redeem_code(State& state, Provider provider, const TokenRequest& request);
// refresh_token grant. rotate: the presented refresh token stops working.
Redeemed redeem_refresh(State& state, Provider provider, const TokenRequest& request, bool rotate);

}  // namespace lagentry::sandbox
