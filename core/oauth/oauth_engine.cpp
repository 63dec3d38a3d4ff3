#include "core/oauth/oauth_engine.hpp"
#include "core/store/error_text.hpp"

#include "core/metrics/metrics.hpp"

#include "core/api_error.hpp"
#include "core/crypto/encoding.hpp"
#include "core/log/logger.hpp"
#include "core/oauth/refresh_lease.hpp"
#include "core/oauth/scope_requirements.hpp"
#include "core/oauth/token_check.hpp"
#include "core/runtime/connection_fetcher.hpp"
#include "core/runtime/operation_runner.hpp"
#include "core/store/clock.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace lagentry::oauth {
namespace asio = boost::asio;
namespace json = boost::json;
using http_status = boost::beast::http::status;

namespace {
constexpr std::string_view kLog = "oauth";

json::object provider_error_details(const TokenError& e) {
  json::object details{{"provider_error", e.error}};
  if (!e.description.empty()) details["provider_error_description"] = e.description;
  if (e.http_status) details["provider_status"] = e.http_status;
  return details;
}

bool is_email_like(const std::string& s) {
  return !s.empty() && s.size() <= 320 && s.find_first_of(" \t\r\n") == std::string::npos;
}
}  // namespace

// One refresh in progress for one connection; followers wait for the leader.
struct OAuthEngine::Flight {
  bool done = false;
  std::optional<Access> result;
  std::optional<ApiError> error;
  std::vector<std::shared_ptr<asio::steady_timer>> waiters;
};

OAuthEngine::OAuthEngine(store::Database& db, store::DatabaseWork& work, const crypto::KeyRing& keys,
                         net::HttpClient& http, const ProviderDirectory& providers, ClientLookup clients,
                         store::ActivityLog& activity, EngineOptions options)
    : db_(db),
      work_(work),
      keys_(keys),
      http_(http),
      providers_(providers),
      clients_(std::move(clients)),
      activity_(activity),
      options_(std::move(options)),
      states_(db),
      connections_(db),
      outbox_(db) {}

OAuthEngine::~OAuthEngine() = default;

std::int64_t OAuthEngine::refresh_margin_ms() const { return options_.refresh_margin.count() * 1000; }

void OAuthEngine::record(const std::string& tenant, const std::string& user_email, const std::string& provider,
                         const std::string& action, const std::string& status, int http_status, const std::string& detail,
                         std::string_view request_id) {
  metrics::global().oauth_event(provider, action, status);
  store::ActivityRecord r;
  r.tenant_id = tenant;
  r.user_email = user_email;
  r.request_id = std::string(request_id);
  r.provider = provider;
  r.action = action;
  r.status = status;
  r.http_status = http_status;
  r.detail = detail;
  activity_.record(std::move(r));
}

asio::awaitable<void> OAuthEngine::emit(const std::string& type, const std::string& tenant_id,
                                        const std::string& user_email, const std::string& provider,
                                        const std::string& connection_id) {
  const store::ConnectionEvent event{type, tenant_id, user_email, provider, connection_id};
  try {
    const std::string event_id = co_await work_.run([&] { return outbox_.enqueue(event); });
    if (!event_id.empty()) log::debug(kLog, "queued " + type + " " + event_id + " for " + connection_id);
  } catch (const std::exception& e) {
    log::error(kLog, "cannot queue webhook event " + type + " for " + connection_id + ": " + store::error_text(e));
  }
}

namespace {
// RFC 8414 section 3: the well-known suffix goes between host and path.
std::string metadata_url(const std::string& issuer) {
  auto scheme_end = issuer.find("://");
  auto path_start = issuer.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path_start == std::string::npos) return issuer + "/.well-known/oauth-authorization-server";
  std::string path = issuer.substr(path_start);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return issuer.substr(0, path_start) + "/.well-known/oauth-authorization-server" + path;
}
}  // namespace

asio::awaitable<ProviderEntry> OAuthEngine::resolve(const std::string& name) {
  auto entry = providers_.find(name);
  if (!entry) throw ApiError(http_status::not_found, "unknown_provider", "no provider named '" + name + "' is configured");
  const auto& oauth = entry->descriptor->oauth;
  if (oauth.issuer.empty() || (!oauth.authorization_url.empty() && !oauth.token_url.empty())) co_return *entry;
  {
    std::lock_guard lock(discovered_mutex_);
    if (auto it = discovered_.find(name); it != discovered_.end()) {
      entry->descriptor = it->second;
      co_return *entry;
    }
  }
  runtime::UpstreamRequest request;
  request.url = metadata_url(oauth.issuer);
  request.auth = "none";
  request.headers["Accept"] = "application/json";
  auto response = co_await http_.send(std::move(request));
  json::error_code ec;
  json::value metadata = json::parse(response.body, ec);
  auto field = [&](const char* key) -> std::string {
    auto* v = !ec && metadata.is_object() ? metadata.get_object().if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->get_string()) : std::string{};
  };
  // RFC 8414 section 3.3: the document must name the issuer it was fetched for.
  if (response.status != 200 || field("issuer") != oauth.issuer || field("authorization_endpoint").empty() ||
      field("token_endpoint").empty())
    throw ApiError(http_status::bad_gateway, "discovery_failed",
                   "could not read authorization server metadata for '" + name + "' from " + oauth.issuer);
  auto resolved = std::make_shared<plugin::ProviderDescriptor>(*entry->descriptor);
  resolved->oauth.authorization_url = field("authorization_endpoint");
  resolved->oauth.token_url = field("token_endpoint");
  if (resolved->oauth.revoke_url.empty()) resolved->oauth.revoke_url = field("revocation_endpoint");
  if (resolved->oauth.introspection_url.empty()) resolved->oauth.introspection_url = field("introspection_endpoint");
  if (resolved->oauth.userinfo_url.empty()) resolved->oauth.userinfo_url = field("userinfo_endpoint");
  {
    std::lock_guard lock(discovered_mutex_);
    discovered_[name] = resolved;
  }
  log::info(kLog, "discovered endpoints of " + name + " from " + oauth.issuer);
  entry->descriptor = resolved;
  co_return *entry;
}

ClientConfig OAuthEngine::client_for(const plugin::ProviderDescriptor& provider) const {
  auto client = clients_(provider);
  if (!client)
    throw ApiError(http_status::bad_request, "provider_not_configured",
                   "provider '" + provider.name + "' has no OAuth app configured (client id, secret and redirect URI)");
  return *client;
}

asio::awaitable<Authorization> OAuthEngine::begin(const std::string& tenant_id, const std::string& user_email,
                                                  const std::string& provider_name, const std::string& scopes,
                                                  const std::string& redirect_to, std::string_view request_id) {
  if (!is_email_like(user_email))
    throw ApiError(http_status::bad_request, "invalid_request", "user_email is required");
  const ProviderEntry entry = co_await resolve(provider_name);
  const auto& provider = *entry.descriptor;
  const ClientConfig client = client_for(provider);
  if (provider.oauth.authorization_url.empty())
    throw ApiError(http_status::bad_request, "provider_not_configured",
                   "provider '" + provider.name + "' has no authorization URL");

  AuthorizationRequest request;
  request.state = crypto::random_token(32);
  // Without explicit scopes, what the provider's connectors need, each at
  // its least privilege (core/oauth/scope_requirements.hpp).
  ScopeRequest defaults{provider.oauth.scopes, provider.oauth.user_scopes};
  if (entry.plugin) defaults = scopes_for(entry.plugin->manifest(), provider, {});
  request.scopes = scopes.empty() ? defaults.scopes : with_base_scopes(provider, split_scopes(scopes));
  request.user_scopes = defaults.user_scopes;
  Pkce pkce;
  if (provider.oauth.pkce) {
    pkce = make_pkce();
    request.code_challenge = pkce.challenge;
  }
  store::OAuthState state;
  state.tenant_id = tenant_id;
  state.user_email = user_email;
  state.provider = provider.name;
  state.scopes = join_scopes(request.scopes);
  state.redirect_to = redirect_to;
  state.expires_at_ms = store::now_ms() + options_.state_ttl.count() * 1000;
  if (provider.oauth.pkce) state.pkce_verifier = keys_.seal(pkce.verifier, "oauth_states:" + store::OAuthStateStore::hash(request.state));
  co_await work_.run([&] { states_.insert(request.state, state); });
  record(tenant_id, user_email, provider.name, "auth.start", "ok", 200, {}, request_id);
  const std::string url = authorization_url(provider.oauth, client, request);
  co_return Authorization{options_.browser_origins.rewrite(url).value_or(url), state.expires_at_ms};
}

asio::awaitable<std::string> OAuthEngine::deny(const std::string& provider, const std::string& state,
                                               const std::string& error, std::string_view request_id) {
  auto record_state = co_await work_.run([&] { return states_.consume(state); });
  if (!record_state || record_state->provider != provider)
    throw ApiError(http_status::bad_request, "invalid_state", "unknown, expired or already used state");
  record(record_state->tenant_id, record_state->user_email, provider, "auth.connect", "denied", 400, "provider answered " + error.substr(0, 64), request_id);
  co_return record_state->redirect_to;
}

asio::awaitable<std::optional<store::OAuthState>> OAuthEngine::spent_flow(const std::string& provider,
                                                                           const std::string& state) {
  auto flow = co_await work_.run([&] { return states_.find_spent(state); });
  if (!flow || flow->provider != provider) co_return std::nullopt;
  co_return flow;
}

asio::awaitable<Connected> OAuthEngine::complete(const std::string& provider_name, const std::string& code,
                                                 const std::string& state_value, std::string_view request_id) {
  auto state = co_await work_.run([&] { return states_.consume(state_value); });
  if (!state) throw ApiError(http_status::bad_request, "invalid_state", "unknown, expired or already used state");
  const std::string redirect_to = state->redirect_to;
  // (co_await stays out of the handler, which cannot suspend.)
  std::optional<ApiError> failure;
  Connected connected;
  try {
    connected = co_await finish(provider_name, code, state_value, std::move(state), request_id);
  } catch (const ApiError& e) {
    failure = e;
  }
  if (failure) throw FlowFailed(std::move(*failure), redirect_to);
  co_return connected;
}

// complete() once the state is known.
asio::awaitable<Connected> OAuthEngine::finish(std::string provider_name, std::string code, std::string state_value,
                                               std::optional<store::OAuthState> state, std::string_view request_id) {
  if (state->provider != provider_name) {
    // A state issued for another provider: a mix-up attack or a misrouted callback.
    record(state->tenant_id, state->user_email, provider_name, "auth.connect", "state_provider_mismatch", 400, {}, request_id);
    throw ApiError(http_status::bad_request, "state_provider_mismatch",
                   "this state was issued for another provider; start the flow again");
  }
  if (code.empty() || code.size() > 4096)
    throw ApiError(http_status::bad_request, "invalid_request", "the callback carries no authorization code");
  const ProviderEntry entry = co_await resolve(provider_name);
  const auto& provider = *entry.descriptor;
  const ClientConfig client = client_for(provider);
  std::string verifier;
  if (!state->pkce_verifier.ciphertext.empty())
    verifier = keys_.open(state->pkce_verifier, "oauth_states:" + store::OAuthStateStore::hash(state_value));

  // Requests are built into locals first: GCC 12 mishandles temporaries inside co_await expressions.
  runtime::UpstreamRequest exchange = code_exchange_request(provider.oauth, client, code, verifier);
  exchange.provider = provider.name;  // metrics and log lines name it
  auto response = co_await http_.send(std::move(exchange));
  auto parsed = parse_token_response(provider.oauth, response, store::now_ms());
  if (auto* error = std::get_if<TokenError>(&parsed)) {
    record(state->tenant_id, state->user_email, provider.name, "auth.connect", error->error, 502, {}, request_id);
    log::warn(kLog, "code exchange with " + provider.name + " failed: " + error->error +
                        (error->description.empty() ? "" : " (" + error->description + ")"),
              {{"request_id", request_id}});
    const bool rejected = error->error == "invalid_grant" || error->error == "invalid_code";
    throw ApiError(rejected ? http_status::bad_request : http_status::bad_gateway,
                   rejected ? "authorization_code_rejected" : "token_exchange_failed",
                   "the provider did not issue tokens for this authorization", provider_error_details(*error));
  }
  const TokenSet& tokens = std::get<TokenSet>(parsed);
  std::string metadata = "{}";
  if (entry.plugin && !provider.oauth.post_connect_operation.empty()) {
    // The plugin's post-connect hook (e.g. Atlassian's accessible-resources
    // lookup) runs with the new tokens; its reply is kept with the connection.
    runtime::ConnectionFetcher fetcher(http_, runtime::Credentials{tokens.primary.access_token,
                                                                   tokens.user ? tokens.user->access_token : "",
                                                                   provider.api_origins});
    const json::value input = json::object{{"params", json::object{}}, {"body", nullptr}, {"provider", provider.name}};
    const std::string operation = provider.oauth.post_connect_operation;
    auto result = co_await runtime::run_operation(entry.plugin, operation, input, fetcher);
    if (result.status >= 400) {
      record(state->tenant_id, state->user_email, provider.name, "auth.connect", "post_connect_failed", result.status, {}, request_id);
      throw ApiError(http_status::bad_gateway, "post_connect_failed",
                     "connected, but the " + provider.name + " plugin could not finish setting up: " + result.error_message,
                     result.error_details);
    }
    metadata = result.body;
  }
  const std::string scopes = tokens.primary.scope.empty() ? state->scopes : tokens.primary.scope;
  std::string id;
  bool created = false;
  co_await work_.run([&] {
    id = connections_.id_for(state->tenant_id, state->user_email, provider.name);
    const crypto::Sealed sealed = keys_.seal(tokens.to_json(), store::ConnectionStore::token_aad(id));
    created = connections_.upsert(id, state->tenant_id, state->user_email, provider.name, scopes, metadata, sealed,
                                  tokens.primary.expires_at_ms);
  });
  access_cache_.erase(AccessCache::key(state->tenant_id, state->user_email, provider.name));  // reconnected
  record(state->tenant_id, state->user_email, provider.name, "auth.connect", "ok", 200, {}, request_id);
  const std::string event = created ? "connection.created" : "connection.reauthorized";
  co_await emit(event, state->tenant_id, state->user_email, provider.name, id);
  log::info(kLog, "connected " + id + " (" + provider.name + ")", {{"request_id", request_id}});
  co_return Connected{id, state->tenant_id, state->user_email, provider.name, scopes, state->redirect_to};
}

asio::awaitable<store::Connection> OAuthEngine::load(const std::string& tenant_id, const std::string& user_email,
                                                     const std::string& provider) {
  auto connection = co_await work_.run([&] { return connections_.find(tenant_id, user_email, provider); });
  if (!connection)
    throw ApiError(http_status::not_found, "not_connected",
                   "no " + provider + " connection for this user; start with /api/v1/unified/auth/" + provider + "/url");
  co_return std::move(*connection);
}

TokenSet OAuthEngine::open_tokens(const store::Connection& connection) const {
  try {
    return TokenSet::from_json(keys_.open(connection.tokens, store::ConnectionStore::token_aad(connection.id)));
  } catch (const crypto::DecryptError& e) {
    log::error(kLog, "cannot decrypt tokens of " + connection.id + ": " + e.what());
    throw ApiError(http_status::internal_server_error, "token_decrypt_failed",
                   "the stored tokens cannot be decrypted with the configured keys");
  }
}

asio::awaitable<std::vector<store::Connection>> OAuthEngine::connections(const std::string& tenant_id,
                                                                          const std::string& user_email) {
  auto list = co_await work_.run([&] { return connections_.list(tenant_id, user_email); });
  co_return list;
}

asio::awaitable<Access> OAuthEngine::access(const std::string& tenant_id, const std::string& user_email,
                                            const std::string& provider, std::string_view request_id) {
  auto expiring = [&](std::int64_t expires_at_ms) {
    return expires_at_ms != 0 && expires_at_ms - refresh_margin_ms() <= store::now_ms();
  };
  // The hot path: no SQL and no decryption while the cached entry is fresh.
  const std::string key = AccessCache::key(tenant_id, user_email, provider);
  if (auto cached = access_cache_.find(key); cached && !expiring(cached->expires_at_ms))
    co_return Access{cached->connection_id, std::move(cached->tokens), std::move(cached->metadata)};
  store::Connection connection = co_await load(tenant_id, user_email, provider);
  if (connection.status == "needs_reauth")
    throw ApiError(http_status::unauthorized, "reauth_required",
                   "the " + provider + " connection was revoked or expired; the user must authorize again");
  if (!expiring(connection.expires_at_ms)) {
    Access fresh{connection.id, open_tokens(connection), connection.metadata};
    access_cache_.put(key, CachedAccess{fresh.connection_id, fresh.tokens, fresh.metadata, connection.expires_at_ms});
    co_return fresh;
  }
  co_return co_await refresh_connection(tenant_id, user_email, provider, false, request_id);
}

asio::awaitable<Access> OAuthEngine::refresh(const std::string& tenant_id, const std::string& user_email,
                                             const std::string& provider, std::string_view request_id) {
  co_return co_await refresh_connection(tenant_id, user_email, provider, true, request_id);
}

asio::awaitable<Access> OAuthEngine::refresh_connection(const std::string& tenant_id, const std::string& user_email,
                                                        const std::string& provider, bool forced,
                                                        std::string_view request_id) {
  // Whatever the refresh ends in (new tokens, needs_reauth), the next access reads the row again.
  access_cache_.erase(AccessCache::key(tenant_id, user_email, provider));
  store::Connection connection = co_await load(tenant_id, user_email, provider);
  auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<Flight> flight;
  std::shared_ptr<asio::steady_timer> wait;
  bool leader = false;
  {
    std::lock_guard lock(flights_mutex_);
    auto& slot = flights_[connection.id];
    if (!slot) {
      slot = std::make_shared<Flight>();
      leader = true;
    } else {
      wait = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
      slot->waiters.push_back(wait);
    }
    flight = slot;
  }
  if (!leader) {
    boost::system::error_code ignored;
    co_await wait->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (flight->error) throw *flight->error;
    co_return *flight->result;
  }

  std::optional<Access> result;
  std::optional<ApiError> failure;
  try {
    result = co_await lead_refresh(connection, forced, request_id);
  } catch (const ApiError& e) {
    failure = e;
  } catch (const std::exception& e) {
    log::error(kLog, std::string("refresh failed: ") + store::error_text(e), {{"request_id", request_id}});
    failure.emplace(http_status::internal_server_error, "internal_error", "token refresh failed");
  }
  access_cache_.erase(AccessCache::key(tenant_id, user_email, provider));  // an access during the refresh cached the old row
  std::vector<std::shared_ptr<asio::steady_timer>> waiters;
  {
    std::lock_guard lock(flights_mutex_);
    flight->done = true;
    flight->result = result;
    flight->error = failure;
    waiters = std::move(flight->waiters);
    flights_.erase(connection.id);
  }
  for (auto& w : waiters) asio::post(w->get_executor(), [w] { w->cancel(); });
  if (failure) throw *failure;
  co_return *result;
}

asio::awaitable<Access> OAuthEngine::lead_refresh(const store::Connection& seen, bool forced, std::string_view request_id) {
  // Re-read: another flight or process may have refreshed since the caller looked.
  store::Connection connection = co_await load(seen.tenant_id, seen.user_email, seen.provider);
  TokenSet current = open_tokens(connection);
  const std::int64_t now = store::now_ms();
  // A caller that saw an expiring token may arrive just after another flight
  // (or another host) refreshed it: the fresh token is the answer then.
  if (!forced && (connection.expires_at_ms == 0 || connection.expires_at_ms - refresh_margin_ms() > now))
    co_return Access{connection.id, std::move(current), connection.metadata};
  if (connection.status == "needs_reauth")
    throw ApiError(http_status::unauthorized, "reauth_required",
                   "the " + connection.provider + " connection needs the user to authorize again");
  if (current.primary.refresh_token.empty()) {
    if (connection.expires_at_ms != 0 && connection.expires_at_ms <= now) {
      co_await work_.run([&] { connections_.set_status(connection.id, "needs_reauth"); });
      co_await emit("connection.needs_reauth", connection.tenant_id, connection.user_email, connection.provider,
                    connection.id);
      throw ApiError(http_status::unauthorized, "reauth_required",
                     "the access token expired and the provider issued no refresh token");
    }
    if (forced)
      throw ApiError(http_status::conflict, "refresh_unavailable", "the provider issued no refresh token for this connection");
    co_return Access{connection.id, std::move(current), connection.metadata};
  }

  // Across processes (hosts sharing the database) one refresh at a time per
  // connection: take the lease, or wait for the holder's result.
  auto executor = co_await asio::this_coro::executor;
  RefreshLease lease(connections_, work_, connection.id, executor);
  for (;;) {
    const bool taken = co_await lease.try_take();
    if (taken) break;
    asio::steady_timer pause(executor, std::chrono::milliseconds(50));
    co_await pause.async_wait(asio::use_awaitable);
    store::Connection latest = co_await load(connection.tenant_id, connection.user_email, connection.provider);
    if (latest.status == "needs_reauth")
      throw ApiError(http_status::unauthorized, "reauth_required",
                     "the " + latest.provider + " connection needs the user to authorize again");
    if (latest.generation != connection.generation) co_return Access{latest.id, open_tokens(latest), latest.metadata};
  }
  // The holder before us may have finished between our read and our lease.
  store::Connection latest = co_await load(connection.tenant_id, connection.user_email, connection.provider);
  if (latest.generation != connection.generation) co_return Access{latest.id, open_tokens(latest), latest.metadata};

  const ProviderEntry entry = co_await resolve(connection.provider);
  const auto& provider = *entry.descriptor;
  const ClientConfig client = client_for(provider);
  runtime::UpstreamRequest request = refresh_request(provider.oauth, client, current.primary.refresh_token);
  request.provider = provider.name;
  auto response = co_await http_.send(std::move(request));
  auto parsed = parse_token_response(provider.oauth, response, store::now_ms(), &current);
  if (auto* error = std::get_if<TokenError>(&parsed)) co_await refresh_refused(connection, provider.name, *error, request_id);
  TokenSet& fresh = std::get<TokenSet>(parsed);
  if (current.user && !current.user->refresh_token.empty() && current.user->expires_at_ms != 0) {
    // Slack's token rotation expires the authed_user token as well: it has
    // its own refresh token, and its refresh answers it at the top level.
    runtime::UpstreamRequest user_request = refresh_request(provider.oauth, client, current.user->refresh_token);
    user_request.provider = provider.name;
    auto user_response = co_await http_.send(std::move(user_request));
    plugin::OAuthDescriptor top_level = provider.oauth;
    top_level.token_response_path.clear();
    auto user_parsed = parse_token_response(top_level, user_response, store::now_ms());
    if (auto* error = std::get_if<TokenError>(&user_parsed))
      co_await refresh_refused(connection, provider.name, *error, request_id);
    Tokens user = std::get<TokenSet>(user_parsed).primary;
    if (user.refresh_token.empty()) user.refresh_token = current.user->refresh_token;
    if (user.scope.empty()) user.scope = current.user->scope;
    fresh.user = std::move(user);
  }
  const auto sealed = keys_.seal(fresh.to_json(), store::ConnectionStore::token_aad(connection.id));
  const bool stored = co_await work_.run(
      [&] { return connections_.replace_tokens(connection.id, connection.generation, sealed, fresh.primary.expires_at_ms); });
  if (stored) lease.ended();  // replace_tokens() ended the lease with the new tokens
  if (!stored) {
    // Another host refreshed at the same moment; its tokens won.
    store::Connection winner = co_await load(connection.tenant_id, connection.user_email, connection.provider);
    co_return Access{winner.id, open_tokens(winner), winner.metadata};
  }
  record(connection.tenant_id, connection.user_email, provider.name, "auth.refresh", "ok", 200, {}, request_id);
  co_return Access{connection.id, std::move(fresh), connection.metadata};
}

asio::awaitable<Validation> OAuthEngine::validate(const std::string& tenant_id, const std::string& user_email,
                                                  const std::string& provider_name, bool remote,
                                                  std::string_view request_id) {
  Access current = co_await access(tenant_id, user_email, provider_name, request_id);
  if (!remote) co_return Validation{"local", std::move(current)};
  const ProviderEntry entry = co_await resolve(provider_name);
  const auto& provider = *entry.descriptor;
  const ClientConfig client = client_for(provider);
  for (int attempt = 0;; ++attempt) {
    auto check = token_check_request(provider.oauth, client, current.tokens.primary.access_token);
    if (!check) co_return Validation{"local", std::move(current)};  // the provider offers no way to ask
    runtime::UpstreamRequest request = check->request;
    request.provider = provider.name;
    auto response = co_await http_.send(std::move(request));
    const TokenVerdict verdict = token_verdict(provider.oauth, *check, response);
    if (verdict.liveness == TokenLiveness::alive) {
      record(tenant_id, user_email, provider.name, "auth.validate", "ok", 200, check->method, request_id);
      co_return Validation{check->method, std::move(current)};
    }
    if (verdict.liveness == TokenLiveness::unknown) {
      record(tenant_id, user_email, provider.name, "auth.validate", "upstream_error", 502, verdict.detail, request_id);
      throw ApiError(http_status::bad_gateway, "upstream_error",
                     "the provider could not check the token (" + verdict.detail + "); try again");
    }
    const bool refreshable = !current.tokens.primary.refresh_token.empty();
    if (verdict.liveness == TokenLiveness::refused && attempt == 0 && refreshable) {
      // Refused, not gone: a refresh decides (a dead grant throws reauth_required there).
      Access refreshed = co_await refresh(tenant_id, user_email, provider_name, request_id);
      current = std::move(refreshed);
      continue;
    }
    co_await mark_needs_reauth(tenant_id, user_email, provider.name, verdict.detail, request_id);
    throw ApiError(http_status::unauthorized, "reauth_required",
                   "the provider no longer accepts this " + provider.name + " connection (" + verdict.detail +
                       "); the user must authorize again");
  }
}

asio::awaitable<void> OAuthEngine::mark_needs_reauth(const std::string& tenant_id, const std::string& user_email,
                                                     const std::string& provider_name, const std::string& reason,
                                                     std::string_view request_id) {
  access_cache_.erase(AccessCache::key(tenant_id, user_email, provider_name));
  auto connection = co_await work_.run([&] {
    auto found = connections_.find(tenant_id, user_email, provider_name);
    if (found && found->status != "needs_reauth") connections_.set_status(found->id, "needs_reauth");
    else found.reset();  // gone, or marked already: nothing to announce
    return found;
  });
  if (!connection) co_return;
  record(tenant_id, user_email, provider_name, "auth.needs_reauth", "reauth_required", 401, reason.substr(0, 64), request_id);
  co_await emit("connection.needs_reauth", tenant_id, user_email, provider_name, connection->id);
  log::warn(kLog, "the provider refused " + connection->id + " (" + reason.substr(0, 64) + "): marked needs_reauth",
            {{"request_id", request_id}});
}

asio::awaitable<void> OAuthEngine::refresh_refused(const store::Connection& connection, const std::string& provider,
                                                   const TokenError& error, std::string_view request_id) {
  if (error.needs_reauth()) {
    co_await work_.run([&] { connections_.set_status(connection.id, "needs_reauth"); });
    record(connection.tenant_id, connection.user_email, provider, "auth.refresh", "reauth_required", 401, error.error, request_id);
    co_await emit("connection.needs_reauth", connection.tenant_id, connection.user_email, provider, connection.id);
    log::warn(kLog, "refresh of " + connection.id + " refused (" + error.error + "): marked needs_reauth",
              {{"request_id", request_id}});
    throw ApiError(http_status::unauthorized, "reauth_required",
                   "the provider refused the refresh token; the user must authorize again", provider_error_details(error));
  }
  record(connection.tenant_id, connection.user_email, provider, "auth.refresh", error.error, 502, {}, request_id);
  co_await emit("connection.refresh_failed", connection.tenant_id, connection.user_email, provider, connection.id);
  throw ApiError(http_status::bad_gateway, "token_refresh_failed", "the provider did not refresh the token",
                 provider_error_details(error));
}

asio::awaitable<RevokeOutcome> OAuthEngine::revoke(const std::string& tenant_id, const std::string& user_email,
                                                   const std::string& provider_name, std::string_view request_id) {
  access_cache_.erase(AccessCache::key(tenant_id, user_email, provider_name));
  store::Connection connection = co_await load(tenant_id, user_email, provider_name);
  RevokeOutcome outcome;
  std::shared_ptr<const plugin::ProviderDescriptor> provider;
  try {
    ProviderEntry entry = co_await resolve(provider_name);
    provider = entry.descriptor;
  } catch (const ApiError&) {
    // Plugin gone or discovery failing: still delete locally below.
  }
  if (!provider || provider->oauth.revoke_url.empty()) {
    outcome.had_endpoint = false;
  } else {
    try {
      TokenSet tokens = open_tokens(connection);
      const ClientConfig client = clients_(*provider).value_or(ClientConfig{});
      // Revoking the refresh token ends the whole grant where supported (RFC 7009 2.1).
      const bool use_refresh =
          provider->oauth.revoke_auth == plugin::RevokeAuth::client && !tokens.primary.refresh_token.empty();
      runtime::UpstreamRequest request = revocation_request(
          provider->oauth, client, use_refresh ? tokens.primary.refresh_token : tokens.primary.access_token);
      request.provider = provider->name;
      auto response = co_await http_.send(std::move(request));
      json::error_code ec;
      json::value body = json::parse(response.body, ec);
      const bool slack_error = !ec && body.is_object() && body.get_object().if_contains("ok") &&
                               body.get_object().at("ok").is_bool() && !body.get_object().at("ok").get_bool();
      if (response.status == 200 && !slack_error) {
        outcome.revoked_upstream = true;
      } else {
        outcome.upstream_error = response.status ? "HTTP " + std::to_string(response.status) : response.error;
        if (slack_error && body.get_object().if_contains("error"))
          outcome.upstream_error = json::value_to<std::string>(body.at("error"));
      }
    } catch (const ApiError& e) {
      outcome.upstream_error = e.message;
    }
  }
  co_await work_.run([&] { connections_.remove(connection.id); });
  co_await emit("connection.revoked", tenant_id, user_email, provider_name, connection.id);
  access_cache_.erase(AccessCache::key(tenant_id, user_email, provider_name));  // a concurrent access may have cached it again
  record(tenant_id, user_email, provider_name, "auth.revoke", outcome.upstream_error.empty() ? "ok" : "upstream_failed",
         outcome.upstream_error.empty() ? 200 : 502, outcome.upstream_error, request_id);
  log::info(kLog, "revoked " + connection.id + (outcome.upstream_error.empty() ? "" : " (provider: " + outcome.upstream_error + ")"),
            {{"request_id", request_id}});
  co_return outcome;
}

}  // namespace lagentry::oauth
