#include "host/api/connector_api.hpp"

#include "host/http/responses.hpp"

#include <algorithm>
#include <charconv>

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// Cursor and limit are checked here once, so plugins can trust them.
void validate_paging(const json::object& params) {
  if (auto* limit = params.if_contains("limit")) {
    const auto text = limit->as_string();
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > 1000)
      throw ApiError(http::status::bad_request, "invalid_request", "limit must be an integer from 1 to 1000");
  }
  if (auto* cursor = params.if_contains("cursor"); cursor && cursor->as_string().size() > 4096)
    throw ApiError(http::status::bad_request, "invalid_request", "cursor is too long");
}

awaitable<Response> connector_call(RequestContext& ctx, const plugin::Registry& registry, OperationServices& services,
                                   const std::string& verb) {
  const std::string& name = ctx.param("connector");
  auto plugin = registry.find_connector(name);
  if (!plugin) throw ApiError(http::status::not_found, "unknown_connector", "no loaded plugin provides connector '" + name + "'");
  const auto* connector = plugin->manifest().find_connector(name);
  if (std::find(connector->verbs.begin(), connector->verbs.end(), verb) == connector->verbs.end())
    throw ApiError(http::status::method_not_allowed, "unsupported_operation",
                   "connector '" + name + "' does not support " + verb);

  OperationCall call;
  call.plugin = plugin;
  call.operation = name + "." + verb;
  call.provider = connector->provider;
  call.connector = name;
  call.params = query_params(ctx);
  validate_paging(call.params);
  if (ctx.path_params.count("id")) call.params["id"] = ctx.param("id");
  if (verb == "search") {
    auto* q = call.params.if_contains("q");
    if (!q || q->as_string().empty()) throw ApiError(http::status::bad_request, "invalid_request", "q is required");
  }
  if (verb == "create" || verb == "update") {
    call.body = parse_json_body(ctx.request);
    if (!call.body.is_object()) throw ApiError(http::status::bad_request, "invalid_request", "the body must be a JSON object");
  }
  co_return co_await run_operation_call(std::move(call), ctx, services);
}

}  // namespace

void add_connector_routes(Router& router, const plugin::Registry& registry, OperationServices& services) {
  struct Endpoint {
    http::verb method;
    const char* path;
    const char* verb;
  };
  static const Endpoint kEndpoints[] = {
      {http::verb::get, "/test", "test"},           {http::verb::get, "/items", "list"},
      {http::verb::get, "/items/{id}", "get"},      {http::verb::post, "/items", "create"},
      {http::verb::patch, "/items/{id}", "update"}, {http::verb::put, "/items/{id}", "update"},
      {http::verb::delete_, "/items/{id}", "delete"}, {http::verb::get, "/search", "search"},
  };
  for (const auto& e : kEndpoints) {
    const std::string verb = e.verb;
    router.add(e.method, std::string("/api/v1/unified/connectors/{connector}") + e.path,
               [&registry, &services, verb](RequestContext& ctx) -> awaitable<Response> {
                 co_return co_await connector_call(ctx, registry, services, verb);
               });
  }
}

}  // namespace lagentry::host
