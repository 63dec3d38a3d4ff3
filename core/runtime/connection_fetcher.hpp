// The Fetcher the host gives one operation: performs the plugin's upstream
// requests concurrently (bounded fan-out) through the shared HttpClient and
// injects the connection's credentials, so plugins never see a token. Every
// request is vetted first (egress.hpp): tokens go only to api_origins.
#pragma once

#include "core/net/http_client.hpp"
#include "core/runtime/upstream.hpp"

#include <string>
#include <vector>

namespace lagentry::runtime {

// Credentials of the connection an operation runs for; empty when none.
struct Credentials {
  std::string access_token;  // injected for auth "connection"
  std::string user_token;    // injected for auth "user" (Slack authed_user)
  std::vector<std::string> api_origins;  // the only origins these tokens may be sent to
};

class ConnectionFetcher : public Fetcher {
 public:
  ConnectionFetcher(net::HttpClient& client, Credentials credentials, std::size_t max_parallel = 8)
      : client_(client), credentials_(std::move(credentials)), max_parallel_(max_parallel) {}

  // Throws EgressRefused (before sending anything) when a request breaks the egress rules.
  boost::asio::awaitable<std::vector<runtime::UpstreamResponse>> fetch_all(
      std::vector<runtime::UpstreamRequest> requests) override;

 private:
  net::HttpClient& client_;
  Credentials credentials_;
  std::size_t max_parallel_;
};

}  // namespace lagentry::runtime
