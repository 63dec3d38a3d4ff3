// The worker processes of one isolated plugin version, seen from the host.
//
// Each step goes to an idle worker (waiting, without blocking a thread, when
// all are busy) and comes back as the same StepResult the in-process path
// gives. A worker that crashes, is killed, or overruns the step timeout is
// reaped and answers only its own step (WorkerFailure::crashed/timed_out);
// it is restarted after a back-off. A plugin whose workers fail
// `failing_after` times within `failing_window` is marked failing: its steps
// answer WorkerFailure::failing until revive() (the next reload).
//
// Owned by the plugin version (LoadedPlugin::run_in_workers), so workers live
// exactly as long as the version: when its last request ends, the pool goes
// and with it every worker.
#pragma once

#include "core/isolation/worker_process.hpp"
#include "core/plugin/loaded_plugin.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace lagentry::isolation {

struct WorkerOptions {
  std::filesystem::path binary;  // lagentry-plugin-worker
  std::size_t workers = 2;
  std::chrono::milliseconds step_timeout{5000};
  std::size_t memory_limit_mb = 1024;  // 0: none
  std::size_t failing_after = 5;
  std::chrono::seconds failing_window{60};
};

class WorkerPool : public std::enable_shared_from_this<WorkerPool> {
 public:
  // Starts options.workers processes serving `library` (the plugin's private copy).
  static std::shared_ptr<WorkerPool> start(boost::asio::any_io_executor executor, WorkerOptions options,
                                           std::string plugin_id, std::filesystem::path library);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // One step: `frame` from encode_call(). Never throws for worker failures.
  boost::asio::awaitable<plugin::StepResult> invoke(std::string frame, std::string operation);

  // The admin view: worker pids, restarts, failing.
  boost::json::object status() const;

  // A reload that keeps this version clears "failing" and restarts its workers.
  void revive();

 private:
  struct Worker;
  using WorkerPtr = std::shared_ptr<Worker>;
  using IdleWorkers = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, WorkerPtr)>;

  WorkerPool(boost::asio::any_io_executor executor, WorkerOptions options, std::string plugin_id,
             std::filesystem::path library);

  // An idle worker, or null when the plugin is marked failing.
  boost::asio::awaitable<WorkerPtr> take_worker();
  // A worker that failed its step: reap, log, count, schedule its successor.
  plugin::StepResult retire(WorkerPtr worker, bool timed_out, const std::string& operation);
  // Counts a worker lost (`what` says how, for the one log line) and either
  // schedules its successor after a back-off or marks the plugin failing.
  void after_failure(const std::string& what);
  void add_worker();
  void restart_after(std::chrono::milliseconds delay);

  boost::asio::any_io_executor executor_;
  const WorkerOptions options_;
  const std::string plugin_id_;
  const std::filesystem::path library_;
  IdleWorkers idle_;

  mutable std::mutex mutex_;  // guards what follows
  std::set<pid_t> pids_;      // live workers
  int restarts_ = 0;
  std::deque<std::chrono::steady_clock::time_point> recent_failures_;
  bool failing_ = false;
  // While failing, a null worker circulates in the idle channel: whoever
  // receives it answers "failing" and sends it on.
  bool failing_marker_sent_ = false;
  std::size_t missing_ = 0;  // workers gone and not restarted while failing
};

}  // namespace lagentry::isolation
