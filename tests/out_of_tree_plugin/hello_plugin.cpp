// A third-party plugin: only <lagentry/plugin.hpp> from the installed SDK.
#include <lagentry/plugin.hpp>

#include <string>

namespace {
constexpr const char* kManifest = R"({
  "id": "hello",
  "version": "0.3.0",
  "providers": [{"name": "hello", "api_origins": ["https://api.hello.example"], "oauth": {
      "authorization_url": "https://hello.example/authorize",
      "token_url": "https://hello.example/token"}}],
  "connectors": [{"name": "hello-greetings", "provider": "hello", "verbs": ["get"], "item_types": ["greeting"]}],
  "operations": ["hello-greetings.get", "hello.greet"],
  "routes": [{"method": "POST", "path": "/hello/greet", "operation": "hello.greet", "provider": "hello"}]
})";

lagentry::Step handle(const lagentry::Call& call) {
  if (call.operation == "hello.greet")
    return lagentry::Step::reply(R"({"status":200,"body":{"greeting":"hello from out of tree"}})");
  throw lagentry::UnknownOperation(call.operation);
}
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "hello", .version = "0.3.0", .manifest = kManifest, .handle = handle})
