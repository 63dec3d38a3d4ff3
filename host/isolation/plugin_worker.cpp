// lagentry-plugin-worker: serves one isolated plugin's invoke steps for the
// host, so that a crash, a hang or a runaway allocation in the plugin costs
// one request and never the host (core/isolation/worker_pool.hpp is the
// other end).
//
//   lagentry-plugin-worker LIBRARY MEMORY_LIMIT_MB HOST_PID LOG_FORMAT LOG_LEVEL
//
// Started by the host only: LIBRARY is the plugin's private content-hashed
// copy, which the host owns (and removes); fd 3 is the host's socket; one
// framed call in, one framed result out (core/isolation/step_frame.hpp).
// The worker exits when the host closes the socket or dies.
#include "core/isolation/step_frame.hpp"
#include "core/isolation/worker_process.hpp"
#include "core/log/logger.hpp"
#include "core/plugin/plugin_loader.hpp"
#include "core/runtime/plugin_step.hpp"
#include "host/isolation/containment.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

namespace {
namespace isolation = lagentry::isolation;
constexpr std::string_view kLog = "plugin-worker";

constexpr const char* kUsage =
    "Usage: lagentry-plugin-worker LIBRARY MEMORY_LIMIT_MB HOST_PID LOG_FORMAT LOG_LEVEL\n"
    "Serves one plugin's invoke steps on fd 3 for lagentry-host, which starts it\n"
    "(LAGENTRY_PLUGIN_ISOLATION); not meant to be run by hand.\n";

// Exit codes the host logs ("exited with status N").
constexpr int kBadArguments = 2;
constexpr int kCannotLoad = 3;
constexpr int kCannotConfine = 4;
constexpr int kBadFrame = 5;

bool read_exact(char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(isolation::kWorkerChannelFd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_all(const std::string& bytes) {
  const char* data = bytes.data();
  std::size_t size = bytes.size();
  while (size > 0) {
    const ssize_t n = ::write(isolation::kWorkerChannelFd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// One step at a time until the host hangs up. Ends the process with _Exit:
// unloading the plugin would remove the private copy the host still serves.
[[noreturn]] void serve(const lagentry::plugin::LoadedPlugin& plugin) {
  for (;;) {
    char header[isolation::kFrameHeaderBytes];
    if (!read_exact(header, sizeof header)) std::_Exit(0);
    const std::uint32_t length = isolation::frame_length(header);
    if (length > isolation::kMaxFramePayload) std::_Exit(kBadFrame);
    std::string payload(length, '\0');
    if (!read_exact(payload.data(), payload.size())) std::_Exit(0);
    auto call = isolation::decode_call(payload);
    if (!call) std::_Exit(kBadFrame);
    const auto result = lagentry::runtime::invoke_step(plugin, call->operation, call->input, call->state, call->responses);
    if (!write_all(isolation::encode_result(result))) std::_Exit(0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (argc != 6) {
    std::cerr << kUsage;
    return kBadArguments;
  }
  const std::filesystem::path library = argv[1];
  char* end = nullptr;
  const unsigned long long memory_limit_mb = std::strtoull(argv[2], &end, 10);
  const long host_pid = std::strtol(argv[3], nullptr, 10);
  const std::string_view log_format = argv[4];
  const long log_level = std::strtol(argv[5], nullptr, 10);
  if (*end != '\0' || host_pid <= 1 || (log_format != "json" && log_format != "text") || log_level < 0 || log_level > 3) {
    std::cerr << kUsage;
    return kBadArguments;
  }
  lagentry::log::set_format(log_format == "json" ? lagentry::log::Format::json : lagentry::log::Format::text);
  lagentry::log::set_level(static_cast<lagentry::log::Level>(log_level));
  // A host that went away mid-write must not kill us with SIGPIPE before we notice.
  std::signal(SIGPIPE, SIG_IGN);
  lagentry::worker::confine_before_load(static_cast<pid_t>(host_pid));

  // The private copy the host made and loaded: named by its content hash.
  auto outcome = lagentry::plugin::load_private_copy({library, library, library.stem().string()});
  if (!outcome.plugin) {
    lagentry::log::error(kLog, "cannot load " + library.string() + ": " + outcome.error);
    std::_Exit(kCannotLoad);
  }
  if (!lagentry::worker::confine_after_load(static_cast<std::size_t>(memory_limit_mb))) std::_Exit(kCannotConfine);
  serve(*outcome.plugin);
}
