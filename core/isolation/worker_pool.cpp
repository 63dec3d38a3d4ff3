#include "core/isolation/worker_pool.hpp"

#include "core/isolation/step_frame.hpp"
#include "core/log/logger.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>

#include <atomic>
#include <optional>
#include <sched.h>
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

// One step's time limit. Armed only when the step has to wait through the
// reactor: most steps answer within the poll below, and a timer armed and
// cancelled on every step would cost a thread wake-up each (the cancelled
// wait still completes as a handler). The step and the timer race to end the
// step: whoever moves the phase away from `running` first decides, so the
// timer can never kill a worker that has already answered (and may be
// serving another step), on any executor.
class StepDeadline {
 public:
  StepDeadline(pid_t pid, std::chrono::steady_clock::time_point at) : pid_(pid), at_(at) {}
  ~StepDeadline() { settle(); }
  StepDeadline(const StepDeadline&) = delete;
  StepDeadline& operator=(const StepDeadline&) = delete;

  void arm(const asio::any_io_executor& executor) {
    if (timer_) return;
    timer_.emplace(executor, at_);
    timer_->async_wait([phase = phase_, pid = pid_](const error_code& ec) {
      auto expected = Phase::running;
      if (!ec && phase->compare_exchange_strong(expected, Phase::killed)) ::kill(pid, SIGKILL);
    });
  }
  // Ends the race; true when the timer had already killed the worker.
  bool settle() {
    auto expected = Phase::running;
    const bool killed = !phase_->compare_exchange_strong(expected, Phase::answered) && expected == Phase::killed;
    if (timer_) timer_->cancel();
    return killed;
  }

 private:
  enum class Phase { running, answered, killed };
  const pid_t pid_;
  const std::chrono::steady_clock::time_point at_;
  std::shared_ptr<std::atomic<Phase>> phase_ = std::make_shared<std::atomic<Phase>>(Phase::running);
  std::optional<asio::steady_timer> timer_;
};

// Moves all of `buffer` over the non-blocking socket: synchronously while the
// socket takes or has bytes (the common case, no trip through the reactor),
// waiting for readiness, with the deadline armed, only when it would block.
// Returns eof when the worker hung up, i.e. died.
//
// A step usually answers within microseconds, and a trip through the
// reactor (epoll, then a wake-up of whichever I/O thread) costs several
// times that, so a read first polls for up to kPollBeforeWaiting, yielding
// the CPU (on a small machine, to the worker itself) between polls.
constexpr auto kPollBeforeWaiting = std::chrono::microseconds(20);

asio::awaitable<error_code> transfer(local_socket& socket, asio::mutable_buffer buffer, bool writing,
                                     StepDeadline& deadline) {
  char* data = static_cast<char*>(buffer.data());
  std::size_t left = buffer.size();
  const auto poll_until = std::chrono::steady_clock::now() + kPollBeforeWaiting;
  while (left > 0) {
    error_code ec;
    const std::size_t n = writing ? socket.write_some(asio::buffer(data, left), ec)
                                  : socket.read_some(asio::buffer(data, left), ec);
    const bool would_block = ec == asio::error::would_block || ec == asio::error::try_again;
    if (would_block && !writing && std::chrono::steady_clock::now() < poll_until) {
      ::sched_yield();
      continue;
    }
    if (would_block) {
      const auto executor = co_await asio::this_coro::executor;
      deadline.arm(executor);
      const auto wait = writing ? local_socket::wait_write : local_socket::wait_read;
      auto ready = co_await socket.async_wait(wait, asio::as_tuple(asio::use_awaitable));
      if (std::get<0>(ready)) co_return std::get<0>(ready);
      continue;
    }
    if (ec) co_return ec;
    data += n;
    left -= n;
  }
  co_return error_code{};
}

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

asio::awaitable<WorkerPool::WorkerPtr> WorkerPool::take_worker() {
  for (;;) {
    error_code ec;
    WorkerPtr worker;
    // An idle worker is taken without suspending; otherwise wait for one.
    const bool taken = idle_.try_receive([&](error_code e, WorkerPtr w) {
      ec = e;
      worker = std::move(w);
    });
    if (!taken) {
      auto received = co_await idle_.async_receive(asio::as_tuple(asio::use_awaitable));
      ec = std::get<0>(received);
      worker = std::move(std::get<1>(received));
    }
    bool failing;
    {
      std::lock_guard lock(mutex_);
      failing = failing_;
      if (!worker && !failing) failing_marker_sent_ = false;  // revived since: the marker is spent
    }
    if (ec || failing) {
      // The marker (or the worker) goes back for the next step to find.
      idle_.try_send(error_code{}, std::move(worker));
      co_return WorkerPtr{};
    }
    if (worker) co_return worker;
  }
}

asio::awaitable<StepResult> WorkerPool::invoke(std::string frame, std::string operation) {
  const auto self = shared_from_this();  // the pool outlives its steps
  WorkerPtr worker = co_await take_worker();
  if (!worker)
    co_return worker_failure(StepResult::WorkerFailure::failing,
                             "plugin " + plugin_id_ +
                                 " is marked failing after repeated worker crashes; it serves again after the next reload");

  StepDeadline deadline(worker->pid, std::chrono::steady_clock::now() + options_.step_timeout);
  error_code failure = co_await transfer(worker->socket, asio::buffer(frame), true, deadline);
  char header[kFrameHeaderBytes];
  if (!failure) failure = co_await transfer(worker->socket, asio::buffer(header), false, deadline);
  if (!failure && frame_length(header) > kMaxFramePayload) failure = asio::error::message_size;
  std::string payload;
  if (!failure) {
    payload.resize(frame_length(header));
    failure = co_await transfer(worker->socket, asio::buffer(payload), false, deadline);
  }
  const bool timed_out = deadline.settle();

  std::optional<StepResult> result;
  if (!failure) result = decode_result(payload);
  // A reply that lost the race to the deadline is lost too: the worker is killed.
  if (!result || timed_out) co_return retire(std::move(worker), timed_out, operation);
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
  error_code ignored;
  worker->socket.non_blocking(true, ignored);  // transfer() reads and writes synchronously until it would block
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
