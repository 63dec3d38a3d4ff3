#include "core/net/socket_deadline.hpp"

#include <boost/asio/steady_timer.hpp>

namespace lagentry::net {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct SocketDeadline::State {
  explicit State(asio::ip::tcp::socket& s) : socket(&s), timer(s.get_executor()) {}
  asio::ip::tcp::socket* socket;  // null once the owner is gone
  asio::steady_timer timer;
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point armed_until = Clock::time_point::max();  // when the pending wait ends; max: none
  std::uint64_t generation = 0;  // of the pending wait: a superseded wait's handler does nothing
  bool expired = false;
};

void SocketDeadline::on_timer(const std::shared_ptr<State>& s, std::uint64_t generation) {
  if (!s->socket || generation != s->generation) return;
  s->armed_until = Clock::time_point::max();
  if (s->deadline == Clock::time_point::max()) return;  // the connection went idle: sleep until the next deadline
  if (s->deadline > Clock::now()) {
    arm(s, s->deadline);  // moved later since this wait began
    return;
  }
  s->expired = true;
  boost::system::error_code ignored;
  s->socket->close(ignored);
}

void SocketDeadline::arm(const std::shared_ptr<State>& s, Clock::time_point at) {
  s->armed_until = at;
  const std::uint64_t generation = ++s->generation;
  s->timer.expires_at(at);  // cancels the wait it replaces (if any)
  s->timer.async_wait([s, generation](const boost::system::error_code&) { on_timer(s, generation); });
}

SocketDeadline::SocketDeadline(asio::ip::tcp::socket& socket) : state_(std::make_shared<State>(socket)) {}

SocketDeadline::~SocketDeadline() {
  state_->socket = nullptr;
  state_->timer.cancel();
}

void SocketDeadline::expires_after(Clock::duration after) {
  State& s = *state_;
  s.deadline = Clock::now() + after;
  s.expired = false;
  // A wait that ends before the deadline will look again then; only an
  // earlier deadline (or none pending) needs the timer moved.
  if (s.armed_until > s.deadline) arm(state_, s.deadline);
}

void SocketDeadline::expires_never() { state_->deadline = Clock::time_point::max(); }

void SocketDeadline::stop() {
  State& s = *state_;
  s.deadline = Clock::time_point::max();
  if (s.armed_until == Clock::time_point::max()) return;
  s.armed_until = Clock::time_point::max();
  ++s.generation;  // the cancelled wait's handler does nothing
  s.timer.cancel();
}

bool SocketDeadline::expired() const { return state_->expired; }

}  // namespace lagentry::net
