#include "host/mcp/stdio_bridge.hpp"

#include "core/net/http_client.hpp"
#include "host/mcp/json_rpc.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <iostream>

namespace lagentry::host {
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

std::string option(const std::vector<std::string>& args, std::string_view name) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == name) return args[i + 1];
  return {};
}

void write_line(const json::value& message) {
  std::cout << json::serialize(message) << '\n' << std::flush;
}

}  // namespace

int run_mcp_stdio(const std::vector<std::string>& args) {
  std::string url = option(args, "--url");
  const std::string key = option(args, "--key");
  const std::string user = option(args, "--user");
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || key.empty()) {
    std::cerr << "usage: lagentry-host mcp-stdio --url http://HOST:PORT/mcp --key KEY [--user EMAIL]\n";
    return 2;
  }
  boost::urls::url target(*parsed);
  if (!user.empty()) target.params().set("user_email", user);
  url = std::string(target.buffer());

  asio::io_context io;
  net::HttpClientOptions options;
  options.max_retries = 0;  // tool calls are not idempotent in general
  options.request_timeout = std::chrono::minutes(5);
  net::HttpClient http(io, options, net::OriginMap{});
  std::string session_id, protocol_version;

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json::error_code ec;
    json::value message = json::parse(line, ec);
    const json::value id = !ec && message.is_object() && message.get_object().contains("id") ? message.at("id") : json::value(nullptr);
    if (ec) {
      write_line(mcp::rpc_error(nullptr, mcp::kParseError, "not JSON: " + ec.message()));
      continue;
    }
    runtime::UpstreamRequest request;
    request.method = "POST";
    request.url = url;
    request.auth = "none";
    request.body = line;
    request.headers = {{"Content-Type", "application/json"},
                       {"Accept", "application/json, text/event-stream"},
                       {"Authorization", "Bearer " + key}};
    if (!session_id.empty()) request.headers["MCP-Session-Id"] = session_id;
    if (!protocol_version.empty()) request.headers["MCP-Protocol-Version"] = protocol_version;
    auto future = asio::co_spawn(io, http.send(std::move(request)), asio::use_future);
    io.restart();
    io.run();
    runtime::UpstreamResponse response = future.get();
    if (response.status == 0) {
      if (!id.is_null()) write_line(mcp::rpc_error(id, mcp::kInternalError, "the host could not be reached: " + response.error));
      std::cerr << "lagentry-host mcp-stdio: " << url << ": " << response.error << "\n";
      continue;
    }
    if (auto it = response.headers.find("mcp-session-id"); it != response.headers.end()) session_id = it->second;
    if (response.status == 202 || response.body.empty()) continue;  // a notification or a response was accepted
    json::value answer = json::parse(response.body, ec);
    if (ec || !answer.is_object()) {
      if (!id.is_null()) write_line(mcp::rpc_error(id, mcp::kInternalError, "the host answered HTTP " + std::to_string(response.status)));
      continue;
    }
    auto& o = answer.get_object();
    if (const auto* result = o.if_contains("result"); result && result->is_object())
      if (const auto* v = result->get_object().if_contains("protocolVersion"); v && v->is_string())
        protocol_version = std::string(v->get_string());
    if (o.contains("jsonrpc")) {
      if (o.contains("id") && o.at("id").is_null() && !id.is_null()) o["id"] = id;  // a transport error answers this request
      write_line(answer);
    } else if (!id.is_null()) {  // the REST error model (e.g. 401)
      const auto* error = o.if_contains("error");
      const std::string text = error && error->is_object() && error->get_object().contains("message")
                                   ? std::string(error->at("message").as_string())
                                   : "HTTP " + std::to_string(response.status);
      write_line(mcp::rpc_error(id, mcp::kInvalidRequest, text));
    }
  }
  return 0;
}

}  // namespace lagentry::host
