#include "core/store/webhook_store.hpp"

#include "core/crypto/encoding.hpp"
#include "core/net/upstream_url.hpp"
#include "core/store/api_key_store.hpp"
#include "core/store/clock.hpp"
#include "core/store/row_values.hpp"
#include "core/store/write_transaction.hpp"

#include <soci/soci.h>

#include <stdexcept>
#include <variant>

namespace lagentry::store {
namespace {

Webhook row_to_webhook(const soci::row& r) {
  Webhook w;
  w.id = r.get<std::string>(0);
  w.tenant_id = r.get<std::string>(1);
  w.url = r.get<std::string>(2);
  w.created_at_ms = integer_or_zero(r, 3);
  return w;
}

}  // namespace

std::pair<Webhook, std::string> WebhookStore::add(const std::string& tenant_id, const std::string& url) {
  // The same normalisation as upstream URLs: no userinfo, no path tricks.
  auto normal = net::normalise_upstream_url(url);
  if (auto* problem = std::get_if<std::string>(&normal)) throw std::invalid_argument("webhook URL " + url + ": " + *problem);
  if (tenant_id.empty()) throw std::invalid_argument("a webhook needs a tenant");
  ApiKeyStore(db_).ensure_tenant(tenant_id);
  Webhook webhook;
  webhook.id = "wh_" + crypto::random_token(12);
  webhook.tenant_id = tenant_id;
  webhook.url = std::string(std::get<net::UpstreamUrl>(normal).url.buffer());
  webhook.created_at_ms = now_ms();
  std::string secret = "whsec_" + crypto::random_token(32);
  const crypto::Sealed sealed = keys_.seal(secret, secret_aad(webhook.id));
  const long long created = webhook.created_at_ms;
  soci::session sql(db_.pool());
  sql << "INSERT INTO webhooks (id, tenant_id, url, key_id, secret, created_at) VALUES (:id, :t, :u, :k, :s, :c)",
      soci::use(webhook.id), soci::use(webhook.tenant_id), soci::use(webhook.url), soci::use(sealed.key_id),
      soci::use(sealed.ciphertext), soci::use(created);
  return {webhook, secret};
}

std::vector<Webhook> WebhookStore::list(const std::string& tenant_id) {
  soci::session sql(db_.pool());
  std::vector<Webhook> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, tenant_id, url, created_at FROM webhooks WHERE (:t = '' OR tenant_id = :t2)"
                      " ORDER BY created_at, id",
       soci::use(tenant_id), soci::use(tenant_id));
  for (const auto& r : rows) out.push_back(row_to_webhook(r));
  return out;
}

bool WebhookStore::remove(const std::string& id) {
  soci::session sql(db_.pool());
  WriteTransaction tx(db_, sql);
  sql << "DELETE FROM webhook_deliveries WHERE webhook_id = :id", soci::use(id);
  soci::statement st = (sql.prepare << "DELETE FROM webhooks WHERE id = :id", soci::use(id));
  st.execute(true);
  const bool removed = st.get_affected_rows() == 1;
  tx.commit();
  return removed;
}

std::optional<std::string> WebhookStore::secret(const std::string& id) {
  soci::session sql(db_.pool());
  crypto::Sealed sealed;
  sql << "SELECT key_id, secret FROM webhooks WHERE id = :id", soci::use(id), soci::into(sealed.key_id),
      soci::into(sealed.ciphertext);
  if (!sql.got_data()) return std::nullopt;
  return keys_.open(sealed, secret_aad(id));
}

int WebhookStore::reseal() {
  soci::session sql(db_.pool());
  std::vector<std::pair<std::string, crypto::Sealed>> old;
  {
    const std::string& current = keys_.current_key_id();
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, key_id, secret FROM webhooks WHERE key_id <> :k", soci::use(current));
    for (const auto& r : rows)
      old.emplace_back(r.get<std::string>(0), crypto::Sealed{r.get<std::string>(1), r.get<std::string>(2)});
  }
  for (const auto& [id, sealed] : old) {
    const crypto::Sealed fresh = keys_.seal(keys_.open(sealed, secret_aad(id)), secret_aad(id));
    sql << "UPDATE webhooks SET key_id = :k, secret = :s WHERE id = :id", soci::use(fresh.key_id),
        soci::use(fresh.ciphertext), soci::use(id);
  }
  return static_cast<int>(old.size());
}

}  // namespace lagentry::store
