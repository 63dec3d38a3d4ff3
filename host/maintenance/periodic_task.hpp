// Runs a piece of housekeeping at startup and then every `interval` on its
// own strand, so stop() (from the signal handler's thread) never races the
// timer it cancels. Exceptions from the task are logged and it runs again.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace lagentry::host {

class PeriodicTask {
 public:
  // `what` names the task in the warning logged when it throws.
  PeriodicTask(boost::asio::io_context& io, std::chrono::milliseconds interval, std::string what,
               std::function<void()> task);
  void start();  // runs once now, then on the timer
  void stop();

 private:
  void run();
  void schedule();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::string what_;
  std::function<void()> task_;
  bool stopped_ = false;  // on the strand
};

}  // namespace lagentry::host
