#include "core/store/activity_retention.hpp"

#include <soci/soci.h>

namespace lagentry::store {

int purge_activity_before(Database& db, std::int64_t cutoff_ms) {
  soci::session sql(db.pool());
  const long long cutoff = cutoff_ms;
  soci::statement st = (sql.prepare << "DELETE FROM activity_log WHERE occurred_at < :cutoff", soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace lagentry::store
