// Pending authorization flows. The state value itself is never stored: rows
// are keyed by its SHA-256, and the PKCE verifier is stored encrypted.
// consume() is atomic, so a state works exactly once even under a race.
#pragma once

#include "core/crypto/secret_box.hpp"
#include "core/store/database.hpp"

#include <optional>
#include <string>

namespace lagentry::store {

struct OAuthState {
  std::string tenant_id;
  std::string user_email;
  std::string provider;
  std::string scopes;
  crypto::Sealed pkce_verifier;  // empty ciphertext when PKCE is off
  std::string redirect_to;
  std::int64_t expires_at_ms = 0;
};

class OAuthStateStore {
 public:
  explicit OAuthStateStore(Database& db) : db_(db) {}

  void insert(const std::string& state, const OAuthState& record);
  // Marks the state used and returns it, if it exists, is unused and unexpired.
  std::optional<OAuthState> consume(const std::string& state);
  // A state that exists but can no longer be used (used up, or expired and
  // not yet purged), without its verifier: what a reloaded callback was for.
  std::optional<OAuthState> find_spent(const std::string& state);
  // Deletes expired states, used or not; answers how many.
  int purge_expired();

  static std::string hash(const std::string& state);

 private:
  Database& db_;
};

}  // namespace lagentry::store
