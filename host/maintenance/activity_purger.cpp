#include "host/maintenance/activity_purger.hpp"

#include "core/log/logger.hpp"
#include "core/store/activity_retention.hpp"
#include "core/store/clock.hpp"

namespace lagentry::host {

ActivityPurger::ActivityPurger(boost::asio::io_context& io, store::Database& db, unsigned retention_days)
    : retention_days_(retention_days),
      task_(io, std::chrono::hours(1), "purge old activity records", [&db, retention_days] {
        const std::int64_t cutoff = store::now_ms() - std::int64_t{retention_days} * 86'400'000;
        const int purged = store::purge_activity_before(db, cutoff);
        if (purged > 0)
          log::info("activity", "purged " + std::to_string(purged) + " activity records older than " +
                                    std::to_string(retention_days) + " days");
      }) {}

void ActivityPurger::start() {
  if (retention_days_ == 0) {
    log::info("activity", "activity records are kept forever (LAGENTRY_ACTIVITY_RETENTION_DAYS=0)");
    return;
  }
  task_.start();
}

}  // namespace lagentry::host
