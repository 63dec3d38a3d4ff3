#include "host/api/plugin_routes.hpp"

#include "host/http/responses.hpp"

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {
const std::vector<std::string> kPrefix = {"api", "v1", "unified"};

struct RouteMatch {
  plugin::PluginPtr plugin;
  const plugin::RouteDescriptor* route = nullptr;
  std::map<std::string, std::string, std::less<>> captures;
  bool path_known = false;  // some route has this path, maybe with another method
};

RouteMatch find_route(const plugin::Snapshot& snapshot, const Request& request, const std::vector<std::string>& rest) {
  RouteMatch match;
  for (const auto& plugin : snapshot.plugins)
    for (const auto& route : plugin->manifest().routes) {
      std::map<std::string, std::string, std::less<>> captures;
      if (!match_path(route.segments, rest, captures)) continue;
      match.path_known = true;
      if (route.method != request.method_string()) continue;
      match.plugin = plugin;
      match.route = &route;
      match.captures = std::move(captures);
      return match;
    }
  return match;
}

bool has_body(const Request& request) {
  const auto m = request.method();
  return !request.body().empty() || m == http::verb::post || m == http::verb::put || m == http::verb::patch;
}

}  // namespace

void add_plugin_routes(Router& router, const plugin::Registry& registry, OperationServices& services) {
  router.set_fallback([&](RequestContext& ctx, const std::vector<std::string>& path) -> awaitable<std::optional<Response>> {
    if (path.size() <= kPrefix.size() || !std::equal(kPrefix.begin(), kPrefix.end(), path.begin())) co_return std::nullopt;
    const std::vector<std::string> rest(path.begin() + static_cast<long>(kPrefix.size()), path.end());
    auto snapshot = registry.snapshot();
    RouteMatch match = find_route(*snapshot, ctx.request, rest);
    if (!match.plugin) {
      if (match.path_known)
        throw ApiError(http::status::method_not_allowed, "method_not_allowed",
                       std::string(ctx.request.method_string()) + " is not allowed here");
      co_return std::nullopt;
    }
    OperationCall call;
    call.plugin = match.plugin;  // this version serves the whole request, even across a reload
    call.operation = match.route->operation;
    call.provider = match.route->provider;
    call.params = query_params(ctx);
    for (const auto& [k, v] : match.captures) {
      call.params[k] = v;  // path captures win over query
      call.path_names.insert(k);
    }
    call.body = has_body(ctx.request) ? parse_json_body(ctx.request) : json::value(nullptr);
    call.connection_required = false;
    co_return co_await run_operation_call(std::move(call), ctx, services);
  });
}

}  // namespace lagentry::host
