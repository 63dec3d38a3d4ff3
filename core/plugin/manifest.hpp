// A plugin's manifest: what it provides, declared as data.
//
// Parsed and validated once at load; the registry, the OAuth engine and the
// API answer from these structs and never re-read the JSON.
#pragma once

#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lagentry::plugin {

// How the client authenticates at the token endpoint.
enum class ClientAuth { basic, form, json };
// How a token is revoked: RFC 7009 with client credentials, or (Slack's
// auth.revoke) by presenting the token itself as a bearer token.
enum class RevokeAuth { client, bearer };

// How to ask the provider whether an access token still works (validate):
// a request to `url` carrying the token, and how to read the answer.
struct TokenCheckDescriptor {
  std::string url;
  std::string method = "GET";            // GET or POST
  std::string token_field;               // "": Authorization: Bearer; else the form field that carries it (POST)
  std::string ok_field;                  // a JSON boolean that must be true (Slack's "ok"); "": any 2xx
  std::string error_field = "error";     // where a failed answer names its error
  std::vector<std::string> dead_errors;  // errors that mean the grant itself is gone (Slack: token_revoked, ...)
};

// An OAuth 2.0 authorization server, described as data (see docs/plugin-abi.md).
struct OAuthDescriptor {
  std::string authorization_url;
  std::string token_url;
  std::string revoke_url;                  // empty: no revocation endpoint
  RevokeAuth revoke_auth = RevokeAuth::client;
  std::string issuer;                      // RFC 8414 discovery when URLs are absent
  std::vector<std::string> scopes;         // default scopes
  std::vector<std::string> user_scopes;    // Slack-style user scopes
  std::string scope_separator = " ";
  std::map<std::string, std::string> authorization_params;
  std::map<std::string, std::string> token_params;
  ClientAuth client_auth = ClientAuth::form;
  bool pkce = true;
  std::string token_response_path;         // e.g. "authed_user" (Slack user tokens)
  std::string post_connect_operation;      // plugin operation run after connect
  std::string revoke_operation;            // plugin operation that builds the revoke call
  std::string env_prefix;                  // GOOGLE -> GOOGLE_CLIENT_ID, ...
  // Validate asks the provider through the first of these that is set:
  // the provider's own check, RFC 7662 introspection, OIDC userinfo.
  std::optional<TokenCheckDescriptor> token_check;
  std::string introspection_url;           // discovered as introspection_endpoint
  std::string userinfo_url;                // discovered as userinfo_endpoint
};

struct ProviderDescriptor {
  std::string name;
  std::string display_name;
  OAuthDescriptor oauth;
  // The only origins ("https://host[:port]", normalised) the host sends this
  // provider's tokens to (ABI 1.1). Empty: its operations get no tokens.
  std::vector<std::string> api_origins;
};

// The unified verbs a connector can answer.
inline constexpr std::string_view kConnectorVerbs[] = {"test", "list", "get", "create",
                                                       "update", "delete", "search"};

struct ConnectorDescriptor {
  std::string name;
  std::string provider;
  std::string display_name;
  std::string description;
  std::vector<std::string> item_types;
  std::vector<std::string> verbs;   // subset of kConnectorVerbs; operation = "<name>.<verb>"
  std::vector<std::string> scopes;  // scopes the connector needs
  // Other names the connector answers to (the original API's provider-style
  // paths: "jira" for jira-issues); the catalog lists the connector once.
  std::vector<std::string> aliases;
};

// A provider-specific endpoint under /api/v1/unified, e.g. GET /gmail/labels.
struct RouteDescriptor {
  std::string method;     // GET, POST, PUT, PATCH, DELETE
  std::string path;       // "/slack/channels/{id}/messages"
  std::string operation;  // a declared operation
  std::string provider;   // whose connection (tokens) the operation uses
  // path split once at load, as every request is matched against it:
  // {"slack", "channels", "{id}", "messages"}.
  std::vector<std::string> segments;
};

// "/a/{id}/b" -> {"a", "{id}", "b"}; "/" -> {}.
std::vector<std::string> route_segments(std::string_view path);

// Hints about what an operation does to the user's data (they become MCP
// tool annotations): it only reads; it may destroy data; repeating it with
// the same input has no further effect.
struct OperationAnnotations {
  bool read_only = false;
  bool destructive = false;
  bool idempotent = false;
};

// One operation and its schemas (ABI 1.1). A manifest may list an operation
// by name only (ABI 1.0) or as an object with `description`, `params`, `body`,
// `result` and `annotations`; the host completes what is missing from the
// operation's role (core/plugin/operation_schemas.hpp), so after parsing
// every field is set.
struct OperationDescriptor {
  std::string name;
  std::string title;        // a short label, e.g. "List Gmail" (OpenAPI summary, MCP tool title)
  std::string description;
  // JSON Schema (type object) of the query and path parameters. Values
  // arrive as strings; validation reads "1" as 1 where a property says
  // integer, number or boolean (see core/runtime/input_validation.hpp).
  boost::json::object params;
  boost::json::value body;    // JSON Schema of the request body; null: the operation takes none
  boost::json::value result;  // JSON Schema of the reply body (true: anything)
  OperationAnnotations annotations;
  // The OAuth scopes the operation needs on its connection's token: any one
  // of them will do, the first is the least privilege (what is asked for).
  // Empty: the operation checks nothing before it runs. user_scopes: the
  // same for Slack-style user tokens.
  std::vector<std::string> scopes;
  std::vector<std::string> user_scopes;
  bool described = false;          // the manifest gave more than the name
  bool annotations_given = false;  // ... and set its annotations
};

struct Manifest {
  std::string id;
  std::string version;
  std::vector<ProviderDescriptor> providers;
  std::vector<ConnectorDescriptor> connectors;
  std::vector<OperationDescriptor> operations;
  std::vector<RouteDescriptor> routes;
  // The manifest's own "$defs" (JSON Schemas its operations refer to as
  // "#/$defs/<name>"), beside the host's unified ones (Item, Page, ...).
  boost::json::object definitions;

  bool has_operation(std::string_view name) const;
  const OperationDescriptor* find_operation(std::string_view name) const;
  const ProviderDescriptor* find_provider(std::string_view name) const;
  // By name or alias.
  const ConnectorDescriptor* find_connector(std::string_view name) const;
};

// Parses and validates; on failure returns a message naming the offending
// field, e.g. "providers[0].oauth.token_url: not an http(s) URL".
std::variant<Manifest, std::string> parse_manifest(std::string_view json);

// True for [a-z0-9_-]{1,64}: plugin ids, provider and connector names.
bool is_valid_name(std::string_view name);

// The manifest back as JSON for the API (no secrets live in manifests).
boost::json::object to_json(const ProviderDescriptor& provider);
boost::json::object to_json(const ConnectorDescriptor& connector);
boost::json::object to_json(const OperationDescriptor& operation);
std::string_view to_string(ClientAuth auth);

}  // namespace lagentry::plugin
