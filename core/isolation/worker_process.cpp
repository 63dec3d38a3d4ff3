#include "core/isolation/worker_process.hpp"

#include "core/log/logger.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace lagentry::isolation {
namespace {

std::system_error os_error(int code, const std::string& what) {
  return std::system_error(code, std::generic_category(), what);
}

// Owns posix_spawn's two attribute objects for the duration of one spawn.
struct SpawnSettings {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSettings() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSettings() {
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
  }
  SpawnSettings(const SpawnSettings&) = delete;
  SpawnSettings& operator=(const SpawnSettings&) = delete;
};

std::vector<std::string> worker_environment() {
  std::vector<std::string> env;
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "TZ"})
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  return env;
}

}  // namespace

SpawnedWorker spawn_worker(const WorkerCommand& command) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) throw os_error(errno, "socketpair");
  const int host_end = ends[0], worker_end = ends[1];

  SpawnSettings settings;
  // dup2 clears close-on-exec on fd 3; everything else the host has open
  // (client sockets, the database, the listener) stays behind.
  posix_spawn_file_actions_adddup2(&settings.actions, worker_end, kWorkerChannelFd);
  posix_spawn_file_actions_addclosefrom_np(&settings.actions, kWorkerChannelFd + 1);
  posix_spawn_file_actions_addopen(&settings.actions, 0, "/dev/null", O_RDONLY, 0);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&settings.attributes, &no_signals);
  posix_spawnattr_setpgroup(&settings.attributes, 0);
  posix_spawnattr_setflags(&settings.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  const std::string binary = command.binary.string();
  const std::string library = command.library.string();
  const std::string memory = std::to_string(command.memory_limit_mb);
  const std::string host_pid = std::to_string(::getpid());
  // The worker's log lines (the plugin's own among them) join the host's
  // stream, so they take the host's format and level.
  const std::string log_format = log::format() == log::Format::json ? "json" : "text";
  const std::string log_level = std::to_string(static_cast<int>(log::level()));
  std::array<char*, 7> argv{const_cast<char*>(binary.c_str()),    const_cast<char*>(library.c_str()),
                            const_cast<char*>(memory.c_str()),    const_cast<char*>(host_pid.c_str()),
                            const_cast<char*>(log_format.c_str()), const_cast<char*>(log_level.c_str()), nullptr};
  std::vector<std::string> env = worker_environment();
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int failed = ::posix_spawn(&pid, binary.c_str(), &settings.actions, &settings.attributes, argv.data(), envp.data());
  ::close(worker_end);
  if (failed != 0) {
    ::close(host_end);
    throw os_error(failed, "cannot start " + binary);
  }
  return {pid, host_end};
}

int end_worker(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string describe_wait_status(int status) {
  if (WIFSIGNALED(status)) {
    const char* name = ::sigabbrev_np(WTERMSIG(status));
    return "killed by " + (name ? "SIG" + std::string(name) : "signal " + std::to_string(WTERMSIG(status)));
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended (wait status " + std::to_string(status) + ")";
}

}  // namespace lagentry::isolation
