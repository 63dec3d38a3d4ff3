#include "host/api/connector_api.hpp"

#include "host/api/connector_endpoints.hpp"
#include "host/http/responses.hpp"

#include <algorithm>

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

awaitable<Response> connector_call(RequestContext& ctx, const plugin::Registry& registry, OperationServices& services,
                                   const std::string& verb) {
  const std::string& name = ctx.param("connector");
  auto plugin = registry.find_connector(name);
  if (!plugin) throw unknown_connector(name);
  const auto* connector = plugin->manifest().find_connector(name);
  if (std::find(connector->verbs.begin(), connector->verbs.end(), verb) == connector->verbs.end())
    throw ApiError(http::status::method_not_allowed, "unsupported_operation",
                   "connector '" + name + "' does not support " + verb);

  OperationCall call;
  call.plugin = plugin;
  call.operation = connector->name + "." + verb;  // the connector's own name, also when called by an alias
  call.provider = connector->provider;
  call.connector = connector->name;
  // Parameters and body are checked against the operation's schemas
  // (run_operation_call), so plugins can trust limit, cursor, q and the rest.
  call.params = query_params(ctx);
  if (ctx.path_params.count("id")) {
    call.params["id"] = ctx.param("id");
    call.path_names.insert("id");
  }
  if (verb == "create" || verb == "update") call.body = parse_json_body(ctx.request);
  co_return co_await run_operation_call(std::move(call), ctx, services);
}

}  // namespace

ApiError unknown_connector(const std::string& name) {
  return ApiError(http::status::not_found, "unknown_connector", "no loaded plugin provides a connector named '" + name + "'");
}

void add_connector_routes(Router& router, const plugin::Registry& registry, OperationServices& services) {
  // "POST /connectors/bogus/search" is 404 like "GET", not 405; a provider's
  // name is known here too (/capabilities takes one).
  router.set_capture_check("connector", [&registry](const std::string& name) {
    if (!registry.find_connector(name) && !registry.find_provider(name)) throw unknown_connector(name);
  });
  for (const auto& e : kConnectorEndpoints) {
    const std::string verb(e.verb);
    router.add(e.method, std::string(kConnectorsPrefix) + "{connector}" + std::string(e.path),
               [&registry, &services, verb](RequestContext& ctx) -> awaitable<Response> {
                 co_return co_await connector_call(ctx, registry, services, verb);
               });
  }
}

}  // namespace lagentry::host
