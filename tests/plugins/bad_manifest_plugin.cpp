// Declares a provider whose token_url is not a URL: the host must refuse it.
#include <lagentry/plugin.hpp>

namespace {
constexpr const char* kManifest = R"({
  "id": "bad-manifest", "version": "1.0.0",
  "providers": [{"name": "broken", "oauth": {"authorization_url": "https://x.test/a", "token_url": "not a url"}}]
})";
lagentry::Step handle(const lagentry::Call& call) { throw lagentry::UnknownOperation(call.operation); }
}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "bad-manifest", .version = "1.0.0", .manifest = kManifest, .handle = handle})
