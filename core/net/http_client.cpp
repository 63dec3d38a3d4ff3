#include "core/net/http_client.hpp"

#include "core/metrics/metrics.hpp"
#include "core/net/socket_deadline.hpp"
#include "core/net/upstream_url.hpp"

#include "core/log/logger.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <map>
#include <mutex>
#include <random>
#include <vector>

namespace lagentry::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
using runtime::UpstreamRequest;
using runtime::UpstreamResponse;

bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

bool is_retryable_status(int status) { return status == 429 || status == 502 || status == 503 || status == 504; }

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

namespace {

constexpr std::string_view kLog = "upstream";

struct Target {
  bool tls = true;
  std::string host;
  std::string port;
  std::string path;  // origin-form target
  std::string key;   // pool key: scheme://host:port
};

// From the URL normalise_upstream_url() made (http or https, a plain host).
Target target_of(const boost::urls::url_view& u) {
  Target t;
  t.tls = u.scheme_id() == boost::urls::scheme::https;
  t.host = std::string(u.encoded_host());
  t.port = u.port().empty() ? (t.tls ? "443" : "80") : std::string(u.port());
  t.path = std::string(u.encoded_path());
  if (t.path.empty()) t.path = "/";
  if (u.has_query()) t.path.append("?").append(u.encoded_query());
  t.key = std::string(u.scheme()) + "://" + t.host + ":" + t.port;
  return t;
}

// Beast reads into what the buffer can hold, at least 512 bytes: an empty
// 512-byte buffer took a typical 1-2 KB response in 512-byte reads, each a
// system call and a trip through the event loop. The buffer keeps its
// capacity for the connection's life.
constexpr std::size_t kReadBufferBytes = 16 * 1024;

struct Connection {
  Connection() { buffer.reserve(kReadBufferBytes); }
  std::unique_ptr<tcp::socket> plain;
  std::unique_ptr<beast::ssl_stream<tcp::socket>> secure;
  std::optional<SocketDeadline> deadline;  // on lowest(), once the stream exists; destroyed first
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;

  tcp::socket& lowest() { return plain ? *plain : secure->next_layer(); }
};

using Semaphore = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

struct OriginPool {
  OriginPool(asio::io_context& io, std::size_t cap) : slots(io, cap) {
    for (std::size_t i = 0; i < cap; ++i) slots.try_send(boost::system::error_code{});
  }
  // Idle connections by the event loop their socket is registered with: one
  // used from another loop's thread would complete there and hand every
  // completion across threads (the host runs one loop per I/O thread).
  std::map<const asio::execution_context*, std::vector<std::unique_ptr<Connection>>> idle;
  Semaphore slots;  // one token per connection allowed in use, whatever the loop
};

template <class Stream>
asio::awaitable<http::response<http::string_body>> exchange(Stream& stream, beast::flat_buffer& buffer,
                                                            http::request<http::string_body>& request,
                                                            std::size_t body_limit) {
  co_await http::async_write(stream, request, use_awaitable);
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(64 * 1024);
  co_await http::async_read(stream, buffer, parser, use_awaitable);
  co_return parser.release();
}

}  // namespace

struct HttpClient::Impl {
  Impl(asio::io_context& io_context, HttpClientOptions o, OriginMap m)
      : io(io_context), options(std::move(o)), origins(std::move(m)), tls(ssl::context::tls_client) {
    tls.set_default_verify_paths();
    if (!options.extra_ca_file.empty()) tls.load_verify_file(options.extra_ca_file);
    tls.set_verify_mode(ssl::verify_peer);
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  }

  asio::io_context& io;
  HttpClientOptions options;
  OriginMap origins;
  ssl::context tls;
  HttpClientStats stats;
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<OriginPool>> pools;
  std::mt19937 random{std::random_device{}()};

  OriginPool& pool(const std::string& key) {
    std::lock_guard lock(mutex);
    auto& p = pools[key];
    if (!p) p = std::make_unique<OriginPool>(io, options.max_connections_per_origin);
    return *p;
  }

  static const asio::execution_context* loop_of(const asio::any_io_executor& executor) {
    return &asio::query(executor, asio::execution::context);
  }

  std::unique_ptr<Connection> take_idle(OriginPool& p, const asio::execution_context* loop) {
    std::lock_guard lock(mutex);
    const auto now = std::chrono::steady_clock::now();
    auto& idle = p.idle[loop];
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if (now - c->idle_since < options.idle_timeout && c->lowest().is_open()) return c;
    }
    return nullptr;
  }

  // The one place a connection goes idle: its timer stops (an idle
  // connection's age is checked when it is taken), so it keeps no loop running.
  void give_back(OriginPool& p, std::unique_ptr<Connection> c) {
    c->deadline->stop();
    c->idle_since = std::chrono::steady_clock::now();
    const auto* loop = loop_of(c->lowest().get_executor());
    std::lock_guard lock(mutex);
    auto& idle = p.idle[loop];
    if (idle.size() < options.max_idle_per_origin) idle.push_back(std::move(c));
  }

  std::chrono::milliseconds backoff(int attempt) {
    std::lock_guard lock(mutex);
    const auto base = options.retry_base_delay.count() << attempt;
    std::uniform_int_distribution<long long> jitter(0, base);
    return std::chrono::milliseconds(base / 2 + jitter(random));  // "equal jitter"
  }

  // Fills `c` in (so a failure can still ask its deadline whether it passed).
  asio::awaitable<void> connect(const Target& t, Connection& c) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(t.host, t.port, use_awaitable);
    if (t.tls) {
      c.secure = std::make_unique<beast::ssl_stream<tcp::socket>>(executor, tls);
      auto& stream = *c.secure;
      if (!SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()))
        throw boost::system::system_error(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
      stream.set_verify_callback(ssl::host_name_verification(t.host));
    } else {
      c.plain = std::make_unique<tcp::socket>(executor);
    }
    c.deadline.emplace(c.lowest());
    c.deadline->expires_after(options.connect_timeout);
    co_await asio::async_connect(c.lowest(), endpoints, use_awaitable);
    if (c.secure) co_await c.secure->async_handshake(ssl::stream_base::client, use_awaitable);
    ++stats.connections_opened;
  }

  // One attempt on one connection. `reused` tells the caller whether a
  // failure may just be a stale pooled connection.
  asio::awaitable<UpstreamResponse> attempt(const Target& t, http::request<http::string_body>& request, bool& reused) {
    OriginPool& p = pool(t.key);
    // A free slot is taken at once; only a full pool waits (an async receive
    // always completes through the scheduler, a round trip per request).
    if (!p.slots.try_receive([](boost::system::error_code) {})) co_await p.slots.async_receive(use_awaitable);
    struct SlotGuard {
      OriginPool& p;
      ~SlotGuard() { p.slots.try_send(boost::system::error_code{}); }
    } guard{p};

    UpstreamResponse out;
    const asio::any_io_executor executor = co_await asio::this_coro::executor;
    std::unique_ptr<Connection> c = take_idle(p, loop_of(executor));
    reused = c != nullptr;
    try {
      if (c) {
        ++stats.connections_reused;
      } else {
        c = std::make_unique<Connection>();
        co_await connect(t, *c);
      }
      c->deadline->expires_after(options.request_timeout);
      // (No co_await inside ?: here: GCC 12 miscompiles that.)
      http::response<http::string_body> response;
      if (c->secure)
        response = co_await exchange(*c->secure, c->buffer, request, options.max_response_bytes);
      else
        response = co_await exchange(*c->plain, c->buffer, request, options.max_response_bytes);
      out.status = response.result_int();
      for (const auto& field : response) {
        std::string name(field.name_string());
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out.headers[name] = std::string(field.value());
      }
      out.body = std::move(response.body());
      if (response.keep_alive()) give_back(p, std::move(c));
    } catch (const boost::system::system_error& e) {
      out.status = 0;
      const bool timed_out = c && c->deadline && c->deadline->expired();
      out.error = timed_out ? std::string("timed out") : describe(e.code());
    }
    co_return out;
  }

  static std::string describe(const boost::system::error_code& ec) {
    if (ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category())
      return "TLS failure: " + ec.message();
    return ec.message();
  }
};

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options, OriginMap origins)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(origins))) {}

HttpClient::~HttpClient() = default;

const HttpClientStats& HttpClient::stats() const { return impl_->stats; }

asio::awaitable<UpstreamResponse> HttpClient::send(UpstreamRequest request) {
  auto normal = normalise_upstream_url(request.url);
  if (!std::holds_alternative<UpstreamUrl>(normal)) {
    ++impl_->stats.requests;
    UpstreamResponse failed;
    failed.error = "refused: not a normalised http(s) URL";
    co_return failed;
  }
  UpstreamUrl url = std::get<UpstreamUrl>(std::move(normal));
  UpstreamResponse response = co_await send(std::move(request), std::move(url));
  co_return response;
}

asio::awaitable<UpstreamResponse> HttpClient::send(UpstreamRequest request, UpstreamUrl url) {
  auto impl = impl_;  // keeps the pool alive for the whole call
  ++impl->stats.requests;
  // The mapped URL (LAGENTRY_UPSTREAM_ORIGINS) is checked again; the
  // origin is a metric label.
  UpstreamResponse failed;
  const std::string origin = url.origin;
  const std::optional<UpstreamUrl> sent = impl->origins.map(std::move(url));
  if (!sent) {
    failed.error = "refused: the mapped URL leaves its base";
    co_return failed;
  }
  const Target target = target_of(sent->url);
  const auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    failed.error = "unknown method " + request.method;
    co_return failed;
  }

  http::request<http::string_body> message{verb, target.path, 11};
  const bool default_port = target.port == (target.tls ? "443" : "80");
  message.set(http::field::host, default_port ? target.host : target.host + ":" + target.port);
  message.set(http::field::user_agent, "lagentry-host");
  for (const auto& [k, v] : request.headers) message.set(k, v);
  if (!request.body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
    message.body() = request.body;
    message.prepare_payload();
  }
  message.keep_alive(true);

  const bool idempotent = is_idempotent(request.method);
  bool stale_retry_used = false;
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    const auto started = std::chrono::steady_clock::now();
    UpstreamResponse response = co_await impl->attempt(target, message, reused);
    metrics::global().upstream(request.provider, origin, response.status,
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    // A pooled connection the server had closed: try once more on a fresh one.
    if (response.status == 0 && reused && !stale_retry_used) {
      stale_retry_used = true;
      --attempt;
      continue;
    }
    const bool retryable = response.status == 0 || is_retryable_status(response.status);
    if (!idempotent || !retryable || attempt >= impl->options.max_retries) {
      if (retryable)  // a failure the caller will see: worth a line at info
        log::info(kLog,
                  request.method + " " + origin + " failed: " +
                      (response.status ? "HTTP " + std::to_string(response.status) : response.error) +
                      (attempt ? " after " + std::to_string(attempt) + " retries" : ""),
                  {{"provider", request.provider}, {"request_id", request.request_id}});
      co_return response;
    }

    std::chrono::milliseconds delay = impl->backoff(attempt);
    if (auto it = response.headers.find("retry-after"); it != response.headers.end()) {
      auto after = parse_retry_after(it->second);
      if (after && *after > impl->options.max_retry_after) co_return response;  // too long: let the caller decide
      if (after) delay = std::max<std::chrono::milliseconds>(delay, *after);
    }
    ++impl->stats.retries;
    metrics::global().upstream_retry(request.provider, origin);
    log::info(kLog,
              request.method + " " + origin + " answered " +
                  (response.status ? std::to_string(response.status) : response.error) + ", retry " +
                  std::to_string(attempt + 1) + " in " + std::to_string(delay.count()) + "ms",
              {{"provider", request.provider}, {"request_id", request.request_id}});
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(use_awaitable);
  }
}

}  // namespace lagentry::net
