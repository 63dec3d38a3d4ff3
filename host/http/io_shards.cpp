#include "host/http/io_shards.hpp"

#include "host/http/shard_balance.hpp"

#include <boost/container/small_vector.hpp>

#include <thread>
#include <time.h>

namespace lagentry::host {
namespace asio = boost::asio;

namespace {
constexpr auto kMeasurePeriod = std::chrono::milliseconds(100);

std::int64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}
}  // namespace

IoShards::Shard::Shard(std::unique_ptr<asio::io_context> c)
    : context(std::move(c)), work(asio::make_work_guard(*context)), meter(*context) {}

IoShards::IoShards(unsigned count) {
  shards_.reserve(std::max(1u, count));
  for (unsigned i = 0; i < std::max(1u, count); ++i) {
    // A hint of 1: exactly one thread runs this context, so Asio skips the
    // wake-ups it would otherwise make for other threads.
    shards_.push_back(std::make_unique<Shard>(std::make_unique<asio::io_context>(1)));
  }
}

asio::any_io_executor IoShards::next_connection_executor() {
  const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed) % shards_.size();
  return shards_[i]->context->get_executor();
}

std::size_t IoShards::index_of(const asio::any_io_executor& executor) const {
  const auto* context = &asio::query(executor, asio::execution::context);
  for (std::size_t i = 0; i < shards_.size(); ++i)
    if (shards_[i]->context.get() == context) return i;
  return 0;
}

std::optional<std::size_t> IoShards::take_move(std::size_t shard) {
  auto& move_to = shards_[shard]->move_to;
  if (move_to.load(std::memory_order_relaxed) < 0) return std::nullopt;  // the common case: one load
  const int target = move_to.exchange(-1, std::memory_order_relaxed);
  if (target < 0) return std::nullopt;
  return static_cast<std::size_t>(target);
}

void IoShards::measure(Shard& shard) {
  const auto wall = std::chrono::steady_clock::now();
  const std::int64_t cpu = thread_cpu_ns();
  if (shard.last_wall != std::chrono::steady_clock::time_point{}) {
    const double elapsed = std::chrono::duration<double, std::nano>(wall - shard.last_wall).count();
    if (elapsed > 0) shard.busy.store(static_cast<double>(cpu - shard.last_cpu_ns) / elapsed, std::memory_order_relaxed);
  }
  shard.last_wall = wall;
  shard.last_cpu_ns = cpu;
  // An instant's count is noisy at a few requests at a time: smoothed over
  // about half a second.
  const double now_in_flight = shard.in_flight.load(std::memory_order_relaxed);
  const double average = shard.in_flight_average.load(std::memory_order_relaxed);
  shard.in_flight_average.store(0.7 * average + 0.3 * now_in_flight, std::memory_order_relaxed);
}

void IoShards::suggest_moves() {
  boost::container::small_vector<ShardLoad, 8> loads;
  for (const auto& shard : shards_)
    loads.push_back({shard->busy.load(std::memory_order_relaxed), shard->in_flight_average.load(std::memory_order_relaxed)});
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    const auto target = better_shard(loads, i);
    shards_[i]->move_to.store(target ? static_cast<int>(*target) : -1, std::memory_order_relaxed);
  }
}

void IoShards::measure_every_period(std::size_t index) {
  Shard& shard = *shards_[index];
  shard.meter.expires_after(kMeasurePeriod);
  shard.meter.async_wait([this, index](const boost::system::error_code& ec) {
    if (ec) return;
    measure(*shards_[index]);
    if (index == 0) suggest_moves();  // from the loads the others measured last period
    measure_every_period(index);
  });
}

void IoShards::run(const std::function<void(asio::io_context&)>& serve) {
  if (shards_.size() > 1)
    for (std::size_t i = 0; i < shards_.size(); ++i) measure_every_period(i);
  std::vector<std::thread> threads;
  threads.reserve(shards_.size() - 1);
  for (std::size_t i = 1; i < shards_.size(); ++i)
    threads.emplace_back([this, i, &serve] { serve(*shards_[i]->context); });
  serve(main());
  for (auto& t : threads) t.join();
}

void IoShards::stop() {
  for (auto& shard : shards_) shard->context->stop();
}

}  // namespace lagentry::host
