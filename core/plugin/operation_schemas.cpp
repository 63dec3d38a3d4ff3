#include "core/plugin/operation_schemas.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <map>

namespace lagentry::plugin {
namespace json = boost::json;

namespace {

// What an operation is used for in its manifest.
struct Role {
  const ConnectorDescriptor* connector = nullptr;
  std::string verb;                        // set when the operation is a connector verb
  std::vector<const RouteDescriptor*> routes;
  bool hook = false;                       // post-connect or revoke
};

Role role_of(const Manifest& m, const std::string& operation) {
  Role role;
  for (const auto& connector : m.connectors)
    for (const auto& verb : connector.verbs)
      if (connector.name + "." + verb == operation) {
        role.connector = &connector;
        role.verb = verb;
      }
  for (const auto& route : m.routes)
    if (route.operation == operation) role.routes.push_back(&route);
  for (const auto& provider : m.providers)
    if (provider.oauth.post_connect_operation == operation || provider.oauth.revoke_operation == operation)
      role.hook = true;
  return role;
}

json::object string_param(std::string_view description, int min_length = 1, int max_length = 0) {
  json::object p{{"type", "string"}, {"description", description}};
  if (min_length > 0) p["minLength"] = min_length;
  if (max_length > 0) p["maxLength"] = max_length;
  return p;
}

// The parameters the host defines for a role: name -> (schema, required).
std::vector<std::tuple<std::string, json::object, bool>> host_params(const Role& role) {
  std::vector<std::tuple<std::string, json::object, bool>> out;
  const bool verb = !role.verb.empty();
  if (verb || !role.routes.empty())
    out.emplace_back(std::string(kUserEmailParam),
                     string_param("The end user whose connection is used (their email or other id).", 1, 320), verb);
  const std::string& v = role.verb;
  if (v == "get" || v == "update" || v == "delete")
    out.emplace_back("id", string_param("The item's id, as items report it."), true);
  if (v == "search") out.emplace_back("q", string_param("What to search for (the provider's query syntax where it has one)."), true);
  if (v == "list" || v == "search") {
    out.emplace_back("cursor", string_param("next_cursor of the previous page.", 1, 4096), false);
    out.emplace_back("limit", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 1000},
                                           {"description", "Items per page (the connector may cap it lower)."}},
                     false);
  }
  if (v == "list" || v == "search" || v == "get" || v == "create" || v == "update")
    out.emplace_back("include_raw", json::object{{"type", "boolean"}, {"description", "Add each provider object under raw."}},
                     false);
  // A path capture is required when every way to the operation has it (one
  // operation may serve "/items" and "/items/{id}").
  std::map<std::string, std::size_t> captures;
  for (const auto* route : role.routes)
    for (const auto& segment : split_route_path(route->path))
      if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') ++captures[segment.substr(1, segment.size() - 2)];
  for (const auto& [name, routes] : captures)
    out.emplace_back(name, string_param("A path segment."), !verb && routes == role.routes.size());
  return out;
}

void add_host_params(OperationDescriptor& op, const Role& role) {
  if (op.params.empty()) op.params = json::object{{"type", "object"}};
  // Taken out and put back: a reference into op.params would dangle when
  // inserting another key makes the object grow.
  json::object properties;
  if (auto* p = op.params.if_contains("properties"); p && p->is_object()) properties = p->get_object();
  json::array required;
  if (auto* r = op.params.if_contains("required"); r && r->is_array()) required = r->get_array();
  for (auto& [name, schema, is_required] : host_params(role)) {
    if (!properties.contains(name)) properties[name] = std::move(schema);
    if (is_required && std::find(required.begin(), required.end(), json::value(name)) == required.end())
      required.emplace_back(name);
  }
  op.params["properties"] = std::move(properties);
  if (required.empty()) op.params.erase("required");
  else op.params["required"] = std::move(required);
}

bool takes_body(const Role& role) {
  if (role.verb == "create" || role.verb == "update") return true;
  return std::any_of(role.routes.begin(), role.routes.end(), [](const RouteDescriptor* r) {
    return r->method == "POST" || r->method == "PUT" || r->method == "PATCH";
  });
}

json::value default_result(const std::string& verb) {
  auto ref = [](std::string_view name) { return json::object{{"$ref", "#/$defs/" + std::string(name)}}; };
  if (verb == "list" || verb == "search") return ref("Page");
  if (verb == "get" || verb == "create" || verb == "update") return ref("Item");
  if (verb == "delete") return ref("Deleted");
  if (verb == "test") return ref("TestResult");
  return json::object{};
}

OperationAnnotations default_annotations(const Role& role) {
  std::string kind = role.verb;
  if (kind.empty() && !role.routes.empty()) kind = role.routes.front()->method;
  if (kind == "list" || kind == "get" || kind == "search" || kind == "test" || kind == "GET" || role.hook)
    return {true, false, true};
  if (kind == "delete" || kind == "DELETE") return {false, true, true};
  if (kind == "update" || kind == "PUT") return {false, false, true};
  return {};
}

std::string default_description(const Role& role, const std::string& operation) {
  if (role.connector) {
    const std::string& name = role.connector->display_name;
    if (role.verb == "test") return "Checks that the user's " + name + " connection works.";
    if (role.verb == "list") return "Lists " + name + " items, a page at a time.";
    if (role.verb == "search") return "Searches " + name + " items.";
    if (role.verb == "get") return "Reads one " + name + " item.";
    if (role.verb == "create") return "Creates a " + name + " item.";
    if (role.verb == "update") return "Updates a " + name + " item.";
    if (role.verb == "delete") return "Deletes a " + name + " item.";
  }
  if (!role.routes.empty()) return role.routes.front()->method + " " + role.routes.front()->path + " (" + operation + ").";
  if (role.hook) return "An OAuth hook the host runs (" + operation + ").";
  return operation;
}

std::string default_title(const Role& role, const std::string& description) {
  if (role.connector) {
    const std::string& name = role.connector->display_name;
    const std::string& v = role.verb;
    if (v == "test") return "Check the " + name + " connection";
    if (v == "list") return "List " + name;
    if (v == "search") return "Search " + name;
    if (v == "get") return "Get from " + name;
    if (v == "create") return "Create in " + name;
    if (v == "update") return "Update in " + name;
    if (v == "delete") return "Delete from " + name;
  }
  // The description's first sentence, without its full stop.
  std::string title = description.substr(0, description.find(". "));
  if (!title.empty() && title.back() == '.') title.pop_back();
  if (title.size() > 80) {
    std::size_t cut = 77;
    while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    title = title.substr(0, cut) + "...";
  }
  return title;
}

}  // namespace

std::vector<std::string> split_route_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

void complete_operation_schemas(Manifest& manifest) {
  for (auto& op : manifest.operations) {
    const Role role = role_of(manifest, op.name);
    add_host_params(op, role);
    if (op.body.is_null() && takes_body(role))
      op.body = role.verb.empty() ? json::value(json::object{}) : json::value(json::object{{"type", "object"}});
    if (op.result.is_null()) op.result = default_result(role.verb);
    if (!op.annotations_given) op.annotations = default_annotations(role);
    if (op.description.empty()) op.description = default_description(role, op.name);
    if (op.title.empty()) op.title = default_title(role, op.description);
  }
}

}  // namespace lagentry::plugin
