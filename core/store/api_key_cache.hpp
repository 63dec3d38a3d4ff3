// API keys answered from memory, so an authenticated request needs no SQL.
//
// A key's record is read from the database at most once per `ttl` (4 s by
// default): a key revoked anywhere (the CLI, another host sharing the
// database) stops working within that time on every host. Unknown keys are
// not cached (the router rate-limits addresses that guess), so the cache
// holds only real keys, by SHA-256, never the plaintext.
#pragma once

#include "core/store/api_key_store.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace lagentry::store {

class ApiKeyCache {
 public:
  explicit ApiKeyCache(ApiKeyStore& store, std::chrono::milliseconds ttl = std::chrono::seconds(4),
                       std::size_t max_entries = 100000)
      : store_(store), ttl_(ttl), max_entries_(max_entries) {}

  // The key's record: from memory while fresh, else read from the database.
  std::optional<ApiKey> authenticate(const std::string& plaintext);
  // The key's record only if memory holds it fresh (no database work), so
  // that a caller on an I/O thread can send only misses to the database pool.
  std::optional<ApiKey> fresh(const std::string& plaintext);

  // Database reads so far (for tests and metrics).
  std::uint64_t lookups() const { return lookups_.load(); }

 private:
  struct Entry {
    ApiKey key;
    std::chrono::steady_clock::time_point fetched;
  };
  ApiKeyStore& store_;
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // by SHA-256 of the key
  std::atomic<std::uint64_t> lookups_{0};
};

}  // namespace lagentry::store
