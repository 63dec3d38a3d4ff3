// Activity retention (LAGENTRY_ACTIVITY_RETENTION_DAYS): deletes older
// activity records at startup and then hourly, and says how many at info.
#pragma once

#include "core/store/database.hpp"
#include "host/maintenance/periodic_task.hpp"

#include <boost/asio/io_context.hpp>

namespace lagentry::host {

class ActivityPurger {
 public:
  // `retention_days` 0 keeps records forever: start() then does nothing.
  ActivityPurger(boost::asio::io_context& io, store::Database& db, unsigned retention_days);
  void start();
  void stop() { task_.stop(); }

 private:
  unsigned retention_days_;
  PeriodicTask task_;
};

}  // namespace lagentry::host
