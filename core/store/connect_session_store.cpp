#include "core/store/connect_session_store.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/sha256.hpp"
#include "core/store/clock.hpp"

#include <soci/soci.h>

namespace lagentry::store {
namespace {
// Provider names never contain a comma (manifest names are [a-z0-9-]).
std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}
}  // namespace

std::pair<ConnectSession, std::string> ConnectSessionStore::create(ConnectSession session) {
  std::string token = crypto::random_token(32);
  const std::string hash = crypto::sha256_hex(token);
  session.id = "cs_" + crypto::random_token(12);
  session.csrf = crypto::random_token(24);
  session.created_at_ms = now_ms();
  const std::string providers = join(session.providers);
  const long long created = session.created_at_ms;
  const long long expires = session.expires_at_ms;
  soci::indicator scopes_ind = session.scopes.empty() ? soci::i_null : soci::i_ok;
  soci::session sql(db_.pool());
  sql << "INSERT INTO connect_sessions (id, token_hash, tenant_id, user_email, providers, redirect_to, csrf, created_at,"
         " expires_at, scopes) VALUES (:id, :h, :t, :u, :p, :r, :c, :created, :expires, :s)",
      soci::use(session.id), soci::use(hash), soci::use(session.tenant_id), soci::use(session.user_email),
      soci::use(providers), soci::use(session.redirect_to), soci::use(session.csrf), soci::use(created), soci::use(expires),
      soci::use(session.scopes, scopes_ind);
  return {std::move(session), std::move(token)};
}

std::optional<ConnectSession> ConnectSessionStore::find(const std::string& token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string hash = crypto::sha256_hex(token);
  const long long now = now_ms();
  soci::session sql(db_.pool());
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, tenant_id, user_email, providers, redirect_to, csrf, created_at, expires_at, scopes"
                      " FROM connect_sessions WHERE token_hash = :h AND expires_at > :now",
       soci::use(hash), soci::use(now));
  for (const auto& r : rows) {
    ConnectSession s;
    s.id = r.get<std::string>(0);
    s.tenant_id = r.get<std::string>(1);
    s.user_email = r.get<std::string>(2);
    s.providers = split(r.get<std::string>(3));
    if (r.get_indicator(4) == soci::i_ok) s.redirect_to = r.get<std::string>(4);
    s.csrf = r.get<std::string>(5);
    s.created_at_ms = r.get<long long>(6);
    s.expires_at_ms = r.get<long long>(7);
    if (r.get_indicator(8) == soci::i_ok) s.scopes = r.get<std::string>(8);
    return s;
  }
  return std::nullopt;
}

int ConnectSessionStore::purge_expired() {
  const long long now = now_ms();
  soci::session sql(db_.pool());
  soci::statement st = (sql.prepare << "DELETE FROM connect_sessions WHERE expires_at <= :now", soci::use(now));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace lagentry::store
