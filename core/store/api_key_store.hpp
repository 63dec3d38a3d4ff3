// Tenants and their API keys. Keys are random ("lgk_" + 43 characters) and
// stored only as SHA-256 hashes: a leaked database does not leak keys.
#pragma once

#include "core/store/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lagentry::store {

struct ApiKey {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string scopes;  // "tenant" or "tenant admin"
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> revoked_at_ms;

  bool is_admin() const { return scopes.find("admin") != std::string::npos; }
};

class ApiKeyStore {
 public:
  explicit ApiKeyStore(Database& db) : db_(db) {}

  void ensure_tenant(const std::string& tenant_id);
  // Creates a key and returns {record, plaintext}; the plaintext is never stored.
  std::pair<ApiKey, std::string> create(const std::string& tenant_id, const std::string& name, bool admin);
  // Stores a key whose plaintext the operator chose (LAGENTRY_API_KEY); idempotent.
  ApiKey import(const std::string& tenant_id, const std::string& name, const std::string& plaintext, bool admin);
  // The active key with this plaintext, if any.
  std::optional<ApiKey> authenticate(const std::string& plaintext);
  std::vector<ApiKey> list();
  bool revoke(const std::string& id);
  std::size_t active_count();

 private:
  Database& db_;
};

}  // namespace lagentry::store
