#include "slack_errors.hpp"

#include "unified.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace slack {
namespace json = boost::json;

namespace {
bool one_of(std::string_view value, std::initializer_list<std::string_view> names) {
  for (auto name : names)
    if (value == name) return true;
  return false;
}

std::string text_of(const json::value& body, std::string_view key) {
  const auto* v = body.is_object() ? body.get_object().if_contains(key) : nullptr;
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Slack's own error names ({"ok":false,"error":name}).
Failure from_slack_error(const std::string& error, const json::value& body) {
  // Gone for good: the user must authorize again (the host marks the connection).
  if (one_of(error, {"invalid_auth", "token_revoked", "account_inactive"}))
    return {401, "reauth_required", "Slack no longer accepts this connection (" + error + "); the user must authorize again"};
  // Expired or missing: the host refreshes the token (rotation) and tries once more.
  if (one_of(error, {"not_authed", "token_expired"})) return {401, "unauthorized", "Slack refused the token (" + error + ")"};
  if (error == "missing_scope") {
    const std::string needed = text_of(body, "needed");
    return {403, "insufficient_scope",
            needed.empty() ? "the Slack token lacks a needed scope" : "the Slack token lacks the scope " + needed};
  }
  if (one_of(error, {"not_allowed_token_type", "no_permission", "restricted_action", "not_in_channel", "is_archived",
                     "cant_update_message", "cant_delete_message", "edit_window_closed", "access_denied"}))
    return {403, "forbidden", "Slack refused the action (" + error + ")"};
  if (one_of(error, {"channel_not_found", "message_not_found", "user_not_found", "users_not_found", "thread_not_found"}))
    return {404, "not_found", "Slack: " + error};
  if (error == "ratelimited") return {429, "rate_limited", "Slack is rate limiting these calls"};
  if (one_of(error, {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}))
    return {502, "upstream_error", "Slack failed (" + error + ")"};
  return {400, "invalid_request", "Slack refused the request (" + (error.empty() ? "unknown error" : error) + ")"};
}
}  // namespace

std::optional<Failure> classify(int http_status, const json::value& body, const std::string& transport_error) {
  if (http_status == 0)
    return Failure{504, "upstream_unavailable", "Slack could not be reached" + (transport_error.empty() ? "" : ": " + transport_error)};
  if (http_status == 429) return Failure{429, "rate_limited", "Slack is rate limiting these calls"};
  if (http_status >= 500) return Failure{502, "upstream_error", "Slack answered HTTP " + std::to_string(http_status)};
  const auto* ok = body.is_object() ? body.get_object().if_contains("ok") : nullptr;
  if (http_status == 200 && ok && ok->is_bool() && ok->get_bool()) return std::nullopt;
  if (ok && ok->is_bool()) return from_slack_error(text_of(body, "error"), body);
  switch (http_status) {
    case 200: return Failure{502, "upstream_error", "Slack answered something that is not a Web API reply"};
    case 401: return Failure{401, "unauthorized", "Slack refused the token"};
    case 403: return Failure{403, "forbidden", "Slack refused the request"};
    case 404: return Failure{404, "not_found", "Slack: not found"};
    default: return Failure{400, "invalid_request", "Slack answered HTTP " + std::to_string(http_status)};
  }
}

std::string failure_reply(const Failure& failure, int http_status, const json::value& body) {
  return lagentry::plugin_common::error_json(failure.status, failure.code, failure.message,
                                             lagentry::plugin_common::provider_details(http_status, body));
}

}  // namespace slack
