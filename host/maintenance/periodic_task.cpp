#include "host/maintenance/periodic_task.hpp"
#include "core/store/error_text.hpp"

#include "core/log/logger.hpp"

#include <boost/asio/post.hpp>

namespace lagentry::host {

PeriodicTask::PeriodicTask(boost::asio::io_context& io, std::chrono::milliseconds interval, std::string what,
                           std::function<void()> task)
    : strand_(boost::asio::make_strand(io)), timer_(strand_), interval_(interval), what_(std::move(what)), task_(std::move(task)) {}

void PeriodicTask::start() {
  boost::asio::post(strand_, [this] {
    run();
    schedule();
  });
}

void PeriodicTask::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void PeriodicTask::run() {
  try {
    task_();
  } catch (const std::exception& e) {
    log::warn("maintenance", "cannot " + what_ + " (will retry): " + store::error_text(e));
  }
}

void PeriodicTask::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    run();
    schedule();
  });
}

}  // namespace lagentry::host
