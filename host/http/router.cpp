#include "host/http/router.hpp"
#include "core/store/error_text.hpp"

#include "core/log/logger.hpp"
#include "core/plugin/manifest.hpp"
#include "host/http/responses.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <iterator>

namespace lagentry::host {

const std::string& RequestContext::param(std::string_view name) const {
  static const std::string empty;
  auto it = path_params.find(name);
  return it == path_params.end() ? empty : it->second;
}

std::optional<std::string> RequestContext::query(std::string_view name) const {
  auto params = target.params();
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

std::optional<std::vector<std::string>> split_path(boost::urls::url_view target) {
  std::vector<std::string> segments;
  for (auto segment : target.segments()) {
    std::string s(segment);
    if (s == "." || s == ".." || s.find('/') != std::string::npos || s.find('\0') != std::string::npos)
      return std::nullopt;
    segments.push_back(std::move(s));
  }
  // "/a/b/" and "/a/b" are the same resource.
  if (!segments.empty() && segments.back().empty()) segments.pop_back();
  return segments;
}

std::vector<std::string> split_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("bad route pattern " + std::string(pattern));
  return plugin::route_segments(pattern);  // plugins' routes are split the same way
}

namespace {
bool is_capture(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }
bool is_rest_capture(const std::string& s) { return is_capture(s) && s.ends_with("...}"); }
}  // namespace

bool match_path(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                std::map<std::string, std::string, std::less<>>& captures) {
  const bool rest = !pattern.empty() && is_rest_capture(pattern.back());
  if (rest ? path.size() < pattern.size() : pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (rest && i + 1 == pattern.size()) {
      // The remaining segments, joined by "/" (unambiguous: split_path refuses an encoded "/").
      std::string joined;
      for (size_t k = i; k < path.size(); ++k) joined += (k > i ? "/" : "") + path[k];
      captures[pattern[i].substr(1, pattern[i].size() - 5)] = std::move(joined);
    } else if (is_capture(pattern[i])) {
      if (path[i].empty()) return false;
      captures[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

void Router::add(http::verb method, std::string pattern, Handler handler, Access access) {
  auto segments = split_pattern(pattern);
  const bool rest = !segments.empty() && is_rest_capture(segments.back());
  (rest ? rest_routes_ : by_length_[segments.size()]).push_back(routes_.size());
  routes_.push_back(Route{method, std::move(pattern), std::move(segments), std::move(handler), access});
}

std::vector<std::size_t> Router::candidates(std::size_t segments) const {
  static const std::vector<std::size_t> none;
  const auto exact = by_length_.find(segments);
  const auto& same_length = exact == by_length_.end() ? none : exact->second;
  std::vector<std::size_t> out;
  out.reserve(same_length.size() + rest_routes_.size());
  std::merge(same_length.begin(), same_length.end(), rest_routes_.begin(), rest_routes_.end(), std::back_inserter(out));
  return out;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(RouteInfo{route.method, route.pattern, route.access});
  return out;
}

namespace {
ApiError rate_limited(std::chrono::seconds retry_after, std::string message) {
  return ApiError(http::status::too_many_requests, "rate_limited", std::move(message),
                  boost::json::object{{"retry_after_seconds", retry_after.count()}});
}
}  // namespace

void Router::set_limits(unsigned auth_failures_per_minute, unsigned requests_per_key_per_minute) {
  auth_failures_ = std::make_unique<RateLimiter>(auth_failures_per_minute);
  key_requests_ = std::make_unique<RateLimiter>(requests_per_key_per_minute);
}

boost::asio::awaitable<Principal> Router::authenticate(const Request& request, Access access,
                                                std::string_view client_address) const {
  std::string_view header = request[http::field::authorization];
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || !boost::beast::iequals(header.substr(0, kScheme.size()), kScheme))
    throw ApiError(http::status::unauthorized, "unauthorized", "an API key is required: Authorization: Bearer <key>");
  // An address that keeps guessing keys is answered before any lookup.
  const std::string client(client_address);
  if (auto wait = auth_failures_->blocked(client))
    throw rate_limited(*wait, "too many requests with a wrong API key from this address");
  std::optional<Principal> principal;
  if (authenticator_) {
    std::string key(header.substr(kScheme.size()));
    std::optional<Principal> found = co_await authenticator_(std::move(key));
    principal = std::move(found);
  }
  if (!principal) {
    auth_failures_->hit(client);
    throw ApiError(http::status::unauthorized, "unauthorized", "the API key is not valid");
  }
  if (access == Access::host_operator && !principal->host_operator)
    throw ApiError(http::status::forbidden, "forbidden", "this endpoint needs a host operator's API key");
  if (auto wait = key_requests_->hit(principal->key_id))
    throw rate_limited(*wait, "this API key made more requests than LAGENTRY_RATE_LIMIT_PER_KEY allows");
  co_return std::move(*principal);
}

bool plausible_email(std::string_view text) {
  if (text.size() < 3 || text.size() > 320) return false;
  const auto at = text.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == text.size() || text.find('@', at + 1) != std::string_view::npos)
    return false;
  for (unsigned char c : text)
    if (c <= 0x20 || c == 0x7F || std::string_view("<>()[],;:\\\"").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  const std::string_view domain = text.substr(at + 1);
  return domain.front() != '.' && domain.back() != '.' && domain.find("..") == std::string_view::npos;
}

namespace {

// Refused before any handler runs: a user_email that is not an address, and,
// for a key bound to one end user, one naming another user.
void check_user_email(const Principal& principal, boost::urls::url_view target) {
  for (const auto& param : target.params()) {
    if (param.key != "user_email") continue;
    if (!param.value.empty() && !plausible_email(param.value))
      throw ApiError(http::status::bad_request, "invalid_request", "user_email must be an email address");
    if (!principal.user_email.empty() && param.value != principal.user_email)
      throw ApiError(http::status::forbidden, "forbidden", "this API key acts for one end user only, not for '" + param.value + "'");
  }
}
}  // namespace

std::optional<ApiError> Router::refused_capture(const std::map<std::string, std::string, std::less<>>& captures) const {
  for (const auto& [name, value] : captures) {
    auto check = capture_checks_.find(name);
    if (check == capture_checks_.end()) continue;
    try {
      check->second(value);
    } catch (const ApiError& e) {
      return e;
    }
  }
  return std::nullopt;
}

boost::asio::awaitable<Response> Router::dispatch(const Request& request, std::string_view client_address) const {
  Trace trace;
  Response response = co_await dispatch(request, client_address, trace);
  co_return response;
}

boost::asio::awaitable<Response> Router::dispatch(const Request& request, std::string_view client_address,
                                                  Trace& trace) const {
  trace.route = "(none)";
  auto target = boost::urls::parse_origin_form(request.target());
  if (!target) co_return error_response(http::status::bad_request, "bad_request", "request target is not a valid path");
  auto path = split_path(*target);
  if (!path) co_return error_response(http::status::bad_request, "invalid_path", "path segments '.', '..' and encoded '/' are not allowed");

  std::string allowed;
  std::optional<ApiError> missing;  // a capture of an other-method route names nothing
  const std::vector<std::size_t> candidates = this->candidates(path->size());
  for (const std::size_t index : candidates) {
    const Route& route = routes_[index];
    RequestContext context{request, *target, client_address, trace.request_id, {}};
    if (!match_path(route.segments, *path, context.path_params)) continue;
    if (route.method != request.method()) {
      if (auto refusal = refused_capture(context.path_params)) {
        missing = std::move(refusal);
        continue;
      }
      if (!allowed.empty()) allowed += ", ";
      allowed += std::string(http::to_string(route.method));
      continue;
    }
    std::optional<ApiError> failure;
    try {
      trace.route = route.pattern;
      if (route.access != Access::open) {
        Principal principal = co_await authenticate(request, route.access, client_address);
        context.principal = std::move(principal);
        trace.tenant = context.principal->tenant_id;
        check_user_email(*context.principal, context.target);
      }
      Response answer = co_await route.handler(context);
      trace.stream = std::move(context.stream);
      co_return answer;
    } catch (const ApiError& e) {
      failure = e;
    } catch (const std::exception& e) {
      log::error("http", std::string("handler failed: ") + store::error_text(e), {{"request_id", trace.request_id}});
      failure.emplace(http::status::internal_server_error, "internal_error", "internal error");
    }
    co_return error_response(*failure);
  }
  if (!allowed.empty()) {
    Response response = error_response(http::status::method_not_allowed, "method_not_allowed",
                                       std::string(request.method_string()) + " is not allowed here");
    response.set(http::field::allow, allowed);
    co_return response;
  }
  if (missing) co_return error_response(*missing);
  if (fallback_) {
    RequestContext context{request, *target, client_address, trace.request_id, {}};
    std::optional<Response> answer;
    std::optional<ApiError> failure;
    try {
      if (!path->empty() && path->front() == "api") {
        Principal principal = co_await authenticate(request, Access::tenant, client_address);
        context.principal = std::move(principal);
        trace.tenant = context.principal->tenant_id;
        check_user_email(*context.principal, context.target);
      }
      answer = co_await fallback_(context, *path);
    } catch (const ApiError& e) {
      failure = e;
    } catch (const std::exception& e) {
      log::error("http", std::string("handler failed: ") + store::error_text(e), {{"request_id", trace.request_id}});
      failure.emplace(http::status::internal_server_error, "internal_error", "internal error");
    }
    if (failure) co_return error_response(*failure);
    if (answer) {
      trace.route = "(plugin route)";
      co_return std::move(*answer);
    }
  }
  co_return error_response(http::status::not_found, "not_found", "no such endpoint");
}

}  // namespace lagentry::host
