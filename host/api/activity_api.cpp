#include "host/api/activity_api.hpp"

#include "core/crypto/encoding.hpp"
#include "core/store/activity_query.hpp"
#include "core/store/connection_store.hpp"
#include "host/api/scopes.hpp"
#include "host/http/responses.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace lagentry::host {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

ApiError bad(std::string message) { return ApiError(http::status::bad_request, "invalid_request", std::move(message)); }

std::int64_t integer_param(const RequestContext& ctx, std::string_view name, std::int64_t min, std::int64_t max,
                           std::int64_t fallback) {
  const auto text = ctx.query(name);
  if (!text || text->empty()) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < min || value > max)
    throw bad(std::string(name) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return value;
}

int limit_param(const RequestContext& ctx) {
  return static_cast<int>(integer_param(ctx, "limit", 1, kMaxLimit, kDefaultLimit));
}

// Cursors are opaque to clients: base64url of what the next page starts after.
std::string cursor_of(std::string_view position) { return crypto::base64url_encode(position); }
std::string position_of(const RequestContext& ctx) {
  const auto cursor = ctx.query("cursor");
  if (!cursor || cursor->empty()) return {};
  auto decoded = cursor->size() <= 256 ? crypto::base64url_decode(*cursor) : std::nullopt;
  if (!decoded || decoded->empty()) throw bad("cursor is not one this endpoint gave out");
  return *decoded;
}

json::value seconds_or_null(std::int64_t ms) { return ms ? json::value(ms / 1000) : json::value(nullptr); }

json::object connection_json(const store::Connection& c) {
  json::error_code ec;
  json::value metadata = json::parse(c.metadata, ec);
  if (ec) metadata = json::object{};
  return {{"id", c.id},
          {"user_email", c.user_email},
          {"provider", c.provider},
          {"status", c.status},
          {"scopes", scopes_json(c.scopes)},
          {"connected_at", seconds_or_null(c.created_at_ms)},
          {"updated_at", seconds_or_null(c.updated_at_ms)},
          {"expires_at", seconds_or_null(c.expires_at_ms)},
          {"metadata", std::move(metadata)}};
}

json::object activity_json(const store::ActivityEntry& e) {
  json::object out{{"id", e.id},
                   {"occurred_at", e.occurred_at_ms / 1000},
                   {"user_email", e.user_email.empty() ? json::value(nullptr) : json::value(e.user_email)},
                   {"provider", e.provider},
                   {"connector", e.connector},
                   {"action", e.action},
                   {"status", e.status},
                   {"http_status", e.http_status},
                   {"latency_ms", e.latency_ms},
                   {"item_count", e.item_count ? json::value(*e.item_count) : json::value(nullptr)},
                   {"request_id", e.request_id.empty() ? json::value(nullptr) : json::value(e.request_id)}};
  if (!e.detail.empty()) out["detail"] = e.detail;
  return out;
}

// The user_email filter: the one asked for (the router refused any other
// than a bound key's own), else a bound key's user, else every user.
std::string user_filter(const RequestContext& ctx) {
  std::string user = ctx.query("user_email").value_or("");
  return user.empty() ? ctx.bound_user() : user;
}

}  // namespace

void add_activity_routes(Router& router, store::Database& database, store::DatabaseWork& work, oauth::OAuthEngine& engine) {
  router.add(http::verb::get, "/api/v1/unified/activity", [&](RequestContext& ctx) -> awaitable<Response> {
    store::ActivityFilter filter;
    filter.tenant_id = ctx.tenant();
    filter.user_email = user_filter(ctx);
    filter.provider = ctx.query("provider").value_or("");
    filter.connector = ctx.query("connector").value_or("");
    filter.action = ctx.query("action").value_or("");
    filter.status = ctx.query("status").value_or("");
    constexpr std::int64_t kMaxSeconds = 253402300799;  // 9999-12-31
    filter.since_ms = integer_param(ctx, "since", 0, kMaxSeconds, 0) * 1000;
    filter.until_ms = integer_param(ctx, "until", 0, kMaxSeconds, 0) * 1000;
    filter.limit = limit_param(ctx);
    if (const std::string position = position_of(ctx); !position.empty()) {
      auto [end, ec] = std::from_chars(position.data(), position.data() + position.size(), filter.before_id);
      if (ec != std::errc{} || end != position.data() + position.size() || filter.before_id <= 0)
        throw bad("cursor is not one this endpoint gave out");
    }
    const auto entries = co_await work.run([&] { return store::query_activity(database, filter); });
    json::array items;
    for (const auto& e : entries) items.push_back(activity_json(e));
    const bool full = static_cast<int>(entries.size()) == filter.limit;
    co_return json_response(http::status::ok,
                            json::object{{"items", std::move(items)},
                                         {"next_cursor", full ? json::value(cursor_of(std::to_string(entries.back().id)))
                                                              : json::value(nullptr)}});
  });

  router.add(http::verb::get, "/api/v1/unified/connections", [&](RequestContext& ctx) -> awaitable<Response> {
    const int limit = limit_param(ctx);
    const std::string provider = ctx.query("provider").value_or(""), status = ctx.query("status").value_or("");
    const std::string user = user_filter(ctx), after = position_of(ctx);
    const auto page = co_await work.run([&] {
      store::ConnectionStore connections(database);
      return connections.page(ctx.tenant(), provider, status, user, after, limit);
    });
    json::array items;
    for (const auto& c : page) items.push_back(connection_json(c));
    const bool full = static_cast<int>(page.size()) == limit;
    co_return json_response(http::status::ok,
                            json::object{{"items", std::move(items)},
                                         {"next_cursor", full ? json::value(cursor_of(page.back().id)) : json::value(nullptr)}});
  });

  // Another user's connection is not there for a key bound to one user.
  auto find = [&](RequestContext& ctx) {
    return work.run([&database, &ctx] {
      store::ConnectionStore connections(database);
      auto found = connections.find_by_id(ctx.tenant(), ctx.param("id"));
      if (found && !ctx.bound_user().empty() && found->user_email != ctx.bound_user()) found.reset();
      return found;
    });
  };
  router.add(http::verb::get, "/api/v1/unified/connections/{id}", [&, find](RequestContext& ctx) -> awaitable<Response> {
    auto found = co_await find(ctx);
    if (!found) throw ApiError(http::status::not_found, "not_found", "no such connection");
    co_return json_response(http::status::ok, connection_json(*found));
  });

  router.add(http::verb::delete_, "/api/v1/unified/connections/{id}", [&, find](RequestContext& ctx) -> awaitable<Response> {
    auto found = co_await find(ctx);
    if (!found) throw ApiError(http::status::not_found, "not_found", "no such connection");
    auto outcome = co_await engine.revoke(found->tenant_id, found->user_email, found->provider, ctx.request_id);
    json::object body{{"id", found->id}, {"revoked", true}, {"provider_revoked", outcome.revoked_upstream}};
    if (!outcome.upstream_error.empty()) body["provider_error"] = outcome.upstream_error;
    co_return json_response(http::status::ok, body);
  });
}

}  // namespace lagentry::host
