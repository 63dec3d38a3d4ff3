#include "host/maintenance/state_purger.hpp"

#include "core/log/logger.hpp"

#include <algorithm>

namespace lagentry::host {

StatePurger::StatePurger(boost::asio::io_context& io, store::OAuthStateStore& states, std::chrono::seconds state_ttl)
    : task_(io, std::clamp(state_ttl, std::chrono::seconds(1), std::chrono::seconds(300)), "purge expired OAuth states",
            [&states] {
              if (const int purged = states.purge_expired(); purged > 0)
                log::info("oauth", "purged " + std::to_string(purged) + " expired OAuth states");
            }) {}

}  // namespace lagentry::host
