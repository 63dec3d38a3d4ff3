#include "core/oauth/token_set.hpp"

#include <boost/json.hpp>

namespace lagentry::oauth {
namespace json = boost::json;

namespace {
json::object to_object(const Tokens& t) {
  return {{"access_token", t.access_token}, {"refresh_token", t.refresh_token}, {"token_type", t.token_type},
          {"scope", t.scope}, {"expires_at_ms", t.expires_at_ms}};
}

Tokens from_object(const json::object& o) {
  Tokens t;
  auto str = [&](const char* key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string{};
  };
  t.access_token = str("access_token");
  t.refresh_token = str("refresh_token");
  t.token_type = str("token_type");
  t.scope = str("scope");
  if (auto* v = o.if_contains("expires_at_ms"); v && v->is_int64()) t.expires_at_ms = v->get_int64();
  return t;
}
}  // namespace

std::string TokenSet::to_json() const {
  json::object o{{"primary", to_object(primary)}};
  if (user) o["user"] = to_object(*user);
  return json::serialize(o);
}

TokenSet TokenSet::from_json(std::string_view text) {
  json::value v = json::parse(text);
  TokenSet set;
  set.primary = from_object(v.at("primary").as_object());
  if (auto* user = v.as_object().if_contains("user"); user && user->is_object()) set.user = from_object(user->get_object());
  return set;
}

}  // namespace lagentry::oauth
