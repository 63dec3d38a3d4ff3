// Activity retention: records older than LAGENTRY_ACTIVITY_RETENTION_DAYS
// are deleted, so the log does not grow without bound.
#pragma once

#include "core/store/database.hpp"

#include <cstdint>

namespace lagentry::store {

// Deletes activity records that occurred before `cutoff_ms` (Unix ms); answers how many.
int purge_activity_before(Database& db, std::int64_t cutoff_ms);

}  // namespace lagentry::store
