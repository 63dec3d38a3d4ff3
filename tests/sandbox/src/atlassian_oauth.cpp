// Atlassian OAuth 2.0 (3LO): auth.atlassian.com, JSON token requests,
// rotating refresh tokens; identity at api.atlassian.com.
#include "atlassian.hpp"
#include "oauth.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
constexpr int kAtlassianTokenTtl = 3600;

Response token_error(int status, const char* error, const std::string& description) {
  return json_response(status, json::object{{"error", error}, {"error_description", description}});
}

Response token(State& state, const Request& request) {
  // JSON is the documented body; a form body is accepted as well.
  auto t = request.is_json() ? token_request_from_json(request) : token_request_from_form(request);
  const bool code_grant = t.grant_type == "authorization_code";
  if (!code_grant && t.grant_type != "refresh_token")
    return token_error(400, "unsupported_grant_type", "Unsupported grant type: " + t.grant_type);
  // Every refresh returns a new refresh token and disables the presented one.
  auto redeemed = code_grant ? redeem_code(state, Provider::atlassian, t)
                             : redeem_refresh(state, Provider::atlassian, t, true);
  switch (redeemed.error) {
    case OAuthError::none: break;
    case OAuthError::invalid_client: return token_error(401, "invalid_client", "Unauthorized");
    case OAuthError::invalid_request: return token_error(400, "invalid_request", redeemed.description);
    default:
      return token_error(403, "invalid_grant",
                         code_grant ? "Invalid authorization code" : "Unknown or invalid refresh token.");
  }
  const int ttl = state.access_ttl(kAtlassianTokenTtl);
  const auto& access = state.issue(redeemed.consent, "sbx-atl-", ttl);
  json::object body{{"access_token", access.value},
                    {"expires_in", ttl},
                    {"scope", join(access.scopes, " ")},
                    {"token_type", "Bearer"}};
  if (has_scope(access, "offline_access")) {
    Token refresh = redeemed.consent;
    refresh.refresh = true;
    body["refresh_token"] = state.issue(refresh, "sbx-atl-refresh-", 0).value;
  }
  return json_response(200, body);
}

Response accessible_resources(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {});
  if (!auth.token) return auth.error;
  json::array out;
  json::array scopes;
  for (const auto& s : auth.token->scopes) scopes.emplace_back(s);
  for (const auto& site : state.atlassian.sites)
    for (const auto& id : auth.token->sites)
      if (id == site.cloud_id)
        out.push_back(json::object{{"id", site.cloud_id},
                                   {"name", site.name},
                                   {"url", site.url},
                                   {"scopes", scopes},
                                   {"avatarUrl", "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png"}});
  return json_response(200, out);
}

Response me(State& state, const Request& request) {
  auto auth = atlassian_authenticate(state, request, {"read:me"});
  if (!auth.token) return auth.error;
  return json_response(200, json::object{{"account_type", "atlassian"},
                                         {"account_id", kAtlassianAccountId},
                                         {"email", kUserEmail},
                                         {"email_verified", true},
                                         {"name", kUserName},
                                         {"picture", "https://avatar-management.services.atlassian.com/sandbox.png"},
                                         {"account_status", "active"},
                                         {"nickname", "alice"},
                                         {"locale", "en-US"},
                                         {"extended_profile", json::object{}}});
}
}  // namespace

Response atlassian_gateway_error(int code, const std::string& message) {
  return json_response(code, json::object{{"code", code}, {"message", message}});
}

AtlassianAuth atlassian_authenticate(State& state, const Request& request, std::initializer_list<const char*> any_scope) {
  auto check = state.check_access(Provider::atlassian, request.bearer());
  if (check.status != TokenStatus::ok) return {nullptr, nullptr, atlassian_gateway_error(401, "Unauthorized")};
  bool scoped = any_scope.size() == 0;
  for (const char* s : any_scope) scoped = scoped || has_scope(*check.token, s);
  if (!scoped) return {nullptr, nullptr, atlassian_gateway_error(401, "Unauthorized; scope does not match")};
  AtlassianSite* site = nullptr;
  if (auto cloud_id = request.capture("cloudid"); !cloud_id.empty()) {
    const auto& granted = check.token->sites;
    if (std::find(granted.begin(), granted.end(), cloud_id) != granted.end())
      for (auto& s : state.atlassian.sites)
        if (s.cloud_id == cloud_id) site = &s;
    if (!site) return {nullptr, nullptr, atlassian_gateway_error(401, "Unauthorized")};
  }
  return {check.token, site, {}};
}

std::string jira_time(std::int64_t epoch) {
  auto text = rfc3339(epoch);  // "...:00Z"
  return text.substr(0, text.size() - 1) + ".000+0000";
}

void add_atlassian_oauth_routes(Router& router) {
  auto gateway = [](int status, const std::string& message) { return atlassian_gateway_error(status, message); };
  router.add_origin("auth.atlassian.com", gateway);
  router.add_origin("api.atlassian.com", gateway);
  router.add("auth.atlassian.com", "GET", "/authorize", [](State& s, const Request& r) {
    if (r.query_param("audience").value_or("") != "api.atlassian.com")
      return text_response(400, "invalid_request: audience must be api.atlassian.com");
    return authorize(s, r, AuthorizeStyle{Provider::atlassian, ' ', false});
  });
  router.add("auth.atlassian.com", "POST", "/oauth/token", token);
  router.add("api.atlassian.com", "GET", "/oauth/token/accessible-resources", accessible_resources);
  router.add("api.atlassian.com", "GET", "/me", me);
}

}  // namespace lagentry::sandbox
