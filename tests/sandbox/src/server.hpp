// The Beast HTTP(S) front end: reads requests, hands them to the Router,
// applies injected latency / connection resets, writes responses.
#pragma once

#include "router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace lagentry::sandbox {

class Server {
 public:
  // tls: null for plain HTTP; otherwise every connection is TLS.
  Server(boost::asio::io_context& io, Router& router, std::shared_ptr<boost::asio::ssl::context> tls);
  ~Server();

  boost::asio::ip::tcp::endpoint listen(const std::string& host, unsigned short port);
  void start();
  void stop();  // closes the acceptor; open connections end with the io_context

  struct Impl;  // public so the file-local coroutines in server.cpp can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace lagentry::sandbox
