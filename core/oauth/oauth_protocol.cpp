#include "core/oauth/oauth_protocol.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/sha256.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include <openssl/evp.h>

namespace lagentry::oauth {
namespace json = boost::json;
using plugin::ClientAuth;
using plugin::OAuthDescriptor;
using runtime::UpstreamRequest;

namespace {

// application/x-www-form-urlencoded value: everything but unreserved is escaped
// (so '+' never reads as a space).
std::string form_escape(std::string_view value) { return boost::urls::encode(value, boost::urls::unreserved_chars); }

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// A token-endpoint POST carrying `fields` plus the client's credentials, in
// the way the provider takes them.
UpstreamRequest token_endpoint_request(const std::string& url, const OAuthDescriptor& d, const ClientConfig& client,
                                       Fields fields) {
  for (const auto& [k, v] : d.token_params) fields.emplace_back(k, v);
  UpstreamRequest r;
  r.method = "POST";
  r.url = url;
  r.auth = "none";
  r.headers["Accept"] = "application/json";
  if (d.client_auth == ClientAuth::basic) {
    r.headers["Authorization"] =
        "Basic " + crypto::base64_encode(form_escape(client.client_id) + ":" + form_escape(client.client_secret));
  } else {
    fields.emplace_back("client_id", client.client_id);
    fields.emplace_back("client_secret", client.client_secret);
  }
  if (d.client_auth == ClientAuth::json) {
    json::object body;
    for (const auto& [k, v] : fields) body[k] = v;
    r.body = json::serialize(body);
    r.headers["Content-Type"] = "application/json";
  } else {
    for (const auto& [k, v] : fields) {
      if (!r.body.empty()) r.body += '&';
      r.body += form_escape(k) + "=" + form_escape(v);
    }
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  return r;
}

std::string string_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

// `expires_in` as a number of seconds, whatever JSON type the server chose,
// clamped so that any value (1e300, "99999999999999999999") stays well
// defined: a token that claims to live longer than ten years is treated as
// living ten years. 0 means "not said" or nonsense.
std::int64_t lifetime_seconds(const json::value& e) {
  constexpr std::int64_t kMaxSeconds = 10LL * 366 * 24 * 3600;
  if (e.is_int64()) return std::clamp<std::int64_t>(e.get_int64(), 0, kMaxSeconds);
  if (e.is_uint64()) return kMaxSeconds;  // above INT64_MAX
  if (e.is_double()) {
    const double d = e.get_double();
    if (!(d > 0)) return 0;  // also NaN
    return d >= static_cast<double>(kMaxSeconds) ? kMaxSeconds : static_cast<std::int64_t>(d);
  }
  if (e.is_string()) {
    const std::string_view text = e.get_string();
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec == std::errc::result_out_of_range) return text.starts_with('-') ? 0 : kMaxSeconds;
    if (ec != std::errc() || end != text.data() + text.size()) return 0;
    return std::clamp<std::int64_t>(seconds, 0, kMaxSeconds);
  }
  return 0;
}

Tokens tokens_from(const json::object& o, std::int64_t now_ms) {
  Tokens t;
  t.access_token = string_field(o, "access_token");
  t.refresh_token = string_field(o, "refresh_token");
  t.token_type = string_field(o, "token_type");
  t.scope = string_field(o, "scope");
  if (t.scope.empty()) t.scope = string_field(o, "scopes");  // Bitbucket
  if (auto* e = o.if_contains("expires_in"))
    if (const std::int64_t seconds = lifetime_seconds(*e); seconds > 0) t.expires_at_ms = now_ms + seconds * 1000;
  return t;
}

}  // namespace

Pkce make_pkce() {
  Pkce p;
  p.verifier = crypto::random_token(32);
  p.challenge = s256_challenge(p.verifier);
  return p;
}

std::string s256_challenge(std::string_view verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(verifier.data(), verifier.size(), digest, &length, EVP_sha256(), nullptr);
  return crypto::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string authorization_url(const OAuthDescriptor& d, const ClientConfig& client, const AuthorizationRequest& request) {
  boost::urls::url url(d.authorization_url);
  auto params = url.params();
  params.set("response_type", "code");
  params.set("client_id", client.client_id);
  params.set("redirect_uri", client.redirect_uri);
  if (!request.scopes.empty()) params.set("scope", join(request.scopes, d.scope_separator));
  if (!request.user_scopes.empty()) params.set("user_scope", join(request.user_scopes, d.scope_separator));
  params.set("state", request.state);
  if (!request.code_challenge.empty()) {
    params.set("code_challenge", request.code_challenge);
    params.set("code_challenge_method", "S256");
  }
  for (const auto& [k, v] : d.authorization_params) params.set(k, v);
  return std::string(url.buffer());
}

UpstreamRequest code_exchange_request(const OAuthDescriptor& d, const ClientConfig& client, const std::string& code,
                                      const std::string& code_verifier) {
  Fields fields{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", client.redirect_uri}};
  if (!code_verifier.empty()) fields.emplace_back("code_verifier", code_verifier);
  return token_endpoint_request(d.token_url, d, client, std::move(fields));
}

UpstreamRequest refresh_request(const OAuthDescriptor& d, const ClientConfig& client, const std::string& refresh_token) {
  return token_endpoint_request(d.token_url, d, client, {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
}

UpstreamRequest revocation_request(const OAuthDescriptor& d, const ClientConfig& client, const std::string& token) {
  if (d.revoke_auth == plugin::RevokeAuth::bearer) {
    // Slack's auth.revoke: the token revokes itself.
    UpstreamRequest r;
    r.method = "POST";
    r.url = d.revoke_url;
    r.auth = "none";
    r.headers["Authorization"] = "Bearer " + token;
    r.headers["Content-Type"] = "application/x-www-form-urlencoded";
    return r;
  }
  // RFC 7009.
  UpstreamRequest r = token_endpoint_request(d.revoke_url, d, client, {{"token", token}});
  return r;
}

UpstreamRequest introspection_request(const OAuthDescriptor& d, const ClientConfig& client, const std::string& token) {
  return token_endpoint_request(d.introspection_url, d, client, {{"token", token}, {"token_type_hint", "access_token"}});
}

bool TokenError::needs_reauth() const {
  return error == "invalid_grant" || error == "invalid_refresh_token" || error == "token_revoked" ||
         error == "invalid_token";
}

std::variant<TokenSet, TokenError> parse_token_response(const OAuthDescriptor& d, const runtime::UpstreamResponse& response,
                                                        std::int64_t now_ms, const TokenSet* previous) {
  if (response.status == 0) return TokenError{0, "transport", response.error};
  json::error_code ec;
  json::value body = json::parse(response.body, ec);
  if (ec || !body.is_object())
    return TokenError{response.status, "invalid_response",
                      "token endpoint answered HTTP " + std::to_string(response.status) + " without a JSON object"};
  const json::object& root = body.get_object();
  if (auto error = string_field(root, "error"); !error.empty())
    return TokenError{response.status, error, string_field(root, "error_description")};
  if (auto* ok = root.if_contains("ok"); ok && ok->is_bool() && !ok->get_bool())
    return TokenError{response.status, "unknown_error", ""};
  if (response.status >= 400)
    return TokenError{response.status, "http_" + std::to_string(response.status), ""};

  const json::object* at_path = &root;
  if (!d.token_response_path.empty()) {
    auto* nested = root.if_contains(d.token_response_path);
    if (!nested || !nested->is_object())
      return TokenError{response.status, "invalid_response", "token response has no " + d.token_response_path};
    at_path = &nested->get_object();
  }
  TokenSet set;
  set.primary = tokens_from(*at_path, now_ms);
  const json::object* authed_user = nullptr;
  if (auto* u = root.if_contains("authed_user"); u && u->is_object() && !string_field(u->get_object(), "access_token").empty())
    authed_user = &u->get_object();
  if (set.primary.access_token.empty() && authed_user) {
    set.primary = tokens_from(*authed_user, now_ms);  // user-scope-only install
  } else if (authed_user && at_path != authed_user) {
    set.user = tokens_from(*authed_user, now_ms);
  }
  if (set.primary.access_token.empty())
    return TokenError{response.status, "invalid_response", "token response has no access_token"};
  if (previous) {
    if (set.primary.refresh_token.empty()) set.primary.refresh_token = previous->primary.refresh_token;
    if (set.primary.scope.empty()) set.primary.scope = previous->primary.scope;
    if (!set.user && previous->user) set.user = previous->user;
    else if (set.user && previous->user && set.user->refresh_token.empty())
      set.user->refresh_token = previous->user->refresh_token;
  }
  return set;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

}  // namespace lagentry::oauth
