#include "core/store/activity_query.hpp"

#include "core/store/row_values.hpp"

#include <soci/soci.h>

#include <limits>

namespace lagentry::store {

std::vector<ActivityEntry> query_activity(Database& db, const ActivityFilter& f) {
  soci::session sql(db.pool());
  // Every filter is bound (an empty one matches any row): no SQL is built from input.
  const long long since = f.since_ms;
  const long long until = f.until_ms ? f.until_ms : std::numeric_limits<long long>::max();
  const long long before = f.before_id ? f.before_id : std::numeric_limits<long long>::max();
  const int limit = f.limit;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, occurred_at, user_email, provider, connector, action, status, http_status, latency_ms,"
                      " item_count, detail, request_id FROM activity_log"
                      " WHERE tenant_id = :tenant AND id < :before AND occurred_at >= :since AND occurred_at < :until"
                      " AND (:u1 = '' OR user_email = :u2) AND (:p1 = '' OR provider = :p2)"
                      " AND (:c1 = '' OR connector = :c2) AND (:a1 = '' OR action = :a2) AND (:s1 = '' OR status = :s2)"
                      " ORDER BY id DESC LIMIT :limit",
       soci::use(f.tenant_id), soci::use(before), soci::use(since), soci::use(until), soci::use(f.user_email),
       soci::use(f.user_email), soci::use(f.provider), soci::use(f.provider), soci::use(f.connector), soci::use(f.connector),
       soci::use(f.action), soci::use(f.action), soci::use(f.status), soci::use(f.status), soci::use(limit));
  std::vector<ActivityEntry> out;
  for (const auto& r : rows) {
    ActivityEntry e;
    e.id = integer_or_zero(r, 0);
    e.occurred_at_ms = integer_or_zero(r, 1);
    e.user_email = text_or_empty(r, 2);
    e.provider = text_or_empty(r, 3);
    e.connector = text_or_empty(r, 4);
    e.action = text_or_empty(r, 5);
    e.status = text_or_empty(r, 6);
    e.http_status = static_cast<int>(integer_or_zero(r, 7));
    e.latency_ms = static_cast<int>(integer_or_zero(r, 8));
    if (r.get_indicator(9) == soci::i_ok) e.item_count = static_cast<int>(integer_or_zero(r, 9));
    e.detail = text_or_empty(r, 10);
    e.request_id = text_or_empty(r, 11);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace lagentry::store
