// Every loaded operation as an MCP tool, built from the manifests' schemas:
// one tool per connector verb ("gmail_list") and per plugin route operation
// ("slack_post_message"). Pure functions of a registry snapshot; the MCP
// server (host/mcp/mcp_api.hpp) lists and calls them.
#pragma once

#include "core/plugin/registry.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <variant>
#include <set>
#include <string>
#include <vector>

namespace lagentry::host::mcp {

// Which tools a session sees (?connectors=a,b and ?providers=p on the MCP URL).
struct ToolFilter {
  std::set<std::string, std::less<>> connectors;  // empty: all
  std::set<std::string, std::less<>> providers;   // empty: all
  bool allows(const std::string& provider, const std::string& connector) const;
};

struct Tool {
  std::string name;          // 1-64 of [A-Za-z0-9_.-], unique
  plugin::PluginPtr plugin;  // the version that serves it
  const plugin::OperationDescriptor* operation = nullptr;  // lives in plugin's manifest
  std::string provider;      // whose connection
  std::string connector;     // "" for routes
  std::string verb;          // "" for routes
  bool takes_body = false;
  // The body's own properties become top-level arguments ("merged"); a body
  // whose schema has none is passed whole as the argument "body".
  bool body_merged = false;
  std::set<std::string, std::less<>> body_properties;
  std::set<std::string, std::less<>> param_properties;
  boost::json::object input_schema;                 // self-contained (no $ref), type object, no user_email
  std::optional<boost::json::object> output_schema;  // self-contained, type object; absent for "anything"
};

// The tools of a snapshot, in a stable order (by plugin, then manifest order).
std::vector<Tool> build_tools(const plugin::Snapshot& snapshot, const ToolFilter& filter);

// The MCP Tool object (name, title, description, inputSchema, outputSchema, annotations).
boost::json::object tool_json(const Tool& tool);

// A tool call's arguments split into the operation's params (query strings)
// and body. Nullopt and a message naming the argument when one is unknown
// or not of a type a query parameter can carry.
struct SplitArguments {
  boost::json::object params;
  boost::json::value body;  // null when the operation takes none
};
std::variant<SplitArguments, std::string> split_arguments(const Tool& tool, const boost::json::object& arguments);

// The structuredContent of a call that needs the user to connect first.
const boost::json::object& authorization_required_schema();

// MCP allows 64 characters, but clients prefix a tool with its server's name
// ("lagentry__gmail_list") and many cap the whole at 60 or 64: a name stays
// short enough for a prefix of ten.
inline constexpr std::size_t kMaxToolName = 48;

// "slack-messages.list" -> "slack_messages_list", at most kMaxToolName characters.
std::string tool_name_of(std::string_view operation);

// Inlines every "#/$defs/<name>" reference from the given definitions (a
// schema for clients that do not resolve $ref); cycles become {}.
boost::json::value inline_refs(const boost::json::value& schema, const boost::json::object& own,
                               const boost::json::object& shared, int depth = 0);

}  // namespace lagentry::host::mcp
