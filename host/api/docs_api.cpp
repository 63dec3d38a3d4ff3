#include "host/api/docs_api.hpp"

#include "host/api/openapi_document.hpp"
#include "host/http/responses.hpp"

#include <fstream>
#include <sstream>

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// Only these files of swagger-ui-dist are served (no source maps, no index.html
// that would load its own initializer).
constexpr std::pair<std::string_view, std::string_view> kAssetFiles[] = {
    {"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
    {"swagger-ui.css", "text/css; charset=utf-8"},
    {"favicon-32x32.png", "image/png"},
    {"favicon-16x16.png", "image/png"},
    {"LICENSE", "text/plain; charset=utf-8"},
};

// Everything from this origin only; data: URIs for Swagger UI's icons. No
// inline script or style (the browser test fails on any CSP violation).
constexpr std::string_view kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Lagentry Host API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/explorer.js"></script>
</body>
</html>
)html";

// The initializer lives in its own file: the policy allows no inline script.
constexpr std::string_view kInitializer = R"js(window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
)js";

void protect(Response& response) {
  response.set("Content-Security-Policy", kPolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
}

Response file_response(std::string_view content_type, std::string body, std::string_view cache) {
  Response response{http::status::ok, 11};
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, cache);
  protect(response);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

void require_installed(const ExplorerAssets& assets) {
  if (!assets.installed())
    throw ApiError(http::status::service_unavailable, "unavailable",
                   "the API explorer is not installed (scripts/setup installs swagger-ui-dist; the build copies it to " +
                       assets.dir.string() + "); /openapi.json works without it");
}

}  // namespace

ExplorerAssets load_explorer_assets(const std::filesystem::path& dir) {
  ExplorerAssets assets;
  assets.dir = dir;
  for (const auto& [name, type] : kAssetFiles) {
    std::ifstream in(dir / name, std::ios::binary);
    if (!in) continue;
    std::ostringstream body;
    body << in.rdbuf();
    assets.files.emplace(std::string(name), ExplorerAssets::File{std::string(type), body.str()});
  }
  return assets;
}

void add_docs_routes(Router& router, const plugin::Registry& registry, const Config& config,
                     std::shared_ptr<const ExplorerAssets> assets) {
  router.add(http::verb::get, "/openapi.json", [&](RequestContext&) -> awaitable<Response> {
    const auto snapshot = registry.snapshot();  // held while the document is built
    Response response = json_response(http::status::ok, openapi_document(router, *snapshot, config.public_url));
    response.set(http::field::cache_control, "no-cache");
    co_return response;
  }, Access::open);

  router.add(http::verb::get, "/docs", [assets](RequestContext&) -> awaitable<Response> {
    require_installed(*assets);
    co_return file_response("text/html; charset=utf-8", std::string(kPage), "no-cache");
  }, Access::open);

  router.add(http::verb::get, "/docs/{file}", [assets](RequestContext& ctx) -> awaitable<Response> {
    const std::string& name = ctx.param("file");
    if (name == "explorer.js") co_return file_response("text/javascript; charset=utf-8", std::string(kInitializer), "no-cache");
    require_installed(*assets);
    auto it = assets->files.find(name);
    if (it == assets->files.end()) throw ApiError(http::status::not_found, "not_found", "no such file of the API explorer");
    co_return file_response(it->second.content_type, it->second.body, "public, max-age=3600");
  }, Access::open);
}

}  // namespace lagentry::host
