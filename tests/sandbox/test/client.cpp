#include "client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sandbox_test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

boost::json::value Reply::json() const { return boost::json::parse(body); }

std::string Reply::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

namespace {
template <class Stream>
Reply exchange(Stream& stream, http::request<http::string_body>& req) {
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  Reply reply;
  reply.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = std::move(res.body());
  return reply;
}
}  // namespace

Reply Client::request(const std::string& method, const std::string& target, const std::string& body,
                      const Fields& headers) const {
  asio::io_context io;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve("127.0.0.1", std::to_string(port_));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  if (!tls_) {
    tcp::socket socket(io);
    asio::connect(socket, endpoints);
    return exchange(socket, req);
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  if (tls_->ca_file.empty()) ctx.set_default_verify_paths();
  else ctx.load_verify_file(tls_->ca_file);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<tcp::socket> stream(io, ctx);
  stream.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  asio::connect(stream.next_layer(), endpoints);
  stream.handshake(asio::ssl::stream_base::client);
  return exchange(stream, req);
}

Reply Client::get(const std::string& target, const std::string& bearer) const {
  return request("GET", target, "", bearer.empty() ? Fields{} : Fields{{"Authorization", "Bearer " + bearer}});
}

Reply Client::del(const std::string& target, const std::string& bearer) const {
  return request("DELETE", target, "", bearer.empty() ? Fields{} : Fields{{"Authorization", "Bearer " + bearer}});
}

Reply Client::post_form(const std::string& target, const Fields& form, const Fields& headers) const {
  Fields all = headers;
  all.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return request("POST", target, query_string(form), all);
}

namespace {
Fields json_headers(const std::string& bearer) {
  Fields headers{{"Content-Type", "application/json; charset=utf-8"}};
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return headers;
}
}  // namespace

Reply Client::post_json(const std::string& target, const boost::json::value& body, const std::string& bearer) const {
  return request("POST", target, boost::json::serialize(body), json_headers(bearer));
}

Reply Client::put_json(const std::string& target, const boost::json::value& body, const std::string& bearer) const {
  return request("PUT", target, boost::json::serialize(body), json_headers(bearer));
}

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lagentry-sandbox-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

SandboxProcess::SandboxProcess(const std::vector<std::string>& extra_args) {
  const char* env = std::getenv("LAGENTRY_SANDBOX_BINARY");
  std::string binary = env ? env : LAGENTRY_SANDBOX_BINARY;
  dir_ = make_temp_dir();
  const std::string port_file = dir_ + "/port";
  std::vector<std::string> args{binary, "--port", "0", "--port-file", port_file};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + binary);
  // The port file appears (atomically) once the socket listens.
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(port_file);
    if (in >> port_) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("lagentry-sandbox exited during start-up");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  throw std::runtime_error("lagentry-sandbox did not write its port file");
}

int SandboxProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
  return status;
}

SandboxProcess::~SandboxProcess() { stop(); }

std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

std::string query_string(const Fields& params) {
  std::string out;
  for (const auto& [key, value] : params) out += (out.empty() ? "" : "&") + url_encode(key) + "=" + url_encode(value);
  return out;
}

namespace {
std::string decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    unsigned n = data[i] << 16;
    if (i + 1 < size) n |= data[i + 1] << 8;
    if (i + 2 < size) n |= data[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (i + 1 < size) out += kAlphabet[(n >> 6) & 63];
    if (i + 2 < size) out += kAlphabet[n & 63];
  }
  return out;
}
}  // namespace

std::map<std::string, std::string> location_params(const Reply& redirect) {
  std::map<std::string, std::string> out;
  auto location = redirect.header("location");
  auto q = location.find('?');
  if (q == std::string::npos) return out;
  std::string query = location.substr(q + 1);
  std::size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    auto pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

std::string basic_auth(const std::string& id, const std::string& secret) {
  std::string raw = id + ":" + secret;
  auto encoded = base64url(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  for (auto& c : encoded) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (encoded.size() % 4) encoded += '=';
  return "Basic " + encoded;
}

Pkce make_pkce() {
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof bytes);
  Pkce p;
  p.verifier = base64url(bytes, sizeof bytes);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(p.verifier.data()), p.verifier.size(), digest);
  p.challenge = base64url(digest, sizeof digest);
  return p;
}

}  // namespace sandbox_test
