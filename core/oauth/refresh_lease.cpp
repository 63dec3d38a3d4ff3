#include "core/oauth/refresh_lease.hpp"
#include "core/store/error_text.hpp"

#include "core/log/logger.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace lagentry::oauth {
namespace asio = boost::asio;

struct RefreshLease::State {
  State(store::ConnectionStore& s, store::DatabaseWork& w, std::string id, asio::any_io_executor executor)
      : store(s), work(w), connection_id(std::move(id)), timer(std::move(executor)) {}
  store::ConnectionStore& store;
  store::DatabaseWork& work;
  std::string connection_id;
  asio::steady_timer timer;
  bool held = false;
  std::int64_t until = 0;
};

namespace {
// Queued on the database pool: a destructor cannot wait.
void release(RefreshLease::State& state, std::int64_t until) {
  state.work.post([store = &state.store, id = state.connection_id, until] {
    try {
      store->release_refresh_lease(id, until);
    } catch (const std::exception& e) {
      log::warn("oauth", std::string("cannot release a refresh lease (it runs out by itself): ") + store::error_text(e));
    }
  });
}

// Renews three times per lease period while the lease is held.
asio::awaitable<void> keep(std::shared_ptr<RefreshLease::State> state) {
  while (state->held) {
    state->timer.expires_after(std::chrono::milliseconds(kRefreshLeaseMs / 3));
    boost::system::error_code ec;
    co_await state->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!state->held) co_return;
    try {
      auto renewed = co_await state->work.run(
          [&] { return state->store.renew_refresh_lease(state->connection_id, state->until, kRefreshLeaseMs); });
      if (!state->held) {
        // Ended while the renewal ran: what was released was the old lease.
        if (renewed) release(*state, *renewed);
        co_return;
      }
      if (!renewed) {
        log::warn("oauth", "refresh lease of " + state->connection_id + " ran out before the refresh finished");
        state->held = false;
        co_return;
      }
      state->until = *renewed;
    } catch (const std::exception& e) {
      // The next renewal tries again; the lease may run out meanwhile.
      log::warn("oauth", std::string("cannot renew a refresh lease: ") + store::error_text(e));
    }
  }
}
}  // namespace

RefreshLease::RefreshLease(store::ConnectionStore& store, store::DatabaseWork& work, std::string connection_id,
                           asio::any_io_executor executor)
    : state_(std::make_shared<State>(store, work, std::move(connection_id), std::move(executor))) {}

RefreshLease::~RefreshLease() {
  if (!state_->held) return;
  state_->held = false;
  state_->timer.cancel();
  release(*state_, state_->until);
}

asio::awaitable<bool> RefreshLease::try_take() {
  const std::shared_ptr<State> state = state_;
  auto until = co_await state->work.run([&] { return state->store.try_lease_refresh(state->connection_id, kRefreshLeaseMs); });
  if (!until) co_return false;
  state->held = true;
  state->until = *until;
  asio::co_spawn(state->timer.get_executor(), keep(state), asio::detached);
  co_return true;
}

void RefreshLease::ended() {
  state_->held = false;
  state_->timer.cancel();
}

}  // namespace lagentry::oauth
