#include "host/maintenance/state_purger.hpp"

#include "core/log/logger.hpp"
#include "core/store/connect_session_store.hpp"
#include "core/store/console_session_store.hpp"
#include "core/store/oauth_state_store.hpp"

#include <algorithm>

namespace lagentry::host {

StatePurger::StatePurger(boost::asio::io_context& io, store::Database& database, std::chrono::seconds state_ttl)
    : task_(io, std::clamp(state_ttl, std::chrono::seconds(1), std::chrono::seconds(300)),
            "purge expired OAuth states and browser sessions", [&database] {
              store::OAuthStateStore states(database);
              if (const int purged = states.purge_expired(); purged > 0)
                log::info("oauth", "purged " + std::to_string(purged) + " expired OAuth states");
              store::ConnectSessionStore links(database);
              store::ConsoleSessionStore consoles(database);
              const int sessions = links.purge_expired() + consoles.purge_expired();
              if (sessions > 0) log::info("web", "purged " + std::to_string(sessions) + " expired connect links and console sessions");
            }) {}

}  // namespace lagentry::host
