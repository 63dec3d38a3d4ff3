// Starting and ending one lagentry-plugin-worker process (the host side).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace lagentry::isolation {

// The descriptor a worker serves steps on: one end of a socketpair.
inline constexpr int kWorkerChannelFd = 3;

struct SpawnedWorker {
  pid_t pid = -1;
  int channel = -1;  // the host's end of the socketpair (close-on-exec); the caller owns it
};

struct WorkerCommand {
  std::filesystem::path binary;   // lagentry-plugin-worker
  std::filesystem::path library;  // the plugin's private content-hashed copy
  std::size_t memory_limit_mb = 0;  // RLIMIT_AS of the worker; 0: none
};

// posix_spawn of the worker with the socketpair's other end as fd 3, every
// other descriptor of the host closed, stdin from /dev/null, stdout/stderr
// shared (its log lines join the host's), in a process group of its own (a
// terminal's Ctrl-C reaches the host, which ends its workers), and an
// environment holding only the sanitizers' options: the host's environment
// carries secrets a plugin must never read. Throws std::system_error.
SpawnedWorker spawn_worker(const WorkerCommand& command);

// Kills the worker (SIGKILL; harmless when it already exited) and reaps it.
// Returns the wait status. SIGKILL cannot be caught or ignored, so the wait
// lasts only as long as the kernel takes to tear the process down.
int end_worker(pid_t pid);

// "killed by SIGSEGV", "exited with status 2", ...
std::string describe_wait_status(int status);

}  // namespace lagentry::isolation
