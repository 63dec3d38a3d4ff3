// The tokens of one connection, as kept (encrypted) in the store.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace lagentry::oauth {

struct Tokens {
  std::string access_token;
  std::string refresh_token;   // empty: none issued (or not rotating)
  std::string token_type;
  std::string scope;           // as granted
  std::int64_t expires_at_ms = 0;  // 0: no expiry known
};

struct TokenSet {
  Tokens primary;               // the token used by default ("connection")
  std::optional<Tokens> user;   // Slack's authed_user token, when issued

  // Serialized for encryption; never logged.
  std::string to_json() const;
  static TokenSet from_json(std::string_view text);
};

}  // namespace lagentry::oauth
