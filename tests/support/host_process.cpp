#include "tests/support/host_process.hpp"

#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace lagentry::test {
namespace fs = std::filesystem;

fs::path host_binary() { return LAGENTRY_HOST_BINARY; }
fs::path test_plugin(const std::string& name) { return fs::path(LAGENTRY_TEST_PLUGIN_DIR) / (name + ".so"); }
fs::path product_plugin_dir() { return LAGENTRY_PRODUCT_PLUGIN_DIR; }
fs::path source_dir() { return LAGENTRY_SOURCE_DIR; }
fs::path binary_dir() { return LAGENTRY_BINARY_DIR; }
fs::path sandbox_binary() { return LAGENTRY_SANDBOX_BINARY; }

fs::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

namespace {
std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int spawn_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, const fs::path& log_file,
                  const fs::path& cwd, int descriptor_limit) {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Die with the test: a test binary killed by a timeout leaves no server behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    if (descriptor_limit > 0) {
      const rlimit limit{static_cast<rlim_t>(descriptor_limit), static_cast<rlim_t>(descriptor_limit)};
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(125);
    }
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(argv[0].c_str(), args.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

std::map<std::string, std::string> base_environment() {
  std::map<std::string, std::string> env;
  for (const char* name : {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "LAGENTRY_PLUGIN_ISOLATION"})
    if (const char* value = std::getenv(name)) env[name] = value;
  return env;
}

namespace {
int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

HostProcess::HostProcess(HostOptions options) {
  dir_ = make_temp_dir("lagentry-test");
  fs::create_directories(plugin_dir());
  for (const auto& plugin : options.plugins) fs::copy_file(plugin, plugin_dir() / plugin.filename());

  auto env = base_environment();
  env["HOST"] = "127.0.0.1";
  env["PORT"] = "0";
  env["DATABASE_PATH"] = database_path().string();
  env["LAGENTRY_PLUGIN_DIR"] = plugin_dir().string();
  env["LAGENTRY_RUNTIME_DIR"] = (dir_ / "runtime").string();
  env["LAGENTRY_THREADS"] = "2";
  // Every plugin reply in every test must match its operation's result schema.
  env["LAGENTRY_VALIDATE_RESULTS"] = "true";
  env["LAGENTRY_API_KEY"] = kTestApiKey;
  env["LAGENTRY_ENCRYPTION_KEY"] = kTestEncryptionKey;
  for (const auto& [k, v] : options.environment) env[k] = v;

  std::vector<std::string> argv{host_binary().string()};
  argv.insert(argv.end(), options.arguments.begin(), options.arguments.end());
  pid_ = spawn_process(argv, env, dir_ / "host.log", dir_, options.descriptor_limit);

  static const std::regex listening(R"(listening on http://[0-9.]+:([0-9]+))");
  // Generous: a sanitizer build on a loaded two-core machine starts in
  // seconds, not the usual half second (scripts/bench measures startup).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string text = log();
    if (std::regex_search(text, m, listening)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1]));
      return;
    }
    if (!running()) throw std::runtime_error("lagentry-host exited during startup (code " + std::to_string(exit_code_) + "):\n" + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop(SIGKILL);
  throw std::runtime_error("lagentry-host did not start listening:\n" + log());
}

namespace {
bool current_test_failed() {
  namespace ut = boost::unit_test;
  if (!ut::framework::test_in_progress()) return false;
  return !ut::results_collector.results(ut::framework::current_test_case().p_id).passed();
}

// The end of a log, so that a failure in CI shows why the host answered as it did.
std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t start = text.size();
  for (std::size_t seen = 0; start > 0 && seen <= count; --start)
    if (text[start - 1] == '\n') ++seen;
  return text.substr(start);
}
}  // namespace

HostProcess::~HostProcess() {
  // A graceful stop, so that a sanitizer build checks the host's exit (leaks).
  if (pid_ > 0 && exit_code_ < 0) stop(SIGTERM);
  if (current_test_failed()) std::cerr << "---- the end of the host's log (" << dir_.string() << "):\n" << last_lines(log(), 40) << "----\n";
  std::error_code ignored;
  if (std::getenv("LAGENTRY_KEEP_TEST_DIRS") == nullptr) fs::remove_all(dir_, ignored);
}

std::string HostProcess::log() const { return read_file(dir_ / "host.log"); }

bool HostProcess::running() {
  if (exit_code_ >= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return false;
  }
  return true;
}

void HostProcess::send_signal(int signal) {
  if (running()) ::kill(pid_, signal);
}

int HostProcess::stop(int signal) {
  if (exit_code_ >= 0) return exit_code_;
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) ::kill(pid_, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::pair<int, std::string> run_host_command(const std::vector<std::string>& arguments,
                                             const std::map<std::string, std::string>& environment) {
  fs::path dir = make_temp_dir("lagentry-cmd");
  auto env = base_environment();
  for (const auto& [k, v] : environment) env[k] = v;
  std::vector<std::string> argv{host_binary().string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  int pid = spawn_process(argv, env, dir / "out.log", dir);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::string output = read_file(dir / "out.log");
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return {decode_status(status), output};
}

std::string create_api_key(HostProcess& host, const std::vector<std::string>& args) {
  std::vector<std::string> command = {"keys", "create"};
  command.insert(command.end(), args.begin(), args.end());
  auto [code, output] = run_host_command(command, {{"DATABASE_PATH", host.database_path().string()},
                                                   {"LAGENTRY_ENCRYPTION_KEY", kTestEncryptionKey}});
  BOOST_REQUIRE_MESSAGE(code == 0, output);
  // The key is the line starting with lgk_ (stderr says what was created).
  std::string key = output.substr(output.find("lgk_"));
  key = key.substr(0, key.find('\n'));
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  return key;
}

}  // namespace lagentry::test
