// Upstream HTTP requests a plugin asks for, and what came back.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lagentry::runtime {

struct UpstreamRequest {
  std::string method = "GET";
  std::string url;  // absolute https:// URL at the provider's real origin
  std::map<std::string, std::string> headers;
  std::string body;
  // Which credential the host injects: "connection" (the default access
  // token), "user" (Slack authed_user token), "none".
  std::string auth = "connection";
  // Never sent: what the host's log lines about this call name (the
  // provider and the API request that caused it), set by the host.
  std::string provider;
  std::string request_id;
};

struct UpstreamResponse {
  int status = 0;  // 0: transport failure, see error
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;
};

// Performs upstream requests on behalf of one operation. The host's
// implementation owns sockets, TLS, pooling, retries and token injection.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // One response per request, same order; never throws for HTTP failures.
  virtual boost::asio::awaitable<std::vector<UpstreamResponse>> fetch_all(std::vector<UpstreamRequest> requests) = 0;
  // The API request these calls serve, for log lines ("" when none).
  virtual std::string_view request_id() const { return {}; }
};

}  // namespace lagentry::runtime
