#include "host/http/server.hpp"

#include "core/metrics/metrics.hpp"

#include "core/log/logger.hpp"
#include "core/net/socket_deadline.hpp"
#include "host/http/message_framing.hpp"
#include "host/http/responses.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/version.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <unistd.h>
#include <unordered_map>

namespace lagentry::host {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

namespace {
constexpr std::string_view kLog = "http";
constexpr std::string_view kServerName = "lagentry-host/" LAGENTRY_VERSION;
constexpr std::size_t kReadBufferBytes = 4 * 1024;

// One connection. Lives in a shared_ptr held by its coroutine; the server
// keeps a weak reference to close it when draining.
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)) {
    beast::error_code ec;
    auto peer = socket.remote_endpoint(ec);
    if (!ec) client_address = peer.address().to_string();
  }
  tcp::socket socket;
  net::SocketDeadline deadline{socket};  // one timer for the connection's life, not one per read and write
  std::string client_address;
  bool idle = true;  // waiting for the next request (touched only on its shard)
};
}  // namespace

struct Server::State {
  State(IoShards& s, const Router& r, ServerLimits l, CorsPolicy c)
      : shards(s), io(s.main()), acceptor(s.main()), router(r), limits(l), cors(std::move(c)) {}

  IoShards& shards;
  asio::io_context& io;  // shard 0's, where the acceptor lives (one thread: no strand needed)
  tcp::acceptor acceptor;
  const Router& router;
  ServerLimits limits;
  CorsPolicy cors;

  std::atomic<bool> draining{false};
  mutable std::mutex mutex;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  std::function<void()> on_drained;
  std::uint64_t next_id = 0;

  std::size_t open_count() const {
    std::lock_guard lock(mutex);
    return connections.size();
  }
  void add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mutex);
    connections.emplace(c.get(), c);
  }
  void remove(Connection* c) {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex);
      connections.erase(c);
      if (draining && connections.empty()) done = std::move(on_drained);
    }
    if (done) done();
  }
};

bool CorsPolicy::allows(std::string_view origin) const {
  return std::any_of(origins.begin(), origins.end(), [&](const std::string& o) { return o == "*" || o == origin; });
}

namespace {
constexpr auto kMinAcceptPause = std::chrono::milliseconds(10);
constexpr auto kMaxAcceptPause = std::chrono::milliseconds(1000);

// A warning that repeats under load is written at most every ten seconds,
// with the count of the ones held back (a flood must not fill the disk).
class RateLimitedLog {
 public:
  void warn(const std::string& message) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) {
      ++suppressed_;
      return;
    }
    log::warn(kLog, suppressed_ ? message + " (" + std::to_string(suppressed_) + " more since the last report)" : message);
    suppressed_ = 0;
    next_ = now + std::chrono::seconds(10);
  }

 private:
  std::chrono::steady_clock::time_point next_{};
  std::uint64_t suppressed_ = 0;
};

void finish(Response& response, const Request& request, const CorsPolicy& cors, bool keep_alive) {
  response.version(request.version());
  response.set(http::field::server, kServerName);
  response.set("X-Content-Type-Options", "nosniff");
  if (auto origin = request[http::field::origin]; !origin.empty() && cors.allows(origin)) {
    response.set(http::field::access_control_allow_origin, origin);
    response.set(http::field::vary, "Origin");
  }
  response.keep_alive(keep_alive);
  response.prepare_payload();
}

// 16 url-safe characters (96 bits). Request ids only tell requests apart in
// logs, they guard nothing, so a per-thread PRNG is enough: OpenSSL's
// RAND_bytes cost a measurable share of every request.
std::string new_request_id() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  // Seeded with 128 bits, so two threads or two runs do not share a sequence.
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  std::string id(16, '\0');
  std::uint64_t bits = generator();
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 10) bits = generator();  // 6 bits a character; 10 of them fit in one draw
    id[i] = kAlphabet[bits & 63];
    bits >>= 6;
  }
  return id;
}

// The request's id: a sane X-Request-Id from the client (1-128 of
// [A-Za-z0-9._:-]), so calls can be followed across systems; otherwise a new one.
std::string request_id_of(const Request& request) {
  const std::string_view given = request["X-Request-Id"];
  const bool sane = !given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
  });
  return sane ? std::string(given) : new_request_id();
}

Response preflight(const Request& request, const CorsPolicy& cors) {
  auto origin = request[http::field::origin];
  if (origin.empty() || !cors.allows(origin))
    return error_response(http::status::forbidden, "cors_origin_not_allowed", "origin is not in CORS_ORIGINS");
  Response response{http::status::no_content, request.version()};
  response.set(http::field::access_control_allow_methods, "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  response.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
  response.set(http::field::access_control_max_age, "600");
  return response;
}

// Maps a parse failure to the status the client should see.
Response parse_error_response(const beast::error_code& ec) {
  if (ec == http::error::body_limit)
    return error_response(http::status::payload_too_large, "payload_too_large", "request body exceeds the limit");
  if (ec == http::error::header_limit)
    return error_response(http::status::request_header_fields_too_large, "header_too_large",
                          "request header exceeds the limit");
  return error_response(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
}

asio::awaitable<void> write_response(Connection& c, Response& response) {
  beast::error_code ec;
  c.deadline.expires_after(std::chrono::seconds(30));
  co_await http::async_write(c.socket, response, asio::redirect_error(use_awaitable, ec));
  if (ec) log::debug(kLog, "write failed: " + ec.message());
}

// Writes an error on a connection that closes afterwards.
asio::awaitable<void> write_final_error(Connection& c, const CorsPolicy& cors, Response& response) {
  Request dummy;
  dummy.version(11);
  finish(response, dummy, cors, false);
  co_await write_response(c, response);
}

// The sink of an event stream: writes straight to the connection.
class ConnectionSink : public EventSink {
 public:
  ConnectionSink(Connection& c, const std::atomic<bool>& draining) : c_(c), draining_(draining) {}
  asio::awaitable<bool> send(std::string_view bytes) override {
    beast::error_code ec;
    c_.deadline.expires_after(std::chrono::seconds(30));  // a client that stops reading
    co_await asio::async_write(c_.socket, asio::buffer(bytes.data(), bytes.size()), asio::redirect_error(use_awaitable, ec));
    c_.deadline.expires_never();  // a quiet stream is not a stuck one
    co_return !ec;
  }
  bool stopping() const override { return draining_; }

 private:
  Connection& c_;
  const std::atomic<bool>& draining_;
};

// A response that stays open: the head without a length (the connection
// closes when the stream ends), then the handler's events.
asio::awaitable<void> stream_events(Server::State& server, Connection& c, const Request& request, Response& response,
                                    const EventStream& stream) {
  finish(response, request, server.cors, false);
  response.erase(http::field::content_length);
  response.body().clear();
  http::response_serializer<http::string_body> head(response);
  beast::error_code ec;
  c.deadline.expires_after(std::chrono::seconds(30));
  co_await http::async_write_header(c.socket, head, asio::redirect_error(use_awaitable, ec));
  c.deadline.expires_never();
  if (ec) co_return;
  ConnectionSink sink(c, server.draining);
  co_await stream(sink);
}

void spawn_serve(const std::shared_ptr<Server::State>& server, std::shared_ptr<Connection> connection,
                 beast::flat_buffer buffer, bool first);

// A request in progress on a shard, for its load (io_shards.hpp).
class InFlight {
 public:
  InFlight(IoShards& shards, std::size_t shard) : shards_(shards), shard_(shard) { shards_.request_started(shard_); }
  ~InFlight() { shards_.request_finished(shard_); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  IoShards& shards_;
  std::size_t shard_;
};

// Moves a connection to another shard between two requests: its descriptor
// and what was read past the last request (a pipelined one) go to a new
// serve() there, and the socket here is released, not closed. False when
// it stays where it is.
bool hand_over(const std::shared_ptr<Server::State>& server, Connection& c, beast::flat_buffer& buffer,
               std::size_t target) {
  beast::error_code ec;
  const tcp::endpoint local = c.socket.local_endpoint(ec);
  if (ec) return false;
  const auto handle = c.socket.release(ec);
  if (ec) return false;
  tcp::socket moved(server->shards.executor(target));
  moved.assign(local.protocol(), handle, ec);
  if (ec) {
    ::close(handle);  // lost, as if the client had gone
    return true;
  }
  metrics::global().connection_moved();
  spawn_serve(server, std::make_shared<Connection>(std::move(moved)), std::move(buffer), false);
  return true;
}

// `buffer` holds what was read and not yet parsed; `first`, whether no
// request has come yet (the first waits read_timeout, later ones idle_timeout).
asio::awaitable<void> serve(std::shared_ptr<Server::State> server, std::shared_ptr<Connection> c,
                            beast::flat_buffer buffer, bool first) {
  const std::size_t shard = server->shards.index_of(c->socket.get_executor());
  for (;;) {
    c->idle = true;
    if (server->draining) break;
    // A fresh parser per message, so limits apply to each request anew.
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(server->limits.max_header_bytes));
    parser.body_limit(server->limits.max_body_bytes);

    beast::error_code ec;
    c->deadline.expires_after(first ? server->limits.read_timeout : server->limits.idle_timeout);
    co_await http::async_read_header(c->socket, buffer, parser, asio::redirect_error(use_awaitable, ec));
    c->idle = false;
    first = false;
    if (!ec) {
      if (auto framing = framing_error(parser.get())) {
        // The body's length is ambiguous: what follows must not be read as
        // another request.
        Response response = error_response(*framing);
        co_await write_final_error(*c, server->cors, response);
        break;
      }
    }
    if (!ec && !parser.is_done()) {
      c->deadline.expires_after(server->limits.read_timeout);
      co_await http::async_read(c->socket, buffer, parser, asio::redirect_error(use_awaitable, ec));
    }
    // Closed by the peer, by the deadline (the socket is closed: the read was
    // aborted) or by a drain cancelling an idle wait.
    if (ec == http::error::end_of_stream || c->deadline.expired() || ec == asio::error::operation_aborted ||
        ec == asio::error::bad_descriptor || ec == asio::error::connection_reset || ec == asio::error::eof)
      break;
    if (ec) {
      // Answer what we can, then close: the stream position is unknown.
      Response response = parse_error_response(ec);
      co_await write_final_error(*c, server->cors, response);
      break;
    }

    Request request = parser.release();
    c->deadline.expires_never();  // the handler takes what it takes (upstream calls have their own deadlines)
    const auto started = std::chrono::steady_clock::now();
    Router::Trace trace;
    trace.request_id = request_id_of(request);
    Response response;
    if (request.method() == http::verb::options) {
      trace.route = "(preflight)";
      response = preflight(request, server->cors);
    } else {
      const InFlight in_flight(server->shards, shard);
      Response answer = co_await server->router.dispatch(request, c->client_address, trace);
      response = std::move(answer);
    }
    response.set("X-Request-Id", trace.request_id);
    const bool keep_alive = request.keep_alive() && !server->draining && !trace.stream;
    if (trace.stream) {
      co_await stream_events(*server, *c, request, response, trace.stream);
    } else {
      finish(response, request, server->cors, keep_alive);
      co_await write_response(*c, response);
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    // Any token is a method to the parser: unknown ones share a label value.
    const std::string method = request.method() == http::verb::unknown ? "OTHER" : std::string(request.method_string());
    metrics::global().request(trace.route, method, response.result_int(),
                              std::chrono::duration<double>(elapsed).count());
    if (server->limits.access_log) {
      // Route templates only: paths and queries may carry user data.
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
      const std::string status = std::to_string(response.result_int());
      const std::string duration = std::to_string(micros.count());
      const std::string message = method + " " + trace.route + " " + status + " " + duration + "us";
      const std::string tenant = trace.tenant.empty() ? std::string("-") : trace.tenant;
      if (log::format() == log::Format::json)  // every part as a field of its own
        log::info("access", message,
                  {{"method", method}, {"route", trace.route}, {"status", status}, {"duration_us", duration},
                   {"tenant", tenant}, {"request_id", trace.request_id}});
      else
        log::info("access", message, {{"tenant", tenant}, {"request_id", trace.request_id}});
    }
    if (!keep_alive || c->deadline.expired()) break;  // expired: the client stopped reading the response
    if (const auto target = server->shards.take_move(shard); target && *target != shard && !server->draining)
      if (hand_over(server, *c, buffer, *target)) co_return;
  }
  beast::error_code ignored;
  c->socket.shutdown(tcp::socket::shutdown_send, ignored);
  c->socket.close(ignored);
}

// Out of descriptors (or kernel memory): the pending connection stays in the
// backlog and accept() would fail again at once, so wait before retrying.
bool resource_exhausted(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
         ec == boost::system::errc::too_many_files_open_in_system;
}

asio::awaitable<void> accept_loop(std::shared_ptr<Server::State> server) {
  auto pause = kMinAcceptPause;
  asio::steady_timer timer(server->io);
  RateLimitedLog exhausted_log, full_log;
  for (;;) {
    beast::error_code ec;
    // The connection lives on the shard it is accepted onto (io_shards.hpp).
    tcp::socket socket = co_await server->acceptor.async_accept(server->shards.next_connection_executor(),
                                                                asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !server->acceptor.is_open()) co_return;
    if (ec && resource_exhausted(ec)) {
      exhausted_log.warn("accept failed: " + ec.message() + "; pausing accepts (raise the descriptor limit or lower "
                         "LAGENTRY_MAX_CONNECTIONS)");
      timer.expires_after(pause);
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      pause = std::min(pause * 2, kMaxAcceptPause);
      continue;
    }
    pause = kMinAcceptPause;
    if (ec) {
      log::debug(kLog, "accept failed: " + ec.message());  // e.g. the client reset before we got to it
      continue;
    }
    if (server->open_count() >= server->limits.max_connections) {
      // Closed at once: a client that gets no service should learn it now,
      // not by timing out, and the descriptor goes back to the pool.
      full_log.warn("connection limit (" + std::to_string(server->limits.max_connections) +
                    ") reached: closing new connections");
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    beast::flat_buffer buffer;
    // Beast reads what the buffer can hold (at least 512 bytes): room for a
    // typical request's head in one read, not one read per 512 bytes.
    buffer.reserve(kReadBufferBytes);
    spawn_serve(server, std::make_shared<Connection>(std::move(socket)), std::move(buffer), true);
  }
}

void spawn_serve(const std::shared_ptr<Server::State>& server, std::shared_ptr<Connection> connection,
                 beast::flat_buffer buffer, bool first) {
  server->add(connection);
  auto executor = connection->socket.get_executor();
  Connection* raw = connection.get();
  asio::co_spawn(executor, serve(server, std::move(connection), std::move(buffer), first),
                 [server, raw](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       log::error(kLog, std::string("connection failed: ") + ex.what());
                     }
                   }
                   server->remove(raw);
                 });
}

}  // namespace

Server::Server(IoShards& shards, const Router& router, ServerLimits limits, CorsPolicy cors)
    : state_(std::make_shared<State>(shards, router, limits, std::move(cors))) {}

Server::~Server() = default;

tcp::endpoint Server::listen(const std::string& host, unsigned short port) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "HOST " + host + " is not an IP address");
  tcp::endpoint endpoint(address, port);
  auto& a = state_->acceptor;
  a.open(endpoint.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  a.bind(endpoint, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + host + ":" + std::to_string(port));
  a.listen(asio::socket_base::max_listen_connections);
  return a.local_endpoint();
}

void Server::start() { asio::co_spawn(state_->acceptor.get_executor(), accept_loop(state_), asio::detached); }

void Server::drain(std::function<void()> done) {
  auto state = state_;
  state->draining = true;
  // On shard 0, where the accept loop runs: an acceptor is
  // not safe to close from another thread while it is in use.
  asio::post(state->acceptor.get_executor(), [state] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(state->mutex);
    state->on_drained = std::move(done);
    for (auto& [raw, weak] : state->connections)
      if (auto c = weak.lock()) open.push_back(std::move(c));
    if (state->connections.empty()) {
      auto callback = std::move(state->on_drained);
      state->on_drained = nullptr;
      if (callback) asio::post(state->io, std::move(callback));
    }
  }
  // Idle keep-alive connections are closed now; busy ones close after
  // their response (serve() checks `draining`).
  for (auto& c : open)
    asio::post(c->socket.get_executor(), [c] {
      beast::error_code ignored;
      if (c->idle) c->socket.cancel(ignored);
    });
}

std::size_t Server::open_connections() const { return state_->open_count(); }

}  // namespace lagentry::host
