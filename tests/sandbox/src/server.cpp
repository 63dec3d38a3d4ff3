#include "server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <iostream>
#include <mutex>

namespace lagentry::sandbox {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
// One whole line per call: connections log from several threads at once, and
// interleaved stream insertions would race on the stream's state.
void log_line(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::clog << line << '\n';
}
}  // namespace

namespace {
constexpr std::uint64_t kMaxBody = 32 * 1024 * 1024;
constexpr auto kTimeout = std::chrono::seconds(60);

Request to_request(const http::request<http::string_body>& in) {
  Request r;
  r.method = std::string(in.method_string());
  auto target = std::string_view(in.target());
  auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = parse_params(target.substr(q + 1));
  for (const auto& field : in) r.headers[lower(field.name_string())] = std::string(field.value());
  r.body = in.body();
  return r;
}

http::response<http::string_body> to_beast(Response& in, unsigned version, bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(in.status), version};
  out.set(http::field::server, "lagentry-sandbox");
  if (!in.content_type.empty()) out.set(http::field::content_type, in.content_type);
  for (auto& [name, value] : in.headers) out.insert(name, value);
  out.body() = std::move(in.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// One connection, plain or TLS: read, dispatch, (delay), write; repeat while keep-alive.
template <class Stream>
asio::awaitable<void> serve(Stream& stream, Router& router) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(kTimeout);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // closed, timed out or garbage: nothing useful to answer

    auto& in = parser.get();
    Request request = to_request(in);
    Response response = router.dispatch(request);
    log_line("sandbox: " + std::string(in.method_string()) + ' ' + std::string(in.target()) + " -> " +
             (response.reset_connection ? std::string("reset") : std::to_string(response.status)));
    if (response.delay_ms > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(response.delay_ms));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (response.reset_connection) {
      // SO_LINGER 0 makes close() send RST: the client sees "connection reset".
      auto& socket = beast::get_lowest_layer(stream).socket();
      socket.set_option(asio::socket_base::linger(true, 0), ec);
      socket.close(ec);
      co_return;
    }
    const bool keep_alive = in.keep_alive();
    auto out = to_beast(response, in.version(), keep_alive);
    co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> serve_plain(tcp::socket socket, Router& router) {
  beast::tcp_stream stream(std::move(socket));
  co_await serve(stream, router);
}

asio::awaitable<void> serve_tls(tcp::socket socket, Router& router, std::shared_ptr<asio::ssl::context> tls) {
  asio::ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(kTimeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    log_line("sandbox: TLS handshake failed: " + ec.message());
    co_return;
  }
  co_await serve(stream, router);
}
}  // namespace

struct Server::Impl {
  Impl(asio::io_context& io_context, Router& r, std::shared_ptr<asio::ssl::context> t)
      : io(io_context), acceptor(asio::make_strand(io_context)), router(r), tls(std::move(t)) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  Router& router;
  std::shared_ptr<asio::ssl::context> tls;
};

namespace {
asio::awaitable<void> accept_loop(std::shared_ptr<Server::Impl> impl) {
  for (;;) {
    beast::error_code ec;
    auto socket = co_await impl->acceptor.async_accept(asio::make_strand(impl->io),
                                                       asio::redirect_error(asio::use_awaitable, ec));
    if (!impl->acceptor.is_open()) co_return;
    if (ec) continue;
    auto executor = socket.get_executor();
    auto on_done = [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log_line(std::string("sandbox: connection failed: ") + ex.what());
      }
    };
    if (impl->tls)
      asio::co_spawn(executor, serve_tls(std::move(socket), impl->router, impl->tls), on_done);
    else
      asio::co_spawn(executor, serve_plain(std::move(socket), impl->router), on_done);
  }
}
}  // namespace

Server::Server(asio::io_context& io, Router& router, std::shared_ptr<asio::ssl::context> tls)
    : impl_(std::make_shared<Impl>(io, router, std::move(tls))) {}

Server::~Server() = default;

tcp::endpoint Server::listen(const std::string& host, unsigned short port) {
  tcp::endpoint endpoint(asio::ip::make_address(host), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  return impl_->acceptor.local_endpoint();
}

void Server::start() { asio::co_spawn(impl_->acceptor.get_executor(), accept_loop(impl_), asio::detached); }

void Server::stop() {
  // On the acceptor's strand: the accept loop may be using it right now.
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
}

}  // namespace lagentry::sandbox
