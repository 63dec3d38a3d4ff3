#include "core/store/oauth_state_store.hpp"

#include "core/crypto/sha256.hpp"
#include "core/store/clock.hpp"

#include <soci/soci.h>

namespace lagentry::store {

std::string OAuthStateStore::hash(const std::string& state) { return crypto::sha256_hex(state); }

void OAuthStateStore::insert(const std::string& state, const OAuthState& r) {
  soci::session sql(db_.pool());
  const std::string h = hash(state);
  const long long now = now_ms();
  soci::indicator verifier_ind = r.pkce_verifier.ciphertext.empty() ? soci::i_null : soci::i_ok;
  sql << "INSERT INTO oauth_states (state_hash, tenant_id, user_email, provider, scopes, key_id, pkce_verifier,"
         " redirect_to, created_at, expires_at) VALUES (:h, :tenant, :email, :provider, :scopes, :key, :verifier,"
         " :redirect, :created, :expires)",
      soci::use(h), soci::use(r.tenant_id), soci::use(r.user_email), soci::use(r.provider), soci::use(r.scopes),
      soci::use(r.pkce_verifier.key_id), soci::use(r.pkce_verifier.ciphertext, verifier_ind), soci::use(r.redirect_to),
      soci::use(now), soci::use(r.expires_at_ms);
}

std::optional<OAuthState> OAuthStateStore::consume(const std::string& state) {
  if (state.empty() || state.size() > 256) return std::nullopt;
  soci::session sql(db_.pool());
  const std::string h = hash(state);
  const long long now = now_ms();
  soci::statement mark = (sql.prepare << "UPDATE oauth_states SET used_at = :now WHERE state_hash = :h"
                                         " AND used_at IS NULL AND expires_at > :now2",
                          soci::use(now), soci::use(h), soci::use(now));
  mark.execute(true);
  if (mark.get_affected_rows() != 1) return std::nullopt;
  soci::row row;
  sql << "SELECT tenant_id, user_email, provider, scopes, key_id, pkce_verifier, redirect_to, expires_at"
         " FROM oauth_states WHERE state_hash = :h",
      soci::use(h), soci::into(row);
  OAuthState r;
  r.tenant_id = row.get<std::string>(0);
  r.user_email = row.get<std::string>(1);
  r.provider = row.get<std::string>(2);
  r.scopes = row.get<std::string>(3);
  if (row.get_indicator(4) == soci::i_ok) r.pkce_verifier.key_id = row.get<std::string>(4);
  if (row.get_indicator(5) == soci::i_ok) r.pkce_verifier.ciphertext = row.get<std::string>(5);
  if (row.get_indicator(6) == soci::i_ok) r.redirect_to = row.get<std::string>(6);
  r.expires_at_ms = row.get<long long>(7);
  return r;
}

std::optional<OAuthState> OAuthStateStore::find_spent(const std::string& state) {
  if (state.empty() || state.size() > 256) return std::nullopt;
  soci::session sql(db_.pool());
  const std::string h = hash(state);
  const long long now = now_ms();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT tenant_id, user_email, provider, scopes, redirect_to, expires_at FROM oauth_states"
                      " WHERE state_hash = :h AND (used_at IS NOT NULL OR expires_at <= :now)",
       soci::use(h), soci::use(now));
  for (const auto& row : rows) {
    OAuthState r;
    r.tenant_id = row.get<std::string>(0);
    r.user_email = row.get<std::string>(1);
    r.provider = row.get<std::string>(2);
    r.scopes = row.get<std::string>(3);
    if (row.get_indicator(4) == soci::i_ok) r.redirect_to = row.get<std::string>(4);
    r.expires_at_ms = row.get<long long>(5);
    return r;
  }
  return std::nullopt;
}

int OAuthStateStore::purge_expired() {
  soci::session sql(db_.pool());
  // Used states expire like the rest: until then a replay finds them used.
  const long long cutoff = now_ms();
  soci::statement st = (sql.prepare << "DELETE FROM oauth_states WHERE expires_at < :t", soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace lagentry::store
