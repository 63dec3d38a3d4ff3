#include "host/api/admin_api.hpp"

#include "core/isolation/worker_pool.hpp"
#include "core/plugin/recent_failures.hpp"
#include "host/http/responses.hpp"

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {
std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

json::object plugins_view(const plugin::Registry& registry) {
  auto snapshot = registry.snapshot();
  json::array plugins;
  for (const auto& p : snapshot->plugins) {
    json::array providers, connectors;
    for (const auto& provider : p->manifest().providers) providers.emplace_back(provider.name);
    for (const auto& connector : p->manifest().connectors) connectors.emplace_back(connector.name);
    json::object plugin{{"id", p->id()},
                                   {"version", p->version()},
                                   {"abi_version", std::to_string(LG_ABI_MAJOR(p->abi_version())) + "." +
                                                       std::to_string(LG_ABI_MINOR(p->abi_version()))},
                                   {"file", p->origin().source.filename().string()},
                                   {"sha256", p->origin().sha256},
                                   {"loaded_at", unix_seconds(p->loaded_at())},
                                   {"requests_in_flight", p->requests_in_flight()},
                                   {"providers", std::move(providers)},
                                   {"connectors", std::move(connectors)}};
    // In-process plugins have no workers; isolated ones show theirs.
    json::object isolation{{"isolation", "none"}, {"worker_pids", json::array{}}, {"worker_restarts", 0}, {"failing", false}};
    if (auto* workers = p->workers()) {
      isolation = workers->status();
      isolation["isolation"] = "process";
    }
    for (auto& field : isolation) plugin[field.key()] = std::move(field.value());
    json::array failures;
    for (const auto& f : plugin::recent_failures().of(p->id()))
      failures.push_back(json::object{{"at", unix_seconds(f.at)}, {"operation", f.operation}, {"code", f.code},
                                      {"message", f.message}, {"request_id", f.request_id}});
    plugin["recent_failures"] = std::move(failures);
    plugins.push_back(std::move(plugin));
  }
  json::array errors;
  for (const auto& e : snapshot->errors)
    errors.push_back(json::object{{"file", e.file.filename().string()}, {"error", e.message}, {"at", unix_seconds(e.at)}});
  return {{"plugin_dir", registry.plugin_dir().string()}, {"plugins", std::move(plugins)}, {"errors", std::move(errors)}};
}

void add_admin_routes(Router& router, plugin::Registry& registry) {
  router.add(http::verb::get, "/admin/plugins", [&](RequestContext&) -> awaitable<Response> {
    co_return json_response(http::status::ok, plugins_view(registry));
  }, Access::host_operator);

  router.add(http::verb::post, "/admin/plugins/reload", [&](RequestContext&) -> awaitable<Response> {
    auto report = registry.reload();
    json::object body = plugins_view(registry);
    body["reload"] = json::object{{"loaded", report.loaded}, {"kept", report.kept}, {"retired", report.retired},
                                  {"refused", report.refused}};
    co_return json_response(http::status::ok, body);
  }, Access::host_operator);
}

}  // namespace lagentry::host
