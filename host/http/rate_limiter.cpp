#include "host/http/rate_limiter.hpp"

#include <algorithm>

namespace lagentry::host {

RateLimiter::RateLimiter(unsigned limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

RateLimiter::Window& RateLimiter::window_of(const std::string& key, Clock::time_point now) {
  if (now >= next_sweep_) {  // forget finished windows, at most once per window
    std::erase_if(windows_, [now](const auto& entry) { return entry.second.ends <= now; });
    next_sweep_ = now + window_;
  }
  Window& w = windows_[key];
  if (w.ends <= now) w = Window{now + window_, 0};
  return w;
}

std::chrono::seconds RateLimiter::remaining(const Window& w, Clock::time_point now) const {
  // Rounded up, and at least one second: Retry-After counts whole seconds.
  auto left = std::chrono::ceil<std::chrono::seconds>(w.ends - now);
  return std::max(left, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> RateLimiter::hit(const std::string& key) {
  if (!enabled()) return std::nullopt;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  Window& w = window_of(key, now);
  if (w.count >= limit_) return remaining(w, now);
  ++w.count;
  return std::nullopt;
}

std::optional<std::chrono::seconds> RateLimiter::blocked(const std::string& key) {
  if (!enabled()) return std::nullopt;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end() || it->second.ends <= now || it->second.count < limit_) return std::nullopt;
  return remaining(it->second, now);
}

}  // namespace lagentry::host
