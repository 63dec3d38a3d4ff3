#include "tests/support/http_client.hpp"

#include "tests/support/host_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>

namespace lagentry::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

boost::json::value HttpResult::json() const { return boost::json::parse(body); }

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string{} : it->second;
}

std::string HttpResult::error_code() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  auto* error = v.as_object().if_contains("error");
  if (!error || !error->is_object()) return {};
  auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->as_string()) : std::string{};
}

struct HttpClient::Impl {
  asio::io_context io;
  std::string host;
  unsigned short port;
  std::string bearer;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  beast::tcp_stream& connection() {
    if (!stream || !stream->socket().is_open()) {
      stream = std::make_unique<beast::tcp_stream>(io);
      stream->expires_after(std::chrono::seconds(10));
      stream->connect(tcp::endpoint(asio::ip::make_address(host), port));
      buffer.clear();
    }
    return *stream;
  }
};

HttpClient::HttpClient(unsigned short port, std::string host) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->bearer = kTestApiKey;
}

void HttpClient::set_bearer(std::string bearer) { impl_->bearer = std::move(bearer); }

HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  for (int attempt = 0;; ++attempt) {
    try {
      auto& stream = impl_->connection();
      http::request<http::string_body> req{http::string_to_verb(method), target, 11};
      req.set(http::field::host, impl_->host);
      if (!impl_->bearer.empty()) req.set(http::field::authorization, "Bearer " + impl_->bearer);
      for (const auto& [k, v] : headers) req.set(k, v);
      req.body() = body;
      if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
      stream.expires_after(std::chrono::seconds(30));
      http::write(stream, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      http::read(stream, impl_->buffer, parser);
      auto res = parser.release();
      HttpResult result;
      result.status = res.result_int();
      for (const auto& field : res) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        result.headers[name] = std::string(field.value());
      }
      result.body = std::move(res.body());
      if (!res.keep_alive()) impl_->stream.reset();
      return result;
    } catch (const boost::system::system_error&) {
      // A kept-alive connection the server closed: retry once on a new one.
      impl_->stream.reset();
      if (attempt >= 1) throw;
    }
  }
}

HttpResult HttpClient::post_json(const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  auto all = headers;
  all.emplace("Content-Type", "application/json");
  return request("POST", target, body, all);
}

std::string HttpClient::raw_exchange(const std::string& bytes) {
  beast::tcp_stream stream(impl_->io);
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(tcp::endpoint(asio::ip::make_address(impl_->host), impl_->port));
  asio::write(stream, asio::buffer(bytes));
  std::string out;
  char chunk[4096];
  for (;;) {
    beast::error_code ec;
    std::size_t n = stream.read_some(asio::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

}  // namespace lagentry::test
