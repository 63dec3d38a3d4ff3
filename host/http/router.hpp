// Maps method + path pattern to a handler.
//
// Patterns are literal segments and {name} captures: "/api/v1/unified/
// connectors/{connector}/capabilities"; a last segment {name...} captures one
// or more remaining segments, joined by '/'. Captures are percent-decoded and
// their segments may not be "." or "..", or contain an encoded '/': path
// tricks never reach a handler.
#pragma once

#include "core/api_error.hpp"
#include "host/http/event_stream.hpp"
#include "host/http/http_types.hpp"
#include "host/http/rate_limiter.hpp"

#include <boost/url/url_view.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lagentry::host {

// Who is calling: the tenant an API key belongs to, and whether the key is a
// host operator's (see core/store/api_key_store.hpp).
struct Principal {
  std::string tenant_id;
  std::string key_id;
  bool host_operator = false;
  std::string user_email;  // set: the key acts for this end user only
};

// Who may call a route: anyone, any tenant's key, or an operator key only.
enum class Access { open, tenant, host_operator };

// What a handler gets: the request, its parsed target and the captures.
struct RequestContext {
  const Request& request;
  boost::urls::url_view target;
  std::string_view client_address;  // the peer's IP address
  std::string_view request_id;      // echoed as X-Request-Id, in the access line and activity records
  std::map<std::string, std::string, std::less<>> path_params;
  std::optional<Principal> principal;  // set on tenant and admin routes
  EventStream stream;                  // set by a handler whose response stays open (event_stream.hpp)

  const std::string& tenant() const { return principal->tenant_id; }
  // The end user a key is bound to (keys create --user), or "" for a key of
  // the whole tenant. Such a key sees and changes that user's data only.
  const std::string& bound_user() const { return principal->user_email; }

  const std::string& param(std::string_view name) const;
  // Decoded query parameter, or nullopt when absent.
  std::optional<std::string> query(std::string_view name) const;
};

// A fixed route as registered, for documents that describe the API.
struct RouteInfo {
  http::verb method;
  std::string pattern;
  Access access;
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;
// Tried when no fixed route matches (plugin-declared routes change on reload).
// Answers nullopt when it does not know the path either.
using FallbackHandler =
    std::function<boost::asio::awaitable<std::optional<Response>>(RequestContext&, const std::vector<std::string>& path)>;

class Router {
 public:
  // Routes need an API key unless `access` is open.
  void add(http::verb method, std::string pattern, Handler handler, Access access = Access::tenant);
  // The fallback always needs an API key.
  void set_fallback(FallbackHandler fallback) { fallback_ = std::move(fallback); }
  // Says whether a capture names something that exists, throwing the
  // ApiError to answer when not (404 unknown_provider for "provider"). Asked
  // only when a path matches routes of other methods alone: "GET
  // /auth/bogus" then answers that error, not 405 because "DELETE
  // /auth/{provider}" exists; "GET /auth/google" stays 405.
  void set_capture_check(std::string capture, std::function<void(const std::string&)> check) {
    capture_checks_[std::move(capture)] = std::move(check);
  }
  // Resolves a bearer API key to its principal (nullopt: unknown or revoked).
  // It may suspend (a key not in memory is read on the database pool).
  using Authenticator = std::function<boost::asio::awaitable<std::optional<Principal>>(std::string key)>;
  void set_authenticator(Authenticator authenticator) { authenticator_ = std::move(authenticator); }

  // Abuse limits (0 disables each): wrong API keys per client address per
  // minute, after which the address gets 429 until its minute ends; and
  // requests per API key per minute.
  void set_limits(unsigned auth_failures_per_minute, unsigned requests_per_key_per_minute);

  // Finds and runs the handler. Unknown paths answer 404 not_found, a known
  // path with another method 405 method_not_allowed (unless a capture check
  // refuses a capture); an ApiError or any
  // other exception from the handler becomes the JSON error model.
  boost::asio::awaitable<Response> dispatch(const Request& request, std::string_view client_address) const;

  // What the access log says about a request: set by the server (request_id)
  // and by dispatch (the route template and the tenant, never raw paths or
  // query values, which may hold user data).
  struct Trace {
    std::string request_id;
    std::string route;   // "/api/v1/unified/connectors/{connector}/items", "(plugin route)", "(none)"
    std::string tenant;  // "" when no key was presented
    EventStream stream;  // the handler's event stream, if its response stays open
  };
  boost::asio::awaitable<Response> dispatch(const Request& request, std::string_view client_address, Trace& trace) const;

  // The fixed routes in registration order (not the fallback's).
  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    Access access;
  };
  // The error of the first capture a check refuses, if any.
  std::optional<lagentry::ApiError> refused_capture(const std::map<std::string, std::string, std::less<>>& captures) const;
  // Throws ApiError 401/403 unless the request carries a good key.
  boost::asio::awaitable<Principal> authenticate(const Request& request, Access access,
                                                 std::string_view client_address) const;

  std::vector<Route> routes_;
  // Indexes into routes_, in registration order: the routes with exactly N
  // segments, and those ending in a {rest...} capture. A request is matched
  // only against routes that can match its length.
  std::map<std::size_t, std::vector<std::size_t>> by_length_;
  std::vector<std::size_t> rest_routes_;
  std::vector<std::size_t> candidates(std::size_t segments) const;
  FallbackHandler fallback_;
  std::map<std::string, std::function<void(const std::string&)>, std::less<>> capture_checks_;
  Authenticator authenticator_;
  std::unique_ptr<RateLimiter> auth_failures_ = std::make_unique<RateLimiter>(0);
  std::unique_ptr<RateLimiter> key_requests_ = std::make_unique<RateLimiter>(0);
};

// "/a/{id}/b" -> {"a", "{id}", "b"}.
std::vector<std::string> split_pattern(std::string_view pattern);
// Matches decoded path segments against a split pattern, filling captures.
bool match_path(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                std::map<std::string, std::string, std::less<>>& captures);

// An end user is named by an email address: one '@' between a local part and
// a domain, visible characters only (no spaces, controls or NUL), at most
// 320 bytes. (Not the whole of RFC 5322; enough that junk never becomes a
// connection's owner.)
bool plausible_email(std::string_view text);

// Splits a decoded path into segments; nullopt when a segment is a path trick.
std::optional<std::vector<std::string>> split_path(boost::urls::url_view target);

}  // namespace lagentry::host
