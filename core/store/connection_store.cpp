#include "core/store/connection_store.hpp"

#include "core/crypto/encoding.hpp"
#include "core/store/clock.hpp"
#include "core/store/write_transaction.hpp"

#include <soci/soci.h>

namespace lagentry::store {
namespace {
constexpr const char* kSelect =
    "SELECT c.id, c.tenant_id, c.user_email, c.provider, c.scopes, c.metadata, c.status, c.created_at, c.updated_at,"
    " t.key_id, t.token_set, t.expires_at, t.generation"
    " FROM connections c JOIN connection_tokens t ON t.connection_id = c.id";

Connection row_to_connection(const soci::row& r) {
  Connection c;
  c.id = r.get<std::string>(0);
  c.tenant_id = r.get<std::string>(1);
  c.user_email = r.get<std::string>(2);
  c.provider = r.get<std::string>(3);
  c.scopes = r.get<std::string>(4);
  c.metadata = r.get<std::string>(5);
  c.status = r.get<std::string>(6);
  c.created_at_ms = r.get<long long>(7);
  c.updated_at_ms = r.get<long long>(8);
  c.tokens.key_id = r.get<std::string>(9);
  c.tokens.ciphertext = r.get<std::string>(10);
  c.expires_at_ms = r.get_indicator(11) == soci::i_ok ? r.get<long long>(11) : 0;
  c.generation = r.get<long long>(12);
  return c;
}
}  // namespace

std::string ConnectionStore::id_for(const std::string& tenant_id, const std::string& user_email,
                                    const std::string& provider) {
  soci::session sql(db_.pool());
  std::string id;
  soci::indicator ind = soci::i_null;
  sql << "SELECT id FROM connections WHERE tenant_id = :t AND user_email = :e AND provider = :p", soci::use(tenant_id),
      soci::use(user_email), soci::use(provider), soci::into(id, ind);
  return ind == soci::i_ok ? id : "conn_" + crypto::random_token(12);
}

bool ConnectionStore::upsert(const std::string& id, const std::string& tenant_id, const std::string& user_email,
                             const std::string& provider, const std::string& scopes, const std::string& metadata,
                             const crypto::Sealed& tokens, std::int64_t expires_at_ms) {
  soci::session sql(db_.pool());
  WriteTransaction tx(db_, sql);
  const long long now = now_ms();
  int exists = 0;
  sql << "SELECT COUNT(*) FROM connections WHERE id = :id", soci::use(id), soci::into(exists);
  if (exists) {
    sql << "UPDATE connections SET scopes = :s, metadata = :m, status = 'connected', updated_at = :now WHERE id = :id",
        soci::use(scopes), soci::use(metadata), soci::use(now), soci::use(id);
    sql << "DELETE FROM connection_tokens WHERE connection_id = :id", soci::use(id);
  } else {
    sql << "INSERT INTO connections (id, tenant_id, user_email, provider, scopes, metadata, status, created_at, updated_at)"
           " VALUES (:id, :t, :e, :p, :s, :m, 'connected', :c, :u)",
        soci::use(id), soci::use(tenant_id), soci::use(user_email), soci::use(provider), soci::use(scopes),
        soci::use(metadata), soci::use(now), soci::use(now);
  }
  sql << "INSERT INTO connection_tokens (connection_id, key_id, token_set, expires_at, generation, updated_at)"
         " VALUES (:id, :k, :ts, :x, 0, :u)",
      soci::use(id), soci::use(tokens.key_id), soci::use(tokens.ciphertext), soci::use(expires_at_ms), soci::use(now);
  tx.commit();
  return exists == 0;
}

std::optional<Connection> ConnectionStore::find(const std::string& tenant_id, const std::string& user_email,
                                                const std::string& provider) {
  soci::session sql(db_.pool());
  soci::row row;
  sql << kSelect << " WHERE c.tenant_id = :t AND c.user_email = :e AND c.provider = :p", soci::use(tenant_id),
      soci::use(user_email), soci::use(provider), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return row_to_connection(row);
}

std::vector<Connection> ConnectionStore::list(const std::string& tenant_id, const std::string& user_email) {
  soci::session sql(db_.pool());
  std::vector<Connection> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << kSelect << " WHERE c.tenant_id = :t AND c.user_email = :e ORDER BY c.provider", soci::use(tenant_id),
       soci::use(user_email));
  for (const auto& r : rows) out.push_back(row_to_connection(r));
  return out;
}

std::vector<Connection> ConnectionStore::page(const std::string& tenant_id, const std::string& provider,
                                              const std::string& status, const std::string& user_email,
                                              const std::string& after_id, int limit) {
  soci::session sql(db_.pool());
  std::vector<Connection> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << kSelect << " WHERE c.tenant_id = :t AND c.id > :after AND (:p1 = '' OR c.provider = :p2)"
                                 " AND (:s1 = '' OR c.status = :s2) AND (:u1 = '' OR c.user_email = :u2)"
                                 " ORDER BY c.id LIMIT :n",
       soci::use(tenant_id), soci::use(after_id), soci::use(provider), soci::use(provider), soci::use(status),
       soci::use(status), soci::use(user_email), soci::use(user_email), soci::use(limit));
  for (const auto& r : rows) out.push_back(row_to_connection(r));
  return out;
}

std::optional<Connection> ConnectionStore::find_by_id(const std::string& tenant_id, const std::string& id) {
  soci::session sql(db_.pool());
  soci::rowset<soci::row> rows =
      (sql.prepare << kSelect << " WHERE c.tenant_id = :t AND c.id = :id", soci::use(tenant_id), soci::use(id));
  for (const auto& r : rows) return row_to_connection(r);
  return std::nullopt;
}

std::vector<Connection> ConnectionStore::all() {
  soci::session sql(db_.pool());
  std::vector<Connection> out;
  soci::rowset<soci::row> rows = (sql.prepare << kSelect);
  for (const auto& r : rows) out.push_back(row_to_connection(r));
  return out;
}

bool ConnectionStore::replace_tokens(const std::string& id, std::int64_t expected_generation, const crypto::Sealed& tokens,
                                     std::int64_t expires_at_ms) {
  soci::session sql(db_.pool());
  const long long now = now_ms();
  const long long next = expected_generation + 1;
  soci::statement st = (sql.prepare << "UPDATE connection_tokens SET key_id = :k, token_set = :ts, expires_at = :x,"
                                       " generation = :next, updated_at = :u, refresh_lease_until = NULL"
                                       " WHERE connection_id = :id AND generation = :g",
                        soci::use(tokens.key_id), soci::use(tokens.ciphertext), soci::use(expires_at_ms), soci::use(next),
                        soci::use(now), soci::use(id), soci::use(expected_generation));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

std::optional<std::int64_t> ConnectionStore::try_lease_refresh(const std::string& id, std::int64_t duration_ms) {
  soci::session sql(db_.pool());
  const long long now = now_ms();
  const long long until = now + duration_ms;
  soci::statement st = (sql.prepare << "UPDATE connection_tokens SET refresh_lease_until = :until WHERE connection_id = :id"
                                       " AND (refresh_lease_until IS NULL OR refresh_lease_until < :now)",
                        soci::use(until), soci::use(id), soci::use(now));
  st.execute(true);
  if (st.get_affected_rows() != 1) return std::nullopt;
  return until;
}

std::optional<std::int64_t> ConnectionStore::renew_refresh_lease(const std::string& id, std::int64_t held_until,
                                                                 std::int64_t duration_ms) {
  soci::session sql(db_.pool());
  // Never the same value twice, so an old holder can't match a new lease.
  const long long until = std::max<long long>(now_ms() + duration_ms, held_until + 1);
  const long long held = held_until;
  soci::statement st = (sql.prepare << "UPDATE connection_tokens SET refresh_lease_until = :until WHERE connection_id = :id"
                                       " AND refresh_lease_until = :held",
                        soci::use(until), soci::use(id), soci::use(held));
  st.execute(true);
  if (st.get_affected_rows() != 1) return std::nullopt;
  return until;
}

void ConnectionStore::release_refresh_lease(const std::string& id, std::int64_t held_until) {
  soci::session sql(db_.pool());
  const long long held = held_until;
  sql << "UPDATE connection_tokens SET refresh_lease_until = NULL WHERE connection_id = :id AND refresh_lease_until = :held",
      soci::use(id), soci::use(held);
}

void ConnectionStore::set_status(const std::string& id, const std::string& status) {
  soci::session sql(db_.pool());
  const long long now = now_ms();
  sql << "UPDATE connections SET status = :s, updated_at = :u WHERE id = :id", soci::use(status), soci::use(now), soci::use(id);
}

bool ConnectionStore::remove(const std::string& id) {
  soci::session sql(db_.pool());
  WriteTransaction tx(db_, sql);
  sql << "DELETE FROM connection_tokens WHERE connection_id = :id", soci::use(id);
  soci::statement st = (sql.prepare << "DELETE FROM connections WHERE id = :id", soci::use(id));
  st.execute(true);
  tx.commit();
  return st.get_affected_rows() > 0;
}

}  // namespace lagentry::store
