#include "host/api/proxy_api.hpp"

#include "core/net/upstream_url.hpp"
#include "core/runtime/egress.hpp"
#include "host/api/refreshing_fetcher.hpp"
#include "host/http/responses.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <array>
#include <chrono>

namespace lagentry::host {
using boost::asio::awaitable;
using runtime::UpstreamRequest;
using runtime::UpstreamResponse;

namespace {

// Besides what the egress rules drop from every upstream request (credentials
// such as the caller's API key in Authorization, cookies, Host, framing and
// the standard hop-by-hop headers, RFC 9110 section 7.6.1): the other form of
// API key, and Accept-Encoding, since the answer is passed back as it comes.
constexpr std::array<std::string_view, 2> kNotForwarded = {"x-api-key", "accept-encoding"};

bool forwarded(std::string_view name, std::string_view connection_tokens) {
  for (auto h : kNotForwarded)
    if (boost::beast::iequals(name, h)) return false;
  // Headers the caller named in Connection are hop-by-hop too.
  for (std::size_t start = 0; start < connection_tokens.size();) {
    std::size_t end = std::min(connection_tokens.find(',', start), connection_tokens.size());
    std::string_view token = connection_tokens.substr(start, end - start);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (!token.empty() && boost::beast::iequals(name, token)) return false;
    start = end + 1;
  }
  return true;
}

// The origin to call: `origin=` when given (it must be one of api_origins), else the first.
std::string target_origin(const RequestContext& ctx, const plugin::ProviderDescriptor& provider) {
  if (provider.api_origins.empty())
    throw ApiError(http::status::bad_request, "invalid_request",
                   "provider '" + provider.name + "' declares no api_origins: the proxy sends its tokens nowhere");
  const auto wanted = ctx.query("origin");
  if (!wanted) return provider.api_origins.front();
  const auto origin = net::parse_origin(*wanted);
  if (!origin || std::find(provider.api_origins.begin(), provider.api_origins.end(), *origin) == provider.api_origins.end())
    throw ApiError(http::status::bad_request, "invalid_request",
                   "origin must be one of the api_origins of '" + provider.name + "'");
  return *origin;
}

// origin + the captured path (each segment encoded again) + the caller's query
// without the proxy's own parameters.
std::string upstream_url(const RequestContext& ctx, const std::string& origin) {
  boost::urls::url url(origin);
  const std::string& path = ctx.param("path");
  auto segments = url.segments();
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  auto params = url.encoded_params();
  for (auto param : ctx.target.encoded_params())
    if (param.key != "user_email" && param.key != "origin") params.append(param);
  return std::string(url.buffer());
}

UpstreamRequest upstream_request(const RequestContext& ctx, std::string url) {
  UpstreamRequest request;
  request.method = std::string(ctx.request.method_string());
  request.url = std::move(url);
  request.body = ctx.request.body();
  const std::string_view connection = ctx.request[http::field::connection];
  for (const auto& field : ctx.request)
    if (forwarded(field.name_string(), connection))
      request.headers[std::string(field.name_string())] = std::string(field.value());
  return request;
}

Response passed_back(const UpstreamResponse& upstream, std::size_t max_body_bytes) {
  if (upstream.status == 0)
    throw ApiError(http::status::gateway_timeout, "upstream_unavailable", "the provider could not be reached: " + upstream.error);
  if (upstream.body.size() > max_body_bytes)
    throw ApiError(http::status::bad_gateway, "upstream_error", "the provider's answer exceeds LAGENTRY_MAX_BODY_BYTES");
  Response response{static_cast<http::status>(upstream.status), 11};
  for (std::string_view name : {"content-type", "retry-after"})
    if (auto it = upstream.headers.find(std::string(name)); it != upstream.headers.end()) response.set(name, it->second);
  response.body() = upstream.body;
  response.prepare_payload();
  return response;
}

awaitable<Response> proxy_call(RequestContext& ctx, OperationServices& services, std::size_t max_body_bytes) {
  const auto started = std::chrono::steady_clock::now();
  const std::string provider_name = ctx.param("provider");
  const oauth::ProviderEntry entry = co_await services.engine.resolve(provider_name);
  const plugin::ProviderDescriptor& provider = *entry.descriptor;
  const std::string user = ctx.query("user_email").value_or("");
  if (user.empty()) throw ApiError(http::status::bad_request, "invalid_request", "user_email is required");
  const std::string origin = target_origin(ctx, provider);
  std::vector<UpstreamRequest> requests{upstream_request(ctx, upstream_url(ctx, origin))};

  auto access = co_await services.engine.access(ctx.tenant(), user, provider.name, ctx.request_id);
  ConnectionContext connection{ctx.tenant(), user, provider.name, provider.api_origins, {}, false};
  connection.request_id = std::string(ctx.request_id);
  connection.credentials = credentials_of(access, connection.api_origins);
  RefreshingFetcher fetcher(services.http, services.engine, connection);
  std::vector<UpstreamResponse> responses;
  std::optional<std::string> refused;
  try {
    responses = co_await fetcher.fetch_all(std::move(requests));
  } catch (const runtime::EgressRefused& e) {
    refused = e.what();
  }
  if (refused) throw ApiError(http::status::bad_request, "invalid_request", "the host refuses this request: " + *refused);
  const UpstreamResponse& upstream = responses.at(0);

  store::ActivityRecord record;
  record.tenant_id = ctx.tenant();
  record.request_id = std::string(ctx.request_id);
  record.user_email = user;
  record.provider = provider.name;
  record.action = "proxy." + std::string(ctx.request.method_string());
  record.status = upstream.status == 0 ? "upstream_unavailable" : upstream.status < 400 ? "ok" : "upstream_status";
  record.http_status = upstream.status == 0 ? 504 : upstream.status;
  record.latency_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  record.detail = origin;
  services.activity.record(std::move(record));
  co_return passed_back(upstream, max_body_bytes);
}

}  // namespace

void add_proxy_routes(Router& router, OperationServices& services, std::size_t max_body_bytes) {
  for (auto method : {http::verb::get, http::verb::post, http::verb::put, http::verb::patch, http::verb::delete_})
    router.add(method, "/api/v1/unified/proxy/{provider}/{path...}", [&services, max_body_bytes](RequestContext& ctx) {
      return proxy_call(ctx, services, max_body_bytes);
    });
}

}  // namespace lagentry::host
