// Tenants and their API keys. Keys are random ("lgk_" + 43 characters) and
// stored only as SHA-256 hashes: a leaked database does not leak keys.
//
// Two roles: a tenant key uses the API of its tenant; an operator key
// belongs to the host's own tenant and also administers the host (plugins,
// reloads). No tenant can create a key that reaches another tenant or the host.
#pragma once

#include "core/store/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lagentry::store {

// The tenant that operator keys belong to.
inline constexpr const char* kOperatorTenant = "default";
inline constexpr const char* kOperatorScope = "operator";
inline constexpr const char* kTenantScope = "tenant";

enum class KeyRole { tenant, host_operator };

struct ApiKey {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string scopes;  // "tenant" or "operator"
  std::string user_email;  // set: the key acts for this end user only
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> revoked_at_ms;

  bool is_operator() const { return scopes == kOperatorScope; }
};

class ApiKeyStore {
 public:
  explicit ApiKeyStore(Database& db) : db_(db) {}

  void ensure_tenant(const std::string& tenant_id);
  // Creates a key and returns {record, plaintext}; the plaintext is never stored.
  // Operator keys belong to kOperatorTenant (std::invalid_argument otherwise).
  // A non-empty user_email binds a tenant key to that end user.
  std::pair<ApiKey, std::string> create(const std::string& tenant_id, const std::string& name, KeyRole role,
                                        const std::string& user_email = {});
  // Stores a key whose plaintext the operator chose (LAGENTRY_API_KEY);
  // idempotent, and an existing key takes the given role.
  ApiKey import(const std::string& tenant_id, const std::string& name, const std::string& plaintext, KeyRole role,
                const std::string& user_email = {});
  // The active key with this plaintext, if any.
  std::optional<ApiKey> authenticate(const std::string& plaintext);
  std::vector<ApiKey> list();
  // The key with this id, revoked or not.
  std::optional<ApiKey> find(const std::string& id);
  // Every tenant's id, sorted.
  std::vector<std::string> tenants();
  bool revoke(const std::string& id);
  std::size_t active_count();

 private:
  Database& db_;
};

}  // namespace lagentry::store
