#include "core/oauth/access_cache.hpp"

#include <openssl/crypto.h>

namespace lagentry::oauth {

namespace {
void wipe(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}
void wipe(Tokens& tokens) {
  wipe(tokens.access_token);
  wipe(tokens.refresh_token);
}
}  // namespace

void wipe(TokenSet& tokens) {
  wipe(tokens.primary);
  if (tokens.user) wipe(*tokens.user);
}

AccessCache::~AccessCache() {
  for (auto& [key, entry] : entries_) wipe(entry.access.tokens);
}

std::string AccessCache::key(const std::string& tenant_id, const std::string& user_email, const std::string& provider) {
  std::string k;
  k.reserve(tenant_id.size() + user_email.size() + provider.size() + 2);
  k.append(tenant_id).append(1, '\n').append(user_email).append(1, '\n').append(provider);  // '\n' is in none of them
  return k;
}

std::optional<CachedAccess> AccessCache::find(const std::string& key) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (now - it->second.stored >= ttl_) {
    wipe(it->second.access.tokens);
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.access;
}

void AccessCache::put(const std::string& key, CachedAccess access) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_ && !entries_.count(key)) {
    for (auto& [k, entry] : entries_) wipe(entry.access.tokens);
    entries_.clear();
  }
  auto& entry = entries_[key];
  wipe(entry.access.tokens);
  entry = Entry{std::move(access), now};
}

void AccessCache::erase(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  wipe(it->second.access.tokens);
  entries_.erase(it);
}

std::size_t AccessCache::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace lagentry::oauth
