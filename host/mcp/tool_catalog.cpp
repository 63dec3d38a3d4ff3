#include "host/mcp/tool_catalog.hpp"

#include "core/plugin/operation_schemas.hpp"
#include "core/schema/unified_definitions.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace lagentry::host::mcp {
namespace json = boost::json;

namespace {

constexpr std::string_view kDefsPrefix = "#/$defs/";
constexpr int kMaxInlineDepth = 32;

// Keywords a body schema may have for its properties to become top-level
// tool arguments. All but minProperties keep their meaning there; that one
// would count the parameters too, so it is left to the host's own check.
bool mergeable(const json::object& body) {
  static const std::set<std::string_view> kMergeable = {"type", "properties", "required", "description", "title",
                                                        "anyOf", "allOf", "$comment", "minProperties"};
  if (!body.contains("properties")) return false;
  if (const auto* type = body.if_contains("type"); type && !(type->is_string() && type->get_string() == "object")) return false;
  return std::all_of(body.begin(), body.end(), [](const json::key_value_pair& kv) { return kMergeable.count(kv.key()); });
}

void add_required(json::array& required, const json::value* more) {
  if (!more || !more->is_array()) return;
  for (const auto& name : more->get_array())
    if (std::find(required.begin(), required.end(), name) == required.end()) required.push_back(name);
}

Tool make_tool(const plugin::PluginPtr& plugin, const plugin::OperationDescriptor& op, std::string name,
               std::string provider, std::string connector, std::string verb, bool takes_body) {
  const auto& manifest = plugin->manifest();
  const auto& shared = schema::unified_definitions();
  Tool tool;
  tool.name = std::move(name);
  tool.plugin = plugin;
  tool.operation = &op;
  tool.provider = std::move(provider);
  tool.connector = std::move(connector);
  tool.verb = std::move(verb);
  tool.takes_body = takes_body && !op.body.is_null();

  // Parameters, minus the end user: the MCP connection names the user, never an argument.
  json::object params = inline_refs(op.params, manifest.definitions, shared).as_object();
  json::object properties;
  if (auto* p = params.if_contains("properties"); p && p->is_object()) properties = p->get_object();
  properties.erase(plugin::kUserEmailParam);
  json::array required;
  if (auto* r = params.if_contains("required"); r && r->is_array())
    for (const auto& n : r->get_array())
      if (n.as_string() != plugin::kUserEmailParam) required.push_back(n);
  for (const auto& [key, ignored] : properties) tool.param_properties.insert(std::string(key));

  json::array all_of;
  if (tool.takes_body) {
    const json::value body = inline_refs(op.body, manifest.definitions, shared);
    if (body.is_object() && mergeable(body.get_object())) {
      tool.body_merged = true;
      const auto& b = body.get_object();
      for (const auto& [key, schema] : b.at("properties").as_object()) {
        properties[key] = schema;  // a body member shadows a parameter of the same name
        tool.body_properties.insert(std::string(key));
      }
      add_required(required, b.if_contains("required"));
      if (const auto* any = b.if_contains("anyOf")) all_of.push_back(json::object{{"anyOf", *any}});
      if (const auto* all = b.if_contains("allOf"))
        for (const auto& s : all->as_array()) all_of.push_back(s);
    } else {
      properties["body"] = body;
      required.push_back("body");
    }
  }
  tool.input_schema = json::object{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) tool.input_schema["required"] = std::move(required);
  if (!all_of.empty()) tool.input_schema["allOf"] = std::move(all_of);

  // structuredContent is the reply, or (with isError) the error model or a
  // request to connect the account: the output schema allows all three, as
  // MCP requires structured content to match it.
  const json::value result = inline_refs(op.result, manifest.definitions, shared);
  if (result.is_object() && !result.get_object().empty()) {
    json::object reply = result.get_object();
    reply["type"] = "object";
    tool.output_schema = json::object{{"type", "object"},
                                      {"anyOf", json::array{std::move(reply), authorization_required_schema(),
                                                            inline_refs(shared.at("Error"), manifest.definitions, shared)}}};
  }
  return tool;
}

}  // namespace

const json::object& authorization_required_schema() {
  static const json::object schema = json::parse(R"({"type": "object", "required": ["authorization_required", "provider", "connect_url"],
    "description": "The user has not connected the provider (or must reconnect): send them to connect_url, then call again.",
    "properties": {"authorization_required": {"const": true}, "provider": {"type": "string"},
                   "connect_url": {"type": "string"}, "expires_at": {"type": "integer"}}})").as_object();
  return schema;
}

bool ToolFilter::allows(const std::string& provider, const std::string& connector) const {
  if (!providers.empty() && !providers.count(provider)) return false;
  if (!connectors.empty() && (connector.empty() || !connectors.count(connector))) return false;
  return true;
}

std::string tool_name_of(std::string_view operation) {
  std::string out;
  for (char c : operation) out += (c == '-' || c == '.') ? '_' : c;
  return out.substr(0, kMaxToolName);
}

json::value inline_refs(const json::value& schema, const json::object& own, const json::object& shared, int depth) {
  if (depth > kMaxInlineDepth) return json::object{};
  if (schema.is_array()) {
    json::array out;
    for (const auto& item : schema.get_array()) out.push_back(inline_refs(item, own, shared, depth + 1));
    return out;
  }
  if (!schema.is_object()) return schema;
  json::object out;
  for (const auto& [key, value] : schema.get_object()) {
    if (key == "$ref" && value.is_string() && value.get_string().starts_with(kDefsPrefix)) {
      const std::string_view name = std::string_view(value.get_string()).substr(kDefsPrefix.size());
      const json::value* target = own.if_contains(name);
      if (!target) target = shared.if_contains(name);
      if (!target) continue;
      json::value expanded = inline_refs(*target, own, shared, depth + 1);
      if (!expanded.is_object()) continue;
      for (const auto& [k, v] : expanded.get_object())
        if (!out.contains(k)) out[k] = v;  // the referring schema's own keywords win
    } else {
      out[key] = inline_refs(value, own, shared, depth + 1);
    }
  }
  return out;
}

std::vector<Tool> build_tools(const plugin::Snapshot& snapshot, const ToolFilter& filter) {
  std::vector<Tool> tools;
  std::set<std::string> names;
  auto add = [&](Tool tool) {
    if (tool.name.empty() || !names.insert(tool.name).second) return;  // first plugin wins, as in routing
    tools.push_back(std::move(tool));
  };
  for (const auto& plugin : snapshot.plugins) {
    const auto& manifest = plugin->manifest();
    std::set<std::string> verb_operations;
    for (const auto& connector : manifest.connectors) {
      // A connector another plugin serves (by_connector) is that plugin's.
      auto owner = snapshot.by_connector.find(connector.name);
      if (owner == snapshot.by_connector.end() || owner->second != plugin) continue;
      for (const auto& verb : connector.verbs) {
        const auto* op = manifest.find_operation(connector.name + "." + verb);
        if (!op) continue;
        verb_operations.insert(op->name);
        if (!filter.allows(connector.provider, connector.name)) continue;
        add(make_tool(plugin, *op, tool_name_of(op->name), connector.provider, connector.name, verb,
                      verb == "create" || verb == "update"));
      }
    }
    for (const auto& route : manifest.routes) {
      const auto* op = manifest.find_operation(route.operation);
      if (!op || verb_operations.count(op->name) || !filter.allows(route.provider, "")) continue;
      const bool body = route.method == "POST" || route.method == "PUT" || route.method == "PATCH";
      add(make_tool(plugin, *op, tool_name_of(op->name), route.provider, "", "", body));
    }
  }
  return tools;
}

json::object tool_json(const Tool& tool) {
  const auto& op = *tool.operation;
  json::object out{{"name", tool.name},
                   {"title", op.title},
                   {"description", op.description},
                   {"inputSchema", tool.input_schema},
                   {"annotations", {{"title", op.title},
                                    {"readOnlyHint", op.annotations.read_only},
                                    {"destructiveHint", op.annotations.destructive},
                                    {"idempotentHint", op.annotations.idempotent},
                                    {"openWorldHint", true}}}};
  if (tool.output_schema) out["outputSchema"] = *tool.output_schema;
  return out;
}

std::variant<SplitArguments, std::string> split_arguments(const Tool& tool, const json::object& arguments) {
  SplitArguments split;
  json::object body;
  for (const auto& [key, value] : arguments) {
    const std::string name(key);
    if (name == plugin::kUserEmailParam)
      return std::string("user_email is not an argument: the MCP connection names the user");
    if (tool.takes_body && !tool.body_merged && name == "body") {
      split.body = value;
      continue;
    }
    if (tool.body_merged && (tool.body_properties.count(name) || !tool.param_properties.count(name))) {
      body[name] = value;
      continue;
    }
    if (!tool.param_properties.count(name)) return "unknown argument '" + name + "'";
    if (value.is_string()) split.params[name] = value;
    else if (value.is_number() || value.is_bool()) split.params[name] = json::serialize(value);
    else return "argument '" + name + "' must be a string, number or boolean";
  }
  if (tool.body_merged) split.body = std::move(body);
  return split;
}

}  // namespace lagentry::host::mcp
