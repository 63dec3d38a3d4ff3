// The HTTP/1.1 listener: Beast over Asio, one coroutine per connection on
// the I/O shard it was accepted onto (io_shards.hpp), with limits and
// timeouts, keep-alive and graceful drain.
#pragma once

#include "host/http/io_shards.hpp"
#include "host/http/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lagentry::host {

struct ServerLimits {
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::size_t max_connections = 10000;  // beyond it new connections are closed at once
  bool access_log = true;                // one info line per request (LAGENTRY_ACCESS_LOG)
};

// Adds CORS headers for allowed origins; answers preflights.
struct CorsPolicy {
  std::vector<std::string> origins;  // "*" allows any
  bool allows(std::string_view origin) const;
};

class Server {
 public:
  Server(IoShards& shards, const Router& router, ServerLimits limits, CorsPolicy cors);
  ~Server();

  // Binds and listens; throws std::system_error naming the address on failure.
  boost::asio::ip::tcp::endpoint listen(const std::string& host, unsigned short port);
  void start();

  // Stops accepting, closes idle keep-alive connections, lets requests in
  // flight finish (their connections close after the response) and calls
  // `done` when the last connection is gone.
  void drain(std::function<void()> done);

  std::size_t open_connections() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lagentry::host
