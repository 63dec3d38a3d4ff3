// A small, well-behaved plugin for the host's integration tests. Built twice
// (echo_v1.so, echo_v2.so) with different ECHO_VERSION values so tests can
// tell which version answered.
#include <lagentry/plugin.hpp>

#include <string>

#ifndef ECHO_VERSION
#define ECHO_VERSION "1.0.0"
#endif

namespace {

constexpr const char* kManifest = R"({
  "id": "echo",
  "version": ")" ECHO_VERSION R"(",
  "providers": [{
    "name": "echo",
    "display_name": "Echo Test Provider",
    "api_origins": ["https://api.echo.test"],
    "oauth": {
      "authorization_url": "https://auth.echo.test/authorize",
      "token_url": "https://auth.echo.test/token",
      "revoke_url": "https://auth.echo.test/revoke",
      "scopes": ["notes.read", "notes.write"],
      "client_auth": "basic",
      "env_prefix": "ECHO"
    }
  }],
  "connectors": [{
    "name": "echo-notes",
    "provider": "echo",
    "display_name": "Echo notes",
    "description": "Notes kept by the echo test provider",
    "item_types": ["note"],
    "verbs": ["list", "get"],
    "scopes": ["notes.read"]
  }],
  "operations": ["echo-notes.list", "echo-notes.get", "echo.post", "echo.throw", "echo.upstream", "echo.bad_reply"],
  "routes": [
    {"method": "POST", "path": "/echo/messages", "operation": "echo.post", "provider": "echo"},
    {"method": "GET", "path": "/echo/upstream", "operation": "echo.upstream", "provider": "echo"},
    {"method": "GET", "path": "/echo/items/{id}", "operation": "echo.post", "provider": "echo"},
    {"method": "GET", "path": "/echo/fail", "operation": "echo.throw", "provider": "echo"},
    {"method": "GET", "path": "/echo/bad-reply/{kind}", "operation": "echo.bad_reply", "provider": "echo"}
  ]
})";

lagentry::Step handle(const lagentry::Call& call) {
  if (call.operation == "echo.post")
    return lagentry::Step::reply(R"({"status":200,"body":{"version":")" ECHO_VERSION R"(","input":)" +
                                 std::string(call.input) + "}}");
  if (call.operation == "echo-notes.list") {
    if (call.first_step())
      return lagentry::Step::fetch(R"({"requests":[{"method":"GET","url":"https://api.echo.test/notes"}]})",
                                   "listing");
    return lagentry::Step::reply(R"({"status":200,"body":{"state":")" + std::string(call.state) +
                                 R"(","responses":)" + std::string(call.responses) + "}}");
  }
  if (call.operation == "echo-notes.get")
    return lagentry::Step::reply(R"({"status":404,"error":{"code":"not_found","message":"no such note"}})");
  if (call.operation == "echo.upstream") {
    // Fetches the URL given as ?url= twice in one step (fan-out), then
    // replies with the statuses and bodies the host fed back. Without a
    // token (auth none): a URL taken from input is not an API origin.
    if (call.first_step()) {
      const std::string key = "\"url\":\"";
      auto at = call.input.find(key);
      if (at == std::string_view::npos) throw lagentry::BadInput("url parameter required");
      auto start = at + key.size();
      std::string url(call.input.substr(start, call.input.find('"', start) - start));
      return lagentry::Step::fetch(R"({"requests":[{"method":"GET","auth":"none","url":")" + url +
                                       R"("},{"method":"GET","auth":"none","url":")" + url + R"("}]})",
                                   "upstream");
    }
    return lagentry::Step::reply(R"({"status":200,"body":{"responses":)" + std::string(call.responses) + "}}");
  }
  if (call.operation == "echo.throw") {
    lagentry::log(LG_LOG_WARN, "echo is about to fail on purpose");
    throw std::runtime_error("deliberate failure");
  }
  if (call.operation == "echo.bad_reply") {
    // Replies that are not JSON a client could read: the host must refuse them.
    if (call.input.find("\"utf8\"") != std::string_view::npos)
      return lagentry::Step::reply("{\"status\":200,\"body\":{\"text\":\"caf\xE9\"}}");
    if (call.input.find("\"huge\"") != std::string_view::npos)
      return lagentry::Step::reply(R"({"status":200,"body":{"n":1e99999}})");
    return lagentry::Step::reply(R"({"status":200,"body":{"n":Infinity}})");
  }
  throw lagentry::UnknownOperation(call.operation);
}

}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "echo", .version = ECHO_VERSION, .manifest = kManifest, .handle = handle})
