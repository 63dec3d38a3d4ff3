#include "host/mcp/mcp_api.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/sha256.hpp"
#include "core/plugin/operation_schemas.hpp"
#include "core/store/clock.hpp"
#include "host/api/auth_api.hpp"
#include "host/api/connect_session_api.hpp"
#include "host/http/responses.hpp"
#include "host/mcp/json_rpc.hpp"
#include "host/mcp/session_store.hpp"
#include "host/mcp/tool_catalog.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <set>

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;
using namespace mcp;

namespace {

constexpr std::string_view kLatestVersion = "2025-11-25";
const std::set<std::string, std::less<>> kVersions = {"2025-11-25", "2025-06-18", "2025-03-26"};
constexpr std::string_view kLegacyDefaultVersion = "2025-03-26";  // a request without MCP-Protocol-Version

constexpr std::string_view kInstructions =
    "Tools act on the connected accounts of one end user (fixed by this connection; no argument changes it). "
    "Each tool is one operation of a connector (gmail, drive, calendar, slack-*, jira-*, confluence-pages, "
    "bitbucket-*) or a provider route; list tools page results with cursor and limit. When a tool needs an "
    "account the user has not connected, the answer carries a link for the user to open; after they connect, "
    "call the same tool again.";

struct Server {
  Server(const plugin::Registry& r, OperationServices& s, store::Database& d, const Config& c)
      : registry(r), services(s), database(d), config(c) {}
  const plugin::Registry& registry;
  OperationServices& services;
  store::Database& database;  // connect links
  const Config& config;
  SessionStore sessions;
};

// ---- transport ------------------------------------------------------------------

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}


Response json_rpc_response(http::status status, const json::object& body, const std::string& session_id = {}) {
  Response response = json_response(status, body);
  if (!session_id.empty()) response.set("MCP-Session-Id", session_id);
  return response;
}

Response accepted() {
  Response response{http::status::accepted, 11};
  response.prepare_payload();
  return response;
}

// "127.0.0.1:8081" -> "127.0.0.1", "[::1]:8081" -> "[::1]", "example.com" -> "example.com".
std::string authority_host(std::string_view authority) {
  if (authority.starts_with('[')) return std::string(authority.substr(0, authority.find(']') + 1));
  return std::string(authority.substr(0, authority.find(':')));
}

bool is_loopback(std::string_view host) { return host == "localhost" || host == "127.0.0.1" || host == "[::1]"; }

std::string origin_host(std::string_view origin) {
  auto url = boost::urls::parse_absolute_uri(origin);
  return url ? lower(url->encoded_host()) : std::string{};
}

// DNS rebinding: a page of another site may reach a local server through a
// name that resolves to it. A request must name this host in Host (a loopback
// name, the public URL's host or a CORS origin's host), and an Origin, when
// sent, must be allowed: in CORS_ORIGINS, the public URL, or a loopback
// origin while the Host is loopback too.
std::optional<std::string> foreign_request(const RequestContext& ctx, const Config& config) {
  const std::string host = lower(authority_host(ctx.request[http::field::host]));
  std::set<std::string, std::less<>> allowed_hosts = {"localhost", "127.0.0.1", "[::1]", origin_host(config.public_url)};
  for (const auto& origin : config.cors_origins) allowed_hosts.insert(origin_host(origin));
  if (!host.empty() && !allowed_hosts.count(host)) return "the Host header names another site";

  const std::string_view origin = ctx.request[http::field::origin];
  if (origin.empty()) return std::nullopt;
  const auto& cors = config.cors_origins;
  if (std::find(cors.begin(), cors.end(), "*") != cors.end() || std::find(cors.begin(), cors.end(), origin) != cors.end())
    return std::nullopt;
  if (origin == config.public_url) return std::nullopt;
  if (is_loopback(origin_host(origin)) && (host.empty() || is_loopback(host))) return std::nullopt;
  return "the Origin is not allowed (CORS_ORIGINS)";
}

std::set<std::string, std::less<>> list_param(const RequestContext& ctx, std::string_view name) {
  std::set<std::string, std::less<>> out;
  const std::string text = ctx.query(name).value_or("");
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.insert(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// ---- tools ----------------------------------------------------------------------

json::object text_result(const json::value& structured, bool is_error) {
  json::object result{{"content", json::array{json::object{{"type", "text"}, {"text", json::serialize(structured)}}}}};
  if (structured.is_object()) result["structuredContent"] = structured;
  if (is_error) result["isError"] = true;
  return result;
}

json::object error_result(std::string_view code, std::string_view message, const json::value& details = nullptr) {
  json::object error{{"code", code}, {"message", message}};
  if (!details.is_null()) error["details"] = details;
  return text_result(json::object{{"error", std::move(error)}}, true);
}

const std::vector<json::object>& meta_tools() {
  static const std::vector<json::object> tools = [] {
    std::vector<json::object> out;
    out.push_back(json::parse(R"({"name": "search_tools", "title": "Search tools",
      "description": "Finds the tools (connector operations) whose name, title or description contain every word of query. Answers their names, titles and descriptions.",
      "inputSchema": {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string", "minLength": 1, "description": "Words to look for, e.g. 'gmail send' or 'jira issues'."},
        "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "At most this many tools (default 10)."}}},
      "annotations": {"title": "Search tools", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}})")
                      .as_object());
    out.push_back(json::parse(R"({"name": "describe_tool", "title": "Describe a tool",
      "description": "Answers one tool's full description: its input schema (the arguments call_tool takes), output schema and annotations.",
      "inputSchema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}},
      "annotations": {"title": "Describe a tool", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}})")
                      .as_object());
    out.push_back(json::parse(R"({"name": "call_tool", "title": "Call a tool",
      "description": "Calls a tool by name with its arguments (see describe_tool) and answers what the tool answers.",
      "inputSchema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1},
        "arguments": {"type": "object", "description": "The tool's arguments."}}},
      "annotations": {"title": "Call a tool", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": true}})")
                      .as_object());
    return out;
  }();
  return tools;
}

json::object search_tools(const std::vector<Tool>& tools, const json::object& arguments) {
  const auto* query = arguments.if_contains("query");
  if (!query || !query->is_string() || query->get_string().empty())
    return error_result("invalid_request", "the argument 'query' (a non-empty string) is required");
  std::size_t limit = 10;
  if (const auto* l = arguments.if_contains("limit"); l && l->is_int64() && l->get_int64() >= 1)
    limit = static_cast<std::size_t>(std::min<std::int64_t>(l->get_int64(), 50));
  std::vector<std::string> words;
  {
    const std::string q = lower(query->get_string());
    std::size_t start = 0;
    while (start < q.size()) {
      const std::size_t end = std::min(q.find(' ', start), q.size());
      if (end > start) words.push_back(q.substr(start, end - start));
      start = end + 1;
    }
  }
  auto has_all = [&](const std::string& text) {
    return std::all_of(words.begin(), words.end(), [&](const std::string& w) { return text.find(w) != std::string::npos; });
  };
  // Tools whose names hold every word first, then those whose texts do.
  std::vector<const Tool*> by_name, by_text;
  for (const auto& tool : tools) {
    if (has_all(lower(tool.name))) by_name.push_back(&tool);
    else if (has_all(lower(tool.name + " " + tool.operation->title + " " + tool.operation->description))) by_text.push_back(&tool);
  }
  by_name.insert(by_name.end(), by_text.begin(), by_text.end());
  json::array found;
  for (const Tool* tool : by_name) {
    if (found.size() >= limit) break;
    found.push_back(json::object{{"name", tool->name}, {"title", tool->operation->title}, {"description", tool->operation->description}});
  }
  return text_result(json::object{{"tools", std::move(found)}}, false);
}

// What a failed operation means for the model: connect first, or fix the call.
bool needs_connection(std::string_view code) {
  return code == "not_connected" || code == "reauth_required" || code == "insufficient_scope";
}

struct CallOutcome {
  json::object result;                 // the CallToolResult
  std::optional<json::object> error;   // instead: a JSON-RPC error (URL elicitation)
};

// The scopes an insufficient_scope answer's `authorize` link asks for (what
// was granted plus what the tool lacks), or "" (then the defaults).
std::string scopes_to_ask(const json::value& details) {
  const auto* authorize = details.is_object() ? details.get_object().if_contains("authorize") : nullptr;
  if (!authorize || !authorize->is_string()) return {};
  auto link = boost::urls::parse_relative_ref(authorize->get_string());
  if (!link) return {};
  auto found = link->params().find("scopes");
  return found == link->params().end() ? std::string() : std::string((*found).value);
}

// A connect link (host/api/connect_session_api.hpp) for the session's user
// and the tool's provider: the person sees what they grant on the host's
// connect page, and no provider URL or API key goes through the model.
awaitable<CallOutcome> connect_first(Server& server, const Session& session, const Tool& tool, const json::value& id,
                                     std::string scopes) {
  CallOutcome outcome;
  const auto provider = server.services.engine.providers().find(tool.provider);
  if (provider && !client_config(*provider->descriptor, server.config)) {
    outcome.result = error_result("provider_not_configured", "this host has no OAuth app for " + tool.provider);
    co_return outcome;
  }
  ConnectLink link;
  const ConnectLinkRequest request{session.tenant_id, session.user_email, {tool.provider}, "", kConnectLinkDefaultLifetime,
                                   std::move(scopes)};
  try {
    ConnectLink issued = co_await server.services.work.run(
        [&] { return issue_connect_link(server.database, server.services.engine, server.config, request); });
    link = std::move(issued);
  } catch (const ApiError& e) {
    outcome.result = error_result(e.code, e.message);
    co_return outcome;
  }
  const std::string message = request.scopes.empty()
                                  ? "Connect your " + tool.provider + " account to use " + tool.name + ", then try again."
                                  : "Allow your " + tool.provider + " account what " + tool.name + " needs, then try again.";
  if (session.url_elicitation) {
    const std::string elicitation_id = crypto::random_token(16);
    // The session's stream says notifications/elicitation/complete once the user has connected.
    server.sessions.add_elicitation(session.id, PendingElicitation{elicitation_id, tool.provider, store::now_ms()});
    json::object elicitation{{"mode", "url"}, {"elicitationId", elicitation_id}, {"url", link.url}, {"message", message}};
    outcome.error = rpc_error(id, kUrlElicitationRequired, message, json::object{{"elicitations", json::array{elicitation}}});
    co_return outcome;
  }
  json::object structured{{"authorization_required", true}, {"provider", tool.provider}, {"connect_url", link.url},
                          {"expires_at", link.session.expires_at_ms / 1000}};
  outcome.result = json::object{
      {"content", json::array{json::object{{"type", "text"},
                                           {"text", message + " Open this link in a browser: " + link.url}}}},
      {"structuredContent", std::move(structured)},
      {"isError", true}};
  co_return outcome;
}

awaitable<CallOutcome> call_tool(Server& server, const Session& session, const Tool& tool, const json::object& arguments,
                                 RequestContext& ctx, const json::value& id) {
  CallOutcome outcome;
  auto split = split_arguments(tool, arguments);
  if (auto* refusal = std::get_if<std::string>(&split)) {
    outcome.result = error_result("invalid_request", *refusal);
    co_return outcome;
  }
  auto& args = std::get<SplitArguments>(split);
  OperationCall call;
  call.plugin = tool.plugin;
  call.operation = tool.operation->name;
  call.provider = tool.provider;
  call.connector = tool.connector;
  call.params = std::move(args.params);
  call.params[plugin::kUserEmailParam] = session.user_email;
  call.body = tool.takes_body ? std::move(args.body) : json::value(nullptr);
  if (tool.takes_body && call.body.is_null()) call.body = json::object{};
  call.connection_required = !tool.verb.empty();

  std::optional<ApiError> failure;
  Response response;
  try {
    Response answer = co_await run_operation_call(std::move(call), ctx, server.services);
    response = std::move(answer);
  } catch (const ApiError& e) {
    failure = e;
  }
  std::string code, message;
  json::value details;
  json::value body;
  if (failure) {
    code = failure->code;
    message = failure->message;
    details = failure->details;
  } else {
    json::error_code ec;
    body = response.body().empty() ? json::value(json::object{{"ok", true}}) : json::parse(response.body(), ec);
    if (ec) body = json::object{{"text", response.body()}};
    if (response.result_int() >= 400) {
      const auto* error = body.is_object() ? body.get_object().if_contains("error") : nullptr;
      code = error && error->is_object() && error->get_object().contains("code") ? std::string(error->at("code").as_string())
                                                                                 : "upstream_error";
      message = error && error->is_object() && error->get_object().contains("message")
                    ? std::string(error->at("message").as_string())
                    : "the operation failed";
      if (error && error->is_object() && error->get_object().contains("details")) details = error->at("details");
    }
  }
  if (code.empty()) {
    outcome.result = text_result(body, false);
    co_return outcome;
  }
  if (needs_connection(code)) {
    CallOutcome connect = co_await connect_first(server, session, tool, id, scopes_to_ask(details));
    co_return connect;
  }
  outcome.result = error_result(code, message, details);
  co_return outcome;
}

// ---- methods ----------------------------------------------------------------------

json::object initialize_result(const std::string& version) {
  return {{"protocolVersion", version},
          {"capabilities",
           {{"tools", {{"listChanged", true}}}, {"logging", json::object{}}, {"resources", json::object{}}, {"prompts", json::object{}}}},
          {"serverInfo", {{"name", "lagentry-host"}, {"title", "Lagentry Host"}, {"version", LAGENTRY_VERSION}}},
          {"instructions", kInstructions}};
}

std::vector<Tool> session_tools(Server& server, const Session& session, std::shared_ptr<const plugin::Snapshot>& hold) {
  hold = server.registry.snapshot();  // the tools point into it
  return build_tools(*hold, session.filter);
}

awaitable<Response> handle_request(Server& server, const RpcMessage& message, const Session& session, RequestContext& ctx) {
  auto reply = [&](json::value result) { return json_rpc_response(http::status::ok, rpc_result(message.id, std::move(result))); };
  auto fail = [&](int code, std::string_view text) {
    return json_rpc_response(http::status::ok, rpc_error(message.id, code, text));
  };
  if (message.method == "ping") co_return reply(json::object{});
  // Declared so clients that look for them find them, empty: tools are the
  // whole surface. The host writes no log notifications to a session, so a
  // level is checked and acknowledged, nothing more.
  if (message.method == "logging/setLevel") {
    static const std::set<std::string_view> levels{"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
    const auto* level = message.params.if_contains("level");
    if (!level || !level->is_string() || !levels.count(level->get_string()))
      co_return fail(kInvalidParams, "level must be one of debug, info, notice, warning, error, critical, alert, emergency");
    co_return reply(json::object{});
  }
  if (message.method == "resources/list") co_return reply(json::object{{"resources", json::array{}}});
  if (message.method == "resources/templates/list") co_return reply(json::object{{"resourceTemplates", json::array{}}});
  if (message.method == "prompts/list") co_return reply(json::object{{"prompts", json::array{}}});

  std::shared_ptr<const plugin::Snapshot> hold;
  const std::vector<Tool> tools = session_tools(server, session, hold);

  if (message.method == "tools/list") {
    std::size_t offset = 0;
    if (const auto* cursor = message.params.if_contains("cursor"); cursor && !cursor->is_null()) {
      const auto decoded = cursor->is_string() ? crypto::base64url_decode(cursor->get_string()) : std::nullopt;
      const std::string text = decoded.value_or("");
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
      if (!decoded || ec != std::errc{} || end != text.data() + text.size() || offset > tools.size())
        co_return fail(kInvalidParams, "invalid cursor");
    }
    json::array list;
    if (session.discover_tools) {
      for (const auto& t : meta_tools()) list.push_back(t);
      co_return reply(json::object{{"tools", std::move(list)}});
    }
    const std::size_t page = server.config.mcp_page_size;
    for (std::size_t i = offset; i < tools.size() && list.size() < page; ++i) list.push_back(tool_json(tools[i]));
    json::object result{{"tools", std::move(list)}};
    if (offset + page < tools.size()) result["nextCursor"] = crypto::base64url_encode(std::to_string(offset + page));
    co_return reply(std::move(result));
  }

  if (message.method == "tools/call") {
    const auto* name = message.params.if_contains("name");
    if (!name || !name->is_string()) co_return fail(kInvalidParams, "tools/call needs params.name");
    json::object arguments;
    if (const auto* a = message.params.if_contains("arguments"); a && !a->is_null()) {
      if (!a->is_object()) co_return fail(kInvalidParams, "params.arguments must be an object");
      arguments = a->get_object();
    }
    std::string tool_name(name->get_string());
    if (session.discover_tools) {
      if (tool_name == "search_tools") co_return reply(search_tools(tools, arguments));
      if (tool_name == "describe_tool" || tool_name == "call_tool") {
        const auto* target = arguments.if_contains("name");
        if (!target || !target->is_string())
          co_return reply(error_result("invalid_request", "the argument 'name' (a tool name) is required"));
        auto it = std::find_if(tools.begin(), tools.end(), [&](const Tool& t) { return t.name == target->get_string(); });
        if (it == tools.end())
          co_return reply(error_result("invalid_request", "no tool named '" + std::string(target->get_string()) + "' (see search_tools)"));
        if (tool_name == "describe_tool") co_return reply(text_result(tool_json(*it), false));
        json::object inner;
        if (const auto* a = arguments.if_contains("arguments"); a && a->is_object()) inner = a->get_object();
        CallOutcome outcome = co_await call_tool(server, session, *it, inner, ctx, message.id);
        if (outcome.error) co_return json_rpc_response(http::status::ok, *outcome.error);
        co_return reply(std::move(outcome.result));
      }
      co_return fail(kInvalidParams, "unknown tool '" + tool_name + "'");
    }
    auto it = std::find_if(tools.begin(), tools.end(), [&](const Tool& t) { return t.name == tool_name; });
    if (it == tools.end()) co_return fail(kInvalidParams, "unknown tool '" + tool_name + "'");
    CallOutcome outcome = co_await call_tool(server, session, *it, arguments, ctx, message.id);
    if (outcome.error) co_return json_rpc_response(http::status::ok, *outcome.error);
    co_return reply(std::move(outcome.result));
  }
  co_return fail(kMethodNotFound, "method '" + message.method + "' is not supported");
}

Response transport_error(http::status status, int code, std::string_view message) {
  return json_rpc_response(status, rpc_error(nullptr, code, message));
}

awaitable<Response> handle_post(Server& server, RequestContext& ctx) {
  if (auto refusal = foreign_request(ctx, server.config)) co_return transport_error(http::status::forbidden, kInvalidRequest, *refusal);
  const std::string_view accept = ctx.request[http::field::accept];
  if (!accept.empty() && accept.find("application/json") == std::string_view::npos && accept.find("*/*") == std::string_view::npos)
    co_return transport_error(http::status::not_acceptable, kInvalidRequest, "Accept must include application/json");
  json::value body;
  try {
    body = parse_json_body(ctx.request);
  } catch (const ApiError& e) {
    if (e.code == "invalid_json") co_return transport_error(http::status::bad_request, kParseError, e.message);
    throw;
  }
  auto parsed = parse_message(body);
  if (auto* failure = std::get_if<RpcFailure>(&parsed))
    co_return transport_error(http::status::bad_request, failure->code, failure->message);
  const RpcMessage& message = std::get<RpcMessage>(parsed);

  if (message.kind == RpcMessage::Kind::request && message.method == "initialize") {
    const Principal& principal = *ctx.principal;
    std::string user = principal.user_email;
    if (auto named = ctx.query("user_email"); named && !named->empty()) user = *named;  // the router checked a bound key
    if (user.empty())
      co_return json_rpc_response(http::status::bad_request,
                                  rpc_error(message.id, kInvalidParams,
                                            "no end user: add ?user_email= to the MCP URL, or use a key created with "
                                            "`lagentry-host keys create --tenant T --user EMAIL`"));
    Session session;
    session.tenant_id = principal.tenant_id;
    session.key_id = principal.key_id;
    session.user_email = user;
    std::string requested;
    if (const auto* v = message.params.if_contains("protocolVersion"); v && v->is_string()) requested = std::string(v->get_string());
    session.protocol_version = kVersions.count(requested) ? requested : std::string(kLatestVersion);
    if (const auto* caps = message.params.if_contains("capabilities"); caps && caps->is_object())
      if (const auto* elicitation = caps->get_object().if_contains("elicitation"); elicitation && elicitation->is_object())
        session.url_elicitation = elicitation->get_object().contains("url");
    session.filter.connectors = list_param(ctx, "connectors");
    session.filter.providers = list_param(ctx, "providers");
    session.discover_tools = ctx.query("tools").value_or("") == "discover";
    const std::string version = session.protocol_version;
    const std::string id = server.sessions.create(std::move(session));
    co_return json_rpc_response(http::status::ok, rpc_result(message.id, initialize_result(version)), id);
  }

  const std::string session_id(ctx.request["MCP-Session-Id"]);
  if (session_id.empty())
    co_return transport_error(http::status::bad_request, kInvalidRequest, "MCP-Session-Id is required (initialize first)");
  auto session = server.sessions.find(session_id);
  if (!session || session->tenant_id != ctx.principal->tenant_id || session->key_id != ctx.principal->key_id)
    co_return transport_error(http::status::not_found, kInvalidRequest, "unknown or expired session: initialize again");
  const std::string version(ctx.request["MCP-Protocol-Version"]);
  if (!version.empty() && !kVersions.count(version))
    co_return transport_error(http::status::bad_request, kInvalidRequest, "unsupported MCP-Protocol-Version " + version);
  if (message.kind != RpcMessage::Kind::request) co_return accepted();
  if (message.method == "initialize") co_return transport_error(http::status::bad_request, kInvalidRequest, "already initialized");
  Response answer = co_await handle_request(server, message, *session, ctx);
  co_return answer;
}

// ---- the server-to-client stream (GET /mcp) ---------------------------------------

constexpr auto kStreamTick = std::chrono::milliseconds(500);
constexpr auto kKeepAlive = std::chrono::seconds(15);

// What the session's tools look like now, to notice a reload that changed them.
std::string tools_fingerprint(Server& server, const Session& session) {
  std::shared_ptr<const plugin::Snapshot> hold;
  const auto tools = session_tools(server, session, hold);
  std::string text;
  for (const auto& tool : tools) text += json::serialize(tool_json(tool));
  return crypto::sha256_hex(text);
}

json::object notification(std::string_view method, json::object params = {}) {
  json::object message{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.empty()) message["params"] = std::move(params);
  return message;
}

// Polls twice a second: the registry (a reload that changes the session's
// tools) and the connections of pending elicitations (also when another
// host sharing the database completed them). Ends with the session, the
// client or the server.
awaitable<void> notify(std::shared_ptr<Server> server, std::string session_id, EventSink& sink) {
  auto session = server->sessions.find(session_id);
  if (!session) co_return;
  std::shared_ptr<const plugin::Snapshot> seen = server->registry.snapshot();
  std::string fingerprint = tools_fingerprint(*server, *session);
  constexpr std::string_view kOpened = ": stream open\n\n";
  const bool opened = co_await sink.send(kOpened);
  if (!opened) co_return;
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  auto quiet_since = std::chrono::steady_clock::now();
  for (;;) {
    timer.expires_after(kStreamTick);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (sink.stopping()) co_return;
    session = server->sessions.find(session_id);
    if (!session) co_return;  // ended (DELETE) or expired
    std::vector<std::string> events;
    if (auto now_seen = server->registry.snapshot(); now_seen != seen) {
      seen = now_seen;
      std::string now_fingerprint = tools_fingerprint(*server, *session);
      if (now_fingerprint != fingerprint) {
        fingerprint = std::move(now_fingerprint);
        events.push_back(sse_event(json::serialize(notification("notifications/tools/list_changed"))));
      }
    }
    if (!session->elicitations.empty()) {
      const auto connections = co_await server->services.engine.connections(session->tenant_id, session->user_email);
      for (const auto& pending : session->elicitations) {
        const bool done = std::any_of(connections.begin(), connections.end(), [&](const store::Connection& c) {
          return c.provider == pending.provider && c.status == "connected" && c.updated_at_ms >= pending.since_ms;
        });
        if (!done) continue;
        events.push_back(sse_event(json::serialize(
            notification("notifications/elicitation/complete", json::object{{"elicitationId", pending.id}}))));
        server->sessions.drop_elicitation(session_id, pending.id);
      }
    }
    if (events.empty() && std::chrono::steady_clock::now() - quiet_since >= kKeepAlive)
      events.push_back(": keepalive\n\n");  // proxies close silent streams; a write finds a client gone
    for (const auto& event : events) {
      const std::string_view bytes = event;
      const bool sent = co_await sink.send(bytes);
      if (!sent) co_return;
      quiet_since = std::chrono::steady_clock::now();
    }
  }
}

awaitable<Response> handle_get(std::shared_ptr<Server> server, RequestContext& ctx) {
  if (auto refusal = foreign_request(ctx, server->config)) co_return transport_error(http::status::forbidden, kInvalidRequest, *refusal);
  const std::string_view accept = ctx.request[http::field::accept];
  if (accept.find("text/event-stream") == std::string_view::npos)
    co_return transport_error(http::status::not_acceptable, kInvalidRequest, "Accept must include text/event-stream");
  const std::string session_id(ctx.request["MCP-Session-Id"]);
  if (session_id.empty()) co_return transport_error(http::status::bad_request, kInvalidRequest, "MCP-Session-Id is required");
  auto session = server->sessions.find(session_id);
  if (!session || session->tenant_id != ctx.principal->tenant_id || session->key_id != ctx.principal->key_id)
    co_return transport_error(http::status::not_found, kInvalidRequest, "unknown or expired session: initialize again");
  const std::string version(ctx.request["MCP-Protocol-Version"]);
  if (!version.empty() && !kVersions.count(version))
    co_return transport_error(http::status::bad_request, kInvalidRequest, "unsupported MCP-Protocol-Version " + version);
  Response head{http::status::ok, 11};
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-store");
  ctx.stream = [server, session_id](EventSink& sink) { return notify(server, session_id, sink); };
  co_return head;
}

}  // namespace

void add_mcp_routes(Router& router, const plugin::Registry& registry, OperationServices& services, store::Database& database,
                    const Config& config) {
  auto server = std::make_shared<Server>(registry, services, database, config);
  router.add(http::verb::post, "/mcp", [server](RequestContext& ctx) -> awaitable<Response> {
    Response response = co_await handle_post(*server, ctx);
    co_return response;
  });
  // The stream of server notifications: tools/list_changed after a reload
  // that changed the session's tools, elicitation/complete after a connect.
  router.add(http::verb::get, "/mcp", [server](RequestContext& ctx) -> awaitable<Response> {
    Response response = co_await handle_get(server, ctx);
    co_return response;
  });
  router.add(http::verb::delete_, "/mcp", [server](RequestContext& ctx) -> awaitable<Response> {
    if (auto refusal = foreign_request(ctx, server->config)) co_return transport_error(http::status::forbidden, kInvalidRequest, *refusal);
    const std::string session_id(ctx.request["MCP-Session-Id"]);
    if (session_id.empty()) co_return transport_error(http::status::bad_request, kInvalidRequest, "MCP-Session-Id is required");
    auto session = server->sessions.find(session_id);
    if (!session || session->key_id != ctx.principal->key_id)
      co_return transport_error(http::status::not_found, kInvalidRequest, "unknown or expired session");
    server->sessions.erase(session_id);
    Response response{http::status::no_content, 11};
    response.prepare_payload();
    co_return response;
  });
}

}  // namespace lagentry::host
