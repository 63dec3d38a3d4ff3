#include "host/api/auth_api.hpp"

#include "core/oauth/redirect_allowlist.hpp"
#include "core/oauth/scope_requirements.hpp"
#include "host/api/callback_page.hpp"
#include "host/api/scopes.hpp"
#include "host/http/responses.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

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

// The redirect_to of /url: absent, or allowed (normalised); anything else is
// refused now, so the callback can never fail on it later.
std::string checked_redirect(RequestContext& ctx, const oauth::RedirectAllowList& allowlist) {
  const std::string target = ctx.query("redirect_to").value_or("");
  if (target.empty()) return {};
  auto verdict = allowlist.check(target);
  if (!verdict.allowed()) throw ApiError(http::status::bad_request, "invalid_request", verdict.refusal);
  return verdict.url;
}

// A provider's error code as a plain token for the calling app's URL.
std::string plain_code(std::string_view code) {
  const bool plain = !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  return plain ? std::string(code) : "access_denied";
}

// A path on this host (the connect page starts flows that return to
// "/connect"); only the host itself stores one: /url takes absolute URLs.
bool host_path(std::string_view target) {
  return target.size() > 0 && target[0] == '/' && (target.size() == 1 || (target[1] != '/' && target[1] != '\\'));
}

// The flow's redirect_to (an app's URL is checked again: it was stored by
// /url) with the outcome appended, so the calling app learns what happened;
// nullopt when the flow has none.
std::optional<Response> redirect_back(const std::string& redirect_to, const oauth::RedirectAllowList& allowlist,
                                      const std::vector<std::pair<std::string, std::string>>& outcome) {
  if (redirect_to.empty()) return std::nullopt;
  std::string base = redirect_to;
  if (!host_path(redirect_to)) {
    auto verdict = allowlist.check(redirect_to);
    if (!verdict.allowed()) return std::nullopt;
    base = verdict.url;
  }
  boost::urls::url target(base);
  for (const auto& [key, value] : outcome) target.params().set(key, value);
  return callback_redirect(target.buffer());
}

// A callback whose state was already spent: most often the person reloaded
// the page after it worked. Show where things stand instead of an error.
Response after_spent_flow(const store::OAuthState& flow, const std::vector<store::Connection>& connections,
                          const oauth::RedirectAllowList& allowlist) {
  bool connected = false;
  for (const auto& c : connections)
    if (c.provider == flow.provider && c.status == "connected") connected = true;
  if (host_path(flow.redirect_to)) {  // the connect page shows the current state
    if (auto back = redirect_back(flow.redirect_to, allowlist, {{"provider", flow.provider}})) return std::move(*back);
  }
  std::vector<std::pair<std::string, std::string>> outcome{{"status", "connected"}, {"provider", flow.provider}};
  if (!connected) outcome = {{"status", "error"}, {"error", "invalid_state"}, {"provider", flow.provider}};
  if (auto back = redirect_back(flow.redirect_to, allowlist, outcome)) return std::move(*back);
  if (connected)
    return callback_page(http::status::ok, "Already connected",
                         "This sign-in was already completed: the " + flow.provider + " account of " + flow.user_email +
                             " is connected. You can close this window.");
  return callback_page(http::status::bad_request, "This sign-in has ended",
                       "This sign-in was already used or has expired, and the " + flow.provider +
                           " account is not connected. Start again from the app that sent you here.",
                       "invalid_state");
}

awaitable<Response> handle_callback(RequestContext& ctx, oauth::OAuthEngine& engine,
                                    const oauth::RedirectAllowList& allowlist) {
  const std::string& provider = ctx.param("provider");
  const std::string state = ctx.query("state").value_or("");
  if (auto error = ctx.query("error")) {
    std::string redirect_to;
    try {
      std::string denied = co_await engine.deny(provider, state, *error, ctx.request_id);
      redirect_to = std::move(denied);
    } catch (const ApiError&) {
      // The denial is shown either way; an unknown state changes nothing.
    }
    if (auto back = redirect_back(redirect_to, allowlist, {{"status", "error"}, {"error", plain_code(*error)}, {"provider", provider}}))
      co_return std::move(*back);
    co_return callback_page(http::status::bad_request, "Authorization was not granted",
                            "The provider did not grant access. Nothing was stored. You can close this window.",
                            plain_code(*error));
  }
  bool invalid_state = false;
  try {
    const std::string code = ctx.query("code").value_or("");
    auto connected = co_await engine.complete(provider, code, state, ctx.request_id);
    if (auto back = redirect_back(connected.redirect_to, allowlist, {{"status", "connected"}, {"provider", provider}}))
      co_return std::move(*back);
    co_return callback_page(http::status::ok, "Connected",
                            "Your " + provider + " account is connected. You can close this window.");
  } catch (const oauth::FlowFailed& e) {
    if (auto back = redirect_back(e.redirect_to, allowlist, {{"status", "error"}, {"error", e.code}, {"provider", provider}}))
      co_return std::move(*back);
    co_return callback_page(e.status, "Connection failed", e.message, e.code);
  } catch (const ApiError& e) {
    if (e.code != "invalid_state") co_return callback_page(e.status, "Connection failed", e.message, e.code);
    invalid_state = true;
  }
  // (Out of the handler: a catch block cannot suspend.)
  if (invalid_state) {
    std::optional<store::OAuthState> spent = co_await engine.spent_flow(provider, state);
    if (spent) {
      const auto connections = co_await engine.connections(spent->tenant_id, spent->user_email);
      co_return after_spent_flow(*spent, connections, allowlist);
    }
  }
  co_return callback_page(http::status::bad_request, "This sign-in is not valid",
                          "This sign-in link is unknown or has expired. Start again from the app that sent you here.",
                          "invalid_state");
}

// ?connectors=gmail,drive: exactly the scopes those connectors need (each
// operation's least privilege), with the provider's base scopes.
std::string connector_scopes(const oauth::OAuthEngine& engine, const std::string& provider, const std::string& list) {
  auto entry = engine.providers().find(provider);
  if (!entry) throw ApiError(http::status::not_found, "unknown_provider", "no loaded plugin provides '" + provider + "'");
  if (!entry->plugin)
    throw ApiError(http::status::bad_request, "invalid_request", "connectors= needs a provider with connectors; use scopes=");
  const auto& manifest = entry->plugin->manifest();
  std::vector<std::string> names = oauth::split_scopes(list);  // the same "a,b c" splitting
  for (const auto& name : names) {
    const auto* connector = manifest.find_connector(name);
    if (!connector || connector->provider != provider)
      throw ApiError(http::status::bad_request, "invalid_request",
                     "'" + name + "' is not a connector of " + provider, json::object{{"field", "connectors"}});
  }
  const auto wanted = oauth::scopes_for(manifest, *entry->descriptor, names);
  std::string joined;
  for (const auto& scope : wanted.scopes) joined += (joined.empty() ? "" : " ") + scope;
  return joined;
}

// The user's connection to `provider` among `connections`, or nullptr.
const store::Connection* connection_of(const std::vector<store::Connection>& connections, const std::string& provider) {
  const store::Connection* found = nullptr;
  for (const auto& c : connections)
    if (c.provider == provider) found = &c;
  return found;
}

// The same fields with or without a connection (a client reads one shape):
// none is status "not_connected", no scopes, nulls for the times.
json::object status_entry(const std::string& provider, const store::Connection* c) {
  json::object entry{{"provider", provider}, {"connected", c != nullptr}};
  if (!c) {
    entry["status"] = "not_connected";
    entry["scopes"] = json::array();
    entry["expires_at"] = nullptr;
    entry["needs_reauth"] = false;
    entry["connected_at"] = nullptr;
    return entry;
  }
  entry["status"] = c->status;
  entry["scopes"] = scopes_json(c->scopes);
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
  // Validated when the config was loaded; parsed once for every request.
  auto allowlist = std::make_shared<const oauth::RedirectAllowList>(oauth::RedirectAllowList::parse(config.redirect_allowlist));
  // "GET /auth/bogus" is 404 unknown_provider (as "DELETE /auth/bogus" is),
  // not 405; "GET /auth/google" is 405, Allow: DELETE.
  auto known_provider = [&engine](const std::string& name) {
    if (!engine.providers().find(name))
      throw ApiError(http::status::not_found, "unknown_provider", "no provider named '" + name + "' is configured");
  };
  router.set_capture_check("provider", known_provider);
  router.add(http::verb::get, "/api/v1/unified/auth/{provider}/url", [&, allowlist](RequestContext& ctx) -> awaitable<Response> {
    const std::string user = required_user(ctx);
    const std::string redirect_to = checked_redirect(ctx, *allowlist);
    std::string scopes = ctx.query("scopes").value_or("");
    if (const auto connectors = ctx.query("connectors"); connectors && !connectors->empty() && scopes.empty())
      scopes = connector_scopes(engine, ctx.param("provider"), *connectors);
    auto start = co_await engine.begin(ctx.tenant(), user, ctx.param("provider"), scopes, redirect_to, ctx.request_id);
    co_return json_response(http::status::ok, json::object{{"provider", ctx.param("provider")},
                                                           {"authorization_url", start.url},
                                                           {"expires_at", start.expires_at_ms / 1000}});
  });

  for (const char* path : {"/api/v1/unified/auth/{provider}/callback", "/auth/{provider}/callback"})
    router.add(http::verb::get, path,
               [&, allowlist](RequestContext& ctx) -> awaitable<Response> {
                 co_return co_await handle_callback(ctx, engine, *allowlist);
               },
               Access::open);

  // Asks the provider unless ?remote=false (then only the stored state and expiry count).
  router.add(http::verb::get, "/api/v1/unified/auth/{provider}/validate", [&](RequestContext& ctx) -> awaitable<Response> {
    const std::string remote = ctx.query("remote").value_or("true");
    if (remote != "true" && remote != "false")
      throw ApiError(http::status::bad_request, "invalid_request", "remote must be true or false");
    const std::string user = required_user(ctx);
    const bool ask_provider = remote == "true";
    auto checked = co_await engine.validate(ctx.tenant(), user, ctx.param("provider"), ask_provider, ctx.request_id);
    co_return json_response(http::status::ok, json::object{{"provider", ctx.param("provider")},
                                                           {"valid", true},
                                                           {"checked", checked.checked},
                                                           {"scopes", scopes_json(checked.access.tokens.primary.scope)},
                                                           {"expires_at", expiry(checked.access.tokens.primary.expires_at_ms)}});
  });

  auto refresh = [&, known_provider](RequestContext& ctx) -> awaitable<Response> {
    known_provider(ctx.param("provider"));
    const std::string user = required_user(ctx);
    auto access = co_await engine.refresh(ctx.tenant(), user, ctx.param("provider"), ctx.request_id);
    co_return json_response(http::status::ok, json::object{{"provider", ctx.param("provider")},
                                                           {"refreshed", true},
                                                           {"expires_at", expiry(access.tokens.primary.expires_at_ms)}});
  };
  router.add(http::verb::get, "/api/v1/unified/auth/{provider}/refresh", refresh);
  router.add(http::verb::post, "/api/v1/unified/auth/{provider}/refresh", refresh);

  // An unknown name is unknown_provider, not not_connected; a connection
  // whose plugin was removed stays revocable (locally).
  auto revoke = [&, known_provider](RequestContext& ctx) -> awaitable<Response> {
    const std::string user = required_user(ctx);
    const auto connections = co_await engine.connections(ctx.tenant(), user);
    if (!connection_of(connections, ctx.param("provider"))) known_provider(ctx.param("provider"));
    auto outcome = co_await engine.revoke(ctx.tenant(), user, ctx.param("provider"), ctx.request_id);
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
    const auto connections = co_await engine.connections(ctx.tenant(), user);
    co_return json_response(http::status::ok, status_entry(ctx.param("provider"), connection_of(connections, ctx.param("provider"))));
  });

  router.add(http::verb::get, "/api/v1/unified/auth/status", [&](RequestContext& ctx) -> awaitable<Response> {
    const std::string user = required_user(ctx);
    auto connections = co_await engine.connections(ctx.tenant(), user);
    json::array providers;
    for (const auto& provider : engine.providers().all()) {
      const std::string& name = provider.descriptor->name;
      json::object entry = status_entry(name, connection_of(connections, name));
      entry["configured"] = client_config(*provider.descriptor, config).has_value();
      providers.push_back(std::move(entry));
    }
    co_return json_response(http::status::ok, json::object{{"user_email", user}, {"providers", std::move(providers)}});
  });
}

}  // namespace lagentry::host
