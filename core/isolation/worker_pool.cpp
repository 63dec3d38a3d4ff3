#include "core/isolation/worker_pool.hpp"

#include "core/isolation/step_frame.hpp"
#include "core/log/logger.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/array.hpp>

#include <csignal>
#include <utility>

namespace lagentry::isolation {
namespace asio = boost::asio;
using boost::system::error_code;
using local_socket = asio::local::stream_protocol::socket;
using plugin::StepResult;

namespace {
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);

// What one step's deadline and the step itself share; both run on the
// step's strand, so they need no lock.
struct StepWatch {
  bool done = false;
  bool timed_out = false;
};

StepResult worker_failure(StepResult::WorkerFailure kind, std::string message) {
  StepResult result;
  result.code = LG_ERR_INTERNAL;
  result.worker_failure = kind;
  result.json = std::move(message);
  return result;
}
}  // namespace

// One live worker process and the host's end of its socket. A worker is in
// the idle channel or held by exactly one step, never both.
struct WorkerPool::Worker {
  Worker(pid_t p, local_socket s) : pid(p), socket(std::move(s)) {}
  ~Worker() {
    if (pid <= 0) return;
    error_code ignored;
    socket.close(ignored);
    end_worker(pid);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  pid_t pid;
  local_socket socket;
};

std::shared_ptr<WorkerPool> WorkerPool::start(asio::any_io_executor executor, WorkerOptions options,
                                              std::string plugin_id, std::filesystem::path library) {
  std::shared_ptr<WorkerPool> pool(
      new WorkerPool(std::move(executor), std::move(options), std::move(plugin_id), std::move(library)));
  for (std::size_t i = 0; i < pool->options_.workers; ++i) pool->add_worker();
  return pool;
}

WorkerPool::WorkerPool(asio::any_io_executor executor, WorkerOptions options, std::string plugin_id,
                       std::filesystem::path library)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      plugin_id_(std::move(plugin_id)),
      library_(std::move(library)),
      // One place per worker, and one for the failing marker.
      idle_(executor_, options_.workers + 1) {}

// The idle workers go with the channel: each is killed and reaped.
WorkerPool::~WorkerPool() = default;

asio::awaitable<StepResult> WorkerPool::invoke(std::string frame, std::string operation) {
  // The step and its deadline run on a strand of their own, whatever the
  // caller's executor, so the deadline can never kill a worker that has
  // already answered and moved on to another step.
  auto self = shared_from_this();
  auto step = self->run_step(std::move(frame), std::move(operation));
  StepResult result = co_await asio::co_spawn(asio::make_strand(executor_), std::move(step), asio::use_awaitable);
  co_return result;
}

asio::awaitable<StepResult> WorkerPool::run_step(std::string frame, std::string operation) {
  const std::string failing_message = "plugin " + plugin_id_ +
                                      " is marked failing after repeated worker crashes; it serves again after the next reload";
  WorkerPtr worker;
  while (!worker) {
    auto received = co_await idle_.async_receive(asio::as_tuple(asio::use_awaitable));
    worker = std::move(std::get<1>(received));
    bool failing;
    {
      std::lock_guard lock(mutex_);
      failing = failing_;
      if (!worker && !failing) failing_marker_sent_ = false;  // revived since: the marker is spent
    }
    if (failing || std::get<0>(received)) {
      // The marker (or the worker) goes back for the next step to find.
      idle_.try_send(error_code{}, std::move(worker));
      co_return worker_failure(StepResult::WorkerFailure::failing, failing_message);
    }
  }

  auto watch = std::make_shared<StepWatch>();
  const auto strand = co_await asio::this_coro::executor;
  asio::steady_timer deadline(strand, options_.step_timeout);
  deadline.async_wait([watch, pid = worker->pid](const error_code& ec) {
    if (ec || watch->done) return;
    watch->timed_out = true;
    ::kill(pid, SIGKILL);
  });

  auto written = co_await asio::async_write(worker->socket, asio::buffer(frame), asio::as_tuple(asio::use_awaitable));
  error_code failure = std::get<0>(written);
  char header[kFrameHeaderBytes];
  if (!failure) {
    auto read = co_await asio::async_read(worker->socket, asio::buffer(header), asio::as_tuple(asio::use_awaitable));
    failure = std::get<0>(read);
  }
  if (!failure && frame_length(header) > kMaxFramePayload) failure = asio::error::message_size;
  std::string payload;
  if (!failure) {
    payload.resize(frame_length(header));
    auto read = co_await asio::async_read(worker->socket, asio::buffer(payload), asio::as_tuple(asio::use_awaitable));
    failure = std::get<0>(read);
  }
  watch->done = true;
  deadline.cancel();

  std::optional<StepResult> result;
  if (!failure) result = decode_result(payload);
  // A reply that raced the deadline still lost: the worker is already killed.
  if (!result || watch->timed_out) co_return retire(std::move(worker), watch->timed_out, operation);
  idle_.try_send(error_code{}, std::move(worker));
  co_return std::move(*result);
}

StepResult WorkerPool::retire(WorkerPtr worker, bool timed_out, const std::string& operation) {
  const pid_t pid = std::exchange(worker->pid, -1);
  error_code ignored;
  worker->socket.close(ignored);
  const int status = end_worker(pid);
  {
    std::lock_guard lock(mutex_);
    pids_.erase(pid);
  }
  const std::string what =
      timed_out ? "worker " + std::to_string(pid) + " exceeded the " + std::to_string(options_.step_timeout.count()) +
                      " ms step timeout running " + operation + " and was killed by SIGKILL"
                : "worker " + std::to_string(pid) + " " + describe_wait_status(status) + " while running " + operation;
  after_failure(what);
  if (timed_out)
    return worker_failure(StepResult::WorkerFailure::timed_out,
                          "plugin " + plugin_id_ + " did not finish a step of " + operation + " within " +
                              std::to_string(options_.step_timeout.count()) + " ms");
  return worker_failure(StepResult::WorkerFailure::crashed, "plugin " + plugin_id_ + " crashed while running " + operation);
}

void WorkerPool::after_failure(const std::string& what) {
  const auto now = std::chrono::steady_clock::now();
  std::optional<std::chrono::milliseconds> backoff;
  bool send_marker = false;
  std::size_t recent = 0;
  {
    std::lock_guard lock(mutex_);
    ++restarts_;
    recent_failures_.push_back(now);
    while (now - recent_failures_.front() > options_.failing_window) recent_failures_.pop_front();
    recent = recent_failures_.size();
    if (!failing_ && recent < options_.failing_after) {
      backoff = std::min<std::chrono::milliseconds>(kFirstBackoff * (1 << std::min<std::size_t>(recent - 1, 6)), kMaxBackoff);
    } else {
      failing_ = true;
      ++missing_;
      send_marker = !std::exchange(failing_marker_sent_, true);
    }
  }
  if (backoff) {
    log::error(plugin_id_, what + "; restarting it in " + std::to_string(backoff->count()) + " ms");
    restart_after(*backoff);
    return;
  }
  log::error(plugin_id_, what + "; plugin " + plugin_id_ + " is marked failing (" + std::to_string(recent) +
                             " worker failures within " + std::to_string(options_.failing_window.count()) +
                             " s): its operations answer 503 until the next reload");
  // Steps waiting for a worker, and later ones, find the marker instead.
  if (send_marker) idle_.try_send(error_code{}, WorkerPtr{});
}

void WorkerPool::restart_after(std::chrono::milliseconds delay) {
  auto timer = std::make_shared<asio::steady_timer>(executor_, delay);
  timer->async_wait([timer, weak = weak_from_this()](const error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->add_worker();
  });
}

void WorkerPool::add_worker() {
  {
    std::lock_guard lock(mutex_);
    if (failing_) {
      ++missing_;
      return;
    }
  }
  WorkerPtr worker;
  try {
    const SpawnedWorker spawned = spawn_worker({options_.binary, library_, options_.memory_limit_mb});
    try {
      worker = std::make_shared<Worker>(spawned.pid, local_socket(executor_, asio::local::stream_protocol(), spawned.channel));
    } catch (...) {
      ::close(spawned.channel);
      end_worker(spawned.pid);
      throw;
    }
  } catch (const std::exception& e) {
    after_failure(std::string("cannot start a worker: ") + e.what());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    pids_.insert(worker->pid);
  }
  idle_.try_send(error_code{}, std::move(worker));
}

boost::json::object WorkerPool::status() const {
  std::lock_guard lock(mutex_);
  boost::json::array pids;
  for (pid_t pid : pids_) pids.emplace_back(pid);
  return {{"worker_pids", std::move(pids)}, {"worker_restarts", restarts_}, {"failing", failing_}};
}

void WorkerPool::revive() {
  std::size_t to_start = 0;
  {
    std::lock_guard lock(mutex_);
    recent_failures_.clear();
    if (!failing_) return;
    failing_ = false;
    to_start = std::exchange(missing_, 0);
  }
  log::info(plugin_id_, "reloaded: no longer marked failing; starting " + std::to_string(to_start) + " workers");
  for (std::size_t i = 0; i < to_start; ++i) add_worker();
}

}  // namespace lagentry::isolation
