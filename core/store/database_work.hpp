// Database work off the I/O threads.
//
// SOCI calls block. Run on an I/O thread, one slow statement (a PostgreSQL
// round trip, a busy SQLite file) stalls every connection that thread
// serves. Instead the coroutine that needs the database hands the work to
// this small pool and awaits it; its I/O thread serves other requests
// meanwhile, and the coroutine resumes on its own executor with the result
// (or the exception the work threw).
//
//   auto connection = co_await work.run([&] { return store.find(...); });
//
// One thread per pooled session, so work never queues for a session.
#pragma once

#include "core/metrics/metrics.hpp"
#include "core/store/statement_count.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <type_traits>

namespace lagentry::store {

class DatabaseWork {
 public:
  explicit DatabaseWork(std::size_t threads) : pool_(threads == 0 ? 1 : threads) {}
  ~DatabaseWork() { pool_.join(); }
  DatabaseWork(const DatabaseWork&) = delete;
  DatabaseWork& operator=(const DatabaseWork&) = delete;

  // Runs `work` on a pool thread and resumes the caller with its result.
  // `work` may capture the caller's locals by reference: the caller is
  // suspended until it returns.
  template <class Work>
  boost::asio::awaitable<std::invoke_result_t<Work&>> run(Work work) {
    using Result = std::invoke_result_t<Work&>;
    auto task = [&work]() -> boost::asio::awaitable<Result> {
      const StatementSourceScope counted_as(StatementSource::database_work);
      const Timed timed;
      co_return work();
    };
    if constexpr (std::is_void_v<Result>) {
      co_await boost::asio::co_spawn(pool_.get_executor(), task, boost::asio::use_awaitable);
      co_return;
    } else {
      Result result = co_await boost::asio::co_spawn(pool_.get_executor(), task, boost::asio::use_awaitable);
      co_return result;
    }
  }

  // Work nobody waits for (releasing a lease from a destructor).
  void post(std::function<void()> work) { boost::asio::post(pool_, std::move(work)); }

  // Finishes the work already queued and ends the threads (shutdown).
  void stop() { pool_.join(); }

 private:
  // Observes how long one unit of work took, however it ended.
  struct Timed {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    ~Timed() {
      metrics::global().database_call(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
  };
  boost::asio::thread_pool pool_;
};

}  // namespace lagentry::store
