// Google's OAuth 2.0 server (accounts.google.com, oauth2.googleapis.com) and
// identity endpoints, plus the error envelope every Google API shares.
#include "google.hpp"
#include "oauth.hpp"

#include <boost/json/value.hpp>
#include <boost/json/serialize.hpp>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
const char* status_name(int code) {
  switch (code) {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 405: return "METHOD_NOT_ALLOWED";
    case 409: return "ALREADY_EXISTS";
    case 410: return "FAILED_PRECONDITION";
    case 429: return "RESOURCE_EXHAUSTED";
    case 503: return "UNAVAILABLE";
    default: return code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

const char* reason_for(int code) {
  switch (code) {
    case 404: return "notFound";
    case 429: return "rateLimitExceeded";
    case 503: return "backendError";
    default: return code >= 500 ? "backendError" : "badRequest";
  }
}

bool has_google_scope(const Token& token, std::string_view scope) {
  return has_scope(token, scope) || has_scope(token, "https://www.googleapis.com/auth/" + std::string(scope));
}

// The OAuth endpoints' own error shape: {"error":"invalid_grant","error_description":".."}.
Response oauth_error(int status, const char* error, const std::string& description) {
  return json_response(status, json::object{{"error", error}, {"error_description", description}});
}

Response redeemed_error(const Redeemed& r) {
  switch (r.error) {
    case OAuthError::invalid_client: return oauth_error(401, "invalid_client", "Unauthorized");
    case OAuthError::invalid_request: return oauth_error(400, "invalid_request", r.description);
    case OAuthError::bad_redirect_uri: return oauth_error(400, "redirect_uri_mismatch", "Bad Request");
    default: return oauth_error(400, "invalid_grant", r.description);
  }
}

// An OpenID Connect id_token. Signed with nothing real ("alg":"none" would
// trip libraries that reject it, so it claims RS256 with a fake signature):
// clients that verify signatures must skip verification against the sandbox.
std::string id_token(const Token& consent) {
  auto now = now_seconds();
  json::object header{{"alg", "RS256"}, {"kid", "sandbox"}, {"typ", "JWT"}};
  json::object claims{{"iss", "https://accounts.google.com"}, {"azp", consent.client_id}, {"aud", consent.client_id},
                      {"sub", kGoogleUserId},  {"email", kUserEmail},        {"email_verified", true},
                      {"name", kUserName},     {"iat", now},                 {"exp", now + kGoogleTokenTtl}};
  return base64_encode(json::serialize(header), true) + "." + base64_encode(json::serialize(claims), true) + "." +
         base64_encode("sandbox-signature", true);
}

Response token(State& state, const Request& request) {
  auto t = token_request_from_form(request);
  const bool code_grant = t.grant_type == "authorization_code";
  if (!code_grant && t.grant_type != "refresh_token")
    return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + t.grant_type);
  auto redeemed = code_grant ? redeem_code(state, Provider::google, t) : redeem_refresh(state, Provider::google, t, false);
  if (redeemed.error != OAuthError::none) return redeemed_error(redeemed);

  const auto& access = state.issue(redeemed.consent, "ya29.sandbox-", state.access_ttl(kGoogleTokenTtl));
  json::object body{{"access_token", access.value},
                    {"expires_in", state.access_ttl(kGoogleTokenTtl)},
                    {"scope", join(access.scopes, " ")},
                    {"token_type", "Bearer"}};
  // Google never returns a refresh token on refresh: the client keeps its old one.
  if (code_grant && redeemed.code.offline) {
    Token refresh = redeemed.consent;
    refresh.refresh = true;
    body["refresh_token"] = state.issue(refresh, "1//sandbox-", 0).value;
  }
  if (has_scope(access, "openid")) body["id_token"] = id_token(access);
  return json_response(200, body);
}

Response revoke(State& state, const Request& request) {
  auto value = request.query_param("token");
  if (!value) value = first(request.form(), "token");
  auto it = value ? state.tokens.find(*value) : state.tokens.end();
  if (it == state.tokens.end() || it->second.provider != Provider::google || it->second.revoked)
    return oauth_error(400, "invalid_token", "Token expired or revoked");
  // Revoking either token of a grant revokes the whole grant, as Google does.
  state.revoke_grant(it->second.grant);
  return json_response(200, json::object{});
}

Response tokeninfo(State& state, const Request& request) {
  auto value = request.query_param("access_token");
  if (!value) value = first(request.form(), "access_token");
  auto check = state.check_access(Provider::google, value.value_or(""));
  if (check.status != TokenStatus::ok) return oauth_error(400, "invalid_token", "Invalid Value");
  const Token& t = *check.token;
  json::object body{{"azp", t.client_id},
                    {"aud", t.client_id},
                    {"sub", kGoogleUserId},
                    {"scope", join(t.scopes, " ")},
                    {"exp", std::to_string(t.expires_at)},
                    {"expires_in", std::to_string(std::max<std::int64_t>(0, t.expires_at - now_seconds()))},
                    {"access_type", "offline"}};
  if (has_google_scope(t, "userinfo.email") || has_scope(t, "email")) {
    body["email"] = kUserEmail;
    body["email_verified"] = "true";
  }
  return json_response(200, body);
}

Response userinfo(State& state, const Request& request) {
  auto auth = google_authenticate(state, request, {"userinfo.email", "userinfo.profile", "email", "profile", "openid"});
  if (!auth.token) return auth.error;
  return json_response(200, json::object{{"id", kGoogleUserId},
                                         {"email", kUserEmail},
                                         {"verified_email", true},
                                         {"name", kUserName},
                                         {"given_name", "Alice"},
                                         {"family_name", "Example"},
                                         {"picture", "https://lh3.googleusercontent.com/a/sandbox"},
                                         {"locale", "en"},
                                         {"hd", "example.com"}});
}
}  // namespace

Response google_error(int code, const std::string& message, const std::string& reason, const std::string& domain) {
  json::object detail{{"message", message}, {"domain", domain}, {"reason", reason}};
  if (code == 401) {
    detail["locationType"] = "header";
    detail["location"] = "Authorization";
  }
  auto r = json_response(code, json::object{{"error", json::object{{"code", code},
                                                                    {"message", message},
                                                                    {"status", status_name(code)},
                                                                    {"errors", json::array{detail}}}}});
  if (code == 401) r.with_header("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
  return r;
}

Response google_not_found(const std::string& message) { return google_error(404, message, "notFound"); }

GoogleAuth google_authenticate(const State& state, const Request& request, std::initializer_list<const char*> any_scope) {
  auto check = state.check_access(Provider::google, request.bearer());
  if (check.status == TokenStatus::missing)
    return {nullptr, google_error(401,
                                  "Request is missing required authentication credential. Expected OAuth 2 access "
                                  "token, login cookie or other valid authentication credential.",
                                  "required")};
  if (check.status != TokenStatus::ok) return {nullptr, google_error(401, "Invalid Credentials", "authError")};
  for (const char* scope : any_scope)
    if (has_google_scope(*check.token, scope)) return {check.token, {}};
  return {nullptr, google_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions")};
}

// RFC 7662 token introspection. Google itself has none; the standards
// server the metadata below describes offers it, so providers defined by a
// descriptor can be validated the standard way.
Response introspect(State& state, const Request& request) {
  const TokenRequest client = token_request_from_form(request);
  if (client.client_id != kClientId || client.client_secret != kClientSecret)
    return oauth_error(401, "invalid_client", "Unauthorized");
  auto check = state.check_access(Provider::google, first(request.form(), "token").value_or(""));
  if (check.status != TokenStatus::ok) return json_response(200, json::object{{"active", false}});
  const Token& t = *check.token;
  return json_response(200, json::object{{"active", true},
                                         {"scope", join(t.scopes, " ")},
                                         {"client_id", t.client_id},
                                         {"token_type", "Bearer"},
                                         {"exp", t.expires_at},
                                         {"sub", kGoogleUserId}});
}

// RFC 8414 authorization server metadata, with Google's real endpoints (Google
// publishes the same document as OpenID discovery). Lets the host's
// "config-only provider" path be tested with discovery from an issuer URL.
Response metadata(State&, const Request&) {
  return json_response(200, json::object{
                                {"issuer", "https://accounts.google.com"},
                                {"authorization_endpoint", "https://accounts.google.com/o/oauth2/v2/auth"},
                                {"token_endpoint", "https://oauth2.googleapis.com/token"},
                                {"revocation_endpoint", "https://oauth2.googleapis.com/revoke"},
                                {"introspection_endpoint", "https://oauth2.googleapis.com/introspect"},
                                {"userinfo_endpoint", "https://www.googleapis.com/oauth2/v2/userinfo"},
                                {"response_types_supported", json::array{"code"}},
                                {"grant_types_supported", json::array{"authorization_code", "refresh_token"}},
                                {"code_challenge_methods_supported", json::array{"plain", "S256"}},
                                {"token_endpoint_auth_methods_supported",
                                 json::array{"client_secret_post", "client_secret_basic"}}});
}

void add_google_oauth_routes(Router& router) {
  auto shape = [](int status, const std::string& message) { return google_error(status, message, reason_for(status)); };
  for (const char* origin : {"accounts.google.com", "oauth2.googleapis.com", "www.googleapis.com", "gmail.googleapis.com"})
    router.add_origin(origin, shape);
  router.add("accounts.google.com", "GET", "/o/oauth2/v2/auth", [](State& s, const Request& r) {
    return authorize(s, r, AuthorizeStyle{Provider::google, ' ', true});
  });
  router.add("accounts.google.com", "GET", "/.well-known/oauth-authorization-server", metadata);
  router.add("oauth2.googleapis.com", "POST", "/token", token);
  router.add("oauth2.googleapis.com", "POST", "/revoke", revoke);
  router.add("oauth2.googleapis.com", "GET|POST", "/tokeninfo", tokeninfo);
  router.add("oauth2.googleapis.com", "POST", "/introspect", introspect);
  router.add("www.googleapis.com", "GET", "/oauth2/v2/userinfo", userinfo);
}

}  // namespace lagentry::sandbox
