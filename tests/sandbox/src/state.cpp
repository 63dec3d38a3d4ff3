#include "state.hpp"

#include "util.hpp"

#include <algorithm>

namespace lagentry::sandbox {

const char* provider_name(Provider p) {
  switch (p) {
    case Provider::google: return "google";
    case Provider::slack: return "slack";
    case Provider::atlassian: return "atlassian";
    case Provider::bitbucket: return "bitbucket";
  }
  return "?";
}

void State::reset() {
  settings = Settings{};
  tokens.clear();
  codes.clear();
  faults.clear();
  granted_scopes.clear();
  stats = Stats{};
  google = seed_google();
  slack = seed_slack();
  atlassian = seed_atlassian();
  bitbucket = seed_bitbucket();
}

TokenCheck State::check_access(Provider provider, const std::string& value) const {
  if (value.empty()) return {TokenStatus::missing, nullptr};
  auto it = tokens.find(value);
  if (it == tokens.end() || it->second.refresh || it->second.provider != provider || it->second.revoked)
    return {TokenStatus::invalid, nullptr};
  if (it->second.expires_at != 0 && it->second.expires_at <= now_seconds()) return {TokenStatus::expired, nullptr};
  return {TokenStatus::ok, &it->second};
}

const Token& State::issue(Token prototype, std::string_view prefix, int ttl) {
  prototype.value = random_token(prefix);
  prototype.expires_at = ttl > 0 ? now_seconds() + ttl : 0;
  auto key = prototype.value;
  return tokens.emplace(key, std::move(prototype)).first->second;
}

void State::revoke_grant(const std::string& grant) {
  for (auto& [value, token] : tokens)
    if (token.grant == grant) token.revoked = true;
}

int State::access_ttl(int provider_default) const {
  return settings.access_token_ttl > 0 ? settings.access_token_ttl : provider_default;
}

bool has_scope(const Token& token, std::string_view scope) {
  return std::find(token.scopes.begin(), token.scopes.end(), scope) != token.scopes.end();
}

bool has_any_scope(const Token& token, std::initializer_list<std::string_view> scopes) {
  return std::any_of(scopes.begin(), scopes.end(), [&](std::string_view s) { return has_scope(token, s); });
}

}  // namespace lagentry::sandbox
