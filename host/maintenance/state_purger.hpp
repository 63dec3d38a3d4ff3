// Deletes expired OAuth states at startup and then periodically, so that
// abandoned authorization flows never pile up in the database.
#pragma once

#include "core/store/oauth_state_store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace lagentry::host {

class StatePurger {
 public:
  // Purges every `interval` (at most every five minutes, and at least as
  // often as states expire, so the table holds about one TTL of flows).
  StatePurger(boost::asio::io_context& io, store::OAuthStateStore& states, std::chrono::seconds state_ttl);
  void start();  // purges once now, then on the timer
  void stop();

 private:
  void purge();
  void schedule();

  store::OAuthStateStore& states_;
  boost::asio::steady_timer timer_;
  std::chrono::seconds interval_;
};

}  // namespace lagentry::host
