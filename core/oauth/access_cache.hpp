// Each connection's decrypted tokens and metadata, kept in memory so the hot
// path (OAuthEngine::access) needs no SQL and no decryption per request.
//
// An entry is trusted for `ttl` (2 s by default): another host sharing the
// database may refresh, revoke or reconnect, and after that time the row is
// read again. This host's own writes drop the entry at once. Tokens are
// wiped from memory when an entry is replaced, dropped or the cache dies;
// nothing here is ever logged.
#pragma once

#include "core/oauth/token_set.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace lagentry::oauth {

struct CachedAccess {
  std::string connection_id;
  TokenSet tokens;
  std::string metadata;
  std::int64_t expires_at_ms = 0;
};

class AccessCache {
 public:
  explicit AccessCache(std::chrono::milliseconds ttl = std::chrono::seconds(2), std::size_t max_entries = 100000)
      : ttl_(ttl), max_entries_(max_entries) {}
  ~AccessCache();
  AccessCache(const AccessCache&) = delete;
  AccessCache& operator=(const AccessCache&) = delete;

  static std::string key(const std::string& tenant_id, const std::string& user_email, const std::string& provider);

  // A copy of the entry while it is fresh.
  std::optional<CachedAccess> find(const std::string& key);
  void put(const std::string& key, CachedAccess access);
  void erase(const std::string& key);
  std::size_t size();

 private:
  struct Entry {
    CachedAccess access;
    std::chrono::steady_clock::time_point stored;
  };
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

// Overwrites the token strings' bytes (OPENSSL_cleanse) before they are freed.
void wipe(TokenSet& tokens);

}  // namespace lagentry::oauth
