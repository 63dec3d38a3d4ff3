#include "host/api/openapi_document.hpp"

#include "core/plugin/operation_schemas.hpp"
#include "core/schema/unified_definitions.hpp"
#include "host/api/builtin_routes_json.hpp"
#include "host/api/connector_endpoints.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>

#include <set>

namespace lagentry::host {
namespace json = boost::json;

namespace {

constexpr std::string_view kDefsPrefix = "#/$defs/";
constexpr std::string_view kComponentsPrefix = "#/components/schemas/";

const json::object& builtin() {
  static const json::object document = json::parse(kBuiltinRoutesJson).as_object();
  return document;
}

std::string route_key(std::string_view method, std::string_view pattern) {
  return std::string(method) + " " + std::string(pattern);
}

// "#/$defs/X" -> "#/components/schemas/X", or ".../<plugin>.X" for the
// plugin's own definitions (so two plugins' "Email" never collide).
json::value rewrite_refs(const json::value& schema, const json::object* plugin_defs, const std::string& plugin_id) {
  if (schema.is_array()) {
    json::array out;
    for (const auto& item : schema.get_array()) out.push_back(rewrite_refs(item, plugin_defs, plugin_id));
    return out;
  }
  if (!schema.is_object()) return schema;
  json::object out;
  for (const auto& [key, value] : schema.get_object()) {
    if (key == "$ref" && value.is_string() && value.get_string().starts_with(kDefsPrefix)) {
      const std::string name(std::string_view(value.get_string()).substr(kDefsPrefix.size()));
      const bool own = plugin_defs && plugin_defs->contains(name);
      out[key] = std::string(kComponentsPrefix) + (own ? plugin_id + "." + name : name);
    } else {
      out[key] = rewrite_refs(value, plugin_defs, plugin_id);
    }
  }
  return out;
}

// A document's schemas as they appear in components (refs rewritten).
struct SchemaScope {
  const json::object* own_defs = nullptr;  // the plugin's or the built-in routes' $defs
  std::string plugin_id;                   // empty: host definitions

  json::value operator()(const json::value& schema) const { return rewrite_refs(schema, plugin_id.empty() ? nullptr : own_defs, plugin_id); }

  // The params schema itself, following one top-level $ref.
  const json::object& resolve(const json::value& params) const {
    static const json::object empty;
    if (!params.is_object()) return empty;
    const auto& o = params.get_object();
    if (const auto* ref = o.if_contains("$ref"); ref && ref->is_string() && own_defs) {
      const std::string name(std::string_view(ref->get_string()).substr(kDefsPrefix.size()));
      if (const auto* target = own_defs->if_contains(name); target && target->is_object()) return target->get_object();
    }
    return o;
  }
};

std::string openapi_path(std::string_view pattern) {
  std::string out(pattern);
  if (const auto at = out.find("...}"); at != std::string::npos) out.erase(at, 3);  // {path...} -> {path}
  return out;
}

std::set<std::string> path_names(std::string_view path) {
  std::set<std::string> names;
  for (const auto& segment : plugin::split_route_path(path))
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') names.insert(segment.substr(1, segment.size() - 2));
  return names;
}

// Query and path parameters from a params schema (JSON Schema, type object).
json::array parameters(const json::object& params, const std::string& path, const SchemaScope& scope) {
  const auto in_path = path_names(path);
  std::set<std::string> required;
  if (const auto* r = params.if_contains("required"); r && r->is_array())
    for (const auto& name : r->get_array())
      if (name.is_string()) required.insert(std::string(name.get_string()));
  json::array out;
  std::set<std::string> seen;
  auto add = [&](const std::string& name, const json::value& schema) {
    if (!seen.insert(name).second) return;
    const bool is_path = in_path.count(name) > 0;
    json::object p{{"name", name}, {"in", is_path ? "path" : "query"}, {"required", is_path || required.count(name) > 0}};
    json::value s = scope(schema);
    if (s.is_object()) {
      if (auto* d = s.get_object().if_contains("description"); d && d->is_string()) p["description"] = *d;
    }
    p["schema"] = std::move(s);
    out.push_back(std::move(p));
  };
  if (const auto* properties = params.if_contains("properties"); properties && properties->is_object())
    for (const auto& [name, schema] : properties->get_object()) add(std::string(name), schema);
  for (const auto& name : in_path) add(name, json::object{{"type", "string"}});  // every template needs one
  return out;
}

std::string status_name(int status) {
  std::string name(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status)));
  std::string out;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  return out;
}

// components.responses: one per error status, listing its codes.
json::object error_responses() {
  json::object out;
  for (const auto& [status, codes] : builtin().at("errors").as_object()) {
    std::string description = "The error model. Codes:";
    for (const auto& [code, meaning] : codes.as_object())
      description += " `" + std::string(code) + "` (" + std::string(meaning.as_string()) + ");";
    description.back() = '.';
    json::object response{{"description", description},
                          {"content", {{"application/json", {{"schema", {{"$ref", std::string(kComponentsPrefix) + "Error"}}}}}}}};
    if (status == "429")
      response["headers"] = json::object{{"Retry-After", {{"description", "Seconds to wait."}, {"schema", {{"type", "integer"}}}}}};
    out[status_name(std::stoi(std::string(status)))] = std::move(response);
  }
  return out;
}

// Every operation may answer 400 (a malformed request), keyed ones 401 and
// 429, operations with a body 413 and 415, and every one 500.
void add_errors(json::object& responses, const std::vector<int>& statuses, bool keyed, bool body = false) {
  std::vector<int> all = statuses;
  all.push_back(400);
  if (body) {
    all.push_back(413);
    all.push_back(415);
  }
  if (keyed) {
    all.push_back(401);
    all.push_back(429);
  }
  all.push_back(500);
  for (int status : all) {
    const std::string key = std::to_string(status);
    if (!responses.contains(key)) responses[key] = json::object{{"$ref", "#/components/responses/" + status_name(status)}};
  }
}

json::object json_body(const json::value& schema, const std::string& description = {}) {
  json::object body{{"content", {{"application/json", {{"schema", schema}}}}}};
  if (!description.empty()) body["description"] = description;
  return body;
}

// Gets paths[path] as an object, creating it.
json::object& path_item(json::object& paths, const std::string& path) {
  json::value& item = paths[path];
  if (!item.is_object()) item = json::object{};
  return item.get_object();
}

// --- built-in routes -----------------------------------------------------------

json::object builtin_operation(const json::object& entry, const RouteInfo& route, const SchemaScope& scope) {
  const std::string path = openapi_path(route.pattern);
  json::object op{{"operationId", entry.at("operationId")},
                  {"summary", entry.at("summary")},
                  {"tags", json::array{entry.at("tag")}}};
  if (const auto* d = entry.if_contains("description")) op["description"] = *d;
  if (route.access == Access::host_operator)
    op["description"] = std::string(op.contains("description") ? op["description"].as_string().c_str() : "") +
                        (op.contains("description") ? " " : "") + "Needs an operator API key.";
  static const json::value no_params;
  const json::value* declared = entry.if_contains("params");
  const json::object& params = scope.resolve(declared ? *declared : no_params);
  if (auto list = parameters(params, path, scope); !list.empty()) op["parameters"] = std::move(list);
  if (const auto* body = entry.if_contains("body")) {
    json::object request = json_body(scope(*body));
    request["required"] = true;
    op["requestBody"] = std::move(request);
  }

  json::object responses;
  for (const auto& [status, response] : entry.at("responses").as_object()) {
    const auto& r = response.as_object();
    json::object out{{"description", r.at("description")}};
    if (const auto* schema = r.if_contains("schema")) out["content"] = json::object{{"application/json", {{"schema", scope(*schema)}}}};
    else if (const auto* type = r.if_contains("content_type")) out["content"] = json::object{{type->as_string(), json::object{}}};
    responses[status] = std::move(out);
  }
  std::vector<int> errors;
  if (const auto* list = entry.if_contains("errors"))
    for (const auto& status : list->as_array()) errors.push_back(static_cast<int>(status.to_number<int>()));
  add_errors(responses, errors, route.access != Access::open, entry.contains("body"));
  op["responses"] = std::move(responses);
  if (route.access == Access::open) op["security"] = json::array{};
  return op;
}

// --- plugin operations -------------------------------------------------------

json::object plugin_operation(const plugin::OperationDescriptor& descriptor, const std::string& operation_id,
                              const std::string& summary, const std::string& path, const std::string& tag,
                              bool takes_body, const std::string& success_status, const SchemaScope& scope) {
  json::object op{{"operationId", operation_id},
                  {"summary", summary},
                  {"description", descriptor.description},
                  {"tags", json::array{tag}}};
  if (auto list = parameters(descriptor.params, path, scope); !list.empty()) op["parameters"] = std::move(list);
  if (takes_body && !descriptor.body.is_null()) {
    json::object request = json_body(scope(descriptor.body));
    request["required"] = true;
    op["requestBody"] = std::move(request);
  }
  json::object responses{{success_status, json_body(scope(descriptor.result), "Success.")}};
  add_errors(responses, {403, 404, 502, 504}, true, takes_body && !descriptor.body.is_null());
  op["responses"] = std::move(responses);
  const auto& a = descriptor.annotations;
  op["x-lagentry-operation"] = descriptor.name;
  op["x-lagentry-annotations"] = json::object{{"read_only", a.read_only}, {"destructive", a.destructive}, {"idempotent", a.idempotent}};
  return op;
}

std::string lower(std::string_view method) {
  std::string out(method);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void add_connectors(json::object& paths, const plugin::Snapshot& plugins) {
  for (const auto& [name, plugin] : plugins.by_connector) {
    const auto& manifest = plugin->manifest();
    const auto* connector = manifest.find_connector(name);
    if (!connector || connector->name != name) continue;  // aliases serve the same operations
    const SchemaScope scope{&manifest.definitions, plugin->id()};
    for (const auto& e : kConnectorEndpoints) {
      const std::string verb(e.verb);
      if (std::find(connector->verbs.begin(), connector->verbs.end(), verb) == connector->verbs.end()) continue;
      const auto* descriptor = manifest.find_operation(connector->name + "." + verb);
      if (!descriptor) continue;
      const std::string path = std::string(kConnectorsPrefix) + connector->name + std::string(e.path);
      const std::string id = descriptor->name + (e.primary ? "" : "." + lower(boost::beast::http::to_string(e.method)));
      const bool body = verb == "create" || verb == "update";
      path_item(paths, path)[lower(boost::beast::http::to_string(e.method))] =
          plugin_operation(*descriptor, id, descriptor->title, path, connector->provider, body,
                           verb == "create" ? "201" : "200", scope);
    }
  }
}

void add_plugin_routes(json::object& paths, const plugin::Snapshot& plugins) {
  std::set<std::string> taken;  // the first plugin serving a method + path wins, as in routing
  for (const auto& plugin : plugins.plugins) {
    const auto& manifest = plugin->manifest();
    const SchemaScope scope{&manifest.definitions, plugin->id()};
    for (const auto& route : manifest.routes) {
      const std::string path = "/api/v1/unified" + route.path;
      if (!taken.insert(route_key(route.method, path)).second) continue;
      const auto* descriptor = manifest.find_operation(route.operation);
      if (!descriptor) continue;
      const bool body = route.method != "GET" && route.method != "DELETE";
      std::string id = lower(route.method) + "_";
      for (char c : route.path) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      path_item(paths, path)[lower(route.method)] =
          plugin_operation(*descriptor, id, descriptor->title.empty() ? descriptor->name : descriptor->title, path, route.provider, body,
                           route.method == "GET" ? "200" : "2XX", scope);
    }
  }
}

void collect_refs(const json::value& v, std::set<std::string>& refs) {
  if (v.is_array()) {
    for (const auto& item : v.get_array()) collect_refs(item, refs);
  } else if (v.is_object()) {
    for (const auto& [key, value] : v.get_object()) {
      if (key == "$ref" && value.is_string()) refs.insert(std::string(value.get_string()));
      else collect_refs(value, refs);
    }
  }
}

// Keeps only the components something refers to (linters flag the rest):
// what the paths use, and what those components use in turn.
void prune_components(json::object& components, const json::object& paths) {
  std::set<std::string> refs;
  collect_refs(paths, refs);
  auto& responses = components["responses"].as_object();
  auto& schemas = components["schemas"].as_object();
  for (auto it = responses.begin(); it != responses.end();) {
    if (refs.count("#/components/responses/" + std::string(it->key()))) {
      collect_refs(it->value(), refs);
      ++it;
    } else {
      it = responses.stable_erase(it);
    }
  }
  std::set<std::string> kept;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [name, schema] : schemas) {
      const std::string ref = std::string(kComponentsPrefix) + std::string(name);
      if (refs.count(ref) && kept.insert(ref).second) {
        collect_refs(schema, refs);
        grew = true;
      }
    }
  }
  for (auto it = schemas.begin(); it != schemas.end();) {
    if (kept.count(std::string(kComponentsPrefix) + std::string(it->key()))) ++it;
    else it = schemas.stable_erase(it);
  }
}

// One of the unified connector endpoints (described per connector from the
// manifests); /connectors/{connector}/capabilities is a route of its own.
bool connector_endpoint(const std::string& pattern) {
  for (const auto& e : kConnectorEndpoints)
    if (pattern == std::string(kConnectorsPrefix) + "{connector}" + std::string(e.path)) return true;
  return false;
}

}  // namespace

json::object openapi_document(const Router& router, const plugin::Snapshot& plugins, const std::string& server_url) {
  const auto& doc = builtin();
  const auto& builtin_defs = doc.at("$defs").as_object();
  const SchemaScope host_scope{&builtin_defs, ""};

  std::map<std::string, const json::object*> entries;
  for (const auto& entry : doc.at("routes").as_array())
    entries[route_key(entry.at("method").as_string(), entry.at("path").as_string())] = &entry.as_object();

  json::object paths;
  for (const auto& route : router.routes()) {
    if (connector_endpoint(route.pattern)) continue;  // per connector below
    const std::string method(boost::beast::http::to_string(route.method));
    auto it = entries.find(route_key(method, route.pattern));
    // Pages for browsers (landing, connect page, console) are described
    // there but are not API: docs/connect.md covers them.
    if (it != entries.end() && it->second->contains("page")) continue;
    json::object op;
    if (it != entries.end()) {
      op = builtin_operation(*it->second, route, host_scope);
    } else {  // not described yet: still listed (route_doc_coverage reports it)
      json::object responses{{"200", {{"description", "Success."}}}};
      add_errors(responses, {}, route.access != Access::open);
      op = json::object{{"summary", method + " " + route.pattern}, {"tags", json::array{"host"}}, {"responses", responses}};
    }
    path_item(paths, openapi_path(route.pattern))[lower(method)] = std::move(op);
  }
  json::object plugin_paths;
  add_connectors(plugin_paths, plugins);
  add_plugin_routes(plugin_paths, plugins);
  for (auto& [path, item] : plugin_paths)
    for (auto& [method, op] : item.as_object()) path_item(paths, std::string(path))[method] = op;

  json::array tags = doc.at("tags").as_array();
  std::set<std::string> tag_names;
  for (const auto& plugin : plugins.plugins)
    for (const auto& provider : plugin->manifest().providers)
      if (tag_names.insert(provider.name).second)
        tags.push_back(json::object{{"name", provider.name},
                                    {"description", provider.display_name + " (plugin " + plugin->id() + " " +
                                                        plugin->version() + "): its connectors and routes."}});

  json::object schemas;
  for (const auto& [name, schema] : schema::unified_definitions()) schemas[name] = host_scope(schema);
  for (const auto& [name, schema] : builtin_defs) schemas[name] = host_scope(schema);
  for (const auto& plugin : plugins.plugins) {
    const auto& defs = plugin->manifest().definitions;
    const SchemaScope scope{&defs, plugin->id()};
    for (const auto& [name, schema] : defs) schemas[plugin->id() + "." + std::string(name)] = scope(schema);
  }

  json::object components{{"securitySchemes", {{"apiKey", {{"type", "http"},
                                                           {"scheme", "bearer"},
                                                           {"description", "A Lagentry API key (lgk_...): a tenant key, or an operator key for /admin."}}}}},
                          {"schemas", std::move(schemas)},
                          {"responses", error_responses()}};
  prune_components(components, paths);
  return json::object{
      {"openapi", "3.1.0"},
      {"info", {{"title", "Lagentry Host"},
                {"version", LAGENTRY_VERSION},
                {"summary", "One REST API over the providers AI agents act on, with OAuth handled per end user."},
                {"description", "Generated from the routes this host serves and its loaded plugins. Errors share one "
                                "model (components.schemas.Error); every call except the OAuth callback, /healthz and "
                                "these docs takes an API key as a bearer token."},
                {"license", {{"name", "Proprietary"}, {"identifier", "LicenseRef-Proprietary"}}}}},
      {"servers", json::array{json::object{{"url", server_url}, {"description", "This host."}}}},
      {"security", json::array{json::object{{"apiKey", json::array{}}}}},
      {"tags", std::move(tags)},
      {"paths", std::move(paths)},
      {"components", std::move(components)}};
}

RouteDocCoverage route_doc_coverage(const Router& router) {
  std::set<std::string> documented;
  for (const auto& entry : builtin().at("routes").as_array())
    documented.insert(route_key(entry.at("method").as_string(), entry.at("path").as_string()));
  RouteDocCoverage coverage;
  std::set<std::string> served;
  for (const auto& route : router.routes()) {
    if (connector_endpoint(route.pattern)) continue;
    const std::string key = route_key(boost::beast::http::to_string(route.method), route.pattern);
    served.insert(key);
    if (!documented.count(key)) coverage.undocumented.push_back(key);
  }
  for (const auto& key : documented)
    if (!served.count(key)) coverage.stale.push_back(key);
  return coverage;
}

}  // namespace lagentry::host
