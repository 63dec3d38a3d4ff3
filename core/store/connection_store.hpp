// Connections (tenant, user, provider) and their encrypted token sets.
//
// Tokens live in one AES-GCM ciphertext per connection (access and refresh
// tokens together), so a refresh replaces both in a single UPDATE: the new
// refresh token is persisted atomically with the new access token. The
// generation column makes concurrent refreshes (across hosts too) detectable.
#pragma once

#include "core/crypto/secret_box.hpp"
#include "core/store/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lagentry::store {

struct Connection {
  std::string id;
  std::string tenant_id;
  std::string user_email;
  std::string provider;
  std::string scopes;
  std::string metadata;  // JSON from post-connect hooks (e.g. Atlassian sites); no secrets
  std::string status;    // "connected" or "needs_reauth"
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  crypto::Sealed tokens;
  std::int64_t expires_at_ms = 0;  // access token expiry, 0 unknown
  std::int64_t generation = 0;
};

class ConnectionStore {
 public:
  explicit ConnectionStore(Database& db) : db_(db) {}

  // The id of the existing connection, or a fresh one for a new connection
  // (tokens are sealed with the id as associated data before upsert).
  std::string id_for(const std::string& tenant_id, const std::string& user_email, const std::string& provider);
  // Inserts or replaces the connection `id` and its tokens; true when it is new.
  bool upsert(const std::string& id, const std::string& tenant_id, const std::string& user_email, const std::string& provider,
                     const std::string& scopes, const std::string& metadata, const crypto::Sealed& tokens,
                     std::int64_t expires_at_ms);
  std::optional<Connection> find(const std::string& tenant_id, const std::string& user_email, const std::string& provider);
  std::vector<Connection> list(const std::string& tenant_id, const std::string& user_email);
  // One tenant's connections ordered by id, after `after_id` (keyset cursor),
  // filtered by provider, status and user ("" matches any).
  std::vector<Connection> page(const std::string& tenant_id, const std::string& provider, const std::string& status,
                               const std::string& user_email, const std::string& after_id, int limit);
  std::optional<Connection> find_by_id(const std::string& tenant_id, const std::string& id);
  // Replaces the tokens if the generation is still `expected`; false when someone else refreshed first.
  bool replace_tokens(const std::string& id, std::int64_t expected_generation, const crypto::Sealed& tokens,
                      std::int64_t expires_at_ms);
  // Takes the connection's refresh lease for `duration_ms` unless another
  // process holds an unexpired one, and answers the time it ends; that time
  // identifies the holder for renew and release. replace_tokens() ends it too.
  std::optional<std::int64_t> try_lease_refresh(const std::string& id, std::int64_t duration_ms);
  // Extends the lease ending at `held_until` by `duration_ms` from now;
  // nothing when it is no longer ours (it ran out and someone took it).
  std::optional<std::int64_t> renew_refresh_lease(const std::string& id, std::int64_t held_until, std::int64_t duration_ms);
  void release_refresh_lease(const std::string& id, std::int64_t held_until);
  void set_status(const std::string& id, const std::string& status);
  bool remove(const std::string& id);
  // Every token row, for re-encryption under a new key.
  std::vector<Connection> all();

  // Associated data binding a token ciphertext to its connection.
  static std::string token_aad(const std::string& connection_id) { return "connection_tokens:" + connection_id; }

 private:
  Database& db_;
};

}  // namespace lagentry::store
