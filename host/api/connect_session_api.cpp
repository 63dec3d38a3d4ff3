#include "host/api/connect_session_api.hpp"

#include "core/oauth/redirect_allowlist.hpp"
#include "core/store/clock.hpp"
#include "host/http/responses.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {
ApiError bad(std::string message, std::string_view field) {
  return ApiError(http::status::bad_request, "invalid_request", std::move(message), json::object{{"field", field}});
}

ConnectLinkRequest request_from(const json::value& body, const Principal& principal) {
  const auto* object = body.if_object();
  if (!object) throw bad("the body must be a JSON object", "");
  for (const auto& field : *object)
    if (field.key() != "user_email" && field.key() != "providers" && field.key() != "redirect_to" && field.key() != "expires_in")
      throw bad("unknown field '" + std::string(field.key()) + "'", field.key());
  ConnectLinkRequest request;
  request.tenant_id = principal.tenant_id;
  const auto* email = object->if_contains("user_email");
  if (!email || !email->is_string()) throw bad("user_email is required", "user_email");
  request.user_email = std::string(email->get_string());
  if (!principal.user_email.empty() && request.user_email != principal.user_email)
    throw ApiError(http::status::forbidden, "forbidden", "this API key acts for one end user only");
  if (const auto* providers = object->if_contains("providers")) {
    if (!providers->is_array()) throw bad("providers must be an array of provider names", "providers");
    for (const auto& name : providers->get_array()) {
      if (!name.is_string()) throw bad("providers must be an array of provider names", "providers");
      request.providers.emplace_back(name.get_string());
    }
  }
  if (const auto* redirect_to = object->if_contains("redirect_to")) {
    if (!redirect_to->is_string()) throw bad("redirect_to must be a URL", "redirect_to");
    request.redirect_to = std::string(redirect_to->get_string());
  }
  if (const auto* expires_in = object->if_contains("expires_in")) {
    const auto seconds = expires_in->is_int64() ? expires_in->get_int64() : -1;
    if (seconds < 1 || seconds > kConnectLinkMaxLifetime.count())
      throw bad("expires_in must be an integer from 1 to " + std::to_string(kConnectLinkMaxLifetime.count()), "expires_in");
    request.lifetime = std::chrono::seconds(seconds);
  }
  return request;
}

json::object link_json(const ConnectLink& link) {
  json::array providers;
  for (const auto& p : link.session.providers) providers.emplace_back(p);
  return {{"id", link.session.id},
          {"url", link.url},
          {"expires_at", link.session.expires_at_ms / 1000},
          {"user_email", link.session.user_email},
          {"providers", std::move(providers)},
          {"redirect_to", link.session.redirect_to.empty() ? json::value(nullptr) : json::value(link.session.redirect_to)}};
}
}  // namespace

ConnectLink issue_connect_link(store::Database& database, const oauth::OAuthEngine& engine, const Config& config,
                               ConnectLinkRequest request) {
  if (!plausible_email(request.user_email)) throw bad("user_email must be an email address", "user_email");
  std::vector<std::string> providers;
  for (const auto& name : request.providers) {
    if (!engine.providers().find(name)) throw bad("unknown provider '" + name + "'", "providers");
    if (std::find(providers.begin(), providers.end(), name) == providers.end()) providers.push_back(name);
  }
  std::string redirect_to;
  if (!request.redirect_to.empty()) {
    auto verdict = oauth::RedirectAllowList::parse(config.redirect_allowlist).check(request.redirect_to);
    if (!verdict.allowed()) throw bad(verdict.refusal, "redirect_to");
    redirect_to = verdict.url;
  }
  store::ConnectSession session;
  session.tenant_id = request.tenant_id;
  session.user_email = request.user_email;
  session.providers = std::move(providers);
  session.redirect_to = std::move(redirect_to);
  if (session.providers.size() == 1) session.scopes = std::move(request.scopes);
  session.expires_at_ms = store::now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(request.lifetime).count();
  store::ConnectSessionStore store(database);
  auto [stored, token] = store.create(std::move(session));
  return ConnectLink{std::move(stored), config.public_url + "/connect/" + token};
}

void add_connect_session_routes(Router& router, store::Database& database, store::DatabaseWork& work,
                                oauth::OAuthEngine& engine, const Config& config) {
  router.add(http::verb::post, "/api/v1/unified/connect/sessions", [&](RequestContext& ctx) -> awaitable<Response> {
    const json::value body = parse_json_body(ctx.request);
    const ConnectLinkRequest request = request_from(body, *ctx.principal);
    ConnectLink link = co_await work.run([&] { return issue_connect_link(database, engine, config, request); });
    co_return json_response(http::status::created, link_json(link));
  });
}

}  // namespace lagentry::host
