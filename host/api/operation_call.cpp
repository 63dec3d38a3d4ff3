#include "host/api/operation_call.hpp"

#include "core/oauth/scope_requirements.hpp"

#include "core/runtime/input_validation.hpp"
#include "core/runtime/operation_runner.hpp"
#include "core/schema/unified_definitions.hpp"
#include "host/api/refreshing_fetcher.hpp"
#include "host/http/responses.hpp"

#include "core/log/logger.hpp"

#include <boost/url/url.hpp>
#include <boost/json.hpp>

namespace lagentry::host {
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

// A plugin gets tokens only for a provider its own manifest declares, and
// only for that provider's api_origins; a connector or route naming another
// plugin's provider gets none.
std::vector<std::string> api_origins_of(const plugin::LoadedPlugin& plugin, const std::string& provider) {
  const auto* descriptor = plugin.manifest().find_provider(provider);
  return descriptor ? descriptor->api_origins : std::vector<std::string>{};
}

Response to_response(const runtime::OperationResult& result) {
  if (result.status >= 400)
    return error_response(static_cast<http::status>(result.status), result.error_code, result.error_message,
                          result.error_details);
  if (result.status == 204) return Response{http::status::no_content, 11};
  return json_text_response(static_cast<http::status>(result.status), result.body);
}

// Bad input answers 400 before any connection lookup, plugin call or fetch.
void validate_call(const OperationCall& call) {
  const auto& manifest = call.plugin->manifest();
  const auto* operation = manifest.find_operation(call.operation);
  if (!operation) return;  // the plugin answers unknown_operation itself
  const schema::Definitions definitions{&manifest.definitions, &schema::unified_definitions()};
  auto error = runtime::validate_input(*operation, definitions, call.params, call.path_names, call.body);
  if (!error) return;
  throw ApiError(http::status::bad_request, "invalid_request", error->message,
                 json::object{{"in", error->in}, {"pointer", error->pointer}, {"keyword", error->keyword}});
}

// LAGENTRY_VALIDATE_RESULTS: a reply that its own schema does not describe
// is the plugin's bug; say exactly where.
void check_result(const plugin::LoadedPlugin& plugin, const std::string& operation, runtime::OperationResult& result,
                  std::string_view request_id) {
  const auto* descriptor = plugin.manifest().find_operation(operation);
  if (!descriptor || result.status >= 400 || result.status == 204) return;
  const schema::Definitions definitions{&plugin.manifest().definitions, &schema::unified_definitions()};
  const json::value body = json::parse(result.body);  // checked JSON already
  auto violation = schema::validate(descriptor->result, body, definitions);
  if (!violation) return;
  const std::string message = operation + " replied with a body its result schema does not allow: " +
                              (violation->pointer.empty() ? "the body" : violation->pointer) + " " + violation->message;
  log::error("schema", message, {{"request_id", request_id}});
  result.status = 502;
  result.error_code = "plugin_error";
  result.error_message = message;
  result.error_details = nullptr;
}

// Least privilege: an operation whose scope was not granted is refused
// before the provider is called, naming what to ask the user for.
void check_scopes(const OperationCall& call, const std::string& user_email, const oauth::TokenSet& tokens) {
  const auto* operation = call.plugin->manifest().find_operation(call.operation);
  if (!operation) return;
  const auto missing = oauth::missing_scopes(*operation, tokens.primary.scope, tokens.user ? tokens.user->scope : "");
  if (missing.empty()) return;
  json::array names;
  for (const auto& scope : missing) names.emplace_back(scope);
  // The link asks for what was granted plus what is missing: providers
  // without incremental authorization (Atlassian, Slack) grant exactly what
  // is asked, and the connection must keep what it could already do. User
  // token scopes (Slack's) are always asked for, so only primary ones go in.
  std::vector<std::string> wanted = oauth::split_scopes(tokens.primary.scope);
  const auto primary_missing = oauth::missing_scopes(*operation, tokens.primary.scope, "");
  wanted.insert(wanted.end(), primary_missing.begin(), primary_missing.end());
  boost::urls::url authorize("/api/v1/unified/auth/" + call.provider + "/url");
  authorize.params().append({"user_email", user_email});
  if (!primary_missing.empty()) authorize.params().append({"scopes", oauth::join_scopes(wanted)});
  throw ApiError(http::status::forbidden, "insufficient_scope",
                 "the " + call.provider + " connection was not granted what " + call.operation +
                     " needs; ask the user to authorize it",
                 json::object{{"missing_scopes", std::move(names)}, {"authorize", authorize.buffer()}});
}

}  // namespace

json::object query_params(const RequestContext& ctx) {
  json::object params;
  for (const auto& param : ctx.target.params()) params[param.key] = param.value;
  return params;
}

asio::awaitable<Response> run_operation_call(OperationCall call, const RequestContext& ctx, OperationServices& services) {
  const auto started = std::chrono::steady_clock::now();
  validate_call(call);
  const plugin::LoadedPlugin::RequestHold hold(*call.plugin);
  ConnectionContext connection{ctx.tenant(), "", call.provider, api_origins_of(*call.plugin, call.provider), {}, false};
  connection.request_id = std::string(ctx.request_id);
  json::value metadata = json::object{};
  if (auto* user = call.params.if_contains("user_email"); user && user->is_string() && !user->get_string().empty()) {
    connection.user_email = std::string(user->get_string());
    auto access = co_await services.engine.access(connection.tenant_id, connection.user_email, call.provider,
                                                  connection.request_id);
    check_scopes(call, connection.user_email, access.tokens);
    connection.credentials = credentials_of(access, connection.api_origins);
    json::error_code ec;
    metadata = json::parse(access.metadata, ec);
    if (ec) metadata = json::object{};
  } else if (call.connection_required) {
    throw ApiError(http::status::bad_request, "invalid_request", "user_email is required");
  }

  const json::value input = json::object{{"params", call.params},
                                         {"body", call.body},
                                         {"provider", call.provider},
                                         {"connection", {{"metadata", metadata}}}};
  RefreshingFetcher fetcher(services.http, services.engine, connection);
  const std::string operation = call.operation;
  auto result = co_await runtime::run_operation(call.plugin, operation, input, fetcher);
  // A plugin that saw an auth failure the host cannot see as HTTP 401 (Slack's
  // HTTP 200 invalid_auth) answers 401 unauthorized: refresh once and rerun.
  // (co_await is kept out of && and ?: here: GCC 12 miscompiles those.)
  if (result.status == 401 && result.error_code == "unauthorized") {
    const bool refreshed = co_await refresh_once(services.engine, connection);
    if (refreshed) result = co_await runtime::run_operation(call.plugin, operation, input, fetcher);
  }

  // The plugin saw the provider say the grant is gone (Slack's
  // token_revoked, ...): the connection needs the user again.
  if (result.status == 401 && result.error_code == "reauth_required" && !connection.user_email.empty())
    co_await services.engine.mark_needs_reauth(connection.tenant_id, connection.user_email, call.provider,
                                               result.error_message, connection.request_id);

  if (services.validate_results) check_result(*call.plugin, operation, result, connection.request_id);

  store::ActivityRecord record;
  record.tenant_id = connection.tenant_id;
  record.user_email = connection.user_email;
  record.request_id = std::string(ctx.request_id);
  record.provider = call.provider;
  record.connector = call.connector;
  record.action = call.operation;
  record.status = result.status >= 400 ? result.error_code : "ok";
  record.http_status = result.status;
  record.item_count = result.status >= 400 ? -1 : result.item_count;
  record.latency_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  services.activity.record(std::move(record));
  co_return to_response(result);
}

}  // namespace lagentry::host
