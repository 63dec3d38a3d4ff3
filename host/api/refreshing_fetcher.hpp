// Upstream calls for one user's connection: the tokens are injected (only
// towards the provider's api_origins, see core/runtime/egress.hpp) and, when
// the provider answers 401, refreshed once and the refused requests retried.
// Used by plugin operations (operation_call) and the proxy (proxy_api).
#pragma once

#include "core/oauth/oauth_engine.hpp"
#include "core/runtime/connection_fetcher.hpp"

#include <string>
#include <vector>

namespace lagentry::host {

// Who the calls act for, and the tokens they may use.
struct ConnectionContext {
  std::string tenant_id;
  std::string user_email;
  std::string provider;
  std::vector<std::string> api_origins;  // where this provider's tokens may go
  runtime::Credentials credentials;
  bool refreshed = false;  // one refresh per API call, never a storm
  std::string request_id;  // the API request the calls serve, for their log lines
};

runtime::Credentials credentials_of(const oauth::Access& access, const std::vector<std::string>& api_origins);

// Refreshes the connection's tokens once. False when the provider cannot
// refresh (no refresh token): the caller keeps the 401 it has. A dead grant
// throws reauth_required.
boost::asio::awaitable<bool> refresh_once(oauth::OAuthEngine& engine, ConnectionContext& connection);

class RefreshingFetcher : public runtime::Fetcher {
 public:
  RefreshingFetcher(net::HttpClient& http, oauth::OAuthEngine& engine, ConnectionContext& connection)
      : http_(http), engine_(engine), connection_(connection) {}

  // Throws runtime::EgressRefused, sending nothing, when a request breaks the egress rules.
  boost::asio::awaitable<std::vector<runtime::UpstreamResponse>> fetch_all(
      std::vector<runtime::UpstreamRequest> requests) override;
  std::string_view request_id() const override { return connection_.request_id; }

 private:
  net::HttpClient& http_;
  oauth::OAuthEngine& engine_;
  ConnectionContext& connection_;
};

}  // namespace lagentry::host
