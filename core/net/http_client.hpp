// The outbound HTTP(S) client every upstream call goes through.
//
// Beast has no client pool, so this is ours: idle connections are kept per
// origin (scheme, host, port) for reuse, with an idle timeout and a cap on
// connections in use per origin. TLS verifies the peer against the system
// trust store (plus an optional extra CA file), sends SNI and checks the host
// name. Idempotent requests are retried on 429/502/503/504 and transport
// failures with exponential backoff and jitter, honouring Retry-After.
#pragma once

#include "core/net/origin_map.hpp"
#include "core/runtime/upstream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace lagentry::net {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::seconds idle_timeout{30};
  std::size_t max_connections_per_origin = 16;
  std::size_t max_idle_per_origin = 16;  // per event loop (the host runs one per I/O thread)
  std::size_t max_response_bytes = 32 * 1024 * 1024;
  int max_retries = 2;
  std::chrono::milliseconds retry_base_delay{200};
  std::chrono::seconds max_retry_after{30};  // a longer Retry-After is not waited for
  std::string extra_ca_file;                 // PEM, trusted beside the system store
};

struct HttpClientStats {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> connections_opened{0};
  std::atomic<std::uint64_t> connections_reused{0};
  std::atomic<std::uint64_t> retries{0};
};

class HttpClient {
 public:
  HttpClient(boost::asio::io_context& io, HttpClientOptions options, OriginMap origins);
  ~HttpClient();

  // Sends one request (its URL rewritten through the origin map). Never
  // throws for network or HTTP failures: status 0 and `error` say what broke.
  boost::asio::awaitable<runtime::UpstreamResponse> send(runtime::UpstreamRequest request);
  // The same for a request whose URL the caller has normalised already:
  // `url` is normalise_upstream_url(request.url), as the egress check
  // (runtime::vet_request) returns it. Parsing a URL is a tenth of a
  // fanned-out call's CPU; this way it happens once per upstream call.
  boost::asio::awaitable<runtime::UpstreamResponse> send(runtime::UpstreamRequest request, UpstreamUrl url);

  const HttpClientStats& stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Pure helpers, exposed for tests.
bool is_idempotent(std::string_view method);
bool is_retryable_status(int status);
// Retry-After in seconds (delta-seconds form); nullopt when absent or not a number.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

}  // namespace lagentry::net
