#include "core/store/console_session_store.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/sha256.hpp"
#include "core/store/clock.hpp"

#include <soci/soci.h>

namespace lagentry::store {

std::pair<ConsoleSession, std::string> ConsoleSessionStore::create(const std::string& key_id, const std::string& tenant_id,
                                                                   std::chrono::seconds lifetime) {
  std::string token = crypto::random_token(32);
  const std::string hash = crypto::sha256_hex(token);
  const long long now = now_ms();
  ConsoleSession session{key_id, tenant_id, crypto::random_token(24),
                         now + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime).count()};
  const long long expires = session.expires_at_ms;
  soci::session sql(db_.pool());
  sql << "INSERT INTO console_sessions (token_hash, key_id, tenant_id, csrf, created_at, expires_at)"
         " VALUES (:h, :k, :t, :c, :created, :expires)",
      soci::use(hash), soci::use(session.key_id), soci::use(session.tenant_id), soci::use(session.csrf), soci::use(now),
      soci::use(expires);
  return {std::move(session), std::move(token)};
}

std::optional<ConsoleSession> ConsoleSessionStore::find(const std::string& token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string hash = crypto::sha256_hex(token);
  const long long now = now_ms();
  soci::session sql(db_.pool());
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT key_id, tenant_id, csrf, expires_at FROM console_sessions"
                                                 " WHERE token_hash = :h AND expires_at > :now",
                                  soci::use(hash), soci::use(now));
  for (const auto& r : rows)
    return ConsoleSession{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<long long>(3)};
  return std::nullopt;
}

void ConsoleSessionStore::remove(const std::string& token) {
  const std::string hash = crypto::sha256_hex(token);
  soci::session sql(db_.pool());
  sql << "DELETE FROM console_sessions WHERE token_hash = :h", soci::use(hash);
}

int ConsoleSessionStore::purge_expired() {
  const long long now = now_ms();
  soci::session sql(db_.pool());
  soci::statement st = (sql.prepare << "DELETE FROM console_sessions WHERE expires_at <= :now", soci::use(now));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace lagentry::store
