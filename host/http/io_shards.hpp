// The I/O threads: one io_context per thread ("shard"), as nginx runs one
// event loop per worker process.
//
// With every thread running one shared io_context, a handler posted on one
// thread woke the other through a futex: five futex calls per proxied
// request, and a thread handing its work across cores. Here a connection is
// placed on one shard when it is accepted and served there: its coroutine,
// its upstream requests (net::HttpClient keeps idle upstream connections per
// shard) and their completions all run on that shard's thread, with no
// strand needed. Shared state (the router, the plugin registry, caches) was
// already safe for several I/O threads and stays so.
//
// Between two requests a connection may move to another shard (the server
// hands its socket over): every shard measures its load ten times a second
// and shard 0 suggests moves from them (shard_balance.hpp), so a light load
// runs on one thread and a heavy one on all.
//
// Shard 0 also holds what is not a connection: the acceptor, signals, the
// plugin watcher, isolated plugins' workers.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace lagentry::host {

class IoShards {
 public:
  explicit IoShards(unsigned count);
  IoShards(const IoShards&) = delete;
  IoShards& operator=(const IoShards&) = delete;

  boost::asio::io_context& main() { return *shards_.front()->context; }
  std::size_t size() const { return shards_.size(); }
  // Where the next accepted connection goes: the shards in turn, so a few
  // long-lived connections spread evenly (SO_REUSEPORT's hash does not).
  boost::asio::any_io_executor next_connection_executor();
  boost::asio::any_io_executor executor(std::size_t shard) { return shards_.at(shard)->context->get_executor(); }
  // The shard whose loop `executor` belongs to (0 when none).
  std::size_t index_of(const boost::asio::any_io_executor& executor) const;

  // A request starts or ends on `shard` (from that shard's thread).
  void request_started(std::size_t shard) { shards_[shard]->in_flight.fetch_add(1, std::memory_order_relaxed); }
  void request_finished(std::size_t shard) { shards_[shard]->in_flight.fetch_sub(1, std::memory_order_relaxed); }
  // The shard one connection of `shard` should move to now, taken by the
  // first caller (one move per shard per measurement), or nullopt.
  std::optional<std::size_t> take_move(std::size_t shard);

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
    boost::asio::steady_timer meter;  // the load measurement, on the shard's own thread (goes before its loop)
    std::atomic<int> in_flight{0};
    std::atomic<double> busy{0}, in_flight_average{0};
    std::atomic<int> move_to{-1};
    std::int64_t last_cpu_ns = 0;  // touched only by the meter, on the shard's thread
    std::chrono::steady_clock::time_point last_wall{};
    explicit Shard(std::unique_ptr<boost::asio::io_context> c);
  };
  void measure_every_period(std::size_t shard);
  void measure(Shard& shard);
  void suggest_moves();

  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace lagentry::host
