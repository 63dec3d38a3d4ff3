#include "host/maintenance/state_purger.hpp"

#include "core/log/logger.hpp"

#include <algorithm>

namespace lagentry::host {

StatePurger::StatePurger(boost::asio::io_context& io, store::OAuthStateStore& states, std::chrono::seconds state_ttl)
    : states_(states), timer_(io), interval_(std::clamp(state_ttl, std::chrono::seconds(1), std::chrono::seconds(300))) {}

void StatePurger::start() {
  purge();
  schedule();
}

void StatePurger::stop() { timer_.cancel(); }

void StatePurger::purge() {
  try {
    if (const int purged = states_.purge_expired(); purged > 0)
      log::info("oauth", "purged " + std::to_string(purged) + " expired OAuth states");
  } catch (const std::exception& e) {
    log::warn("oauth", std::string("cannot purge expired OAuth states (will retry): ") + e.what());
  }
}

void StatePurger::schedule() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    purge();
    schedule();
  });
}

}  // namespace lagentry::host
