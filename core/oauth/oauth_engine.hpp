// The OAuth engine: starts and completes authorization-code flows, keeps
// every connection's tokens encrypted and fresh, and revokes them.
//
//  * State: 256 random bits, single use, expiring, bound to tenant, user and
//    provider, stored hashed. PKCE S256 with a fresh verifier per flow,
//    stored encrypted. (RFC 9700, RFC 7636.)
//  * Refresh: shortly before expiry when a token is needed; single-flight per
//    connection (concurrent callers share one upstream refresh); the new
//    refresh token is stored atomically with the access token, the old one is
//    kept when the response has none; invalid_grant marks the connection
//    needs_reauth and is not retried.
//  * Revoke: at the provider (RFC 7009 or the provider's own), then locally,
//    even when the provider fails.
//
// Failures are thrown as ApiError with stable codes; messages never contain
// tokens, secrets or verifiers.
#pragma once

#include "core/api_error.hpp"
#include "core/crypto/secret_box.hpp"
#include "core/net/http_client.hpp"
#include "core/oauth/access_cache.hpp"
#include "core/oauth/oauth_protocol.hpp"
#include "core/oauth/provider_directory.hpp"
#include "core/plugin/registry.hpp"
#include "core/store/activity_log.hpp"
#include "core/store/api_key_store.hpp"
#include "core/store/connection_store.hpp"
#include "core/store/database_work.hpp"
#include "core/store/oauth_state_store.hpp"
#include "core/store/webhook_outbox.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace lagentry::oauth {

struct EngineOptions {
  std::chrono::seconds state_ttl{600};
  std::chrono::seconds refresh_margin{120};  // refresh tokens expiring within this
  net::OriginMap browser_origins;            // rewrites authorization URLs (sandbox/demo)
};

// The operator's OAuth app for a provider, or nullopt when not configured.
using ClientLookup = std::function<std::optional<ClientConfig>(const plugin::ProviderDescriptor&)>;

struct Authorization {
  std::string url;
  std::int64_t expires_at_ms = 0;
};

// A callback that failed after its state was found (and used up): the
// failure, and where the flow asked the browser to be sent afterwards.
struct FlowFailed : ApiError {
  FlowFailed(ApiError error, std::string redirect_to) : ApiError(std::move(error)), redirect_to(std::move(redirect_to)) {}
  std::string redirect_to;
};

struct Connected {
  std::string connection_id;
  std::string tenant_id;
  std::string user_email;
  std::string provider;
  std::string scopes;
  std::string redirect_to;
};

// A usable token set for one connection.
struct Access {
  std::string connection_id;
  TokenSet tokens;
  std::string metadata;
};

// What validate found: how the token was checked ("provider",
// "introspection", "userinfo" or "local") and the usable tokens.
struct Validation {
  std::string checked;
  Access access;
};

struct RevokeOutcome {
  bool revoked_upstream = false;
  std::string upstream_error;  // empty when the provider confirmed (or has no endpoint)
  bool had_endpoint = true;
};

class OAuthEngine {
 public:
  // Every database statement runs on `work`, never on the caller's I/O thread.
  OAuthEngine(store::Database& db, store::DatabaseWork& work, const crypto::KeyRing& keys, net::HttpClient& http,
              const ProviderDirectory& providers, ClientLookup clients, store::ActivityLog& activity,
              EngineOptions options);
  ~OAuthEngine();

  // Every call may name the API request it serves (request_id): its
  // activity records and log lines carry it.
  boost::asio::awaitable<Authorization> begin(const std::string& tenant_id, const std::string& user_email, const std::string& provider,
                      const std::string& scopes, const std::string& redirect_to, std::string_view request_id = {});
  // The provider redirected back with a code. Failures after the state was
  // found throw FlowFailed; an unknown state throws ApiError invalid_state.
  boost::asio::awaitable<Connected> complete(const std::string& provider, const std::string& code,
                                             const std::string& state, std::string_view request_id = {});
  // The provider redirected back with an error (e.g. access_denied); consumes
  // the state and returns the flow's redirect_to ("" when none).
  boost::asio::awaitable<std::string> deny(const std::string& provider, const std::string& state, const std::string& error,
                                           std::string_view request_id = {});

  // The flow of a state that can no longer be used (completed, denied or
  // expired; kept until its expiry passes), for a reloaded callback.
  boost::asio::awaitable<std::optional<store::OAuthState>> spent_flow(const std::string& provider, const std::string& state);

  // Fresh tokens, refreshed first when expiring within the margin.
  boost::asio::awaitable<Access> access(const std::string& tenant_id, const std::string& user_email,
                                        const std::string& provider, std::string_view request_id = {});
  // Refreshes now (single-flight with concurrent callers).
  boost::asio::awaitable<Access> refresh(const std::string& tenant_id, const std::string& user_email,
                                         const std::string& provider, std::string_view request_id = {});
  // Checks the connection: refreshed first when expiring, then, with
  // `remote`, the provider is asked (core/oauth/token_check.hpp). A refused
  // token is refreshed and asked about once more; a grant the provider says
  // is gone marks the connection needs_reauth and throws 401
  // reauth_required; a provider that cannot answer is 502 upstream_error.
  boost::asio::awaitable<Validation> validate(const std::string& tenant_id, const std::string& user_email,
                                              const std::string& provider, bool remote, std::string_view request_id = {});
  // The provider said the grant is gone (validate, or a plugin that saw
  // Slack's token_revoked): needs_reauth, recorded and announced once.
  boost::asio::awaitable<void> mark_needs_reauth(const std::string& tenant_id, const std::string& user_email,
                                                 const std::string& provider, const std::string& reason,
                                                 std::string_view request_id = {});
  boost::asio::awaitable<RevokeOutcome> revoke(const std::string& tenant_id, const std::string& user_email,
                                               const std::string& provider, std::string_view request_id = {});

  boost::asio::awaitable<std::vector<store::Connection>> connections(const std::string& tenant_id,
                                                                    const std::string& user_email);
  // The provider by name (404 unknown_provider otherwise), its endpoints
  // discovered through RFC 8414 metadata when only an issuer is configured.
  boost::asio::awaitable<ProviderEntry> resolve(const std::string& name);
  const ProviderDirectory& providers() const { return providers_; }
  std::int64_t refresh_margin_ms() const;

  struct Flight;

 private:
  boost::asio::awaitable<Access> refresh_connection(const std::string& tenant_id, const std::string& user_email,
                                                    const std::string& provider, bool forced, std::string_view request_id);
  boost::asio::awaitable<Access> lead_refresh(const store::Connection& connection, bool forced, std::string_view request_id);
  boost::asio::awaitable<Connected> finish(std::string provider_name, std::string code, std::string state_value,
                                           std::optional<store::OAuthState> state, std::string_view request_id);
  // The token endpoint refused a refresh: needs_reauth for a dead grant
  // (401 reauth_required), else 502 token_refresh_failed. Always throws.
  boost::asio::awaitable<void> refresh_refused(const store::Connection& connection, const std::string& provider,
                                               const TokenError& error, std::string_view request_id);
  ClientConfig client_for(const plugin::ProviderDescriptor& provider) const;
  // The connection (404 not_connected when there is none).
  boost::asio::awaitable<store::Connection> load(const std::string& tenant_id, const std::string& user_email,
                                                 const std::string& provider);
  TokenSet open_tokens(const store::Connection& connection) const;
  void record(const std::string& tenant, const std::string& user_email, const std::string& provider,
              const std::string& action, const std::string& status, int http_status, const std::string& detail = {},
              std::string_view request_id = {});
  // Queues a webhook event (connection.created, ...) for the tenant's
  // webhooks; a failure to queue is logged, never fails the flow.
  boost::asio::awaitable<void> emit(const std::string& type, const std::string& tenant_id, const std::string& user_email,
                                    const std::string& provider, const std::string& connection_id);

  store::Database& db_;
  store::DatabaseWork& work_;
  const crypto::KeyRing& keys_;
  net::HttpClient& http_;
  const ProviderDirectory& providers_;
  ClientLookup clients_;
  store::ActivityLog& activity_;
  EngineOptions options_;
  store::OAuthStateStore states_;
  store::ConnectionStore connections_;
  store::WebhookOutbox outbox_;
  AccessCache access_cache_;  // access() without SQL while an entry is fresh
  std::mutex flights_mutex_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
  std::mutex discovered_mutex_;
  std::map<std::string, std::shared_ptr<const plugin::ProviderDescriptor>> discovered_;
};

}  // namespace lagentry::oauth
