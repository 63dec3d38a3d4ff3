#include "host/api/operation_call.hpp"

#include "core/log/logger.hpp"
#include "core/runtime/connection_fetcher.hpp"
#include "core/runtime/operation_runner.hpp"
#include "host/http/responses.hpp"

#include <boost/json.hpp>

namespace lagentry::host {
namespace json = boost::json;
namespace asio = boost::asio;
using runtime::UpstreamRequest;
using runtime::UpstreamResponse;

namespace {

// Who the operation acts for, and the tokens it may use.
struct ConnectionContext {
  std::string tenant_id;
  std::string user_email;
  std::string provider;
  runtime::Credentials credentials;
  bool refreshed = false;  // one refresh per operation, never a storm
};

runtime::Credentials credentials_of(const oauth::Access& access) {
  return {access.tokens.primary.access_token, access.tokens.user ? access.tokens.user->access_token : ""};
}

// Refreshes the connection's tokens once. False when the provider cannot
// refresh (no refresh token): the caller keeps the 401 it has. A dead grant
// throws reauth_required.
asio::awaitable<bool> refresh_once(oauth::OAuthEngine& engine, ConnectionContext& connection) {
  if (connection.user_email.empty() || connection.refreshed) co_return false;
  connection.refreshed = true;
  std::optional<oauth::Access> access;
  std::optional<ApiError> failure;
  try {
    access = co_await engine.refresh(connection.tenant_id, connection.user_email, connection.provider);
  } catch (const ApiError& e) {
    failure = e;
  }
  if (failure) {
    if (failure->code == "reauth_required") throw *failure;
    co_return false;
  }
  connection.credentials = credentials_of(*access);
  co_return true;
}

// A Fetcher that injects the connection's tokens and, when an upstream
// answers 401, refreshes the tokens once and retries those requests.
class RefreshingFetcher : public runtime::Fetcher {
 public:
  RefreshingFetcher(net::HttpClient& http, oauth::OAuthEngine& engine, ConnectionContext& connection)
      : http_(http), engine_(engine), connection_(connection) {}

  asio::awaitable<std::vector<UpstreamResponse>> fetch_all(std::vector<UpstreamRequest> requests) override {
    runtime::ConnectionFetcher first(http_, connection_.credentials);
    std::vector<UpstreamRequest> copies = requests;
    auto responses = co_await first.fetch_all(std::move(copies));
    std::vector<std::size_t> unauthorized;
    for (std::size_t i = 0; i < responses.size(); ++i)
      if (responses[i].status == 401 && requests[i].auth != "none") unauthorized.push_back(i);
    if (unauthorized.empty()) co_return responses;

    log::info("upstream", "401 from " + connection_.provider + ": refreshing the token once and retrying");
    const bool refreshed = co_await refresh_once(engine_, connection_);
    if (!refreshed) co_return responses;
    std::vector<UpstreamRequest> retry;
    for (std::size_t i : unauthorized) retry.push_back(requests[i]);
    runtime::ConnectionFetcher second(http_, connection_.credentials);
    auto retried = co_await second.fetch_all(std::move(retry));
    for (std::size_t k = 0; k < unauthorized.size(); ++k) responses[unauthorized[k]] = std::move(retried[k]);
    co_return responses;
  }

 private:
  net::HttpClient& http_;
  oauth::OAuthEngine& engine_;
  ConnectionContext& connection_;
};

Response to_response(const runtime::OperationResult& result) {
  if (result.status >= 400)
    return error_response(static_cast<http::status>(result.status), result.error_code, result.error_message,
                          result.error_details);
  if (result.status == 204) return Response{http::status::no_content, 11};
  return json_response(static_cast<http::status>(result.status), result.body);
}

int item_count(const runtime::OperationResult& result) {
  if (result.status >= 400 || !result.body.is_object()) return -1;
  auto* items = result.body.get_object().if_contains("items");
  return items && items->is_array() ? static_cast<int>(items->get_array().size()) : -1;
}

}  // namespace

json::object query_params(const RequestContext& ctx) {
  json::object params;
  for (const auto& param : ctx.target.params()) params[param.key] = param.value;
  return params;
}

asio::awaitable<Response> run_operation_call(OperationCall call, const RequestContext& ctx, OperationServices& services) {
  const auto started = std::chrono::steady_clock::now();
  const plugin::LoadedPlugin::RequestHold hold(*call.plugin);
  ConnectionContext connection{ctx.tenant(), "", call.provider, {}, false};
  json::value metadata = json::object{};
  if (auto* user = call.params.if_contains("user_email"); user && user->is_string() && !user->get_string().empty()) {
    connection.user_email = std::string(user->get_string());
    auto access = co_await services.engine.access(connection.tenant_id, connection.user_email, call.provider);
    connection.credentials = credentials_of(access);
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

  store::ActivityRecord record;
  record.tenant_id = connection.tenant_id;
  record.provider = call.provider;
  record.connector = call.connector;
  record.action = call.operation;
  record.status = result.status >= 400 ? result.error_code : "ok";
  record.http_status = result.status;
  record.item_count = item_count(result);
  record.latency_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  services.activity.record(std::move(record));
  co_return to_response(result);
}

}  // namespace lagentry::host
