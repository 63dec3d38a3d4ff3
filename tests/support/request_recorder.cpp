#include "tests/support/request_recorder.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <thread>

namespace lagentry::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct RequestRecorder::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  int status;
  std::string body;
  std::string content_type;
  mutable std::mutex mutex;
  std::vector<RecordedRequest> requests;
  std::thread thread;
  bool stopping = false;

  // One request per connection (answered with Connection: close), so the
  // listener never blocks on an idle pooled connection when it is stopped.
  void serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      http::read(socket, buffer, parser, ec);
      if (ec) return;
      const auto& request = parser.get();
      RecordedRequest recorded;
      recorded.method = std::string(request.method_string());
      recorded.target = std::string(request.target());
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        recorded.headers[name] = std::string(field.value());
        recorded.raw_head += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
      }
      recorded.raw_head = recorded.method + " " + recorded.target + "\r\n" + recorded.raw_head;
      recorded.body = request.body();
      int answer = 0;
      {
        std::lock_guard lock(mutex);
        requests.push_back(std::move(recorded));
        answer = status;
      }
      http::response<http::string_body> response{static_cast<http::status>(answer), 11};
      response.set(http::field::content_type, content_type);
      response.body() = body;
      response.keep_alive(false);
      response.prepare_payload();
      http::write(socket, response, ec);
    }
  }

  void run() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      {
        std::lock_guard lock(mutex);
        if (stopping) return;
      }
      if (!ec) serve(std::move(socket));
    }
  }
};

RequestRecorder::RequestRecorder(int status, std::string body, std::string content_type) : impl_(std::make_unique<Impl>()) {
  impl_->status = status;
  impl_->body = std::move(body);
  impl_->content_type = std::move(content_type);
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

RequestRecorder::~RequestRecorder() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  // Wake the blocking accept with one last connection of our own.
  boost::system::error_code ec;
  asio::io_context io;
  tcp::socket wake(io);
  wake.connect(impl_->acceptor.local_endpoint(), ec);
  impl_->thread.join();
}

unsigned short RequestRecorder::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string RequestRecorder::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }

std::vector<RecordedRequest> RequestRecorder::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

void RequestRecorder::set_status(int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->status = status;
}

bool RequestRecorder::saw_credential() const {
  for (const auto& r : requests()) {
    if (r.headers.count("authorization") || r.headers.count("cookie") || r.headers.count("proxy-authorization")) return true;
    for (const char* prefix : {"ya29.", "xoxb-", "xoxp-", "sbx-atl-", "sbx-bb-", "1//sandbox", "lgk_"})
      if (r.raw_head.find(prefix) != std::string::npos || r.body.find(prefix) != std::string::npos) return true;
  }
  return false;
}

}  // namespace lagentry::test
