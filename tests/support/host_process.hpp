// Starts the real lagentry-host binary for a test, on an ephemeral port,
// in a private temporary folder (database, plugin folder, log).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lagentry::test {

// The admin API key and encryption key every test host is started with.
inline constexpr const char* kTestApiKey = "lgk_test-admin-key-0123456789";
inline constexpr const char* kTestEncryptionKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

struct HostOptions {
  std::vector<std::filesystem::path> plugins;     // copied into the plugin folder
  std::map<std::string, std::string> environment;  // added to (or overriding) the defaults
  std::vector<std::string> arguments;
  int descriptor_limit = 0;  // > 0: RLIMIT_NOFILE (soft and hard) of the host
};

class HostProcess {
 public:
  explicit HostProcess(HostOptions options = {});
  ~HostProcess();
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  unsigned short port() const { return port_; }
  int pid() const { return pid_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path plugin_dir() const { return dir_ / "plugins"; }
  std::filesystem::path database_path() const { return dir_ / "lagentry.db"; }
  std::string log() const;

  bool running();
  // Sends `signal` and waits for exit; returns the exit code (128+N if killed by signal N).
  int stop(int signal = 15);
  void send_signal(int signal);

 private:
  std::filesystem::path dir_;
  int pid_ = -1;
  int exit_code_ = -1;
  unsigned short port_ = 0;
};

// fork + exec of `argv` with exactly `environment`; output appended to `log_file`.
// `descriptor_limit` > 0 caps the child's open files.
int spawn_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment,
                  const std::filesystem::path& log_file, const std::filesystem::path& cwd, int descriptor_limit = 0);

// The variables every child process inherits from the test: PATH, the
// sanitizers' options, so a sanitizer build checks the hosts and sandboxes
// too, and LAGENTRY_PLUGIN_ISOLATION, so ctest can run a suite again with
// the plugins in worker processes.
std::map<std::string, std::string> base_environment();

// Runs lagentry-host to completion (e.g. --help) and returns {exit code, output}.
std::pair<int, std::string> run_host_command(const std::vector<std::string>& arguments,
                                             const std::map<std::string, std::string>& environment = {});

// `lagentry-host keys create <arguments>` on the host's database; the new key.
std::string create_api_key(HostProcess& host, const std::vector<std::string>& arguments);

// Paths baked in by CMake.
std::filesystem::path host_binary();
std::filesystem::path test_plugin(const std::string& name);  // "echo_v1" -> .../echo_v1.so
std::filesystem::path product_plugin_dir();
std::filesystem::path source_dir();
std::filesystem::path binary_dir();
std::filesystem::path sandbox_binary();

// A fresh, empty temporary folder (removed by the caller or left for post-mortem).
std::filesystem::path make_temp_dir(const std::string& prefix);

}  // namespace lagentry::test
