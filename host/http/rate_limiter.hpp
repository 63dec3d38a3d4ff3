// Counts events per key (a client address, an API key id) in fixed one-minute
// windows and says when a key is over its limit. Thread-safe; memory stays
// bounded because keys whose window ended are forgotten.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace lagentry::host {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `limit` events per window; 0 disables the limiter.
  explicit RateLimiter(unsigned limit, std::chrono::seconds window = std::chrono::seconds(60));

  bool enabled() const { return limit_ > 0; }
  // Counts one event; answers the wait until the window ends when this
  // event is over the limit.
  std::optional<std::chrono::seconds> hit(const std::string& key);
  // Answers the wait when `key` already used up its window, without counting.
  std::optional<std::chrono::seconds> blocked(const std::string& key);

 private:
  struct Window {
    Clock::time_point ends;
    unsigned count = 0;
  };
  Window& window_of(const std::string& key, Clock::time_point now);
  std::chrono::seconds remaining(const Window& w, Clock::time_point now) const;

  const unsigned limit_;
  const std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
  Clock::time_point next_sweep_{};
};

}  // namespace lagentry::host
