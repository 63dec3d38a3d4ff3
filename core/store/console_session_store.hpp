// Signed-in operator console sessions (host/web/console_pages.hpp): a random
// cookie value mapped, server-side, to the operator key that signed in. The
// value is stored only as its SHA-256; a session ends at its expiry, at
// sign-out, or when its key is revoked (checked on every page).
#pragma once

#include "core/store/database.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace lagentry::store {

struct ConsoleSession {
  std::string key_id;     // the API key that signed in
  std::string tenant_id;  // its tenant
  std::string csrf;       // embedded in the console's forms
  std::int64_t expires_at_ms = 0;
};

class ConsoleSessionStore {
 public:
  explicit ConsoleSessionStore(Database& db) : db_(db) {}

  // Starts a session for the key; returns {session, cookie value}.
  std::pair<ConsoleSession, std::string> create(const std::string& key_id, const std::string& tenant_id,
                                                std::chrono::seconds lifetime);
  std::optional<ConsoleSession> find(const std::string& token);
  void remove(const std::string& token);
  int purge_expired();

 private:
  Database& db_;
};

}  // namespace lagentry::store
