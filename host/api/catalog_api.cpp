#include "host/api/catalog_api.hpp"

#include "host/api/auth_api.hpp"
#include "host/api/connector_api.hpp"
#include "host/api/connector_endpoints.hpp"
#include "host/http/responses.hpp"

#include "core/store/key_check.hpp"
#include "core/store/migrations.hpp"

#include <soci/soci.h>

#include <filesystem>

#include <algorithm>


namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// An operation with its schemas and where it is served.
json::object endpoint_json(const plugin::OperationDescriptor& operation, std::string_view method, std::string path) {
  json::object out = plugin::to_json(operation);
  out["method"] = method;
  out["path"] = std::move(path);
  return out;
}

// A connector with each verb's endpoint and schemas, so one call teaches a
// client the whole connector.
json::object connector_json(const plugin::ConnectorDescriptor& connector, const plugin::LoadedPlugin& plugin) {
  json::object out = plugin::to_json(connector);
  json::array endpoints;
  for (const auto& e : kConnectorEndpoints) {
    if (!e.primary || std::find(connector.verbs.begin(), connector.verbs.end(), e.verb) == connector.verbs.end()) continue;
    const auto* operation = plugin.manifest().find_operation(connector.name + "." + std::string(e.verb));
    if (!operation) continue;
    json::object entry = endpoint_json(*operation, http::to_string(e.method),
                                       std::string(kConnectorsPrefix) + connector.name + std::string(e.path));
    entry["verb"] = e.verb;
    endpoints.push_back(std::move(entry));
  }
  out["endpoints"] = std::move(endpoints);
  out["plugin"] = plugin.id();
  out["plugin_version"] = plugin.version();
  return out;
}

}  // namespace

void add_catalog_routes(Router& router, const plugin::Registry& registry, const oauth::ProviderDirectory& providers,
                        const Config& config, store::Database& database, store::DatabaseWork& work,
                        const crypto::KeyRing& keys) {
  // Each check answers ok or why not; 503 unless all are ok.
  router.add(http::verb::get, "/readyz", [&](RequestContext&) -> awaitable<Response> {
    json::object checks;
    bool ready = true;
    auto check = [&](const char* name, std::string failure) {
      checks[name] = failure.empty() ? json::value("ok") : json::value(failure);
      ready = ready && failure.empty();
    };
    std::string database_failure, schema_failure, key_failure;
    // On the database pool: load balancers poll this, and a slow database
    // must not stall the I/O thread's other connections while they do.
    co_await work.run([&] {
      try {
        const int version = store::schema_version(database);
        const int latest = store::migrations().back().version;
        if (version != latest)
          schema_failure = "schema version " + std::to_string(version) + ", this host needs " + std::to_string(latest);
        if (!store::encryption_key_matches(database, keys)) key_failure = "the encryption key does not open the check value";
      } catch (const std::exception&) {
        database_failure = "the database does not answer";
        schema_failure = key_failure = "unknown (no database)";
      }
    });
    check("database", database_failure);
    check("schema", schema_failure);
    check("encryption_key", key_failure);
    const auto snapshot = registry.snapshot();
    std::string plugins_failure;
    if (!std::filesystem::is_directory(registry.plugin_dir()))
      plugins_failure = "the plugin folder " + registry.plugin_dir().string() + " is missing";
    else if (snapshot->plugins.empty() && !snapshot->errors.empty())
      plugins_failure = "no plugin loaded (" + std::to_string(snapshot->errors.size()) + " refused)";
    check("plugins", plugins_failure);
    co_return json_response(ready ? http::status::ok : http::status::service_unavailable,
                            json::object{{"status", ready ? "ready" : "not_ready"}, {"checks", std::move(checks)}});
  }, Access::open);

  router.add(http::verb::get, "/healthz", [&](RequestContext&) -> awaitable<Response> {
    const bool database_ok = co_await work.run([&] {
      try {
        soci::session sql(database.pool());
        int one = 0;
        sql << "SELECT 1", soci::into(one);
        return true;
      } catch (const std::exception&) {
        return false;
      }
    });
    auto snapshot = registry.snapshot();
    json::object body{{"status", database_ok ? "ok" : "degraded"},
                      {"version", LAGENTRY_VERSION},
                      {"database", database_ok ? "ok" : "unavailable"},
                      {"plugins", snapshot->plugins.size()}};
    co_return json_response(database_ok ? http::status::ok : http::status::service_unavailable, body);
  }, Access::open);

  router.add(http::verb::get, "/api/v1/unified/auth/providers", [&](RequestContext&) -> awaitable<Response> {
    json::array list;
    for (const auto& provider : providers.all()) {
      json::object entry = plugin::to_json(*provider.descriptor);
      entry["plugin"] = provider.plugin ? json::value(provider.plugin->id()) : json::value(nullptr);
      entry["configured"] = client_config(*provider.descriptor, config).has_value();
      list.push_back(std::move(entry));
    }
    co_return json_response(http::status::ok, json::object{{"providers", std::move(list)}});
  });

  router.add(http::verb::get, "/api/v1/unified/connectors", [&](RequestContext&) -> awaitable<Response> {
    json::array connectors;
    // Bound to a local: a temporary's member would die before the loop body
    // (C++20), and a concurrent reload would free the snapshot under us.
    const auto snapshot = registry.snapshot();
    for (const auto& [name, plugin] : snapshot->by_connector) {
      const auto* connector = plugin->manifest().find_connector(name);
      if (connector->name != name) continue;  // an alias: listed with its connector
      connectors.push_back(connector_json(*connector, *plugin));
    }
    co_return json_response(http::status::ok, json::object{{"connectors", std::move(connectors)}});
  });

  // {connector} may name a provider (all its connectors) or one connector (or
  // its alias); a name that is both (the alias "slack") means the provider.
  // An unknown name is unknown_connector, as at every path below /connectors/.
  router.add(http::verb::get, "/api/v1/unified/connectors/{connector}/capabilities",
             [&](RequestContext& ctx) -> awaitable<Response> {
               const std::string& name = ctx.param("connector");
               auto snapshot = registry.snapshot();
               std::string provider_name, connector_name;
               plugin::PluginPtr plugin;
               if (auto pit = snapshot->by_provider.find(name); pit != snapshot->by_provider.end()) {
                 plugin = pit->second;
                 provider_name = name;
               } else if (auto it = snapshot->by_connector.find(name); it != snapshot->by_connector.end()) {
                 plugin = it->second;
                 const auto* connector = plugin->manifest().find_connector(name);
                 provider_name = connector->provider;
                 connector_name = connector->name;
               } else {
                 throw unknown_connector(name);
               }
               json::array connectors;
               for (const auto& c : plugin->manifest().connectors)
                 if (connector_name.empty() ? c.provider == provider_name : c.name == connector_name)
                   connectors.push_back(connector_json(c, *plugin));
               json::array routes;
               for (const auto& r : plugin->manifest().routes)
                 if (r.provider == provider_name)
                   if (const auto* operation = plugin->manifest().find_operation(r.operation))
                     routes.push_back(endpoint_json(*operation, r.method, "/api/v1/unified" + r.path));
               co_return json_response(http::status::ok, json::object{{"provider", provider_name},
                                                                      {"plugin", plugin->id()},
                                                                      {"plugin_version", plugin->version()},
                                                                      {"connectors", std::move(connectors)},
                                                                      {"routes", std::move(routes)}});
             });
}

}  // namespace lagentry::host
