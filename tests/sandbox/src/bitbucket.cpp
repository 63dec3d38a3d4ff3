// Bitbucket Cloud: its own OAuth server (bitbucket.org/site/oauth2) and the
// 2.0 API at api.bitbucket.org with page-number pagination.
#include "oauth.hpp"
#include "providers.hpp"

#include <boost/json/value.hpp>

namespace lagentry::sandbox {
namespace json = boost::json;

namespace {
constexpr int kBitbucketTokenTtl = 7200;
constexpr const char* kApi = "https://api.bitbucket.org/2.0";
constexpr const char* kUserUuid = "{d301aafa-d676-4ee0-88be-962be7417567}";
constexpr const char* kAccountId = "557058:sandbox-alice";
// Bitbucket scopes live on the OAuth consumer, not in the authorize request.
const std::vector<std::string> kConsumerScopes{"account", "repository", "pullrequest"};

Response bitbucket_error(int status, const std::string& message) {
  return json_response(status, json::object{{"type", "error"}, {"error", json::object{{"message", message}}}});
}

Response token_error(int status, const char* error, const std::string& description) {
  return json_response(status, json::object{{"error", error}, {"error_description", description}});
}

Response token(State& state, const Request& request) {
  auto t = token_request_from_form(request);
  const bool code_grant = t.grant_type == "authorization_code";
  if (!code_grant && t.grant_type != "refresh_token")
    return token_error(400, "unsupported_grant_type", "Unsupported grant type: " + t.grant_type);
  // Bitbucket refresh tokens do not rotate: the same one comes back.
  auto redeemed = code_grant ? redeem_code(state, Provider::bitbucket, t)
                             : redeem_refresh(state, Provider::bitbucket, t, false);
  switch (redeemed.error) {
    case OAuthError::none: break;
    case OAuthError::invalid_client: return token_error(400, "invalid_client", "Invalid OAuth client credentials");
    case OAuthError::invalid_request: return token_error(400, "invalid_request", redeemed.description);
    default: return token_error(400, "invalid_grant", redeemed.description);
  }
  Token consent = redeemed.consent;
  if (consent.scopes.empty()) consent.scopes = kConsumerScopes;
  const int ttl = state.access_ttl(kBitbucketTokenTtl);
  const auto& access = state.issue(consent, "sbx-bb-", ttl);
  std::string refresh = t.refresh_token;
  if (code_grant) {
    Token r = consent;
    r.refresh = true;
    refresh = state.issue(r, "sbx-bb-refresh-", 0).value;
  }
  return json_response(200, json::object{{"access_token", access.value},
                                         {"scopes", join(access.scopes, " ")},
                                         {"expires_in", ttl},
                                         {"refresh_token", refresh},
                                         {"token_type", "bearer"},
                                         {"state", code_grant ? "authorization_code" : "refresh_token"}});
}

struct BitbucketAuth {
  const Token* token = nullptr;
  Response error;
};

BitbucketAuth authenticate(const State& state, const Request& request, const char* scope) {
  auto check = state.check_access(Provider::bitbucket, request.bearer());
  switch (check.status) {
    case TokenStatus::missing: return {nullptr, bitbucket_error(401, "Authentication required.")};
    case TokenStatus::invalid: return {nullptr, bitbucket_error(401, "Token is invalid or not supported for this endpoint.")};
    case TokenStatus::expired: return {nullptr, bitbucket_error(401, "Access token expired.")};
    case TokenStatus::ok: break;
  }
  if (!has_scope(*check.token, scope)) {
    json::array granted;
    for (const auto& s : check.token->scopes) granted.emplace_back(s);
    return {nullptr, json_response(403, json::object{{"type", "error"},
                                                     {"error", json::object{{"message", "Your credentials lack one or more required privilege scopes."},
                                                                            {"detail", json::object{{"granted", granted}, {"required", json::array{scope}}}}}}})};
  }
  return {check.token, {}};
}

std::string bitbucket_time(std::int64_t epoch) {
  auto t = rfc3339(epoch);
  return t.substr(0, t.size() - 1) + ".000000+00:00";
}

json::object user_json() {
  return {{"type", "user"},           {"uuid", kUserUuid},
          {"account_id", kAccountId}, {"nickname", "alice"},
          {"display_name", kUserName}, {"links", json::object{{"html", json::object{{"href", "https://bitbucket.org/alice/"}}}}}};
}

// Page-number pagination: {"pagelen","page","size","next","previous","values"}.
template <class Item, class Render>
Response paged(const Request& request, const std::string& self_url, const std::vector<const Item*>& items, Render render) {
  const std::size_t pagelen = std::clamp<std::size_t>(to_size(request.query_param("pagelen"), 10), 1, 100);
  const std::size_t page = std::max<std::size_t>(1, to_size(request.query_param("page"), 1));
  json::array values;
  for (std::size_t i = (page - 1) * pagelen; i < std::min(items.size(), page * pagelen); ++i)
    values.push_back(render(*items[i]));
  json::object body{{"pagelen", pagelen}, {"size", items.size()}, {"page", page}};
  auto link = [&](std::size_t n) {
    Params q{{"page", std::to_string(n)}};
    if (request.query_param("pagelen")) q.emplace_back("pagelen", std::to_string(pagelen));
    if (auto state_filter = request.query_param("state")) q.emplace_back("state", *state_filter);
    return append_query(self_url, q);
  };
  if (page * pagelen < items.size()) body["next"] = link(page + 1);
  if (page > 1) body["previous"] = link(page - 1);
  body["values"] = values;
  return json_response(200, body);
}

json::object repo_json(const std::string& workspace, const BitbucketRepo& r) {
  const std::string full = workspace + "/" + r.slug;
  return {{"type", "repository"},
          {"uuid", "{sbx-repo-" + r.slug + "}"},
          {"full_name", full},
          {"name", r.name},
          {"slug", r.slug},
          {"description", r.description},
          {"is_private", r.is_private},
          {"language", r.language},
          {"scm", "git"},
          {"created_on", bitbucket_time(r.created)},
          {"updated_on", bitbucket_time(r.updated)},
          {"mainbranch", json::object{{"type", "branch"}, {"name", "main"}}},
          {"workspace", json::object{{"type", "workspace"}, {"slug", workspace}}},
          {"links", json::object{{"self", json::object{{"href", std::string(kApi) + "/repositories/" + full}}},
                                 {"html", json::object{{"href", "https://bitbucket.org/" + full}}}}}};
}

Response user(State& state, const Request& request) {
  auto auth = authenticate(state, request, "account");
  if (!auth.token) return auth.error;
  return json_response(200, user_json());
}

Response repositories(State& state, const Request& request) {
  auto auth = authenticate(state, request, "repository");
  if (!auth.token) return auth.error;
  const auto workspace = request.capture("workspace");
  if (workspace != state.bitbucket.workspace) return bitbucket_error(404, "No workspace with identifier '" + workspace + "'.");
  std::vector<const BitbucketRepo*> repos;
  for (const auto& r : state.bitbucket.repos) repos.push_back(&r);
  return paged<BitbucketRepo>(request, std::string(kApi) + "/repositories/" + workspace, repos,
                              [&](const BitbucketRepo& r) { return repo_json(workspace, r); });
}

const BitbucketRepo* find_repo(const State& state, const Request& request) {
  if (request.capture("workspace") != state.bitbucket.workspace) return nullptr;
  for (const auto& r : state.bitbucket.repos)
    if (r.slug == request.capture("repo")) return &r;
  return nullptr;
}

Response repository(State& state, const Request& request) {
  auto auth = authenticate(state, request, "repository");
  if (!auth.token) return auth.error;
  const auto* repo = find_repo(state, request);
  if (!repo) return bitbucket_error(404, "Repository not found");
  return json_response(200, repo_json(state.bitbucket.workspace, *repo));
}

Response pull_requests(State& state, const Request& request) {
  auto auth = authenticate(state, request, "pullrequest");
  if (!auth.token) return auth.error;
  const auto* repo = find_repo(state, request);
  if (!repo) return bitbucket_error(404, "Repository not found");
  const std::string wanted = request.query_param("state").value_or("OPEN");  // Bitbucket lists OPEN by default
  std::vector<const BitbucketPullRequest*> prs;
  for (const auto& pr : state.bitbucket.pull_requests)
    if (pr.repo == repo->slug && pr.state == wanted) prs.push_back(&pr);
  const std::string base = std::string(kApi) + "/repositories/" + state.bitbucket.workspace + "/" + repo->slug;
  return paged<BitbucketPullRequest>(request, base + "/pullrequests", prs, [&](const BitbucketPullRequest& pr) {
    auto branch = [](const std::string& name) { return json::object{{"branch", json::object{{"name", name}}}}; };
    return json::object{{"type", "pullrequest"},
                        {"id", pr.id},
                        {"title", pr.title},
                        {"state", pr.state},
                        {"author", user_json()},
                        {"source", branch(pr.source_branch)},
                        {"destination", branch(pr.destination_branch)},
                        {"created_on", bitbucket_time(pr.created)},
                        {"updated_on", bitbucket_time(pr.created)},
                        {"links", json::object{{"self", json::object{{"href", base + "/pullrequests/" + std::to_string(pr.id)}}}}}};
  });
}
}  // namespace

void add_bitbucket_routes(Router& router) {
  router.add_origin("bitbucket.org", [](int status, const std::string& message) { return bitbucket_error(status, message); });
  router.add_origin("api.bitbucket.org", [](int status, const std::string& message) {
    return bitbucket_error(status, status == 429 ? "Rate limit for this resource has been exceeded" : message);
  });
  router.add("bitbucket.org", "GET", "/site/oauth2/authorize", [](State& s, const Request& r) {
    return authorize(s, r, AuthorizeStyle{Provider::bitbucket, ' ', false});
  });
  router.add("bitbucket.org", "POST", "/site/oauth2/access_token", token);
  router.add("api.bitbucket.org", "GET", "/2.0/user", user);
  router.add("api.bitbucket.org", "GET", "/2.0/repositories/{workspace}", repositories);
  router.add("api.bitbucket.org", "GET", "/2.0/repositories/{workspace}/{repo}", repository);
  router.add("api.bitbucket.org", "GET", "/2.0/repositories/{workspace}/{repo}/pullrequests", pull_requests);
}

}  // namespace lagentry::sandbox
