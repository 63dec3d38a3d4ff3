#include "core/store/api_key_store.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/sha256.hpp"
#include "core/store/clock.hpp"

#include <soci/soci.h>

namespace lagentry::store {
namespace {
ApiKey row_to_key(const soci::row& r) {
  ApiKey k;
  k.id = r.get<std::string>(0);
  k.tenant_id = r.get<std::string>(1);
  k.name = r.get<std::string>(2);
  k.scopes = r.get<std::string>(3);
  k.created_at_ms = r.get<long long>(4);
  if (r.get_indicator(5) == soci::i_ok) k.revoked_at_ms = r.get<long long>(5);
  if (r.get_indicator(6) == soci::i_ok) k.user_email = r.get<std::string>(6);
  return k;
}
constexpr const char* kColumns = "id, tenant_id, name, scopes, created_at, revoked_at, user_email";
}  // namespace

void ApiKeyStore::ensure_tenant(const std::string& tenant_id) {
  soci::session sql(db_.pool());
  int exists = 0;
  sql << "SELECT COUNT(*) FROM tenants WHERE id = :id", soci::use(tenant_id), soci::into(exists);
  if (exists) return;
  const long long now = now_ms();
  sql << "INSERT INTO tenants (id, name, created_at) VALUES (:id, :name, :t)", soci::use(tenant_id), soci::use(tenant_id),
      soci::use(now);
}

ApiKey ApiKeyStore::import(const std::string& tenant_id, const std::string& name, const std::string& plaintext, KeyRole role,
                           const std::string& user_email) {
  if (role == KeyRole::host_operator && tenant_id != kOperatorTenant)
    throw std::invalid_argument(std::string("operator keys belong to tenant '") + kOperatorTenant + "'");
  if (role == KeyRole::host_operator && !user_email.empty())
    throw std::invalid_argument("operator keys cannot be bound to an end user");
  if (user_email.size() > 320) throw std::invalid_argument("the user is longer than 320 characters");
  ensure_tenant(tenant_id);
  const std::string hash = crypto::sha256_hex(plaintext);
  soci::session sql(db_.pool());
  const std::string scopes = role == KeyRole::host_operator ? kOperatorScope : kTenantScope;
  ApiKey key{"key_" + hash.substr(0, 12), tenant_id, name, scopes, user_email, now_ms(), std::nullopt};
  std::string user = user_email;  // SOCI binds a non-const value with an indicator
  soci::indicator user_ind = user_email.empty() ? soci::i_null : soci::i_ok;
  int exists = 0;
  sql << "SELECT COUNT(*) FROM api_keys WHERE key_hash = :h", soci::use(hash), soci::into(exists);
  if (exists)
    sql << "UPDATE api_keys SET scopes = :scopes WHERE key_hash = :h", soci::use(scopes), soci::use(hash);
  else
    sql << "INSERT INTO api_keys (id, tenant_id, key_hash, name, scopes, created_at, user_email) "
           "VALUES (:id, :tenant, :h, :name, :scopes, :t, :user)",
        soci::use(key.id), soci::use(key.tenant_id), soci::use(hash), soci::use(key.name), soci::use(key.scopes),
        soci::use(key.created_at_ms), soci::use(user, user_ind);
  return key;
}

std::pair<ApiKey, std::string> ApiKeyStore::create(const std::string& tenant_id, const std::string& name, KeyRole role,
                                                   const std::string& user_email) {
  std::string plaintext = "lgk_" + crypto::random_token(32);
  ApiKey key = import(tenant_id, name, plaintext, role, user_email);
  return {key, plaintext};
}

std::optional<ApiKey> ApiKeyStore::authenticate(const std::string& plaintext) {
  if (plaintext.empty() || plaintext.size() > 512) return std::nullopt;
  const std::string hash = crypto::sha256_hex(plaintext);
  soci::session sql(db_.pool());
  soci::row row;
  sql << "SELECT " << kColumns << " FROM api_keys WHERE key_hash = :h AND revoked_at IS NULL", soci::use(hash),
      soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return row_to_key(row);
}

std::vector<ApiKey> ApiKeyStore::list() {
  soci::session sql(db_.pool());
  std::vector<ApiKey> keys;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kColumns << " FROM api_keys ORDER BY created_at");
  for (const auto& r : rows) keys.push_back(row_to_key(r));
  return keys;
}

std::optional<ApiKey> ApiKeyStore::find(const std::string& id) {
  soci::session sql(db_.pool());
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kColumns << " FROM api_keys WHERE id = :id", soci::use(id));
  for (const auto& r : rows) return row_to_key(r);
  return std::nullopt;
}

std::vector<std::string> ApiKeyStore::tenants() {
  soci::session sql(db_.pool());
  std::vector<std::string> out;
  soci::rowset<std::string> rows = (sql.prepare << "SELECT id FROM tenants ORDER BY id");
  for (const auto& id : rows) out.push_back(id);
  return out;
}

bool ApiKeyStore::revoke(const std::string& id) {
  soci::session sql(db_.pool());
  const long long now = now_ms();
  soci::statement st = (sql.prepare << "UPDATE api_keys SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL",
                        soci::use(now), soci::use(id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::size_t ApiKeyStore::active_count() {
  soci::session sql(db_.pool());
  int n = 0;
  sql << "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL", soci::into(n);
  return static_cast<std::size_t>(n);
}

}  // namespace lagentry::store
