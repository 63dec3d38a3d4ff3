// One host at a time refreshes a connection's tokens: the lease is a time in
// the token row (hosts may share the database). It is short, so a host killed
// while it refreshes holds the others up for at most kRefreshLeaseMs; while
// the holder's call to the token endpoint runs, a timer renews it.
#pragma once

#include "core/store/connection_store.hpp"
#include "core/store/database_work.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

namespace lagentry::oauth {

inline constexpr std::int64_t kRefreshLeaseMs = 5'000;

// Lives in one coroutine and renews on that coroutine's executor, which must
// be a strand (or single-threaded): its state is not locked. Its statements
// run on the database pool (`work`), never on the I/O thread.
class RefreshLease {
 public:
  RefreshLease(store::ConnectionStore& store, store::DatabaseWork& work, std::string connection_id,
               boost::asio::any_io_executor executor);
  ~RefreshLease();  // stops renewing and releases a lease still held
  RefreshLease(const RefreshLease&) = delete;
  RefreshLease& operator=(const RefreshLease&) = delete;

  // Takes the lease unless another holder has an unexpired one.
  boost::asio::awaitable<bool> try_take();
  // The store ended the lease (replace_tokens): stop renewing, release nothing.
  void ended();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lagentry::oauth
