// Deletes expired OAuth states, connect links and console sessions at
// startup and then periodically, so that abandoned authorization flows and
// browser sessions never pile up in the database.
#pragma once

#include "core/store/database.hpp"
#include "host/maintenance/periodic_task.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>

namespace lagentry::host {

class StatePurger {
 public:
  // Purges every `interval` (at most every five minutes, and at least as
  // often as states expire, so the table holds about one TTL of flows).
  StatePurger(boost::asio::io_context& io, store::Database& database, std::chrono::seconds state_ttl);
  void start() { task_.start(); }  // purges once now, then on the timer
  void stop() { task_.stop(); }

 private:
  PeriodicTask task_;
};

}  // namespace lagentry::host
