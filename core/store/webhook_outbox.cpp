#include "core/store/webhook_outbox.hpp"

#include "core/crypto/encoding.hpp"
#include "core/store/clock.hpp"
#include "core/store/row_values.hpp"
#include "core/store/write_transaction.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <ctime>

namespace lagentry::store {
namespace json = boost::json;
namespace {

// RFC 3339 UTC with milliseconds, as receivers' JSON parsers expect.
std::string rfc3339(std::int64_t at_ms) {
  const std::time_t seconds = static_cast<std::time_t>(at_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(at_ms % 1000));
  return std::string(buffer, n) + millis;
}

}  // namespace

std::string WebhookOutbox::payload(const std::string& event_id, const ConnectionEvent& event, std::int64_t at_ms) {
  json::object data{{"connection_id", event.connection_id}, {"user_email", event.user_email}, {"provider", event.provider}};
  json::object body{{"id", event_id},
                    {"type", event.type},
                    {"created_at", rfc3339(at_ms)},
                    {"tenant", event.tenant_id},
                    {"data", std::move(data)}};
  return json::serialize(body);
}

std::string WebhookOutbox::enqueue(const ConnectionEvent& event) {
  soci::session sql(db_.pool());
  std::vector<std::string> all;
  {
    soci::rowset<std::string> rows =
        (sql.prepare << "SELECT id FROM webhooks WHERE tenant_id = :t ORDER BY id", soci::use(event.tenant_id));
    for (const auto& id : rows) all.push_back(id);
  }
  if (all.empty()) return "";
  const std::string event_id = "evt_" + crypto::random_token(16);
  const long long now = now_ms();
  const std::string body = payload(event_id, event, now);
  WriteTransaction tx(db_, sql);
  for (const auto& webhook_id : all)
    sql << "INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload, created_at, attempts, next_attempt_at)"
           " VALUES (:w, :e, :t, :p, :c, 0, :n)",
        soci::use(webhook_id), soci::use(event_id), soci::use(event.type), soci::use(body), soci::use(now), soci::use(now);
  tx.commit();
  return event_id;
}

std::vector<PendingDelivery> WebhookOutbox::claim(int limit, std::int64_t lease_ms) {
  soci::session sql(db_.pool());
  const long long now = now_ms();
  std::vector<PendingDelivery> due;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT d.id, d.webhook_id, w.url, d.event_id, d.event_type, d.payload, d.created_at, d.attempts"
                        " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
                        " WHERE d.delivered_at IS NULL AND d.abandoned_at IS NULL AND d.next_attempt_at <= :now"
                        " AND (d.lease_until IS NULL OR d.lease_until < :now2) ORDER BY d.id LIMIT :limit",
         soci::use(now), soci::use(now), soci::use(limit));
    for (const auto& r : rows) {
      PendingDelivery d;
      d.id = integer_or_zero(r, 0);
      d.webhook_id = r.get<std::string>(1);
      d.url = r.get<std::string>(2);
      d.event_id = r.get<std::string>(3);
      d.event_type = r.get<std::string>(4);
      d.payload = r.get<std::string>(5);
      d.created_at_ms = integer_or_zero(r, 6);
      d.attempts = static_cast<int>(integer_or_zero(r, 7));
      due.push_back(std::move(d));
    }
  }
  // Another host may have claimed a row since the SELECT: only rows whose
  // lease this UPDATE took are ours.
  std::vector<PendingDelivery> claimed;
  const long long until = now + lease_ms;
  for (auto& d : due) {
    const long long id = d.id;
    soci::statement st = (sql.prepare << "UPDATE webhook_deliveries SET lease_until = :until WHERE id = :id"
                                         " AND delivered_at IS NULL AND (lease_until IS NULL OR lease_until < :now)",
                          soci::use(until), soci::use(id), soci::use(now));
    st.execute(true);
    if (st.get_affected_rows() != 1) continue;
    d.lease_until_ms = until;
    claimed.push_back(std::move(d));
  }
  return claimed;
}

void WebhookOutbox::delivered(const PendingDelivery& delivery) { close(delivery, "delivered_at", ""); }

void WebhookOutbox::retry_later(const PendingDelivery& delivery, std::int64_t next_attempt_ms, const std::string& error) {
  soci::session sql(db_.pool());
  const long long next = next_attempt_ms;
  const long long id = delivery.id;
  const long long held = delivery.lease_until_ms;
  const int attempts = delivery.attempts + 1;
  // Only while the claim is still ours: a lease that ran out belongs to whoever took it next.
  sql << "UPDATE webhook_deliveries SET attempts = :a, next_attempt_at = :n, lease_until = NULL, last_error = :e"
         " WHERE id = :id AND lease_until = :held",
      soci::use(attempts), soci::use(next), soci::use(error), soci::use(id), soci::use(held);
}

void WebhookOutbox::abandon(const PendingDelivery& delivery, const std::string& error) {
  close(delivery, "abandoned_at", error);
}

// The end of a row's life: `column` (delivered_at or abandoned_at, never
// caller input) is set, so no host claims it again.
void WebhookOutbox::close(const PendingDelivery& delivery, const char* column, const std::string& error) {
  soci::session sql(db_.pool());
  const long long now = now_ms();
  const long long id = delivery.id;
  const int attempts = delivery.attempts + 1;
  soci::indicator error_ind = error.empty() ? soci::i_null : soci::i_ok;
  sql << "UPDATE webhook_deliveries SET " << column
      << " = :now, attempts = :a, lease_until = NULL, last_error = :e WHERE id = :id",
      soci::use(now), soci::use(attempts), soci::use(error, error_ind), soci::use(id);
}

WebhookOutbox::Counts WebhookOutbox::counts() {
  soci::session sql(db_.pool());
  Counts c;
  sql << "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND abandoned_at IS NULL", soci::into(c.pending);
  sql << "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NOT NULL", soci::into(c.delivered);
  sql << "SELECT COUNT(*) FROM webhook_deliveries WHERE abandoned_at IS NOT NULL", soci::into(c.abandoned);
  return c;
}

}  // namespace lagentry::store
