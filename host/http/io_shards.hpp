// The I/O threads: one io_context per thread ("shard"), as nginx runs one
// event loop per worker process.
//
// With every thread running one shared io_context, a handler posted on one
// thread woke the other through a futex: five futex calls per proxied
// request, and a thread handing its work across cores. Here a connection is
// placed on one shard when it is accepted and lives there: its coroutine,
// its upstream requests (net::HttpClient keeps idle upstream connections per
// shard) and their completions all run on that shard's thread, with no
// strand needed. Shared state (the router, the plugin registry, caches) was
// already safe for several I/O threads and stays so.
//
// Shard 0 also holds what is not a connection: the acceptor, signals, the
// plugin watcher, isolated plugins' workers.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace lagentry::host {

class IoShards {
 public:
  explicit IoShards(unsigned count);
  IoShards(const IoShards&) = delete;
  IoShards& operator=(const IoShards&) = delete;

  boost::asio::io_context& main() { return *shards_.front().context; }
  std::size_t size() const { return shards_.size(); }
  // Where the next accepted connection goes: the shards in turn, so a few
  // long-lived connections spread evenly (SO_REUSEPORT's hash does not).
  boost::asio::any_io_executor next_connection_executor();

  // Runs every shard until stop(): serve(shard) on a thread of its own for
  // shards 1..n-1, and for shard 0 on the calling thread. `serve` runs the
  // loop (shard.run()) inside whatever per-thread scope it needs.
  void run(const std::function<void(boost::asio::io_context&)>& serve);
  // Thread-safe; run() returns once every thread is out of its loop.
  void stop();

 private:
  struct Shard {
    std::unique_ptr<boost::asio::io_context> context;
    // Shards without connections yet must not return from run().
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  };
  std::vector<Shard> shards_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace lagentry::host
