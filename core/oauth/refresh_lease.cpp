#include "core/oauth/refresh_lease.hpp"

#include "core/log/logger.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace lagentry::oauth {
namespace asio = boost::asio;

struct RefreshLease::State {
  State(store::ConnectionStore& s, std::string id, asio::any_io_executor executor)
      : store(s), connection_id(std::move(id)), timer(std::move(executor)) {}
  store::ConnectionStore& store;
  std::string connection_id;
  asio::steady_timer timer;
  bool held = false;
  std::int64_t until = 0;
};

namespace {
// Renews three times per lease period while the lease is held.
asio::awaitable<void> keep(std::shared_ptr<RefreshLease::State> state) {
  while (state->held) {
    state->timer.expires_after(std::chrono::milliseconds(kRefreshLeaseMs / 3));
    boost::system::error_code ec;
    co_await state->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!state->held) co_return;
    try {
      auto renewed = state->store.renew_refresh_lease(state->connection_id, state->until, kRefreshLeaseMs);
      if (!renewed) {
        log::warn("oauth", "refresh lease of " + state->connection_id + " ran out before the refresh finished");
        state->held = false;
        co_return;
      }
      state->until = *renewed;
    } catch (const std::exception& e) {
      // The next renewal tries again; the lease may run out meanwhile.
      log::warn("oauth", std::string("cannot renew a refresh lease: ") + e.what());
    }
  }
}
}  // namespace

RefreshLease::RefreshLease(store::ConnectionStore& store, std::string connection_id, asio::any_io_executor executor)
    : state_(std::make_shared<State>(store, std::move(connection_id), std::move(executor))) {}

RefreshLease::~RefreshLease() {
  if (!state_->held) return;
  state_->held = false;
  state_->timer.cancel();
  try {
    state_->store.release_refresh_lease(state_->connection_id, state_->until);
  } catch (const std::exception& e) {
    log::warn("oauth", std::string("cannot release a refresh lease (it runs out by itself): ") + e.what());
  }
}

bool RefreshLease::try_take() {
  auto until = state_->store.try_lease_refresh(state_->connection_id, kRefreshLeaseMs);
  if (!until) return false;
  state_->held = true;
  state_->until = *until;
  asio::co_spawn(state_->timer.get_executor(), keep(state_), asio::detached);
  return true;
}

void RefreshLease::ended() {
  state_->held = false;
  state_->timer.cancel();
}

}  // namespace lagentry::oauth
