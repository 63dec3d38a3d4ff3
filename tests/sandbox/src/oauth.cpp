#include "oauth.hpp"

#include <algorithm>

#include <boost/json/value.hpp>

namespace lagentry::sandbox {

namespace {
std::vector<std::string> split_scopes(const std::optional<std::string>& value, char separator) {
  std::vector<std::string> out;
  if (!value) return out;
  for (auto& s : split(*value, separator))
    if (auto t = trim(s); !t.empty()) out.push_back(t);
  return out;
}

std::vector<std::string> granted_sites(const State& state) {
  if (!state.settings.atlassian_sites.empty()) return state.settings.atlassian_sites;
  std::vector<std::string> out;
  for (const auto& site : state.atlassian.sites) out.push_back(site.cloud_id);
  return out;
}

bool client_ok(const TokenRequest& request) {
  return request.client_id == kClientId && request.client_secret == kClientSecret;
}

Token consent_of(const AuthCode& code) {
  Token t;
  t.provider = code.provider;
  t.client_id = code.client_id;
  t.scopes = code.scopes;
  t.sites = code.sites;
  t.grant = code.grant;
  return t;
}
}  // namespace

Response authorize(State& state, const Request& request, const AuthorizeStyle& style) {
  auto client_id = request.query_param("client_id");
  auto redirect_uri = request.query_param("redirect_uri");
  // Without a valid client or redirect target the provider shows an error page: never redirect.
  if (!client_id || client_id->empty()) return text_response(400, "Error 400: invalid_request\nMissing required parameter: client_id");
  if (!redirect_uri || redirect_uri->empty())
    return text_response(400, "Error 400: invalid_request\nMissing required parameter: redirect_uri");
  if (*client_id != kClientId) return text_response(401, "Error 401: invalid_client\nThe OAuth client was not found.");

  Params callback;
  auto state_param = request.query_param("state");
  auto fail = [&](const char* error) {
    callback.emplace_back("error", error);
    if (state_param) callback.emplace_back("state", *state_param);
    return redirect_response(append_query(*redirect_uri, callback));
  };
  if (style.provider != Provider::slack && request.query_param("response_type").value_or("") != "code")
    return fail("unsupported_response_type");
  auto challenge = request.query_param("code_challenge");
  if (challenge && request.query_param("code_challenge_method").value_or("plain") != "S256")
    return fail("invalid_request");  // the sandbox only speaks S256
  if (state.settings.deny_consent) return fail("access_denied");

  AuthCode code;
  code.provider = style.provider;
  code.client_id = *client_id;
  code.redirect_uri = *redirect_uri;
  code.code_challenge = challenge.value_or("");
  code.scopes = split_scopes(request.query_param("scope"), style.scope_separator);
  if (style.provider == Provider::google && request.query_param("include_granted_scopes").value_or("") == "true") {
    // Incremental authorization: the new grant covers what was granted before too.
    auto& granted = state.granted_scopes[*client_id];
    for (const auto& scope : granted)
      if (std::find(code.scopes.begin(), code.scopes.end(), scope) == code.scopes.end()) code.scopes.push_back(scope);
    granted = code.scopes;
  }
  code.user_scopes = split_scopes(request.query_param("user_scope"), style.scope_separator);
  code.offline = request.query_param("access_type").value_or("") == "offline";
  if (style.provider == Provider::atlassian) code.sites = granted_sites(state);
  code.expires_at = now_seconds() + kCodeLifetimeSeconds;
  auto value = random_token("sbx-code-");
  code.grant = value;
  state.codes.emplace(value, code);

  callback.emplace_back("code", value);
  if (state_param) callback.emplace_back("state", *state_param);
  if (style.echo_scope) callback.emplace_back("scope", join(code.scopes, " "));
  return redirect_response(append_query(*redirect_uri, callback));
}

TokenRequest token_request_from_form(const Request& request) {
  auto form = request.form();
  auto field = [&](std::string_view key) { return first(form, key).value_or(""); };
  TokenRequest t{field("grant_type"), field("client_id"),    field("client_secret"), field("code"),
                 field("redirect_uri"), field("code_verifier"), field("refresh_token")};
  if (auto basic = request.basic()) {
    t.client_id = basic->first;
    t.client_secret = basic->second;
  }
  return t;
}

TokenRequest token_request_from_json(const Request& request) {
  TokenRequest t;
  auto body = request.json();
  if (!body.is_object()) return t;
  auto field = [&](std::string_view key) -> std::string {
    auto* v = body.as_object().if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  return {field("grant_type"), field("client_id"),    field("client_secret"), field("code"),
          field("redirect_uri"), field("code_verifier"), field("refresh_token")};
}

Redeemed redeem_code(State& state, Provider provider, const TokenRequest& request) {
  if (!client_ok(request)) return {OAuthError::invalid_client, "The OAuth client was not found.", {}, {}};
  if (request.code.empty()) return {OAuthError::invalid_request, "Missing required parameter: code", {}, {}};
  auto it = state.codes.find(request.code);
  if (it == state.codes.end() || it->second.provider != provider)
    return {OAuthError::invalid_grant, "Malformed auth code.", {}, {}};
  AuthCode& code = it->second;
  if (code.used) {
    state.revoke_grant(code.grant);
    return {OAuthError::invalid_grant, "Authorization code has already been used.", {}, {}};
  }
  if (code.expires_at <= now_seconds()) return {OAuthError::invalid_grant, "Authorization code has expired.", {}, {}};
  if (code.client_id != request.client_id)
    return {OAuthError::invalid_grant, "Authorization code was issued to another client.", {}, {}};
  if (code.redirect_uri != request.redirect_uri)
    return {OAuthError::bad_redirect_uri, "redirect_uri does not match the authorization request.", {}, {}};
  if (!code.code_challenge.empty() && sha256_base64url(request.code_verifier) != code.code_challenge)
    return {OAuthError::bad_verifier, "Invalid code verifier.", {}, {}};
  code.used = true;
  ++state.stats.token_grants["authorization_code"];
  return {OAuthError::none, "", consent_of(code), code};
}

Redeemed redeem_refresh(State& state, Provider provider, const TokenRequest& request, bool rotate) {
  if (!client_ok(request)) return {OAuthError::invalid_client, "The OAuth client was not found.", {}, {}};
  if (request.refresh_token.empty())
    return {OAuthError::invalid_request, "Missing required parameter: refresh_token", {}, {}};
  auto it = state.tokens.find(request.refresh_token);
  if (it == state.tokens.end() || !it->second.refresh || it->second.provider != provider || it->second.revoked ||
      it->second.client_id != request.client_id)
    return {OAuthError::invalid_grant, "Token has been expired or revoked.", {}, {}};
  if (rotate) it->second.revoked = true;
  ++state.stats.token_grants["refresh_token"];
  Token consent = it->second;  // the grant, minus what made it a refresh token
  consent.refresh = false;
  consent.revoked = false;
  return {OAuthError::none, "", consent, {}};
}

}  // namespace lagentry::sandbox
