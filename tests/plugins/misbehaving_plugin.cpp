// A plugin that does everything a plugin must not, one operation each, for
// the plugin isolation tests (issue #12): in a worker process each may cost
// only its own request. In the host (no isolation) most of them are fatal to
// the host; that is documented, not tested.
#include <lagentry/plugin.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr const char* kManifest = R"({
  "id": "misbehaving", "version": "1.0.0",
  "providers": [{
    "name": "misbehaving", "api_origins": ["https://api.misbehaving.test"],
    "oauth": {"authorization_url": "https://auth.misbehaving.test/authorize",
              "token_url": "https://auth.misbehaving.test/token", "env_prefix": "MISBEHAVING"}
  }],
  "operations": ["misbehave.pid", "misbehave.segfault", "misbehave.abort", "misbehave.hang",
                 "misbehave.allocate", "misbehave.socket", "misbehave.file", "misbehave.spawn"],
  "routes": [
    {"method": "GET", "path": "/misbehave/pid", "operation": "misbehave.pid", "provider": "misbehaving"},
    {"method": "GET", "path": "/misbehave/segfault", "operation": "misbehave.segfault", "provider": "misbehaving"},
    {"method": "GET", "path": "/misbehave/abort", "operation": "misbehave.abort", "provider": "misbehaving"},
    {"method": "GET", "path": "/misbehave/hang", "operation": "misbehave.hang", "provider": "misbehaving"},
    {"method": "GET", "path": "/misbehave/allocate", "operation": "misbehave.allocate", "provider": "misbehaving"},
    {"method": "GET", "path": "/misbehave/socket", "operation": "misbehave.socket", "provider": "misbehaving"},
    {"method": "GET", "path": "/misbehave/file", "operation": "misbehave.file", "provider": "misbehaving"},
    {"method": "GET", "path": "/misbehave/spawn", "operation": "misbehave.spawn", "provider": "misbehaving"}
  ]
})";

// {"status":200,"body":{"<what>":"refused"|"allowed","errno":"..."}}
lagentry::Step outcome(const char* what, bool allowed, int error) {
  return lagentry::Step::reply(std::string(R"({"status":200,"body":{")") + what + R"(":")" +
                               (allowed ? "allowed" : "refused") + R"(","errno":")" + (allowed ? "" : std::strerror(error)) +
                               R"(","pid":)" + std::to_string(::getpid()) + "}}");
}

lagentry::Step handle(const lagentry::Call& call) {
  const std::string_view op = call.operation;
  if (op == "misbehave.pid")
    return lagentry::Step::reply(R"({"status":200,"body":{"pid":)" + std::to_string(::getpid()) + "}}");
  if (op == "misbehave.segfault") {
    int* volatile nowhere = nullptr;  // volatile: the compiler cannot see it is null
    *nowhere = 1;
  }
  if (op == "misbehave.abort") std::abort();
  if (op == "misbehave.hang") {
    volatile bool forever = true;
    while (forever) {
    }
  }
  if (op == "misbehave.allocate") {
    // Touches every page so the memory is really taken; like careless code,
    // it does not check for failure.
    for (;;) {
      constexpr std::size_t kChunk = 16 * 1024 * 1024;
      char* volatile chunk = static_cast<char*>(std::malloc(kChunk));
      std::memset(chunk, 1, kChunk);
    }
  }
  if (op == "misbehave.socket") {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int error = errno;
    if (fd >= 0) ::close(fd);
    return outcome("socket", fd >= 0, error);
  }
  if (op == "misbehave.file") {
    const int fd = ::open("/etc/passwd", O_RDONLY);
    const int error = errno;
    if (fd >= 0) ::close(fd);
    return outcome("file", fd >= 0, error);
  }
  if (op == "misbehave.spawn") {
    const pid_t child = ::fork();
    const int error = errno;
    if (child == 0) ::_exit(0);
    return outcome("spawn", child > 0, error);
  }
  throw lagentry::UnknownOperation(call.operation);
}

}  // namespace

LAGENTRY_DEFINE_PLUGIN({.id = "misbehaving", .version = "1.0.0", .manifest = kManifest, .handle = handle})
