#include "core/store/api_key_cache.hpp"

#include "core/crypto/sha256.hpp"

namespace lagentry::store {

std::optional<ApiKey> ApiKeyCache::fresh(const std::string& plaintext) {
  if (plaintext.empty() || plaintext.size() > 512) return std::nullopt;
  const std::string hash = crypto::sha256_hex(plaintext);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(hash); it != entries_.end() && now - it->second.fetched < ttl_) return it->second.key;
  return std::nullopt;
}

std::optional<ApiKey> ApiKeyCache::authenticate(const std::string& plaintext) {
  if (auto cached = fresh(plaintext)) return cached;
  if (plaintext.empty() || plaintext.size() > 512) return std::nullopt;
  const std::string hash = crypto::sha256_hex(plaintext);
  const auto now = std::chrono::steady_clock::now();
  // Read outside the lock: a slow database must not serialize every request.
  ++lookups_;
  std::optional<ApiKey> key = store_.authenticate(plaintext);
  std::lock_guard lock(mutex_);
  if (!key) {
    entries_.erase(hash);  // revoked (or never existed): forget it at once
    return std::nullopt;
  }
  if (entries_.size() >= max_entries_) entries_.clear();  // crude, and only under a flood of distinct real keys
  entries_[hash] = Entry{*key, now};
  return key;
}

}  // namespace lagentry::store
