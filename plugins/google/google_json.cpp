#include "google_json.hpp"

#include "json_input.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace google {

namespace {
constexpr const char* kUserinfoUrl = "https://www.googleapis.com/oauth2/v2/userinfo";
constexpr int kDefaultLimit = 20;

const json::object& object_or_empty(const json::value* v) {
  static const json::object empty;
  return v && v->is_object() ? v->get_object() : empty;
}
}  // namespace

// ---- input and responses ----

// The sections are moved out of the parsed document, not copied.
Input Input::parse(std::string_view text) {
  json::object o = lagentry::plugin_common::parse_input(text);
  Input in;
  in.params = lagentry::plugin_common::take_object(o, "params");
  if (auto* b = o.if_contains("body")) in.body = std::move(*b);
  in.connection = lagentry::plugin_common::take_object(o, "connection");
  return in;
}

std::string Input::param(std::string_view key, std::string_view fallback) const {
  if (const auto* v = params.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return std::string(fallback);
}

int Input::limit(int cap) const {
  const std::string text = param("limit");
  if (text.empty()) return std::min(kDefaultLimit, cap);
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw lagentry::BadInput("limit must be a whole number");
  return std::clamp(value, 1, cap);
}

std::string Input::id() const {
  std::string value = param("id");
  if (value.empty()) throw lagentry::BadInput("an item id is required");
  return value;
}

const json::object& Input::body_object() const {
  if (!body.is_object()) throw lagentry::BadInput("the request body must be a JSON object");
  return body.get_object();
}

// ---- requests ----

Query& Query::add(std::string_view key, std::string_view value) {
  if (value.empty()) return *this;
  if (!text_.empty()) text_ += '&';
  text_ += std::string(key) + "=" + percent_encode(value);
  return *this;
}

lagentry::Step fetch(json::array requests, const json::object& state) {
  return lagentry::Step::fetch(lagentry::plugin_common::fetch_document(std::move(requests)), json::serialize(state));
}

json::object parse_state(std::string_view state) {
  if (state.empty()) return {};
  json::value v = json::parse(state);  // our own bytes, returned verbatim by the host
  return std::move(v.as_object());
}

// ---- replies ----

lagentry::Step reply(int status, json::value body) {
  return lagentry::Step::reply(lagentry::plugin_common::reply_json(body, status));
}

lagentry::Step error_reply(const ApiError& error) {
  return lagentry::Step::reply(lagentry::plugin_common::error_json(error.status, error.code, error.message, error.details));
}

namespace {
// Google's envelope: {"error":{"code","message","status","errors":[{"reason",..}]}}.
// OAuth endpoints answer {"error":"invalid_token","error_description":..} instead.
struct GoogleError {
  std::string message;
  std::string reason;
  std::string status;
  json::value raw;
};

GoogleError read_google_error(const Response& response) {
  GoogleError out;
  json::value body = response.json();
  out.raw = body.is_null() ? json::value(response.body) : body;
  const auto* error = body.is_object() ? body.get_object().if_contains("error") : nullptr;
  if (!error) return out;
  if (error->is_string()) {
    out.reason = error->get_string();
    out.message = string_member(body.get_object(), "error_description");
    return out;
  }
  if (!error->is_object()) return out;
  const auto& e = error->get_object();
  out.message = string_member(e, "message");
  out.status = string_member(e, "status");
  if (const auto* errors = e.if_contains("errors"); errors && errors->is_array() && !errors->get_array().empty())
    out.reason = string_member(object_or_empty(&errors->get_array().front()), "reason");
  return out;
}

bool is_rate_limit(const GoogleError& e) {
  return e.reason == "rateLimitExceeded" || e.reason == "userRateLimitExceeded" || e.status == "RESOURCE_EXHAUSTED";
}
}  // namespace

ApiError map_upstream_error(const Response& response, std::string_view scope) {
  if (response.status == 0)
    return {504, "upstream_unavailable", "Google could not be reached: " + response.error, nullptr};
  const GoogleError g = read_google_error(response);
  ApiError out;
  out.details = lagentry::plugin_common::provider_details(response.status, g.raw);
  const std::string said = g.message.empty() ? "" : ": " + g.message;
  const int s = response.status;
  if (s == 401) {
    out.status = 401, out.code = "unauthorized", out.message = "Google refused the connection's token" + said;
  } else if (s == 429 || (s == 403 && is_rate_limit(g))) {
    out.status = 429, out.code = "rate_limited", out.message = "Google rate limit exceeded" + said;
  } else if (s == 403 && (g.reason == "insufficientPermissions" || g.reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT")) {
    out.status = 403, out.code = "insufficient_scope";
    out.message = "the connection lacks the scope " + std::string(scope) + "; reconnect to grant it";
  } else if (s == 403) {
    out.status = 403, out.code = "forbidden", out.message = "Google denied the request" + said;
  } else if (s == 410 && g.reason == "fullSyncRequired") {  // Calendar: the sync token expired
    out.status = 410, out.code = "sync_token_expired";
    out.message = "the sync token is no longer valid: list again without sync_token for a full sync";
  } else if (s == 404 || s == 410) {  // 410: Calendar's "Resource has been deleted"
    out.status = 404, out.code = "not_found", out.message = g.message.empty() ? "not found" : g.message;
  } else if (s == 409) {
    out.status = 409, out.code = "conflict", out.message = "Google reported a conflict" + said;
  } else if (s >= 400 && s < 500) {
    out.status = 400, out.code = "invalid_request", out.message = "Google rejected the request" + said;
  } else {
    out.status = 502, out.code = "upstream_error", out.message = "Google answered " + std::to_string(s) + said;
  }
  return out;
}

// ---- items ----

json::object page_of(const json::object& listing, std::string_view key,
                     const std::function<json::object(const json::object&)>& to_item) {
  json::array items;
  if (const auto* found = listing.if_contains(key); found && found->is_array())
    for (const auto& entry : found->get_array())
      if (entry.is_object()) items.push_back(to_item(entry.get_object()));
  return page(std::move(items), string_member(listing, "nextPageToken"));
}

json::object object_body(const Response& response) {
  json::value v = response.json();
  if (!v.is_object()) throw std::runtime_error("Google answered " + std::to_string(response.status) + " without a JSON object");
  return std::move(v.get_object());
}

lagentry::Step sequence(const lagentry::Call& call, const std::vector<json::object>& plan, std::string_view scope,
                        const Finish& finish) {
  const json::object state = parse_state(call.state);
  std::size_t next = 0;
  if (!call.first_step()) {
    const auto responses = responses_of(call);
    if (!responses.at(0).ok()) return error_reply(map_upstream_error(responses.at(0), scope));
    next = static_cast<std::size_t>(state.at("next").to_number<std::int64_t>());
    if (next >= plan.size()) return finish(responses.at(0));
  }
  return fetch(json::array{plan.at(next)}, json::object{{"next", next + 1}});
}

// ---- connector test ----

lagentry::Step test_step(const lagentry::Call& call, std::string probe_url, std::string_view scope) {
  if (call.first_step())
    return fetch(json::array{json_request("GET", std::move(probe_url)), json_request("GET", kUserinfoUrl)}, json::object{});
  const auto responses = responses_of(call);
  if (!responses.at(0).ok()) return error_reply(map_upstream_error(responses.at(0), scope));
  std::string account;
  if (responses.at(1).ok()) {
    const json::value info = responses.at(1).json();
    account = string_member(object_or_empty(&info), "email");
  }
  if (account.empty()) {
    // userinfo needs the email scope; the connection's user is the next best answer.
    const Input input = Input::parse(call.input);
    account = input.param("user_email", string_member(input.connection, "account"));
  }
  return reply(200, json::object{{"ok", true}, {"account", account}});
}

}  // namespace google
