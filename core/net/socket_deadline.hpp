// A connection's deadline, kept by one timer that wakes about once per
// timeout period. Beast's tcp_stream arms and cancels its timer around every
// read and every write: each is a timer-queue change (a timerfd_settime when
// it moves the earliest expiry) and a cancelled handler to run, several per
// request. Here setting the deadline is a store; when the timer fires and
// finds the deadline moved later, it waits again for the rest.
//
// Expiry closes the socket, so a pending operation completes with
// operation_aborted (or bad_descriptor); expired() tells that apart from a
// peer's reset. Use it from the socket's own thread (the host runs one event
// loop per I/O thread; a connection that moves to another between requests
// gets a new deadline there).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace lagentry::net {

class SocketDeadline {
 public:
  explicit SocketDeadline(boost::asio::ip::tcp::socket& socket);
  ~SocketDeadline();  // stops the timer; leaves the socket alone
  SocketDeadline(const SocketDeadline&) = delete;
  SocketDeadline& operator=(const SocketDeadline&) = delete;

  // Closes the socket once `after` has passed, unless called again first.
  void expires_after(std::chrono::steady_clock::duration after);
  // No deadline until the next expires_after(); the timer stays pending
  // (cheap to extend) and keeps the event loop's run() from returning.
  void expires_never();
  // No deadline and no timer pending: for a connection put aside idle, which
  // must not keep its event loop running (run() returns once only idle
  // connections are left). Costs a timer cancel.
  void stop();
  // The deadline passed and closed the socket.
  bool expired() const;

 private:
  struct State;
  static void arm(const std::shared_ptr<State>& s, std::chrono::steady_clock::time_point at);
  static void on_timer(const std::shared_ptr<State>& s, std::uint64_t generation);
  std::shared_ptr<State> state_;  // shared with the timer's handler, which may run after this is gone
};

}  // namespace lagentry::net
