#include "host/api/plugin_routes.hpp"

#include "core/runtime/operation_runner.hpp"
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
      if (!match_path(split_pattern(route.path), rest, captures)) continue;
      match.path_known = true;
      if (route.method != request.method_string()) continue;
      match.plugin = plugin;
      match.route = &route;
      match.captures = std::move(captures);
      return match;
    }
  return match;
}

json::object operation_input(RequestContext& ctx, const RouteMatch& match) {
  json::object params;
  for (const auto& param : ctx.target.params()) params[param.key] = param.value;
  for (const auto& [k, v] : match.captures) params[k] = v;  // path captures win over query
  json::value body = nullptr;
  if (!ctx.request.body().empty() || ctx.request.method() == http::verb::post || ctx.request.method() == http::verb::put ||
      ctx.request.method() == http::verb::patch)
    body = parse_json_body(ctx.request);
  return json::object{{"params", std::move(params)}, {"body", std::move(body)}, {"provider", match.route->provider}};
}

Response to_response(const runtime::OperationResult& result) {
  if (result.status >= 400)
    return error_response(static_cast<http::status>(result.status), result.error_code, result.error_message,
                          result.error_details);
  return json_response(static_cast<http::status>(result.status), result.body);
}

}  // namespace

void add_plugin_routes(Router& router, const plugin::Registry& registry, runtime::Fetcher& fetcher,
                       store::ActivityLog& activity) {
  router.set_fallback([&](RequestContext& ctx, const std::vector<std::string>& path) -> awaitable<std::optional<Response>> {
    if (path.size() <= kPrefix.size() || !std::equal(kPrefix.begin(), kPrefix.end(), path.begin())) co_return std::nullopt;
    const std::vector<std::string> rest(path.begin() + static_cast<long>(kPrefix.size()), path.end());
    auto snapshot = registry.snapshot();  // holds the plugin version for the whole request
    RouteMatch match = find_route(*snapshot, ctx.request, rest);
    if (!match.plugin) {
      if (match.path_known)
        throw ApiError(http::status::method_not_allowed, "method_not_allowed",
                       std::string(ctx.request.method_string()) + " is not allowed here");
      co_return std::nullopt;
    }
    json::object input = operation_input(ctx, match);
    const auto started = std::chrono::steady_clock::now();
    const std::string operation = match.route->operation;
    auto result = co_await runtime::run_operation(match.plugin, operation, input, fetcher);
    store::ActivityRecord record;
    record.provider = match.route->provider;
    record.action = "route." + match.route->operation;
    record.status = result.status >= 400 ? result.error_code : "ok";
    record.http_status = result.status;
    record.latency_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now() - started).count());
    activity.record(std::move(record));
    co_return to_response(result);
  });
}

}  // namespace lagentry::host
