#include "host/web/site_pages.hpp"

#include "host/web/html.hpp"
#include "host/web/lagentry_css.hpp"

namespace lagentry::host::web {
using boost::asio::awaitable;

void add_site_pages(Router& router, const plugin::Registry& registry) {
  router.add(http::verb::get, "/", [&registry](RequestContext&) -> awaitable<Response> {
    const auto snapshot = registry.snapshot();
    std::size_t connectors = 0;
    std::string providers;
    for (const auto& plugin : snapshot->plugins) {
      connectors += plugin->manifest().connectors.size();
      for (const auto& provider : plugin->manifest().providers)
        providers += (providers.empty() ? "" : ", ") + (provider.display_name.empty() ? provider.name : provider.display_name);
    }
    std::string body =
        "<p class=\"lead\">A self-hosted connector backend for AI agents: it connects people's accounts through OAuth, "
        "keeps their tokens encrypted and fresh, and serves one API (REST and MCP) over all of them.</p>"
        "<div class=\"card\" id=\"loaded\"><p>Version " LAGENTRY_VERSION ". " +
        std::to_string(snapshot->plugins.size()) + " plugins loaded, " + std::to_string(connectors) + " connectors" +
        (providers.empty() ? std::string(".") : " for " + escape(providers) + ".") +
        "</p></div><div class=\"card\"><ul class=\"links\">"
        "<li><a href=\"/docs\">API explorer</a>: every endpoint, to try with an API key (<a href=\"/openapi.json\">OpenAPI "
        "document</a>)</li>"
        "<li><a href=\"/console\">Operator console</a>: connections, activity, plugins and settings</li>"
        "<li>MCP for agents at <code>/mcp</code> (Streamable HTTP, with an API key)</li>"
        "<li>Health: <a href=\"/healthz\">/healthz</a> (alive), <a href=\"/readyz\">/readyz</a> (ready), "
        "<code>/metrics</code> (Prometheus)</li></ul></div>"
        "<p class=\"muted\">End users connect their accounts through connect links that an app creates with "
        "<code>POST /api/v1/unified/connect/sessions</code>.</p>";
    co_return html_page(http::status::ok, Page{"Lagentry Host", std::move(body)});
  }, Access::open);

  router.add(http::verb::get, "/assets/lagentry.css", [](RequestContext&) -> awaitable<Response> {
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, "text/css; charset=utf-8");
    response.set(http::field::cache_control, "public, max-age=3600");
    response.set("X-Content-Type-Options", "nosniff");
    response.body() = kLagentryCss;
    co_return response;
  }, Access::open);
}

}  // namespace lagentry::host::web
