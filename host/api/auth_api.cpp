#include "host/api/auth_api.hpp"

#include "host/api/callback_page.hpp"
#include "host/http/responses.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/url.hpp>

#include <cctype>

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

std::string env_prefix(const plugin::ProviderDescriptor& provider) {
  if (!provider.oauth.env_prefix.empty()) return provider.oauth.env_prefix;
  std::string prefix = provider.name;
  for (char& c : prefix) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return prefix;
}

std::string required_user(RequestContext& ctx) {
  auto email = ctx.query("user_email");
  if (!email || email->empty()) throw ApiError(http::status::bad_request, "invalid_request", "user_email is required");
  return *email;
}

json::value expiry(std::int64_t ms) { return ms ? json::value(ms / 1000) : json::value(nullptr); }

// Where a callback may send the browser: only to allow-listed prefixes.
bool redirect_allowed(const std::string& target, const Config& config) {
  if (target.empty()) return false;
  for (const auto& prefix : config.redirect_allowlist)
    if (!prefix.empty() && target.rfind(prefix, 0) == 0) return true;
  return false;
}

awaitable<Response> handle_callback(RequestContext& ctx, oauth::OAuthEngine& engine, const Config& config) {
  const std::string& provider = ctx.param("provider");
  const std::string state = ctx.query("state").value_or("");
  if (auto error = ctx.query("error")) {
    try {
      engine.deny(provider, state, *error);
    } catch (const ApiError&) {
      // The denial is shown either way; an unknown state changes nothing.
    }
    co_return callback_page(http::status::bad_request, "Authorization was not granted",
                            "The provider reported: " + error->substr(0, 64) + ". Nothing was stored. You can close this window.");
  }
  try {
    auto connected = co_await engine.complete(provider, ctx.query("code").value_or(""), state);
    if (redirect_allowed(connected.redirect_to, config)) {
      boost::urls::url target(connected.redirect_to);
      target.params().set("status", "connected");
      target.params().set("provider", provider);
      co_return callback_redirect(target.buffer());
    }
    co_return callback_page(http::status::ok, "Connected",
                            "Your " + provider + " account is connected. You can close this window.");
  } catch (const ApiError& e) {
    co_return callback_page(e.status, "Connection failed", e.code + ": " + e.message);
  }
}

json::object status_entry(const std::string& provider, const store::Connection* c) {
  json::object entry{{"provider", provider}, {"connected", c != nullptr}};
  if (!c) return entry;
  entry["status"] = c->status;
  entry["scopes"] = c->scopes;
  entry["expires_at"] = expiry(c->expires_at_ms);
  entry["needs_reauth"] = c->status == "needs_reauth";
  entry["connected_at"] = c->created_at_ms / 1000;
  json::error_code ec;
  json::value metadata = json::parse(c->metadata, ec);
  if (!ec && metadata.is_object() && !metadata.get_object().empty()) entry["metadata"] = std::move(metadata);
  return entry;
}

}  // namespace

std::optional<oauth::ClientConfig> client_config(const plugin::ProviderDescriptor& provider, const Config& config) {
  const std::string prefix = env_prefix(provider);
  auto id = config.variable(prefix + "_CLIENT_ID");
  auto secret = config.variable(prefix + "_CLIENT_SECRET");
  if (!id || id->empty() || !secret || secret->empty()) return std::nullopt;
  oauth::ClientConfig client{*id, *secret, config.variable(prefix + "_REDIRECT_URI").value_or("")};
  if (client.redirect_uri.empty()) client.redirect_uri = config.public_url + "/auth/" + provider.name + "/callback";
  return client;
}

void add_auth_routes(Router& router, oauth::OAuthEngine& engine, const Config& config) {
  router.add(http::verb::get, "/api/v1/unified/auth/{provider}/url", [&](RequestContext& ctx) -> awaitable<Response> {
    auto start = co_await engine.begin(ctx.tenant(), required_user(ctx), ctx.param("provider"), ctx.query("scopes").value_or(""),
                              ctx.query("redirect_to").value_or(""));
    co_return json_response(http::status::ok, json::object{{"provider", ctx.param("provider")},
                                                           {"authorization_url", start.url},
                                                           {"expires_at", start.expires_at_ms / 1000}});
  });

  for (const char* path : {"/api/v1/unified/auth/{provider}/callback", "/auth/{provider}/callback"})
    router.add(http::verb::get, path,
               [&](RequestContext& ctx) -> awaitable<Response> { co_return co_await handle_callback(ctx, engine, config); },
               Access::open);

  router.add(http::verb::get, "/api/v1/unified/auth/{provider}/validate", [&](RequestContext& ctx) -> awaitable<Response> {
    auto access = co_await engine.access(ctx.tenant(), required_user(ctx), ctx.param("provider"));
    co_return json_response(http::status::ok, json::object{{"provider", ctx.param("provider")},
                                                           {"valid", true},
                                                           {"scopes", access.tokens.primary.scope},
                                                           {"expires_at", expiry(access.tokens.primary.expires_at_ms)}});
  });

  auto refresh = [&](RequestContext& ctx) -> awaitable<Response> {
    auto access = co_await engine.refresh(ctx.tenant(), required_user(ctx), ctx.param("provider"));
    co_return json_response(http::status::ok, json::object{{"provider", ctx.param("provider")},
                                                           {"refreshed", true},
                                                           {"expires_at", expiry(access.tokens.primary.expires_at_ms)}});
  };
  router.add(http::verb::get, "/api/v1/unified/auth/{provider}/refresh", refresh);
  router.add(http::verb::post, "/api/v1/unified/auth/{provider}/refresh", refresh);

  auto revoke = [&](RequestContext& ctx) -> awaitable<Response> {
    auto outcome = co_await engine.revoke(ctx.tenant(), required_user(ctx), ctx.param("provider"));
    json::object body{{"provider", ctx.param("provider")},
                      {"revoked", true},
                      {"provider_revoked", outcome.revoked_upstream},
                      {"deleted", true}};
    if (!outcome.upstream_error.empty()) body["provider_error"] = outcome.upstream_error;
    if (!outcome.had_endpoint) body["provider_error"] = "the provider has no revocation endpoint";
    co_return json_response(http::status::ok, body);
  };
  router.add(http::verb::delete_, "/api/v1/unified/auth/{provider}/revoke", revoke);
  router.add(http::verb::delete_, "/api/v1/unified/auth/{provider}", revoke);

  router.add(http::verb::get, "/api/v1/unified/auth/{provider}/status", [&](RequestContext& ctx) -> awaitable<Response> {
    co_await engine.resolve(ctx.param("provider"));  // 404 for unknown providers
    const std::string user = required_user(ctx);
    const store::Connection* found = nullptr;
    auto connections = engine.connections(ctx.tenant(), user);
    for (const auto& c : connections)
      if (c.provider == ctx.param("provider")) found = &c;
    co_return json_response(http::status::ok, status_entry(ctx.param("provider"), found));
  });

  router.add(http::verb::get, "/api/v1/unified/auth/status", [&](RequestContext& ctx) -> awaitable<Response> {
    const std::string user = required_user(ctx);
    auto connections = engine.connections(ctx.tenant(), user);
    json::array providers;
    for (const auto& provider : engine.providers().all()) {
      const std::string& name = provider.descriptor->name;
      const store::Connection* found = nullptr;
      for (const auto& c : connections)
        if (c.provider == name) found = &c;
      json::object entry = status_entry(name, found);
      entry["configured"] = client_config(*provider.descriptor, config).has_value();
      providers.push_back(std::move(entry));
    }
    co_return json_response(http::status::ok, json::object{{"user_email", user}, {"providers", std::move(providers)}});
  });
}

}  // namespace lagentry::host
