#include "core/oauth/token_check.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>

namespace lagentry::oauth {
namespace json = boost::json;

namespace {
runtime::UpstreamRequest provider_check(const plugin::TokenCheckDescriptor& check, const std::string& token) {
  runtime::UpstreamRequest r;
  r.method = check.method;
  r.url = check.url;
  r.auth = "none";  // the token is placed here, for this one URL of the provider's own descriptor
  r.headers["Accept"] = "application/json";
  if (check.token_field.empty()) {
    r.headers["Authorization"] = "Bearer " + token;
    if (check.method == "POST") r.headers["Content-Type"] = "application/x-www-form-urlencoded";
  } else {
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
    r.body = boost::urls::encode(check.token_field, boost::urls::unreserved_chars) + "=" +
             boost::urls::encode(token, boost::urls::unreserved_chars);
  }
  return r;
}

// The answer's JSON (null when it is not JSON).
json::value parsed_body(const runtime::UpstreamResponse& response) {
  json::error_code ec;
  json::value parsed = json::parse(response.body, ec);
  return ec ? json::value(nullptr) : parsed;
}
}  // namespace

std::optional<TokenCheck> token_check_request(const plugin::OAuthDescriptor& d, const ClientConfig& client,
                                              const std::string& access_token) {
  if (d.token_check) return TokenCheck{"provider", provider_check(*d.token_check, access_token)};
  if (!d.introspection_url.empty()) return TokenCheck{"introspection", introspection_request(d, client, access_token)};
  if (!d.userinfo_url.empty()) {
    runtime::UpstreamRequest r;
    r.url = d.userinfo_url;
    r.auth = "none";
    r.headers["Accept"] = "application/json";
    r.headers["Authorization"] = "Bearer " + access_token;
    return TokenCheck{"userinfo", std::move(r)};
  }
  return std::nullopt;
}

TokenVerdict token_verdict(const plugin::OAuthDescriptor& d, const TokenCheck& check, const runtime::UpstreamResponse& response) {
  const std::string status = "HTTP " + std::to_string(response.status);
  if (response.status == 0) return {TokenLiveness::unknown, "unreachable"};
  if (response.status == 429 || response.status >= 500) return {TokenLiveness::unknown, status};
  // 403: the token was recognised, it only may not do this: it works.
  if (response.status == 403) return {TokenLiveness::alive, {}};
  if (response.status >= 400) return {TokenLiveness::refused, status};  // 400 invalid_token, 401
  if (response.status < 200 || response.status >= 300) return {TokenLiveness::unknown, status};
  const json::value parsed = parsed_body(response);
  const json::object* body = parsed.if_object();
  if (check.method == "introspection") {
    const json::value* active = body ? body->if_contains("active") : nullptr;
    if (!active || !active->is_bool()) return {TokenLiveness::unknown, "introspection answered no active field"};
    return active->get_bool() ? TokenVerdict{TokenLiveness::alive, {}} : TokenVerdict{TokenLiveness::refused, "inactive"};
  }
  if (check.method == "provider" && d.token_check && !d.token_check->ok_field.empty()) {
    const auto& spec = *d.token_check;
    const json::value* ok = body ? body->if_contains(spec.ok_field) : nullptr;
    if (ok && ok->is_bool() && ok->get_bool()) return {TokenLiveness::alive, {}};
    const json::value* error = body ? body->if_contains(spec.error_field) : nullptr;
    const std::string name = error && error->is_string() ? std::string(error->get_string()) : "not ok";
    const bool dead = std::find(spec.dead_errors.begin(), spec.dead_errors.end(), name) != spec.dead_errors.end();
    return {dead ? TokenLiveness::dead : TokenLiveness::refused, name.substr(0, 64)};
  }
  return {TokenLiveness::alive, {}};
}

}  // namespace lagentry::oauth
