// Reading the activity log: one tenant's records, newest first, filtered,
// a page at a time (keyset pagination on the record id, so pages stay
// stable while records are added).
#pragma once

#include "core/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lagentry::store {

struct ActivityFilter {
  std::string tenant_id;  // required: records never cross tenants
  std::string user_email, provider, connector, action, status;  // "" matches any
  std::int64_t since_ms = 0;                      // occurred_at >= since (0: no bound)
  std::int64_t until_ms = 0;                      // occurred_at < until (0: no bound)
  std::int64_t before_id = 0;                     // the cursor: only records older than this one (0: from the newest)
  int limit = 50;
};

struct ActivityEntry {
  std::int64_t id = 0;
  std::int64_t occurred_at_ms = 0;
  std::string user_email, provider, connector, action, status, detail, request_id;
  int http_status = 0;
  int latency_ms = 0;
  std::optional<int> item_count;
};

// At most filter.limit entries, newest first.
std::vector<ActivityEntry> query_activity(Database& db, const ActivityFilter& filter);

}  // namespace lagentry::store
