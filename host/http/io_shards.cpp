#include "host/http/io_shards.hpp"

#include <thread>

namespace lagentry::host {
namespace asio = boost::asio;

IoShards::IoShards(unsigned count) {
  shards_.reserve(std::max(1u, count));
  for (unsigned i = 0; i < std::max(1u, count); ++i) {
    // A hint of 1: exactly one thread runs this context, so Asio skips the
    // wake-ups it would otherwise make for other threads.
    auto context = std::make_unique<asio::io_context>(1);
    auto work = asio::make_work_guard(*context);
    shards_.push_back(Shard{std::move(context), std::move(work)});
  }
}

asio::any_io_executor IoShards::next_connection_executor() {
  const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed) % shards_.size();
  return shards_[i].context->get_executor();
}

void IoShards::run(const std::function<void(asio::io_context&)>& serve) {
  std::vector<std::thread> threads;
  threads.reserve(shards_.size() - 1);
  for (std::size_t i = 1; i < shards_.size(); ++i)
    threads.emplace_back([this, i, &serve] { serve(*shards_[i].context); });
  serve(main());
  for (auto& t : threads) t.join();
}

void IoShards::stop() {
  for (auto& shard : shards_) shard.context->stop();
}

}  // namespace lagentry::host
